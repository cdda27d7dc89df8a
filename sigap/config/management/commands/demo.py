import os
import shutil
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from sigap.demo import demo_load, demo_password


class Command(BaseCommand):
    help = "Load Jakarta's reference data, demo staff accounts and sample reports. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, no_progress: bool, **options):
        result = demo_load(progress=not no_progress)
        added = {k: v for k, v in result["reference"].items() if v}
        created = ", ".join(f"{k}: {v}" for k, v in added.items()) if added else "already loaded, nothing new"
        reports = result["reports_created"] or "none (already there)"
        self.stdout.write(self.style.SUCCESS(f"Reference data added: {created}. Sample reports added: {reports}."))
        self.stdout.write(
            "\nDemo logins (password: "
            + ("$SIGAP_DEMO_PASSWORD" if demo_password() != "sigap-demo-2026" else "sigap-demo-2026")
            + "):"
        )
        self.stdout.write(f"  {'admin':24} superuser (Django admin)")
        for acc in result["accounts"]:
            self.stdout.write(f"  {acc.username:24} {acc.role:16} {acc.description}")
        from sigap.demo import second_factors_load

        factors = second_factors_load()
        if factors:
            self.stdout.write(
                "\nThese accounts also ask for a one-time code (second factor): add the URI to an "
                f"authenticator app,\nor print the current code with `{sigap_command()} otp code USERNAME` "
                "(demo devices only):"
            )
            for username, uri in factors:
                self.stdout.write(f"  {username:24} {uri}")


def sigap_command() -> str:
    """How to run ``sigap`` again from here: ``sigap`` when that name on the PATH is this program, else the
    program's path relative to the current folder (``.venv/bin/sigap`` after ``make run``, whose virtual
    environment is not activated), else its absolute path."""
    exe = Path(sys.argv[0])
    if exe.name != "sigap":
        return "sigap"  # run as ``python -m sigap.cli`` or through manage.py: the documented name
    found = shutil.which("sigap")
    if found and Path(found).resolve() == exe.resolve():
        return "sigap"
    here, program = Path.cwd().resolve(), exe.resolve()
    return os.path.relpath(program, here) if program.is_relative_to(here) else str(program)
