"""The report lifecycle as data: statuses, their type, and every allowed move.

Pure: no I/O. ``check_transition`` is the only place that decides whether a move is legal; the
service layer (``sigap.reports.services``) calls it inside the row lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sigap.core.errors import TransitionRefused

CONDUCT_CATEGORY = (
    "pelayanan-aparatur"  # complaints about officials (pungli, misconduct): the category with a concerned unit
)


class Status(models.TextChoices):
    WAITING = "waiting", _("Menunggu")
    KOORDINASI = "koordinasi", _("Koordinasi")
    DISPOSISI = "disposisi", _("Disposisi")
    IN_PROGRESS = "in_progress", _("Proses")
    AWAITING_REPORTER = "awaiting_reporter", _("Menunggu Informasi Pelapor")
    AWAITING_VALIDATION = "awaiting_validation", _("Menunggu Validasi")
    DONE = "done", _("Selesai")
    FOLLOWUP_REJECTED = "followup_rejected", _("TL Ditolak")
    REOPENED = "reopened", _("Dibuka Kembali")
    REJECTED = "rejected", _("Ditolak")
    MERGED = "merged", _("Digabung")
    FORWARDED = "forwarded", _("Diteruskan ke Instansi Lain")
    CLOSED_NO_RESPONSE = "closed_no_response", _("Ditutup: Pelapor Tidak Menjawab")


class StatusType(models.TextChoices):
    OPEN = "open", _("terbuka")
    CLOSED = "closed", _("ditutup")
    DONE = "done", _("selesai")


S = Status

TYPE: dict[Status, StatusType] = {
    S.WAITING: StatusType.OPEN,
    S.KOORDINASI: StatusType.OPEN,
    S.DISPOSISI: StatusType.OPEN,
    S.IN_PROGRESS: StatusType.OPEN,
    S.AWAITING_REPORTER: StatusType.OPEN,
    S.AWAITING_VALIDATION: StatusType.OPEN,
    S.FOLLOWUP_REJECTED: StatusType.OPEN,
    S.REOPENED: StatusType.OPEN,
    S.DONE: StatusType.DONE,
    S.REJECTED: StatusType.CLOSED,
    S.MERGED: StatusType.CLOSED,
    S.FORWARDED: StatusType.CLOSED,
    S.CLOSED_NO_RESPONSE: StatusType.CLOSED,
}

# Jakarta's colours for the statuses residents know (Menunggu red, Proses yellow, Selesai green).
COLOUR: dict[Status, str] = {
    S.WAITING: "red",
    S.KOORDINASI: "orange",
    S.DISPOSISI: "orange",
    S.IN_PROGRESS: "yellow",
    S.AWAITING_REPORTER: "grey",
    S.AWAITING_VALIDATION: "blue",
    S.FOLLOWUP_REJECTED: "yellow",
    S.REOPENED: "red",
    S.DONE: "green",
    S.REJECTED: "black",
    S.MERGED: "grey",
    S.FORWARDED: "grey",
    S.CLOSED_NO_RESPONSE: "grey",
}


def _of_type(kind: StatusType) -> tuple[Status, ...]:
    return tuple(s for s in Status if TYPE[s] == kind)


# The status sets, each named here once. Tuples in the order ``Status`` lists them, so a query or an index
# condition built from one reads the same in every process. Every status is in exactly one of OPEN, DONE
# and CLOSED; ENDED is DONE and CLOSED together (the report has a ``closed_at``).
OPEN_STATUSES: tuple[Status, ...] = _of_type(StatusType.OPEN)
DONE_STATUSES: tuple[Status, ...] = _of_type(StatusType.DONE)
CLOSED_STATUSES: tuple[Status, ...] = _of_type(StatusType.CLOSED)
ENDED_STATUSES: tuple[Status, ...] = tuple(s for s in Status if TYPE[s] != StatusType.OPEN)

# Statuses in which a unit holds the report but has not yet accepted it: the 6-hour hop clock runs.
AWAITING_ACCEPTANCE = frozenset({S.WAITING, S.KOORDINASI, S.DISPOSISI, S.REOPENED})
# Statuses in which the handling unit is working (may add proof, ask for validation).
WORKING = frozenset({S.IN_PROGRESS, S.FOLLOWUP_REJECTED, S.REOPENED})

_PASS_ON = frozenset({S.KOORDINASI, S.DISPOSISI, S.FORWARDED, S.REJECTED, S.MERGED, S.AWAITING_REPORTER})

NEXT: dict[Status, frozenset[Status]] = {
    S.WAITING: frozenset({S.IN_PROGRESS}) | _PASS_ON,
    S.KOORDINASI: frozenset({S.IN_PROGRESS}) | _PASS_ON,
    S.DISPOSISI: frozenset({S.IN_PROGRESS}) | _PASS_ON,
    S.IN_PROGRESS: frozenset({S.AWAITING_VALIDATION}) | _PASS_ON,
    S.FOLLOWUP_REJECTED: frozenset({S.IN_PROGRESS, S.AWAITING_VALIDATION}) | _PASS_ON,
    S.REOPENED: frozenset({S.IN_PROGRESS, S.AWAITING_VALIDATION}) | _PASS_ON,
    S.AWAITING_REPORTER: frozenset(
        {
            S.WAITING,
            S.KOORDINASI,
            S.DISPOSISI,
            S.IN_PROGRESS,
            S.FOLLOWUP_REJECTED,
            S.REOPENED,
            S.REJECTED,
            S.CLOSED_NO_RESPONSE,
        }
    ),
    S.AWAITING_VALIDATION: frozenset({S.DONE, S.FOLLOWUP_REJECTED}),
    S.DONE: frozenset({S.REOPENED}),
    S.REJECTED: frozenset(),
    S.MERGED: frozenset(),
    S.FORWARDED: frozenset(),
    S.CLOSED_NO_RESPONSE: frozenset(),
}

# Moves that need a reason the reporter (or the next unit) can read.
NEEDS_REASON = frozenset(
    {
        S.KOORDINASI,
        S.DISPOSISI,
        S.REJECTED,
        S.FOLLOWUP_REJECTED,
        S.FORWARDED,
        S.REOPENED,
        S.AWAITING_REPORTER,
        S.CLOSED_NO_RESPONSE,
    }
)

# The reporter may dispute a done report (done → reopened) for this many days after it was closed.
DISPUTE_WINDOW_DAYS = 30


def dispute_window_closed(closed_at: datetime | None, now: datetime) -> bool:
    """Whether more than ``DISPUTE_WINDOW_DAYS`` days have passed since ``closed_at`` (the last instant of
    the window still counts as open)."""
    return closed_at is not None and now - closed_at > timedelta(days=DISPUTE_WINDOW_DAYS)


def can_dispute(status: Status | str, closed_at: datetime | None, now: datetime) -> bool:
    """Whether the reporter may dispute now: the report is done and its window is open. The pages and the
    tracking API offer a dispute exactly when the service (``report_dispute``) would take it."""
    return Status(status) == S.DONE and closed_at is not None and not dispute_window_closed(closed_at, now)


def status_type(status: Status | str) -> StatusType:
    return TYPE[Status(status)]


def is_open(status: Status | str) -> bool:
    return TYPE[Status(status)] == StatusType.OPEN


def may_move(current: Status | str, target: Status | str, resume_status: str = "") -> bool:
    """Whether ``current → target`` is a move the status allows now (what an action is offered by, and what
    ``check_transition`` checks first): a report waiting for the reporter goes back only to where it was asked
    from, or is closed."""
    current, target = Status(current), Status(target)
    if target not in NEXT[current]:
        return False
    return not (
        current == S.AWAITING_REPORTER
        and target not in (S.REJECTED, S.CLOSED_NO_RESPONSE)
        and resume_status
        and target != Status(resume_status)
    )


def check_transition(
    current: Status | str,
    target: Status | str,
    *,
    before_photos: int = 0,
    after_photos: int = 0,
    reason: str = "",
    resume_status: str = "",
) -> None:
    """Raise ``TransitionRefused`` unless ``current → target`` is allowed with what is known."""
    current, target = Status(current), Status(target)
    if target not in NEXT[current]:
        raise TransitionRefused(
            f"Perubahan status dari {_id(current)} ke {_id(target)} tidak diizinkan.",
            f"Moving from {_en(current)} to {_en(target)} is not allowed.",
        )
    if not may_move(current, target, resume_status):
        raise TransitionRefused(
            f"Laporan yang menunggu pelapor hanya dapat kembali ke status {_id(Status(resume_status))}.",
            f"A report waiting for the reporter can only return to {_en(Status(resume_status))}.",
        )
    if target == S.AWAITING_VALIDATION and (before_photos < 1 or after_photos < 1):
        raise TransitionRefused(
            "Ajukan validasi memerlukan minimal satu foto sebelum dan satu foto sesudah dari unit yang menangani "
            f"(ada {before_photos} foto sebelum, {after_photos} foto sesudah).",
            "Asking for validation needs at least one 'before' and one 'after' photo from the handling unit "
            f"(there are {before_photos} before and {after_photos} after).",
            code="proof_missing",
        )
    if target in NEEDS_REASON and not reason.strip():
        raise TransitionRefused(
            f"Perubahan ke {_id(target)} memerlukan alasan.",
            f"Moving to {_en(target)} needs a reason.",
            code="reason_required",
            status=422,
            field="reason",
        )


_EN = {
    S.WAITING: "Waiting",
    S.KOORDINASI: "Coordination",
    S.DISPOSISI: "Disposition",
    S.IN_PROGRESS: "In progress",
    S.AWAITING_REPORTER: "Waiting for the reporter",
    S.AWAITING_VALIDATION: "Awaiting validation",
    S.DONE: "Done",
    S.FOLLOWUP_REJECTED: "Follow-up rejected",
    S.REOPENED: "Reopened",
    S.REJECTED: "Rejected",
    S.MERGED: "Merged",
    S.FORWARDED: "Forwarded to another agency",
    S.CLOSED_NO_RESPONSE: "Closed: the reporter did not answer",
}


def _en(status: Status) -> str:
    return _EN[status]


def _id(status: Status) -> str:
    with translation.override("id"):
        return str(status.label)


def label_en(status: Status | str) -> str:
    return _EN[Status(status)]


def label_id(status: Status | str) -> str:
    return _id(Status(status))
