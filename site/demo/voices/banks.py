"""The vocabulary of the generator (voices, themes, Places, cohorts) and its YAML phrase banks.

The banks live in ``site/demo/content/voices/``: ``shared.yaml`` holds slot vocabularies used by
every voice (towns per Place, jobs, durations, relatives...), each voice has its own file, and
``facilitator.yaml`` holds focus-group questions and backchannels. Each file starts with a
comment that documents its layout.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from random import Random

import yaml

from .grammar import expand, literal_words, parse, slots_in

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content" / "voices"

VOICES = ("resident", "employer", "service", "roundtable")

PLACES = (
    "liverpool",
    "knowsley",
    "sefton",
    "st-helens",
    "wirral",
    "halton",
    "warrington",
    "cheshire-east",
    "cheshire-west-and-chester",
)

COHORTS = (
    "care-leavers",
    "young-people-neet",
    "criminal-justice",
    "mental-health",
    "learning-disability-autism",
    "over-50s",
    "carers",
    "veterans",
    "refugees-asylum-seekers",
    "ethnic-minority",
    "long-term-unemployed",
    "economically-inactive",
    "disabled-people",
    "women-long-term-conditions",
    "rural-residents",
)

# The starter codebook's leaf themes (insights/reference_data/codebook.yaml) and their kinds.
THEMES: dict[str, str] = {
    "mental-health": "barrier",
    "musculoskeletal": "barrier",
    "fluctuating-conditions": "barrier",
    "neurodivergence-learning-disability": "barrier",
    "confidence": "barrier",
    "skills-mismatch": "barrier",
    "digital-exclusion": "barrier",
    "gaps-in-work-history": "barrier",
    "fear-of-losing-benefits": "barrier",
    "debt-and-money-worries": "barrier",
    "cost-of-working": "barrier",
    "caring-responsibilities": "barrier",
    "housing-insecurity": "barrier",
    "transport": "barrier",
    "stigma-and-discrimination": "barrier",
    "distrust-of-services": "barrier",
    "fear-of-disclosure": "barrier",
    "employer-attitudes": "barrier",
    "rigid-job-design": "barrier",
    "lack-of-adjustments": "barrier",
    "poor-line-management": "barrier",
    "rigid-eligibility": "system",
    "short-term-funding": "system",
    "missing-referral-pathways": "system",
    "fragmented-services": "system",
    "waiting-times": "system",
    "low-awareness-of-support": "system",
    "data-and-evaluation-gaps": "system",
    "trusted-settings": "enabler",
    "named-key-worker": "enabler",
    "peer-support": "enabler",
    "no-wrong-door": "enabler",
    "ips-supported-employment": "enabler",
    "in-work-support": "enabler",
    "work-placements": "enabler",
    "tailored-training": "enabler",
    "holistic-support": "enabler",
    "flexible-work": "enabler",
    "workplace-adjustments": "enabler",
    "mental-health-first-aid": "enabler",
    "employee-assistance": "enabler",
    "inclusive-recruitment": "enabler",
    "early-intervention": "enabler",
    "social-prescribing": "enabler",
    "health-and-work-integration": "enabler",
    "listening-to-lived-experience": "enabler",
}

# Topics people raise that the starter codebook has no theme for, so theme discovery can find them.
EMERGENT_TOPICS: dict[str, str] = {
    "fit-notes": "GP fit notes that only ever say 'not fit for work', never what someone could do.",
    "access-to-work-delays": "Months of waiting for an Access to Work assessment, grant or kit.",
    "zero-hours-agency-work": "Agency and zero-hours work that makes pay and benefits erratic.",
}

# Themes whose phrasing changes between the two listening rounds: between them a "no wrong door"
# hub with named key workers opened in some Places and employers began Mental Health First Aid.
ROUND_SENSITIVE = frozenset(
    {
        "named-key-worker",
        "no-wrong-door",
        "mental-health-first-aid",
        "health-and-work-integration",
        "in-work-support",
        "fragmented-services",
        "missing-referral-pathways",
    }
)

QUESTION_TOPICS = ("barriers", "help", "employers", "services", "change")

POOLS = ("any", "round1", "round2")


def polarity(theme: str) -> str:
    """'positive' for enablers, 'negative' for barriers, system issues and emergent topics."""
    return "positive" if THEMES.get(theme) == "enabler" else "negative"


@dataclass
class VoiceBank:
    name: str
    themes: dict[str, dict[str, list[str]]]
    slots: dict[str, list[str]] = field(default_factory=dict)
    leads: dict[str, list[str]] = field(default_factory=dict)
    tails: dict[str, list[str]] = field(default_factory=dict)
    connectors: dict[str, list[str]] = field(default_factory=dict)
    asides: list[str] = field(default_factory=list)
    cohorts: dict[str, dict] = field(default_factory=dict)

    def templates(self):
        """Every template in the bank, with where it came from (for checks and statistics)."""
        for theme, pools in self.themes.items():
            for pool, items in pools.items():
                for item in items:
                    yield f"{self.name}:{theme}:{pool}", item
        for group in ("leads", "tails", "connectors"):
            for kind, items in getattr(self, group).items():
                for item in items:
                    yield f"{self.name}:{group}:{kind}", item
        for item in self.asides:
            yield f"{self.name}:asides", item
        for cohort, parts in self.cohorts.items():
            for key, value in parts.items():
                values = value.values() if isinstance(value, dict) else [value]
                for items in values:
                    for item in items:
                        yield f"{self.name}:cohort:{cohort}:{key}", item


@dataclass
class Banks:
    slots: dict[str, list[str]]
    places: dict[str, dict[str, list[str]]]
    proper_nouns: tuple[str, ...]
    expansions: dict[str, str]
    swaps: list[list[str]]
    rewrites: dict[str, list[str]]
    voices: dict[str, VoiceBank]
    questions: dict[str, list[str]]
    backchannels: list[str]
    rank: dict[str, int]

    def all_templates(self):
        for voice in self.voices.values():
            yield from voice.templates()
        for name, items in self.slots.items():
            for item in items:
                yield f"shared:slot:{name}", item
        for place, slots in self.places.items():
            for name, items in slots.items():
                for item in items:
                    yield f"shared:place:{place}:{name}", item

    def problems(self) -> list[str]:
        """Templates that do not parse, or refer to slots nothing can fill."""
        found = []
        for where, text in self.all_templates():
            try:
                parse(text)
                names = slots_in(text)
            except ValueError as exc:
                found.append(f"{where}: {exc}")
                continue
            voice = self.voices.get(where.split(":", 1)[0])
            for name in names:
                known = name in self.slots or all(name in s for s in self.places.values())
                if voice is not None:
                    known = (
                        known
                        or name in voice.slots
                        or any(name in parts.get("slots", {}) for parts in voice.cohorts.values())
                    )
                if not known:
                    found.append(f"{where}: unknown slot {{{name}}} in {text!r}")
        return found


def _read(path: Path) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: much faster
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=loader) or {}  # noqa: S506 - a safe loader either way
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} must hold a mapping at the top level")
    return data


def _voice(name: str, data: dict) -> VoiceBank:
    themes: dict[str, dict[str, list[str]]] = {}
    for theme, value in (data.get("themes") or {}).items():
        if theme not in THEMES and theme not in EMERGENT_TOPICS:
            raise ValueError(f"{name}.yaml: {theme!r} is neither a codebook theme nor emergent")
        pools = value if isinstance(value, dict) else {"any": value}
        unknown = set(pools) - set(POOLS)
        if unknown:
            raise ValueError(f"{name}.yaml: theme {theme!r} has unknown pools {sorted(unknown)}")
        if ("round1" in pools or "round2" in pools) and theme not in ROUND_SENSITIVE:
            raise ValueError(f"{name}.yaml: theme {theme!r} does not change between rounds")
        themes[theme] = {pool: list(pools[pool] or []) for pool in POOLS if pools.get(pool)}
    return VoiceBank(
        name=name,
        themes=themes,
        slots=data.get("slots") or {},
        leads=data.get("leads") or {},
        tails=data.get("tails") or {},
        connectors=data.get("connectors") or {},
        asides=list(data.get("asides") or []),
        cohorts=data.get("cohorts") or {},
    )


@lru_cache(maxsize=4)
def load_banks(directory: Path = CONTENT_DIR) -> Banks:
    shared = _read(directory / "shared.yaml")
    facilitator = _read(directory / "facilitator.yaml")
    voices = {name: _voice(name, _read(directory / f"{name}.yaml")) for name in VOICES}
    banks = Banks(
        slots=shared.get("slots") or {},
        places=shared.get("places") or {},
        proper_nouns=tuple(shared.get("proper_nouns") or ()),
        expansions=shared.get("expansions") or {},
        swaps=[list(group) for group in shared.get("swaps") or []],
        rewrites={key: list(values) for key, values in (shared.get("rewrites") or {}).items()},
        voices=voices,
        questions=facilitator.get("questions") or {},
        backchannels=list(facilitator.get("backchannels") or []),
        rank={},
    )
    missing = [place for place in PLACES if place not in banks.places]
    if missing:
        raise ValueError(f"shared.yaml has no towns for {', '.join(missing)}")
    banks.rank = _word_frequencies(banks)
    return banks


def _word_frequencies(banks: Banks) -> dict[str, int]:
    """How common each word is in what the banks produce: every template filled a few times
    with a fixed generator. The likeness index reads its words rarest first, so this only
    affects speed, never the answer."""
    rng = Random(0)
    counts: Counter[str] = Counter()
    place_slots = banks.places[PLACES[0]]
    for where, text in banks.all_templates():
        voice = banks.voices.get(where.split(":", 1)[0])

        def resolve(name: str, voice=voice) -> list[str]:
            for source in (voice.slots if voice else {}, place_slots, banks.slots):
                if name in source:
                    return source[name]
            for parts in voice.cohorts.values() if voice else ():
                if name in parts.get("slots", {}):
                    return parts["slots"][name]
            return [name]

        counts.update(literal_words(text))
        for _ in range(3):
            counts.update(literal_words(expand(text, rng, resolve)))
    return dict(counts)
