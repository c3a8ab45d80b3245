"""Theme report pages: who may see them, links to the segments behind figures, bad filters,
exports (audited, formula-safe) and the segments behind a figure."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import AuditEvent
from engagement.roles import Role
from tests.factories import PlaceFactory, UserFactory

from .reports_data import code, make_segment, make_theme, people_say

pytestmark = pytest.mark.django_db

REPORT = reverse("insights:report")
SEGMENTS = reverse("insights:report_segments")
PUBLISH = reverse("insights:report_publish")


def export_url(fmt):
    return reverse("insights:report_export", args=[fmt])


@pytest.fixture
def evidence(db):
    """Seven people raise transport (in round 1), three raise stigma and six caring (hidden as
    well, so that the three cannot be worked out from the total)."""
    transport = make_theme("transport", label="Transport")
    stigma = make_theme("stigma", label="Stigma")
    caring = make_theme("caring", label="Caring")
    segments = people_say(transport, 7, round_number=1)
    people_say(stigma, 3, start=20)
    people_say(caring, 6, start=30)
    return {"transport": transport, "stigma": stigma, "segments": segments}


def _user(role, organisation=None):
    if role == Role.PARTNER:
        from tests.factories import OrganisationFactory, partner_of

        return partner_of(organisation or OrganisationFactory())
    return UserFactory(roles=[role])


URLS = [REPORT, export_url("csv"), SEGMENTS + "?theme=transport", PUBLISH]
# url -> roles that get 200; everyone else signed in gets 403.
ALLOWED = {
    REPORT: {Role.ASSOCIATE, Role.LEAD, Role.ADMIN},
    export_url("csv"): {Role.ASSOCIATE, Role.LEAD, Role.ADMIN},
    SEGMENTS + "?theme=transport": {Role.ASSOCIATE, Role.LEAD},
    PUBLISH: {Role.LEAD},
}


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, evidence, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    "role", [Role.RESIDENT, Role.PARTNER, Role.ASSOCIATE, Role.LEAD, Role.ADMIN]
)
def test_each_role_reaches_only_what_it_may(client, evidence, url, role):
    client.force_login(_user(role))
    response = client.get(url)
    assert response.status_code == (200 if role in ALLOWED[url] else 403)


def test_the_report_shows_figures_charts_and_tables_with_small_numbers_hidden(
    client, lead, evidence
):
    client.force_login(lead)
    html = client.get(REPORT).content.decode()
    assert "Codebook version" in html and "v0 (starter)" in html
    assert "All evidence" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert '<title id="chart-prevalence-title">' in html
    assert "fewer than 5" in html  # stigma: three people
    assert "No sentiment data" in html
    assert html.count("<table") >= 3
    # Each figure of a theme shown links to the segments behind it.
    assert f'href="{SEGMENTS}?theme=transport"' in html
    assert "?theme=stigma" not in html and "?theme=caring" not in html
    assert "not shown" in html


def test_admins_see_the_report_without_links_to_segments(client, admin_user, evidence):
    client.force_login(admin_user)
    html = client.get(REPORT).content.decode()
    assert "Transport" in html
    assert SEGMENTS not in html
    assert PUBLISH not in html


def test_only_leads_are_offered_publishing(client, lead, associate, evidence):
    client.force_login(associate)
    assert PUBLISH not in client.get(REPORT).content.decode()
    client.force_login(lead)
    assert PUBLISH in client.get(REPORT).content.decode()


def test_the_filter_narrows_the_report_and_links_carry_it(client, associate, evidence):
    place = PlaceFactory(name="Halton")
    people_say(evidence["transport"], 5, start=40, place=place)
    client.force_login(associate)
    html = client.get(REPORT, {"place": place.key}).content.decode()
    assert "Halton" in html
    assert f"{SEGMENTS}?place={place.key}&amp;theme=transport" in html


def test_a_bad_filter_is_explained_and_what_was_typed_is_kept(client, lead, evidence):
    client.force_login(lead)
    response = client.get(REPORT, {"date_from": "2026-05-01", "date_to": "2026-01-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "The end date must be on or after the start date" in html
    assert 'value="2026-05-01"' in html
    assert "Correct the filter to see the report" in html
    response = client.get(export_url("csv"), {"date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert response.status_code == 302 and response.url.startswith(REPORT)
    assert not AuditEvent.objects.filter(action="report.exported").exists()


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_exports_are_downloads_and_are_audited(client, associate, evidence, fmt, content_type):
    client.force_login(associate)
    response = client.get(export_url(fmt), {"round_number": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="theme-report.{fmt}"'
    event = AuditEvent.objects.get(action="report.exported")
    assert event.actor == associate
    assert event.detail["format"] == fmt
    assert event.detail["filter"] == {"round_number": 1}
    assert event.detail["codebook_version"] == "v0 (starter)"


def test_an_unknown_export_format_is_not_found(client, lead, evidence):
    client.force_login(lead)
    assert client.get(export_url("pdf")).status_code == 404


def test_exports_neutralise_formulas_and_hide_small_numbers(client, lead, evidence):
    evil = make_theme("evil", label='=HYPERLINK("http://x","y")')
    for segment in people_say(evil, 9, start=60):
        segment.text = "@SUM(1+1) said someone"
        segment.save()
    client.force_login(lead)
    rows = list(csv.reader(io.StringIO(client.get(export_url("csv")).content.decode("utf-8-sig"))))
    themes = {row[1]: row for row in rows if row[0] == "Themes"}
    assert '\'=HYPERLINK("http://x","y")' in themes
    assert themes["Stigma"][5] == "<5" and themes["Stigma"][6] == ""
    assert themes["Transport"][5] == "7"
    assert themes["Caring"][5] == "suppressed"

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(export_url("xlsx")).content))
    values = [c.value for sheet in book.worksheets for line in sheet.iter_rows() for c in line]
    assert '\'=HYPERLINK("http://x","y")' in values
    assert "'@SUM(1+1) said someone" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "@")) for v in values)
    assert "<5" in values and 3 not in values


def test_the_segments_behind_a_figure(client, associate, evidence):
    withdrawn = evidence["segments"][0]
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    other = make_segment("someone-else", text="Not about transport at all.")
    code(other, evidence["stigma"])
    client.force_login(associate)
    response = client.get(SEGMENTS, {"theme": "transport", "round": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "6 segments" in html
    assert withdrawn.text not in html and other.text not in html
    assert evidence["segments"][1].text in html
    assert "person-" not in html  # the pseudonymous key is never shown
    assert "Round 1" in html


@pytest.mark.parametrize(
    "query",
    [
        {"theme": "no-such-theme"},
        {"theme": "transport", "quarter": "spring"},
        {"theme": "transport", "round": "first"},
        {"theme": "transport", "date_from": "2026-05-01", "date_to": "2026-01-01"},
    ],
)
def test_bad_requests_for_segments_are_not_found(client, associate, evidence, query):
    client.force_login(associate)
    assert client.get(SEGMENTS, query).status_code == 404


def test_without_a_figure_the_segments_page_points_back_to_the_report(client, lead, evidence):
    client.force_login(lead)
    response = client.get(SEGMENTS, {"round_number": 2})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a figure in the" in html
    assert f'href="{REPORT}?round_number=2"' in html
    assert evidence["segments"][0].text not in html


def test_candidate_themes_have_no_segments_page(client, associate, evidence):
    candidate = make_theme("machine-idea", status="candidate")
    people_say(candidate, 6, start=80)
    client.force_login(associate)
    assert client.get(SEGMENTS, {"theme": "machine-idea"}).status_code == 404
    assert "machine-idea" not in client.get(REPORT).content.decode()
