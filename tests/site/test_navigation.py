"""The public menu and footer are cached; changes to the page tree show at once."""

import pytest

from pages.models import ContentPage, HomePage

pytestmark = pytest.mark.django_db


def _menu_titles(client):
    response = client.get("/")
    return [item["title"] for item in response.context["public_navigation"]]


def test_menu_follows_publishing_and_unpublishing(client):
    home = HomePage.objects.first()
    assert "Find a session" in _menu_titles(client)
    page = ContentPage(title="About the programme", slug="about-test", show_in_menus=True)
    home.add_child(instance=page)
    page.save_revision().publish()
    assert "About the programme" in _menu_titles(client)
    page.unpublish()
    assert "About the programme" not in _menu_titles(client)


def test_footer_follows_page_deletion(client):
    home = HomePage.objects.first()
    page = ContentPage(title="Privacy notice", slug="privacy-test", show_in_footer=True)
    home.add_child(instance=page)
    page.save_revision().publish()
    footer = client.get("/").context["footer_links"]
    assert "Privacy notice" in [link["title"] for link in footer]
    page.delete()
    footer = client.get("/").context["footer_links"]
    assert "Privacy notice" not in [link["title"] for link in footer]
