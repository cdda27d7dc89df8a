from django.core.management.base import BaseCommand

from sigap.reports.categorize import categorizer_retrain


class Command(BaseCommand):
    help = (
        "'sigap triage retrain': retrain the categorizer on the shipped training set plus every category an "
        "officer confirmed at the triage desk; running processes pick the new model up on their next report."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["retrain"])

    def handle(self, *args, action: str, **options):
        result = categorizer_retrain()
        self.stdout.write(
            self.style.SUCCESS(
                f"Categorizer retrained on {result['n_texts']} texts ({result['confirmed_examples']} officer-confirmed); "
                f"saved to {result['path']}."
            )
        )
