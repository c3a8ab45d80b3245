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
