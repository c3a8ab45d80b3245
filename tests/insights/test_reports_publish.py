"""Publishing a theme report as a snapshot page for partners: who may publish and read it, what
it holds (suppressed figures, quotes only when chosen, nothing personal), that it stands still
when the data move, and that `snapshot_refresh` rebuilds it on purpose."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import AuditEvent
from engagement.roles import Role
from insights.models import SegmentReview
from pages.reports import ThemeReportIndexPage, ThemeReportPage, snapshot_refresh
from tests.factories import OrganisationFactory, UserFactory, partner_of

from .reports_data import make_theme, people_say

pytestmark = pytest.mark.django_db

PUBLISH = reverse("insights:report_publish")


@pytest.fixture
def home(db):
    from pages.setup import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def evidence(db):
    transport, stigma, caring = (
        make_theme("transport", label="Transport"),
        make_theme("stigma", label="Stigma"),
        make_theme("caring", label="Caring"),
    )
    quoted = people_say(transport, 7, round_number=1)
    quoted[0].text = "The bus only comes once an hour so I cannot get to the interview."
    quoted[0].save()
    SegmentReview.objects.create(segment=quoted[0], powerful_quote=True)
    people_say(stigma, 3, start=20)
    people_say(caring, 6, start=30)
    return {"transport": transport, "stigma": stigma, "quoted": quoted[0]}


def _publish(client, home, **fields):
    data = {"title": "What people told us", "parent": home.pk, "summary": "", **fields}
    return client.post(PUBLISH, data)


def test_a_lead_publishes_a_snapshot_for_partners(client, lead, home, evidence):
    client.force_login(lead)
    form = client.get(PUBLISH, {"round_number": 1}).content.decode()
    assert "Publish for partners" in form and 'name="round_number" value="1"' in form
    response = _publish(client, home, include_quotes="on", summary="Round one, in brief.")
    page = ThemeReportPage.objects.get()
    assert response.status_code == 302 and response.url == page.url
    assert page.live and page.get_parent().pk == home.pk
    assert page.published_by == lead and page.include_quotes
    assert page.codebook_version == "v0 (starter)" and page.filter_description == "All evidence"
    assert page.snapshot_taken_at is not None
    themes = {t["key"]: t for t in page.snapshot["themes"]}
    assert themes["transport"]["people"]["value"] == 7
    assert themes["stigma"]["people"] == {
        "value": None,
        "status": "small",
        "text": "fewer than 5",
        "mark": "<5",
    }
    assert themes["transport"]["quotes"]
    stored = json.dumps(page.snapshot)
    assert "person-" not in stored and "segment_id" not in stored and "url" not in stored
    event = AuditEvent.objects.get(action="report.published")
    assert event.actor == lead and event.target_id == str(page.pk)
    assert event.detail["quotes"] is True


def test_the_filter_is_published_with_the_report(client, lead, home, evidence):
    client.force_login(lead)
    _publish(client, home, round_number=1)
    page = ThemeReportPage.objects.get()
    assert page.segment_filter == {"round_number": 1}
    assert page.filter_description == "round 1"


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ASSOCIATE, Role.LEAD, Role.ADMIN])
def test_everyone_who_works_on_the_programme_reads_a_snapshot(client, lead, home, evidence, role):
    client.force_login(lead)
    _publish(client, home, include_quotes="on")
    page = ThemeReportPage.objects.get()
    reader = (
        partner_of(OrganisationFactory()) if role == Role.PARTNER else UserFactory(roles=[role])
    )
    client.force_login(reader)
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "What people told us" in html and "Transport" in html
    assert "fewer than 5" in html and "not shown" in html
    assert evidence["quoted"].text in html
    assert reverse("insights:report_segments") not in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_residents_and_the_public_never_see_a_snapshot(client, lead, home, evidence, resident):
    client.force_login(lead)
    _publish(client, home)
    page = ThemeReportPage.objects.get()
    client.logout()
    response = client.get(page.url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(resident)
    assert client.get(page.url).status_code == 403
    client.logout()
    assert "What people told us" not in client.get(home.url).content.decode()


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.PARTNER, Role.ASSOCIATE, Role.ADMIN])
def test_only_leads_publish(client, home, evidence, role):
    client.force_login(UserFactory(roles=[role]))
    assert _publish(client, home).status_code == 403
    assert not ThemeReportPage.objects.exists()


def test_quotes_stay_out_unless_the_lead_ticks_the_box(client, lead, home, evidence, partner):
    client.force_login(lead)
    _publish(client, home)
    page = ThemeReportPage.objects.get()
    assert all(t["quotes"] == [] for t in page.snapshot["themes"])
    client.force_login(partner)
    html = client.get(page.url).content.decode()
    assert evidence["quoted"].text not in html
    assert "Quotes are not included in this report" in html


def test_a_form_with_mistakes_is_explained_and_keeps_what_was_typed(client, lead, home, evidence):
    client.force_login(lead)
    response = client.post(
        PUBLISH, {"title": "", "parent": home.pk, "include_quotes": "on", "summary": "Kept"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter a title for the published report" in html
    assert "Kept" in html and "checked" in html
    assert not ThemeReportPage.objects.exists()


def test_a_bad_filter_goes_back_to_the_report(client, lead, home, evidence):
    client.force_login(lead)
    response = client.get(PUBLISH, {"date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert response.status_code == 302 and response.url.startswith(reverse("insights:report"))


def test_a_snapshot_stands_still_when_the_data_change(client, lead, home, evidence, partner):
    client.force_login(lead)
    _publish(client, home, include_quotes="on")
    page = ThemeReportPage.objects.get()
    people_say(evidence["stigma"], 10, start=100)  # now plenty of people
    client.force_login(partner)
    html = client.get(page.url).content.decode()
    stigma_row = html[html.index(">Stigma</th>") :][:400]
    assert "fewer than 5" in stigma_row


def test_snapshot_refresh_rebuilds_from_todays_data_and_drops_withdrawn_words(
    client, lead, home, evidence, partner
):
    client.force_login(lead)
    _publish(client, home, include_quotes="on")
    page = ThemeReportPage.objects.get()
    evidence["quoted"].withdrawn_at = timezone.now()
    evidence["quoted"].save()
    people_say(evidence["stigma"], 10, start=100)
    refreshed = snapshot_refresh(page, user=lead)
    themes = {t["key"]: t for t in refreshed.snapshot["themes"]}
    assert themes["transport"]["people"]["value"] == 6
    assert themes["stigma"]["people"]["value"] == 13
    assert evidence["quoted"].text not in json.dumps(refreshed.snapshot)
    # No earlier revision keeps the withdrawn words either.
    assert refreshed.revisions.count() == 1
    assert evidence["quoted"].text not in json.dumps(refreshed.revisions.get().content)
    client.force_login(partner)
    assert evidence["quoted"].text not in client.get(page.url).content.decode()


def test_a_tampered_snapshot_still_never_shows_a_small_number(client, lead, home, evidence):
    client.force_login(lead)
    _publish(client, home)
    page = ThemeReportPage.objects.get()
    snapshot = page.snapshot
    stigma = next(t for t in snapshot["themes"] if t["key"] == "stigma")
    stigma["people"] = {"value": 3, "status": "shown", "text": "3", "mark": "3"}
    ThemeReportPage.objects.filter(pk=page.pk).update(snapshot=snapshot)
    html = client.get(page.url).content.decode()
    row = html[html.index(">Stigma</th>") :][:400]
    assert "fewer than 5" in row and ">3<" not in row


def test_an_index_page_lists_published_reports_for_partners(client, lead, home, evidence, partner):
    index = home.add_child(instance=ThemeReportIndexPage(title="Published reports", slug="r"))
    index.save_revision().publish()
    client.force_login(lead)
    form = client.get(PUBLISH).content.decode()
    assert "Published reports" in form and "(home page)" in form
    _publish(client, index)
    client.force_login(partner)
    html = client.get(index.url).content.decode()
    assert "What people told us" in html and "All evidence" in html
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    assert client.get(index.url).status_code == 403
