"""Fixtures shared by the whole suite."""

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from engagement.roles import Role

from .factories import OrganisationFactory, UserFactory, make_consents, partner_of

REPO_ROOT = Path(__file__).resolve().parent.parent

# On CI the property tests draw the same examples every run, so a red build always means a change
# broke something; on a developer's machine they keep exploring new examples (and hypothesis's
# local database replays any that failed before).
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


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


@pytest.fixture(autouse=True)
def _warm_content_types_before_flush(request):
    """Warm the content-type cache before a transactional test's database is flushed.

    The next serialized-rollback test rebuilds Wagtail's workflow tasks from the serialized
    database, and `Task.__init__` looks up its content type. With a cold cache that lookup
    inserts a content type before the serialized ones are restored, and the restore then fails
    on a duplicate. Reading every content type while the rows still exist avoids the insert."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        yield
        return
    # Requesting the database helper first makes this fixture's teardown run before the flush.
    request.getfixturevalue("_django_db_helper")
    yield
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    with request.getfixturevalue("django_db_blocker").unblock():
        ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: Wagtail caches the site's root page, and a cached
    page from an earlier test's (since rolled back) database would make pages vanish."""
    from django.core.cache import cache

    cache.clear()
    yield
