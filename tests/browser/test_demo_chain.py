"""The worked demo programme, loaded in full as `make run` loads it, and walked in a real browser
by the programme lead: a theme report with figures by group, Place and round, drilled down to
quotes; the review queue with the machine's suggestions and reasons; the agreement figures; the
benchmarking heatmap; an appraisal's ranking and sensitivity; the equity audit's flagged groups.
Then the demo is loaded again, which changes nothing.

This is the suite's one full load of the demo (every other demo test uses a small copy). It runs
on the embedded defaults the demo ships for; the PostgreSQL pass covers the same services with
the rest of the suite."""

import re

import pytest
from django.core.management import call_command
from django.db import connection

from demo.loaders import DEMO_PASSWORD
from insights.models import Appraisal, Code, DoubleCodingSample, Segment

from .conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _sign_in_as_lead(page):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("lead@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/work/")


def _figures(page) -> list[int]:
    """The people counts a report page shows as links to their segments."""
    links = page.get_by_role("link", name=re.compile(r"^\d[\d,]*\W+see the segments behind"))
    return [int(text.split()[0].replace(",", "")) for text in links.all_inner_texts()]


def _counts() -> dict:
    from engagement.models import FocusGroup, Registration, SurveyResponse
    from insights.models import CodingRun, DiscoveryRun, SuggesterModel

    models = [FocusGroup, Registration, SurveyResponse, Segment, Code, CodingRun,
              SuggesterModel, DiscoveryRun, Appraisal]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_the_lead_walks_the_whole_chain_of_the_demo_programme(page):
    if connection.vendor != "sqlite":
        pytest.skip("The full demo is loaded on the embedded defaults it ships for (SQLite).")
    call_command("load_demo_data", verbosity=0)
    assert 2000 <= Segment.objects.in_analysis().count() <= 4000
    _sign_in_as_lead(page)

    # A theme report with non-zero counts, by stakeholder group, Place and round.
    page.goto("/work/reports/")
    assert sum(_figures(page)) > 0
    content = page.content()
    assert "Round 1" in content and "Round 2" in content
    assert_accessible(page)
    for query in ("stakeholder_group=employer", "place=cheshire-east", "round_number=2"):
        page.goto(f"/work/reports/?{query}")
        assert max(_figures(page)) >= 5, query
    # ... drilled down to the quotes behind a figure.
    page.get_by_role("link", name=re.compile(r"see the segments behind")).first.click()
    assert re.search(r"\d+ segments?", page.content())
    assert page.locator("blockquote, .app-quote, td").count() > 0
    assert_accessible(page)

    # The review queue: machine suggestions with their reasons.
    page.goto("/work/review/")
    assert "/work/review/segments/" in page.url  # the queue opens the next segment waiting
    body = page.content()
    assert re.search(r"(learned model: p=|codebook phrase|similar to)", body, re.IGNORECASE)
    assert_accessible(page)

    # Agreement between the two associates who double-coded a sample.
    sample = DoubleCodingSample.objects.get()
    page.goto(f"/work/double-coding/{sample.pk}/")
    assert "Krippendorff" in page.content()
    alpha = page.locator('dt:has-text("Krippendorff") + dd').inner_text()
    assert re.match(r"-?\d\.\d\d", alpha), alpha
    assert_accessible(page)

    # Benchmarking: rated cells in the heatmap.
    page.goto("/work/decisions/benchmarking/")
    heatmap = page.locator("table").first.inner_text()
    assert "Strong" in heatmap and "Partial" in heatmap and "Weak" in heatmap
    assert_accessible(page)

    # An appraisal's ranking with its sensitivity.
    appraisal = Appraisal.objects.order_by("pk").first()
    page.goto(f"/work/decisions/appraisals/{appraisal.pk}/")
    text = page.locator("main").inner_text()
    assert "Rank" in text or "rank" in text
    assert re.search(r"sensitiv|weights? changed|stays? first", text, re.IGNORECASE)
    assert_accessible(page)

    # The equity audit flags under-represented groups.
    page.goto("/work/decisions/equity/")
    assert "under-represented" in page.locator("main").inner_text().lower()
    assert_accessible(page)
    assert not page.console_errors

    # Loading again is safe: nothing is added twice.
    counts = _counts()
    call_command("load_demo_data", verbosity=0)
    assert _counts() == counts
