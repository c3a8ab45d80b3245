"""The demo programme's plan: a real programme's volume and contrasts, composed without a
database. Loading it (the whole chain through the product's own services) is tested once, in
full, in tests/browser/test_demo_chain.py."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.programme.config import programme_config
from demo.programme.plan import Planner
from engagement.services.reference import read_yaml
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


def test_the_demo_refuses_a_live_site(monkeypatch):
    from django.conf import settings

    monkeypatch.setattr(settings._wrapped, "SETTINGS_MODULE", "ehl.settings.production")
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo_data", verbosity=0)
