"""The vault's file storage on one machine: a file counts only once it is on disk, and only its owner reads it."""

from __future__ import annotations

import os
import stat

from django.core.files.base import ContentFile

from sigap.privacy.blobfiles import DurableFileSystemStorage


def test_a_saved_file_and_its_directory_entry_are_synced_before_save_returns(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    storage = DurableFileSystemStorage(
        location=str(tmp_path), file_permissions_mode=0o600, directory_permissions_mode=0o700
    )
    name = storage.save("2026/12/04/vbl_x", ContentFile(b"ciphertext"))
    path = tmp_path / name
    assert path.read_bytes() == b"ciphertext"
    assert str(path) in synced and str(path.parent) in synced
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
