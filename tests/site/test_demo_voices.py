"""The demo's text generator: deterministic, varied, on-theme, and never repeating itself.

Pure Python: ``demo.voices`` imports no Django, so nothing here touches the database.
"""

import re
from collections import Counter, defaultdict
from pathlib import Path
from random import Random

import pytest
import yaml

from demo.voices import (
    COHORTS,
    EMERGENT_TOPICS,
    PLACES,
    ROUND_SENSITIVE,
    THEMES,
    VOICES,
    Voices,
)
from demo.voices.banks import load_banks
from demo.voices.likeness import LikenessIndex, read_alike

REPO = Path(__file__).resolve().parents[2]

SYSTEM = [key for key, kind in THEMES.items() if kind == "system"]
ENABLERS = [key for key, kind in THEMES.items() if kind == "enabler"]
REQUIRED = {
    "resident": [key for key in THEMES if key != "data-and-evaluation-gaps"],
    "employer": [
        "employer-attitudes", "rigid-job-design", "lack-of-adjustments", "poor-line-management",
        "flexible-work", "workplace-adjustments", "mental-health-first-aid", "employee-assistance",
        "inclusive-recruitment", "skills-mismatch", "low-awareness-of-support",
        "fragmented-services", "in-work-support", "work-placements", "fear-of-disclosure",
        "mental-health", "musculoskeletal", "access-to-work-delays", "fit-notes",
    ],
    "service": [
        *SYSTEM, *ENABLERS, "mental-health", "fear-of-losing-benefits", "digital-exclusion",
        "housing-insecurity", "debt-and-money-worries", "transport", "confidence",
        "distrust-of-services", "fit-notes",
    ],
    "roundtable": [
        *SYSTEM, *ENABLERS, "transport", "digital-exclusion", "employer-attitudes",
        "rigid-job-design", "fear-of-losing-benefits",
    ],
}  # fmt: skip
CAPACITY = {"resident": 220, "employer": 70, "service": 90, "roundtable": 30}
EMERGENT_CAPACITY = 60
ASIDES = 400

# Round-2 phrasings speak of what changed between the rounds, and always with these words.
ROUND_2_MARKER = re.compile(r"\bhubs?\b|\bfirst aiders?\b|\bmhfa\b", re.IGNORECASE)
WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b)


def runs(tokens: list[str], n: int = 8) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def mixed_calls(voices: Voices) -> list[str]:
    out = []
    for i in range(40):
        place = PLACES[i % len(PLACES)]
        cohort = COHORTS[i % len(COHORTS)] if i % 3 == 0 else None
        out.append(voices.sentence("transport", "resident", place, 1 + i % 2, cohort))
        out.append(
            voices.answer(
                ["confidence", "caring-responsibilities"], "resident", place, 1 + i % 2, cohort
            )
        )
        out.append(voices.sentence("fragmented-services", "service", place, 1 + i % 2))
        out.append(voices.sentence("flexible-work", "employer", place))
        out.append(voices.sentence("named-key-worker", "roundtable", place, 2))
        out.append(voices.aside("employer", place))
        out.append(voices.question("facilitator", "help"))
        out.append(voices.backchannel())
    return out


def test_same_seed_same_texts_and_different_seeds_differ():
    assert mixed_calls(Voices(seed=7)) == mixed_calls(Voices(seed=7))
    assert mixed_calls(Voices(seed=7)) != mixed_calls(Voices(seed=8))


def test_the_likeness_index_agrees_with_the_definition():
    rng = Random(4)
    vocabulary = [f"w{i}" for i in range(40)]
    for _ in range(20):
        index = LikenessIndex({word: rng.randrange(100) for word in vocabulary})
        held: list[str] = []
        for _ in range(120):
            pool = vocabulary[: rng.randrange(8, 40)]
            text = " ".join(rng.choice(pool) for _ in range(rng.randrange(2, 14)))
            expected = any(read_alike(text, other) for other in held)
            assert index.reads_alike(text) == expected, text
            if not expected:
                index.add(text)
                held.append(text)


def test_the_themes_are_the_codebook_leaves():
    data = yaml.safe_load((REPO / "insights/reference_data/codebook.yaml").read_text())
    leaves = [child["key"] for parent in data["codebook"]["themes"] for child in parent["children"]]
    assert set(leaves) == set(THEMES)
    assert not set(EMERGENT_TOPICS) & set(THEMES)
    assert len(EMERGENT_TOPICS) == 3


def test_every_voice_covers_its_themes_and_the_banks_are_sound():
    voices = Voices(seed=0)
    assert VOICES == ("resident", "employer", "service", "roundtable")
    for voice, required in REQUIRED.items():
        available = voices.themes_for(voice)
        assert set(required) <= set(available), f"{voice} lacks {set(required) - set(available)}"
        assert set(available) <= set(THEMES) | set(EMERGENT_TOPICS)
    for voice in ("resident", "employer", "service"):
        assert set(EMERGENT_TOPICS) <= set(voices.themes_for(voice))
    assert load_banks().problems() == []


def test_bad_arguments_are_refused_with_a_clear_message():
    voices = Voices(seed=0)
    with pytest.raises(ValueError, match="Unknown voice 'manager'"):
        voices.sentence("transport", "manager", "wirral")
    with pytest.raises(ValueError, match="Unknown theme 'weather'"):
        voices.sentence("weather", "resident", "wirral")
    with pytest.raises(ValueError, match="does not speak to 'musculoskeletal'"):
        voices.sentence("musculoskeletal", "roundtable", "wirral")
    with pytest.raises(ValueError, match="Unknown place 'manchester'"):
        voices.sentence("transport", "resident", "manchester")
    with pytest.raises(ValueError, match="Unknown cohort 'pensioners'"):
        voices.sentence("transport", "resident", "wirral", cohort="pensioners")
    with pytest.raises(ValueError, match="round_number"):
        voices.sentence("transport", "resident", "wirral", round_number=3)
    with pytest.raises(ValueError, match="Unknown voice"):
        voices.themes_for("visitor")
    with pytest.raises(ValueError, match="question topic"):
        voices.question("facilitator", "weather")
    with pytest.raises(ValueError, match="no asides"):
        voices.aside("roundtable", "wirral")


@pytest.fixture(scope="module")
def drawn():
    """Every (theme, voice) bucket drawn to capacity from one generator, plus the asides:
    the loader's heaviest use many times over."""
    voices = Voices(seed=2024)
    texts: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for voice in VOICES:
        for theme in voices.themes_for(voice):
            wanted = EMERGENT_CAPACITY if theme in EMERGENT_TOPICS else CAPACITY[voice]
            bucket = texts[(theme, voice)] = []
            for i in range(wanted):
                round_number = 1 + i % 2
                cohort = COHORTS[i % len(COHORTS)] if i % 5 == 4 else None
                place = PLACES[i % len(PLACES)]
                text = voices.sentence(theme, voice, place, round_number, cohort)
                bucket.append((text, round_number))
        if voice != "roundtable":
            texts[("aside", voice)] = [
                (voices.aside(voice, PLACES[i % len(PLACES)]), 0) for i in range(ASIDES)
            ]
    return texts


def test_capacity_draws_are_well_formed(drawn):
    for (theme, voice), bucket in drawn.items():
        limit = 30 if theme == "aside" else 40
        for text, _ in bucket:
            where = f"{voice}/{theme}: {text!r}"
            assert 8 <= len(text.split()) <= limit, where
            assert text[-1] in ".!?", where
            assert text[0].isupper() or text[0].isdigit(), where
            assert not re.search(r"[{}\[\]|]|\s{2}|\s[,.;:!?]|,,|\.\.|\ba an?\b", text), where
            assert not re.search(r"\b(\w+) \1\b", text.lower()), where  # no "the the"
            if voice == "roundtable":
                assert not re.search(r"\bI\b|\bI'", text), where


def test_no_two_capacity_draws_read_alike(drawn):
    seen_runs: dict[tuple[str, ...], str] = {}
    seen_texts: set[tuple[str, ...]] = set()
    for bucket in drawn.values():
        texts = [text for text, _ in bucket]
        bags = []
        for text in texts:
            tokens = words(text)
            assert tuple(tokens) not in seen_texts, text
            seen_texts.add(tuple(tokens))
            for run in runs(tokens):
                assert run not in seen_runs, f"{text!r} and {seen_runs[run]!r} share {run}"
                seen_runs[run] = text
            bags.append(frozenset(tokens))
        # Every pair in the bucket: Jaccard < 0.6, i.e. 8 |A & B| < 3 (|A| + |B|). The sets are
        # bitmasks here so that a million comparisons take a moment.
        bit = {word: 1 << i for i, word in enumerate({w for bag in bags for w in bag})}
        masks = [sum(bit[w] for w in bag) for bag in bags]
        sizes = [len(bag) for bag in bags]
        for i, mask in enumerate(masks[:-1]):
            overlaps = list(map(int.bit_count, map(mask.__and__, masks[i + 1 :])))
            for j, overlap in enumerate(overlaps, start=i + 1):
                if 8 * overlap >= 3 * (sizes[i] + sizes[j]):
                    assert jaccard(bags[i], bags[j]) < 0.6, f"{texts[i]!r} ~ {texts[j]!r}"


def test_no_stock_phrase_runs_through_the_texts(drawn):
    texts = [text for bucket in drawn.values() for text, _ in bucket]
    counts: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        tokens = words(text)
        counts.update({tuple(tokens[i : i + 5]) for i in range(len(tokens) - 4)})
    phrase, count = counts.most_common(1)[0]
    assert count <= 0.03 * len(texts), f"{' '.join(phrase)!r} is in {count} of {len(texts)}"


def test_round_two_speaks_of_the_change_and_round_one_never_does(drawn):
    for (theme, voice), bucket in drawn.items():
        first = [text for text, round_number in bucket if round_number == 1]
        second = [text for text, round_number in bucket if round_number == 2]
        assert not [t for t in first if ROUND_2_MARKER.search(t)], (theme, voice)
        if theme in ROUND_SENSITIVE:
            marked = sum(bool(ROUND_2_MARKER.search(text)) for text in second)
            assert marked >= 0.4 * len(second), (theme, voice, marked, len(second))


def test_a_cohort_shows_in_some_of_what_people_say():
    voices = Voices(seed=5)
    caring = re.compile(r"\bcar(?:er|ers|ing)\b|\blook(?:ing)? after\b", re.IGNORECASE)
    forces = re.compile(r"\b(?:forces|army|navy|raf|served|veteran)\b", re.IGNORECASE)
    themes = ["transport", "confidence", "debt-and-money-worries", "peer-support"]
    with_carers = [
        voices.answer(themes[i % 4 : i % 4 + 1], "resident", "knowsley", 1, "carers")
        for i in range(60)
    ]
    without = [
        voices.answer(themes[i % 4 : i % 4 + 1], "resident", "knowsley", 1) for i in range(60)
    ]
    assert sum(bool(caring.search(t)) for t in with_carers) >= 15
    assert sum(bool(caring.search(t)) for t in with_carers) > 2 * max(
        1, sum(bool(caring.search(t)) for t in without)
    )
    veterans = [
        voices.answer(["transport"], "resident", "sefton", 1, "veterans") for _ in range(40)
    ]
    assert sum(bool(forces.search(t)) for t in veterans) >= 8
    service = [
        voices.sentence(theme, "service", "halton", 1, "refugees-asylum-seekers")
        for theme in ("confidence", "transport", "fear-of-losing-benefits") * 10
    ]
    refugees = re.compile(r"refugee|status|asylum", re.IGNORECASE)
    plain = [
        voices.sentence(theme, "service", "halton", 1)
        for theme in ("confidence", "transport", "fear-of-losing-benefits") * 10
    ]
    assert sum(bool(refugees.search(text)) for text in service) >= 5
    assert not any(refugees.search(text) for text in plain)


def test_answers_are_one_sentence_per_theme_with_room_for_an_aside():
    voices = Voices(seed=11)
    sentence_end = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
    counts = Counter()
    for i in range(80):
        themes = ["transport", "caring-responsibilities", "named-key-worker"][: 1 + i % 3]
        text = voices.answer(themes, "resident", PLACES[i % 9], 1 + i % 2, max_sentences=3)
        parts = sentence_end.split(text)
        assert len(themes) <= len(parts) <= max(3, len(themes)), text
        counts[len(parts) - len(themes)] += 1
    assert counts[1] > 0  # some answers carry an aside


def test_questions_do_not_repeat_within_ten_and_backchannels_are_short():
    voices = Voices(seed=3)
    asked = [voices.question("facilitator", "barriers") for _ in range(60)]
    for i in range(len(asked)):
        assert asked[i] not in asked[max(0, i - 10) : i]
        assert asked[i].endswith("?")
    mixed = [voices.question(topic=t) for t in ["help", "employers", "services", "change"] * 8]
    for i in range(len(mixed)):
        assert mixed[i] not in mixed[max(0, i - 10) : i]
    replies = [voices.backchannel() for _ in range(40)]
    assert all(len(reply.split()) < 5 for reply in replies)
    assert len(set(replies)) > 10


def test_texts_stay_within_one_generator_not_across_generators():
    a, b = Voices(seed=1), Voices(seed=1)
    assert a.sentence("transport", "resident", "wirral") == b.sentence(
        "transport", "resident", "wirral"
    )
    themes_seen = defaultdict(set)
    for theme in ("transport", "waiting-times", "fit-notes"):
        for i in range(30):
            themes_seen[theme].add(a.sentence(theme, "resident", PLACES[i % 9]))
    assert all(len(texts) == 30 for texts in themes_seen.values())
