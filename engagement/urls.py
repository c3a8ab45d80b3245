from django.urls import path

from .views import (
    audit,
    claims,
    conversations,
    organisations,
    partner_focus_groups,
    privacy,
    reference,
    roundtables,
    surveys,
    transcripts,
)

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
    # Subject access and erasure: the person's own download, and leads acting on requests
    path("account/your-data.json", privacy.own_data, {"fmt": "json"}, name="own_data_json"),
    path("account/your-data.csv", privacy.own_data, {"fmt": "csv"}, name="own_data_csv"),
    path("privacy/", privacy.privacy_requests, name="privacy_requests"),
    path("privacy/export/", privacy.privacy_export, name="privacy_export"),
    path("privacy/erase/", privacy.privacy_erase, name="privacy_erase"),
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
    # Roundtables
    path("roundtables/", roundtables.series_list, name="roundtable_list"),
    path("roundtables/new/", roundtables.series_create, name="roundtable_series_create"),
    path("roundtables/<uuid:public_id>/", roundtables.series_detail, name="roundtable_series"),
    path(
        "roundtables/<uuid:public_id>/compare/",
        roundtables.series_compare,
        name="roundtable_compare",
    ),
    path(
        "roundtables/<uuid:public_id>/rounds/new/",
        roundtables.event_create,
        name="roundtable_event_create",
    ),
    path("roundtables/rounds/<uuid:public_id>/", roundtables.event_detail, name="roundtable_event"),
    path("roundtables/tables/<uuid:public_id>/", roundtables.table_detail, name="roundtable_table"),
    path(
        "roundtables/tables/<uuid:public_id>/notes/<int:note_id>/delete/",
        roundtables.note_delete,
        name="roundtable_note_delete",
    ),
    # Conversations and employers
    path("conversations/", conversations.conversation_list, name="conversation_list"),
    path("conversations/new/", conversations.conversation_form, name="conversation_create"),
    path(
        "conversations/<uuid:public_id>/",
        conversations.conversation_detail,
        name="conversation_detail",
    ),
    path(
        "conversations/<uuid:public_id>/edit/",
        conversations.conversation_form,
        name="conversation_edit",
    ),
    path(
        "conversations/<uuid:public_id>/withdraw/",
        conversations.conversation_withdraw,
        name="conversation_withdraw",
    ),
    path(
        "employers/engagement/new/",
        conversations.employer_engagement_form,
        name="employer_engagement_create",
    ),
    path(
        "employers/engagement/<uuid:public_id>/",
        conversations.employer_engagement_form,
        name="employer_engagement_edit",
    ),
    # Transcripts
    path(
        "transcripts/upload/<slug:kind>/<uuid:public_id>/",
        transcripts.transcript_upload_view,
        name="transcript_upload",
    ),
    path("transcripts/<uuid:public_id>/", transcripts.transcript_detail, name="transcript_detail"),
    path(
        "transcripts/<uuid:public_id>/original/",
        transcripts.transcript_original,
        name="transcript_original",
    ),
    # Surveys
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/<int:page_id>/", surveys.survey_results, name="survey_results"),
    path(
        "surveys/<int:page_id>/export.<str:fmt>",
        surveys.survey_export,
        name="survey_export",
    ),
]
