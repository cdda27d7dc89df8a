"""The credential seal: a keyed MAC over what signing in as a staff account depends on.

The threat is the owner of the database without the application's key files: with SQL alone they could
write a password hash they know, re-activate an account, swap an authenticator's secret for one they hold,
or add a ``StaffRole`` row, and then sign in as that person. The seal stops that: for every account, an
HMAC-SHA256 under a key derived from Django's ``SECRET_KEY`` (never in the database) covers

    user id, username, email, password hash, is_active, is_staff, is_superuser,
    the confirmed TOTP devices' secrets, and the set of StaffRole rows (unit, role).

It is checked at every sign-in (console, admin, ``POST /auth/token``) and on every use of an API token. A
seal that does not match refuses the sign-in with a neutral message, writes a ``credential_seal_broken``
access-log row and tells every privacy officer.

**How it is written.** Signals on ``User``, ``TOTPDevice`` and ``StaffRole`` recompute it after each write
the application makes through the ORM (set password, admin edits, ``sigap otp enroll``, role changes,
``sigap demo``, ``createsuperuser``), so no legitimate path can forget it. A signal reseals only if the
seal matched *before* the write (checked in the pre-save/pre-delete signal): an admin who edits an account
whose row was rewritten by SQL does not thereby bless the rewrite. A new account is sealed when created.
A broken seal is repaired only on the server, by whoever holds the keys: ``sigap otp reseal USERNAME``.

Rotating ``SECRET_KEY``: keep the old one in ``SECRET_KEY_FALLBACKS`` for a while; seals and tokens made
under a fallback still verify, and each seal is rewritten under the new key at the account's next write.
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils.crypto import salted_hmac

from sigap.core.keys import secret_keys

SEAL_SALT = "sigap.officers.seal.CredentialSeal"
BROKEN = "credential_seal_broken"
_STASH = "_sigap_seal_was_ok"
SEALED_DEVICES = "_sigap_sealed_devices"  # on a user object: the TOTP secrets its valid seal covered


def _devices_model():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice


def seal_payload(user_id: int, *, models=None) -> bytes | None:
    """What the seal covers, read from the database as it is now (None if the account does not exist).

    ``models``: (User, TOTPDevice, StaffRole) to read through (a migration passes its historical models)."""
    return _sealed_read(user_id, models=models)[0]


_USER_FIELDS = ("pk", "username", "email", "password", "is_active", "is_staff", "is_superuser")


def _sealed_read(user_id: int, *, models=None) -> tuple[bytes | None, list]:
    """``seal_payload`` and the (unit_id, role) rows it covers."""
    if models is None:
        from sigap.organization.models import StaffRole

        models = (get_user_model(), _devices_model(), StaffRole)
    user_model, device_model, role_model = models
    row = user_model.objects.filter(pk=user_id).values(*_USER_FIELDS).first()
    if row is None:
        return None, []
    devices = sorted(device_model.objects.filter(user_id=user_id, confirmed=True).values_list("key", flat=True))
    staff_roles = sorted(role_model.objects.filter(user_id=user_id).values_list("unit_id", "role"))
    return _payload(row, devices, staff_roles), staff_roles


def _payload(row: dict, devices: list[str], staff_roles: list) -> bytes:
    body = [*(row[f] for f in _USER_FIELDS), sorted(devices), [list(r) for r in sorted(staff_roles)]]
    return json.dumps(body, separators=(",", ":"), ensure_ascii=True).encode()


def _stored_and_related(user_id: int) -> tuple[str | None, list[str], list[tuple[int, str]]]:
    """The stored seal, the confirmed devices' keys and the (unit_id, role) rows, in one statement."""
    from django.db.models import CharField, F, IntegerField, Value
    from django.db.models.functions import Cast

    from sigap.organization.models import StaffRole

    from .models import CredentialSeal

    def rows(qs, kind: str, text: str, unit):
        return qs.annotate(
            k=Value(kind, output_field=CharField()),
            t=F(text),
            u=unit if unit is not None else Cast(Value(None), IntegerField()),  # a typed NULL for PostgreSQL's UNION
        ).values_list("k", "t", "u")

    union = rows(CredentialSeal.objects.filter(user_id=user_id), "m", "mac", None).union(
        rows(_devices_model().objects.filter(user_id=user_id, confirmed=True), "d", "key", None),
        rows(StaffRole.objects.filter(user_id=user_id), "r", "role", F("unit_id")),
        all=True,
    )
    stored, devices, staff_roles = None, [], []
    for kind, text, unit in union:
        if kind == "m":
            stored = stored or text
        elif kind == "d":
            devices.append(text)
        else:
            staff_roles.append((unit, text))
    return stored, devices, sorted(staff_roles)


def seal_all(models, seal_model) -> int:
    """Seal every account as it is now (the data migration that introduced the seal). Returns how many."""
    user_model = models[0]
    n = 0
    for user_id in user_model.objects.values_list("pk", flat=True):
        payload = seal_payload(user_id, models=models)
        seal_model.objects.update_or_create(user_id=user_id, defaults={"mac": _mac(payload, settings.SECRET_KEY)})
        n += 1
    return n


def _mac(payload: bytes, secret: str) -> str:
    return salted_hmac(SEAL_SALT, payload, secret=secret, algorithm="sha256").hexdigest()


def seal_valid(user_id: int, *, user=None) -> bool:
    """Whether the stored seal matches the account as the database holds it now (no seal: not valid).

    With ``user`` (the request's account object, read from the database in this request), its fields stand for
    the account's row, and a valid seal's roles are remembered on it (``sigap.organization.roles.role_pairs``):
    the request acts on the roles the seal was checked against. Two statements at most: the account's row
    (none with ``user``) and the seal, devices and roles together."""
    stored, devices, staff_roles = _stored_and_related(user_id)
    if user is not None and user.pk == user_id:
        row = {f: getattr(user, f) for f in _USER_FIELDS}
    else:
        row = get_user_model().objects.filter(pk=user_id).values(*_USER_FIELDS).first()
    if not stored or row is None:
        return False
    payload = _payload(row, devices, staff_roles)
    valid = any(hmac.compare_digest(stored, _mac(payload, s)) for s in secret_keys())
    if valid and user is not None:
        from sigap.organization.roles import remember_role_pairs

        remember_role_pairs(user, [(role, unit_id) for unit_id, role in staff_roles])
        setattr(user, SEALED_DEVICES, frozenset(devices))  # a code is checked only against these secrets
    return valid


def seal_write(user_id: int, *, create: bool = False) -> None:
    """Write the account's seal over its current state. Only an existing seal row is updated unless ``create``
    (a new account, the data migration, ``sigap otp reseal``): a row deleted by SQL stays missing."""
    from .models import CredentialSeal

    payload = seal_payload(user_id)
    if payload is None:
        return
    mac = _mac(payload, settings.SECRET_KEY)
    if create:
        CredentialSeal.objects.update_or_create(user_id=user_id, defaults={"mac": mac})
    else:
        CredentialSeal.objects.filter(user_id=user_id).update(mac=mac)


# --- the signals: every ORM write the application makes keeps the seal, but never blesses an SQL rewrite ------


def _before(sender, instance, raw=False, **kwargs):
    if raw:
        return
    user_id = instance.pk if sender is get_user_model() else getattr(instance, "user_id", None)
    if user_id is None:
        return  # a new account: sealed when created
    setattr(instance, _STASH, seal_valid(user_id))


def _after(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    if sender is get_user_model():
        if created:
            seal_write(instance.pk, create=True)
            return
        user_id = instance.pk
    else:
        user_id = instance.user_id
    if getattr(instance, _STASH, False):
        seal_write(user_id)


def _user_before(sender, instance, raw=False, **kwargs):
    """Also remember is_active and the password hash as stored: a deactivated PPID account is told to the other
    PPIDs, and either change revokes the account's API tokens (below)."""
    _before(sender, instance, raw=raw, **kwargs)
    if not raw and instance.pk is not None:
        stored = get_user_model().objects.filter(pk=instance.pk).values_list("is_active", "password").first()
        instance._sigap_was_active, instance._sigap_old_password = stored or (None, None)


def _user_after(sender, instance, raw=False, created=False, **kwargs):
    _after(sender, instance, raw=raw, created=created, **kwargs)
    if raw or created:
        return
    old_password = getattr(instance, "_sigap_old_password", None)
    deactivated = getattr(instance, "_sigap_was_active", None) and not instance.is_active
    if deactivated or (old_password is not None and old_password != instance.password):
        # A new password (by any path: the admin, `sigap changepassword`, a shell) or a deactivation ends every
        # API token of the account, as it ends its sessions: tokens survived both, for up to 12 hours, and came
        # back to life when an account was re-activated.
        from .models import ApiToken

        ApiToken.objects.filter(user_id=instance.pk).delete()
    if deactivated:
        from sigap.organization.models import StaffRole
        from sigap.organization.notices import notify_privacy_officers

        if StaffRole.objects.filter(user_id=instance.pk, role=StaffRole.Role.PRIVACY_OFFICER).exists():
            name = instance.get_username()
            notify_privacy_officers(
                kind="ppid_account_deactivated",
                body=f"Akun petugas privasi (PPID) {name} dinonaktifkan.",
                body_en=f"The privacy officer (PPID) account {name} was deactivated.",
            )


def _role_changed(sender, instance, raw=False, **kwargs):
    """Every staff-role change (added or removed, by any path) revokes the account's API tokens: a token is
    worth what the account was at sign-in, and the next one is issued under the new roles' rules."""
    if raw:
        return
    from .models import ApiToken

    ApiToken.objects.filter(user_id=instance.user_id).delete()


def connect() -> None:
    from sigap.organization.models import StaffRole

    user = get_user_model()
    pre_save.connect(_user_before, sender=user, dispatch_uid="sigap_seal_user_pre")
    post_save.connect(_user_after, sender=user, dispatch_uid="sigap_seal_user_post")
    for model in (_devices_model(), StaffRole):
        label = model._meta.label_lower
        pre_save.connect(_before, sender=model, dispatch_uid=f"sigap_seal_pre_save_{label}")
        post_save.connect(_after, sender=model, dispatch_uid=f"sigap_seal_post_save_{label}")
        pre_delete.connect(_before, sender=model, dispatch_uid=f"sigap_seal_pre_delete_{label}")
        post_delete.connect(_after, sender=model, dispatch_uid=f"sigap_seal_post_delete_{label}")
    post_save.connect(_role_changed, sender=StaffRole, dispatch_uid="sigap_tokens_role_saved")
    post_delete.connect(_role_changed, sender=StaffRole, dispatch_uid="sigap_tokens_role_deleted")


# --- the check at sign-in and on token use ---------------------------------------------------------------------


def seal_broken_report(request, user, *, via: str) -> None:
    """Record a refused sign-in on a broken seal and tell every privacy officer."""
    from sigap.organization.notices import notify_privacy_officers
    from sigap.privacy.access_log import access_record

    name = user.get_username()
    access_record(
        actor=None,
        action=BROKEN,
        account=name,
        via=via,
        ip=(request.META.get("REMOTE_ADDR", "") if request is not None else ""),
    )
    notify_privacy_officers(
        kind=BROKEN,
        body=f"Masuk sebagai {name} ditolak: data masuk akun ini (kata sandi, status, autentikator atau peran) "
        f"diubah di luar aplikasi. Periksa basis data; perbaiki dengan `sigap otp reseal` setelah diperiksa.",
        body_en=f"Sign-in as {name} refused: this account's sign-in data (password, status, authenticator or roles) "
        f"was changed outside the application. Check the database; repair with `sigap otp reseal` once checked.",
    )
