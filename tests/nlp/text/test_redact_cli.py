"""The ``redact`` subcommand, driven the way nlp.cli drives it: register, parse, args.func."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from nlp.cli.redact import register


def _run(monkeypatch, capsys, stdin: str, *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="nlp")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["redact", *argv])
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = args.func(args)
    return code, capsys.readouterr().out


INPUT = "Ring me on 07700 900123.\n\nMrs Jones lives at 12 Acacia Road, L4 0TH.\nNothing here\n"


def test_line_for_line_output(monkeypatch, capsys):
    code, out = _run(monkeypatch, capsys, INPUT, "--no-ner")
    assert code == 0
    assert out.split("\n")[:-1] == [
        "Ring me on [PHONE].",
        "",
        "Mrs [NAME] lives at [ADDRESS], [POSTCODE].",
        "Nothing here",
    ]


def test_last_line_without_newline_and_crlf(monkeypatch, capsys):
    _, out = _run(monkeypatch, capsys, "a 07700 900123\r\nb", "--no-ner")
    assert out == "a [PHONE]\nb\n"


def test_many_lines_keep_count(monkeypatch, capsys):
    lines = [f"line {n} email x{n}@example.com" if n % 3 else "" for n in range(700)]
    _, out = _run(monkeypatch, capsys, "\n".join(lines) + "\n", "--no-ner", "--name", "Jo Bloggs")
    assert len(out.split("\n")) - 1 == 700
    assert out.split("\n")[1] == "line 1 email [EMAIL]"


def test_json_output_hides_originals_by_default(monkeypatch, capsys):
    _, out = _run(monkeypatch, capsys, INPUT, "--no-ner", "--json")
    records = json.loads(out)
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    assert records[0] == {
        "line": 1,
        "text": "Ring me on [PHONE].",
        "spans": [{"start": 11, "end": 23, "kind": "PHONE"}],
    }
    assert records[1]["spans"] == []
    assert "07700" not in out and "Jones" not in out


def test_json_with_originals(monkeypatch, capsys):
    _, out = _run(monkeypatch, capsys, INPUT, "--no-ner", "--json", "--show-originals")
    spans = json.loads(out)[2]["spans"]
    assert [s["original"] for s in spans] == ["Jones", "12 Acacia Road", "L4 0TH"]


def test_json_on_empty_input(monkeypatch, capsys):
    _, out = _run(monkeypatch, capsys, "", "--json")
    assert json.loads(out) == []


def test_with_ner(monkeypatch, capsys):
    from nlp.text.redaction.ner import NerUnavailable, load_ner

    try:
        load_ner()
    except NerUnavailable as error:
        pytest.skip(str(error))
    _, out = _run(monkeypatch, capsys, "Sandra Collins moved to Sefton.\n")
    assert out == "[NAME] moved to Sefton.\n"
