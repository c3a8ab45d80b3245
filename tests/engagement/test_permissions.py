import pytest
from django.contrib.auth.models import AnonymousUser

from engagement.permissions import (
    can_manage_organisation,
    can_view_organisation,
    organisations_for,
)
from engagement.roles import Role
from tests.factories import UserFactory, partner_of

pytestmark = pytest.mark.django_db


def test_a_partner_sees_only_their_own_organisation(organisation, other_organisation):
    partner = partner_of(organisation)
    assert list(organisations_for(partner)) == [organisation]
    assert can_view_organisation(partner, organisation)
    assert not can_view_organisation(partner, other_organisation)
    assert can_manage_organisation(partner, organisation)
    assert not can_manage_organisation(partner, other_organisation)


def test_membership_without_the_partner_role_does_not_allow_managing(organisation):
    resident = UserFactory(roles=[Role.RESIDENT])
    from tests.factories import MembershipFactory

    MembershipFactory(user=resident, organisation=organisation)
    assert can_view_organisation(resident, organisation)
    assert not can_manage_organisation(resident, organisation)


def test_leads_see_and_manage_every_organisation(lead, organisation, other_organisation):
    assert set(organisations_for(lead)) == {organisation, other_organisation}
    assert can_manage_organisation(lead, other_organisation)


def test_anonymous_visitors_see_nothing(organisation):
    anonymous = AnonymousUser()
    assert not organisations_for(anonymous).exists()
    assert not can_view_organisation(anonymous, organisation)
    assert not can_manage_organisation(anonymous, organisation)
