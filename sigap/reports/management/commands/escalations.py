from django.core.management.base import BaseCommand

from sigap.reports.escalation import escalations_run


class Command(BaseCommand):
    help = (
        "'sigap escalations run': take every report whose hop deadline passed (plus its category's delay) one level "
        "up the hierarchy and tell that unit. Run it every few minutes (the periodic job 'escalations')."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])

    def handle(self, *args, action: str, **options):
        self.stdout.write(f"Escalated {escalations_run()} reports.")
