"""The report cache: a report is counted once and served again while the evidence is unchanged,
and any change to what it counts (including bulk changes that send no signals, such as consent
withdrawal or a coding run) is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights.models import Code, Segment, SegmentReview
from insights.services import report_cache
from insights.services.reports import theme_report
from insights.services.segments import segments_withdraw

from .reports_data import code, make_segment, make_theme, people_say

pytestmark = pytest.mark.django_db


def _people(report, key="waiting"):
    return next(t for t in report["themes"] if t["key"] == key)["people"]["value"]


def _queries(**kwargs):
    with CaptureQueriesContext(connection) as context:
        report = theme_report({}, **kwargs)
    return report, len(context.captured_queries)


@pytest.fixture
def theme():
    theme = make_theme("waiting")
    people_say(theme, 8)
    return theme


def test_a_second_reading_is_served_without_counting_again(theme):
    first, counted = _queries()
    again, served = _queries()
    assert again == first
    assert served < counted
    # Only the fingerprint is read: a fixed handful of small aggregates.
    assert served == 5


def test_a_new_code_is_counted_at_once(theme):
    assert _people(theme_report({})) == 8
    code(make_segment("newcomer"), theme)
    assert _people(theme_report({})) == 9


def test_consent_withdrawn_in_bulk_takes_the_words_out_at_once(theme):
    said = make_segment("talker", text="The bus never comes and I lose shifts.")
    code(said, theme)
    SegmentReview.objects.create(segment=said, powerful_quote=True)
    before = theme_report({})
    assert _people(before) == 9
    assert any("The bus never comes" in q["text"] for t in before["themes"] for q in t["quotes"])

    assert segments_withdraw(said.source_type, said.source_id) == 1  # a queryset update
    after = theme_report({})
    assert _people(after) == 8
    assert not any("The bus never comes" in q["text"] for t in after["themes"] for q in t["quotes"])


def test_codes_rejected_in_bulk_are_seen(theme):
    assert _people(theme_report({})) == 8
    first = Code.objects.filter(theme=theme).order_by("id").values_list("id", flat=True)[:2]
    Code.objects.filter(id__in=list(first)).update(status=Code.Status.REJECTED)
    assert _people(theme_report({})) == 6


def test_segments_taken_out_of_coding_in_bulk_are_seen(theme):
    assert _people(theme_report({})) == 8
    one = Segment.objects.order_by("id").first()
    Segment.objects.filter(pk=one.pk).update(codable=False)
    assert _people(theme_report({})) == 7


def test_each_filter_and_quote_choice_is_kept_apart(theme):
    with_quotes = theme_report({})
    without = theme_report({}, quotes=False)
    assert all(not t["quotes"] for t in without["themes"])
    assert any(t["quotes"] for t in with_quotes["themes"])
    assert report_cache.cache_key({}, True) != report_cache.cache_key({}, False)
    assert report_cache.cache_key({"place": "a"}, True) != report_cache.cache_key({}, True)


def test_fresh_counts_anew_even_when_a_report_is_kept(theme, monkeypatch):
    theme_report({})
    monkeypatch.setattr(report_cache, "fingerprint", lambda: "frozen")
    theme_report({})  # kept under the frozen fingerprint
    code(make_segment("newcomer", said_on=timezone.now().date()), theme)
    assert _people(theme_report({})) == 8  # the fingerprint cannot see it: still the kept one
    assert _people(theme_report({}, fresh=True)) == 9
