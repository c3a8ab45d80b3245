"""A small fixed-window rate limiter on the cache, keyed by client address.

It guards the public forms allauth does not own (survey answers, guest sign-ups to sessions);
sign-in, account sign-up and password reset are limited by allauth itself (ACCOUNT_RATE_LIMITS).
The client address is found the same way allauth finds it, so one setting
(ALLAUTH_TRUSTED_PROXY_COUNT, from EHL_TRUSTED_PROXY_COUNT) serves both behind a reverse proxy.
The address is hashed before use as a key, so the cache never holds it in the clear."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with N trusted proxies in front, the Nth
    address from the right of X-Forwarded-For (the ones to its left can be forged)."""
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request) -> str:
    return hashlib.sha256(client_address(request).encode()).hexdigest()[:32]


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
