import pytest
from django.contrib.auth.models import Group

from engagement.models import AuditEvent
from engagement.roles import ROLE_PERMISSIONS, Role, assign_roles, group_name, has_role, user_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_holding_exactly_its_declared_permissions():
    for role, declared in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=group_name(role))
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(declared), role


def test_partner_permissions_are_narrower_than_a_leads():
    partner = UserFactory(roles=[Role.PARTNER])
    lead = UserFactory(roles=[Role.LEAD])
    assert partner.has_perm("engagement.host_sessions")
    assert not partner.has_perm("insights.manage_codebook")
    assert not partner.has_perm("engagement.view_all_organisations")
    assert lead.has_perm("insights.manage_codebook")
    assert lead.has_perm("engagement.change_place")
    assert not lead.has_perm("engagement.view_auditevent")


def test_roles_come_from_groups_and_superusers_are_administrators():
    person = UserFactory(roles=[Role.ASSOCIATE, Role.LEAD])
    assert user_roles(person) == {Role.ASSOCIATE, Role.LEAD}
    assert has_role(person, Role.LEAD)
    superuser = UserFactory(is_superuser=True)
    assert Role.ADMIN in user_roles(superuser)


def test_changing_roles_is_audited_without_personal_data():
    person = UserFactory(roles=[Role.RESIDENT])
    assign_roles(person, [Role.PARTNER])
    events = AuditEvent.objects.filter(action="roles.changed", target_id=str(person.pk))
    assert events.filter(detail__change="add", detail__roles=["VCFSE partner"]).exists()
    for event in events:
        assert person.email not in str(event.detail)


def test_administrators_can_edit_every_page_of_the_site_and_others_cannot(client):
    from pages.models import HomePage

    home = HomePage.objects.first()
    admin = UserFactory(roles=[Role.ADMIN])
    assert home.permissions_for_user(admin).can_edit()
    assert home.permissions_for_user(admin).can_publish()
    assert home.permissions_for_user(admin).can_add_subpage()
    lead = UserFactory(roles=[Role.LEAD])
    assert not home.permissions_for_user(lead).can_edit()

    client.force_login(admin)
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code == 200
