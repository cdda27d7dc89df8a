from django.core.management.base import BaseCommand

from sigap.officers import housekeeping


class Command(BaseCommand):
    help = (
        "'run': remove expired sessions, API tokens expired a week ago and sign-in records older than "
        "SIGAP_SIGNIN_LOG_DAYS (the nightly job; in batches, so a first run over years of rows holds no long lock)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])

    def handle(self, *args, action: str, **options):
        removed = housekeeping.run()
        parts = {
            "sessions": "expired sessions",
            "api_tokens": "expired API tokens",
            "signin_logs": "sign-in records",
            "signin_failures": "failed sign-in records",
        }
        self.stdout.write(
            "Housekeeping: removed " + ", ".join(f"{removed[k]} {label}" for k, label in parts.items() if k in removed)
        )
