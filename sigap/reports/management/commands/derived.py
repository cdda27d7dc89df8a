import time

from django.core.management.base import BaseCommand, CommandError

from sigap.reports import derived


class Command(BaseCommand):
    help = (
        "'sigap derived rebuild [--only NAME ...]': rebuild the data the write path keeps current (who may see each "
        "report, the dashboard summaries, the duplicate finder's features, the triage desk's suggestions) from the "
        "reports themselves: after a bulk load that bypassed the write path, to repair them, or after an upgrade "
        "that adds one. Each rebuild is idempotent; 'sigap derived list' names them."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "list"])
        parser.add_argument("--only", action="append", default=None, help="a rebuild's name (repeatable)")

    def handle(self, *args, action: str, only: list[str] | None = None, **options):
        names = [name for name, _path in derived.REBUILDS]
        if action == "list":
            self.stdout.write("\n".join(names))
            return
        unknown = sorted(set(only or ()) - set(names))
        if unknown:
            raise CommandError(f"unknown rebuild {', '.join(unknown)}; known: {', '.join(names)}")
        started = [time.perf_counter()]

        def say(name: str) -> None:
            now = time.perf_counter()
            self.stdout.write(f"{name}: {now - started[0]:.1f} s")
            started[0] = now

        derived.rebuild_all(only=set(only) if only else None, say=say)
