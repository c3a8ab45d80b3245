from django.urls import path

from .views import audit, claims, organisations, partner_focus_groups, reference

app_name = "engagement"

urlpatterns = [
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path(
        "organisations/<slug:slug>/",
        organisations.organisation_detail,
        name="organisation_detail",
    ),
    path("reference/", reference.reference, name="reference"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("focus-groups/", partner_focus_groups.dashboard, name="focus_group_dashboard"),
    path(
        "focus-groups/new/", partner_focus_groups.focus_group_create_view, name="focus_group_create"
    ),
    path(
        "focus-groups/<uuid:public_id>/",
        partner_focus_groups.focus_group_manage,
        name="focus_group_manage",
    ),
    path(
        "focus-groups/<uuid:public_id>/edit/",
        partner_focus_groups.focus_group_edit,
        name="focus_group_edit",
    ),
    path(
        "focus-groups/<uuid:public_id>/cancel/",
        partner_focus_groups.focus_group_cancel_view,
        name="focus_group_cancel",
    ),
    path(
        "focus-groups/<uuid:public_id>/do/<slug:action>/",
        partner_focus_groups.focus_group_action,
        name="focus_group_action",
    ),
    path(
        "focus-groups/<uuid:public_id>/registrations/<uuid:registration_id>/move/",
        partner_focus_groups.registration_move_view,
        name="registration_move",
    ),
    path(
        "focus-groups/<uuid:public_id>/message/",
        partner_focus_groups.focus_group_message,
        name="focus_group_message",
    ),
    path(
        "focus-groups/<uuid:public_id>/attendance/",
        partner_focus_groups.focus_group_attendance,
        name="focus_group_attendance",
    ),
    path(
        "focus-groups/<uuid:public_id>/register.csv",
        partner_focus_groups.focus_group_register_csv,
        name="focus_group_register_csv",
    ),
    path("focus-groups/<uuid:public_id>/claims/new/", claims.claim_create, name="claim_create"),
    path("claims/", claims.claim_list, name="claim_list"),
    path("claims/<uuid:public_id>/decide/", claims.claim_decide_view, name="claim_decide"),
    path("claims/<uuid:public_id>/receipt/", claims.claim_receipt, name="claim_receipt"),
]
