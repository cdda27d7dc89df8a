from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "sigap.core"
    label = "core"
    verbose_name = pgettext_lazy("admin app", "Inti Sigap")

    def ready(self) -> None:
        from sigap.core import dispatch, lookups  # noqa: F401 - lookups: registers ``__anyof``

        # With a broker, the Celery app is loaded at start (a missing or misnamed app stops the process here, not
        # at the first task, whose error would only be logged); without one, Celery is never imported.
        dispatch.app_load_if_brokered()
