from django.conf import settings
from django.core.management.base import BaseCommand

from sigap.organization.loaders import reference_load


class Command(BaseCommand):
    help = "Load the reference data (regions, boundaries, categories, units, tupoksi, holidays). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--province", default=settings.SIGAP_PROVINCE)
        parser.add_argument(
            "--all-regions", action="store_true", help="load all 91,599 Indonesian regions, not only the province"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, province: str, all_regions: bool, no_progress: bool, **options):
        stats = reference_load(province=province, all_regions=all_regions, progress=not no_progress)
        created = ", ".join(f"{k}: {v}" for k, v in stats.created.items()) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded ({created})."))
