"""The NER layer (needs the small English spaCy model; skipped without it)."""

from __future__ import annotations

import pytest

from nlp.text.pii_eval import score
from nlp.text.redaction import redact, redact_many
from nlp.text.redaction.ner import NerUnavailable, load_ner

from .test_redaction import load_pii_set


@pytest.fixture(scope="module", autouse=True)
def _model():
    try:
        load_ner()
    except NerUnavailable as error:
        pytest.skip(str(error))


def test_ner_finds_people_but_keeps_places():
    result = redact(
        "Sandra Collins told me the Wirral and Knowsley buses are worse than Liverpool."
    )
    assert result.text == "[NAME] told me the Wirral and Knowsley buses are worse than Liverpool."


def test_ner_with_known_names_and_patterns_together():
    result = redact(
        "Gary and his sister Michelle Thompson phoned 0151 496 0000 from St Helens.",
        known_names=["Gary Evans"],
    )
    assert result.text == "[NAME] and his sister [NAME] phoned [PHONE] from St Helens."


def test_ner_keeps_precision_on_the_pii_set():
    cases = load_pii_set()
    results = redact_many([text for text, _ in cases], use_ner=True)
    predicted = [[(s.start, s.end, s.kind) for s in r.spans] for r in results]
    scores = score(predicted, [gold for _, gold in cases])
    print("\n" + scores.table())
    assert scores.overall.precision >= 0.9
    assert scores.overall.recall >= 0.95


def test_long_text_is_chunked_with_offsets_kept(monkeypatch):
    from nlp.text.redaction import ner

    monkeypatch.setattr(ner, "CHUNK_CHARS", 60)
    text = "We talked about the buses for ages. " * 5 + "Then Sandra Collins arrived late."
    result = redact(text)
    assert result.text.endswith("Then [NAME] arrived late.")
    assert result.spans[0].original == "Sandra Collins"
