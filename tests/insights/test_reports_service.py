"""The theme report service: what counts as evidence, roll-up, rounds, quarters, pairs, quotes,
suppression, and a query count that does not grow with the data."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights.models import Code, CodebookVersion, SegmentReview, Theme
from insights.services.report_figures import segments_behind
from insights.services.reports import snapshot_payload, theme_report, with_links
from tests.factories import PlaceFactory

from .reports_data import code, make_segment, make_theme, people_say

pytestmark = pytest.mark.django_db


def _theme(report, key):
    return next(t for t in report["themes"] if t["key"] == key)


def _people(report, key):
    return _theme(report, key)["people"]


def test_only_accepted_codes_for_approved_themes_on_segments_in_analysis_count():
    theme = make_theme("transport")
    candidate = make_theme("discovered-topic", status=Theme.Status.CANDIDATE)
    retired = make_theme("old-idea", status=Theme.Status.RETIRED)
    people_say(theme, 5)
    people_say(candidate, 8, start=10)
    people_say(retired, 8, start=20)
    for i in range(3):  # suggestions and rejections are not evidence
        code(make_segment(f"s{i}"), theme, status=Code.Status.SUGGESTED)
        code(make_segment(f"r{i}"), theme, status=Code.Status.REJECTED)
    withdrawn = people_say(theme, 1, start=50)[0]
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    facilitator = people_say(theme, 1, start=60)[0]
    facilitator.codable = False
    facilitator.save()

    report = theme_report({})
    assert [t["key"] for t in report["themes"]] == ["transport"]
    assert _people(report, "transport")["value"] == 5
    assert _theme(report, "transport")["segments"]["value"] == 5
    # Everyone in analysis is in the denominator, coded or not; withdrawn words are not.
    assert report["people_total"]["value"] == 5 + 8 + 8 + 6


def test_a_retired_theme_merged_into_another_counts_for_the_theme_it_joined():
    target = make_theme("money-worries")
    merged = make_theme("debt", status=Theme.Status.RETIRED, merged_into=target)
    people_say(target, 3)
    people_say(merged, 3, start=3)
    report = theme_report({})
    assert [t["key"] for t in report["themes"]] == ["money-worries"]
    assert _people(report, "money-worries")["value"] == 6


def test_sub_themes_roll_up_to_their_theme_in_distinct_people_and_segments():
    health = make_theme("health")
    mental = make_theme("mental-health", parent=health)
    back = make_theme("back-pain", parent=health)
    both = people_say(mental, 6)
    for segment in both[:2]:  # the same segments and people, coded twice: counted once
        code(segment, back)
    people_say(back, 5, start=20)
    people_say(health, 1, start=0)  # a person already counted, coded at the top
    report = theme_report({})
    assert [(t["key"], t["depth"]) for t in report["themes"]] == [
        ("health", 0),
        ("back-pain", 1),
        ("mental-health", 1),
    ]
    assert _people(report, "mental-health")["value"] == 6
    assert _people(report, "back-pain")["value"] == 7
    assert _people(report, "health")["value"] == 11
    assert _theme(report, "health")["segments"]["value"] == 12
    assert _theme(report, "back-pain")["parent_label"] == "Health"


def test_fewer_than_five_people_are_hidden_however_many_segments_they_made():
    theme = make_theme("stigma")
    people_say(theme, 4, segments_each=5)
    make_theme("transport")
    people_say(Theme.objects.get(key="transport"), 9, start=10)
    report = theme_report({})
    cell = _people(report, "stigma")
    assert cell == {"value": None, "status": "small", "text": "fewer than 5", "mark": "<5"}
    assert _theme(report, "stigma")["segments"]["value"] is None
    assert _theme(report, "stigma")["share"] is None
    assert _theme(report, "stigma")["quotes"] == []
    people_say(theme, 1, start=4)
    assert _people(theme_report({}), "stigma")["value"] == 5


def test_a_lone_small_sub_theme_is_protected_from_subtraction():
    parent = make_theme("barriers")
    a = make_theme("a-sub", parent=parent)
    b = make_theme("b-sub", parent=parent)
    people_say(a, 3)
    people_say(b, 9, start=3)
    report = theme_report({})
    # parent 12 - b 9 would give a's 3 away, so b is hidden as well.
    assert _people(report, "barriers")["value"] == 12
    assert _people(report, "a-sub")["status"] == "small"
    assert _people(report, "b-sub")["status"] == "secondary"


def test_rounds_and_the_change_in_share_between_them():
    theme = make_theme("confidence")
    other = make_theme("transport")
    people_say(theme, 5, round_number=1)
    people_say(other, 5, start=5, round_number=1)
    people_say(theme, 6, start=10, round_number=2)
    people_say(other, 6, start=16, round_number=2)
    report = theme_report({})
    assert [p["label"] for p in report["rounds"]["periods"]] == ["Round 1", "Round 2"]
    row = next(r for r in report["rounds"]["rows"] if r["key"] == "confidence")
    assert [c["people"]["value"] for c in row["cells"]] == [5, 6]
    assert [c["share"]["text"] for c in row["cells"]] == ["50.0%", "50.0%"]
    assert row["changes"] == [
        {"from": "1", "to": "2", "label": "Round 1 to Round 2", "value": 0.0, "text": "no change"}
    ]


def test_quarters_over_time():
    theme = make_theme("caring")
    people_say(theme, 5, said_on=datetime.date(2025, 11, 2))
    people_say(theme, 7, start=5, said_on=datetime.date(2026, 1, 20))
    report = theme_report({})
    assert [p["label"] for p in report["quarters"]["periods"]] == ["Q4 2025", "Q1 2026"]
    row = report["quarters"]["rows"][0]
    assert [c["people"]["value"] for c in row["cells"]] == [5, 7]


def test_pairs_of_themes_said_together_are_counted_in_people_and_small_pairs_left_out():
    a, b, c = make_theme("a"), make_theme("b"), make_theme("c")
    for segment in people_say(a, 6):
        code(segment, b)
    for segment in people_say(a, 2, start=10):
        code(segment, c)
    people_say(c, 5, start=20)
    people_say(b, 5, start=30)
    pairs = theme_report({})["pairs"]
    assert [(p["a"], p["b"], p["people"]["value"]) for p in pairs["rows"]] == [("a", "b", 6)]
    assert pairs["hidden"] == 1


def test_the_filter_narrows_the_evidence_and_is_described_in_words():
    theme = make_theme("transport")
    here, there = PlaceFactory(name="Knowsley"), PlaceFactory(name="Wirral")
    people_say(theme, 6, place=here)
    people_say(theme, 3, start=10, place=there)
    report = theme_report({"place": here.key})
    assert report["filter_text"] == "Knowsley"
    assert _people(report, "transport")["value"] == 6
    assert report["people_total"]["value"] == 6
    report = theme_report({"place": there.key, "round_number": 2})
    assert report["filter_text"] == "Wirral, round 2"
    assert report["people_total"]["value"] == 0


def test_the_codebook_version_is_named():
    make_theme("transport")
    assert theme_report({})["codebook_version"] == "v0 (starter)"
    CodebookVersion.objects.create(number=1)
    CodebookVersion.objects.create(number=4)
    assert theme_report({})["codebook_version"] == "v4"


def test_there_is_no_sentiment_data_and_the_report_says_so():
    make_theme("transport")
    sentiment = theme_report({})["sentiment"]
    assert sentiment["available"] is False
    assert "No sentiment data" in sentiment["note"]


def test_quotes_prefer_powerful_then_highest_score_and_never_come_from_withdrawn_words():
    theme = make_theme("in-work-support")
    segments = [make_segment(f"p{i}", text=f"Quote number {i}.") for i in range(6)]
    for i, segment in enumerate(segments):
        code(segment, theme, origin=Code.Origin.MODEL, score=i / 10)
    SegmentReview.objects.create(segment=segments[1], powerful_quote=True)
    segments[5].withdrawn_at = timezone.now()
    segments[5].save()
    people_say(theme, 1, start=100)
    quotes = _theme(theme_report({}), "in-work-support")["quotes"]
    assert [q["text"] for q in quotes] == ["Quote number 1.", "Quote number 4.", "Quote number 3."]
    assert quotes[0]["powerful"] and not quotes[1]["powerful"]
    assert quotes[0]["when"] == "February 2026"


def test_no_person_key_and_no_segment_id_is_in_a_report_or_a_snapshot():
    theme = make_theme("transport")
    segments = people_say(theme, 6)
    report = theme_report({})
    text = json.dumps(report)
    assert "person-" not in text
    assert "segment_id" not in text and f'"{segments[0].pk}"' not in text
    snapshot = snapshot_payload(with_links(report, lambda *a, **k: "/x"), include_quotes=False)
    assert "/x" not in json.dumps(snapshot)
    assert all(t["quotes"] == [] for t in snapshot["themes"])
    assert not snapshot["quotes_included"]


def test_links_only_on_shown_figures():
    small, big, mid = make_theme("small"), make_theme("big"), make_theme("mid")
    people_say(small, 2)
    people_say(big, 9, start=10, round_number=1)
    people_say(mid, 6, start=30)  # hidden too, so that the 2 cannot be worked out
    linked = with_links(theme_report({}), lambda theme, **extra: f"/{theme}/{extra}")
    assert "url" not in _people(linked, "small")
    assert _people(linked, "big")["url"] == "/big/{}"
    row = next(r for r in linked["rounds"]["rows"] if r["key"] == "big")
    assert row["cells"][0]["people"]["url"] == "/big/{'round': '1'}"


def test_segments_behind_a_figure_match_what_was_counted():
    health = make_theme("health")
    mental = make_theme("mental-health", parent=health)
    other = make_theme("other")
    counted = people_say(mental, 3, round_number=1) + people_say(health, 2, start=5)
    code(counted[0], other)
    people_say(other, 4, start=20)
    withdrawn = people_say(mental, 1, start=30)[0]
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    assert set(segments_behind({}, "health")) == set(counted)
    assert set(segments_behind({}, "mental-health", round_key="1")) == set(counted[:3])
    assert set(segments_behind({}, "health", round_key="none")) == set(counted[3:])
    assert list(segments_behind({}, "mental-health", with_theme="other")) == [counted[0]]
    assert set(segments_behind({}, "health", quarter="2026-Q1")) == set(counted)
    assert not segments_behind({}, "health", quarter="2025-Q1").exists()
    assert segments_behind({}, "no-such-theme") is None


def _themes(n_themes=10):
    parents = [make_theme(f"parent-{i}") for i in range(2)]
    return parents + [make_theme(f"theme-{i}", parent=parents[i % 2]) for i in range(n_themes - 2)]


def _code_segments(n_segments, themes, start=0):
    """Segments from a few dozen people over rounds and months, each with an accepted code, a
    machine suggestion, and now and then a flagged quote."""
    for i in range(start, start + n_segments):
        segment = make_segment(
            f"person-{i % 37}",
            round_number=1 + i % 3,
            said_on=datetime.date(2025, 1 + i % 12, 1),
        )
        code(segment, themes[i % len(themes)])
        code(segment, themes[(i + 1) % len(themes)], origin=Code.Origin.MODEL, score=0.5)
        if i % 7 == 0:
            SegmentReview.objects.create(segment=segment, powerful_quote=True)


def _queries(segment_filter):
    with CaptureQueriesContext(connection) as context:
        theme_report(segment_filter)
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_data(django_assert_max_num_queries):
    themes = _themes(10)
    place = PlaceFactory()
    _code_segments(10, themes)
    few = (_queries({}), _queries({"place": place.key}))
    _code_segments(190, themes, start=10)
    assert (_queries({}), _queries({"place": place.key})) == few
    with django_assert_max_num_queries(few[0]):
        theme_report({})
