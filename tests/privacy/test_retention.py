"""The retention job: configurable periods for raw transcript material, contact details of past
sign-ups and audit entries; a dry run only counts; the real run removes and is audited."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from engagement.models import AuditEvent, Registration, SurveyResponse, Transcript
from engagement.services.audit import audit_record
from engagement.tasks import enforce_retention
from tests.factories import FocusGroupFactory, sign_up

from .support import survey_answer

pytestmark = pytest.mark.django_db

PERIODS = {
    "EHL_RETENTION_TRANSCRIPT_DAYS": 30,
    "EHL_RETENTION_SIGNUP_CONTACT_DAYS": 90,
    "EHL_RETENTION_AUDIT_DAYS": 365,
}


def _ago(days):
    return timezone.now() - timedelta(days=days)


def _transcript(focus_group, title):
    transcript = Transcript.objects.create(
        focus_group=focus_group,
        title=title,
        format="txt",
        original_name="t.txt",
        keep_original=True,
        turns=[{"index": 0, "speaker": "Participant 1", "start": None, "end": None, "text": "Hi"}],
        speakers={"Participant 1": {"role": "participant"}},
        redaction_names=["Sam Jones"],
        redaction_log=[{"kind": "name", "text": "Sam Jones", "count": 1}],
    )
    transcript.original.save("t.txt", ContentFile(b"Sam Jones: Hi"), save=True)
    return transcript


@pytest.fixture
def held(organisation, survey):
    """One of each kind of record, old and recent."""
    recent_group = FocusGroupFactory(organisation=organisation)
    old_group = FocusGroupFactory(organisation=organisation)
    recent = sign_up(recent_group, name="Recent Person", email="recent@example.org")
    old = sign_up(old_group, name="Old Person", email="old@example.org", phone="0151 000")
    old_group.starts_at, old_group.ends_at = _ago(101), _ago(100)
    old_group.save()
    old_transcript = _transcript(old_group, "Old")
    new_transcript = _transcript(recent_group, "New")
    Transcript.objects.filter(pk=old_transcript.pk).update(created_at=_ago(31))
    old_answer = survey_answer(survey, contact_email="old@example.org")
    new_answer = survey_answer(survey, contact_email="new@example.org")
    SurveyResponse.objects.filter(pk=old_answer.pk).update(submit_time=_ago(91))
    old_event = audit_record("auth.login")
    AuditEvent.objects.filter(pk=old_event.pk).update(created_at=_ago(366))
    return {
        "recent": recent,
        "old": old,
        "old_transcript": old_transcript,
        "new_transcript": new_transcript,
        "old_answer": old_answer,
        "new_answer": new_answer,
        "old_event": old_event,
    }


@override_settings(**PERIODS)
def test_a_dry_run_lists_what_would_go_and_removes_nothing(held, capsys):
    events_before = AuditEvent.objects.count()
    call_command("enforce_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would remove (dry run, nothing removed):" in out
    assert "1  transcripts" in out and "1  sign-ups" in out
    assert "1  survey responses" in out and "1  audit entries" in out
    held["old"].refresh_from_db()
    assert held["old"].name == "Old Person"
    transcript = Transcript.objects.get(pk=held["old_transcript"].pk)
    assert transcript.original and transcript.turns and transcript.redaction_names
    assert AuditEvent.objects.filter(pk=held["old_event"].pk).exists()
    assert AuditEvent.objects.count() == events_before
    assert not AuditEvent.objects.filter(action="retention.enforced").exists()


@override_settings(**PERIODS)
def test_the_real_run_removes_what_is_due_and_is_audited(held, capsys):
    call_command("enforce_retention")
    assert "Removed:" in capsys.readouterr().out

    old_transcript = Transcript.objects.get(pk=held["old_transcript"].pk)
    assert not old_transcript.original and old_transcript.original_deleted_at is not None
    assert old_transcript.turns == [] and old_transcript.redaction_names == []
    assert old_transcript.redaction_log == []
    new_transcript = Transcript.objects.get(pk=held["new_transcript"].pk)
    assert new_transcript.original and new_transcript.redaction_names == ["Sam Jones"]

    old = Registration.objects.get(pk=held["old"].pk)
    assert old.name == "" and old.phone == "" and old.email.endswith("@erased.invalid")
    assert old.status == Registration.Status.CONFIRMED  # still counted as a sign-up
    assert Registration.objects.get(pk=held["recent"].pk).name == "Recent Person"

    assert SurveyResponse.objects.get(pk=held["old_answer"].pk).contact_email == ""
    assert SurveyResponse.objects.get(pk=held["new_answer"].pk).contact_email == "new@example.org"

    assert not AuditEvent.objects.filter(pk=held["old_event"].pk).exists()
    run = AuditEvent.objects.get(action="retention.enforced")
    assert run.detail["transcripts"] == 1 and run.detail["registrations"] == 1
    assert run.detail["survey_contacts"] == 1 and run.detail["audit_events"] == 1
    assert run.detail["periods"] == {
        "transcript_days": 30,
        "signup_contact_days": 90,
        "audit_days": 365,
    }
    # Running again finds nothing more to do.
    call_command("enforce_retention", "--dry-run")
    assert "     0  sign-ups" in capsys.readouterr().out


@override_settings(**{**PERIODS, "EHL_RETENTION_AUDIT_DAYS": 0})
def test_a_period_of_zero_switches_that_part_off(held):
    call_command("enforce_retention")
    assert AuditEvent.objects.filter(pk=held["old_event"].pk).exists()
    assert AuditEvent.objects.get(action="retention.enforced").detail["audit_events"] == 0


@override_settings(**PERIODS)
def test_the_scheduled_task_runs_the_same_job(held):
    dry = enforce_retention.enqueue(dry_run=True)
    assert dry.return_value == {
        "transcripts": 1,
        "registrations": 1,
        "survey_contacts": 1,
        "audit_events": 1,
        "model_artefacts_with_texts": 0,
    }
    assert Registration.objects.get(pk=held["old"].pk).name == "Old Person"
    enforce_retention.enqueue()
    assert Registration.objects.get(pk=held["old"].pk).name == ""


def test_the_periods_come_from_the_environment(monkeypatch):
    import importlib

    from ehl.settings import base

    monkeypatch.setenv("EHL_RETENTION_TRANSCRIPT_DAYS", "7")
    monkeypatch.setenv("EHL_RETENTION_SIGNUP_CONTACT_DAYS", "30")
    monkeypatch.setenv("EHL_RETENTION_AUDIT_DAYS", "400")
    reloaded = importlib.reload(base)
    try:
        assert reloaded.EHL_RETENTION_TRANSCRIPT_DAYS == 7
        assert reloaded.EHL_RETENTION_SIGNUP_CONTACT_DAYS == 30
        assert reloaded.EHL_RETENTION_AUDIT_DAYS == 400
    finally:
        monkeypatch.undo()
        importlib.reload(base)


@override_settings(**PERIODS)
def test_a_transcript_past_retention_keeps_its_segments_and_refuses_a_rebuild(held, client, lead):
    from django.urls import reverse

    from insights.models import Segment, SegmentBuild
    from insights.services.segments import SOURCE_REMOVED_MESSAGE, segments_rebuild

    transcript = held["old_transcript"]
    key = str(transcript.public_id)
    assert segments_rebuild(Segment.SourceType.TRANSCRIPT, key) == 1
    call_command("enforce_retention")

    build = SegmentBuild.objects.create(source_type=Segment.SourceType.TRANSCRIPT, source_id=key)
    assert segments_rebuild(Segment.SourceType.TRANSCRIPT, key, build) == 0
    assert Segment.objects.from_source(Segment.SourceType.TRANSCRIPT, key).count() == 1
    build.refresh_from_db()
    assert build.status == SegmentBuild.Status.FAILED and build.error == SOURCE_REMOVED_MESSAGE

    client.force_login(lead)
    url = reverse("engagement:transcript_detail", args=[transcript.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert "removed" in page.content.decode() and 'name="speakers"' not in page.content.decode()
    response = client.post(url, {"speakers": "1"}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert Segment.objects.from_source(Segment.SourceType.TRANSCRIPT, key).count() == 1
