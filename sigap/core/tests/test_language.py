from __future__ import annotations

import pytest
from django.utils import translation

from sigap.core.errors import DomainError
from sigap.core.language import error_text, in_english


@pytest.mark.parametrize(
    ("language", "english"),
    [("id", False), ("en", True), ("en-us", True), ("EN-GB", True), ("jv", False), (None, False)],
)
def test_english_only_when_the_request_speaks_it(language, english):
    refusal = DomainError("Laporan tidak ditemukan.", "Report not found.")
    if language is None:
        with translation.override(None):  # no active language: Bahasa Indonesia, the default
            assert in_english() is False and error_text(refusal) == "Laporan tidak ditemukan."
        return
    with translation.override(language):
        assert in_english() is english
        assert error_text(refusal) == ("Report not found." if english else "Laporan tidak ditemukan.")
