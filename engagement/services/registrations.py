"""Signing up to focus groups, the waiting list and time-limited offers.

Capacity is never exceeded: every change that can take or free a place locks the focus group's
row first (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE),
then counts places held by confirmed registrations and open offers. Waiting-list order is
arrival order, and a waiting group is never skipped for a smaller one behind it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import ConsentStatement, FocusGroup, Registration
from .audit import audit_record
from .notifications import send_registration_email
from .scheduling import schedule

# How long someone has to take up a place offered from the waiting list.
OFFER_WINDOW = timedelta(hours=48)
MAX_GROUP_SIZE = 10


class RegistrationError(Exception):
    """A sign-up or change that cannot happen; the message is written for the person."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, kw_only=True)
class SignUp:
    """What a person gives us when they sign up."""

    name: str
    email: str
    user: object | None = None
    phone: str = ""
    contact_preference: str = Registration.ContactPreference.EMAIL
    organisation_name: str = ""
    places: int = 1
    attendee_names: str = ""
    access_needs: str = ""
    consent_take_part: bool = False
    consent_record: bool = False
    submission_key: uuid.UUID | None = None


def places_taken(focus_group: FocusGroup) -> int:
    return focus_group.registrations.filter(status__in=Registration.HOLDS_PLACE).aggregate(
        n=Coalesce(Sum("places"), 0)
    )["n"]


def _locked(focus_group_id: int) -> FocusGroup:
    return FocusGroup.objects.select_for_update().get(pk=focus_group_id)


def _check_open(focus_group: FocusGroup, now) -> None:
    if focus_group.status == FocusGroup.Status.CANCELLED:
        raise RegistrationError("This session has been cancelled, so you cannot sign up to it.")
    if focus_group.status != FocusGroup.Status.PUBLISHED:
        raise RegistrationError("This session is not open for sign-up.")
    if now >= focus_group.signup_closes_at:
        raise RegistrationError("Sign-up for this session has closed.")


def registration_create(
    *, focus_group: FocusGroup, sign_up: SignUp, now=None, notify: bool = True
) -> tuple[Registration, bool]:
    """Sign someone up: a confirmed place if one is free, otherwise the waiting list.

    Returns the registration and whether it is new. Signing up twice (a double-clicked button,
    or the same email again) returns the existing registration instead of a second one.
    `notify=False` records a sign-up without emailing the person, for sign-ups taken in the
    past (a paper sheet typed up afterwards, or the demo programme's history)."""
    now = now or timezone.now()
    email = sign_up.email.strip().lower()
    if not sign_up.consent_take_part:
        raise RegistrationError(
            "Tell us you agree to take part in the session.", field="consent_take_part"
        )
    if not 1 <= sign_up.places <= MAX_GROUP_SIZE:
        raise RegistrationError(
            f"You can sign up between 1 and {MAX_GROUP_SIZE} people.", field="places"
        )
    if sign_up.submission_key:
        existing = Registration.objects.filter(submission_key=sign_up.submission_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            locked = _locked(focus_group.pk)
            _check_open(locked, now)
            existing = locked.registrations.filter(
                email=email, status__in=Registration.ACTIVE
            ).first()
            if existing is not None:
                return existing, False
            if sign_up.places > locked.open_places:
                raise RegistrationError(
                    f"This session has {locked.open_places} places in all, so a group of "
                    f"{sign_up.places} cannot join it. Contact the host to arrange something.",
                    field="places",
                )
            someone_waiting = locked.registrations.filter(
                status=Registration.Status.WAITLISTED
            ).exists()
            free = locked.open_places - places_taken(locked)
            confirmed = not someone_waiting and sign_up.places <= free
            registration = Registration.objects.create(
                focus_group=locked,
                user=sign_up.user,
                name=sign_up.name.strip(),
                email=email,
                email_verified=bool(
                    sign_up.user is not None and sign_up.user.email.lower() == email
                ),
                phone=sign_up.phone.strip(),
                contact_preference=sign_up.contact_preference,
                organisation_name=sign_up.organisation_name.strip(),
                places=sign_up.places,
                attendee_names=sign_up.attendee_names.strip(),
                access_needs=sign_up.access_needs.strip(),
                status=Registration.Status.CONFIRMED
                if confirmed
                else Registration.Status.WAITLISTED,
                confirmed_at=now if confirmed else None,
                consent_take_part=ConsentStatement.current(ConsentStatement.Purpose.TAKE_PART),
                consent_record=ConsentStatement.current(ConsentStatement.Purpose.RECORD)
                if sign_up.consent_record
                else None,
                submission_key=sign_up.submission_key,
            )
            audit_record(
                "registration.created",
                actor=sign_up.user,
                target=registration,
                organisation=locked.organisation,
                status=registration.status,
            )
    except IntegrityError:
        # A concurrent copy of the same submission won the race: show that one.
        lookup = Q(focus_group=focus_group, email=email, status__in=Registration.ACTIVE)
        if sign_up.submission_key:
            lookup |= Q(submission_key=sign_up.submission_key)
        existing = Registration.objects.filter(lookup).first()
        if existing is None:
            raise
        return existing, False
    # Rendered after the session row's lock is released, so concurrent sign-ups wait less.
    if notify:
        send_registration_email(registration, "confirmed" if confirmed else "waitlisted")
    return registration, True


def registration_verify_email(*, registration: Registration) -> Registration:
    if not registration.email_verified:
        registration.email_verified = True
        registration.save(update_fields=["email_verified", "updated_at"])
    return registration


def registration_cancel(
    *, registration: Registration, actor=None, by_host: bool = False, now=None
) -> Registration:
    """Give up a place or leave the waiting list. A freed place is offered to the next person."""
    now = now or timezone.now()
    with transaction.atomic():
        locked_group = _locked(registration.focus_group_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.is_active:
            return registration
        if now >= locked_group.starts_at and not by_host:
            raise RegistrationError(
                "This session has already started, so the sign-up can no longer be changed."
            )
        freed = registration.holds_place
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.offer_expires_at = None
        registration.save(
            update_fields=["status", "cancelled_at", "offer_expires_at", "updated_at"]
        )
        audit_record(
            "registration.cancelled",
            actor=actor,
            target=registration,
            organisation=locked_group.organisation,
            by_host=by_host,
        )
        if not by_host:
            send_registration_email(registration, "cancelled")
        if freed:
            waitlist_offer_next(focus_group=locked_group, now=now)
    return registration


def waitlist_offer_next(*, focus_group: FocusGroup, now=None) -> list[Registration]:
    """Offer free places to the people at the front of the waiting list, in arrival order."""
    now = now or timezone.now()
    offered: list[Registration] = []
    with transaction.atomic():
        locked = _locked(focus_group.pk)
        if locked.status != FocusGroup.Status.PUBLISHED or now >= locked.starts_at:
            return offered
        free = locked.open_places - places_taken(locked)
        waiting = locked.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
            "created_at", "id"
        )
        for registration in waiting:
            if free <= 0 or registration.places > free:
                break
            registration.status = Registration.Status.OFFERED
            registration.offer_expires_at = min(now + OFFER_WINDOW, locked.starts_at)
            registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
            free -= registration.places
            offered.append(registration)
            send_registration_email(registration, "offer")
            audit_record(
                "registration.offered", target=registration, organisation=locked.organisation
            )
            from ..tasks import expire_offer

            schedule(
                expire_offer, at=registration.offer_expires_at, registration_id=registration.pk
            )
    return offered


def offer_accept(*, registration: Registration, now=None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        _locked(registration.focus_group_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CONFIRMED:
            return registration
        if (
            registration.status == Registration.Status.OFFERED
            and now >= registration.offer_expires_at
        ):
            _expire(registration, now)
        if registration.status != Registration.Status.OFFERED:
            raise RegistrationError(
                "This offer is no longer open: it has expired or been declined, and the place has "
                "been offered to someone else."
            )
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.offer_expires_at = None
        registration.email_verified = True  # they followed a link sent to that address
        registration.save()
        send_registration_email(registration, "confirmed")
        audit_record("registration.offer_accepted", target=registration)
    return registration


def offer_decline(*, registration: Registration, now=None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        locked_group = _locked(registration.focus_group_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Registration.Status.OFFERED:
            raise RegistrationError("There is no open offer to decline.")
        registration.status = Registration.Status.DECLINED
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        audit_record("registration.offer_declined", target=registration)
        waitlist_offer_next(focus_group=locked_group, now=now)
    return registration


def _expire(registration: Registration, now) -> None:
    registration.status = Registration.Status.EXPIRED
    registration.save(update_fields=["status", "updated_at"])
    audit_record("registration.offer_expired", target=registration)
    # Offer the place on once this transaction commits, so a slow email never holds the lock.
    transaction.on_commit(
        lambda: waitlist_offer_next(focus_group=registration.focus_group, now=now)
    )


def offers_expire_due(*, now=None) -> int:
    """Expire every unanswered offer whose time is up and pass each place on. Idempotent."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.OFFERED, offer_expires_at__lte=now
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        with transaction.atomic():
            registration = Registration.objects.select_for_update().get(pk=pk)
            if (
                registration.status == Registration.Status.OFFERED
                and registration.offer_expires_at <= now
            ):
                _expire(registration, now)
                count += 1
    return count


def registration_move(*, registration: Registration, to: str, actor, now=None) -> Registration:
    """A host moves someone between the waiting list and a confirmed place. Hosts may use the
    reserved places, but never more than the session's capacity."""
    now = now or timezone.now()
    if to not in (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED):
        raise RegistrationError("People can be moved to a confirmed place or the waiting list.")
    with transaction.atomic():
        locked = _locked(registration.focus_group_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.is_active:
            raise RegistrationError("This person has cancelled, so they cannot be moved.")
        if registration.status == to:
            return registration
        if to == Registration.Status.CONFIRMED:
            taken = places_taken(locked) - (registration.places if registration.holds_place else 0)
            if taken + registration.places > locked.capacity:
                raise RegistrationError(
                    "There are no places left, even counting the reserved places. Move someone "
                    "else to the waiting list first or increase the capacity."
                )
            registration.confirmed_at = now
        registration.status = to
        registration.offer_expires_at = None
        registration.save()
        send_registration_email(
            registration, "confirmed" if to == Registration.Status.CONFIRMED else "waitlisted"
        )
        audit_record(
            "registration.moved",
            actor=actor,
            target=registration,
            organisation=locked.organisation,
            to=to,
        )
    return registration


# Attendance can be marked from this long before the start: on the day, not before.
ATTENDANCE_OPENS_BEFORE = timedelta(hours=12)


def attendance_opens_at(focus_group: FocusGroup):
    return focus_group.starts_at - ATTENDANCE_OPENS_BEFORE


def attendance_open(focus_group: FocusGroup, now=None) -> bool:
    return (now or timezone.now()) >= attendance_opens_at(focus_group)


def attendance_mark(*, focus_group: FocusGroup, present_ids: set[int], actor, now=None) -> int:
    """Record who came. Everyone confirmed and not ticked is marked as absent."""
    now = now or timezone.now()
    if not attendance_open(focus_group, now):
        raise RegistrationError("Attendance can be marked on the day of the session.")
    confirmed = focus_group.registrations.filter(status=Registration.Status.CONFIRMED)
    with transaction.atomic():
        confirmed.filter(pk__in=present_ids).update(attended=True, updated_at=now)
        confirmed.exclude(pk__in=present_ids).update(attended=False, updated_at=now)
        audit_record(
            "focus_group.attendance_marked",
            actor=actor,
            target=focus_group,
            organisation=focus_group.organisation,
            present=len(present_ids),
        )
    return confirmed.filter(attended=True).count()


# Guests who never confirm their email address give their place back after this long.
UNVERIFIED_HOLD = timedelta(hours=48)


def registrations_expire_unverified(*, now=None) -> int:
    """Cancel guest sign-ups whose email address was never confirmed, freeing their places."""
    now = now or timezone.now()
    stale = Registration.objects.filter(
        status__in=Registration.ACTIVE,
        email_verified=False,
        created_at__lte=now - UNVERIFIED_HOLD,
        focus_group__starts_at__gt=now,
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(stale):
        registration = Registration.objects.get(pk=pk)
        if registration.email_verified or not registration.is_active:
            continue
        registration_cancel(registration=registration, by_host=True, now=now)
        audit_record("registration.unverified_released", target=registration)
        count += 1
    return count
