"""Revealing a reporter's identity: only by due process, and always on the record.

1. A privacy officer requests it for one report, stating the legal basis.
2. A second, different privacy officer approves (or rejects).
3. The identity is shown once, to the requester only.
Each step is written to the access log; the reporter is told unless a legal hold is recorded.
This module and ``sigap.privacy.relay`` are the only code paths that decrypt an identity.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sigap.core.errors import DomainError, NotFound, PermissionDenied, TransitionRefused
from sigap.organization import roles
from sigap.organization.models import StaffRole
from sigap.organization.notices import notify_privacy_officers
from sigap.reports import outbox
from sigap.reports.models import Notification, Report

from . import vault
from .access_log import Action, access_record
from .models import AccessEvent, RevealRequest

MIN_LEGAL_BASIS = 20


def _require_privacy_officer(user) -> None:
    if not roles.has_role(user, StaffRole.Role.PRIVACY_OFFICER):
        raise PermissionDenied(
            "Hanya petugas privasi (PPID) yang dapat membuka identitas pelapor.",
            "Only a privacy officer (PPID) can reveal a reporter's identity.",
        )


SEAL_PURPOSE = "reveal-request"


def _seal_fields(req: RevealRequest) -> list:
    return [
        req.pk,
        req.report_id,
        req.reporter_ref,
        req.requester_id,
        req.approver_id,
        req.state,
        req.legal_hold,
        req.legal_basis,
    ]


def _seal(req: RevealRequest) -> None:
    req.seal = vault.record_seal(SEAL_PURPOSE, _seal_fields(req))
    req.save(update_fields=["seal"])


# the steps the access log may already hold for a request in each state: a row set back to an earlier copy (its
# seal held then) is seen by the log's later step, which the database owner cannot remove without breaking the
# log's chain or its checkpoints
_STEPS_LOGGED = {
    RevealRequest.State.PENDING: frozenset(),
    RevealRequest.State.APPROVED: frozenset({Action.REVEAL_APPROVE}),
    RevealRequest.State.REJECTED: frozenset({Action.REVEAL_REJECT}),
    RevealRequest.State.SHOWN: frozenset({Action.REVEAL_APPROVE, Action.REVEAL_SHOW}),
}


def _log_agrees(req: RevealRequest) -> bool:
    # found by the request's id, which its seal covers: not by the report's number, which the database owner could
    # change along with the row (a review); the action's index keeps it to the few reveal steps
    logged = list(
        AccessEvent.objects.filter(
            action__in=(Action.REVEAL_APPROVE, Action.REVEAL_REJECT, Action.REVEAL_SHOW), detail__request=req.pk
        ).values_list("action", flat=True)
    )
    allowed = _STEPS_LOGGED.get(req.state, frozenset())
    return all(action in allowed for action in logged) and len(logged) == len(set(logged))


def _intact(req: RevealRequest) -> bool:
    return (
        vault.record_seal_ok(req.seal, SEAL_PURPOSE, _seal_fields(req))
        and req.reporter_ref == req.report.reporter_ref
        and _log_agrees(req)
    )


def seal_key_id(req: RevealRequest) -> str:
    return (req.seal or "").partition(":")[0]


def reseal_under_current_key() -> dict[str, int]:
    """After the vault's master key changed (``sigap vault rotate``): each request sealed under an older key whose
    seal holds is sealed again under the current one, so retiring the old key does not make it look tampered. A
    request whose seal does not hold keeps it, and stays refused; so does one whose seal names a key that is not in
    the ring (whoever can write the table can write any key id: stopping there left every later request under the
    old key, found by a review). An old key left out of ``SIGAP_VAULT_OLD_KEYS`` stops ``vault.rotate`` first."""
    current = vault.master_key().key_id
    ring = vault.keyring()
    counts = {"resealed": 0, "not_intact": 0}
    stale = RevealRequest.objects.exclude(seal__startswith=f"{current}:").order_by("pk").values_list("pk", flat=True)
    for pk in list(stale):
        with transaction.atomic():
            req = RevealRequest.objects.select_for_update().select_related("report").get(pk=pk)
            key_id = seal_key_id(req)
            if key_id == current:
                continue
            if key_id in ring and _intact(req):
                _seal(req)
                counts["resealed"] += 1
            else:
                counts["not_intact"] += 1
    return counts


def seal_status() -> dict[str, int]:
    """Reveal requests by the key their seal is under, and whether it holds (``sigap vault status``)."""
    current = vault.master_key().key_id
    rows: dict[str, int] = {}
    for req in RevealRequest.objects.select_related("report").order_by("pk").iterator(chunk_size=500):
        key_id = seal_key_id(req)
        label = "current key" if key_id == current else f"old key {key_id}"
        if not _intact(req):
            label = f"not intact ({label})"
        rows[label] = rows.get(label, 0) + 1
    return rows


def _tampered() -> DomainError:
    return DomainError(
        "Permintaan ini tidak utuh (diubah di luar aplikasi); tidak ada yang ditampilkan.",
        "This request is not intact (changed outside the application); nothing is shown.",
        code="request_tampered",
        status=409,
    )


def _refuse_if_tampered(req: RevealRequest) -> None:
    """Before the transaction of a decision or a display: a request edited in the database (approved without a
    second officer, pointed at another report or identity) is refused, and the refusal is recorded -- access log,
    every privacy officer told -- in its own commit, so that raising cannot roll the record back."""
    if _intact(req):
        return
    with transaction.atomic():
        access_record(actor=None, action="reveal_request_tampered", report_number=req.report.number, request=req.pk)
        notify_privacy_officers(
            kind="reveal_tampered",
            report_number=req.report.number,
            body=f"Permintaan buka identitas #{req.pk} (laporan {req.report.number}) diubah di luar aplikasi; tidak "
            "ada yang ditampilkan. Periksa basis data dan log akses.",
            body_en=f"Reveal request #{req.pk} (report {req.report.number}) was changed outside the application; "
            "nothing was shown. Check the database and the access log.",
        )
    raise _tampered()


def _require_intact(req: RevealRequest) -> None:
    """Checked again under the row lock (an edit between the two checks is refused too)."""
    if not _intact(req):
        raise _tampered()


def barred_unit_ids(user) -> set[int]:
    """The units a complaint about officials may concern for ``user`` to be barred from it: theirs and those above."""
    return roles.ancestor_unit_ids(roles.unit_ids_where(user))


def _barred(user, report: Report) -> bool:
    return bool(report.concerned_unit_id) and report.concerned_unit_id in barred_unit_ids(user)


def _require_no_conflict(user, report: Report) -> None:
    """A privacy officer whose own unit (or a unit above it) is the subject of a complaint about officials takes
    no part in revealing who complained: the same conflict-of-interest rule that hides the report from that unit."""
    if _barred(user, report):
        raise PermissionDenied(
            "Pengaduan ini tentang unit Anda: petugas privasi lain yang memutuskan.",
            "This complaint is about your own unit: another privacy officer must handle it.",
            code="conflict_of_interest",
        )


# What a privacy officer barred from a complaint is answered, word for word what a missing number or request is: a
# refusal of its own told them which numbers were complaints about their unit, one probe at a time, and nothing was
# logged (an attacker's review).
_NO_REPORT = ("Laporan tidak ditemukan.", "Report not found.")
_NO_REQUEST = ("Permintaan tidak ditemukan.", "Request not found.")


def _refused_as_missing(actor, step: str, report: Report, message: tuple[str, str], **detail) -> NotFound:
    """A barred privacy officer's step on the complaint about their unit: answered as a missing one, but on the
    record (the access log, written before and outside the step's own transaction) and told to the privacy officers
    who are not barred, as every reveal step is. A number missing from a day's run still hints at a complaint; that
    the hint was sought is what the others see."""
    with transaction.atomic():
        access_record(actor=actor, action=Action.REVEAL_REFUSED, report_number=report.number, step=step, **detail)
        user = actor.get_username()
        notify_privacy_officers(
            kind="reveal_refused",
            body=f"{user} (unitnya diadukan) mencoba langkah buka identitas pada laporan {report.number}; ditolak.",
            body_en=f"{user} (whose unit the complaint is about) tried a reveal step on report {report.number}; "
            "refused.",
            report_number=report.number,
            unless=lambda u: _barred(u, report),
        )
    return NotFound(*message)


def reveal_request(*, actor, report_number: str, legal_basis: str, legal_hold: bool = False) -> RevealRequest:
    _require_privacy_officer(actor)
    # the request itself first: what it is answered says nothing of the number until it could be filed
    if len((legal_basis or "").strip()) < MIN_LEGAL_BASIS:
        raise DomainError(
            f"Sebutkan dasar hukum dengan jelas (minimal {MIN_LEGAL_BASIS} karakter).",
            f"State the legal basis clearly (at least {MIN_LEGAL_BASIS} characters).",
            code="legal_basis_required",
            status=422,
            field="legal_basis",
        )
    report = Report.objects.filter(number=report_number).first()
    if report is None:
        raise NotFound(*_NO_REPORT)
    if _barred(actor, report):
        raise _refused_as_missing(actor, "request", report, _NO_REPORT)
    return _request(actor=actor, report=report, legal_basis=legal_basis, legal_hold=legal_hold)


@transaction.atomic
def _request(*, actor, report: Report, legal_basis: str, legal_hold: bool) -> RevealRequest:
    if not report.reporter_ref:
        raise DomainError(
            "Laporan ini anonim: tidak ada identitas yang tersimpan.",
            "This report is anonymous: no identity is stored.",
            code="no_identity",
            status=409,
        )
    req = RevealRequest.objects.create(
        report=report,
        requester=actor,
        legal_basis=legal_basis.strip(),
        legal_hold=legal_hold,
        reporter_ref=report.reporter_ref,
    )
    _seal(req)
    access_record(
        actor=actor, action=Action.REVEAL_REQUEST, report_number=report.number, request=req.pk, legal_hold=legal_hold
    )
    hold_id, hold_en = (" (dengan larangan memberi tahu pelapor)", " (with a legal hold)") if legal_hold else ("", "")
    _tell_every_privacy_officer(
        req,
        "reveal_request",
        f"{actor.get_username()} meminta pembukaan identitas pelapor laporan {report.number}{hold_id}. "
        f"Dasar hukum: {req.legal_basis}",
        f"{actor.get_username()} asked to reveal the reporter's identity on report {report.number}{hold_en}. "
        f"Legal basis: {req.legal_basis}",
    )
    return req


def _tell_every_privacy_officer(req: RevealRequest, kind: str, body: str, body_en: str) -> None:
    """Every privacy officer, not only the two involved, hears of each step (a lone or colluding pair is seen); but
    not those barred from the report: a complaint about officials, its number, its legal basis and that its
    complainant is being named never reach the unit it is about (an attacker's review)."""
    notify_privacy_officers(
        kind=kind, body=body, body_en=body_en, report_number=req.report.number, unless=lambda u: _barred(u, req.report)
    )


def _pending(request_id: int) -> RevealRequest:
    req = RevealRequest.objects.select_for_update().select_related("report").filter(pk=request_id).first()
    if req is None:
        raise NotFound(*_NO_REQUEST)
    return req


def _before_step(actor, request_id: int, step: str, *, requester_may: bool = False) -> None:
    """What a decision or a display settles outside (and before) its own transaction, from one read of the request,
    so that raising cannot roll its record back: a barred officer's step answered as a missing request, and a
    request edited in the database refused. ``requester_may``: the requester's own step is judged in the step
    (their unit may have become the subject since; they know the request exists)."""
    req = RevealRequest.objects.select_related("report").filter(pk=request_id).first()
    if req is None:
        return
    if not (requester_may and req.requester_id == actor.pk) and _barred(actor, req.report):
        raise _refused_as_missing(actor, step, req.report, _NO_REQUEST, request=req.pk)
    _refuse_if_tampered(req)


def reveal_decide(*, actor, request_id: int, approve: bool, note: str = "") -> RevealRequest:
    _require_privacy_officer(actor)
    _before_step(actor, request_id, "approve" if approve else "reject")
    return _decide(actor=actor, request_id=request_id, approve=approve, note=note)


@transaction.atomic
def _decide(*, actor, request_id: int, approve: bool, note: str) -> RevealRequest:
    _require_privacy_officer(actor)
    req = _pending(request_id)
    if _barred(actor, req.report):  # as if there were no such request (``reveal_decide`` logged it)
        raise NotFound(*_NO_REQUEST)
    if req.requester_id == actor.pk:
        raise PermissionDenied(
            "Persetujuan harus diberikan oleh petugas privasi lain.",
            "Approval must come from a different privacy officer.",
            code="same_officer",
        )
    if req.state != RevealRequest.State.PENDING:
        raise TransitionRefused("Permintaan ini sudah diputuskan.", "This request has already been decided.")
    _require_intact(req)
    req.state = RevealRequest.State.APPROVED if approve else RevealRequest.State.REJECTED
    req.approver, req.decided_at, req.decision_note = actor, timezone.now(), note
    req.save(update_fields=["state", "approver", "decided_at", "decision_note"])
    _seal(req)
    access_record(
        actor=actor,
        action=Action.REVEAL_APPROVE if approve else Action.REVEAL_REJECT,
        report_number=req.report.number,
        request=req.pk,
    )
    verdict_id, verdict_en = ("menyetujui", "approved") if approve else ("menolak", "rejected")
    _tell_every_privacy_officer(
        req,
        "reveal_decision",
        f"{actor.get_username()} {verdict_id} permintaan {req.requester.get_username()} membuka identitas pelapor "
        f"laporan {req.report.number}.",
        f"{actor.get_username()} {verdict_en} {req.requester.get_username()}'s request to reveal the reporter's "
        f"identity on report {req.report.number}.",
    )
    return req


def reveal_show(*, actor, request_id: int) -> dict:
    """The identity, once, to the officer who requested it."""
    _require_privacy_officer(actor)
    _before_step(actor, request_id, "show", requester_may=True)
    return _show(actor=actor, request_id=request_id)


@transaction.atomic
def _show(*, actor, request_id: int) -> dict:
    _require_privacy_officer(actor)
    req = _pending(request_id)
    if req.requester_id != actor.pk:
        raise PermissionDenied(
            "Identitas hanya ditampilkan kepada peminta.", "The identity is shown only to the requester."
        )
    _require_no_conflict(actor, req.report)  # the requester's unit may have become the subject since
    if req.state != RevealRequest.State.APPROVED:
        raise TransitionRefused(
            "Identitas hanya dapat dibuka sekali setelah disetujui.",
            "The identity can be shown once, after approval.",
            code="not_approved",
        )
    _require_intact(req)
    approver = req.approver
    if (
        approver is None
        or not approver.is_active
        or not roles.has_role(approver, StaffRole.Role.PRIVACY_OFFICER)
        or _barred(approver, req.report)
    ):
        # the second officer's approval stands only while they are one, and not barred from the report (a role
        # removed or an account closed after approving, for cause or not, left a single officer deciding: a review)
        raise TransitionRefused(
            "Persetujuan tidak berlaku lagi: penyetujunya bukan petugas privasi aktif. Ajukan permintaan baru.",
            "The approval no longer stands: its approver is not an active privacy officer. Make a new request.",
            code="approval_void",
        )
    payload = vault.identity_for_reveal(req.reporter_ref)
    if payload is None:
        raise DomainError(
            "Identitas sudah dimusnahkan sesuai masa retensi.",
            "The identity has been destroyed under the retention policy.",
            code="identity_destroyed",
            status=410,
        )
    req.state, req.shown_at = RevealRequest.State.SHOWN, timezone.now()
    req.save(update_fields=["state", "shown_at"])
    _seal(req)
    access_record(actor=actor, action=Action.REVEAL_SHOW, report_number=req.report.number, request=req.pk)
    approver = approver.get_username()
    _tell_every_privacy_officer(
        req,
        "reveal_shown",
        f"Identitas pelapor laporan {req.report.number} telah dibuka untuk {actor.get_username()} "
        f"(disetujui {approver}). Dasar hukum: {req.legal_basis}",
        f"The reporter's identity on report {req.report.number} was shown to {actor.get_username()} "
        f"(approved by {approver}). Legal basis: {req.legal_basis}",
    )
    if not req.legal_hold:
        note = Notification.objects.create(
            report=req.report,
            kind="identity_revealed",
            body=(
                f"Identitas Anda pada laporan {req.report.number} dibuka oleh petugas privasi berdasarkan: "
                f"{req.legal_basis}"
            ),
            body_en=f"Your identity on report {req.report.number} was revealed by a privacy officer on the basis of: "
            f"{req.legal_basis}",
        )
        transaction.on_commit(lambda: outbox.enqueue(note.pk))
    identity = {k: payload.get(k, "") for k in ("name", "phone", "email", "nik", "channel")}
    return identity
