from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "'sigap inbox flush': process inbound channel messages that were stored but not processed (a worker "
        "died, or processing failed); run it every few minutes from cron or Celery beat."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["flush"])
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, action: str, limit: int, **options):
        from sigap.intake.inbox import inbox_flush

        counts = inbox_flush(limit=limit)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) or "nothing to process")
