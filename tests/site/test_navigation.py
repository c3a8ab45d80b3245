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


def _work_menu(client, user):
    client.force_login(user)
    response = client.get("/work/")
    assert response.status_code == 200
    nav = response.context["work_navigation"]
    return response, {g["heading"]: [i["title"] for i in g["items"]] for g in nav["groups"]}


def test_the_work_menu_is_grouped_by_what_people_do_and_follows_roles(client, lead, partner):
    response, groups = _work_menu(client, lead)
    assert list(groups) == ["Listen", "Understand", "Decide", "Run"]
    assert "Review queue" in groups["Understand"] and "Theme reports" in groups["Decide"]
    assert {"Organisations", "Data requests"} <= set(groups["Run"])
    html = response.content.decode()
    assert 'aria-labelledby="work-nav-1"' in html and ">Listen</p>" in html
    assert response.context["work_navigation"]["dashboard"]["active"] is True

    client.logout()
    _, groups = _work_menu(client, partner)
    assert "Focus groups" in groups["Listen"] and "Your organisation" in groups["Run"]
    assert "Audit log" not in groups["Run"] and "Data requests" not in groups["Run"]


def test_residents_have_no_work_menu(client, resident):
    client.force_login(resident)
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert not response.context["work_navigation"]
    assert 'aria-label="Work area"' not in response.content.decode()
