"""Open311 rows (``sigap.open311.models``): a client key is kept as a hash only; a service question's list of
choices must be well formed, and only list questions have choices."""

from __future__ import annotations

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

from django.core.exceptions import ValidationError

from sigap.open311.models import ApiClient, ClientReport, ServiceAttribute


def test_keys_and_tokens_are_random_and_only_the_keys_hash_is_kept():
    first, second = ApiClient.new_key(), ApiClient.new_key()
    assert first != second and len(first) >= 20
    client = ApiClient(name="app")
    client.set_key(first)
    assert client.key_hash == ApiClient.hash(first) != ApiClient.hash(second) and first not in client.key_hash
    assert ClientReport.new_token() != ClientReport.new_token()


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ([{"key": "kecil", "name": "Kecil"}, {"key": "besar", "name": "Besar"}], True),
        ([], False),
        ([{"key": "kecil"}], False),
        ([{"key": " ", "name": "Kosong"}], False),
        ("kecil,besar", False),
    ],
)
def test_a_list_question_needs_well_formed_choices(values, ok):
    attr = ServiceAttribute(category_code="jalan-rusak", code="ukuran", datatype="singlevaluelist", values=values)
    if ok:
        attr.clean()
        assert attr.value_keys() == ["kecil", "besar"]
    else:
        with pytest.raises(ValidationError):
            attr.clean()


def test_only_list_questions_have_choices():
    ServiceAttribute(category_code="jalan-rusak", code="jumlah", datatype="number", values=[]).clean()
    with pytest.raises(ValidationError):
        ServiceAttribute(
            category_code="jalan-rusak", code="jumlah", datatype="number", values=[{"key": "1", "name": "1"}]
        ).clean()
