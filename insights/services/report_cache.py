"""A cache of suppressed theme reports, keyed by the filter and a fingerprint of the evidence.

Counting a report over 100,000 coded segments is one heavy statement (`report_counts.py`),
yet the evidence changes far less often than people read reports. So a report, once counted, is
kept and served again until the evidence it counted changes.

Whether it has changed is read from the database on every request, not from a signal: the web
processes, the workers and management commands each have their own memory, and codes and
segments are also changed in bulk (coding runs, consent withdrawal), which sends no signals.
The fingerprint is a few cheap aggregates over codes, segments, reviews, themes and codebook
versions: every save moves a ``MAX(updated_at)``, every insert or delete moves a ``COUNT``, and
a bulk status change moves the count of accepted codes, in analysis segments or flagged quotes.
Anything it could miss (a cohort re-linked without touching its segment) is bounded by the
timeout.

Only the suppressed payload is cached (never raw counts), and only for the live report pages and
exports; published snapshots are always counted afresh. After consent is withdrawn the
fingerprint changes at once, so the words can no longer be served; the stale entry is
overwritten by the next request for that filter or expires with the timeout.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q

from ..models import Code, CodebookVersion, Segment, SegmentReview, Theme, in_analysis_q

TIMEOUT_SECONDS = 15 * 60
_PREFIX = "insights:report:"


def fingerprint() -> str:
    """A digest that changes whenever anything a report counts or quotes changes."""
    codes = Code.objects.aggregate(
        n=Count("id"),
        accepted=Count("id", filter=Q(status=Code.Status.ACCEPTED)),
        changed=Max("updated_at"),
    )
    segments = Segment.objects.aggregate(
        n=Count("id"),
        live=Count("id", filter=in_analysis_q()),
        changed=Max("updated_at"),
        withdrawn=Max("withdrawn_at"),
    )
    reviews = SegmentReview.objects.aggregate(
        n=Count("id"),
        powerful=Count("id", filter=Q(powerful_quote=True)),
        changed=Max("reviewed_at"),
    )
    themes = Theme.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    version = CodebookVersion.objects.aggregate(number=Max("number"))
    parts = [codes, segments, reviews, themes, version, connection.settings_dict.get("NAME")]
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def cache_key(segment_filter: dict | None, quotes: bool) -> str:
    """Where the report for a filter lives; one key per filter, so a newer report replaces it."""
    described = json.dumps(
        {"filter": segment_filter or {}, "quotes": quotes}, default=str, sort_keys=True
    )
    return _PREFIX + hashlib.sha256(described.encode()).hexdigest()[:32]


def cached_report(segment_filter: dict | None, quotes: bool, build) -> dict:
    """The report for ``segment_filter``: the kept one while the evidence is unchanged,
    otherwise ``build()``'s, which is then kept."""
    key = cache_key(segment_filter, quotes)
    current = fingerprint()
    kept = cache.get(key)
    if isinstance(kept, dict) and kept.get("fingerprint") == current:
        return kept["payload"]
    payload = build()
    cache.set(key, {"fingerprint": current, "payload": payload}, timeout=TIMEOUT_SECONDS)
    return payload
