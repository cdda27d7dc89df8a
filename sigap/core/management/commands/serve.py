import logging
import os
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run Sigap's web server (waitress, a production WSGI server; static files by WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--trusted-proxy", default=os.environ.get("SIGAP_TRUSTED_PROXY", ""),
                            help="address of the reverse proxy whose X-Forwarded-For/-Proto headers are trusted")

    def handle(self, *args, host: str, port: int, threads: int, trusted_proxy: str, **options):
        from waitress import serve

        from sigap.config.wsgi import application

        call_command("collectstatic", interactive=False, verbosity=0)
        threading.Thread(target=_warm_categorizer, name="warm-categorizer", daemon=True).start()
        self.stdout.write(f"Sigap berjalan di http://{host}:{port}/  (API: /api/docs, admin: /admin/) — Ctrl+C untuk berhenti")
        if settings.DEBUG:
            self.stdout.write("SIGAP_DEBUG is on: do not use this in production.")
        proxy = {}
        if trusted_proxy:
            proxy = {"trusted_proxy": trusted_proxy, "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
                     "clear_untrusted_proxy_headers": True}
        # waitress buffers a whole body before the application sees it (up to 1 GB by default). Past twice the
        # largest body Sigap accepts it refuses from the Content-Length alone, before receiving anything; below
        # that, RequestLimitsMiddleware answers with its bilingual 413 without parsing the body.
        serve(application, host=host, port=port, threads=threads, ident="sigap",
              max_request_body_size=2 * settings.SIGAP_UPLOAD_MAX_BYTES, **proxy)


def _warm_categorizer() -> None:
    """Train/load the categorizer in the background so the first uncategorized report does not wait."""
    try:
        from sigap.reports.categorize import model

        model()
    except Exception:  # noqa: BLE001 - intake falls back to the catalog match
        logging.getLogger(__name__).warning("could not warm the categorizer", exc_info=True)
