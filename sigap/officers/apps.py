from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class OfficersConfig(AppConfig):
    name = "sigap.officers"
    label = "officers"
    verbose_name = pgettext_lazy("admin app", "Konsol petugas")

    def ready(self):
        from . import seal

        seal.connect()  # the credential seal and token revocation follow every account and role change
