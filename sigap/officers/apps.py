from django.apps import AppConfig


class OfficersConfig(AppConfig):
    name = "sigap.officers"
    label = "officers"
    verbose_name = "Konsol petugas"
