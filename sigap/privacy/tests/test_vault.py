"""The vault: envelope encryption, rotation without decrypting payloads, crypto-shredding."""

from __future__ import annotations

import io

import pytest
from cryptography.exceptions import InvalidTag

from sigap.core.errors import DomainError
from sigap.privacy import vault
from sigap.privacy.models import IdentityRecord, VaultBlob

pytestmark = pytest.mark.django_db
KEY_A = vault.generate_master_key()
KEY_B = vault.generate_master_key()


@pytest.fixture
def key_a(settings):
    settings.SIGAP_VAULT_KEY = KEY_A
    settings.SIGAP_VAULT_OLD_KEYS = []
    return KEY_A


def test_each_record_has_its_own_data_key_and_nothing_is_readable_in_the_row(key_a):
    ref1 = vault.identity_store(payload={"name": "Sri Rahayu", "phone": "081211112222"})
    ref2 = vault.identity_store(payload={"name": "Sri Rahayu", "phone": "081211112222"})
    r1, r2 = IdentityRecord.objects.get(ref=ref1), IdentityRecord.objects.get(ref=ref2)
    assert bytes(r1.wrapped_key) != bytes(r2.wrapped_key) and bytes(r1.ciphertext) != bytes(r2.ciphertext)
    for row in (r1, r2):
        assert b"Rahayu" not in bytes(row.ciphertext) and b"0812" not in bytes(row.ciphertext)
    assert vault.identity_for_reveal(ref1)["name"] == "Sri Rahayu"


def test_a_record_cannot_be_moved_to_another_ref(key_a):
    ref1 = vault.identity_store(payload={"name": "A"})
    ref2 = vault.identity_store(payload={"name": "B"})
    r1 = IdentityRecord.objects.get(ref=ref1)
    IdentityRecord.objects.filter(ref=ref2).update(wrapped_key=r1.wrapped_key, nonce=r1.nonce, ciphertext=r1.ciphertext)
    with pytest.raises(InvalidTag):  # the ref is authenticated data
        vault.identity_for_reveal(ref2)


def test_without_the_master_key_records_cannot_be_read(key_a, settings):
    ref = vault.identity_store(payload={"name": "Joko"})
    settings.SIGAP_VAULT_KEY = KEY_B
    with pytest.raises(DomainError) as err:
        vault.identity_for_reveal(ref)
    assert err.value.code == "vault_key_missing"


def test_rotation_rewraps_data_keys_without_touching_payloads(key_a, settings, monkeypatch):
    refs = [vault.identity_store(payload={"name": f"Warga {i}"}) for i in range(3)]
    blob = vault.blob_store(b"original photo bytes")
    before = {r.ref: bytes(r.ciphertext) for r in IdentityRecord.objects.filter(ref__in=refs)}
    settings.SIGAP_VAULT_KEY = KEY_B
    settings.SIGAP_VAULT_OLD_KEYS = [KEY_A]

    def no_decrypt(*args, **kwargs):
        raise AssertionError("rotation must not decrypt payloads")

    monkeypatch.setattr(vault, "_unseal", no_decrypt)
    counts = vault.rotate()
    monkeypatch.undo()
    settings.SIGAP_VAULT_KEY = KEY_B
    settings.SIGAP_VAULT_OLD_KEYS = []  # the old key can now be retired
    assert counts["rewrapped"] == 4
    after = {r.ref: bytes(r.ciphertext) for r in IdentityRecord.objects.filter(ref__in=refs)}
    assert after == before
    assert {r.key_id for r in IdentityRecord.objects.filter(ref__in=refs)} == {vault.master_key().key_id}
    assert [vault.identity_for_reveal(r)["name"] for r in refs] == ["Warga 0", "Warga 1", "Warga 2"]
    assert vault.blob_read(blob) == b"original photo bytes"
    assert vault.rotate()["rewrapped"] == 0  # idempotent


def test_crypto_shredding_makes_a_record_unreadable_forever(key_a):
    ref = vault.identity_store(payload={"name": "Dewi"})
    blob = vault.blob_store(b"\xff\xd8 jpeg with exif")
    assert vault.identity_destroy(ref) is True
    assert vault.identity_destroy(ref) is False  # idempotent
    assert vault.blob_destroy(blob) is True
    assert vault.identity_for_reveal(ref) is None and vault.blob_read(blob) is None
    record = IdentityRecord.objects.get(ref=ref)
    assert record.wrapped_key is None and bytes(record.ciphertext) == b"" and record.destroyed_at
    assert bytes(VaultBlob.objects.get(ref=blob).ciphertext) == b""


def test_relay_resolves_the_address_inside_the_vault_only(key_a):
    ref = vault.identity_store(payload={"channel": "whatsapp", "phone": "+6281299990000", "name": "X"})
    assert vault.contact_channel(ref) == ("whatsapp", "+6281299990000")
    ref = vault.identity_store(payload={"channel": "web", "email": "w@example.org"})
    assert vault.contact_channel(ref) == ("email", "w@example.org")
    assert vault.contact_channel("") is None


# --- large originals in the vault's file storage -------------------------------------------------------------


def _noise(nbytes: int) -> bytes:
    import os

    return b"\xff\xd8\xff\xe1 Exif GPS -6.2088 106.8456 " + os.urandom(nbytes)


def _stored_files(name: str) -> bytes:
    from django.core.files.storage import storages

    with storages["vault"].open(name, "rb") as f:
        return f.read()


def test_a_large_original_is_stored_encrypted_in_the_vault_storage_and_its_row_holds_only_the_key(key_a, settings):
    settings.SIGAP_VAULT_INLINE_MAX_BYTES = 64 * 1024
    data = _noise(200_000)
    ref = vault.blob_store(data, content_type="image/jpeg")
    row = VaultBlob.objects.get(ref=ref)
    assert bytes(row.ciphertext) == b"" and row.stored_as.endswith(ref)
    stored = _stored_files(row.stored_as)
    assert len(stored) == len(data) + 16  # AES-GCM: the payload and its tag, nothing readable
    assert b"Exif GPS" not in stored and data[-1000:] not in stored
    assert vault.blob_read(ref) == data
    # a small blob (a conversation's state) stays in its row
    small = vault.blob_store(b'{"step": "lokasi"}', content_type="application/json")
    assert VaultBlob.objects.get(ref=small).stored_as == "" and vault.blob_read(small) == b'{"step": "lokasi"}'


def test_a_stored_original_cannot_be_read_without_its_row_or_under_another_ref(key_a, settings):
    settings.SIGAP_VAULT_INLINE_MAX_BYTES = 1024
    ref1, ref2 = vault.blob_store(_noise(5000)), vault.blob_store(_noise(5000))
    first = VaultBlob.objects.get(ref=ref1)
    VaultBlob.objects.filter(ref=ref2).update(stored_as=first.stored_as)  # point another row at the file
    with pytest.raises(InvalidTag):
        vault.blob_read(ref2)


def test_shredding_a_stored_original_removes_its_file_once_the_shredding_commits(
    key_a, settings, django_capture_on_commit_callbacks
):
    from django.core.files.storage import storages

    settings.SIGAP_VAULT_INLINE_MAX_BYTES = 1024
    ref = vault.blob_store(_noise(5000))
    name = VaultBlob.objects.get(ref=ref).stored_as
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert vault.blob_destroy(ref) is True
    assert storages["vault"].exists(name)  # not before the commit: a rolled-back shredding keeps the photo
    for callback in callbacks:
        callback()
    assert not storages["vault"].exists(name)
    row = VaultBlob.objects.get(ref=ref)
    assert row.wrapped_key is None and row.stored_as == "" and vault.blob_read(ref) is None
    assert vault.blob_destroy(ref) is False


def test_discarding_a_failed_write_removes_only_the_files_whose_rows_are_missing(key_a, settings):
    from django.core.files.storage import storages

    settings.SIGAP_VAULT_INLINE_MAX_BYTES = 1024
    written, failed = vault.blob_seal(_noise(5000)), vault.blob_seal(_noise(5000))
    assert storages["vault"].exists(written.stored_as) and storages["vault"].exists(failed.stored_as)
    assert not VaultBlob.objects.filter(ref__in=[written.ref, failed.ref]).exists()  # sealing writes no row
    vault.blob_insert(written)
    assert vault.blob_discard([written, failed]) == 1
    assert storages["vault"].exists(written.stored_as) and not storages["vault"].exists(failed.stored_as)
    assert vault.blob_read(written.ref) is not None


def test_a_missing_stored_file_is_said_apart_from_a_shredded_original(key_a, settings):
    from django.core.files.storage import storages

    settings.SIGAP_VAULT_INLINE_MAX_BYTES = 1024
    ref = vault.blob_store(_noise(5000))
    storages["vault"].delete(VaultBlob.objects.get(ref=ref).stored_as)
    with pytest.raises(vault.BlobFileMissing):  # perhaps for a while (a storage not mounted): not "shredded"
        vault.blob_read(ref)
    assert vault.blob_destroy(ref) and vault.blob_read(ref) is None


def test_the_sweep_removes_old_files_no_live_record_names_and_keeps_the_rest(key_a, settings, monkeypatch):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.core.management import call_command
    from django.utils import timezone

    settings.SIGAP_VAULT_INLINE_MAX_BYTES = 1024
    files = storages["vault"]
    now = timezone.now()
    four_days_ago = now - timedelta(days=4)
    monkeypatch.setattr(vault.timezone, "now", lambda: four_days_ago)
    live = vault.blob_store(_noise(5000))  # a report's original, four days old
    shredded = vault.blob_store(_noise(5000))
    orphan = vault.blob_seal(_noise(5000))  # its write never committed (a crash before the COMMIT)
    monkeypatch.setattr(vault.timezone, "now", lambda: now)
    shredded_name = VaultBlob.objects.get(ref=shredded).stored_as
    VaultBlob.objects.filter(ref=shredded).update(wrapped_key=None, stored_as="")  # its removal after commit failed
    today = vault.blob_seal(_noise(5000))  # today's: its report may still be on its way: never looked at
    twenty_days = files.save(f"{now - timedelta(days=20):%Y/%m/%d}/vbl_lost", ContentFile(b"x"))
    live_name = VaultBlob.objects.get(ref=live).stored_as

    counts = vault.blob_files_sweep(now=now)
    assert counts["kept"] >= 1 and counts["removed"] >= 2
    assert files.exists(live_name) and vault.blob_read(live) is not None
    assert not files.exists(orphan.stored_as) and not files.exists(shredded_name)
    assert files.exists(today.stored_as)
    assert files.exists(twenty_days)  # older than the window: only when asked
    out = io.StringIO()
    call_command("vault", "sweep", "--oldest-days", "30", stdout=out)
    assert "removed" in out.getvalue()
    assert not files.exists(twenty_days) and files.exists(live_name) and vault.blob_read(live) is not None
