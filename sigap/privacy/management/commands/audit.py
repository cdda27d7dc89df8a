from django.core.management.base import BaseCommand, CommandError

from sigap.privacy.access_log import access_verify


class Command(BaseCommand):
    help = "'sigap audit verify': recompute the access log's hash chain and report the first tampered row."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action: str, **options):
        result = access_verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Access log intact: {result.rows} rows verified."))
            return
        raise CommandError(f"Access log TAMPERED at row {result.seq}: {result.problem}")
