"""Granting or removing the privacy-officer (PPID) role takes two admins.

``role_change_request``: an admin asks (with a reason); ``role_change_decide``: a *different* admin, who is
not the account concerned, approves or rejects. Only an approval changes ``StaffRole``. Each step is an
access-log row and every privacy officer is told (``sigap.organization.notices``). The admin's StaffRole
page cannot add, edit or delete a guarded role directly (``sigap.organization.admin``).

The access log is ``sigap.privacy``'s, a layer above this one: it hands its ``access_record`` over at start-up
(``record_with``), and a step refuses to run without it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from sigap.core.errors import DomainError, NotFound, PermissionDenied, TransitionRefused

from .models import RoleChange, StaffRole, Unit
from .notices import notify_privacy_officers

GUARDED_ROLES = frozenset({StaffRole.Role.PRIVACY_OFFICER})
MIN_REASON = 10

_access_record: Callable[..., object] | None = None


def record_with(access_record: Callable[..., object]) -> None:
    """Called once by ``sigap.privacy`` at start-up: each step is appended to its access log, in the step's
    transaction."""
    global _access_record
    _access_record = access_record


class Action:  # access-log actions of this module
    REQUEST = "role_change_request"
    APPROVE = "role_change_approve"
    REJECT = "role_change_reject"


def _require_admin(actor) -> None:
    if not (getattr(actor, "is_active", False) and actor.is_staff and actor.has_perm("organization.add_rolechange")):
        raise PermissionDenied(
            "Hanya admin yang dapat mengubah peran PPID.", "Only an administrator can change PPID roles."
        )


def _describe(rc: RoleChange) -> tuple[str, str]:
    if rc.kind == RoleChange.Kind.GRANT:
        return (
            f"pemberian peran PPID kepada {rc.user.get_username()} di {rc.unit.code}",
            f"granting the PPID role to {rc.user.get_username()} at {rc.unit.code}",
        )
    return (
        f"pencabutan peran PPID dari {rc.user.get_username()} di {rc.unit.code}",
        f"removing the PPID role from {rc.user.get_username()} at {rc.unit.code}",
    )


def admin_change_record(actor, action: str, **detail) -> None:
    """One row in the access log for a change of who sees what (a PPID role change's step; in the admin, a staff role
    added or removed, a unit moved in the tree), in the change's transaction."""
    if _access_record is None:
        raise RuntimeError("no access log registered (is sigap.privacy installed?)")
    _access_record(actor=actor, action=action, **detail)


def _log(actor, action: str, rc: RoleChange) -> None:
    admin_change_record(
        actor,
        action=action,
        change=rc.pk,
        kind=rc.kind,
        role=rc.role,
        account=rc.user.get_username(),
        unit=rc.unit.code,
        requested_by=rc.requested_by.get_username(),
    )


def role_change_check(*, user, unit: Unit, role: str, kind: str, reason: str) -> str:
    """The refusals of ``role_change_request`` short of the actor check (the admin form shows them); the reason."""
    if role not in GUARDED_ROLES:
        raise DomainError(
            "Peran ini tidak memerlukan persetujuan admin kedua; atur di halaman peran staf.",
            "This role needs no second admin; set it on the staff roles page.",
            code="role_not_guarded",
            status=422,
            field="role",
        )
    if kind not in RoleChange.Kind.values:
        raise DomainError(
            "Jenis perubahan tidak dikenal.", "Unknown kind of change.", code="invalid_input", status=422, field="kind"
        )
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError(
            f"Tuliskan alasannya (minimal {MIN_REASON} karakter).",
            f"State the reason (at least {MIN_REASON} characters).",
            code="reason_required",
            status=422,
            field="reason",
        )
    holds = StaffRole.objects.filter(user=user, unit=unit, role=role).exists()
    if kind == RoleChange.Kind.GRANT and holds:
        raise TransitionRefused(
            "Akun ini sudah memegang peran tersebut di unit itu.",
            "This account already holds that role at that unit.",
            code="role_held",
        )
    if kind == RoleChange.Kind.REVOKE and not holds:
        raise TransitionRefused(
            "Akun ini tidak memegang peran tersebut di unit itu.",
            "This account does not hold that role at that unit.",
            code="role_not_held",
        )
    if RoleChange.objects.filter(user=user, unit=unit, role=role, state=RoleChange.State.PENDING).exists():
        raise TransitionRefused(
            "Sudah ada permintaan yang menunggu untuk peran ini.",
            "A request for this role is already waiting.",
            code="change_pending",
        )
    return reason


@transaction.atomic
def role_change_request(*, actor, user, unit: Unit, role: str, kind: str, reason: str) -> RoleChange:
    _require_admin(actor)
    reason = role_change_check(user=user, unit=unit, role=role, kind=kind, reason=reason)
    rc = RoleChange.objects.create(user=user, unit=unit, role=role, kind=kind, reason=reason, requested_by=actor)
    _log(actor, Action.REQUEST, rc)
    what_id, what_en = _describe(rc)
    notify_privacy_officers(
        kind="ppid_role_request",
        body=f"{actor.get_username()} meminta {what_id}. Menunggu persetujuan admin kedua.",
        body_en=f"{actor.get_username()} asked for {what_en}. Waiting for a second admin.",
    )
    return rc


@transaction.atomic
def role_change_decide(*, actor, change_id: int, approve: bool) -> RoleChange:
    _require_admin(actor)
    rc = (
        RoleChange.objects.select_for_update()
        .select_related("user", "unit", "requested_by")
        .filter(pk=change_id)
        .first()
    )
    if rc is None:
        raise NotFound("Permintaan tidak ditemukan.", "Request not found.")
    if rc.state != RoleChange.State.PENDING:
        raise TransitionRefused("Permintaan ini sudah diputuskan.", "This request has already been decided.")
    if rc.requested_by_id == actor.pk:
        raise PermissionDenied(
            "Persetujuan harus diberikan oleh admin lain, bukan peminta.",
            "Approval must come from a different administrator than the one who asked.",
            code="same_admin",
        )
    if rc.user_id == actor.pk:
        raise PermissionDenied(
            "Admin tidak dapat memutuskan perubahan peran akunnya sendiri.",
            "An administrator cannot decide a change to their own roles.",
            code="own_role",
        )
    if approve:
        if rc.kind == RoleChange.Kind.GRANT:
            StaffRole.objects.get_or_create(user=rc.user, unit=rc.unit, role=rc.role)
        else:
            StaffRole.objects.filter(user=rc.user, unit=rc.unit, role=rc.role).delete()
    rc.state = RoleChange.State.APPROVED if approve else RoleChange.State.REJECTED
    rc.decided_by, rc.decided_at = actor, timezone.now()
    rc.save(update_fields=["state", "decided_by", "decided_at"])
    _log(actor, Action.APPROVE if approve else Action.REJECT, rc)
    what_id, what_en = _describe(rc)
    verdict_id, verdict_en = ("menyetujui", "approved") if approve else ("menolak", "rejected")
    notify_privacy_officers(
        kind="ppid_role_decision",
        body=f"{actor.get_username()} {verdict_id} {what_id} (diminta {rc.requested_by.get_username()}).",
        body_en=f"{actor.get_username()} {verdict_en} {what_en} (asked by {rc.requested_by.get_username()}).",
    )
    return rc
