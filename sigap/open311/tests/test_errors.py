"""Open311 errors (``sigap.open311.errors``): a domain refusal answered with the status GeoReport v2 knows, and the
description in the request's language. No database."""

from __future__ import annotations

import pytest
from django.utils import translation

from sigap.core.errors import DomainError, NotFound, PermissionDenied, TransitionRefused
from sigap.core.language import error_text
from sigap.open311.errors import Open311Error, bad_request, forbidden, not_found, open311_status


@pytest.mark.parametrize(
    ("status", "answered"),
    [(400, 400), (401, 403), (403, 403), (404, 404), (405, 405), (409, 400), (413, 400), (415, 400), (422, 400)]
    + [(429, 429), (500, 500), (503, 503)],
)
def test_a_domain_refusal_is_answered_with_a_georeport_status(status, answered):
    assert open311_status(DomainError("x", "x", status=status)) == answered


def test_the_domain_kinds_map_as_a_client_expects():
    assert open311_status(NotFound("x", "x")) == 404
    assert open311_status(PermissionDenied("x", "x")) == 403
    assert open311_status(TransitionRefused("x", "x")) == 400  # intake's 409 is a bad request to a client


def test_the_helpers_build_the_three_georeport_errors():
    assert (bad_request("a", "b", field="lat").status, bad_request("a", "b").code) == (400, "bad_request")
    assert bad_request("a", "b", field="lat").field == "lat"
    assert (not_found("a", "b").status, not_found("a", "b").code) == (404, "not_found")
    denied = forbidden("a", "b")
    assert (denied.status, denied.code, denied.field) == (403, "invalid_api_key", "api_key")
    assert isinstance(denied, Open311Error) and isinstance(denied, DomainError)


def test_the_description_follows_the_active_language():
    err = bad_request("Kategori tidak dikenal.", "Unknown service.")
    with translation.override("id"):
        assert error_text(err) == "Kategori tidak dikenal."
    with translation.override("en-gb"):
        assert error_text(err) == "Unknown service."
    with translation.override(None):
        assert error_text(err) in ("Kategori tidak dikenal.", "Unknown service.")
