"""Secret files (``sigap.core.files``): created 0600 in one step, and the first writer wins a race."""

from __future__ import annotations

import stat

from sigap.core.files import write_secret_file


def test_a_secret_file_is_written_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "vault.key"
    write_secret_file(path, "rahasia")
    assert path.read_text() == "rahasia"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["vault.key"]  # no temporary file left behind


def test_an_existing_file_is_kept_so_two_processes_agree_on_one_key(tmp_path):
    path = tmp_path / "vault.key"
    write_secret_file(path, "pertama")
    write_secret_file(path, "kedua")
    assert path.read_text() == "pertama"
    assert [p.name for p in tmp_path.iterdir()] == ["vault.key"]
