"""The command line: outputs and error paths (clear message, non-zero exit, no traceback)."""

import csv
import json
import subprocess
import sys

import pytest

from nlp.cli import main

from .conftest import REPO_ROOT, make_corpus


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def train_test(tmp_path):
    texts, labels = make_corpus(n_per_label=20, seed=2, multi=True)
    rows = [
        (f"r{i}", t, "|".join(lab)) for i, (t, lab) in enumerate(zip(texts, labels, strict=True))
    ]
    train = write_csv(tmp_path / "train.csv", ["id", "text", "labels"], rows[::2])
    test = write_csv(tmp_path / "test.csv", ["id", "text", "labels"], rows[1::2])
    return train, test


def test_evaluate_supervised_json_and_predictions(train_test, tmp_path, capsys):
    train, test = train_test
    out_csv = tmp_path / "pred.csv"
    code = main(
        [
            "evaluate",
            "--train",
            str(train),
            "--test",
            str(test),
            "--no-embeddings",
            "--json",
            "--predictions",
            str(out_csv),
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("micro_f1", "macro_f1", "per_label", "n_train", "n_test", "seconds"):
        assert key in result
    assert result["n_train"] == result["n_test"] == 40
    assert result["micro_f1"] > 0.7
    assert set(result["per_label"]["food"]) == {"precision", "recall", "f1", "support"}
    with out_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 40 and rows[0]["id"] == "r1" and rows[0]["labels"]


def test_evaluate_sentiment_column_is_mapped(tmp_path, capsys):
    rows = [(str(i), t, s) for i, (t, s) in enumerate([("great kind lovely", "1")] * 8)]
    rows += [(str(i + 8), "awful rude late", "5") for i in range(8)]
    rows += [(str(i + 16), "it was ok fine", "3") for i in range(8)]
    path = write_csv(tmp_path / "s.csv", ["id", "text", "sentiment"], rows)
    code = main(
        [
            *("evaluate", "--train", str(path), "--test", str(path)),
            *("--label-column", "sentiment", "--no-embeddings", "--json"),
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["per_label"]) == {"negative", "neutral", "positive"}


def test_evaluate_from_definitions_rules_only(tmp_path, capsys):
    defs = write_csv(
        tmp_path / "defs.csv",
        ["label", "definition"],
        [("food", "Comments on 'meal', 'tea'"), ("staff", "Staff described as 'kind'")],
    )
    test = write_csv(
        tmp_path / "t.csv",
        ["id", "text", "labels"],
        [("1", "cold tea", "food"), ("2", "kind", "staff")],
    )
    code = main(
        ["evaluate", "--test", str(test), "--codebook", str(defs), "--no-embeddings", "--json"]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["micro_f1"] == 1.0
    assert result["mode"] == "codebook"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "--train", "missing.csv", "--test", "{test}"], "file not found"),
        (
            ["evaluate", "--train", "{train}", "--test", "{test}", "--label-column", "x"],
            "column 'x'",
        ),
        (["evaluate", "--train", "{empty}", "--test", "{test}"], "no labelled segments"),
        (["evaluate", "--train", "{nocol}", "--test", "{test}"], "column 'text'"),
        (["evaluate", "--test", "{test}"], "one of the arguments"),
        (["evaluate", "--train", "{train}", "--test", "{test}", "--codebook", "x"], "not allowed"),
        (["discover", "--data", "missing.csv"], "file not found"),
        (["discover", "--data", "{test}", "--min-topic-size", "1"], "at least 2"),
        (["discover", "--data", "{tiny}"], "at least 10"),
        (["bench", "--data", "missing.csv", "--skip", "train", "--skip", "suggest"], "not found"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_errors_are_one_line_and_non_zero(argv, message, train_test, tmp_path, capsys):
    train, test = train_test
    files = {
        "train": train,
        "test": test,
        "empty": write_csv(tmp_path / "empty.csv", ["id", "text", "labels"], []),
        "nocol": write_csv(tmp_path / "nocol.csv", ["id", "body", "labels"], [("1", "x", "a")]),
        "tiny": write_csv(tmp_path / "tiny.csv", ["id", "text"], [("1", "x")]),
    }
    argv = [a.format(**files) for a in argv]
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "evaluate" in capsys.readouterr().err


def test_module_entry_point_reports_errors_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nlp", "evaluate", "--train", "nope.csv", "--test", "nope.csv"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "error: --test: file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_importing_nlp_loads_no_heavy_libraries():
    code = (
        "import sys, nlp, nlp.coding, nlp.metrics, nlp.codebook, nlp.rules, nlp.data, "
        "nlp.agreement, nlp.supervised, nlp.discovery, nlp.sentiment, nlp.embeddings, nlp.cli; "
        "heavy = [m for m in ('torch', 'spacy', 'sentence_transformers', 'bertopic', 'umap', "
        "'hdbscan', 'django', 'transformers') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
