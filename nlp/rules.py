"""Rule coding: find a theme's key phrases in a segment with spaCy's PhraseMatcher.

Matching runs on a light normalisation of each token (lower case, simple English suffixes
stripped) so "waiting", "waited" and "waits" all meet the phrase "wait". spaCy's blank English
pipeline has no lemmatizer and lookup tables are not installed, so this stemmer stands in; it
is deliberately crude, and the same function normalises phrases and text, which is what makes
them meet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.codebook import Theme
from nlp.types import Suggestion

_VOWELS = set("aeiouy")


def normalise_token(word: str) -> str:
    """Lower-case ``word`` and strip a plural, possessive, -ing or -ed ending."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith(("ies", "ied")) and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        stem = w[: -len(suffix)]
        # Only strip when a syllable is left ("ring" and "bed" stay whole).
        if w.endswith(suffix) and len(stem) >= 3 and _VOWELS & set(stem):
            w = stem
            # "waitting" is not English, but "stopped" → "stopp" → "stop" is.
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "flsz":
                w = w[:-1]
            break
    return w


@dataclass(frozen=True)
class RuleHit:
    """A key phrase found in a segment, by token span."""

    theme_key: str
    phrase: str
    start: int
    end: int
    text: str


class PhraseRules:
    """Key-phrase matcher over a set of themes. Build once, then :meth:`match` many texts."""

    def __init__(self, themes: Iterable[Theme]):
        import spacy
        from spacy.matcher import PhraseMatcher

        self._nlp = spacy.blank("en")
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="NORM")
        self._phrases: dict[str, str] = {}
        for theme in themes:
            patterns = []
            for phrase in theme.key_phrases:
                doc = self._normalised(self._nlp.make_doc(phrase))
                if len(doc):
                    patterns.append(doc)
                    self._phrases[self._phrase_key(theme.key, doc)] = phrase
            if patterns:
                self._matcher.add(theme.key, patterns)

    @staticmethod
    def _phrase_key(theme_key: str, tokens) -> str:
        return theme_key + "\x1f" + " ".join(t.norm_ for t in tokens)

    @staticmethod
    def _normalised(doc):
        for token in doc:
            token.norm_ = normalise_token(token.text)
        return doc

    def match_many(self, texts: Sequence[str], batch_size: int = 256) -> list[list[RuleHit]]:
        """Hits per text, in text order; within a text, in order of position."""
        out: list[list[RuleHit]] = []
        strings = self._nlp.vocab.strings
        for doc in self._nlp.pipe(texts, batch_size=batch_size):
            self._normalised(doc)
            hits = []
            for match_id, start, end in self._matcher(doc):
                key = strings[match_id]
                span = doc[start:end]
                phrase = self._phrases.get(self._phrase_key(key, span), span.text)
                hits.append(RuleHit(key, phrase, start, end, span.text))
            hits.sort(key=lambda h: (h.start, -h.end))
            out.append(hits)
        return out

    def match(self, text: str) -> list[RuleHit]:
        """Hits in one text."""
        return self.match_many([text])[0]

    def suggest_many(self, texts: Sequence[str]) -> list[list[Suggestion]]:
        """One suggestion per theme hit, the reason naming the phrase(s) found."""
        out = []
        for hits in self.match_many(texts):
            by_theme: dict[str, list[str]] = {}
            for hit in hits:
                found = by_theme.setdefault(hit.theme_key, [])
                if hit.text not in found:
                    found.append(hit.text)
            out.append(
                [
                    Suggestion(key, 1.0, "rule", "matched " + ", ".join(f"'{p}'" for p in found))
                    for key, found in by_theme.items()
                ]
            )
        return out
