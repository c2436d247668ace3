"""Fixed-window rate limits kept in the shared cache, so they hold across processes."""

from __future__ import annotations

import hashlib
import ipaddress
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
    """The client's address, the one rate limits and locks are keyed on.

    Behind `TRUSTED_PROXY_COUNT` proxies of our own, each appends the address it saw to
    X-Forwarded-For: the client is the hop that many places from the end. Hops before it come
    from the client and could be made up to dodge the limits, so they are never read. With no
    trusted proxy (the default) the header is ignored and the connection's address is the client.
    """
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            # Fewer hops than proxies: the request skipped the outer ones; the first hop is then
            # the address the innermost proxy saw, the best we know.
            candidate = hops[-count] if len(hops) >= count else hops[0]
            if _is_address(candidate):
                return str(ipaddress.ip_address(candidate))
    return remote


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
