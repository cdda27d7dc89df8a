from django.conf import settings
from django.core.management.base import BaseCommand

from sigap.privacy.retention import retention_run


class Command(BaseCommand):
    help = (
        "'sigap retention run': crypto-shred reporters' identities and original photos of reports closed more "
        "than SIGAP_RETENTION_DAYS days ago. Idempotent; every destruction goes to the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--days", type=int, default=None, help=f"default {settings.SIGAP_RETENTION_DAYS}")

    def handle(self, *args, action: str, days: int | None, **options):
        counts = retention_run(days=days)
        self.stdout.write(
            self.style.SUCCESS(
                f"Retention: {counts['reports']} reports de-identified ({counts['identities']} identities, "
                f"{counts['photos']} original photos destroyed)."
            )
        )
