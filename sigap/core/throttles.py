"""Rate limits per client IP, each with its own counter (filing, tracking and login must not share one)."""
from __future__ import annotations

from ninja.throttling import AnonRateThrottle


def per_ip(scope: str, rate: str) -> AnonRateThrottle:
    throttle = AnonRateThrottle(rate)
    throttle.scope = scope
    return throttle
