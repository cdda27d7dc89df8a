from django.apps import AppConfig


class OfficersConfig(AppConfig):
    name = "sigap.officers"
    label = "officers"
    verbose_name = "Konsol petugas"

    def ready(self):
        from . import seal

        seal.connect()  # the credential seal and token revocation follow every account and role change
