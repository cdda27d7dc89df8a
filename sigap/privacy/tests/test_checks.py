"""The system checks that say, before the first photo, when the face detector cannot be loaded, and before the
first email notification, that no mail is configured (``--deploy``)."""

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


def test_a_deployment_without_mail_is_told_its_email_notifications_wait(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    assert [m for m in checks.run_checks() if m.id == "sigap.W002"] == []  # only with --deploy
    [warning] = [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "sigap.W002"]
    assert "held" in warning.msg and "SIGAP_EMAIL_HOST" in warning.hint
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "sigap.W002"] == []


def test_a_deployment_is_told_which_keys_were_generated_instead_of_given(settings, tmp_path):
    """Found by an operator's review: a process whose environment lacked a key made its own under SIGAP_HOME, and
    ``check --deploy`` said nothing; on several machines each would have had its own vault key."""
    settings.SIGAP_HOME = tmp_path
    (tmp_path / "secret_key").write_text(settings.SECRET_KEY + "\n")
    settings.SIGAP_VAULT_KEY, settings.SIGAP_VAULT_KEY_FILE = "", str(tmp_path / "vault.key")
    settings.SIGAP_AUDIT_KEY, settings.SIGAP_AUDIT_KEY_FILE = "", str(tmp_path / "audit.key")
    assert [m for m in checks.run_checks() if m.id == "sigap.W003"] == []  # only with --deploy
    [warning] = [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "sigap.W003"]
    assert warning.msg.endswith("SECRET_KEY, SIGAP_VAULT_KEY, SIGAP_AUDIT_KEY") and "same keys" in warning.hint
    (tmp_path / "secret_key").write_text("another key\n")  # SECRET_KEY given in the environment
    settings.SIGAP_VAULT_KEY_FILE = "/run/secrets/sigap-vault.key"  # a key file placed by a secret store
    settings.SIGAP_AUDIT_KEY = "given"
    assert [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "sigap.W003"] == []
