from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Outbox: 'sigap outbox flush' delivers pending notifications (picks up any a crashed worker left)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["flush"])
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, action: str, limit: int, **options):
        from sigap.privacy.relay import outbox_flush

        if action != "flush":
            raise CommandError("unknown action")
        counts = outbox_flush(limit=limit)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) or "nothing pending")
