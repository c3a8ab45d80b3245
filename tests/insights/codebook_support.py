"""Helpers for the codebook, discovery and import/export tests: segments and themes made
directly, without going through capture."""

from __future__ import annotations

import datetime
import uuid

from django.utils.text import slugify

from insights.models import Code, Segment, Theme


def make_segments(texts, *, group="resident", said_on=datetime.date(2026, 5, 1), **extra):
    """One conversation's segments, one per text, each from a different (pseudonymous) person."""
    source_id = uuid.uuid4().hex
    return [
        Segment.objects.create(
            source_type=Segment.SourceType.CONVERSATION,
            source_id=source_id,
            position=i,
            stakeholder_group=group,
            said_on=said_on,
            person_key=f"person-{source_id[:6]}-{i}",
            text=text,
            **extra,
        )
        for i, text in enumerate(texts)
    ]


def make_theme(label, *, status=Theme.Status.APPROVED, parent=None, **extra):
    key = extra.pop("key", None) or slugify(label)
    return Theme.objects.create(
        key=key,
        label=label,
        parent=parent,
        kind=extra.pop("kind", Theme.Kind.BARRIER),
        definition=extra.pop("definition", f"About {label.lower()}."),
        status=status,
        origin=extra.pop("origin", Theme.Origin.PERSON),
        **extra,
    )


def code(segment, theme, status=Code.Status.ACCEPTED, origin=Code.Origin.PERSON, **extra):
    return Code.objects.create(segment=segment, theme=theme, status=status, origin=origin, **extra)
