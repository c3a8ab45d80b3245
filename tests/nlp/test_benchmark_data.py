"""Quality floors on the shared, human-coded benchmark data (skipped where it is absent).

Floors sit well above chance and below measured figures, so they catch a broken pipeline
rather than small regressions.
"""

import numpy as np
import pytest

from nlp.codebook import codebook_from_csv
from nlp.data import read_segments
from nlp.metrics import multilabel_report
from nlp.supervised import SupervisedSuggester

pytestmark = pytest.mark.shared_data


def split(n, seed=0):
    order = np.random.default_rng(seed).permutation(n)
    cut = int(0.8 * n)
    return order[:cut], order[cut:]


@pytest.mark.slow
def test_nhs_v6_supervised_floor(benchmark_data):
    data = read_segments(benchmark_data / "nhs_fft_v6_dev.csv", require_labels=True)
    train, test = split(len(data))
    model = SupervisedSuggester().fit(
        [data.texts[i] for i in train], [data.labels[i] for i in train]
    )
    predicted = model.predict([data.texts[i] for i in test])
    report = multilabel_report([data.labels[i] for i in test], predicted)
    assert report.micro_f1 >= 0.6
    assert report.macro_f1 >= 0.35


def test_sad_single_label_floor_with_ngrams_only(benchmark_data):
    data = read_segments(benchmark_data / "sad_stressors_dev.csv", require_labels=True)
    train, test = split(len(data))
    model = SupervisedSuggester(use_embeddings=False).fit(
        [data.texts[i] for i in train], [data.labels[i] for i in train]
    )
    predicted = model.predict([data.texts[i] for i in test])
    assert all(len(row) == 1 for row in predicted)
    report = multilabel_report([data.labels[i] for i in test], predicted)
    assert report.macro_f1 >= 0.5


def test_v6_definitions_file_loads_out_of_the_box(benchmark_data):
    codebook = codebook_from_csv(benchmark_data / "label_definitions_nhs_fft_v6.csv")
    data = read_segments(benchmark_data / "nhs_fft_v6_dev.csv", require_labels=True)
    assert set(data.label_set) <= set(codebook.keys)
    assert "Staffing levels & responsiveness" not in codebook  # a v7-only row


def _slice(source, path, rows):
    import csv

    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, data = reader.fieldnames, list(reader)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(data[i] for i in rows)
    return path


@pytest.mark.parametrize(
    ("name", "n_train", "micro_floor", "macro_floor"),
    [
        # Nine stressor classes: always answering the commonest scores micro 0.19, macro 0.04.
        ("sad_stressors_dev.csv", 1500, 0.55, 0.5),
        # 44 themes, 1.4 per comment: always the commonest theme scores micro 0.21, macro 0.01.
        ("nhs_fft_v6_dev.csv", 1500, 0.55, 0.2),
    ],
)
def test_command_line_trains_and_scores_a_slice_well_above_chance(
    benchmark_data, tmp_path, capsys, name, n_train, micro_floor, macro_floor
):
    import json

    from nlp.cli import main

    order = np.random.default_rng(1).permutation(n_train + 500)
    train = _slice(benchmark_data / name, tmp_path / "train.csv", sorted(order[:n_train]))
    test = _slice(benchmark_data / name, tmp_path / "test.csv", sorted(order[n_train:]))
    argv = ["evaluate", "--train", str(train), "--test", str(test), "--no-embeddings", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n_train"] == n_train and result["n_test"] == 500
    assert result["micro_f1"] >= micro_floor
    assert result["macro_f1"] >= macro_floor
