from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "sigap.organization"
    label = "organization"
    verbose_name = "Organisasi"
