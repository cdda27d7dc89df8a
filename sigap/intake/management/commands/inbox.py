from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "'sigap inbox flush': process inbound channel messages that were stored but not processed (a worker "
        "died, or processing failed); run it every few minutes from cron or Celery beat. 'sigap inbox retry ID': "
        "try once more a message given up after its last attempt (the admins' notice names it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["flush", "retry"])
        parser.add_argument("ids", nargs="*", type=int, help="retry: the messages' numbers")
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, action: str, ids: list[int], limit: int, **options):
        from sigap.intake.inbox import inbox_flush, inbox_retry

        if action == "retry":
            if not ids:
                raise CommandError("retry: name the messages, e.g. sigap inbox retry 1234")
            for pk in ids:
                self.stdout.write(f"{pk}: {inbox_retry(pk)}")
            return
        counts = inbox_flush(limit=limit)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) or "nothing to process")
