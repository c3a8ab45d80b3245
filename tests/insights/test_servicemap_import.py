"""Service map: CSV import (preview, confirm, bad files), export, coverage gaps and overlaps."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from insights.models import Programme
from insights.services import servicemap

GOOD = (
    b"key,name,provider,places,commissioning_level,lead_sector,cohorts,url\n"
    b"new-one,New service,Acme CIC,Halton|Wirral,local,vcfse,Carers,https://example.org\n"
    b"knowsley-works,Knowsley Works,Knowsley Council,knowsley,local,local-authority,,\n"
)


@pytest.fixture
def decisions(reference_data):
    call_command("load_decision_data", verbosity=0)


def upload(client, content, name="map.csv"):
    return client.post(
        reverse("insights:servicemap_import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_import_previews_then_saves_on_confirm(client, decisions, lead):
    client.force_login(lead)
    before = Programme.objects.count()
    response = upload(client, GOOD)
    assert response.status_code == 200 and "Nothing has been saved yet" in response.content.decode()
    assert Programme.objects.count() == before
    token = response.context["token"]
    response = client.post(reverse("insights:servicemap_import_confirm"), {"token": token})
    assert response.status_code == 302
    new = Programme.objects.get(key="new-one")
    assert sorted(new.places.values_list("key", flat=True)) == ["halton", "wirral"]
    assert list(new.cohorts.values_list("key", flat=True)) == ["carers"]
    assert Programme.objects.count() == before + 1
    # The token is used up: confirming again does nothing.
    response = client.post(reverse("insights:servicemap_import_confirm"), {"token": token})
    assert response.status_code == 302 and Programme.objects.count() == before + 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,provider\nA,B\n", "missing the columns commissioning_level, lead_sector"),
        (
            b"name,provider,places,commissioning_level,lead_sector\nA,B,Atlantis,local,nhs\n",
            "Row 2, column places: \u201cAtlantis\u201d is not a Place",
        ),
        (
            b"name,provider,commissioning_level,lead_sector\nA,B,global,nhs\n",
            "Row 2, column commissioning_level",
        ),
        (
            b"name,provider,commissioning_level,lead_sector\nA,,local,nhs\n",
            "Row 2, column provider: this cannot be empty",
        ),
        (
            b"name,provider,commissioning_level,lead_sector,starts_on\nA,B,local,nhs,soon\n",
            "Row 2, column starts_on",
        ),
        (
            b"name,provider,commissioning_level,lead_sector\nA,B,local,nhs\nA,C,local,nhs\n",
            "Row 3 has the same key as row 2",
        ),
        (
            b"name,provider,commissioning_level,lead_sector\nImport,B,local,nhs\n",
            "Row 2, column key: “import” is a word the service map",
        ),
    ],
)
def test_bad_files_name_the_row_and_column_and_save_nothing(
    client, decisions, lead, content, message
):
    client.force_login(lead)
    before = Programme.objects.count()
    response = upload(client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Programme.objects.count() == before


def test_a_file_with_one_bad_row_saves_none_of_the_good_ones(decisions):
    content = GOOD + b"Bad,X,Nowhere,local,nhs,,\n"
    with pytest.raises(servicemap.ServiceMapImportError):
        servicemap.parse_csv(content)
    assert not Programme.objects.filter(key="new-one").exists()


def test_export_is_safe_from_formulas_and_round_trips(client, decisions, lead):
    Programme.objects.filter(key="knowsley-works").update(funding_stream="=HYPERLINK(1)")
    client.force_login(lead)
    response = client.get(reverse("insights:servicemap_export"))
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    rows = servicemap.parse_csv(text.encode())
    assert len(rows) == Programme.objects.count() and all(row.exists for row in rows)


def test_coverage_counts_gaps_and_overlaps_with_filters(decisions):
    result = servicemap.coverage()
    carers = next(row for row in result.rows if row.cohort.key == "learning-disability-autism")
    cells = {cell.place.key: cell for cell in carers.cells}
    assert cells["st-helens"].state == "covered"
    assert cells["halton"].state == "gap"
    neet = next(row for row in result.rows if row.cohort.key == "young-people-neet")
    assert {c.place.key: c for c in neet.cells}["warrington"].state == "covered"
    ltu = next(row for row in result.rows if row.cohort.key == "long-term-unemployed")
    assert {c.place.key: c for c in ltu.cells}["warrington"].state == "overlap"
    filtered = servicemap.coverage(sector="vcfse")
    assert filtered.gaps > result.gaps


def test_coverage_page_has_a_real_table(client, decisions, associate):
    client.force_login(associate)
    html = client.get(reverse("insights:servicemap_coverage")).content.decode()
    assert "<caption" in html and 'scope="row"' in html and "Gap" in html
    assert "Overlap" in html
    html = client.get(reverse("insights:servicemap")).content.decode()
    assert '<svg role="img"' in html and "Knowsley Works" in html


def test_a_programme_named_add_gets_a_key_that_does_not_clash_with_a_page(client, decisions, lead):
    client.force_login(lead)
    form = client.get(reverse("insights:programme_add")).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items() if field.initial}
    data.update(
        name="Add", provider_name="Add Works CIC", commissioning_level="local", lead_sector="vcfse"
    )
    response = client.post(reverse("insights:programme_add"), data)
    assert response.status_code == 302, response.context["form"].errors
    programme = Programme.objects.get(name="Add")
    assert programme.key == "add-2"
    page = client.get(reverse("insights:programme", args=[programme.key]))
    assert page.status_code == 200 and "Add Works CIC" in page.content.decode()
