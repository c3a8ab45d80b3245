"""The retention policy: what is removed once it has been kept for its period.

Periods come from settings (environment variables, see README and docs/data-protection.md):

- `EHL_RETENTION_TRANSCRIPT_DAYS`: raw transcript material. After this many days from upload the
  original file is deleted and the parsed turns, the speakers' real names and the redaction log
  are cleared; the redacted segments stay for analysis (the transcript can no longer be rebuilt).
- `EHL_RETENTION_SIGNUP_CONTACT_DAYS`: contact details of past sign-ups. This many days after a
  session ended its sign-ups lose names, emails, phone numbers, attendee names and access needs;
  survey responses older than this lose the contact email their respondent left.
- `EHL_RETENTION_AUDIT_DAYS`: audit entries older than this are deleted.
- Whatever period: trained-model files written before model files left out their training
  texts are rewritten without them (by `insights`, through the `retention_enforcing` signal).

A period of 0 switches that part off. `retention_enforce(dry_run=True)` only counts. The real
run is recorded in the audit trail with its counts. It runs as the `enforce_retention` task or
the `manage.py enforce_retention` command (schedule either daily)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import AuditEvent, Registration, SurveyResponse, Transcript
from .audit import audit_record
from .privacy_erasure import ERASED_DOMAIN, registration_scrub


@dataclass(frozen=True)
class Periods:
    transcript_days: int
    signup_contact_days: int
    audit_days: int

    @classmethod
    def from_settings(cls) -> Periods:
        return cls(
            transcript_days=settings.EHL_RETENTION_TRANSCRIPT_DAYS,
            signup_contact_days=settings.EHL_RETENTION_SIGNUP_CONTACT_DAYS,
            audit_days=settings.EHL_RETENTION_AUDIT_DAYS,
        )


def _cutoff(now, days: int):
    return now - timedelta(days=days) if days > 0 else None


def due_transcripts(now, periods: Periods):
    cutoff = _cutoff(now, periods.transcript_days)
    if cutoff is None:
        return Transcript.objects.none()
    return Transcript.objects.filter(created_at__lt=cutoff, original_deleted_at__isnull=True)


def due_registrations(now, periods: Periods):
    cutoff = _cutoff(now, periods.signup_contact_days)
    if cutoff is None:
        return Registration.objects.none()
    return Registration.objects.filter(focus_group__ends_at__lt=cutoff).exclude(
        email__endswith="@" + ERASED_DOMAIN
    )


def due_survey_contacts(now, periods: Periods):
    cutoff = _cutoff(now, periods.signup_contact_days)
    if cutoff is None:
        return SurveyResponse.objects.none()
    return SurveyResponse.objects.filter(submit_time__lt=cutoff).exclude(contact_email="")


def due_audit_events(now, periods: Periods):
    cutoff = _cutoff(now, periods.audit_days)
    if cutoff is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(created_at__lt=cutoff)


def _clear_transcript(transcript: Transcript, now) -> None:
    if transcript.original:
        transcript.original.delete(save=False)
    transcript.original = ""
    transcript.turns = []
    transcript.redaction_names = []
    transcript.redaction_additions = []
    transcript.redaction_exceptions = []
    transcript.redaction_log = []
    transcript.original_deleted_at = now
    transcript.save(
        update_fields=[
            "original",
            "turns",
            "redaction_names",
            "redaction_additions",
            "redaction_exceptions",
            "redaction_log",
            "original_deleted_at",
            "updated_at",
        ]
    )


def _elsewhere(*, dry_run: bool) -> dict[str, int]:
    """The parts of the policy other apps apply to what they derived (trained models)."""
    from ..signals import retention_enforcing

    counts: dict[str, int] = {}
    for _receiver, reply in retention_enforcing.send(sender=Periods, dry_run=dry_run):
        counts.update(reply or {})
    return counts


def retention_enforce(*, dry_run: bool = False, now=None, periods: Periods | None = None) -> dict:
    """Apply the retention periods; returns what was (or, in a dry run, would be) removed."""
    now = now or timezone.now()
    periods = periods or Periods.from_settings()
    transcripts = due_transcripts(now, periods)
    registrations = due_registrations(now, periods)
    survey_contacts = due_survey_contacts(now, periods)
    audit_events = due_audit_events(now, periods)
    counts = {
        "transcripts": transcripts.count(),
        "registrations": registrations.count(),
        "survey_contacts": survey_contacts.count(),
        "audit_events": audit_events.count(),
    }
    if dry_run:
        return {**counts, **_elsewhere(dry_run=True)}
    with transaction.atomic():
        counts.update(_elsewhere(dry_run=False))
        for transcript in transcripts:
            _clear_transcript(transcript, now)
        for registration in registrations.select_related("focus_group"):
            registration_scrub(registration)
        survey_contacts.update(contact_email="")
        audit_events.delete()
        audit_record(
            "retention.enforced",
            periods={
                "transcript_days": periods.transcript_days,
                "signup_contact_days": periods.signup_contact_days,
                "audit_days": periods.audit_days,
            },
            **counts,
        )
    return counts
