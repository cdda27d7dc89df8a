"""Staff accounts and their roles from a CSV file (``sigap staff import``): a city opens Sigap with hundreds of
officers (two or more per kelurahan, the Suku Dinas, the kecamatan), more than anyone should type into the admin.

The file has a header and one row per role: ``username, first_name, last_name, email, unit, role`` (``unit`` a unit
code such as ``kel:31.75.07.1002``; ``role`` one of ``ROLES``; an account with several roles has several rows).
Every row is checked before anything is written, and the whole file is written in one transaction: a file with an
error writes nothing and says which lines are wrong. Accounts that exist keep their name, address and password;
only missing roles are added, so running a file again adds nothing. A new account gets a random first password,
returned to the caller (the command writes them to a file only its owner can read), never stored in clear.

The privacy officer (PPID) role is not given here: it takes a second admin (``sigap.organization.rolechanges``).
Every import is a row in the access log (accounts created, roles added), like a change in the admin."""

from __future__ import annotations

import csv
import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.db import transaction

from sigap.organization import rolechanges
from sigap.organization.models import StaffRole, Unit
from sigap.privacy.access_log import access_record

COLUMNS = ("username", "first_name", "last_name", "email", "unit", "role")
ROLES = tuple(r for r in StaffRole.Role.values if r not in rolechanges.GUARDED_ROLES)
_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
_PASSWORD_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ"  # nothing to misread when handed over


class ImportRefused(ValueError):
    """The file has errors (``lines``: one message per wrong line); nothing was written."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class Imported:
    created: dict[str, str] = field(default_factory=dict)  # new account → its first password
    roles_added: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, unit code)
    already: int = 0  # rows whose role the account already had
    need_authenticator: list[str] = field(default_factory=list)  # accounts that must enrol one (sigap otp enroll)


def _rows(lines) -> tuple[list[dict], list[str]]:
    reader = csv.DictReader(lines)
    try:
        header = [(name or "").strip().lower() for name in reader.fieldnames or ()]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            return [], [f"line 1: the header lacks {', '.join(missing)} (it needs {', '.join(COLUMNS)})"]
        reader.fieldnames = header
        return [
            {c: (row.get(c) or "").strip() for c in COLUMNS} | {"line": reader.line_num}
            for row in reader
            if any(row.values())
        ], []
    except (UnicodeDecodeError, csv.Error) as exc:  # a file in another encoding, binary, a field past csv's limit
        what = "is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else f"is not a CSV row ({exc})"
        return [], [f"line {reader.line_num + 1}: the file {what}; save it as CSV UTF-8"]


def _checked(rows: list[dict]) -> tuple[dict[str, Unit], list[str]]:
    codes = {row["unit"] for row in rows}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    errors = []
    names: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        where = f"line {row['line']}"
        if not _USERNAME.match(row["username"]):
            errors.append(
                f"{where}: username {row['username']!r} is empty or has characters other than letters, digits and @.+-_"
            )
        if row["unit"] not in units:
            errors.append(f"{where}: no unit with the code {row['unit']!r}")
        if row["role"] in rolechanges.GUARDED_ROLES:
            errors.append(f"{where}: the {row['role']} role takes a second admin (the admin's PPID role changes)")
        elif row["role"] not in ROLES:
            errors.append(f"{where}: role {row['role']!r} is not one of {', '.join(ROLES)}")
        if row["email"]:
            try:
                validate_email(row["email"])
            except Exception:  # noqa: BLE001 - Django's ValidationError; the message is ours
                errors.append(f"{where}: {row['email']!r} is not an email address")
        if any("\x00" in row[c] for c in COLUMNS):
            errors.append(f"{where}: a field holds a NUL character")
        for name in ("first_name", "last_name", "email"):
            longest = get_user_model()._meta.get_field(name).max_length  # what the accounts table holds
            if len(row[name]) > longest:
                errors.append(f"{where}: {name} is longer than {longest} characters")
        person = (row["first_name"], row["last_name"], row["email"])
        if names.setdefault(row["username"], person) != person:
            errors.append(f"{where}: {row['username']} has another name or email on an earlier line")
    return units, errors


def _password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))


def staff_import(lines, *, dry_run: bool = False) -> Imported:
    """Read the CSV ``lines`` (any iterable of text lines), check every row, then write the accounts and roles
    (unless ``dry_run``). Raises ``ImportRefused`` (nothing written) when any row is wrong."""
    rows, errors = _rows(lines)
    if not errors:
        units, errors = _checked(rows)
    if errors:
        raise ImportRefused(errors)
    User = get_user_model()
    result = Imported()
    with transaction.atomic():
        existing = {u.username: u for u in User.objects.filter(username__in={r["username"] for r in rows})}
        have = set(
            StaffRole.objects.filter(user__in=existing.values()).values_list("user__username", "role", "unit__code")
        )
        for row in rows:
            user = existing.get(row["username"])
            if user is None:
                password = _password()
                user = User(username=row["username"], first_name=row["first_name"], last_name=row["last_name"])
                user.email = row["email"]
                user.set_password(password)
                if not dry_run:
                    user.save()
                existing[user.username] = user
                result.created[user.username] = password
            key = (row["username"], row["role"], row["unit"])
            if key in have:
                result.already += 1
                continue
            have.add(key)
            if not dry_run:
                StaffRole.objects.create(user=user, unit=units[row["unit"]], role=row["role"])
            result.roles_added.append(key)
        otp_roles = set(settings.SIGAP_OTP_ROLES)
        result.need_authenticator = sorted({u for u, role, _unit in result.roles_added if role in otp_roles})
        if not dry_run and (result.created or result.roles_added):
            access_record(
                actor=None,
                action="staff_import",
                accounts_created=sorted(result.created),
                roles_added=[f"{u} {role} @ {unit}" for u, role, unit in result.roles_added],
                via="sigap staff import",
            )
        if dry_run:
            transaction.set_rollback(True)
    return result
