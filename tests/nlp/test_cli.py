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
        # --cv, --train-size and --seed
        (["evaluate", "--train", "{train}"], "--test is required"),
        (["evaluate", "--train", "{train}", "--test", "{test}", "--cv", "5"], "do not go together"),
        (["evaluate", "--codebook", "{defs}", "--cv", "5"], "--cv needs --train"),
        (["evaluate", "--train", "{train}", "--cv", "1"], "at least 2"),
        (["evaluate", "--train", "{train}", "--cv", "500"], "more folds than"),
        (["evaluate", "--train", "{train}", "--test", "{test}", "--train-size", "1"], "at least 2"),
        (
            ["evaluate", "--codebook", "{defs}", "--test", "{test}", "--train-size", "5"],
            "needs --train",
        ),
        (["evaluate", "--train", "{train}", "--test", "{test}", "--cv", "x"], "invalid int"),
        (["evaluate", "--train", "{onelabel}", "--test", "{test}"], "two different labels"),
        # the test file and the codebook
        (["evaluate", "--train", "{train}", "--test", "missing.csv"], "--test: file not found"),
        (["evaluate", "--train", "{train}", "--test", "{empty}"], "no labelled segments"),
        (["evaluate", "--train", "{train}", "--test", "{nocol}"], "column 'text'"),
        (["evaluate", "--codebook", "missing.csv", "--test", "{test}"], "file not found"),
        (["evaluate", "--codebook", "{nocol}", "--test", "{test}"], "no label column"),
        (["evaluate", "--codebook", "{headeronly}", "--test", "{test}"], "no labelled definitions"),
        (
            [
                "evaluate",
                "--train",
                "{train}",
                "--test",
                "{test}",
                "--predictions",
                "/no/dir/p.csv",
            ],
            "folder does not exist",
        ),
        (["evaluate", "--train", "{blank}", "--test", "{test}"], "empty (no header row)"),
        # discover and bench inputs
        (["discover", "--data", "{nocol}"], "column 'text'"),
        (["discover", "--data", "{empty}"], "no segments with text"),
        (["discover", "--data", "{test}", "--limit", "3"], "at least 10"),
        (["bench", "--quick", "--data", "{nocol}"], "column 'text'"),
        (["bench", "--quick", "--data", "{empty}"], "no segments with text"),
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
        "defs": write_csv(tmp_path / "defs.csv", ["label", "definition"], [("food", "tea")]),
        "headeronly": write_csv(tmp_path / "head.csv", ["label", "definition"], []),
        "onelabel": write_csv(
            tmp_path / "one.csv", ["id", "text", "labels"], [("1", "a", "x"), ("2", "b", "x")]
        ),
        "blank": tmp_path / "blank.csv",
    }
    files["blank"].write_text("", encoding="utf-8")
    argv = [a.format(**files) for a in argv]
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_cross_validation_scores_every_row_out_of_fold(train_test, tmp_path, capsys):
    train, _test = train_test
    out_csv = tmp_path / "oof.csv"
    argv = ["evaluate", "--train", str(train), "--cv", "4", "--no-embeddings", "--json"]
    assert main([*argv, "--predictions", str(out_csv)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["mode"] == "cross-validation"
    assert result["n_test"] == 40 and result["n_train"] == 30 and result["folds"] == 4
    assert len(result["fold_scores"]) == 4
    assert result["micro_f1"] > 0.6
    with out_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 40 and all(row["labels"] for row in rows)
    # The same seed gives the same folds, so the same figures.
    assert main(argv) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["micro_f1"] == result["micro_f1"]


def test_train_size_samples_the_training_file_reproducibly(train_test, capsys):
    train, test = train_test
    argv = ["evaluate", "--train", str(train), "--test", str(test), "--no-embeddings", "--json"]
    assert main([*argv, "--train-size", "12", "--seed", "3"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["n_train"] == 12
    assert main([*argv, "--train-size", "12", "--seed", "3"]) == 0
    assert json.loads(capsys.readouterr().out)["micro_f1"] == first["micro_f1"]
    assert main([*argv, "--train-size", "1000"]) == 0  # more than there are: all of them
    assert json.loads(capsys.readouterr().out)["n_train"] == 40


def test_bench_quick_measures_rules_and_redaction_with_verdicts(train_test, capsys):
    train, _test = train_test
    skips = [a for stage in ("ner", "train", "suggest", "discover") for a in ("--skip", stage)]
    assert main(["bench", "--quick", "--data", str(train), *skips]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["distinct_texts_available"] == 40
    assert result["rules"]["segments"] == 2000 and result["redact"]["ner"] is False
    assert result["rules_and_redaction_words_per_second_per_core"] > 0
    assert set(result["verdicts"]) == {"rules_and_redaction_words_per_second_per_core"}
    assert "train" not in result and "model_load_seconds" not in result


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
