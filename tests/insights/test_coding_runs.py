"""Coding runs: the engine's suggestions become codes, runs are idempotent, people's decisions
stand, and progress is recorded batch by batch."""

import pytest
from django.utils import timezone

from insights.models import Code, CodeEvent, CodingRun, SegmentReview, Theme
from insights.services import coding
from insights.services.coding import CodingError, coding_run_start

from .review_support import TEXTS, make_codebook, make_segment, make_segments, suggest

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return make_codebook()


def run_coding(user, segment_filter=None, capture=None) -> CodingRun:
    with capture(execute=True):
        run = coding_run_start(user=user, segment_filter=segment_filter or {})
    run.refresh_from_db()
    return run


def test_a_run_suggests_codes_with_origin_reason_and_history(
    themes, associate, django_capture_on_commit_callbacks
):
    bus = make_segment(TEXTS["transport"][0])
    nursery = make_segment(TEXTS["childcare"][0])
    run = run_coding(associate, capture=django_capture_on_commit_callbacks)

    assert run.status == CodingRun.Status.DONE
    assert (run.done, run.total) == (2, 2)
    assert run.finished_at is not None
    assert run.suggestions_made == Code.objects.count() >= 2

    rule = Code.objects.get(segment=bus, theme=themes["transport"])
    assert rule.status == Code.Status.SUGGESTED
    assert rule.origin == Code.Origin.RULE
    assert rule.score == 1.0
    assert "matched 'bus'" in rule.reason
    assert rule.model_name == "codebook rules"
    assert rule.run == run
    assert rule.coder is None and rule.decided_by is None
    assert Code.objects.filter(segment=nursery, theme=themes["childcare"]).exists()
    # Only leaf themes are suggested, never the parent.
    assert not Code.objects.filter(theme=themes["barriers"]).exists()

    event = CodeEvent.objects.get(code=rule)
    assert (event.action, event.from_status, event.to_status) == ("suggested", "", "suggested")
    assert event.actor is None and event.actor_label == "codebook rules"
    assert CodeEvent.objects.count() == Code.objects.count()


def test_running_again_changes_nothing(themes, lead, django_capture_on_commit_callbacks):
    make_segments(9)
    run_coding(lead, capture=django_capture_on_commit_callbacks)
    before = {
        c.pk: (c.segment_id, c.theme_id, c.origin, c.score, c.reason, c.status)
        for c in Code.objects.all()
    }
    events = CodeEvent.objects.count()

    second = run_coding(lead, capture=django_capture_on_commit_callbacks)

    after = {
        c.pk: (c.segment_id, c.theme_id, c.origin, c.score, c.reason, c.status)
        for c in Code.objects.all()
    }
    assert after == before
    assert CodeEvent.objects.count() == events
    assert second.suggestions_made == 0 and second.status == CodingRun.Status.DONE


def test_a_rerun_updates_still_suggested_codes_but_never_peoples_decisions(
    themes, associate, lead, django_capture_on_commit_callbacks
):
    from insights.services.review import code_accept, code_reject

    bus, train, nursery = (
        make_segment(TEXTS["transport"][0]),
        make_segment(TEXTS["transport"][1]),
        make_segment(TEXTS["childcare"][0]),
    )
    run_coding(associate, capture=django_capture_on_commit_callbacks)
    accepted = Code.objects.get(segment=bus, theme=themes["transport"])
    rejected = Code.objects.get(segment=train, theme=themes["transport"])
    code_accept(accepted, user=lead)
    code_reject(rejected, user=lead)
    waiting = Code.objects.get(segment=nursery, theme=themes["childcare"])
    Code.objects.filter(pk=waiting.pk).update(score=0.01, reason="old")

    run_coding(associate, capture=django_capture_on_commit_callbacks)

    accepted.refresh_from_db()
    rejected.refresh_from_db()
    waiting.refresh_from_db()
    assert accepted.status == Code.Status.ACCEPTED and accepted.decided_by == lead
    assert rejected.status == Code.Status.REJECTED and rejected.decided_by == lead
    assert waiting.status == Code.Status.SUGGESTED
    assert waiting.score == 1.0 and "matched 'nursery'" in waiting.reason
    assert waiting.events.filter(action="rescored").count() == 1
    # The rejection stands: the theme is not suggested again on that segment.
    assert Code.objects.filter(segment=train, theme=themes["transport"]).count() == 1


def test_suggestions_the_engine_no_longer_makes_are_taken_back(
    themes, associate, django_capture_on_commit_callbacks
):
    segment = make_segment(TEXTS["transport"][0])
    retired = Theme.objects.create(
        key="old", label="Old", kind="barrier", definition="Old.", status=Theme.Status.RETIRED
    )
    stale = suggest(segment, retired)
    person = Code.objects.create(
        segment=segment,
        theme=themes["anxiety"],
        origin=Code.Origin.PERSON,
        status=Code.Status.ACCEPTED,
        coder=associate,
    )
    run_coding(associate, capture=django_capture_on_commit_callbacks)
    assert not Code.objects.filter(pk=stale.pk).exists()
    assert Code.objects.filter(pk=person.pk, status=Code.Status.ACCEPTED).exists()


def test_only_segments_in_analysis_and_not_yet_settled_are_coded(
    themes, associate, django_capture_on_commit_callbacks
):
    coded = make_segment(TEXTS["transport"][0], stakeholder_group="resident")
    other_group = make_segment(TEXTS["transport"][1], stakeholder_group="employer")
    withdrawn = make_segment(TEXTS["transport"][2], withdrawn_at=timezone.now())
    facilitator = make_segment(TEXTS["childcare"][0], codable=False)
    settled = make_segment(TEXTS["childcare"][1])
    SegmentReview.objects.create(segment=settled, reviewed_by=associate, reviewed_at=timezone.now())

    run = run_coding(
        associate,
        segment_filter={"stakeholder_group": "resident"},
        capture=django_capture_on_commit_callbacks,
    )
    assert run.total == 1
    assert set(Code.objects.values_list("segment_id", flat=True)) == {coded.pk}
    for segment in (other_group, withdrawn, facilitator, settled):
        assert not segment.codes.exists()


def test_runs_work_in_batches_and_record_progress(
    themes, lead, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(coding, "BATCH_SIZE", 4)
    segments = make_segments(10)
    seen = []
    real_progress = coding._progress

    def spy(run, **fields):
        if "done" in fields:
            seen.append(fields["done"])
        real_progress(run, **fields)

    monkeypatch.setattr(coding, "_progress", spy)
    run = run_coding(lead, capture=django_capture_on_commit_callbacks)
    assert seen == [0, 4, 8, 10]
    assert run.percent == 100
    assert all(s.codes.exists() for s in segments)


def test_a_run_needs_approved_themes_and_segments(associate, db):
    with pytest.raises(CodingError, match="no approved themes"):
        coding_run_start(user=associate, segment_filter={})
    make_codebook()
    with pytest.raises(CodingError, match="No segments to code"):
        coding_run_start(user=associate, segment_filter={})
    assert not CodingRun.objects.exists()


def test_a_failing_run_is_marked_failed_without_quoting_text(
    themes, associate, monkeypatch, django_capture_on_commit_callbacks
):
    make_segment(TEXTS["anxiety"][0])

    def broken(self, texts):
        raise RuntimeError(texts[0])

    monkeypatch.setattr(coding.RunCoder, "propose", broken)
    # The immediate backend records the task's failure rather than raising it.
    with django_capture_on_commit_callbacks(execute=True):
        coding_run_start(user=associate, segment_filter={})
    run = CodingRun.objects.get()
    assert run.status == CodingRun.Status.FAILED
    assert run.error == "Coding stopped: RuntimeError."
    assert "anxiety" not in run.error
