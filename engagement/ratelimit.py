"""A small fixed-window rate limiter on the cache, keyed by client address.

The address is hashed before use as a key, so the cache never holds it in the clear."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def client_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def rate_limited(request, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count this request; True once the client has made more than `limit` in the window."""
    window = int(time.time() // window_seconds)
    key = f"ratelimit:{scope}:{client_key(request)}:{window}"
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return False
    return count > limit
