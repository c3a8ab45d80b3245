"""Who may see and do what in engagement. Every view decides through these predicates, so the
rules live in one place and the URL-walking test can hold them to account."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organisation
from .roles import Role, has_role, is_staff_role


def can_use_work_area(user) -> bool:
    return is_staff_role(user)


def sees_all_organisations(user) -> bool:
    return user.is_authenticated and user.has_perm("engagement.view_all_organisations")


def organisations_for(user) -> QuerySet[Organisation]:
    """The organisations whose records this user may see."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if sees_all_organisations(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user).distinct()


def can_view_organisation(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if sees_all_organisations(user):
        return True
    return organisation.memberships.filter(user=user).exists()


def can_manage_organisation(user, organisation: Organisation) -> bool:
    """Partners manage their own organisation's sessions and records; leads and administrators
    manage any."""
    if not user.is_authenticated:
        return False
    if has_role(user, Role.LEAD, Role.ADMIN):
        return True
    return (
        has_role(user, Role.PARTNER)
        and user.has_perm("engagement.host_sessions")
        and organisation.memberships.filter(user=user).exists()
    )


def can_view_reference_data(user) -> bool:
    return is_staff_role(user)


def can_view_audit_log(user) -> bool:
    return user.is_authenticated and user.has_perm("engagement.view_auditevent")


def can_manage_focus_group(user, focus_group) -> bool:
    return can_use_work_area(user) and can_manage_organisation(user, focus_group.organisation)


def focus_groups_for(user):
    """The focus groups whose registrations this user may see (their organisations' only)."""
    from .models import FocusGroup

    if not can_use_work_area(user):
        return FocusGroup.objects.none()
    if sees_all_organisations(user):
        return FocusGroup.objects.all()
    return FocusGroup.objects.filter(organisation__memberships__user=user).distinct()


def hostable_organisations(user) -> QuerySet[Organisation]:
    """Organisations this user can create sessions for."""
    return Organisation.objects.filter(
        pk__in=[org.pk for org in organisations_for(user) if can_manage_organisation(user, org)]
    )


def can_decide_claims(user) -> bool:
    return user.is_authenticated and user.has_perm("engagement.decide_claims")


# --- Evidence capture -------------------------------------------------------------------------
def can_record_roundtables(user) -> bool:
    return can_use_work_area(user) and user.has_perm("engagement.record_roundtables")


def can_log_conversations(user) -> bool:
    return can_use_work_area(user) and user.has_perm("engagement.log_conversations")


def conversations_for(user):
    """Associates see the conversations they logged; leads see every one."""
    from .models import ConversationLog

    if not can_log_conversations(user):
        return ConversationLog.objects.none()
    if has_role(user, Role.LEAD):
        return ConversationLog.objects.all()
    return ConversationLog.objects.filter(associate=user)


def employer_engagements_for(user):
    from .models import EmployerEngagement

    if not can_log_conversations(user):
        return EmployerEngagement.objects.none()
    if has_role(user, Role.LEAD):
        return EmployerEngagement.objects.all()
    return EmployerEngagement.objects.filter(recorded_by=user)


def transcripts_for(user):
    """Transcripts of the sessions a user manages, the roundtables they record and the
    conversations they logged."""
    from django.db.models import Q

    from .models import Transcript

    if not can_use_work_area(user):
        return Transcript.objects.none()
    if has_role(user, Role.LEAD):
        return Transcript.objects.all()
    visible = Q(
        focus_group__in=focus_groups_for(user).filter(organisation__in=hostable_organisations(user))
    )
    if can_record_roundtables(user):
        visible |= Q(roundtable_table__isnull=False)
    if can_log_conversations(user):
        visible |= Q(conversation__in=conversations_for(user))
    return Transcript.objects.filter(visible)


def can_view_survey_results(user) -> bool:
    return can_use_work_area(user) and user.has_perm("engagement.view_survey_results")
