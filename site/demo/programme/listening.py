"""The demo programme's focus groups, through the same services partners use: published ahead
of the day, signed up to (without emailing the fictional people), attendance marked, completed,
costs claimed and decided. Held sessions are replayed at the times they happened."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from engagement.models import (
    AccessFeature,
    Cohort,
    FocusGroup,
    Organisation,
    Place,
    Registration,
    User,
)
from engagement.services.claims import claim_decide, claim_submit
from engagement.services.focus_groups import (
    focus_group_cancel,
    focus_group_complete,
    focus_group_create,
    focus_group_publish,
)
from engagement.services.reference import LoadReport
from engagement.services.registrations import SignUp, attendance_mark, registration_create

from .records import FocusGroupPlan, RegistrationPlan

VENUE_FEATURES = ["step-free-access", "accessible-toilet", "hearing-loop", "travel-costs"]


def _aware(moment):
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _host_user(organisation: Organisation) -> User | None:
    return User.objects.filter(memberships__organisation=organisation).order_by("pk").first()


@transaction.atomic
def load_focus_groups(plans: list[FocusGroupPlan], *, lead: User) -> LoadReport:
    report = LoadReport()
    features = list(AccessFeature.objects.filter(key__in=VENUE_FEATURES))
    for plan in plans:
        organisation = Organisation.objects.get(slug=plan.host)
        exists = FocusGroup.objects.filter(organisation=organisation, title=plan.title).exists()
        report.count("focus groups", not exists)
        if not exists:
            _replay(plan, organisation, features, lead)
    return report


def _replay(plan: FocusGroupPlan, organisation: Organisation, features, lead: User) -> None:
    host = _host_user(organisation)
    starts_at = _aware(plan.starts_at)
    signups = [_aware(r.signed_up) for r in plan.registrations] or [starts_at]
    opened = min([*signups, starts_at - timedelta(days=21)]) - timedelta(days=1)
    focus_group = focus_group_create(
        organisation=organisation,
        actor=host,
        access_features=features,
        facilitators=[host] if host else [],
        cohorts=list(Cohort.objects.filter(key__in=plan.cohorts)),
        audience=plan.audience,
        title=plan.title,
        description=plan.description,
        topics=plan.topics,
        place=Place.objects.get(key=plan.place),
        mode=plan.mode,
        venue_name=f"{plan.town} community venue (demo)",
        venue_address=f"1 Example Street\n{plan.town}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=plan.minutes),
        capacity=plan.capacity,
        reserved_places=0,
        signup_deadline=starts_at - timedelta(days=1),
    )
    focus_group_publish(focus_group=focus_group, actor=host, now=opened)
    registrations = [_sign_up(focus_group, r) for r in plan.registrations]
    if plan.round_number is None:
        return  # still to come
    if plan.cancelled_reason:
        focus_group_cancel(
            focus_group=focus_group,
            actor=host,
            reason=plan.cancelled_reason,
            now=starts_at - timedelta(days=2),
        )
        return
    present = {
        registration.pk
        for registration, spec in zip(registrations, plan.registrations, strict=True)
        if spec.attended and registration.status == Registration.Status.CONFIRMED
    }
    attendance_mark(
        focus_group=focus_group,
        present_ids=present,
        actor=host,
        now=starts_at + timedelta(minutes=plan.minutes),
    )
    focus_group_complete(
        focus_group=focus_group, actor=host, now=starts_at + timedelta(minutes=plan.minutes)
    )
    for claim in plan.claims:
        made = claim_submit(
            focus_group=focus_group,
            actor=host,
            category=claim["category"],
            amount=Decimal(claim["amount"]),
            description=claim["description"],
        )
        if claim["state"] != "submitted":
            claim_decide(
                claim=made,
                actor=lead,
                approve=claim["state"] == "approved",
                reason=claim["reason"],
            )


def _sign_up(focus_group: FocusGroup, spec: RegistrationPlan) -> Registration:
    registration, _ = registration_create(
        focus_group=focus_group,
        sign_up=SignUp(
            name=spec.name,
            email=spec.email,
            places=spec.places,
            organisation_name=spec.organisation_name,
            access_needs=spec.access_needs,
            consent_take_part=True,
            consent_record=spec.consent_record,
        ),
        now=min(_aware(spec.signed_up), timezone.now()),
        notify=False,
    )
    # Guests confirm their address from the email they were sent at the time.
    Registration.objects.filter(pk=registration.pk).update(email_verified=True)
    return registration


@transaction.atomic
def load_upcoming_signups(names: dict, *, per_session: int = 4) -> LoadReport:
    """A few sign-ups on the demo's other upcoming sessions, so partners have people to see."""
    report = LoadReport()
    upcoming = FocusGroup.objects.filter(
        status=FocusGroup.Status.PUBLISHED, starts_at__gt=timezone.now()
    ).order_by("pk")
    for index, focus_group in enumerate(upcoming):
        has_signups = focus_group.registrations.exists()
        report.count("upcoming sign-ups", not has_signups)
        if has_signups:
            continue
        for n in range(per_session + index % 3):
            first = names["first"][(index * 7 + n * 3) % len(names["first"])]
            last = names["last"][(index * 5 + n) % len(names["last"])]
            _sign_up(
                focus_group,
                RegistrationPlan(
                    name=f"{first} {last}",
                    email=f"{first}.{last}.{index}{n}@example.net".lower(),
                    signed_up=timezone.now(),
                ),
            )
    return report
