"""The vault's file storage on one machine: a file counts only once it is on disk, and only its owner reads it."""

from __future__ import annotations

import os
import stat

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from sigap.privacy.blobfiles import DurableFileSystemStorage


def test_a_saved_file_and_every_directory_entry_to_the_root_are_synced_before_save_returns(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    root = tmp_path / "vault"
    root.mkdir(mode=0o755)
    root.chmod(0o755)  # an existing root open to others is closed
    storage = DurableFileSystemStorage(
        location=str(root), file_permissions_mode=0o600, directory_permissions_mode=0o700
    )
    name = storage.save("2026/12/04/vbl_x", ContentFile(b"ciphertext"))
    path = root / name
    assert path.read_bytes() == b"ciphertext"
    day, month, year = path.parent, path.parent.parent, path.parent.parent.parent
    for synced_path in (path, day, month, year, root, tmp_path):
        assert str(synced_path) in synced
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(stat.S_IMODE(d.stat().st_mode) == 0o700 for d in (day, month, year, root))


def test_the_configured_vault_storage_is_durable_and_private_on_one_machine():
    vault_files = storages["vault"]
    assert isinstance(vault_files, DurableFileSystemStorage)
    assert vault_files.file_permissions_mode == 0o600 and vault_files.directory_permissions_mode == 0o700
    assert os.path.basename(vault_files.location) == "vault"
