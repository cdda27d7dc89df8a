from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "LAPOR! (SP4N-LAPOR!). 'sigap lapor import' pulls the reports disposed to SIGAP_LAPOR_INSTANSI and files "
        "each once (idempotent on the LAPOR! id). 'sigap lapor push' delivers the status updates of LAPOR! "
        "reports still waiting in the outbox (normally they go out at once; this retries failures). "
        "Run import every few minutes (cron or Celery beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "push"])
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, action: str, limit: int, **options):
        import httpx

        from sigap.intake.channels.registry import ADAPTERS

        adapter = ADAPTERS["lapor"]
        if not adapter.enabled():
            raise CommandError(
                "LAPOR! is not configured (SIGAP_LAPOR_API_BASE, SIGAP_LAPOR_TOKEN, SIGAP_LAPOR_INSTANSI)."
            )
        if action == "import":
            try:
                counts = adapter.reports_import()
            except (httpx.HTTPError, ValueError) as exc:
                raise CommandError(f"LAPOR! could not be read ({type(exc).__name__})") from None
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items() if v) or "nothing new")
            return
        from sigap.privacy.relay import notification_deliver
        from sigap.reports.models import Notification

        waiting = [Notification.State.PENDING, Notification.State.FAILED]
        if hasattr(Notification.State, "HELD"):  # rows that waited for the LAPOR! settings
            waiting.append(Notification.State.HELD)
        ids = list(
            Notification.objects.filter(state__in=waiting, report__channel="lapor")
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        counts: dict[str, int] = {}
        for pk in ids:
            result = notification_deliver(pk)
            counts[result] = counts.get(result, 0) + 1
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) or "nothing pending")
