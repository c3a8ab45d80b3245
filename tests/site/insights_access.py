"""Access rules and URL objects for the insights workbench and the decision instruments, used
by tests/site/test_url_access.py (kept apart so that file stays readable)."""

import datetime

from engagement.roles import Role

# url name -> (rule, None); rules as in test_url_access.ALLOWED.
INSIGHTS_ACCESS = {
    # Codebook: the approved tree is for all staff; its workings for those who code; changes
    # for the programme lead.
    "insights:codebook_history": ("capture", None),
    "insights:codebook_version": ("staff", None),
    "insights:codebook_theme": ("capture", None),
    "insights:codebook_theme_add": ("lead-only", None),
    "insights:codebook_theme_edit": ("lead-only", None),
    "insights:codebook_theme_rename": ("lead-only", None),
    "insights:codebook_theme_merge": ("lead-only", None),
    "insights:codebook_theme_split": ("lead-only", None),
    "insights:codebook_theme_approve": ("lead-only", None),
    "insights:codebook_theme_reject": ("lead-only", None),
    "insights:codebook_theme_retire": ("lead-only", None),
    "insights:codebook_export_csv": ("capture", None),
    "insights:codebook_export_qdc": ("capture", None),
    "insights:codebook_import": ("lead-only", None),
    "insights:discovery_list": ("capture", None),
    "insights:discovery_start": ("lead-only", None),
    "insights:discovery_run": ("capture", None),
    # Coding and review.
    "insights:review_queue": ("capture", None),
    "insights:review_segment": ("capture", None),
    "insights:code_history": ("capture", None),
    "insights:coding_runs": ("capture", None),
    "insights:coding_run": ("capture", None),
    "insights:suggester_models": ("capture", None),
    "insights:double_coding_list": ("capture", None),
    "insights:double_coding_create": ("lead-only", None),
    "insights:double_coding_results": ("lead-only", None),
    # Theme reports: for those who analyse; the segments behind a figure for those who code.
    "insights:report": ("analyst", None),
    "insights:report_export": ("analyst", None),
    "insights:report_segments": ("capture", None),
    "insights:report_publish": ("lead-only", None),
    # Decisions: read by associates, leads and administrators; changed by the lead.
    "insights:decisions": ("analyst", None),
    "insights:servicemap": ("analyst", None),
    "insights:servicemap_coverage": ("analyst", None),
    "insights:servicemap_export": ("analyst", None),
    "insights:programme": ("analyst", None),
    "insights:benchmarking": ("analyst", None),
    "insights:benchmarking_report": ("analyst", None),
    "insights:appraisals": ("analyst", None),
    "insights:appraisal": ("analyst", None),
    "insights:appraisal_report": ("analyst", None),
    "insights:appraisal_version": ("analyst", None),
    "insights:options": ("analyst", None),
    "insights:option": ("analyst", None),
    "insights:criteria": ("analyst", None),
    "insights:equity": ("analyst", None),
    "insights:programme_add": ("lead-only", None),
    "insights:programme_edit": ("lead-only", None),
    "insights:programme_delete": ("lead-only", None),
    "insights:servicemap_import": ("lead-only", None),
    "insights:assessment_edit": ("lead-only", None),
    "insights:appraisal_add": ("lead-only", None),
    "insights:appraisal_weights": ("lead-only", None),
    "insights:appraisal_score": ("lead-only", None),
    "insights:option_add": ("lead-only", None),
    "insights:option_edit": ("lead-only", None),
    "insights:option_delete": ("lead-only", None),
    "insights:criterion_add": ("lead-only", None),
    "insights:criterion_edit": ("lead-only", None),
    "insights:criterion_delete": ("lead-only", None),
    "insights:equity_census_upload": ("lead-only", None),
    "insights:equity_extract_upload": ("lead-only", None),
}

INSIGHTS_ALLOWED = {"analyst": {Role.ASSOCIATE, Role.LEAD, Role.ADMIN}}

# POST-only lead actions: anonymous to sign in, everyone but the lead 403.
INSIGHTS_POST_ONLY_LEAD = {
    "insights:codebook_import_confirm",
    "insights:appraisal_freeze",
    "insights:servicemap_import_confirm",
}

# Only the two people a double-coding sample is assigned to may code it; that rule is tested
# with its own fixture in tests/insights/test_double_coding_views.py.
CHECKED_ELSEWHERE = {"insights:double_coding_code", "insights:double_coding_segment"}


def insights_objects() -> dict:
    """One of each object the workbench and decision URLs name."""
    from insights.models import (
        Appraisal,
        Code,
        CodingRun,
        CoreQuestion,
        Criterion,
        DiscoveryRun,
        DoubleCodingSample,
        Option,
        Programme,
        Segment,
        Theme,
    )
    from insights.services.appraisal_data import create_appraisal, freeze_version
    from insights.services.codebook import codebook_current_version
    from tests.factories import UserFactory

    lead = UserFactory(roles=[Role.LEAD])
    approved = Theme.objects.create(
        key="access-test-approved", label="Waiting times", kind="barrier", status="approved"
    )
    candidate = Theme.objects.create(
        key="access-test-candidate", label="Bus fares", kind="barrier", status="candidate"
    )
    version = codebook_current_version()
    segment = Segment.objects.create(
        source_type="conversation",
        source_id="access-test",
        stakeholder_group="resident",
        said_on=datetime.date(2026, 3, 1),
        person_key="person-1",
        text="The wait for physio was months and I lost my job.",
    )
    # Accepted, so the review queue is empty and shows its page rather than redirecting.
    code = Code.objects.create(
        segment=segment, theme=approved, origin="person", status="accepted", coder=lead
    )
    sample = DoubleCodingSample.objects.create(
        name="Access sample", coder_a=lead, coder_b=UserFactory(roles=[Role.ASSOCIATE])
    )
    sample.segments.add(segment)
    question = CoreQuestion.objects.create(
        key="access-test-question", number=99, short_title="Access", question="Is it there?"
    )
    programme = Programme.objects.create(
        key="access-test-programme",
        name="Working Well",
        provider_name="A provider",
        commissioning_level="local",
        lead_sector="local-authority",
    )
    option = Option.objects.create(
        key="access-test-option", pillar="prevention", title="Navigators"
    )
    criterion = Criterion.objects.create(key="access-test-criterion", name="Feasibility")
    appraisal = create_appraisal(lead, "Access appraisal", "", Option.objects.filter(pk=option.pk))
    appraisal_version = freeze_version(appraisal, lead)
    return {
        "approved": approved,
        "candidate": candidate,
        "version": version,
        "segment": segment,
        "code": code,
        "coding_run": CodingRun.objects.create(),
        "discovery_run": DiscoveryRun.objects.create(),
        "sample": sample,
        "question": question,
        "programme": programme,
        "option": option,
        "criterion": criterion,
        "appraisal": Appraisal.objects.get(pk=appraisal.pk),
        "appraisal_version": appraisal_version,
    }


def insights_args(objects: dict) -> dict:
    approved, candidate = objects["approved"].key, objects["candidate"].key
    programme, appraisal = objects["programme"].key, objects["appraisal"].pk
    return {
        "insights:codebook_version": [objects["version"].number],
        "insights:codebook_theme": [approved],
        "insights:codebook_theme_edit": [approved],
        "insights:codebook_theme_rename": [approved],
        "insights:codebook_theme_merge": [approved],
        "insights:codebook_theme_split": [approved],
        "insights:codebook_theme_approve": [candidate],
        "insights:codebook_theme_reject": [candidate],
        "insights:codebook_theme_retire": [approved],
        "insights:discovery_run": [objects["discovery_run"].pk],
        "insights:review_segment": [objects["segment"].pk],
        "insights:code_history": [objects["code"].pk],
        "insights:coding_run": [objects["coding_run"].pk],
        "insights:double_coding_results": [objects["sample"].pk],
        "insights:double_coding_code": [objects["sample"].pk],
        "insights:double_coding_segment": [objects["sample"].pk, objects["segment"].pk],
        "insights:programme": [programme],
        "insights:programme_edit": [programme],
        "insights:programme_delete": [programme],
        "insights:assessment_edit": [programme, objects["question"].key],
        "insights:appraisal": [appraisal],
        "insights:appraisal_report": [appraisal],
        "insights:appraisal_weights": [appraisal],
        "insights:appraisal_score": [appraisal, objects["option"].key],
        "insights:appraisal_freeze": [appraisal],
        "insights:appraisal_version": [appraisal, objects["appraisal_version"].number],
        "insights:option": [objects["option"].key],
        "insights:option_edit": [objects["option"].key],
        "insights:option_delete": [objects["option"].key],
        "insights:criterion_edit": [objects["criterion"].key],
        "insights:criterion_delete": [objects["criterion"].key],
        "insights:report_export": ["csv"],
    }
