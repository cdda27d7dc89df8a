from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class IntakeConfig(AppConfig):
    name = "sigap.intake"
    label = "intake"
    verbose_name = pgettext_lazy("admin app", "Penerimaan")

    def ready(self):
        # every channel adapter registers itself (and its sender, where the relay finds it)
        from .channels.registry import discover

        discover()
