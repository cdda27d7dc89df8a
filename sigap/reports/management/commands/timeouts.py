from django.core.management.base import BaseCommand

from sigap.reports.services import reports_close_unanswered


class Command(BaseCommand):
    help = (
        "'sigap timeouts run': close reports whose question to the reporter went unanswered for "
        "SIGAP_REPORTER_ANSWER_DAYS working days (the reporter is told). Run it hourly (cron or Celery beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])

    def handle(self, *args, action: str, **options):
        closed = reports_close_unanswered()
        self.stdout.write(f"Closed {len(closed)} unanswered reports" + (f": {', '.join(closed)}" if closed else "."))
