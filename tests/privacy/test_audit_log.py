"""The audit log viewer: administrators filter to personal data seen or exported, role changes and
deletions; those events are recorded (role changes in the site editor included, with who made
them), and the trail never holds emails or names."""

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail import hooks

from engagement.models import AuditEvent
from engagement.roles import Role, assign_roles
from engagement.services.accounts import account_delete
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOG = reverse("engagement:audit_log")


def _actions(client, **params) -> list[str]:
    html = client.get(LOG, params).content.decode()
    return [
        a
        for a in sorted(set(AuditEvent.objects.values_list("action", flat=True)))
        if f'<td class="govuk-table__cell">{a}</td>' in html
    ]


@pytest.fixture
def trail(client, admin_user):
    """A person exports their data, is given a role, and deletes their account."""
    person = UserFactory(email="pat@example.org", first_name="Pat")
    client.force_login(person)
    client.get(reverse("engagement:own_data_json"))
    assign_roles(person, [Role.ASSOCIATE])
    person_id = person.pk
    account_delete(user=person)
    client.force_login(admin_user)  # a sign-in event too
    return person_id


def test_administrators_filter_to_personal_data_exports(client, trail):
    shown = _actions(client, category="personal-data")
    assert "privacy.own_data_exported" in shown
    assert "roles.changed" not in shown and "account.deleted" not in shown


def test_administrators_filter_to_role_changes(client, trail):
    shown = _actions(client, category="roles")
    assert shown == ["roles.changed"]


def test_administrators_filter_to_deletions(client, trail):
    shown = _actions(client, category="deletions")
    assert {"account.deleted", "privacy.subject_erased"} <= set(shown)
    assert "privacy.own_data_exported" not in shown


def test_administrators_filter_by_account(client, trail, admin_user):
    html = client.get(LOG, {"account": trail}).content.decode()
    assert "privacy.own_data_exported" in html and "roles.changed" in html
    assert "privacy.subject_erased" in html
    assert f"#{admin_user.pk}</td>" not in html


def test_the_filters_are_labelled(client, trail):
    html = client.get(LOG).content.decode()
    for field in ("category", "action", "account"):
        assert f'<label class="govuk-label" for="{field}">' in html


def test_only_administrators_see_the_log(client, lead):
    client.force_login(lead)
    assert client.get(LOG).status_code == 403


def test_editing_a_user_in_the_site_editor_names_who_did_it(admin_user):
    person = UserFactory(email="robin@example.org")
    assign_roles(person, [Role.LEAD])
    request = RequestFactory().post("/admin/users/")
    request.user = admin_user
    for hook in hooks.get_hooks("after_edit_user"):
        hook(request, person)
    event = AuditEvent.objects.get(action="user.edited")
    assert event.actor == admin_user and event.target_id == str(person.pk)
    assert event.detail == {"roles": ["Programme lead"]}
    change = AuditEvent.objects.filter(action="roles.changed", target_id=str(person.pk)).first()
    assert "Programme lead" in change.detail["roles"]


def test_the_trail_never_holds_emails_or_names(trail):
    stored = json.dumps(list(AuditEvent.objects.values("action", "target_id", "detail")))
    assert "pat@example.org" not in stored and "Pat" not in stored
