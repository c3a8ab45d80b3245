"""Builders for theme-report tests: themes, segments and accepted codes, made directly (the
capture and review flows have their own tests)."""

from __future__ import annotations

import datetime
import itertools

from insights.models import Code, Segment, Theme

_counter = itertools.count(1)


def make_theme(key, *, parent=None, status=Theme.Status.APPROVED, label=None, **extra):
    return Theme.objects.create(
        key=key,
        label=label or key.replace("-", " ").capitalize(),
        parent=parent,
        kind=extra.pop("kind", Theme.Kind.BARRIER),
        definition=f"Definition of {key}.",
        status=status,
        **extra,
    )


def make_segment(person="p1", *, text=None, **fields):
    n = next(_counter)
    defaults = {
        "source_type": Segment.SourceType.CONVERSATION,
        "source_id": f"src-{n}",
        "stakeholder_group": "resident",
        "said_on": datetime.date(2026, 2, 10),
        "person_key": person,
        "text": text or f"Something someone said about work and health, number {n}.",
    }
    defaults.update(fields)
    return Segment.objects.create(**defaults)


def code(segment, theme, *, status=Code.Status.ACCEPTED, origin=Code.Origin.PERSON, score=None):
    return Code.objects.create(
        segment=segment, theme=theme, status=status, origin=origin, score=score
    )


def people_say(theme, people, *, start=0, segments_each=1, **fields):
    """``people`` distinct people each say ``segments_each`` things coded (accepted) with
    ``theme``; returns the segments."""
    out = []
    for i in range(start, start + people):
        for _ in range(segments_each):
            segment = make_segment(f"person-{i}", **fields)
            code(segment, theme)
            out.append(segment)
    return out
