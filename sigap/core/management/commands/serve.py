from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run Sigap's web server (waitress, a production WSGI server; static files by WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host: str, port: int, threads: int, **options):
        from waitress import serve

        from sigap.config.wsgi import application

        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Sigap berjalan di http://{host}:{port}/  (API: /api/docs, admin: /admin/) — Ctrl+C untuk berhenti")
        if settings.DEBUG:
            self.stdout.write("SIGAP_DEBUG is on: do not use this in production.")
        serve(application, host=host, port=port, threads=threads, ident="sigap")
