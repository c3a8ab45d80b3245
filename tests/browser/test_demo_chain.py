"""The worked demo programme, loaded in full as `make run` loads it, and walked in a real browser
by the programme lead: a theme report with figures by group, Place and round, drilled down to
quotes; the review queue with the machine's suggestions and reasons; the agreement figures; the
benchmarking heatmap; an appraisal's ranking and sensitivity; the equity audit's flagged groups.
Then the demo is loaded again, which changes nothing.

This is the suite's one load of the demo (tests/site/test_demo_programme.py checks its plan
without a database). It runs on the embedded defaults the demo ships for; the PostgreSQL pass
covers the same services with the rest of the suite."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

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


def _assert_a_real_programmes_records() -> None:
    """What the loader replayed through the services, at the volume of a real programme."""
    from django.contrib.auth import authenticate

    from demo.programme.config import programme_config
    from engagement.models import (
        ConversationLog,
        CostClaim,
        EmployerEngagement,
        EngagementRound,
        FocusGroup,
        Registration,
        RoundtableNote,
        SurveyDemographics,
        SurveyResponse,
        Transcript,
    )
    from engagement.roles import Role
    from insights.models import (
        Assessment,
        CensusReference,
        ClientExtract,
        CodingRun,
        DiscoveryRun,
        SuggesterModel,
    )
    from pages.reports import ThemeReportPage

    # Listening: sessions in every state, surveys, conversations, employers, transcripts.
    held = FocusGroup.objects.filter(status=FocusGroup.Status.COMPLETED)
    assert held.count() >= 30
    assert Registration.objects.filter(focus_group__in=held, attended=True).exists()
    assert Registration.objects.filter(focus_group__in=held, attended=False).exists()
    assert Registration.objects.filter(status=Registration.Status.WAITLISTED).exists()
    assert FocusGroup.objects.filter(status=FocusGroup.Status.CANCELLED).count() == 1
    assert set(CostClaim.objects.values_list("status", flat=True)) == {
        "submitted",
        "approved",
        "rejected",
    }
    responses = SurveyResponse.objects.count()
    assert responses >= 400 and SurveyDemographics.objects.count() >= 0.6 * responses
    assert SurveyResponse.objects.filter(anonymous=True).exists()
    assert ConversationLog.objects.count() >= 60 and EmployerEngagement.objects.count() >= 30
    assert RoundtableNote.objects.exists()
    assert sorted(Transcript.objects.values_list("format", flat=True)) == sorted(
        ["vtt", "srt", "docx", "txt", "docx", "vtt"]
    )

    # Evidence, built by the pipeline: every setting, both rounds, pseudonymous and redacted.
    segments = Segment.objects.all()
    assert 2000 <= segments.in_analysis().count() <= 4000
    assert set(segments.values_list("source_type", flat=True)) == {
        "survey",
        "conversation",
        "employer",
        "roundtable",
        "transcript",
    }
    assert set(EngagementRound.objects.values_list("number", flat=True)) == {1, 2}
    assert set(segments.values_list("round_number", flat=True)) >= {1, 2}
    assert not segments.filter(source_type="survey", place__isnull=True).exists()
    spoken = " ".join(segments.filter(source_type="transcript").values_list("text", flat=True))
    assert not any(f"{name} said" in spoken for name in programme_config()["speaker_names"])
    assert segments.filter(codable=False).exists()  # facilitators' turns kept, not coded

    # People's work and what the machine learned from it.
    decided = Code.objects.filter(decided_by__isnull=False)
    assert {"accepted", "rejected"} <= set(decided.values_list("status", flat=True))
    assert Code.objects.filter(origin="person").exists()  # codes people added
    # The demo reviewers found what each text was written about: most reviewed segments that
    # are not small talk carry an accepted code.
    reviewed = Segment.objects.filter(review__reviewed_at__isnull=False)
    assert reviewed.filter(codes__status="accepted").distinct().count() >= 0.6 * reviewed.count()
    sample = DoubleCodingSample.objects.get()
    assert sample.codings.count() == 2 * sample.segments.count()
    model = SuggesterModel.objects.get(metrics__status="ready")
    assert model.n_train >= 100
    assert CodingRun.objects.filter(suggester=model, status="done").exists()
    assert Code.objects.filter(status="suggested").exists()  # waiting in the review queue
    assert DiscoveryRun.objects.get().status == "done"

    # Decisions: inputs only; the product computes the rest.
    assert Assessment.objects.exclude(rating="none").filter(themes__isnull=False).exists()
    assert Appraisal.objects.count() == 2
    assert all(a.versions.exists() for a in Appraisal.objects.all())
    assert CensusReference.objects.count() == 1 and ClientExtract.objects.get().model
    assert ThemeReportPage.objects.live().count() == 1

    # The demo accounts the README names sign in with their roles.
    lead = authenticate(email="lead@example.org", password=DEMO_PASSWORD)
    assert lead is not None and lead.groups.filter(name=Role.LEAD.label).exists()
    assert authenticate(email="associate.two@example.org", password=DEMO_PASSWORD)


def test_the_lead_walks_the_whole_chain_of_the_demo_programme(page):
    if connection.vendor != "sqlite":
        pytest.skip("The full demo is loaded on the embedded defaults it ships for (SQLite).")
    call_command("load_demo_data", verbosity=0)
    _assert_a_real_programmes_records()

    # A resident finds the upcoming sessions.
    page.goto("/sessions/")
    assert "Back to work after time off sick (demo)" in page.content()
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
    # The worker worked out the "most useful to review next" order, and says why.
    assert page.locator("#queue-order").input_value() == "useful"
    assert "Why this segment now:" in page.locator("#why-this-segment").inner_text()
    assert_accessible(page)

    # The learned model against people, over time, and against two people's agreement.
    page.goto(reverse("insights:suggester_models"))
    agreement = page.locator("table", has_text="F1 with people").inner_text()
    # The demo's reviews came before its first training: they judge the codebook's suggestions.
    assert re.search(r"Before any learned model\s+\d+\s+0\.\d\d", agreement), agreement
    assert "Two people coding the same" in page.locator("main").inner_text()
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
