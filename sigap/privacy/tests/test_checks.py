"""The system check that says, before the first photo, when the face detector cannot be loaded."""

from __future__ import annotations

from django.core import checks, management

from sigap.privacy import mtcnn


def test_an_installed_detector_passes_the_check():
    assert [m for m in checks.run_checks() if m.id == "sigap.W001"] == []


def test_missing_or_different_network_files_are_reported(monkeypatch, tmp_path):
    monkeypatch.setattr(mtcnn, "model_dir", lambda: tmp_path)
    [missing] = [m for m in checks.run_checks() if m.id == "sigap.W001"]
    assert "cannot be read" in missing.msg and "503" in missing.hint
    for name in mtcnn.MODEL_FILES:
        (tmp_path / name).write_bytes(b"something else")
    [different] = [m for m in checks.run_checks() if m.id == "sigap.W001"]
    assert "not the expected ones" in different.msg


def test_the_check_runs_with_the_management_command(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(mtcnn, "model_dir", lambda: tmp_path)
    management.call_command("check")  # a warning, not an error: reports without photos still work
    assert "sigap.W001" in capsys.readouterr().err
