"""Fixed-window rate limits kept in the shared cache, so they hold across processes."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse "5/10m" into (5 hits, 600 seconds)."""
    count, _, period = rate.partition("/")
    unit = period[-1]
    amount = int(period[:-1] or 1)
    return int(count), amount * _UNITS[unit]


def rate_limit_hit(*, scope: str, key: str) -> bool:
    """Count one hit for `key` in `scope`; return True when the limit is exceeded."""
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    window = int(time.time() // period)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=period + 5)
        count = 1
    return count > limit


def client_ip(request) -> str:
    """The client address; behind the trusted proxy, the address that proxy saw.

    That is the last X-Forwarded-For hop: the proxy appends it, whereas the first hops come
    from the client and could be made up to dodge the rate limits.
    """
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")
