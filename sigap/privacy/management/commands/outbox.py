from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Outbox: 'sigap outbox sweep' delivers what is due (what a crash left, failed rows past their backoff; the "
        "running system does this by itself); 'sigap outbox flush' delivers every waiting row now, backoffs or not."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["flush", "sweep"])
        parser.add_argument("--limit", type=int, default=None, help="rows at most (flush: 500, sweep: 5000)")

    def handle(self, *args, action: str, limit: int, **options):
        from sigap.privacy.relay import outbox_flush, outbox_sweep

        if action not in ("flush", "sweep"):
            raise CommandError("unknown action")
        counts = outbox_flush(limit=limit or 500) if action == "flush" else outbox_sweep(limit=limit or 5000)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) or "nothing pending")
