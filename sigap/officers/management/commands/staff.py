"""``sigap staff``: staff accounts and roles from a CSV file, and who holds which role.

sigap staff import FILE.csv --passwords NEW.csv   add the file's accounts and roles (``sigap.officers.staffimport``:
                                                  checked whole first; one transaction); the new accounts' first
                                                  passwords go to NEW.csv, created readable by its owner only
sigap staff import FILE.csv --dry-run             check the file and say what it would add, writing nothing
sigap staff list [--unit CODE]                    accounts and their roles (at one unit, or everywhere)
"""

from __future__ import annotations

import csv
import os

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Add staff accounts and roles from a CSV file; list who holds which role."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "import",
            help="add the accounts and roles of a CSV file (header: username, "
            "first_name, last_name, email, unit, role)",
        )
        load.add_argument("file")
        load.add_argument("--passwords", help="a new file for the new accounts' first passwords (mode 0600)")
        load.add_argument("--dry-run", action="store_true", help="check the file and say what it would add")
        listing = sub.add_parser("list", help="accounts and their roles")
        listing.add_argument("--unit", help="only the roles at this unit (its code)")

    def handle(self, *args, action: str, **options):
        return getattr(self, f"_{action}")(**options)

    def _import(self, *, file: str, passwords: str | None, dry_run: bool, **_):
        from django.db import transaction

        from sigap.officers.staffimport import ImportRefused, staff_import

        try:
            source = open(file, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        created_file = False
        try:
            # one pass: the accounts and the file of their first passwords, or neither (a failure rolls back)
            with source, transaction.atomic():
                done = staff_import(source, dry_run=dry_run)
                if done.created and not dry_run:
                    if not passwords:
                        raise CommandError(
                            f"{len(done.created)} new account(s): name a new file for their first passwords "
                            "(--passwords)"
                        )
                    try:  # created here, never over an existing file, readable by its owner only
                        fd = os.open(passwords, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    except OSError as exc:
                        raise CommandError(f"cannot create {passwords}: {exc.strerror}") from None
                    created_file = True
                    with os.fdopen(fd, "w", newline="") as handle:
                        out = csv.writer(handle)
                        out.writerow(["username", "password"])
                        out.writerows(sorted(done.created.items()))
        except ImportRefused as exc:
            raise CommandError(f"{file} has errors; nothing was written:\n" + "\n".join(exc.lines)) from None
        except BaseException:
            if created_file:  # the accounts were rolled back: their passwords mean nothing
                os.unlink(passwords)
            raise
        self._say(done, would=dry_run)
        if done.created and not dry_run:
            self.stdout.write(f"First passwords: {passwords} (hand each over in person; delete the file after)")

    def _say(self, result, *, would: bool) -> None:
        verb = "would add" if would else "added"
        self.stdout.write(
            f"{len(result.created)} new account(s), {len(result.roles_added)} role(s) {verb}, "
            f"{result.already} already held"
        )
        for username, role, unit in result.roles_added:
            self.stdout.write(f"  {username}: {role} @ {unit}")
        if result.need_authenticator:
            self.stdout.write(
                "These accounts need an authenticator before they can sign in (sigap otp enroll USERNAME): "
                + ", ".join(result.need_authenticator)
            )

    def _list(self, *, unit: str | None, **_):
        from sigap.organization.models import StaffRole

        roles = StaffRole.objects.select_related("user", "unit").order_by("user__username", "unit__code", "role")
        if unit:
            roles = roles.filter(unit__code=unit)
        for role in roles:
            active = "" if role.user.is_active else " (inactive)"
            self.stdout.write(f"{role.user.username}{active}\t{role.role}\t{role.unit.code}\t{role.unit.name}")
