"""Small builders for the coding, review and double-coding tests: a tiny approved codebook and
segments with provenance, made directly (the capture pipeline has its own tests)."""

from __future__ import annotations

import datetime
import itertools

from insights.models import Code, Segment, Theme

_counter = itertools.count(1)

THEMES = {
    "transport": (
        "Transport",
        ["bus", "train", "travel"],
        "Getting to work is hard without transport.",
    ),
    "childcare": (
        "Childcare",
        ["nursery", "childcare", "school run"],
        "Caring for children limits work.",
    ),
    "anxiety": (
        "Mental health",
        ["anxiety", "stress", "panic"],
        "Anxiety or stress keeps people from work.",
    ),
}

TEXTS = {
    "transport": [
        "The bus only comes twice a day so I cannot get to the early shift.",
        "There is no train from here and travel costs eat half my wages.",
        "I missed interviews because the bus never turned up on time.",
    ],
    "childcare": [
        "The nursery closes at five and my shift ends at six.",
        "Without childcare I cannot take any job with long hours.",
        "The school run means I can only work between ten and two.",
    ],
    "anxiety": [
        "My anxiety is so bad some mornings that I cannot leave the house.",
        "The stress of the job centre appointments made my panic worse.",
        "Since the panic attacks started I have not been able to work.",
    ],
}


def make_codebook() -> dict[str, Theme]:
    """Three approved themes under one parent, with key phrases the rules can match."""
    parent = Theme.objects.create(
        key="barriers",
        label="Barriers",
        kind=Theme.Kind.BARRIER,
        definition="Things that get in the way of work.",
        status=Theme.Status.APPROVED,
    )
    themes = {"barriers": parent}
    for order, (key, (label, phrases, definition)) in enumerate(THEMES.items(), start=1):
        themes[key] = Theme.objects.create(
            key=key,
            label=label,
            parent=parent,
            kind=Theme.Kind.BARRIER,
            definition=definition,
            key_phrases=phrases,
            examples=TEXTS[key][:1],
            status=Theme.Status.APPROVED,
            sort_order=order,
        )
    return themes


def make_segment(text: str, **overrides) -> Segment:
    n = next(_counter)
    fields = {
        "source_type": Segment.SourceType.CONVERSATION,
        "source_id": f"record-{n}",
        "source_part": "effect_on_work",
        "position": 0,
        "stakeholder_group": "resident",
        "said_on": datetime.date(2026, 3, 1),
        "person_key": f"person-{n}",
        "speaker": f"Participant {n}",
        "text": text,
    }
    fields.update(overrides)
    return Segment.objects.create(**fields)


def make_segments(n: int, **overrides) -> list[Segment]:
    """`n` segments cycling through the example texts of every theme."""
    texts = list(itertools.chain.from_iterable(zip(*TEXTS.values(), strict=True)))
    return [make_segment(f"{texts[i % len(texts)]} ({i})", **overrides) for i in range(n)]


def theme_of(text: str) -> str:
    """The theme a test text was written for."""
    for key, texts in TEXTS.items():
        if any(text.startswith(t) for t in texts):
            return key
    raise KeyError(text)


def person_codes(segments, themes: dict[str, Theme], user) -> None:
    """Each segment accepted by ``user`` with the theme its text was written for."""
    from django.utils import timezone

    for segment in segments:
        Code.objects.create(
            segment=segment,
            theme=themes[theme_of(segment.text)],
            origin=Code.Origin.PERSON,
            status=Code.Status.ACCEPTED,
            coder=user,
            decided_by=user,
            decided_at=timezone.now(),
        )


def suggest(segment: Segment, theme: Theme, score: float = 0.5, **fields) -> Code:
    """A machine suggestion, as a coding run leaves it."""
    fields = {
        "origin": Code.Origin.SIMILARITY,
        "reason": "nearest: an example (cosine 0.50)",
        "model_name": "similarity (hashing)",
        **fields,
    }
    return Code.objects.create(
        segment=segment, theme=theme, status=Code.Status.SUGGESTED, score=score, **fields
    )
