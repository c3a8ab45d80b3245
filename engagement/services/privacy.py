"""Subject access: finding everything held about one person and writing it out as JSON or CSV.

A person is found either by their account (self-service, from the account page) or by an email
address (a programme lead acting on a request from someone without an account: guest sign-ups
and survey respondents who left an email). The export covers the profile, every consent with its
purpose and version, registrations, survey answers, the segments derived from them and the audit
entries about them. Segments live in `insights`, which `engagement` never imports: they are
collected through the `personal_data_requested` signal (see `engagement.signals`).

Audit entries written here name the person by a keyed hash of their email (`subject_ref`), never
by the email itself, so requests about the same person can be matched up in the trail."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..exports import safe_cell
from ..models import AuditEvent, Registration, SurveyResponse, User
from ..roles import Role, has_role, is_staff_role
from .audit import audit_record

FORMATS = ("json", "csv")

CONVERSATION_NOTE = (
    "Conversation logs record what was said, the place and the date, but not who the "
    "conversation was with, so none can be linked to you."
)


def can_handle_privacy_requests(user) -> bool:
    """Subject-access and erasure requests for people without an account: leads and admins."""
    return is_staff_role(user) and has_role(user, Role.LEAD, Role.ADMIN)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def subject_ref(email: str) -> str:
    """A stable, non-reversible reference to an email address, safe to keep in the audit trail."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:16]


@dataclass
class Subject:
    """The records held about one person."""

    user: User | None = None
    email: str = ""
    registrations: list[Registration] = field(default_factory=list)
    survey_responses: list[SurveyResponse] = field(default_factory=list)

    @property
    def person_keys(self) -> list[str]:
        """Pseudonymous keys analysis may hold for this person."""
        keys = {response.person_key for response in self.survey_responses}
        if self.user is not None:
            keys.add(str(self.user.pseudonym))
        return sorted(keys)

    @property
    def is_empty(self) -> bool:
        return self.user is None and not self.registrations and not self.survey_responses

    def counts(self) -> dict[str, int]:
        return {
            "account": int(self.user is not None),
            "registrations": len(self.registrations),
            "survey_responses": len(self.survey_responses),
        }


def subject_for_user(user) -> Subject:
    """Everything linked to an account, or sent from its email address."""
    email = normalise_email(user.email)
    registrations = Registration.objects.filter(Q(user=user) | Q(email__iexact=email))
    responses = SurveyResponse.objects.filter(Q(user=user) | Q(contact_email__iexact=email))
    return Subject(
        user=user,
        email=email,
        registrations=list(_registrations(registrations)),
        survey_responses=list(_responses(responses)),
    )


def subject_for_email(email: str) -> Subject:
    """Everything held against an email address: an account with it (if any), sign-ups made
    with it and survey responses that left it as a contact."""
    email = normalise_email(email)
    if not email:
        return Subject()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return subject_for_user(user)
    return Subject(
        email=email,
        registrations=list(_registrations(Registration.objects.filter(email__iexact=email))),
        survey_responses=list(
            _responses(SurveyResponse.objects.filter(contact_email__iexact=email))
        ),
    )


def _registrations(queryset):
    return queryset.select_related("focus_group", "consent_take_part", "consent_record").order_by(
        "created_at", "pk"
    )


def _responses(queryset):
    return queryset.select_related("page", "consent").order_by("submit_time", "pk")


# --- What goes in the export ----------------------------------------------------------------
def _when(value) -> str | None:
    return value.isoformat() if value else None


def _consent(statement, *, record: str, given_at, withdrawn_at=None) -> dict:
    return {
        "purpose": statement.purpose,
        "purpose_label": statement.get_purpose_display(),
        "version": statement.version,
        "wording": statement.text,
        "record": record,
        "given_at": _when(given_at),
        "withdrawn_at": _when(withdrawn_at),
    }


def _profile(user) -> dict | None:
    if user is None:
        return None
    from allauth.account.models import EmailAddress

    from ..roles import user_roles

    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "pseudonym": str(user.pseudonym),
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "roles": sorted(str(role.label) for role in user_roles(user)),
        "organisations": [
            {"organisation": m.organisation.name, "level": m.level, "job_title": m.job_title}
            for m in user.memberships.select_related("organisation")
        ],
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
    }


def _registration(r: Registration) -> dict:
    return {
        "reference": str(r.public_id),
        "session": r.focus_group.title,
        "session_starts_at": _when(r.focus_group.starts_at),
        "name": r.name,
        "email": r.email,
        "email_verified": r.email_verified,
        "phone": r.phone,
        "contact_preference": r.contact_preference,
        "organisation_name": r.organisation_name,
        "places": r.places,
        "attendee_names": r.attendee_names,
        "access_needs": r.access_needs,
        "status": r.status,
        "signed_up_at": _when(r.created_at),
        "confirmed_at": _when(r.confirmed_at),
        "cancelled_at": _when(r.cancelled_at),
        "attended": r.attended,
        "agreed_to_recording": r.agreed_to_recording,
    }


def _survey_answer(response: SurveyResponse) -> dict:
    return {
        "reference": str(response.public_id),
        "survey": response.page.title if response.page_id else "",
        "submitted_at": _when(response.submit_time),
        "anonymous": response.anonymous,
        "contact_email": response.contact_email,
        "answers": response.form_data,
        "analysed_answers": {
            name: answer.get("text", "") for name, answer in response.analysed_answers.items()
        },
        "consent_withdrawn_at": _when(response.consent_withdrawn_at),
    }


def _consents(subject: Subject) -> list[dict]:
    consents = []
    for r in subject.registrations:
        consents.append(
            _consent(
                r.consent_take_part, record=f"registration {r.public_id}", given_at=r.created_at
            )
        )
        if r.consent_record_id:
            consents.append(
                _consent(
                    r.consent_record,
                    record=f"registration {r.public_id}",
                    given_at=r.created_at,
                    withdrawn_at=r.consent_record_withdrawn_at,
                )
            )
    for response in subject.survey_responses:
        consents.append(
            _consent(
                response.consent,
                record=f"survey response {response.public_id}",
                given_at=response.submit_time,
                withdrawn_at=response.consent_withdrawn_at,
            )
        )
    return consents


def audit_entries_about(subject: Subject):
    """Audit entries about this person: their account, their sign-ups, their survey answers,
    and what they did themselves while signed in."""
    about = Q(pk__in=[])
    if subject.user is not None:
        about |= Q(actor=subject.user) | Q(
            target_type=User._meta.label_lower, target_id=str(subject.user.pk)
        )
    if subject.registrations:
        about |= Q(
            target_type=Registration._meta.label_lower,
            target_id__in=[str(r.pk) for r in subject.registrations],
        )
    if subject.survey_responses:
        about |= Q(
            target_type=SurveyResponse._meta.label_lower,
            target_id__in=[str(r.pk) for r in subject.survey_responses],
        )
    return AuditEvent.objects.filter(about).order_by("created_at", "pk")


def _audit_entry(event: AuditEvent, user) -> dict:
    if user is not None and event.actor_id == user.pk:
        by = "you"
    elif event.actor_id:
        by = "programme staff"
    else:
        by = "the system"
    return {
        "when": _when(event.created_at),
        "event": event.action,
        "by": by,
        "about": f"{event.target_type} {event.target_id}".strip(),
        "detail": event.detail,
    }


def _segments(subject: Subject) -> list[dict]:
    from ..signals import personal_data_requested

    rows: list[dict] = []
    replies = personal_data_requested.send(
        sender=Subject, records=subject.survey_responses, person_keys=subject.person_keys
    )
    for _receiver, reply in replies:
        rows.extend(reply or [])
    return rows


def export_data(subject: Subject) -> dict[str, Any]:
    """Everything held about the person, as one JSON-able structure."""
    return {
        "generated_at": timezone.now().isoformat(),
        "about": "Everything the EHL Insight platform holds about you.",
        "profile": _profile(subject.user),
        "consents": _consents(subject),
        "registrations": [_registration(r) for r in subject.registrations],
        "survey_answers": [_survey_answer(r) for r in subject.survey_responses],
        "conversation_logs": {"note": CONVERSATION_NOTE, "records": []},
        "segments": _segments(subject),
        "audit_entries": [_audit_entry(e, subject.user) for e in audit_entries_about(subject)],
    }


def export_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def _flatten(prefix: str, value, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(f"{prefix}[{index}]", item, out)
    else:
        out.append((prefix, "" if value is None else str(value)))


def export_csv(data: dict) -> str:
    """The same export as one long table (section, record, field, value), safe to open in a
    spreadsheet: cells that look like formulas are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "record", "field", "value"])
    for section, value in data.items():
        records = value if isinstance(value, list) else [value]
        for number, record in enumerate(records, start=1):
            pairs: list[tuple[str, str]] = []
            _flatten("", record, pairs)
            for name, cell in pairs:
                writer.writerow([section, number, safe_cell(name), safe_cell(cell)])
    return "\ufeff" + buffer.getvalue()


def export_render(subject: Subject, fmt: str) -> tuple[str, str]:
    """(body, content type) of the export in ``fmt``."""
    data = export_data(subject)
    if fmt == "csv":
        return export_csv(data), "text/csv; charset=utf-8"
    return export_json(data), "application/json; charset=utf-8"


def export_audit(*, subject: Subject, actor, fmt: str, on_behalf: bool) -> None:
    """Record that an export was made (by the person, or by staff on a request)."""
    if on_behalf:
        audit_record(
            "privacy.subject_exported",
            actor=actor,
            subject_ref=subject_ref(subject.email),
            format=fmt,
            **subject.counts(),
        )
    else:
        audit_record("privacy.own_data_exported", actor=actor, target=actor, format=fmt)
