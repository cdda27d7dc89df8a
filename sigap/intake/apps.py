from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "sigap.intake"
    label = "intake"
    verbose_name = "Penerimaan"

    def ready(self):
        # every channel adapter registers itself (and its sender, where the relay finds it)
        from .channels.registry import discover

        discover()
