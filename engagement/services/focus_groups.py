"""The life of a focus group: drafted, published, changed, cancelled or completed by its host."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import AuditEvent, FocusGroup, Registration
from .audit import audit_record
from .notifications import send_registration_email
from .registrations import RegistrationError
from .scheduling import schedule

REMINDERS = {"two-days": timedelta(days=2), "two-hours": timedelta(hours=2)}
# Changing any of these after publication tells everyone signed up.
NOTIFY_ON_CHANGE = (
    "starts_at",
    "ends_at",
    "mode",
    "venue_name",
    "venue_address",
    "joining_details",
)


def focus_group_create(
    *, organisation, actor, access_features=(), facilitators=(), cohorts=(), **fields
):
    focus_group = FocusGroup(organisation=organisation, created_by=actor, **fields)
    focus_group.full_clean()
    focus_group.save()
    focus_group.access_features.set(access_features)
    focus_group.facilitators.set(facilitators)
    focus_group.cohorts.set(cohorts)
    audit_record("focus_group.created", actor=actor, target=focus_group, organisation=organisation)
    return focus_group


@transaction.atomic
def focus_group_update(
    *,
    focus_group: FocusGroup,
    actor,
    access_features=None,
    facilitators=None,
    cohorts=None,
    **fields,
):
    before = {name: getattr(focus_group, name) for name in NOTIFY_ON_CHANGE}
    for name, value in fields.items():
        setattr(focus_group, name, value)
    focus_group.full_clean()
    focus_group.save()
    if access_features is not None:
        focus_group.access_features.set(access_features)
    if facilitators is not None:
        focus_group.facilitators.set(facilitators)
    if cohorts is not None:
        focus_group.cohorts.set(cohorts)
    changed = sorted(
        name for name in NOTIFY_ON_CHANGE if getattr(focus_group, name) != before[name]
    )
    audit_record(
        "focus_group.updated",
        actor=actor,
        target=focus_group,
        organisation=focus_group.organisation,
        changed=changed,
    )
    if changed and focus_group.status == FocusGroup.Status.PUBLISHED:
        for registration in focus_group.registrations.filter(status__in=Registration.ACTIVE):
            send_registration_email(registration, "changed", changed=changed)
        if "starts_at" in changed:
            schedule_reminders(focus_group)
    return focus_group


@transaction.atomic
def focus_group_publish(*, focus_group: FocusGroup, actor, now=None) -> FocusGroup:
    now = now or timezone.now()
    if focus_group.status != FocusGroup.Status.DRAFT:
        raise RegistrationError("Only a draft session can be published.")
    if focus_group.starts_at <= now:
        raise RegistrationError(
            "This session's start time has passed. Change it before publishing."
        )
    if focus_group.mode == FocusGroup.Mode.IN_PERSON and not focus_group.venue_address:
        raise RegistrationError("Add the venue's address before publishing an in-person session.")
    if focus_group.mode == FocusGroup.Mode.ONLINE and not focus_group.joining_details:
        raise RegistrationError("Add the joining details before publishing an online session.")
    focus_group.status = FocusGroup.Status.PUBLISHED
    focus_group.published_at = now
    focus_group.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        "focus_group.published",
        actor=actor,
        target=focus_group,
        organisation=focus_group.organisation,
    )
    schedule_reminders(focus_group)
    return focus_group


@transaction.atomic
def focus_group_cancel(*, focus_group: FocusGroup, actor, reason: str, now=None) -> FocusGroup:
    now = now or timezone.now()
    if focus_group.status in (FocusGroup.Status.CANCELLED, FocusGroup.Status.COMPLETED):
        raise RegistrationError(
            f"This session is already {focus_group.get_status_display().lower()}."
        )
    if not reason.strip():
        raise RegistrationError("Say why the session is cancelled: everyone signed up is told.")
    focus_group = FocusGroup.objects.select_for_update().get(pk=focus_group.pk)
    focus_group.status = FocusGroup.Status.CANCELLED
    focus_group.cancellation_reason = reason.strip()
    focus_group.save(update_fields=["status", "cancellation_reason", "updated_at"])
    for registration in focus_group.registrations.filter(status__in=Registration.ACTIVE):
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.offer_expires_at = None
        registration.save(
            update_fields=["status", "cancelled_at", "offer_expires_at", "updated_at"]
        )
        send_registration_email(registration, "cancelled_by_host", reason=reason.strip())
    audit_record(
        "focus_group.cancelled",
        actor=actor,
        target=focus_group,
        organisation=focus_group.organisation,
    )
    return focus_group


@transaction.atomic
def focus_group_complete(*, focus_group: FocusGroup, actor, now=None) -> FocusGroup:
    now = now or timezone.now()
    if focus_group.status != FocusGroup.Status.PUBLISHED:
        raise RegistrationError("Only a published session can be marked as completed.")
    if now < focus_group.starts_at:
        raise RegistrationError("A session can be marked as completed once it has started.")
    focus_group.status = FocusGroup.Status.COMPLETED
    focus_group.save(update_fields=["status", "updated_at"])
    # Offers still open for a session that has happened can no longer be taken up.
    focus_group.registrations.filter(status=Registration.Status.OFFERED).update(
        status=Registration.Status.EXPIRED, offer_expires_at=None
    )
    audit_record(
        "focus_group.completed",
        actor=actor,
        target=focus_group,
        organisation=focus_group.organisation,
    )
    return focus_group


def schedule_reminders(focus_group: FocusGroup) -> None:
    from ..tasks import send_reminder

    for kind, before in REMINDERS.items():
        at = focus_group.starts_at - before
        if at > timezone.now():
            schedule(
                send_reminder,
                at=at,
                focus_group_id=focus_group.pk,
                kind=kind,
                starts_at=focus_group.starts_at.isoformat(),
            )


def reminders_send(*, focus_group: FocusGroup, kind: str, starts_at: str) -> int:
    """Send one reminder to everyone confirmed. Skips silently when the session was cancelled or
    moved since the reminder was scheduled, and never sends the same reminder twice."""
    if focus_group.status != FocusGroup.Status.PUBLISHED:
        return 0
    if focus_group.starts_at.isoformat() != starts_at:
        return 0
    with transaction.atomic():
        FocusGroup.objects.select_for_update().get(pk=focus_group.pk)
        already = AuditEvent.objects.filter(
            action="focus_group.reminder_sent",
            target_type=focus_group._meta.label_lower,
            target_id=str(focus_group.pk),
            detail__kind=kind,
            detail__starts_at=starts_at,
        ).exists()
        if already:
            return 0
        recipients = list(focus_group.registrations.filter(status=Registration.Status.CONFIRMED))
        for registration in recipients:
            send_registration_email(registration, "reminder", reminder=kind)
        audit_record(
            "focus_group.reminder_sent",
            target=focus_group,
            organisation=focus_group.organisation,
            kind=kind,
            starts_at=starts_at,
            recipients=len(recipients),
        )
    return len(recipients)


def registrants_message(
    *, focus_group: FocusGroup, actor, subject: str, body: str, statuses
) -> int:
    recipients = list(focus_group.registrations.filter(status__in=statuses))
    with transaction.atomic():
        for registration in recipients:
            send_registration_email(registration, "message", subject=subject, message=body)
        audit_record(
            "focus_group.messaged",
            actor=actor,
            target=focus_group,
            organisation=focus_group.organisation,
            recipients=len(recipients),
        )
    return len(recipients)
