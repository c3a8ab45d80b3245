"""A strict Content Security Policy: scripts and styles from our own origin only, and no page
(or template) relies on inline script, inline event handlers or style attributes, which that
policy would block. Email templates are exempt: mail clients need inline styles and no CSP
applies there."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import FocusGroupFactory, make_survey_page

REPO = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


def test_the_policy_allows_no_inline_or_eval_for_scripts_or_styles():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name in ("script-src", "style-src", "default-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(directives[name]), name
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_key_pages_send_the_policy_and_carry_no_inline_script_or_style(client, lead, consents):
    survey = make_survey_page()
    session = FocusGroupFactory()
    public = [
        "/",
        reverse("focus_groups:list"),
        session.get_absolute_url(),
        reverse("focus_groups:signup", args=[session.public_id]),
        survey.url,
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ]
    staff = [
        reverse("work:dashboard"),
        reverse("insights:report"),
        reverse("insights:codebook"),
        reverse("engagement:claim_list"),
        f"/work/surveys/{survey.pk}/",
    ]
    checked = 0
    for signed_in, urls in ((False, public), (True, staff)):
        if signed_in:
            client.force_login(lead)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            directives = _directives(response["Content-Security-Policy"])
            assert directives["script-src"] == ["'self'"], url
            assert directives["style-src"] == ["'self'"], url
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), f"inline <script> on {url}"
            assert not HANDLER.search(html), f"inline event handler on {url}"
            assert not STYLE_ATTRIBUTE.search(html), f"style attribute on {url}"
            assert not STYLE_ELEMENT.search(html), f"<style> element on {url}"
            checked += 1
    assert checked == len(public) + len(staff)


def _templates():
    roots = [REPO / "templates", *REPO.glob("*/templates"), *REPO.glob("site/*/templates")]
    for root in roots:
        for path in root.rglob("*.html"):
            if "/email/" not in path.as_posix():
                yield path


def test_no_template_has_inline_script_handlers_or_styles():
    offenders = []
    found = 0
    for path in _templates():
        found += 1
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(REPO)}: {pattern.pattern}")
    assert found > 50
    assert offenders == []
