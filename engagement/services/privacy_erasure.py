"""Erasure: removing a person's contact details and consent-bound content, keeping only what the
retention policy allows in pseudonymised form.

What is erased:
- sign-ups: name, email (replaced by a unique placeholder on the reserved `.invalid` domain),
  phone, organisation name, attendee names and access needs; active sign-ups to sessions that
  have not started are cancelled so the place goes to someone else;
- survey responses: the contact email, every answer and the link to the account; consent is
  marked withdrawn, so their segments leave analysis at once (`consent_withdrawn`);
- segments derived from them (in `insights`, through `personal_data_erased`): the text is
  cleared and they stay withdrawn.

What is kept: the rows themselves with dates, status, attendance, the consent statement and
version agreed to and when it was withdrawn, so the programme can still count sign-ups and show
what people consented to, with nothing that identifies anyone. The same scrubbing is used by the
retention job for past sign-ups."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Registration, SurveyResponse
from .privacy import Subject, subject_ref

ERASED_DOMAIN = "erased.invalid"


def erased_email(registration: Registration) -> str:
    return f"{registration.public_id}@{ERASED_DOMAIN}"


def is_erased(registration: Registration) -> bool:
    return registration.email.endswith("@" + ERASED_DOMAIN)


REGISTRATION_CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "organisation_name",
    "attendee_names",
    "access_needs",
)


def registration_scrub(registration: Registration) -> None:
    """Remove the contact details of one sign-up, keeping its status, dates and attendance."""
    registration.name = ""
    registration.email = erased_email(registration)
    registration.phone = ""
    registration.organisation_name = ""
    registration.attendee_names = ""
    registration.access_needs = ""
    registration.user = None
    registration.save(update_fields=[*REGISTRATION_CONTACT_FIELDS, "user", "updated_at"])


def _cancel_upcoming(registration: Registration, actor, now) -> None:
    from .registrations import registration_cancel

    if registration.is_active and registration.focus_group.starts_at > now:
        registration_cancel(registration=registration, actor=actor, by_host=True, now=now)
        registration.refresh_from_db()


def survey_response_scrub(response: SurveyResponse, actor=None) -> None:
    """Withdraw consent (segments leave analysis) and remove the answers and contact email."""
    from .capture import survey_consent_withdraw

    survey_consent_withdraw(response=response, actor=actor)
    response.refresh_from_db()
    response.contact_email = ""
    response.form_data = {}
    response.analysed_answers = {}
    response.user = None
    response.save(update_fields=["contact_email", "form_data", "analysed_answers", "user"])


@transaction.atomic
def subject_erase(*, subject: Subject, actor=None, reason: str) -> dict[str, int]:
    """Erase what is held about ``subject`` (not the account row itself: `account_delete` does
    that, calling this first). Returns counts; audited with ids and a keyed hash only."""
    from ..signals import personal_data_erased

    now = timezone.now()
    for registration in subject.registrations:
        _cancel_upcoming(registration, actor, now)
        registration_scrub(registration)
    for response in subject.survey_responses:
        survey_response_scrub(response, actor=actor)
    # Derived segments are cleared in the same transaction; withdrawal has been announced for
    # after the commit, which is when the published snapshots are rebuilt.
    segments = personal_data_erased.send(
        sender=Subject, records=subject.survey_responses, person_keys=subject.person_keys
    )
    counts = {
        "registrations": len(subject.registrations),
        "survey_responses": len(subject.survey_responses),
        "segments": sum(reply or 0 for _receiver, reply in segments),
    }
    detail = {"reason": reason, **counts}
    if subject.email:
        detail["subject_ref"] = subject_ref(subject.email)
    from .audit import audit_record

    audit_record(
        "privacy.subject_erased",
        actor=actor,
        target=subject.user,
        registration_ids=[r.pk for r in subject.registrations],
        survey_response_ids=[r.pk for r in subject.survey_responses],
        **detail,
    )
    return counts
