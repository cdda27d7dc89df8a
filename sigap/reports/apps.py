from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ReportsConfig(AppConfig):
    name = "sigap.reports"
    label = "reports"
    verbose_name = pgettext_lazy("admin app", "Laporan")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

        from sigap.core.calendar import holidays_added
        from sigap.core.models import Holiday
        from sigap.organization.models import Unit

        from . import questions  # noqa: F401 - registers its system check
        from .deadlines import holiday_after, holiday_before, holiday_removed, holidays_loaded
        from .derived import after_migrate
        from .desk import refresh_after_migrate
        from .summaries import unit_region_after, unit_region_before

        # a unit moved to another region: the arrivals counted as entering a kota are recounted for it
        pre_save.connect(unit_region_before, sender=Unit, dispatch_uid="sigap.reports.unit_region_before")
        post_save.connect(unit_region_after, sender=Unit, dispatch_uid="sigap.reports.unit_region_after")

        # a day made a holiday, or a working day again, after reports were filed: their deadlines follow it
        pre_save.connect(holiday_before, sender=Holiday, dispatch_uid="sigap.reports.holiday_before")
        post_save.connect(holiday_after, sender=Holiday, dispatch_uid="sigap.reports.holiday_after")
        post_delete.connect(holiday_removed, sender=Holiday, dispatch_uid="sigap.reports.holiday_removed")
        holidays_added.connect(holidays_loaded, dispatch_uid="sigap.reports.holidays_added")

        # the rebuilds the applied migrations asked for, then the desk's hints; after organization's
        # (INSTALLED_APPS order): the shipped gazetteer is reloaded first, then read here
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="sigap.reports.derived_after_migrate")
        post_migrate.connect(refresh_after_migrate, sender=self, dispatch_uid="sigap.reports.desk_refresh")
