"""A short-lived cache of the public session listing, as anonymous visitors see it.

The listing is the busiest public page and identical for every anonymous visitor with the same
filters, so its HTML is cached per query string. Any change to a session or a registration
bumps a version number that is part of every key, so a change shows at once; the timeout is
only a backstop for bulk updates that send no signals."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

VERSION_KEY = "focus_groups:listing:version"
TIMEOUT_SECONDS = 30


def _version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def listing_key(query_string: str) -> str:
    digest = hashlib.sha256(query_string.encode()).hexdigest()[:24]
    return f"focus_groups:listing:{_version()}:{digest}"


def listing_changed(**kwargs) -> None:
    """Receiver for any change that can alter what the listing shows."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted: any new value invalidates old keys
        cache.set(VERSION_KEY, _version() + 1, timeout=None)
