"""Rate limits per address count an IPv6 client by its /64: one subscriber line or host is routinely given a
whole /64 (2^64 addresses), so counting each address alone lets a client file or guess tracking codes without
limit by changing the last 64 bits. IPv4 addresses still count alone."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from sigap.core.throttles import per_ip


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _post(addr: str):
    return RequestFactory().post("/api/v1/reports", REMOTE_ADDR=addr)


def test_addresses_of_one_ipv6_64_share_a_counter():
    throttle = per_ip("report", "3/h")
    allowed = [throttle.allow_request(_post(f"2001:db8:1:2::{i:x}")) for i in range(1, 7)]
    assert allowed == [True, True, True, False, False, False]
    assert throttle.allow_request(_post("2001:db8:1:3::1"))  # another /64: its own counter


def test_ipv4_addresses_count_alone():
    throttle = per_ip("report", "1/h")
    assert throttle.allow_request(_post("203.0.113.7")) and throttle.allow_request(_post("203.0.113.8"))
    assert not throttle.allow_request(_post("203.0.113.7"))


def test_an_ipv4_mapped_ipv6_address_counts_as_its_ipv4_address():
    throttle = per_ip("report", "1/h")
    assert throttle.allow_request(_post("203.0.113.9"))
    assert not throttle.allow_request(_post("::ffff:203.0.113.9"))
