"""Redaction throughput: patterns alone (target 50,000 words per CPU-second) and with spaCy's
NER (target 8,000), over synthetic speech salted with the PII test sentences.

Run: .venv/bin/python tests/benchmarks/redaction_speed.py
Prints the figures and rewrites its section of docs/benchmarks.md. CPU time, not wall time,
so other work on the machine disturbs it less (it still shares caches and cores)."""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from nlp.text.redaction import redact_many  # noqa: E402
from tests.benchmarks.docs_writer import machine, write_section  # noqa: E402
from tests.nlp.text.test_redaction import load_pii_set  # noqa: E402

SPEECH = (
    "I think the main thing for me was the bus really, it never comes on time and when it does "
    "it is packed so you cannot get on with the pram and then you miss the appointment"
)
FILLER = SPEECH.split(" ")
RUNS = 3


def corpus(count: int) -> tuple[list[str], int]:
    rng = random.Random(7)
    sentences = [text for text, _ in load_pii_set()]
    texts = [
        " ".join(rng.choice(FILLER) for _ in range(rng.randint(15, 60))).capitalize()
        + ". "
        + rng.choice(sentences)
        for _ in range(count)
    ]
    return texts, sum(len(text.split()) for text in texts)


def words_per_cpu_second(texts: list[str], words: int, use_ner: bool) -> float:
    redact_many(texts[:50], use_ner=use_ner)  # loads the model outside the timing
    rates = []
    for _ in range(RUNS):
        started = time.process_time()
        redact_many(texts, use_ner=use_ner, known_names=["Gary Evans", "Priya Shah"])
        rates.append(words / (time.process_time() - started))
    return statistics.median(rates)


def main() -> None:
    load = os.getloadavg()[0]
    texts, words = corpus(2000)
    patterns = words_per_cpu_second(texts, words, use_ner=False)
    ner_texts, ner_words = corpus(1000)
    ner = words_per_cpu_second(ner_texts, ner_words, use_ner=True)
    verdicts = [
        "met" if rate >= floor else "NOT met" for rate, floor in ((patterns, 50_000), (ner, 8_000))
    ]
    body = f"""
Command: `.venv/bin/python tests/benchmarks/redaction_speed.py`
Machine: {machine()}, load average {load:.1f} before the run. Median of {RUNS} runs, in words
per CPU-second of this process, over synthetic speech in which every sentence carries one of
the PII test sentences. Date: {time.strftime("%Y-%m-%d")}.

| path | words | words per CPU-second | target | verdict |
|---|---|---|---|---|
| patterns and known names | {words:,} | {patterns:,.0f} | 50,000 | {verdicts[0]} |
| patterns, names and spaCy NER | {ner_words:,} | {ner:,.0f} | 8,000 | {verdicts[1]} |
"""
    print(body)
    write_section("Redaction speed", body)


if __name__ == "__main__":
    main()
