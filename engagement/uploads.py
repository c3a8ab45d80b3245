"""Checks an uploaded file passes before anything parses or stores it.

Every upload is untrusted. Its type is decided by its content (magic bytes, or whether it
decodes as text), never by its name or the browser's content type; its size is checked against
a limit before it is read into memory; and a stored file is named from what it really is, so a
receipt that is a PDF is kept and served as ``.pdf`` whatever it was called. Transcripts go on to
``nlp.text.transcripts.parse_transcript``, which sniffs the format again and opens a .docx as an
untrusted zip. See docs/security.md.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from django import forms
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.utils.text import get_valid_filename

MEGABYTE = 1024 * 1024
SNIFF_BYTES = 8192

# Signatures of formats that are never text; a "CSV" starting with one is refused by name.
BINARY_SIGNATURES = {
    b"%PDF": "a PDF",
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive or Office document (save it as CSV first)",
    b"PK\x05\x06": "a zip archive",
    b"\xd0\xcf\x11\xe0": "an old-style Office file (save it as CSV first)",
    b"\x1f\x8b": "a gzip archive",
    b"MZ": "a Windows program",
    b"\x7fELF": "a program",
    b"{\\rtf": "a Rich Text file",
}
# Receipts: content signature -> (content type, extension it is stored and served with).
RECEIPT_TYPES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


class PrivateFileStorage(FileSystemStorage):
    """Storage for uploads that hold personal data (receipts, transcripts, trained models):
    a directory outside every web root (settings: var/private) with no URL at all, so a file
    can only reach a browser through a view that checks permissions and audits the access."""

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view")


class UploadError(ValueError):
    """An upload refused before use; the message is written for the person who sent it."""


class RowProblems:
    """Every problem found in an uploaded table, with its row and column, so the person can fix
    the file in one go. Keeps the first ``limit`` and then says there are more."""

    def __init__(self, limit: int = 25):
        self.items: list[str] = []
        self.limit = limit

    def add(self, text: str) -> None:
        if len(self.items) < self.limit:
            self.items.append(text)
        elif len(self.items) == self.limit:
            self.items.append("There are more problems; fix these first and upload again.")

    def __bool__(self) -> bool:
        return bool(self.items)


def read_csv_table(data: bytes) -> tuple[list[str], list[dict]]:
    """An uploaded CSV as (header, rows), the header trimmed and lower-cased; ``UploadError``
    with a plain message when it is not UTF-8 or cannot be read as CSV at all (an unclosed
    quote, a cell over the csv module's size limit)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("The file must be a CSV saved as UTF-8.") from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
        reader.fieldnames = header
        return header, list(reader)
    except csv.Error as error:
        raise UploadError(
            f"The file cannot be read as CSV (line {reader.line_num}): {error}."
        ) from None


def size_text(size: int) -> str:
    if size >= MEGABYTE:
        return f"{size / MEGABYTE:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def check_size(upload, max_bytes: int, what: str = "file") -> None:
    """Refuse an empty upload or one over `max_bytes`, from its size (before reading it)."""
    size = upload.size or 0
    if size == 0:
        raise UploadError(f"The {what} is empty")
    if size > max_bytes:
        raise UploadError(
            f"The {what} is {size_text(size)}, over the {size_text(max_bytes)} limit. "
            "Split it or remove what is not needed, then upload it again."
        )


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def binary_kind(head: bytes) -> str | None:
    """What a file is when its first bytes say it is not text, else None."""
    for magic, what in BINARY_SIGNATURES.items():
        if head.startswith(magic):
            return what
    return None


def check_text(head: bytes, what: str = "file") -> None:
    """Refuse bytes that are not UTF-8 text (BOM allowed): binaries, NULs, control bytes."""
    kind = binary_kind(head)
    if kind:
        raise UploadError(f"The {what} is {kind}: it must be a CSV or text file")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UploadError(f"The {what} is saved as UTF-16; save it as CSV (UTF-8) and try again")
    if b"\x00" in head or len(_CONTROL.findall(head)) > 8:
        raise UploadError(f"The {what} looks like binary data, not a CSV or text file")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut by the sniff window is fine
    except UnicodeDecodeError:
        raise UploadError(
            f"The {what} is not saved as UTF-8 text; save it as “CSV UTF-8” and try again"
        ) from None


def check_text_upload(upload, *, max_bytes: int, what: str = "file") -> None:
    """Size, then content: the upload must be UTF-8 text, whatever its name says."""
    check_size(upload, max_bytes, what)
    check_text(_head(upload), what)


def receipt_type(upload, *, max_bytes: int) -> tuple[str, str]:
    """(content type, extension) of a receipt that is really a PDF, PNG or JPEG; images must
    also open as images. Raises UploadError otherwise."""
    check_size(upload, max_bytes, "receipt")
    head = _head(upload)
    found = next((kind for magic, kind in RECEIPT_TYPES.items() if head.startswith(magic)), None)
    if found is None:
        raise UploadError("The receipt must be a PDF, PNG or JPEG file")
    content_type, extension = found
    if content_type.startswith("image/"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise UploadError("The receipt image is damaged and could not be opened") from error
        finally:
            upload.seek(0)
    return content_type, extension


def stored_name(original: str, extension: str, *, default: str = "upload") -> str:
    """A safe file name for storage: the original's stem, cleaned, with the extension the
    content earned (never the one the sender chose)."""
    stem = original.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    try:
        stem = get_valid_filename(stem)[:80]
    except SuspiciousFileOperation:  # nothing usable left, e.g. ".." or only symbols
        stem = default
    return f"{stem}.{extension}"


def form_check(check, *args, **kwargs):
    """Run an upload check inside a form's clean method, as a field error."""
    try:
        return check(*args, **kwargs)
    except UploadError as error:
        raise forms.ValidationError(str(error)) from None
