from django.core.management.base import BaseCommand
from django.utils import timezone

from sigap.portal.selectors import statistics_snapshot, warm_performance


class Command(BaseCommand):
    help = (
        "'sigap figures warm': compute today's public performance tables (/statistik/kinerja/) that are not "
        "cached yet, so no visitor waits for them. They cover whole past days and are cached until midnight; "
        "the periodic job runs this on the hour when the cache is shared (Redis). "
        "'sigap figures statistics': take today's figures of /statistik/ if nobody has yet (the periodic job runs "
        "this at midnight; they are taken once a day, so that the page's counts never tell when a report came in)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["warm", "statistics"])

    def handle(self, *args, action: str, **options):
        if action == "statistics":
            snapshot = statistics_snapshot()
            taken = timezone.localtime(snapshot.taken_at)
            self.stdout.write(f"Public statistics of {snapshot.day:%Y-%m-%d}, taken at {taken:%H:%M}.")
            return
        computed = warm_performance()
        self.stdout.write(f"Computed {computed} public performance tables." if computed else "All cached already.")
