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
        from sigap.officers.staffimport import ImportRefused, staff_import

        try:
            with open(file, encoding="utf-8-sig", newline="") as lines:
                planned = staff_import(lines, dry_run=True)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        except ImportRefused as exc:
            raise CommandError(f"{file} has errors; nothing was written:\n" + "\n".join(exc.lines)) from None
        if dry_run:
            self._say(planned, would=True)
            return
        handle = None
        if planned.created:
            if not passwords:
                raise CommandError(
                    f"{len(planned.created)} new account(s): name a new file for their first passwords (--passwords)"
                )
            try:  # created here, never over an existing file, readable by its owner only
                handle = os.fdopen(os.open(passwords, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", newline="")
            except OSError as exc:
                raise CommandError(f"cannot create {passwords}: {exc.strerror}") from None
        try:
            with open(file, encoding="utf-8-sig", newline="") as lines:
                done = staff_import(lines)
        except BaseException:
            if handle is not None:
                handle.close()
                os.unlink(passwords)
            raise
        if handle is not None:
            with handle:
                out = csv.writer(handle)
                out.writerow(["username", "password"])
                out.writerows(sorted(done.created.items()))
        self._say(done, would=False)
        if done.created:
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
