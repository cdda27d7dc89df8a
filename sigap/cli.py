"""The ``sigap`` command: Django's management commands with Sigap's settings.

sigap migrate                 create or upgrade the database
sigap demo                    load Jakarta's reference data, demo staff and sample reports
sigap serve [--host --port --workers N]   run the web server (gunicorn), default 127.0.0.1:8000
sigap reference [--all-regions]  load only the reference data
sigap <any Django command>    e.g. sigap createsuperuser, sigap shell
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
    from django.core.management import execute_from_command_line

    from sigap.core.errors import DomainError

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["help"]
    try:
        execute_from_command_line(["sigap", *args])
    except DomainError as exc:  # a refusal the operator must act on (a retired audit key …): its words, no traceback
        sys.stderr.write(f"Error ({exc.code}): {exc.message_en}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
