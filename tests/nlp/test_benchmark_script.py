"""The benchmark script's own logic: splits, verdicts and the skip without data (no model)."""

import csv

import pytest

from tests.benchmarks import nlp_quality
from tests.benchmarks.nlp_quality import speed_verdict, split_file, verdict


def write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "labels", "sentiment"])
        writer.writerows(rows)
    return path


def test_split_is_seeded_disjoint_and_keeps_every_column(tmp_path):
    rows = [(str(i), f"text {i}", "a|b" if i % 2 else "a", str(i % 5 + 1)) for i in range(50)]
    rows += [("x", "", "a", "1"), ("y", "no labels", "", "2")]  # never scored, so never split
    source = write(tmp_path / "dev.csv", rows)
    train, held, n_train, n_held = split_file(source, tmp_path / "out", "dev")
    assert (n_train, n_held) == (40, 10)
    read = lambda p: list(csv.DictReader(p.open(encoding="utf-8")))  # noqa: E731
    train_rows, held_rows = read(train), read(held)
    assert len(train_rows) == 40 and len(held_rows) == 10
    assert set(train_rows[0]) == {"id", "text", "labels", "sentiment"}
    assert not {r["id"] for r in train_rows} & {r["id"] for r in held_rows}
    assert {"x", "y"}.isdisjoint(r["id"] for r in train_rows + held_rows)
    again = split_file(source, tmp_path / "again", "dev")
    assert read(again[1]) == held_rows


def test_verdicts_come_from_the_figures():
    assert verdict(0.70, 0.70) == "met"
    assert verdict(0.699, 0.70) == "NOT met"
    assert verdict(None, 0.70) == "not measured"
    targets = {"suggest_seconds": 60, "ner_words_per_second_per_core": 8000}
    assert speed_verdict("suggest_seconds", 59.9, targets) == "met"
    assert speed_verdict("suggest_seconds", 60.0, targets) == "NOT met"
    assert speed_verdict("ner_words_per_second_per_core", 8000, targets) == "met"
    assert speed_verdict("ner_words_per_second_per_core", 7999, targets) == "NOT met"


def test_speed_body_reports_targets_verdicts_and_load():
    bench = {
        "targets": {
            "rules_and_redaction_words_per_second_per_core": 50_000,
            "ner_words_per_second_per_core": 8_000,
            "train_seconds": 30,
            "suggest_seconds": 60,
            "discover_seconds": 180,
            "discover_peak_memory_mb": 2048,
        },
        "rules_and_redaction_words_per_second_per_core": 120_000,
        "ner": {"words_per_second_per_core": 7_000},
        "train": {"seconds": 12.5},
        "suggest": {"seconds": 75.0},
        "discover": {"seconds": 150.0, "peak_memory_mb": 1500.0},
        "load_average_start": [3.1, 2.0, 1.0],
        "load_average_end": [2.0, 2.0, 1.0],
        "cpu_count": 2,
        "distinct_texts_available": 100,
    }
    body = nlp_quality.speed_body(bench, "python -m nlp bench --json", quick=False)
    assert "| 120,000 | ≥ 50,000 | met |" in body
    assert "| 7,000 | ≥ 8,000 | NOT met |" in body
    assert "| 75.0 | < 60 | NOT met |" in body
    assert "[3.1, 2.0, 1.0]" in body


def test_without_the_shared_data_the_script_says_so_and_writes_nothing(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("EHL_BENCHMARK_DATA", str(tmp_path / "absent"))
    written = []
    monkeypatch.setattr(nlp_quality, "write_section", lambda *a: written.append(a))
    assert nlp_quality.main([]) == 0
    assert "skipped" in capsys.readouterr().out
    assert not written


@pytest.mark.parametrize("quick", [True, False])
def test_quick_runs_write_nothing_unless_asked(tmp_path, monkeypatch, quick):
    (tmp_path / nlp_quality.V6).write_text("id,text,labels\n", encoding="utf-8")
    monkeypatch.setenv("EHL_BENCHMARK_DATA", str(tmp_path))
    written = []
    monkeypatch.setattr(nlp_quality, "write_section", lambda *a: written.append(a))
    monkeypatch.setattr(nlp_quality, "quality", lambda runner, q: {})
    monkeypatch.setattr(nlp_quality, "quality_body", lambda q, quick: "body")
    monkeypatch.setattr(nlp_quality, "speed", lambda runner, q: ({}, "cmd"))
    monkeypatch.setattr(nlp_quality, "speed_body", lambda b, c, q: "body")
    assert nlp_quality.main(["--quick"] if quick else []) == 0
    assert len(written) == (0 if quick else 2)
