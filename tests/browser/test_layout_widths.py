"""Every page of the work area and the public site, at 375 px and 1280 px wide: nothing scrolls
the page sideways, nothing is cut off by overflow, and every table has a caption and, when it is
wider than its column, scrolls inside its own keyboard-reachable region.

The pages come from the URL resolver (with the access rules and URL arguments of
tests/site/test_url_access.py), from the account pages of allauth, and from Wagtail's live
pages, so a new page is visited without anyone listing it here, and one the test cannot reach
fails with what to add. Only responses that are not HTML pages (downloads, POST-only actions,
redirects) are skipped, judged from the response. A full-page screenshot of every page at both
widths is saved under pytest's temporary directory for a person to look at.
"""

from __future__ import annotations

import datetime
import io
import re
import time

import factory.random
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from engagement.roles import Role
from tests.factories import FocusGroupFactory, UserFactory, partner_of, sign_up
from tests.site import test_url_access as url_access
from tests.site.insights_access import CHECKED_ELSEWHERE

from .conftest import assert_accessible
from .layout_data import (
    _appraisal,
    _assess_every_programme,
    _roundtable_notes,
    _survey_answers,
    _theme_report_evidence,
    _wagtail_pages,
    _with_authenticator_app,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (375, 1280)
HEIGHT = 800
DESKTOP = 1280

# The access tests' organisation: a session with a sign-up and a claim, and one of every record
# a work-area URL names (roundtable, conversation, transcript, survey, codebook, appraisal...).
organisation = url_access.organisation

# Who signs in for each access rule of test_url_access.ACCESS: the first of these the rule lets
# in (a programme lead sees most of the work area).
ROLE_PREFERENCE = (Role.LEAD, Role.ADMIN, Role.ASSOCIATE, Role.PARTNER, Role.RESIDENT)
POST_ONLY = (
    url_access.POST_ONLY
    | url_access.POST_ONLY_CAPTURE
    | url_access.POST_ONLY_PRIVACY
    | url_access.INSIGHTS_POST_ONLY_LEAD
    | {"account_survey_withdraw"}
)
# Account pages (allauth's, with our templates) are tried signed out, then as a resident, then
# as a resident with an authenticator app (the pages that manage one).
ACCOUNT_PAGE_VISITORS = ("anonymous", Role.RESIDENT, "resident-with-app")
# Pages whose tables and scrolling regions changed with this test, also checked with axe-core:
# the heatmap at both widths, the others at 375 px, where their regions scroll.
AXE_BOTH_WIDTHS = {"insights:benchmarking"}
AXE_SAMPLE = {
    *AXE_BOTH_WIDTHS,
    "insights:benchmarking_report",
    "insights:servicemap_coverage",
    "insights:appraisal",
    "insights:report",
    "engagement:claim_list",
    "engagement:roundtable_table",
}


@pytest.fixture
def same_fake_values():
    """People's made-up names come out the same on every run (and so do the pages' widths)."""
    factory.random.reseed_random("layout-widths")


@pytest.fixture
def layout_site(same_fake_values, site_tree, organisation):
    """One small but representative data set, built with the suite's factories and services on
    top of the access tests' objects, and the people who sign in to see it."""
    from insights.models import CoreQuestion
    from pages.models import HomePage

    objects = organisation.test_objects
    call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
    people = {
        Role.LEAD: UserFactory(roles=[Role.LEAD]),
        Role.ADMIN: UserFactory(roles=[Role.ADMIN]),
        Role.ASSOCIATE: UserFactory(roles=[Role.ASSOCIATE]),
        Role.PARTNER: partner_of(organisation),
        Role.RESIDENT: UserFactory(roles=[Role.RESIDENT]),
        "resident-with-app": _with_authenticator_app(UserFactory(roles=[Role.RESIDENT])),
        # Only the two people a double-coding sample is assigned to may code it.
        "coder": objects["sample"].coder_a,
    }
    lead = people[Role.LEAD]
    # The heatmap has a column for every core question: the seven real ones, without the
    # access tests' stand-in.
    objects["question"].delete()
    questions = list(CoreQuestion.objects.all())
    objects["question"] = questions[0]
    _assess_every_programme(questions, lead)
    themes = _theme_report_evidence()
    objects["appraisal"], objects["appraisal_version"], objects["option"] = _appraisal(lead, themes)
    _roundtable_notes(objects["table"], lead)
    for n in range(2, 8):
        sign_up(objects["fg"], n, name=f"Person number {n}, with a longer name than most")
    sign_up(objects["fg"], 8, email=people[Role.RESIDENT].email)
    FocusGroupFactory(
        organisation=organisation,
        title="Working with a long-term condition: what employers and services could do better",
        starts_at=datetime.datetime(2026, 9, 1, 10, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC),
    )
    survey_response = _survey_answers(objects["survey"], people[Role.RESIDENT])
    _wagtail_pages(HomePage.objects.get(), lead)
    extra_args = {"account_survey_withdraw": [survey_response.public_id]}
    return organisation, people, extra_args


# --- The pages ----------------------------------------------------------------------------------
def _account_urls() -> dict[str, str]:
    """allauth's account pages that take no arguments (those with a key from an email are
    reached only from that email)."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith("allauth."):
                    yield f"{namespace}{pattern.name}"

    found = {}
    for name in walk(get_resolver().url_patterns):
        try:
            found[name] = reverse(name)
        except NoReverseMatch:
            continue
    return found


def _visitor(name: str):
    """Who signs in to see one of our URLs, from its access rule; None when it has none."""
    if name in CHECKED_ELSEWHERE:
        return "coder"
    if name in POST_ONLY:
        return Role.RESIDENT if name.startswith("account_") else Role.LEAD
    if name not in url_access.ACCESS:
        return None
    rule = url_access.ACCESS[name][0]
    fixed = {
        "public": "anonymous",
        "signed-in": Role.RESIDENT,
        "organisation": Role.PARTNER,
        "organisation-raw": Role.PARTNER,
    }
    if rule in fixed:
        return fixed[rule]
    return next(role for role in ROLE_PREFERENCE if role in url_access.ALLOWED[rule])


def _targets(organisation, extra_args):
    """(name, url, visitors to try) for every page, and the URLs the test cannot build."""
    from wagtail.models import Page

    from pages.reports import StaffOnlyPageMixin

    targets, problems = [], []
    for name in sorted(url_access.our_urls()):
        visitor = _visitor(name)
        if visitor is None:
            problems.append(
                f"{name}: no access rule, so the test does not know who may see it; add it to "
                "ACCESS in tests/site/test_url_access.py"
            )
            continue
        try:
            if name in extra_args:
                url = reverse(name, args=extra_args[name])
            else:
                url = url_access._url(name, organisation)
        except NoReverseMatch:
            problems.append(
                f"{name}: the test cannot build its URL; add its arguments to _url in "
                "tests/site/test_url_access.py (or to extra_args in layout_site here)"
            )
            continue
        targets.append((name, url, (visitor,)))
    for name, url in sorted(_account_urls().items()):
        targets.append((name, url, ACCOUNT_PAGE_VISITORS))
    for page in Page.objects.live().filter(depth__gt=1).specific().order_by("path"):
        visitor = Role.PARTNER if isinstance(page, StaffOnlyPageMixin) else "anonymous"
        targets.append((f"wagtail {type(page).__name__} {page.slug}", page.url, (visitor,)))
    return targets, problems


# --- What is checked in the browser -------------------------------------------------------------
# Returns {problems: [{selector, what}], notes: [...]}; `desktop` is true at 1280 px, where a
# table that still needs scrolling is noted (not a failure: wide tables may scroll in their
# region). An element is clipped by the nearest ancestor whose overflow is not visible in its
# chain of containing blocks, as in the browser: an absolutely positioned element escapes a
# scrolling box that is not positioned.
CHECKS_JS = r"""
(desktop) => {
  const vw = window.innerWidth;
  const problems = [];
  const notes = [];
  const reported = new Set();
  const style = (el) => getComputedStyle(el);
  const scrolls = (s) => s.overflowX === 'auto' || s.overflowX === 'scroll';
  const cuts = (s) => s.overflowX === 'hidden' || s.overflowX === 'clip';
  const cssPath = (el) => {
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && parts.length < 6;
         node = node.parentElement) {
      if (node.id) { parts.unshift('#' + CSS.escape(node.id)); break; }
      let part = node.localName + [...node.classList].slice(0, 2)
        .map((c) => '.' + CSS.escape(c)).join('');
      const parent = node.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.localName === node.localName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
      if (node.localName === 'body') break;
    }
    return parts.join(' > ');
  };
  const add = (el, what) => {
    for (let a = el; a; a = a.parentElement) if (reported.has(a)) return;
    reported.add(el);
    problems.push({selector: cssPath(el), what});
  };
  const clipper = (el) => {
    let position = style(el).position;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (position === 'fixed') return null;
      const s = style(a);
      if (position === 'absolute' && s.position === 'static' && s.transform === 'none') continue;
      if (s.overflowX !== 'visible') return a;
      position = s.position;
    }
    return null;
  };
  // Hidden on purpose: GOV.UK's visually-hidden classes and the same 1px-box pattern elsewhere.
  const hiddenMemo = new Map();
  const visuallyHidden = (el) => {
    if (!el || el === document.body) return false;
    if (!hiddenMemo.has(el)) {
      const s = style(el);
      const r = el.getBoundingClientRect();
      const tiny = r.width <= 1.5 && r.height <= 1.5
        && (s.clip !== 'auto' || s.clipPath !== 'none' || s.overflow !== 'visible');
      hiddenMemo.set(el, tiny || el.matches('.govuk-visually-hidden')
        || visuallyHidden(el.parentElement));
    }
    return hiddenMemo.get(el);
  };
  const rendered = (el) => el.getClientRects().length > 0
    && el.checkVisibility({visibilityProperty: true});
  const overflowingAncestor = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (style(a).overflowX !== 'visible') return a;
    }
    return null;
  };
  const named = (el) => {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    if (ids.some((id) => document.querySelectorAll(`[id="${id}"]`).length !== 1)) return false;
    const text = ids.map((id) => document.getElementById(id)?.textContent.trim() || '').join('');
    return Boolean(text || (el.getAttribute('aria-label') || '').trim());
  };

  if (!document.querySelector('main h1')) {
    return {problems: [{selector: 'main', what: 'no main heading: the page did not load'}], notes};
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > vw + 1) {
    problems.push({selector: 'html',
      what: `the page scrolls sideways (${doc.scrollWidth}px wide in a ${vw}px window)`});
  }
  const skip = 'script, style, template, noscript, option, optgroup, br';
  const controls = 'input, select, textarea, button, img, svg, canvas, video, iframe, object';
  for (const el of document.body.querySelectorAll('*')) {
    if (el.matches(skip) || (el.closest('svg') && el.localName !== 'svg')) continue;
    if (!rendered(el)) continue;
    const s = style(el);
    if (!visuallyHidden(el) && !el.matches(controls) && s.display !== 'inline') {
      if (cuts(s) && el.scrollWidth > el.clientWidth + 1) {
        add(el, `content cut off: ${el.scrollWidth}px of content in a ${el.clientWidth}px box `
          + `with overflow-x: ${s.overflowX}`);
        continue;
      }
      if (desktop && scrolls(s) && el.scrollWidth > el.clientWidth + 1) {
        notes.push(`${cssPath(el)} scrolls at ${vw}px (${el.scrollWidth}px of content in `
          + `${el.clientWidth}px)`);
      }
    }
    const r = el.getBoundingClientRect();
    if ((r.right > vw + 1 || r.left < -1) && !clipper(el)) {
      const escaped = overflowingAncestor(el);
      if (escaped) {
        add(escaped, `positioned content escapes this box and sticks out of the ${vw}px window `
          + `(${cssPath(el)} at ${Math.round(r.left)}px): the box needs position: relative`);
      } else {
        add(el, `sticks out of the ${vw}px window (${Math.round(r.left)}px to `
          + `${Math.round(r.right)}px) with no scrolling box around it`);
      }
    }
  }
  for (const table of document.querySelectorAll('table')) {
    if (!rendered(table) || visuallyHidden(table)) continue;
    const caption = table.caption;
    if (!caption || !caption.textContent.trim()) {
      add(table, 'table without a caption');
    } else if (visuallyHidden(caption)) {
      let block = table;
      while (block.parentElement.children.length === 1) block = block.parentElement;
      const before = block.previousElementSibling;
      if (!before || !/^h[1-6]$/.test(before.localName) || !rendered(before)) {
        add(table, 'caption visually hidden with no visible heading right before the table');
      }
    }
    const box = clipper(table);
    const width = table.getBoundingClientRect().width;
    const column = table.parentElement.clientWidth;
    if (!box && width > column + 1) {
      add(table, `table ${Math.round(width)}px wide in a ${column}px column with no `
        + 'scrolling box around it');
    }
    if (box && scrolls(style(box)) && !(box.getAttribute('tabindex') === '0'
        && box.getAttribute('role') === 'region' && named(box))) {
      add(box, 'scrolling box of a table without tabindex="0", role="region" and an '
        + 'aria-label or aria-labelledby (naming one element), so keyboard users cannot scroll it');
    }
  }
  return {problems, notes};
}
"""

# The heatmap: every question has a column; at 1280 px all of them are in view, and at 375 px
# its region takes keyboard focus and scrolls with the arrow keys.
HEATMAP_JS = r"""
(desktop) => {
  const table = [...document.querySelectorAll('table')]
    .find((t) => t.caption && t.caption.textContent.includes('seven core questions'));
  const region = table && table.closest('[role=region]');
  if (!region) return ['no heatmap table in a scrolling region'];
  const problems = [];
  const columns = region.querySelectorAll('thead th');
  if (columns.length !== 8) problems.push(`${columns.length} columns, not 8`);
  const edge = region.getBoundingClientRect().right + 1;
  const hidden = [...columns].filter((th) => th.getBoundingClientRect().right > edge);
  if (desktop && hidden.length) {
    problems.push('columns out of view: ' + hidden.map((th) => th.textContent.trim()).join(', '));
  }
  region.focus();
  if (document.activeElement !== region) problems.push('its region does not take focus');
  region.blur();
  if (!desktop && region.scrollWidth <= region.clientWidth) {
    problems.push('at 375px the heatmap should scroll in its region');
  }
  return problems;
}
"""


def _serve(response):
    """A route handler that answers with a response already fetched."""
    served = {"status": response.status, "headers": response.headers, "body": response.body()}
    return lambda route: route.fulfill(**served)


def _session_cookie(user, base_url):
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}


def test_every_page_fits_at_375_and_1280_pixels(page, live_server, layout_site, tmp_path_factory):
    if connection.vendor != "sqlite":
        pytest.skip("Layout does not depend on the database: checked once, in the SQLite pass.")
    started = time.monotonic()
    organisation, people, extra_args = layout_site
    targets, failures = _targets(organisation, extra_args)
    shots = tmp_path_factory.mktemp("layout-widths")
    print(f"\nScreenshots at {' and '.join(map(str, WIDTHS))} px: {shots}")

    cookies, signed_in = {}, [None]

    def sign_in_as(visitor):
        if visitor == signed_in[0]:
            return
        page.context.clear_cookies()
        if visitor != "anonymous":
            if visitor not in cookies:
                cookies[visitor] = _session_cookie(people[visitor], live_server.url)
            page.context.add_cookies([cookies[visitor]])
        signed_in[0] = visitor

    def fetch(url, visitors):
        """The response to a plain GET (redirects not followed) for the first visitor who is
        neither sent to sign in nor told the page is not there."""
        for visitor in visitors:
            sign_in_as(visitor)
            response = page.request.get(url, max_redirects=0)
            location = response.headers.get("location", "")
            if "/accounts/login/" not in location and response.status != 404:
                break
        return visitor, response, location

    # The stylesheet and scripts are the same on every page: fetch them from the server once.
    static = {}

    def serve_static(route):
        if route.request.url not in static:
            fetched = route.fetch()
            static[route.request.url] = {
                "status": fetched.status,
                "headers": fetched.headers,
                "body": fetched.body(),
            }
        route.fulfill(**static[route.request.url])

    page.route(f"{live_server.url}/static/**", serve_static)
    visited, skipped, notes = [], [], []
    # Fewest sign-ins: each visitor's pages one after another.
    targets.sort(key=lambda target: (str(target[2]), target[0]))
    for name, url, visitors in targets:
        visitor, response, location = fetch(url, visitors)
        kind = response.headers.get("content-type", "").split(";")[0]
        if response.status == 200 and kind == "text/html":
            visited.append(url)
        elif response.status == 200 or response.status == 405:
            skipped.append(f"{name} {url}: {response.status} {kind}")
            continue
        elif 300 <= response.status < 400 and "/accounts/login/" not in location:
            skipped.append(f"{name} {url}: redirects to {location}")
            continue
        elif visitors == ACCOUNT_PAGE_VISITORS:
            skipped.append(f"{name} {url}: {response.status} {location} to every visitor")
            continue
        else:
            failures.append(
                f"{name} {url}: answered {response.status} {location} to {visitor}; give the "
                "page what it needs in layout_site, or check its access rule"
            )
            continue
        # Show the browser the response just checked rather than asking the server again.
        full_url = live_server.url + url
        page.route(full_url, _serve(response))
        page.goto(url)
        page.unroute(full_url)
        # What is folded away is checked too: it fits once someone opens it.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            desktop = width == DESKTOP
            found = page.evaluate(CHECKS_JS, desktop)
            for problem in found["problems"]:
                failures.append(f"{url} at {width}px: {problem['what']}: {problem['selector']}")
            notes.extend(f"{url}: {note}" for note in found["notes"])
            if name == "insights:benchmarking":
                for problem in page.evaluate(HEATMAP_JS, desktop):
                    failures.append(f"{url} at {width}px: heatmap: {problem}")
            if name in AXE_SAMPLE and (not desktop or name in AXE_BOTH_WIDTHS):
                try:
                    assert_accessible(page)
                except AssertionError as error:
                    failures.append(f"at {width}px: {error}")
            page.screenshot(
                path=shots / f"{len(visited):03d}-{slug}-{width}.jpg",
                full_page=True,
                type="jpeg",
                quality=60,
                caret="initial",
            )

    areas = {"/work/": "work area", "/accounts/": "accounts", "/sessions/": "sessions"}
    counts = {}
    for url in visited:
        area = next((a for prefix, a in areas.items() if url.startswith(prefix)), "site pages")
        counts[area] = counts.get(area, 0) + 1
    print(f"Visited {len(visited)} pages at each width: {counts}")
    print(f"Skipped {len(skipped)} responses that are not pages:\n  " + "\n  ".join(skipped))
    print("Tables that need scrolling at 1280px:\n  " + "\n  ".join(notes or ["none"]))
    print(f"Visiting and checking took {time.monotonic() - started:.1f}s")
    assert not failures, f"{len(failures)} layout problems:\n" + "\n".join(failures)
