"""Fuzz every parser that reads uploaded or imported files, with hypothesis, for a time budget.

Parsers: transcripts (.vtt, .srt, .txt, .docx bytes, via ``parse_transcript``), the service map
CSV import, the equity census and client extracts, the codebook CSV import, and ``nlp.data``'s
CSV reading. Each gets structured input (the right header with hostile cells, cue-like lines,
mutated Word documents) and raw bytes. The only exceptions allowed are the documented validation
errors (TranscriptError, ServiceMapImportError, EquityUploadError, CodebookImportError,
DataError); anything else is a failure, printed with the input that caused it.

Run: .venv/bin/python tests/benchmarks/fuzz_parsers.py [--seconds 240]
Prints examples tried and failures per parser and rewrites its section of docs/benchmarks.md.
Uses the test settings with a throw-away SQLite database (the CSV imports look up Places)."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "site")]
_DB = Path(tempfile.mkdtemp(prefix="ehl-fuzz-")) / "fuzz.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "ehl.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{_DB}"

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.disable(logging.INFO)  # reference data and task logs would drown the figures

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.benchmarks.docs_writer import machine, write_section  # noqa: E402

CUE_LINES = st.sampled_from(
    [
        "WEBVTT",
        "",
        "1",
        "00:00:01.000 --> 00:00:04.000",
        "00:00:01,000 --> 00:00:04,000",
        "99:99:99.999 --> 00:00:00.000",
        "00:01.000 --> 00:02.000 align:start",
        "<v Jane Smith>Hello</v>",
        "<v>",
        "Jane Smith: I could not get the bus.",
        "[00:01:02] Bob: yes",
        "NOTE a note",
        "STYLE",
        "-->",
        "Speaker 1  0:03",
        "\ufeff",
    ]
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _lines(prefix: str = ""):
    return st.lists(st.one_of(CUE_LINES, st.text(max_size=60)), max_size=40).map(
        lambda lines: prefix + "\n".join(lines)
    )


def _docx(xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


@st.composite
def docx_bytes(draw):
    paragraphs = draw(st.lists(_lines(), max_size=6))
    body = "".join(
        f"<w:p><w:r><w:t>{p.replace('&', '&amp;').replace('<', '&lt;')}</w:t></w:r></w:p>"
        for p in paragraphs
    )
    xml = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    xml = draw(st.sampled_from([xml, xml[: max(1, len(xml) // 2)], f"<!DOCTYPE d>{xml}"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    data = bytearray(_docx(xml.encode(encoding, errors="replace")))
    for _ in range(draw(st.integers(0, 4))):  # flip bytes: damaged archives
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    return bytes(data)


def csv_bytes(header: list[str]):
    cell = st.one_of(
        st.text(max_size=30),
        st.sampled_from(["=1+1", "'=x", "local", "nhs", "2025-04-01", "1", "yes", '"', "\x00"]),
    )
    rows = st.lists(st.lists(cell, max_size=len(header) + 2), max_size=8)

    def build(args):
        columns, body = args
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(body)
        return out.getvalue().encode("utf-8")

    columns = st.one_of(st.just(header), st.permutations(header), st.lists(st.text(max_size=12)))
    return st.one_of(st.tuples(columns, rows).map(build), st.binary(max_size=400))


def _parsers():
    from insights.services import codebook_io, equity_io, servicemap
    from nlp.data import DataError, read_segments
    from nlp.text.transcripts import TranscriptError, parse_transcript

    def read_nlp_csv(data: bytes):
        with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as handle:
            handle.write(data)
        try:
            read_segments(handle.name)
        finally:
            os.unlink(handle.name)

    transcript_text = st.one_of(
        _lines("WEBVTT\n\n"), _lines("1\n00:00:01,000 --> 00:00:02,000\n"), _lines()
    )
    return [
        (
            "vtt",
            lambda d: parse_transcript(d, "x.vtt"),
            st.one_of(_lines("WEBVTT\n\n").map(str.encode), st.binary(max_size=300)),
            (TranscriptError,),
        ),
        (
            "srt",
            lambda d: parse_transcript(d, "x.srt"),
            _lines("1\n00:00:01,000 --> 00:00:02,000\n").map(str.encode),
            (TranscriptError,),
        ),
        (
            "txt",
            lambda d: parse_transcript(d, "x.txt"),
            st.one_of(
                transcript_text.map(lambda t: t.encode("utf-16")),
                transcript_text.map(lambda t: t.encode("utf-8")),
                st.binary(max_size=300),
            ),
            (TranscriptError,),
        ),
        ("docx", lambda d: parse_transcript(d, "x.docx"), docx_bytes(), (TranscriptError,)),
        (
            "service map CSV",
            servicemap.parse_csv,
            csv_bytes(list(servicemap.COLUMNS)),
            (servicemap.ServiceMapImportError,),
        ),
        (
            "equity extract CSV",
            equity_io.parse_extract,
            csv_bytes(["place", "age_band", "sex", "ethnicity", "deprivation_decile", "outcome"]),
            (equity_io.EquityUploadError,),
        ),
        (
            "equity census CSV",
            equity_io.parse_census,
            csv_bytes(["place", "dimension", "group", "count"]),
            (equity_io.EquityUploadError,),
        ),
        (
            "codebook CSV",
            codebook_io.parse_csv,
            csv_bytes(list(codebook_io.CSV_COLUMNS)),
            (codebook_io.CodebookImportError,),
        ),
        (
            "nlp.data CSV",
            read_nlp_csv,
            csv_bytes(["id", "text", "labels"]),
            (DataError,),
        ),
    ]


def fuzz(name, parse, strategy, allowed, seconds: float) -> dict:
    """Run `parse` on examples from `strategy` until `seconds` pass; count and keep failures."""
    stats = {"examples": 0, "rejected": 0, "failures": []}

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def one(data):
        stats["examples"] += 1
        try:
            parse(data)
        except allowed:
            stats["rejected"] += 1
        except Exception:
            if len(stats["failures"]) < 5:
                stats["failures"].append((data[:300], traceback.format_exc(limit=4)))

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        one()
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=240, help="total budget (default 240)")
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    parsers = _parsers()
    each = args.seconds / len(parsers)
    rows, failed = [], 0
    for name, parse, strategy, allowed in parsers:
        stats = fuzz(name, parse, strategy, allowed, each)
        failed += len(stats["failures"])
        rows.append(
            f"| {name} | {stats['examples']:,} | {stats['rejected']:,} | "
            f"{len(stats['failures'])} | {', '.join(e.__name__ for e in allowed)} |"
        )
        print(rows[-1], flush=True)
        for data, trace in stats["failures"]:
            print(f"  FAILURE on {data!r}\n{trace}")
    body = (
        f"Command: `.venv/bin/python tests/benchmarks/fuzz_parsers.py --seconds {args.seconds:g}`"
        f" ({each:.0f} s a parser). Machine: {machine()}.\n\n"
        "Hypothesis-generated input (structured files with hostile cells and lines, mutated "
        "Word documents, raw bytes); the only exceptions allowed are the documented validation "
        "errors. Target: 0 failures.\n\n"
        "| parser | examples tried | refused with a validation error | failures | "
        "allowed errors |\n|---|---:|---:|---:|---|\n" + "\n".join(rows)
    )
    write_section("Parser fuzzing", body)
    print(f"failures: {failed}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
