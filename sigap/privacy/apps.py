from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "sigap.privacy"
    label = "privacy"
    verbose_name = "Privasi"

    def ready(self) -> None:
        from django.core.signals import request_started

        from sigap.reports import outbox

        from .relay import deliver_batch, outbox_sweep

        outbox.register_sender(deliver_batch, outbox_sweep)
        # A web process starts its sender (which sweeps what a crash left) with its first request at the latest.
        request_started.connect(_start_outbox, dispatch_uid="sigap-outbox-start")


def _start_outbox(**kwargs) -> None:
    from sigap.reports import outbox

    outbox.start()
