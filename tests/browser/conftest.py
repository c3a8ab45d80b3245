"""Real-browser fixtures: Debian's Chromium driven by Playwright, with axe-core for
accessibility checks. Playwright never downloads a browser of its own here."""

import json
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (creating data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make install` (bin/install-chromium).")
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `make install` to install the npm packages.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def site_tree(transactional_db):
    """Browser tests run against a flushed database (the live server needs committed data),
    and a flush empties what migrations created: put back the page tree and the role groups."""
    from engagement.roles import sync_role_groups
    from pages.setup import ensure_home_page

    ensure_home_page()
    sync_role_groups()


@pytest.fixture
def page(browser, live_server, site_tree):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None
    )
    yield page
    # Let the live server finish the requests this page started before the database is reset:
    # a request still running after the flush would write rows (content types, sessions) that
    # clash with the next test's restored data.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    context.close()


def axe_violations(page, *, impact=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) on the current page."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in impact
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}: " + json.dumps(violations, indent=1)


PASSWORD = "correct horse battery"


def sign_in(page, user, *, landing: str | None = "**/work/") -> None:
    """Give ``user`` a known password and a verified address, and sign in through the form;
    waits for ``landing`` (None: whatever page the sign-in leads to)."""
    user.set_password(PASSWORD)
    user.save()
    user.emailaddress_set.get_or_create(
        email=user.email, defaults={"verified": True, "primary": True}
    )
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if landing:
        page.wait_for_url(landing)
