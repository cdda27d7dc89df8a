"""``sigap apikey create NAME [--rate N]`` prints a new Open311 client key once; ``list``; ``deactivate NAME``."""

from django.core.management.base import BaseCommand, CommandError

from sigap.core.errors import DomainError
from sigap.open311.models import ApiClient
from sigap.open311.services import apiclient_issue


class Command(BaseCommand):
    help = (
        "Open311 client keys. 'create NAME [--rate N]' registers a client app and prints its key once (only a "
        "hash is stored); 'list' shows the clients; 'deactivate NAME' revokes a key."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "deactivate"])
        parser.add_argument("name", nargs="?", default="")
        parser.add_argument("--rate", type=int, default=60, help="requests per minute (default 60)")

    def handle(self, *args, action: str, name: str, rate: int, **options):
        if action == "list":
            for c in ApiClient.objects.all():
                state = "active" if c.active else "inactive"
                self.stdout.write(f"{c.name}\t{c.key_hint}…\t{c.rate_per_minute}/min\t{state}")
            return
        if not name:
            raise CommandError(f"'{action}' needs the client's NAME")
        if action == "deactivate":
            if not ApiClient.objects.filter(name=name).update(active=False):
                raise CommandError(f"no client named {name!r}")
            self.stdout.write(f"deactivated {name}")
            return
        try:
            _client, key = apiclient_issue(name=name, rate_per_minute=rate)
        except DomainError as exc:
            raise CommandError(exc.message_en) from None
        self.stdout.write(key)
        self.stderr.write(f"Open311 api_key for {name} ({rate}/min). It is shown only this once; keep it secret.")
