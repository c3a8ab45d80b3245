"""Script and markup typed into any user-written field comes back escaped on every page that
shows it (staff and public), `javascript:` links are refused, and every CSV/XLSX export
neutralises cells a spreadsheet would run as a formula (= + - @ tab CR)."""

import csv
import io
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from engagement.models import Organisation
from insights.models import Programme
from tests.factories import (
    FocusGroupFactory,
    OrganisationFactory,
    PlaceFactory,
    make_roundtable,
    make_survey_page,
    partner_of,
    sign_up,
)
from tests.insights.reports_data import code, make_segment, make_theme

pytestmark = pytest.mark.django_db

PAYLOAD = (
    '<script>alert(1)</script>"><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>'
)
FORMULA = '=HYPERLINK("http://attacker.example","Click")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RAW = ("<script>alert", "<img src=x", 'href="javascript:', "onerror=alert(1)>")


def assert_escaped(html: str, *, shown: bool = True) -> None:
    """None of the payload's markup is live; when `shown`, its escaped form is on the page."""
    for fragment in RAW:
        assert fragment not in html, f"unescaped {fragment!r} on the page"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I)
    if shown:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- Pages -------------------------------------------------------------------------------------


def test_session_titles_descriptions_and_organisation_names_are_escaped_everywhere(
    client, consents
):
    host = OrganisationFactory(name=PAYLOAD)
    session = FocusGroupFactory(organisation=host, title=PAYLOAD, description=PAYLOAD)
    sign_up(session, name=PAYLOAD, access_needs=PAYLOAD)
    for url in (reverse("focus_groups:list"), session.get_absolute_url()):
        assert_escaped(_get(client, url))
    client.force_login(partner_of(host))
    for url in (
        reverse("engagement:focus_group_manage", args=[session.public_id]),
        reverse("engagement:focus_group_dashboard"),
        reverse("engagement:organisation_detail", args=[host.slug]),
        reverse("engagement:organisation_list"),
    ):
        assert_escaped(_get(client, url))


def test_conversation_notes_are_escaped(client, associate, consents):
    client.force_login(associate)
    response = client.post(
        "/work/conversations/new/",
        {
            "held_on": "2026-05-02",
            "place": PlaceFactory().pk,
            "stakeholder_group": "resident",
            "conditions": ["other"],
            "condition_other": PAYLOAD[:200],
            "onset": "work",
            "effect_on_work": PAYLOAD,
            "what_would_help": PAYLOAD,
            "follow_up_notes": PAYLOAD,
            "consent_given": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_escaped(_get(client, response.url))
    assert_escaped(_get(client, "/work/conversations/"), shown=False)


def test_roundtable_notes_are_escaped(client, lead):
    table = make_roundtable()
    question = table.event.series.questions.first()
    client.force_login(lead)
    response = client.post(
        f"/work/roundtables/tables/{table.public_id}/",
        {f"q{question.pk}_text": PAYLOAD, f"q{question.pk}_group": "health"},
    )
    assert response.status_code == 302
    assert_escaped(_get(client, f"/work/roundtables/tables/{table.public_id}/"))
    assert_escaped(_get(client, f"/work/roundtables/{table.event.series.public_id}/compare/"))


def test_transcript_text_and_titles_are_escaped(client, organisation, consents):
    from django.core.files.uploadedfile import SimpleUploadedFile

    session = FocusGroupFactory(organisation=organisation, status="completed")
    client.force_login(partner_of(organisation))
    text = f"Sam Host: Welcome.\nJane Doe: {PAYLOAD}\n"
    response = client.post(
        f"/work/transcripts/upload/session/{session.public_id}/",
        {
            "title": PAYLOAD[:160],
            "file": SimpleUploadedFile("notes.txt", text.encode()),
            "facilitators": "Sam Host",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert_escaped(_get(client, response.url))


def test_survey_answers_are_escaped_on_the_results_page(client, lead):
    survey = make_survey_page()
    client.post(
        survey.url,
        {
            "what_would_help_you_find_or_stay_in_work": PAYLOAD,
            "ehl_consent": "on",
            "ehl_submission_key": str(uuid.uuid4()),
        },
    )
    client.force_login(lead)
    assert_escaped(_get(client, f"/work/surveys/{survey.pk}/"))


def test_theme_labels_definitions_and_quotes_are_escaped(client, lead):
    theme = make_theme("payload", label=PAYLOAD[:160])
    theme.definition = PAYLOAD
    theme.save()
    for n in range(6):
        code(make_segment(f"person-{n}", text=f"{PAYLOAD} number {n}"), theme)
    client.force_login(lead)
    assert_escaped(_get(client, reverse("insights:codebook_theme", args=["payload"])))
    assert_escaped(_get(client, reverse("insights:codebook")), shown=False)
    assert_escaped(_get(client, reverse("insights:report")))
    assert_escaped(
        _get(client, reverse("insights:report_segments") + "?theme=payload"), shown=False
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>"])
def test_links_people_type_cannot_be_scripts(url):
    organisation = OrganisationFactory.build(website=url)
    with pytest.raises(ValidationError):
        organisation.full_clean(validate_unique=False, validate_constraints=False)
    from insights.services.servicemap import ServiceMapImportError, parse_csv

    csv_text = (
        "key,name,provider,places,commissioning_level,lead_sector,url\n"
        f"p,Programme,Provider,,local,nhs,{url}\n"
    )
    with pytest.raises(ServiceMapImportError, match="links must start with https://"):
        parse_csv(csv_text.encode())


# --- Exports -----------------------------------------------------------------------------------


def _csv_cells(response) -> list[str]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return [cell for row in csv.reader(io.StringIO(text.decode("utf-8-sig"))) for cell in row]


def _xlsx_cells(response) -> list:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell is a formula"
    return [c.value for c in cells]


def assert_no_formulas(cells, *, expected: str = FORMULA) -> None:
    values = [v for v in cells if isinstance(v, str)]
    assert not [v for v in values if v.startswith(FORMULA_STARTS)]
    assert any(v == "'" + expected for v in values), "the payload was exported, neutralised"


def test_survey_exports_neutralise_formulas_in_answers_and_question_labels(client, lead):
    from pages.surveys import SurveyFormField

    survey = make_survey_page()
    SurveyFormField.objects.create(
        page=survey, sort_order=3, label="@SUM(1+1)", field_type="singleline", required=False
    )
    client.post(
        survey.url,
        {
            "what_would_help_you_find_or_stay_in_work": FORMULA,
            "ehl_consent": "on",
            "ehl_submission_key": str(uuid.uuid4()),
        },
    )
    client.force_login(lead)
    for fmt, cells in (("csv", _csv_cells), ("xlsx", _xlsx_cells)):
        exported = cells(client.get(f"/work/surveys/{survey.pk}/export.{fmt}"))
        assert_no_formulas(exported)
        assert "'@SUM(1+1)" in exported


def test_the_session_register_neutralises_formulas(client, organisation, consents):
    session = FocusGroupFactory(organisation=organisation)
    sign_up(session, name=FORMULA, access_needs="\t=1+1", phone="+44 7700 900123")
    client.force_login(partner_of(organisation))
    cells = _csv_cells(
        client.get(reverse("engagement:focus_group_register_csv", args=[session.public_id]))
    )
    assert_no_formulas(cells)


def test_the_service_map_export_neutralises_formulas(client, lead):
    Programme.objects.create(
        key="p", name=FORMULA, provider_name="-2+3", commissioning_level="local", lead_sector="nhs"
    )
    client.force_login(lead)
    assert_no_formulas(_csv_cells(client.get(reverse("insights:servicemap_export"))))


def test_the_codebook_export_neutralises_formulas(client, lead):
    theme = make_theme("formula", label=FORMULA)
    theme.definition = "+cmd|' /C calc'!A0"
    theme.save()
    client.force_login(lead)
    assert_no_formulas(_csv_cells(client.get(reverse("insights:codebook_export_csv"))))


def test_theme_report_exports_neutralise_formulas_in_labels_and_quotes(client, lead):
    theme = make_theme("formula", label=FORMULA)
    for n in range(6):
        code(make_segment(f"person-{n}", text="@" + "quote " * 5 + str(n)), theme)
    client.force_login(lead)
    for fmt, cells in (("csv", _csv_cells), ("xlsx", _xlsx_cells)):
        response = client.get(reverse("insights:report_export", args=[fmt]))
        assert_no_formulas(cells(response))


def test_an_organisation_name_cannot_become_a_formula_in_the_register(client, consents):
    host = OrganisationFactory(name="=cmd")
    assert Organisation.objects.get(pk=host.pk).name == "=cmd"  # stored as typed
    session = FocusGroupFactory(organisation=host)
    sign_up(session, name="Jo", organisation_name=FORMULA)
    client.force_login(partner_of(host))
    cells = _csv_cells(
        client.get(reverse("engagement:focus_group_register_csv", args=[session.public_id]))
    )
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
