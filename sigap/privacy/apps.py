from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "sigap.privacy"
    label = "privacy"
    verbose_name = "Privasi"

    def ready(self) -> None:
        from sigap.reports import outbox

        from .relay import notification_deliver

        outbox.register_sender(notification_deliver)
