"""System checks of the deployment settings that Django's own do not cover."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_count_behind_https(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """HTTPS in production usually means a proxy in front: without a count, locks key on the proxy."""
    if getattr(settings, "SECURE_HTTPS", False) and not getattr(settings, "TRUSTED_PROXY_COUNT", 0):
        return [
            Warning(
                "SECURE_HTTPS is on but TRUSTED_PROXY_COUNT is 0: behind a reverse proxy every rate limit "
                "and sign-in lock would be keyed on the proxy's address.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For.",
                id="carrefour.W001",
            )
        ]
    return []
