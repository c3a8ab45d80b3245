"""The generator: composes sentences from the phrase banks and never repeats itself."""

from __future__ import annotations

import re
from collections import deque
from random import Random

from .banks import (
    COHORTS,
    EMERGENT_TOPICS,
    PLACES,
    QUESTION_TOPICS,
    ROUND_SENSITIVE,
    THEMES,
    VOICES,
    Banks,
    VoiceBank,
    load_banks,
    polarity,
)
from .grammar import expand, tidy
from .likeness import LikenessIndex

MIN_WORDS, MAX_WORDS, MAX_ASIDE_WORDS = 8, 40, 30
ATTEMPTS = 90  # draws per call before looking harder (four times as many before giving up)
GIVE_UP_AFTER = 40  # failures in a row after which a template is set aside
ROUND2_SHARE = 0.7  # in round 2, how often a round-sensitive theme speaks of the change
COHORT_SHARE = 0.35  # how often a sentence carries its speaker's cohort when one is given
LEAD_SHARE, TAIL_SHARE, EXPAND_SHARE = 0.3, 0.2, 0.5  # expand: per contraction, when scanned
CONNECTOR_SHARE = 0.4


class VoicesExhausted(RuntimeError):
    """A (theme, voice) bucket has no distinct phrasing left."""

    def __init__(self, theme: str, voice: str, drawn: int) -> None:
        self.theme, self.voice = theme, voice
        super().__init__(
            f"Ran out of distinct phrasings for {theme!r} in the {voice} voice after {drawn} "
            f"texts from that bucket: add phrasings to site/demo/content/voices/{voice}.yaml"
        )


def _check(kind: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"Unknown {kind} {value!r}: expected one of {', '.join(allowed)}")


class Voices:
    """Deterministic, non-repeating text for the demo: the same seed and calls give the same
    texts, and no two texts it returns read alike (see ``likeness``)."""

    def __init__(self, seed: int = 0, banks: Banks | None = None) -> None:
        self._banks = banks or load_banks()
        self._rng = Random(seed)
        self._index = LikenessIndex(self._banks.rank)
        self._uses: dict[tuple, int] = {}
        self._spent: set[tuple] = set()  # template lists with nothing distinct left
        self._failing: dict[tuple, int] = {}  # failures in a row, per template
        self._drawn: dict[tuple[str, str], int] = {}
        self._recent_questions: deque[str] = deque(maxlen=10)
        self._recent_backchannels: deque[str] = deque(maxlen=6)
        proper = set(self._banks.proper_nouns)
        for slots in self._banks.places.values():
            proper.update(slots.get("town", ()))
        self._proper = tuple(sorted(proper, key=len, reverse=True))
        self._swap_groups = {w.lower(): g for g in self._banks.swaps for w in g}
        self._swap_groups.update(
            {key.lower(): values for key, values in self._banks.rewrites.items()}
        )
        words = sorted(self._swap_groups, key=len, reverse=True)
        self._swap_pattern = re.compile(
            r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b(?!')", re.IGNORECASE
        )

    # -- what each voice can say ---------------------------------------------------------

    def themes_for(self, voice: str) -> list[str]:
        _check("voice", voice, VOICES)
        bank = self._banks.voices[voice]
        order = [*THEMES, *EMERGENT_TOPICS]
        return [theme for theme in order if theme in bank.themes]

    def _bank_for(self, theme: str, voice: str) -> VoiceBank:
        _check("voice", voice, VOICES)
        if theme not in THEMES and theme not in EMERGENT_TOPICS:
            raise ValueError(
                f"Unknown theme {theme!r}: use a codebook theme key or one of "
                f"{', '.join(EMERGENT_TOPICS)}"
            )
        bank = self._banks.voices[voice]
        if theme not in bank.themes:
            raise ValueError(
                f"The {voice} voice does not speak to {theme!r}; it covers "
                f"{', '.join(self.themes_for(voice))}"
            )
        return bank

    # -- public calls --------------------------------------------------------------------

    def sentence(
        self,
        theme: str,
        voice: str,
        place: str,
        round_number: int = 1,
        cohort: str | None = None,
    ) -> str:
        bank = self._bank_for(theme, voice)
        self._check_context(place, round_number, cohort)
        return self._theme_sentence(bank, theme, place, round_number, cohort, connector=None)

    def answer(
        self,
        themes: list[str],
        voice: str,
        place: str,
        round_number: int = 1,
        cohort: str | None = None,
        max_sentences: int = 3,
    ) -> str:
        if not themes:
            raise ValueError("An answer needs at least one theme")
        banks = [self._bank_for(theme, voice) for theme in themes]
        self._check_context(place, round_number, cohort)
        parts: list[str] = []
        previous: str | None = None
        for bank, theme in zip(banks, themes, strict=True):
            connector = None
            if previous is not None and self._rng.random() < CONNECTOR_SHARE:
                kind = "same" if polarity(theme) == previous else "turn"
                connector = self._pick(bank.connectors.get(kind, []))
            parts.append(self._theme_sentence(bank, theme, place, round_number, cohort, connector))
            previous = polarity(theme)
        bank = self._banks.voices[voice]
        room = len(parts) < max_sentences and bool(bank.asides)
        if room and self._rng.random() < (0.6 if cohort else 0.35):
            aside = self._aside(bank, place, cohort)
            if self._rng.random() < 0.6:
                parts.insert(0, aside)
            else:
                parts.append(aside)
        return " ".join(parts)

    def aside(self, voice: str, place: str, cohort: str | None = None) -> str:
        _check("voice", voice, VOICES)
        bank = self._banks.voices[voice]
        if not bank.asides:
            raise ValueError(f"The {voice} voice has no asides")
        self._check_context(place, 1, cohort)
        return self._aside(bank, place, cohort)

    def question(self, voice: str = "facilitator", topic: str = "barriers") -> str:
        if voice != "facilitator":
            raise ValueError(f"Questions come from the facilitator, not {voice!r}")
        _check("question topic", topic, QUESTION_TOPICS)
        # Ten in a row never repeat: neither the same wording nor the same question reworded.
        templates = self._banks.questions[topic]
        choices = [q for q in templates if q not in self._recent_questions]
        template = self._pick(choices)
        self._recent_questions.append(template)
        return tidy(self._capitalise(expand(template, self._rng, self._shared)))

    def backchannel(self) -> str:
        choices = [b for b in self._banks.backchannels if b not in self._recent_backchannels]
        chosen = self._pick(choices)
        self._recent_backchannels.append(chosen)
        return chosen

    # -- composition ---------------------------------------------------------------------

    def _check_context(self, place: str, round_number: int, cohort: str | None) -> None:
        _check("place", place, PLACES)
        if round_number not in (1, 2):
            raise ValueError(f"round_number must be 1 or 2, not {round_number!r}")
        if cohort is not None:
            _check("cohort", cohort, COHORTS)

    def _pick(self, items: list[str]) -> str:
        return items[self._rng.randrange(len(items))]

    def _shared(self, name: str) -> list[str]:
        return self._banks.slots.get(name, [])

    def _resolver(self, bank: VoiceBank, place: str, cohort: str | None):
        cohort_slots = bank.cohorts.get(cohort, {}).get("slots", {}) if cohort else {}
        place_slots = self._banks.places[place]
        shared = self._banks.slots

        def resolve(name: str) -> list[str]:
            for source in (cohort_slots, bank.slots, place_slots, shared):
                if name in source:
                    return source[name]
            raise ValueError(f"No slot {{{name}}} for the {bank.name} voice")

        return resolve

    def _pools(self, bank: VoiceBank, theme: str, round_number: int) -> list[str]:
        pools = bank.themes[theme]
        if theme not in ROUND_SENSITIVE:
            return ["any"]
        if round_number == 2:
            first = ["round2", "any"] if self._rng.random() < ROUND2_SHARE else ["any", "round2"]
        else:
            first = ["any", "round1"]
            if "round1" in pools and self._rng.random() < len(pools["round1"]) / (
                len(pools["round1"]) + len(pools.get("any", []))
            ):
                first.reverse()
        return [pool for pool in first if pools.get(pool)]

    def _theme_sentence(self, bank, theme, place, round_number, cohort, connector) -> str:
        resolve = self._resolver(bank, place, cohort)
        pools = self._pools(bank, theme, round_number)
        for pool in pools:
            items = bank.themes[theme][pool]
            text = self._draw(
                bank, (bank.name, theme, pool), items, polarity(theme), resolve, cohort, connector
            )
            if text is not None:
                self._drawn[(theme, bank.name)] = self._drawn.get((theme, bank.name), 0) + 1
                return text
        raise VoicesExhausted(theme, bank.name, self._drawn.get((theme, bank.name), 0))

    def _aside(self, bank: VoiceBank, place: str, cohort: str | None) -> str:
        resolve = self._resolver(bank, place, cohort)
        own = bank.cohorts.get(cohort, {}).get("asides", []) if cohort else []
        sources = [(("aside", cohort), own), (("aside", None), bank.asides)]
        if not own or self._rng.random() < 0.4:
            sources.reverse()
        for key, items in sources:
            if not items:
                continue
            text = self._draw(
                bank, (bank.name, *key), items, None, resolve, None, None, MAX_ASIDE_WORDS
            )
            if text is not None:
                self._drawn[("aside", bank.name)] = self._drawn.get(("aside", bank.name), 0) + 1
                return text
        raise VoicesExhausted("aside", bank.name, self._drawn.get(("aside", bank.name), 0))

    def _draw(self, bank, key, items, pol, resolve, cohort, connector, max_words=MAX_WORDS):
        """A text from ``items`` that reads like nothing said so far, or None when the list is
        spent. The least-used templates go first so every idea gets its turn; a template that
        keeps failing is set aside, and the list is only given up on after a long search."""
        if key in self._spent:
            return None
        rng, uses, failing = self._rng, self._uses, self._failing
        live = [i for i in range(len(items)) if failing.get((*key, i), 0) < GIVE_UP_AFTER]
        order = sorted(live, key=lambda i: (uses.get((*key, i), 0), rng.random()))
        for attempt in range(ATTEMPTS * 4):
            if not order:
                break
            if attempt == ATTEMPTS:  # a slow patch: look harder, among the templates still live
                order = [i for i in order if failing.get((*key, i), 0) < GIVE_UP_AFTER]
                if not order:
                    break
            index = order[attempt] if attempt < min(6, len(order)) else rng.choice(order)
            text = self._compose(bank, items[index], pol, resolve, cohort, connector)
            if not MIN_WORDS <= len(text.split()) <= max_words or _REPEATED.search(text):
                continue
            uses[(*key, index)] = uses.get((*key, index), 0) + 1
            if self._index.try_add(text):
                failing[(*key, index)] = 0
                return text
            failing[(*key, index)] = failing.get((*key, index), 0) + 1
        self._spent.add(key)
        return None

    def _compose(self, bank, template, pol, resolve, cohort, connector) -> str:
        rng = self._rng
        memo: dict[str, str] = {}
        body = expand(template, rng, resolve, memo).strip()
        terminal = body[-1] if body[-1] in ".?!" else "."
        body = body.rstrip(".?!").rstrip()
        question = terminal == "?"
        lead = tail = None
        size = len(body.split())
        cohort_bits = bank.cohorts.get(cohort, {}) if cohort and pol else {}
        if connector:
            lead = connector
        if cohort_bits and not question and size <= 26 and rng.random() < COHORT_SHARE:
            tails = cohort_bits.get("tails", {}).get(pol, [])
            tail = self._pick(tails) if tails else None
        roomy = tail is None or size < 16
        if lead is None and pol and not question and roomy and rng.random() < LEAD_SHARE:
            leads = [*bank.leads.get("any", []), *bank.leads.get("statement", [])]
            leads += bank.leads.get(pol, [])
            lead = self._pick(leads) if leads else None
        roomy = size <= 22 and (lead is None or size < 14)
        if tail is None and pol and not question and roomy and rng.random() < TAIL_SHARE:
            tails = bank.tails.get(pol, []) + bank.tails.get("any", [])
            tail = self._pick(tails) if tails else None
        if lead:
            lead = expand(lead, rng, resolve, memo).strip()
            # "...in that" + "That job..." or "...come when" + "When..." would stutter.
            if lead.split()[-1].strip(",:").lower() != body.split(" ", 1)[0].lower():
                body = lead + " " + self._decapitalise(body)
        if tail:
            tail = expand(tail, rng, resolve, memo).strip()
            # Tails written as "; ..." or "(...)" carry their own punctuation.
            body += (" " if tail[0] == "(" else "") + tail if tail[0] in ";(" else ", " + tail
        if bank.name != "roundtable":
            body = self._reword(body)
        return tidy(self._capitalise(body + terminal))

    def _reword(self, text: str) -> str:
        """Small wording changes people make without thinking: a contraction spelt out now and
        then ("didn't" -> "did not"), and interchangeable words swapped ("nobody" / "no one")."""
        rng = self._rng

        def contraction(match: re.Match) -> str:
            word = match.group(0)
            full = self._banks.expansions.get(word.lower())
            if full is None or rng.random() >= EXPAND_SHARE:
                return word
            return full[0].upper() + full[1:] if word[0].isupper() else full

        def swap(match: re.Match) -> str:
            word = match.group(0)
            group = self._swap_groups[word.lower()]
            chosen = group[rng.randrange(len(group))]
            return chosen[0].upper() + chosen[1:] if word[0].isupper() else chosen

        if rng.random() < 0.3:  # most sentences keep every contraction; skip the scan for them
            text = _CONTRACTION.sub(contraction, text)
        return self._swap_pattern.sub(swap, text) if self._swap_groups else text

    def _decapitalise(self, text: str) -> str:
        first = text.split(" ", 1)[0].strip(",;:")
        if first == "I" or first.startswith("I'") or (len(first) > 1 and first.isupper()):
            return text
        if any(text.startswith(name) for name in self._proper):
            return text
        return text[:1].lower() + text[1:]

    @staticmethod
    def _capitalise(text: str) -> str:
        return text[:1].upper() + text[1:]


_CONTRACTION = re.compile(r"\b[A-Za-z]+'(?:t|s|re|ve|d|ll|m)\b")
# A word said twice in a row ("the the", "do do not") is a joining artefact, or an unfilled slot.
_REPEATED = re.compile(r"\b(\w+) \1\b|[{}\[\]|]", re.IGNORECASE)
