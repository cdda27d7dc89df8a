from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from sigap.organization.models import PlaceName
from sigap.organization.placenames import placenames_load


class Command(BaseCommand):
    help = (
        "Street, landmark and kampung names for the place parser. `places load FILE [--source NAME]`: a gazetteer "
        "CSV, GeoJSON or an OpenStreetMap extract (.osm, .osm.pbf), assigned to kelurahan by geometry; reloading a "
        "source replaces it. `places list`: the sources loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "list"])
        parser.add_argument("file", nargs="?")
        parser.add_argument("--source", help="the name the rows are kept under (default: the file's name)")

    def handle(self, *args, action: str, file: str | None, source: str | None, **options):
        if action == "list":
            for row in PlaceName.objects.values("source").annotate(n=Count("id")).order_by("source"):
                self.stdout.write(f"{row['source']}: {row['n']} names")
            return
        if not file:
            raise CommandError("places load FILE: name the file to load")
        try:
            result = placenames_load(file, source=source)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.source}: {result.names} names from {result.features} named features "
                f"({result.outside} outside the service area skipped)"
                + (f"; {result.rw_areas} RW boundaries narrow the streets." if result.rw_areas else ".")
            )
        )
