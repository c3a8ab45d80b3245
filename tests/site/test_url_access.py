"""Walks every URL of our own apps and checks who may reach it.

A new view that is not listed in ACCESS fails `test_every_url_has_an_access_rule`, so nobody
can add a page without deciding who may see it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from engagement.roles import Role
from tests.factories import UserFactory, partner_of

from .insights_access import (
    CHECKED_ELSEWHERE,
    INSIGHTS_ACCESS,
    INSIGHTS_ALLOWED,
    INSIGHTS_POST_ONLY_LEAD,
    insights_args,
    insights_objects,
)

pytestmark = pytest.mark.django_db

OUR_MODULES = ("engagement.", "insights.", "ehl.", "pages.")

# url name -> (public?, roles that get 200)
ACCESS = {
    "healthz": ("public", None),
    "account_overview": ("signed-in", None),
    "account_delete": ("signed-in", None),
    "work:dashboard": ("staff", None),
    "engagement:organisation_list": ("staff", None),
    "engagement:organisation_detail": ("organisation", None),
    "engagement:reference": ("staff", None),
    "engagement:audit_log": ("admin", None),
    "engagement:own_data_json": ("signed-in", None),
    "engagement:own_data_csv": ("signed-in", None),
    "engagement:privacy_requests": ("lead", None),
    "insights:codebook": ("staff", None),
    "insights:core_questions": ("staff", None),
    "focus_groups:list": ("public", None),
    "focus_groups:detail": ("public", None),
    "focus_groups:calendar": ("public", None),
    "focus_groups:signup": ("public", None),
    "focus_groups:manage": ("public", None),
    "focus_groups:confirm_email": ("public", None),
    "engagement:focus_group_dashboard": ("staff", None),
    "engagement:focus_group_create": ("staff", None),
    "engagement:focus_group_manage": ("organisation", None),
    "engagement:focus_group_edit": ("organisation", None),
    "engagement:focus_group_cancel": ("organisation", None),
    "engagement:focus_group_message": ("organisation", None),
    "engagement:focus_group_attendance": ("organisation", None),
    "engagement:focus_group_register_csv": ("organisation", None),
    "engagement:claim_create": ("organisation", None),
    "engagement:claim_list": ("staff", None),
    "engagement:claim_decide": ("lead-only", None),  # deciding claims is the lead's job
    "engagement:claim_receipt": ("organisation", None),
    # Evidence capture: roundtables and conversations are for associates and leads ("capture");
    # survey results for programme leads only ("lead-only").
    "engagement:roundtable_list": ("capture", None),
    "engagement:roundtable_series_create": ("capture", None),
    "engagement:roundtable_series": ("capture", None),
    "engagement:roundtable_compare": ("capture", None),
    "engagement:roundtable_event_create": ("capture", None),
    "engagement:roundtable_event": ("capture", None),
    "engagement:roundtable_table": ("capture", None),
    "engagement:conversation_list": ("capture", None),
    "engagement:conversation_create": ("capture", None),
    "engagement:conversation_detail": ("capture", None),
    "engagement:conversation_edit": ("capture", None),
    "engagement:employer_engagement_create": ("capture", None),
    "engagement:employer_engagement_edit": ("capture", None),
    "engagement:transcript_upload": ("organisation", None),
    "engagement:transcript_detail": ("organisation", None),
    # The original holds real names: those who may see the transcript are sent to give a reason.
    "engagement:transcript_original": ("organisation-raw", None),
    "engagement:survey_list": ("lead-only", None),
    "engagement:survey_results": ("lead-only", None),
    "engagement:survey_export": ("lead-only", None),
    "insights:segment_list": ("capture", None),
    **INSIGHTS_ACCESS,
}

# Roles that get 200 for each rule other than "public", "signed-in" and "organisation".
ALLOWED = {
    "staff": {Role.PARTNER, Role.ASSOCIATE, Role.LEAD, Role.ADMIN},
    "admin": {Role.ADMIN},
    "lead": {Role.LEAD, Role.ADMIN},
    "lead-only": {Role.LEAD},
    "capture": {Role.ASSOCIATE, Role.LEAD},
    **INSIGHTS_ALLOWED,
}

# POST-only actions: checked by the same rules with a POST.
POST_ONLY = {"engagement:focus_group_action", "engagement:registration_move"}
POST_ONLY_CAPTURE = {"engagement:roundtable_note_delete", "engagement:conversation_withdraw"}
# POST-only actions on subject-access and erasure requests: programme leads and administrators.
POST_ONLY_PRIVACY = {"engagement:privacy_export", "engagement:privacy_erase"}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            module = getattr(pattern.callback, "__module__", "")
            if module.startswith(OUR_MODULES):
                yield f"{namespace}{pattern.name}", pattern


def our_urls():
    return dict(_walk(get_resolver().url_patterns))


@pytest.fixture
def organisation(organisation, consents):
    """The organisation under test, hosting a session with one registration and one claim."""
    from django.core.files.base import ContentFile

    from engagement.models import CostClaim
    from tests.factories import FocusGroupFactory, sign_up

    focus_group = FocusGroupFactory(organisation=organisation)
    registration = sign_up(focus_group, 1)
    claim = CostClaim.objects.create(
        organisation=organisation, focus_group=focus_group, category="room-hire", amount=20
    )
    claim.receipt.save("receipt.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    organisation.test_objects = {
        "fg": focus_group,
        "registration": registration,
        "claim": claim,
        **_capture_objects(focus_group),
        **insights_objects(),
    }
    return organisation


def _capture_objects(focus_group):
    """One of each capture record: a roundtable, a conversation (logged by a lead, so leads
    see it), an employer engagement, a transcript of the session and a survey."""
    import datetime

    from django.core.files.base import ContentFile

    from engagement.models import ConsentStatement, ConversationLog, EmployerEngagement, Transcript
    from tests.factories import OrganisationFactory, make_roundtable, make_survey_page

    table = make_roundtable()
    author = UserFactory(roles=[Role.LEAD])
    log = ConversationLog.objects.create(
        associate=author,
        held_on=datetime.date(2026, 1, 5),
        place=focus_group.place,
        stakeholder_group="resident",
        effect_on_work="Hard to keep going.",
        consent=ConsentStatement.current("conversation"),
    )
    engagement = EmployerEngagement.objects.create(
        employer=OrganisationFactory(kind="employer"),
        recorded_by=author,
        held_on=datetime.date(2026, 1, 6),
    )
    transcript = Transcript.objects.create(
        focus_group=focus_group,
        title="Recording",
        format="txt",
        original_name="t.txt",
        keep_original=True,
        turns=[{"index": 0, "speaker": "Participant 1", "start": None, "end": None, "text": "Hi"}],
        speakers={"Participant 1": {"role": "participant"}},
    )
    transcript.original.save("t.txt", ContentFile(b"Sam: Hi"), save=True)
    return {
        "table": table,
        "log": log,
        "engagement": engagement,
        "transcript": transcript,
        "survey": make_survey_page(),
    }


def _url(name, organisation):
    from django.urls import reverse

    from engagement.links import email_code, registration_token

    objects = organisation.test_objects
    fg, registration, claim = objects["fg"], objects["registration"], objects["claim"]
    args = {
        "engagement:organisation_detail": [organisation.slug],
        "focus_groups:detail": [fg.public_id],
        "focus_groups:calendar": [fg.public_id],
        "focus_groups:signup": [fg.public_id],
        "focus_groups:manage": [registration_token(registration)],
        "focus_groups:confirm_email": [registration_token(registration), email_code(registration)],
        "engagement:claim_decide": [claim.public_id],
        "engagement:claim_receipt": [claim.public_id],
        "engagement:focus_group_action": [fg.public_id, "publish"],
        "engagement:registration_move": [fg.public_id, registration.public_id],
        "engagement:roundtable_series": [objects["table"].event.series.public_id],
        "engagement:roundtable_compare": [objects["table"].event.series.public_id],
        "engagement:roundtable_event_create": [objects["table"].event.series.public_id],
        "engagement:roundtable_event": [objects["table"].event.public_id],
        "engagement:roundtable_table": [objects["table"].public_id],
        "engagement:roundtable_note_delete": [objects["table"].public_id, 1],
        "engagement:conversation_detail": [objects["log"].public_id],
        "engagement:conversation_edit": [objects["log"].public_id],
        "engagement:conversation_withdraw": [objects["log"].public_id],
        "engagement:employer_engagement_edit": [objects["engagement"].public_id],
        "engagement:transcript_upload": ["session", fg.public_id],
        "engagement:transcript_detail": [objects["transcript"].public_id],
        "engagement:transcript_original": [objects["transcript"].public_id],
        "engagement:survey_results": [objects["survey"].pk],
        "engagement:survey_export": [objects["survey"].pk, "csv"],
        **insights_args(objects),
    }
    if name in args:
        return reverse(name, args=args[name])
    if name.startswith(("engagement:focus_group_", "engagement:claim_create")) and name not in {
        "engagement:focus_group_dashboard",
        "engagement:focus_group_create",
    }:
        return reverse(name, args=[fg.public_id])
    return reverse(name)


def test_every_url_has_an_access_rule():
    # account_survey_withdraw: tested in tests/engagement/test_capture_surveys.py (own answers).
    checked_elsewhere = {"account_survey_withdraw", *CHECKED_ELSEWHERE}
    missing = sorted(
        set(our_urls())
        - set(ACCESS)
        - POST_ONLY
        - POST_ONLY_CAPTURE
        - POST_ONLY_PRIVACY
        - INSIGHTS_POST_ONLY_LEAD
        - checked_elsewhere
    )
    assert not missing, f"Decide who may see these URLs and add them to ACCESS: {missing}"


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_anonymous_visitors_are_sent_to_sign_in(client, name, organisation):
    response = client.get(_url(name, organisation))
    if ACCESS[name][0] == "public":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_residents_cannot_enter_the_work_area(client, name, organisation):
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    response = client.get(_url(name, organisation))
    if name == "work:dashboard":
        # Where signing in lands: a resident is sent to their own account instead.
        assert response.status_code == 302 and response.url == "/accounts/profile/"
        return
    expected = 200 if ACCESS[name][0] in {"public", "signed-in"} else 403
    assert response.status_code == expected
    if expected == 403:
        assert "You cannot see this page" in response.content.decode()


def _expected(rule: str, role: Role, *, own_organisation: bool = True) -> int:
    if rule in {"public", "signed-in"}:
        return 200
    if rule in {"organisation", "organisation-raw"}:
        allowed = 200 if rule == "organisation" else 302
        return allowed if own_organisation or role in {Role.LEAD, Role.ADMIN} else 404
    return 200 if role in ALLOWED[rule] else 403


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_partners_of_another_organisation_are_kept_out(
    client, name, organisation, other_organisation
):
    client.force_login(partner_of(other_organisation))
    response = client.get(_url(name, organisation))
    assert response.status_code == _expected(ACCESS[name][0], Role.PARTNER, own_organisation=False)


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_partners_reach_their_own_organisation(client, name, organisation):
    client.force_login(partner_of(organisation))
    expected = _expected(ACCESS[name][0], Role.PARTNER)
    assert client.get(_url(name, organisation)).status_code == expected


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_administrators_and_leads_reach_what_their_role_allows(client, name, organisation):
    for role in (Role.ADMIN, Role.LEAD):
        client.force_login(UserFactory(roles=[role]))
        expected = _expected(ACCESS[name][0], role)
        assert client.get(_url(name, organisation)).status_code == expected, (name, role)


@pytest.mark.parametrize(
    "name", sorted(name for name, (rule, _) in ACCESS.items() if rule == "capture")
)
def test_associates_reach_the_capture_pages(client, name, organisation):
    """Associates see their own conversations only: the fixture's conversation and employer
    engagement were recorded by a lead, so those pages are 404 to an associate."""
    client.force_login(UserFactory(roles=[Role.ASSOCIATE]))
    others = {
        "engagement:conversation_detail",
        "engagement:conversation_edit",
        "engagement:employer_engagement_edit",
    }
    expected = 404 if name in others else 200
    assert client.get(_url(name, organisation)).status_code == expected


@pytest.mark.parametrize("name", sorted(POST_ONLY_CAPTURE))
def test_capture_actions_are_kept_from_residents_and_partners(client, name, organisation):
    url = _url(name, organisation)
    assert client.post(url).status_code == 302  # anonymous: to sign in
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    assert client.post(url).status_code == 403
    client.force_login(partner_of(organisation))
    assert client.post(url).status_code == 403


@pytest.mark.parametrize("name", sorted(INSIGHTS_POST_ONLY_LEAD))
def test_lead_actions_are_kept_from_everyone_else(client, name, organisation):
    url = _url(name, organisation)
    assert client.post(url).status_code == 302  # anonymous: to sign in
    for role in (Role.RESIDENT, Role.ASSOCIATE, Role.ADMIN):
        client.force_login(UserFactory(roles=[role]))
        assert client.post(url).status_code == 403, role
    client.force_login(partner_of(organisation))
    assert client.post(url).status_code == 403


@pytest.mark.parametrize("name", sorted(POST_ONLY_PRIVACY))
def test_privacy_actions_are_for_leads_and_administrators(client, name, organisation):
    """An empty POST shows the form again with its errors to those allowed; others are refused."""
    url = _url(name, organisation)
    assert client.post(url).status_code == 302  # anonymous: to sign in
    for role in (Role.RESIDENT, Role.ASSOCIATE):
        client.force_login(UserFactory(roles=[role]))
        assert client.post(url).status_code == 403, role
    client.force_login(partner_of(organisation))
    assert client.post(url).status_code == 403
    for role in (Role.LEAD, Role.ADMIN):
        client.force_login(UserFactory(roles=[role]))
        assert client.post(url).status_code == 200, role


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_actions_are_scoped_to_the_organisation(
    client, name, organisation, other_organisation
):
    url = _url(name, organisation)
    assert client.post(url).status_code == 302  # anonymous: to sign in
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    assert client.post(url).status_code == 403
    client.force_login(partner_of(other_organisation))
    assert client.post(url).status_code == 404


def test_a_partner_list_shows_only_their_organisation(client, organisation, other_organisation):
    client.force_login(partner_of(organisation))
    from django.urls import reverse

    html = client.get(reverse("engagement:organisation_list")).content.decode()
    assert organisation.name in html
    assert other_organisation.name not in html
