from __future__ import annotations

import pytest
from django.utils import translation

from sigap.core.errors import DomainError
from sigap.core.language import error_text, in_english, name_in_language


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


def test_a_name_kept_in_both_languages_follows_the_request():
    with translation.override("en"):
        assert name_in_language("Jalan rusak", "Damaged road") == "Damaged road"
        assert name_in_language("Jalan rusak", "") == "Jalan rusak"  # no English name: the Indonesian one
        assert name_in_language("Jalan rusak", "Damaged road", english=False) == "Jalan rusak"
    with translation.override("id"):
        assert name_in_language("Jalan rusak", "Damaged road") == "Jalan rusak"
        assert name_in_language(None, None) == ""
