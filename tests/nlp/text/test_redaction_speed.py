"""Throughput floors for redaction, measured in CPU time so a busy machine does not fail them:
patterns alone at least 50,000 words per CPU-second, with NER at least 8,000."""

from __future__ import annotations

import random
import time

import pytest

from nlp.text.redaction import redact_many

from .test_redaction import load_pii_set

SPEECH = (
    "I think the main thing for me was the bus really, it never comes on time and when it does "
    "it is packed so you cannot get on with the pram and then you miss the appointment"
)
FILLER = SPEECH.split(" ")


def _corpus(count: int) -> tuple[list[str], int]:
    rng = random.Random(7)
    sentences = [text for text, _ in load_pii_set()]
    texts = [
        " ".join(rng.choice(FILLER) for _ in range(rng.randint(15, 60))).capitalize()
        + ". "
        + rng.choice(sentences)
        for _ in range(count)
    ]
    return texts, sum(len(text.split()) for text in texts)


def _words_per_cpu_second(texts: list[str], words: int, use_ner: bool) -> float:
    redact_many(texts[:50], use_ner=use_ner)  # loads the model outside the timing
    started = time.process_time()
    redact_many(texts, use_ner=use_ner, known_names=["Gary Evans", "Priya Shah"])
    return words / (time.process_time() - started)


@pytest.mark.slow
def test_pattern_layer_speed():
    texts, words = _corpus(2000)
    rate = _words_per_cpu_second(texts, words, use_ner=False)
    print(f"\npatterns: {rate:,.0f} words per CPU-second over {words} words")
    assert rate >= 50_000


@pytest.mark.slow
def test_ner_layer_speed():
    from nlp.text.redaction.ner import NerUnavailable, load_ner

    try:
        load_ner()
    except NerUnavailable as error:
        pytest.skip(str(error))
    texts, words = _corpus(1000)
    rate = _words_per_cpu_second(texts, words, use_ner=True)
    print(f"\nNER: {rate:,.0f} words per CPU-second over {words} words")
    assert rate >= 8_000
