"""Styled error pages: a missing page, a page someone may not see, and our own fault, each in
plain English with somewhere to go next (Django's bare pages are never shown)."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from engagement.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_styled_and_says_what_to_do(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "govuk-template" in html and "find a session near you" in html


def test_a_page_someone_may_not_see_is_styled_and_points_to_their_account(client):
    client.force_login(UserFactory(roles=[Role.RESIDENT], email="robin@example.org"))
    response = client.get("/work/codebook/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot see this page" in html and "robin@example.org" in html
    assert 'href="/accounts/profile/"' in html


def test_our_own_fault_is_styled_and_needs_nothing_from_the_database():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html and "govuk-template" in html
