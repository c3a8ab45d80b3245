"""The demo programme: its plan has a real programme's volume and contrasts, and loading it runs
the whole chain through the product's own services (a smaller copy here; the full one is loaded
once, in tests/browser/test_demo_chain.py)."""

import copy
import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.loaders import load_organisations, load_people, load_sessions
from demo.programme import load_programme
from demo.programme.config import programme_config
from demo.programme.plan import Planner
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
from engagement.services.reference import read_yaml
from insights.models import (
    Appraisal,
    Assessment,
    CensusReference,
    ClientExtract,
    Code,
    CodingRun,
    DiscoveryRun,
    DoubleCodingSample,
    Segment,
    SuggesterModel,
)
from insights.services.reference import REFERENCE_DIR

TODAY = datetime.date(2026, 12, 2)


def theme_kinds() -> dict[str, str]:
    """Theme keys and kinds straight from the starter codebook (no database needed)."""
    kinds = {}

    def walk(themes, kind=None):
        for theme in themes:
            kinds[theme["key"]] = theme.get("kind", kind)
            walk(theme.get("children", []), theme.get("kind", kind))

    walk(read_yaml(REFERENCE_DIR / "codebook.yaml")["codebook"]["themes"])
    return kinds


@pytest.fixture(scope="module")
def plan():
    return Planner(programme_config(), today=TODAY, theme_kinds=theme_kinds()).plan()


def test_the_plan_has_a_real_programmes_volume(plan):
    held = [p for p in plan.focus_groups if p.round_number]
    assert len(held) >= 30 and len(plan.focus_groups) + 5 >= 40  # 5 more from sessions.yaml
    assert {p.round_number for p in held} == {1, 2}
    assert {p.place for p in held} >= set(programme_config()["place_weights"])
    assert {p.audience for p in held} == {"residents", "employers", "services"}
    assert len({p.title for p in plan.focus_groups}) == len(plan.focus_groups)
    assert {c["state"] for p in held for c in p.claims} == {"submitted", "approved", "rejected"}
    full = next(p for p in plan.focus_groups if p.round_number is None)
    assert len(full.registrations) > full.capacity  # a waiting list

    residents = [r for r in plan.surveys if r.survey == "residents"]
    assert len(residents) >= 400
    assert 0.4 < sum(not r.email for r in residents) / len(residents) < 0.8  # some anonymous
    assert all(r.demographics for r in residents)
    assert len(plan.conversations) >= 60 and len(plan.employers) >= 30
    assert len(plan.roundtable) == 3 and sum(
        bool(t.notes) for e in plan.roundtable for t in e.tables
    )
    assert len(plan.transcripts) == 6
    assert {t.format for t in plan.transcripts} == {"vtt", "srt", "docx", "txt"}
    assert all(any(turn.facilitator for turn in t.turns) for t in plan.transcripts)
    assert 2000 <= len(plan.said()) <= 4000


def test_nothing_is_said_twice(plan):
    texts = [said.text for said in plan.said() if len(said.text.split()) >= 5]
    assert len(texts) == len(set(texts))


def _share(plan, theme, **where) -> float:
    """Share of survey answers raising `theme` among those matching `where`."""
    chosen = [r for r in plan.surveys if all(getattr(r, k) == v for k, v in where.items())]
    raised = sum(any(theme in s.themes for a in r.answers for s in a) for r in chosen)
    return raised / len(chosen)


def test_what_people_say_differs_by_place_round_and_group(plan):
    # Transport is a rural problem; debt an urban one.
    assert _share(plan, "transport", place="cheshire-east") > 2 * _share(
        plan, "transport", place="liverpool"
    )
    assert _share(plan, "housing-insecurity", place="liverpool") > _share(
        plan, "housing-insecurity", place="cheshire-east"
    )
    # Where the hubs opened, round 2 hears far more about named key workers.
    hub = [r for r in plan.surveys if r.place in ("liverpool", "knowsley", "wirral")]
    by_round = Counter()
    for response in hub:
        raised = any("named-key-worker" in s.themes for a in response.answers for s in a)
        by_round[response.round_number] += raised
    totals = Counter(r.round_number for r in hub)
    assert by_round[2] / totals[2] > 1.5 * by_round[1] / totals[1]
    # Employers and residents talk about different things.
    employers = Counter(t for r in plan.surveys if r.survey == "employers" for a in r.answers
                        for s in a for t in s.themes)  # fmt: skip
    residents = Counter(t for r in plan.surveys if r.survey == "residents" for a in r.answers
                        for s in a for t in s.themes)  # fmt: skip
    assert employers.most_common(1)[0][0] != residents.most_common(1)[0][0]
    assert employers["fear-of-losing-benefits"] == 0


def small_config() -> dict:
    """The demo at a tenth of its volume: every stage runs, quickly."""
    config = copy.deepcopy(programme_config())
    config["surveys"]["residents"]["responses"] = 70
    config["surveys"]["employers"]["responses"] = 8
    config["conversations"]["count"] = 12
    config["employer_engagement"]["count"] = 6
    config["roundtables"]["tables"] = config["roundtables"]["tables"][:3]  # Table 3 is recorded
    config["roundtables"]["notes_per_question"] = 1
    for transcript in config["transcripts"]:
        transcript["turns"] = 6
    config["review"]["segments"] = 150
    config["double_coding"]["size"] = 12
    return config


@pytest.fixture
def base_data(transactional_db):
    """Real commits, as in `load_demo_data`: each stage's records are built into segments by
    the (immediate) task backend when its transaction commits, before the next stage reads
    them. A flushed database has lost what migrations made: put back the page tree and roles."""
    from engagement.roles import sync_role_groups
    from pages.setup import ensure_home_page

    ensure_home_page()
    sync_role_groups()
    call_command("load_reference_data", verbosity=0)
    load_organisations()
    load_people()
    load_sessions()


def test_loading_the_programme_runs_the_whole_chain_and_loading_again_changes_nothing(base_data):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("The demo loads on the embedded defaults it ships for (SQLite).")
    config = small_config()
    lines: list[str] = []
    load_programme(write=lines.append, today=TODAY, config=config)
    assert any("segments in all" in line for line in lines)
    assert all(line.startswith("[") and " s] " in line for line in lines)

    # Listening, replayed through the services.
    held = FocusGroup.objects.filter(status=FocusGroup.Status.COMPLETED)
    assert held.count() >= 30
    assert Registration.objects.filter(focus_group__in=held, attended=True).exists()
    assert Registration.objects.filter(focus_group__in=held, attended=False).exists()
    assert set(CostClaim.objects.values_list("status", flat=True)) == {
        "submitted",
        "approved",
        "rejected",
    }
    assert FocusGroup.objects.filter(status=FocusGroup.Status.CANCELLED).count() == 1
    assert Registration.objects.filter(status=Registration.Status.WAITLISTED).exists()
    assert SurveyResponse.objects.count() == 78 and SurveyDemographics.objects.count() >= 60
    assert SurveyResponse.objects.filter(anonymous=True).exists()
    assert ConversationLog.objects.count() == 12 and EmployerEngagement.objects.count() == 6
    assert RoundtableNote.objects.exists()
    assert sorted(Transcript.objects.values_list("format", flat=True)) == sorted(
        ["vtt", "srt", "docx", "txt", "docx", "vtt"]
    )

    # Evidence, built by the pipeline: every setting, both rounds, pseudonymous and redacted.
    segments = Segment.objects.all()
    assert set(segments.values_list("source_type", flat=True)) == {
        "survey",
        "conversation",
        "employer",
        "roundtable",
        "transcript",
    }
    assert set(EngagementRound.objects.values_list("number", flat=True)) == {1, 2}
    assert set(segments.values_list("round_number", flat=True)) >= {1, 2}
    assert segments.filter(source_type="survey", place__isnull=True).count() == 0
    transcript_text = " ".join(
        segments.filter(source_type="transcript").values_list("text", flat=True)
    )
    names = programme_config()["speaker_names"]
    assert not any(f"{name} said" in transcript_text for name in names)
    assert segments.filter(codable=False).exists()  # facilitators' turns kept, not coded

    # People's work and what the machine learned from it.
    person = Code.objects.filter(decided_by__isnull=False)
    assert {"accepted", "rejected"} <= set(person.values_list("status", flat=True))
    assert Code.objects.filter(origin="person").exists()  # codes people added
    # The demo reviewers found what each text was written about: most reviewed segments that
    # are not small talk carry an accepted code.
    reviewed = Segment.objects.filter(review__reviewed_at__isnull=False)
    coded = reviewed.filter(codes__status="accepted").distinct().count()
    assert coded >= 0.6 * reviewed.count()
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
    from pages.reports import ThemeReportPage

    assert ThemeReportPage.objects.live().count() == 1

    counts = _counts()
    load_programme(write=lines.append, today=TODAY, config=config)
    assert _counts() == counts


def _counts() -> dict:
    models = [FocusGroup, Registration, SurveyResponse, ConversationLog, Segment, Code,
              CodingRun, SuggesterModel, DiscoveryRun, Assessment, Appraisal]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_refuses_a_live_site(monkeypatch):
    from django.conf import settings

    monkeypatch.setattr(settings._wrapped, "SETTINGS_MODULE", "ehl.settings.production")
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo_data", verbosity=0)


def test_demo_accounts_sign_in_and_upcoming_sessions_are_listed(base_data, client):
    from django.contrib.auth import authenticate

    from demo.loaders import DEMO_PASSWORD
    from engagement.roles import Role

    lead = authenticate(email="lead@example.org", password=DEMO_PASSWORD)
    assert lead is not None and lead.groups.filter(name=Role.LEAD.label).exists()
    assert authenticate(email="associate.two@example.org", password=DEMO_PASSWORD)
    response = client.get("/sessions/")
    assert response.status_code == 200
    assert "Back to work after time off sick (demo)" in response.content.decode()
