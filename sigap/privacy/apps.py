from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class PrivacyConfig(AppConfig):
    name = "sigap.privacy"
    label = "privacy"
    verbose_name = pgettext_lazy("admin app", "Privasi")

    def ready(self) -> None:
        from django.core.signals import request_started

        from sigap.organization import rolechanges

        from . import checks  # noqa: F401 - registers the system checks
        from .access_log import access_record

        rolechanges.record_with(access_record)  # the PPID role changes' steps go to the access log

        from sigap.core import admin as core_admin

        core_admin.record_reads_with(access_record)  # what the admin shows of reports, reveals and the log

        from sigap.reports import outbox

        from .relay import deliver_batch, outbox_sweep

        outbox.register_sender(deliver_batch, outbox_sweep)
        # A web process starts its sender (which sweeps what a crash left) with its first request at the latest.
        request_started.connect(_start_outbox, dispatch_uid="sigap-outbox-start")

        from sigap.reports import services as report_services

        # an officer's question to the reporter may carry no person's name, house number or contact (their answer
        # would confirm it): found by the generic rules, which never read the vault
        from .door import names_someone

        report_services.register_personal_data_finder(names_someone)

        from sigap.reports import photoqueue

        from .photo_worker import original_store, photo_process, photos_sweep

        photoqueue.register(store=original_store, process=photo_process, sweep=photos_sweep)
        # the same for the photo thread (embedded default; sigap.config.wsgi starts it at import already)
        request_started.connect(_start_photos, dispatch_uid="sigap-photos-start")


def _start_outbox(**kwargs) -> None:
    from sigap.reports import outbox

    outbox.start()


def _start_photos(**kwargs) -> None:
    from sigap.reports import photoqueue

    photoqueue.start()
