"""The codebook pages: who may see and change what, every action through its form (with a
CSRF token), refusals shown on the page, and import/export through the browser."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from engagement.models import AuditEvent
from insights.models import Code, CodebookVersion, CoreQuestion, Theme

from .codebook_support import code, make_segments, make_theme

pytestmark = pytest.mark.django_db

Status = Theme.Status


@pytest.fixture
def themes(db):
    money = make_theme("Money", kind="system")
    debt = make_theme("Debt", parent=money, key_phrases=["arrears"])
    transport = make_theme("Transport")
    candidate = make_theme(
        "Bus and fares",
        status=Status.CANDIDATE,
        origin=Theme.Origin.DISCOVERED,
        definition="",
        key_terms=["bus", "fares"],
        size=12,
        nearest_theme=transport,
        nearest_similarity=0.61,
    )
    quotes = make_segments(["The bus fare is four pounds", "No bus after six o'clock"])
    candidate.representative_segments.set(quotes)
    return {"money": money, "debt": debt, "transport": transport, "candidate": candidate}


def _login(client, user):
    client.force_login(user)
    return client


# --- Seeing the codebook -------------------------------------------------------------------------


def test_the_codebook_page_shows_the_tree_version_filters_and_history(client, lead, themes):
    _login(client, lead)
    page = client.get("/work/codebook/").content.decode()
    assert "Version 1" in page and "Money" in page and "Debt" in page
    assert "Bus and fares" not in page  # approved themes by default
    assert "Recent changes" in page and "Add a theme" in page
    assert 'value="candidate"' in page and "Candidate (1)" in page
    candidates = client.get("/work/codebook/?status=candidate").content.decode()
    assert "Bus and fares" in candidates and "Key terms: bus, fares" in candidates
    everything = client.get("/work/codebook/?status=all").content.decode()
    assert "Bus and fares" in everything and "Transport" in everything


def test_partners_see_the_approved_codebook_only(client, partner, themes):
    _login(client, partner)
    page = client.get("/work/codebook/?status=candidate").content.decode()
    assert "Money" in page and "Bus and fares" not in page
    assert "Recent changes" not in page and "Add a theme" not in page
    assert 'name="status"' not in page
    assert f"/work/codebook/themes/{themes['debt'].key}/" not in page


def test_an_associate_sees_candidates_and_history_but_no_changes(client, associate, themes):
    _login(client, associate)
    page = client.get("/work/codebook/?status=candidate").content.decode()
    assert "Bus and fares" in page and "Recent changes" in page
    assert "Add a theme" not in page and "Import a codebook" not in page
    detail = client.get(f"/work/codebook/themes/{themes['candidate'].key}/").content.decode()
    assert "The bus fare is four pounds" in detail and "Transport</a> (similarity 0.61)" in detail
    assert "Approve it" not in detail


def test_a_theme_page_shows_its_history(client, lead, themes):
    _login(client, lead)
    client.post(f"/work/codebook/themes/{themes['transport'].key}/rename/", {"label": "Travel"})
    page = client.get(f"/work/codebook/themes/{themes['transport'].key}/").content.decode()
    assert "Renamed “Transport” to “Travel”" in page and "Retire it" in page
    history = client.get("/work/codebook/history/").content.decode()
    assert "Renamed “Transport” to “Travel”" in history and lead.get_full_name() in history
    # The first change on an install that has no version yet is version 1.
    version = client.get("/work/codebook/versions/1/").content.decode()
    assert (
        "Codebook version 1" in version and "Travel" in version and "the current version" in version
    )
    assert client.get("/work/codebook/versions/99/").status_code == 404


LEAD_PAGES = [
    "/work/codebook/themes/add/",
    "/work/codebook/themes/{transport}/edit/",
    "/work/codebook/themes/{transport}/rename/",
    "/work/codebook/themes/{candidate}/approve/",
    "/work/codebook/themes/{candidate}/merge/",
    "/work/codebook/themes/{candidate}/split/",
    "/work/codebook/themes/{candidate}/reject/",
    "/work/codebook/themes/{transport}/retire/",
    "/work/codebook/import/",
]
WORKBENCH_PAGES = [
    "/work/codebook/themes/{candidate}/",
    "/work/codebook/history/",
    "/work/codebook/export.csv",
    "/work/codebook/export.qdc",
]


def _url(template, themes):
    return template.format(**{name: theme.key for name, theme in themes.items()})


@pytest.mark.parametrize("url", LEAD_PAGES)
def test_only_a_lead_reaches_the_pages_that_change_the_codebook(
    client, url, themes, lead, associate, partner, resident, admin_user
):
    url = _url(url, themes)
    assert client.get(url).status_code == 302  # anonymous: to sign in
    for user in (associate, partner, resident, admin_user):
        _login(client, user)
        assert client.get(url).status_code == 403, user
        assert client.post(url, {}).status_code == 403, user
    _login(client, lead)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", WORKBENCH_PAGES)
def test_candidates_history_and_exports_are_for_people_who_code(
    client, url, themes, lead, associate, partner, resident, admin_user
):
    url = _url(url, themes)
    assert client.get(url).status_code == 302
    for user in (partner, resident, admin_user):
        _login(client, user)
        assert client.get(url).status_code == 403, user
    for user in (associate, lead):
        _login(client, user)
        assert client.get(url).status_code == 200, user


def test_residents_cannot_see_the_codebook_at_all(client, resident, themes):
    _login(client, resident)
    assert client.get("/work/codebook/").status_code == 403
    assert client.get("/work/codebook/versions/1/").status_code == 403


# --- Every action, through its form --------------------------------------------------------------


def _actions(themes, lead):
    segments = list(themes["candidate"].representative_segments.order_by("pk"))
    return [
        (
            "/work/codebook/themes/add/",
            {"label": "Housing", "kind": "barrier", "definition": "Somewhere to live."},
        ),
        (f"/work/codebook/themes/{themes['transport'].key}/edit/", _edit_data(themes)),
        (f"/work/codebook/themes/{themes['transport'].key}/rename/", {"label": "Travel"}),
        (
            f"/work/codebook/themes/{themes['candidate'].key}/approve/",
            {"label": "Bus fares", "definition": "Fares cost too much.", "kind": "barrier"},
        ),
        (
            f"/work/codebook/themes/{themes['candidate'].key}/split/",
            {
                "label_1": "Fares",
                "label_2": "Timetables",
                f"quote_{segments[0].pk}": "1",
                f"quote_{segments[1].pk}": "2",
            },
        ),
        (
            f"/work/codebook/themes/{themes['candidate'].key}/merge/",
            {"target": themes["transport"].key},
        ),
        (f"/work/codebook/themes/{themes['candidate'].key}/reject/", {}),
        (f"/work/codebook/themes/{themes['debt'].key}/retire/", {}),
    ]


def _edit_data(themes):
    return {
        "kind": "barrier",
        "definition": "Buses, trains and lifts.",
        "include_notes": "",
        "exclude_notes": "",
        "key_phrases": "bus\ntrain",
        "examples": "",
        "parent": themes["money"].key,
    }


def test_every_action_needs_a_csrf_token(lead, themes):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    for url, data in _actions(themes, lead):
        assert client.post(url, data).status_code == 403, url
    assert not CodebookVersion.objects.exists()
    assert Theme.objects.get(pk=themes["candidate"].pk).status == Status.CANDIDATE


@pytest.mark.parametrize("index", range(8))
def test_each_action_with_a_token_changes_the_codebook_as_a_new_version(lead, themes, index):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    url, data = _actions(themes, lead)[index]
    form_page = client.get(url)
    token = form_page.cookies["csrftoken"].value
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.content.decode()[:2000]
    version = CodebookVersion.objects.order_by("-number").first()
    assert version is not None and version.changes.get().actor == lead
    assert AuditEvent.objects.filter(action__startswith="codebook.", actor=lead).exists()


def test_approving_through_the_form(client, lead, themes):
    _login(client, lead)
    url = f"/work/codebook/themes/{themes['candidate'].key}/approve/"
    response = client.post(url, {"label": "Bus fares", "definition": "", "kind": "barrier"})
    assert "Write a definition before approving the theme" in response.content.decode()
    response = client.post(
        url,
        {
            "label": "Bus fares",
            "definition": "Fares cost too much.",
            "kind": "barrier",
            "parent": themes["money"].key,
        },
    )
    theme = Theme.objects.get(pk=themes["candidate"].pk)
    assert response.status_code == 302 and response.url == f"/work/codebook/themes/{theme.key}/"
    assert theme.status == Status.APPROVED and theme.parent == themes["money"]
    assert theme.label == "Bus fares"
    # Approving twice is refused with a message, not a crash.
    again = client.post(url, {"label": "x", "definition": "y", "kind": "barrier"}, follow=True)
    assert "only candidates are approved" in again.content.decode()


def test_merging_through_the_form_moves_the_codes(client, lead, themes):
    segment = themes["candidate"].representative_segments.first()
    code(segment, themes["candidate"])
    _login(client, lead)
    response = client.post(
        f"/work/codebook/themes/{themes['candidate'].key}/merge/",
        {"target": themes["transport"].key},
    )
    assert response.url == f"/work/codebook/themes/{themes['transport'].key}/"
    assert Code.objects.get(segment=segment).theme == themes["transport"]
    merged = Theme.objects.get(pk=themes["candidate"].pk)
    assert merged.status == Status.RETIRED and merged.merged_into == themes["transport"]
    # The form offers only sensible targets.
    page = client.get(f"/work/codebook/themes/{themes['money'].key}/merge/").content.decode()
    assert f'value="{themes["debt"].key}"' not in page
    assert f'value="{themes["money"].key}"' not in page


def test_splitting_through_the_form_shares_out_the_quotes(client, lead, themes):
    first, second = themes["candidate"].representative_segments.order_by("pk")
    _login(client, lead)
    url = f"/work/codebook/themes/{themes['candidate'].key}/split/"
    page = client.get(url).content.decode()
    assert first.text in page and "New theme 3 (optional)" in page
    response = client.post(
        url, {"label_1": "Fares", "label_2": "Timetables", f"quote_{first.pk}": "3"}
    )
    assert "New theme 3 has no name" in response.content.decode()
    response = client.post(
        url,
        {
            "label_1": "Fares",
            "label_2": "Timetables",
            f"quote_{first.pk}": "1",
            f"quote_{second.pk}": "2",
            "approve": "on",
            "definition_1": "What fares cost.",
            "definition_2": "When buses run.",
        },
    )
    assert response.status_code == 302
    fares, timetables = Theme.objects.get(label="Fares"), Theme.objects.get(label="Timetables")
    assert list(fares.representative_segments.all()) == [first]
    assert list(timetables.representative_segments.all()) == [second]
    assert fares.status == timetables.status == Status.APPROVED
    assert Theme.objects.get(pk=themes["candidate"].pk).status == Status.RETIRED


def test_a_refused_action_is_explained_on_the_form(client, lead, themes):
    _login(client, lead)
    response = client.post(f"/work/codebook/themes/{themes['money'].key}/retire/", {})
    assert response.status_code == 200
    assert "still has sub-themes" in response.content.decode()
    assert Theme.objects.get(pk=themes["money"].pk).status == Status.APPROVED


def test_adding_and_editing_a_theme(client, lead, themes, reference_data):
    _login(client, lead)
    response = client.post(
        "/work/codebook/themes/add/",
        {
            "label": "Housing",
            "kind": "barrier",
            "definition": "Somewhere to live.",
            "key_phrases": "rent\nlandlord|agent",
        },
    )
    assert "cannot contain “|”" in response.content.decode()
    response = client.post(
        "/work/codebook/themes/add/",
        {
            "label": "Housing costs",
            "kind": "barrier",
            "definition": "Somewhere to live.",
            "key_phrases": "rent\n\nlandlord",
            "parent": themes["money"].key,
            "core_questions": [CoreQuestion.objects.get(number=1).pk],
        },
    )
    theme = Theme.objects.get(key="housing-costs")
    assert response.url == "/work/codebook/themes/housing-costs/"
    assert theme.key_phrases == ["rent", "landlord"] and theme.parent == themes["money"]
    assert theme.origin == Theme.Origin.PERSON and theme.created_by == lead
    edit = client.get("/work/codebook/themes/housing-costs/edit/").content.decode()
    assert "rent\nlandlord" in edit and 'name="label"' not in edit
    unchanged = {
        "kind": "barrier",
        "definition": "Somewhere to live.",
        "key_phrases": "rent\nlandlord",
        "parent": themes["money"].key,
        "core_questions": [theme.core_questions.get().pk],
    }
    response = client.post("/work/codebook/themes/housing-costs/edit/", unchanged, follow=True)
    assert "Nothing was changed" in response.content.decode()


# --- Import and export ----------------------------------------------------------------------


def test_exports_download_with_an_audit_record(client, associate, themes):
    _login(client, associate)
    response = client.get("/work/codebook/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="ehl-codebook-v1.csv"'
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffkey,label,parent,kind,status,definition")
    assert "debt,Debt,money,barrier,approved" in body
    qdc = client.get("/work/codebook/export.qdc")
    assert qdc["Content-Type"].startswith("application/xml")
    assert b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"' in qdc.content
    events = AuditEvent.objects.filter(action="codebook.export", actor=associate)
    assert sorted(e.detail["format"] for e in events) == ["csv", "qdc"]


def _upload(name, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_import_previews_then_confirms(client, lead, themes):
    _login(client, lead)
    csv_file = (
        b"key,label,parent,definition\n"
        b"debt,Debt and arrears,money,About debt.\n"
        b"loans,Payday loans,money,Borrowing at high interest.\n"
    )
    preview = client.post("/work/codebook/import/", {"file": _upload("book.csv", csv_file)})
    page = preview.content.decode()
    assert "1 theme to add, 1 to change" in page and "Payday loans" in page
    assert "New themes will arrive as candidates" in page
    assert not Theme.objects.filter(key="loans").exists()
    token = preview.context["token"]
    response = client.post("/work/codebook/import/confirm/", {"token": token})
    assert response.url == "/work/codebook/?status=candidate"
    loans = Theme.objects.get(key="loans")
    assert loans.status == Status.CANDIDATE and loans.parent == themes["money"]
    assert Theme.objects.get(key="debt").label == "Debt and arrears"
    # The same token cannot import twice.
    again = client.post("/work/codebook/import/confirm/", {"token": token}, follow=True)
    assert "expired or was already done" in again.content.decode()


def test_a_qdc_file_imports_with_approve_on_import(client, lead, themes):
    _login(client, lead)
    qdc = (
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        b'<Code guid="0a1b2c3d-0000-4000-8000-000000000001" name="Loneliness" isCodable="true">'
        b"<Description>Feeling cut off.</Description></Code></Codes></CodeBook>"
    )
    preview = client.post(
        "/work/codebook/import/", {"file": _upload("nvivo.qdc", qdc), "approve": "on"}
    )
    client.post("/work/codebook/import/confirm/", {"token": preview.context["token"]})
    theme = Theme.objects.get(key="loneliness")
    assert theme.status == Status.APPROVED and theme.definition == "Feeling cut off."


def test_a_malformed_file_is_refused_naming_the_row_and_nothing_is_stored(client, lead, themes):
    _login(client, lead)
    response = client.post(
        "/work/codebook/import/",
        {"file": _upload("book.csv", b"key,label,kind\na,A,barrier\nb,B,villain\n")},
    )
    page = response.content.decode()
    assert "There is a problem" in page and "Row 3: kind “villain”" in page
    response = client.post(
        "/work/codebook/import/", {"file": _upload("book.qdc", b"<CodeBook><Codes>")}
    )
    assert "not well-formed XML at line 1" in response.content.decode()
    response = client.post("/work/codebook/import/", {"file": _upload("book.pdf", b"%PDF")})
    assert "must be a CSV" in response.content.decode()
    assert not Theme.objects.filter(key__in=["a", "b"]).exists()
    assert not CodebookVersion.objects.exists()


def test_confirming_needs_a_post_a_lead_and_a_token(client, lead, associate):
    _login(client, associate)
    assert client.post("/work/codebook/import/confirm/", {"token": "x"}).status_code == 403
    _login(client, lead)
    assert client.get("/work/codebook/import/confirm/").status_code == 405
    response = client.post("/work/codebook/import/confirm/", {"token": "forged"})
    assert response.url == "/work/codebook/import/"
