"""sigap.core.binary.insert_row: a row with megabytes of bytes, written exactly, inside the caller's
transaction, and on PostgreSQL bound on the server (the bytes are never quoted into the SQL text)."""

from __future__ import annotations

import os

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sigap.core.binary import insert_row
from sigap.privacy.models import VaultBlob

pytestmark = pytest.mark.django_db(transaction=True)


def _row(ref: str, payload: bytes) -> dict:
    return {
        "ref": ref,
        "key_id": "k1",
        "wrapped_key": b"\x00wrapped",
        "nonce": b"\x01" * 12,
        "ciphertext": payload,
        "content_type": "image/jpeg",
    }


def test_the_bytes_are_stored_exactly_and_the_statement_is_counted():
    payload = os.urandom(3_000_000) + b"\x00'\\\x00"  # NUL, quote and backslash bytes too
    with CaptureQueriesContext(connection) as queries:
        insert_row(VaultBlob, _row("vbl_exact", payload))
    blob = VaultBlob.objects.get(ref="vbl_exact")
    assert bytes(blob.ciphertext) == payload and bytes(blob.wrapped_key) == b"\x00wrapped"
    assert blob.destroyed_at is None and blob.content_type == "image/jpeg"
    assert abs((timezone.now() - blob.created_at).total_seconds()) < 60  # auto_now_add applied, as save() does
    (query,) = [q for q in queries.captured_queries if "vaultblob" in q["sql"].lower()]
    if connection.vendor == "postgresql":
        # server-side binding: the statement carries placeholders, not a 6 MB escaped literal
        assert len(query["sql"]) < 1_000, len(query["sql"])


def test_the_row_belongs_to_the_callers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        insert_row(VaultBlob, _row("vbl_rolled_back", b"abc"))
        assert VaultBlob.objects.filter(ref="vbl_rolled_back").exists()  # visible inside it
        raise RuntimeError("the report's batch failed")
    assert not VaultBlob.objects.filter(ref="vbl_rolled_back").exists()
