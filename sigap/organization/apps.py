from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class OrganizationConfig(AppConfig):
    name = "sigap.organization"
    label = "organization"
    verbose_name = pgettext_lazy("admin app", "Organisasi")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .placenames import shipped_refresh

        post_migrate.connect(shipped_refresh, sender=self, dispatch_uid="sigap.organization.shipped_refresh")
