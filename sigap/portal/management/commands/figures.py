from django.core.management.base import BaseCommand

from sigap.portal.selectors import warm_performance


class Command(BaseCommand):
    help = (
        "'sigap figures warm': compute today's public performance tables (/statistik/kinerja/) that are not "
        "cached yet, so no visitor waits for them. They cover whole past days and are cached until midnight; "
        "the periodic job runs this on the hour when the cache is shared (Redis)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["warm"])

    def handle(self, *args, action: str, **options):
        computed = warm_performance()
        self.stdout.write(f"Computed {computed} public performance tables." if computed else "All cached already.")
