"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

from engagement.roles import Role

from .factories import OrganisationFactory, UserFactory, make_consents, partner_of

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def resident(db):
    return UserFactory(roles=[Role.RESIDENT])


@pytest.fixture
def lead(db):
    return UserFactory(roles=[Role.LEAD])


@pytest.fixture
def admin_user(db):
    return UserFactory(roles=[Role.ADMIN])


@pytest.fixture
def associate(db):
    return UserFactory(roles=[Role.ASSOCIATE])


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory()


@pytest.fixture
def partner(organisation):
    return partner_of(organisation)


@pytest.fixture
def reference_data(db):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def consents(db):
    make_consents()


@pytest.fixture
def focus_group(organisation, consents):
    from .factories import FocusGroupFactory

    return FocusGroupFactory(organisation=organisation)
