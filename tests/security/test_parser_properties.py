"""Fast property tests: hostile bytes into every upload parser end in the result or in that
parser's documented validation error, never another exception (a 500 for the person). The long
run is tests/benchmarks/fuzz_parsers.py."""

import contextlib
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagement.uploads import UploadError, check_text
from insights.services import codebook_io, equity_io, servicemap
from nlp.text.transcripts import TranscriptError, parse_transcript

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx() -> bytes:
    buffer = io.BytesIO()
    xml = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Jane: hi</w:t></w:r></w:p>'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml + "</w:body></w:document>")
    return buffer.getvalue()


DOCX = _docx()


@FAST
@given(st.lists(st.tuples(st.integers(0, len(DOCX) - 1), st.integers(0, 255)), max_size=6))
def test_a_damaged_docx_is_refused_with_a_transcript_error(flips):
    data = bytearray(DOCX)
    for position, value in flips:
        data[position] = value
    with contextlib.suppress(TranscriptError):
        parse_transcript(bytes(data), "x.docx")


def test_a_broken_deflate_stream_is_a_transcript_error_not_a_crash():
    data = bytearray(DOCX)
    start = DOCX.index(b"word/document.xml") + len("word/document.xml")
    data[start + 2 : start + 6] = b"\xff\xff\xff\xff"
    with pytest.raises(TranscriptError):
        parse_transcript(bytes(data), "x.docx")


@FAST
@given(st.binary(max_size=200))
def test_the_text_check_refuses_or_passes_any_bytes(data):
    with contextlib.suppress(UploadError):
        check_text(data)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        [
            (servicemap.parse_csv, servicemap.ServiceMapImportError, ",".join(servicemap.COLUMNS)),
            (equity_io.parse_extract, equity_io.EquityUploadError, "place,age_band,sex,outcome"),
            (equity_io.parse_census, equity_io.EquityUploadError, "place,dimension,group,count"),
            (codebook_io.parse_csv, codebook_io.CodebookImportError, "key,label,parent,kind"),
        ]
    ),
    st.one_of(st.text(max_size=200), st.sampled_from(['"' + "x" * 200_000, "=1,+2,@3\n\x00"])),
)
def test_csv_imports_end_in_rows_or_their_validation_error(case, body):
    parse, error, header = case
    with contextlib.suppress(error):
        parse(f"{header}\n{body}".encode())
