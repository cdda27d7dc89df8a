"""The single write path for reports, whatever the channel or console.

Every status change goes through ``_transition``: row lock, ``check_transition`` (the graph in
``states.py``), history row, audit row, outbox row, and delivery scheduled after commit. Services are
keyword-only; they raise ``DomainError`` subclasses with bilingual messages.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import operator
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sigap.core.digits import DIGIT_WORDS
from sigap.core.errors import DomainError, NotFound, PermissionDenied, TransitionRefused
from sigap.core.jobs import FAILED, isolated
from sigap.core.keys import keyed_hexdigests
from sigap.core.models import AuditEvent
from sigap.core.rows import ids_ahead, insert_rows
from sigap.organization import roles
from sigap.organization.loaders import TRIAGE_UNIT
from sigap.organization.models import Category, Unit
from sigap.routing.cache import routing_data
from sigap.routing.rules import Location

from . import deadlines, desk, escalation, exposure, outbox, photoqueue, proofcheck, selectors, summaries, visibility
from .duplicates import (
    DuplicateState,
    candidates_for_many,
    cluster_leave,
    cluster_link_batch,
    cluster_merge,
    place_changed,
)
from .models import Channel, DuplicateCandidate, Hop, Notification, NumberSequence, Photo, Privacy, Report, StatusChange
from .notes import in_language
from .states import (
    CONDUCT_CATEGORY,
    DISPUTE_WINDOW_DAYS,
    WORKING,
    Status,
    check_transition,
    dispute_window_closed,
    is_open,
    label_en,
    label_id,
)
from .uploads import CheckedPhoto, CleanPhoto

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L


# --- small helpers ---------------------------------------------------------------------------


def _normalized_code(code: str) -> str:
    # compatibility forms plain: a code typed in fullwidth letters (a phone's CJK keyboard) is the same code
    return "".join(ch for ch in unicodedata.normalize("NFKC", code).upper() if ch.isascii() and ch.isalnum())


def tracking_display(code: str) -> str:
    """A tracking code as Sigap writes it (``ABCD-EFGH-JKMN``), however it was typed: spaces, dashes, lower case."""
    plain = _normalized_code(code)
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4)) if len(plain) == 12 else plain


def tracking_hash(code: str) -> str:
    """How a tracking code or an Anonim secret is stored: keyed with a key derived from ``SECRET_KEY`` (not in the
    database). Until December 2026 it was an unkeyed SHA-256, with which a dump alone let a GPU find the 60-bit
    codes; reports stored then keep that hash (``legacy_tracking_hash``), which their codes still open."""
    return salted_hmac("sigap-tracking", _normalized_code(code), algorithm="sha256").hexdigest()


def legacy_tracking_hash(code: str) -> str:
    return hashlib.sha256(("sigap-tracking:" + _normalized_code(code)).encode()).hexdigest()


def tracking_hashes(code: str) -> list[str]:
    """The hashes a report of this code may be stored under: keyed under ``SECRET_KEY`` or one of its
    ``SECRET_KEY_FALLBACKS`` (a rotated key), and the unkeyed one of a report stored before December 2026."""
    return [*keyed_hexdigests("sigap-tracking", _normalized_code(code)), legacy_tracking_hash(code)]


def _secret_matches(stored: str, secret: str) -> bool:
    return any([hmac.compare_digest(stored, candidate) for candidate in tracking_hashes(secret)])


def _random_word(length: int) -> str:
    """``length`` characters drawn uniformly from the tracking alphabet, from one random number below
    31**length (one or two reads of the system's random source, where a draw per character read it
    ``length`` times: each read lets go of the interpreter's lock, which sixteen request threads then contend
    for)."""
    n = secrets.randbelow(len(TRACKING_ALPHABET) ** length)
    chars = []
    for _ in range(length):
        n, digit = divmod(n, len(TRACKING_ALPHABET))
        chars.append(TRACKING_ALPHABET[digit])
    return "".join(chars)


def _new_tracking_code() -> str:
    raw = _random_word(12)
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def new_secret() -> str:
    """The secret an anonymous reporter keeps beside the tracking code (stored only as a hash): 16 characters of
    the tracking code's alphabet in groups of four (79 bits), which has no 0/O or 1/I/L to misread when it is
    copied by hand or read out over the phone; typed in any case, with or without the dashes."""
    raw = _random_word(16)
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _user(actor):
    """The signed-in user behind an action, or None (the reporter, the system, an anonymous request)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit(*, action: str, actor, actor_kind: str, report: Report | None, **detail) -> None:
    AuditEvent.objects.create(
        action=action,
        actor=_user(actor),
        actor_kind=actor_kind,
        report_id=report.pk if report else None,
        detail=detail,
    )


def _notify(report: Report, change: StatusChange | None, *, kind: str, body: str, body_en: str) -> None:
    """Queue a message to the report's own reporter (anonymous ones read the timeline with the tracking code)."""
    if not report.reporter_ref:
        return
    note = Notification.objects.create(report=report, status_change=change, kind=kind, body=body, body_en=body_en)
    transaction.on_commit(lambda pk=note.pk: outbox.enqueue(pk))


def _notify_merged(report: Report, change: StatusChange, status: Status) -> None:
    """Tell every reporter whose duplicate was merged into ``report`` that it moved on: the status only, and
    the number and handling unit only when the public may see them (``exposure.MERGED_REPORTER``). A question
    to this report's own reporter is not theirs to hear."""
    if status == Status.AWAITING_REPORTER or is_conduct(report.category):
        return  # a question to the other reporter; or the report became a complaint about officials since
    merged = list(
        Report.objects.filter(merged_into=report, status=Status.MERGED)
        .exclude(reporter_ref="")
        .only("pk", "number", "reporter_ref")
    )
    if not merged:
        return
    shown = exposure.expose_report(report, exposure.Audience.MERGED_REPORTER)
    which_id = f" {report.number}" if shown.listed else ""
    where_id = f" Ditangani oleh {report.unit.name}." if shown.handling_unit and report.unit else ""
    where_en = f" Handled by {report.unit.name}." if shown.handling_unit and report.unit else ""
    for dup in merged:
        note = Notification.objects.create(
            report=dup,
            status_change=change,
            kind="status",
            body=f"Laporan {dup.number} (digabung dengan laporan serupa{which_id}): status {label_id(status)}.{where_id}",
            body_en=f"Report {dup.number} (merged with a similar report{which_id}): status {label_en(status)}.{where_en}",
        )
        transaction.on_commit(lambda pk=note.pk: outbox.enqueue(pk))


# said with every question to a reporter (its message, the tracking page): the answer reaches an officer
NO_IDENTITY_IN_ANSWERS = (
    "Jangan tuliskan nama, nomor telepon, atau alamat rumah Anda dalam jawaban, dan jangan membenarkan tebakan "
    "tentang siapa Anda: petugas tidak memerlukannya dan tidak boleh mengetahuinya.",
    "Do not write your name, phone number or home address in your answer, and do not confirm a guess at who you "
    "are: the officer does not need them and must not learn them.",
)

# channels whose residents talk with Sigap in a chat (``sigap.intake.conversations``): they answer by replying
REPLY_CHANNELS = frozenset({Channel.WHATSAPP, Channel.TELEGRAM, Channel.SMS})


def _status_message(report: Report, status: Status, unit: Unit | None, note: str) -> tuple[str, str]:
    where_id = f" Ditangani oleh {unit.name}." if unit else ""
    where_en = f" Handled by {unit.name}." if unit else ""
    note_part = f" Catatan: {note}" if note else ""
    note_en = f" Note: {in_language(note, 'en')}" if note else ""  # a note the services wrote, in English
    ask_id = ask_en = ""
    if status == Status.AWAITING_REPORTER:
        ask_id, ask_en = f" {NO_IDENTITY_IN_ANSWERS[0]}", f" {NO_IDENTITY_IN_ANSWERS[1]}"
    elif status == Status.DONE and report.channel in REPLY_CHANNELS:  # a chat: the answer is a reply
        ask_id = (
            " Apakah masalahnya sudah benar-benar beres? Lihat hasilnya di halaman Lacak dengan kode lacak Anda, "
            "lalu balas YA jika sudah beres, atau TIDAK diikuti alasannya jika belum."
        )
        ask_en = (
            " Is the problem really fixed? See the result on the Track page with your tracking code, then reply "
            "YES if it is fixed, or NO followed by your reason if it is not."
        )
    elif status == Status.DONE:  # the resident confirms: evidence first (the Lacak page), then yes or no
        ask_id = (
            " Apakah masalahnya sudah benar-benar beres? Lihat hasilnya di halaman Lacak dengan kode lacak Anda, "
            "lalu jawab: ya, sudah beres; atau sanggah dengan alasannya."
        )
        ask_en = (
            " Is the problem really fixed? See the result on the Track page with your tracking code, then answer: "
            "yes, it is fixed; or dispute it with your reason."
        )
    return (
        f"Laporan {report.number}: status {label_id(status)}.{where_id}{note_part}{ask_id}",
        f"Report {report.number}: status {label_en(status)}.{where_en}{note_en}{ask_en}",
    )


def _lock(report_id: int) -> Report:
    """The report, locked for this transaction. An action reads its time after this (``now``): read before, a wait
    for another officer's action on the same report stamped this one earlier than the one it waited for, and the
    timeline showed them out of order (found by a review on PostgreSQL)."""
    try:
        return (
            Report.objects.select_for_update(of=("self",), no_key=True)
            .select_related("category", "unit")
            .get(pk=report_id)
        )
    except Report.DoesNotExist:
        raise NotFound("Laporan tidak ditemukan.", "Report not found.") from None


def _proof_counts(report: Report) -> tuple[int, int]:
    """Ready before/after photos of the handling unit. A validator must see the proof, so a photo still being
    processed does not count, and asking for validation while one is refused with a clear "wait" (409)."""
    counts = dict.fromkeys(((k, s) for k in (Photo.Kind.BEFORE, Photo.Kind.AFTER) for s in Photo.State.values), 0)
    for kind, state in report.photos.filter(
        kind__in=(Photo.Kind.BEFORE, Photo.Kind.AFTER), unit_id=report.unit_id
    ).values_list("kind", "state"):
        counts[(kind, state)] += 1
    before, after = counts[(Photo.Kind.BEFORE, Photo.State.READY)], counts[(Photo.Kind.AFTER, Photo.State.READY)]
    waiting = (counts[(Photo.Kind.BEFORE, Photo.State.PROCESSING)] and not before) or (
        counts[(Photo.Kind.AFTER, Photo.State.PROCESSING)] and not after
    )
    # after the reporter disputed the work (Dibuka Kembali), its proof shows nothing new: the work needs an "after"
    # photo taken since (a disputed report went back to validation with the disputed proof, and could be closed
    # again in one click: found by a CRM team's walk). After TL Ditolak the validator has seen the proof and said
    # what is missing; the unit may send it again as it is (a note, not the photo, may have been the reason).
    sent_back = (
        StatusChange.objects.filter(report=report, new_status=Status.REOPENED)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if sent_back is not None and after and not waiting:
        since = report.photos.filter(
            kind=Photo.Kind.AFTER, unit_id=report.unit_id, state=Photo.State.READY, created_at__gt=sent_back
        )
        if not since.exists():
            raise TransitionRefused(
                "Laporan ini dibuka kembali karena pelapor menyatakan masalahnya belum beres: unggah foto sesudah yang "
                "baru, yang menunjukkan hasil pekerjaan sejak itu, lalu ajukan validasi.",
                "This report was reopened because its reporter says the problem is not fixed: upload a new 'after' "
                "photo showing the work since then, then ask for validation.",
                code="proof_stale",
            )
    if waiting:
        raise TransitionRefused(
            "Foto bukti masih diproses (wajah dan pelat nomor disamarkan). Coba ajukan lagi sebentar lagi.",
            "The proof photos are still being processed (faces and plates blurred). Try again in a moment.",
            code="photo_processing",
            status=409,
        )
    return before, after


def _transition(
    report: Report,
    to: Status,
    *,
    actor,
    actor_kind: str,
    now: datetime,
    unit: Unit | None = None,
    reason: str = "",
    public_note: str = "",
    internal_note: str = "",
    notify: bool = True,
    proof_flagged: bool | None = None,
    wait_credited: bool = True,
) -> StatusChange:
    """Apply one status change to a locked report. The caller holds the transaction. A note an officer or a
    validator writes that the reporter reads (``public_note``: the tracking page, the status message) may not ask
    who they are: the question list for an Anonim reporter was otherwise bypassed by a note on "Terima / proses"
    followed by a listed question. ``proof_flagged``: a validation's record of whether the proof it decided on
    carried a flag (``report_validate``)."""
    if actor_kind in ("officer", "validator") and public_note and (why := question_refused_for(public_note)):
        because_id, because_en = _REFUSED_BECAUSE[why]
        raise DomainError(
            f"{because_id} Pelapor membaca catatan ini, dan identitasnya tidak pernah sampai ke petugas: tulis tentang "
            "masalah atau lokasinya.",
            f"{because_en} The reporter reads this note, and a reporter's identity never reaches officers: write about "
            "the problem or its place.",
            code="note_asks_identity",
            status=422,
        )
    before = after = 0
    if to == Status.AWAITING_VALIDATION:
        before, after = _proof_counts(report)
    check_transition(
        report.status, to, before_photos=before, after_photos=after, reason=reason, resume_status=report.resume_status
    )
    old = Status(report.status)
    # back where it was asked from, at the same unit (the reporter answered): the clocks were only paused
    returning = old == Status.AWAITING_REPORTER and to == report.resume_status and (unit is None or unit == report.unit)
    if old == Status.AWAITING_REPORTER and actor_kind != "reporter":
        # Only the reporter's answer gives the unit its waiting time back. A unit that ends the wait itself (Terima
        # or koordinasi while the question is open, like withdrawing it) had that time: otherwise ask, wait four
        # days, "accept" again, and the report was never late (found by a review).
        wait_credited = False
    if old == Status.AWAITING_REPORTER:
        report.resume_status = ""
    if to == Status.AWAITING_REPORTER:
        report.resume_status = old
    summary_before = summaries.before_transition(report)
    # the conflict-of-interest rule on every write: whatever changed the category or location before
    report.unit = conflict_settle(report, unit=unit)
    if at_the_desk(report) and not report.triage_reason and is_open(to):
        report.triage_reason = "returned"  # a unit sent it back to the desk: the desk places it again

    was_escalated = report.escalation_level > 0
    deadlines.on_transition(  # pauses, resumes, sets anew
        report, old=old, to=to, now=now, returning=returning, wait_credited=wait_credited
    )
    report.closed_at = None if is_open(to) else now
    report.retained_at = None  # a closure (again) starts its own retention period
    report.status = to
    report.status_changed_at = now
    if public_note:
        report.public_note = public_note
    report.save()
    visibility.report_sync(report)
    if was_escalated and (report.escalation_level == 0 or report.hop_deadline is None):
        escalation.resolve(report, now)  # accepted, passed on or closed: the units above need not chase it

    change = StatusChange.objects.create(
        report=report,
        old_status=old,
        new_status=to,
        unit=report.unit,
        actor=_user(actor),
        actor_kind=actor_kind,
        public_note=public_note,
        internal_note=internal_note or reason,
        created_at=now,
        proof_flagged=proof_flagged,
    )
    _audit(
        action=f"status:{to}",
        actor=actor,
        actor_kind=actor_kind,
        report=report,
        old=old,
        new=str(to),
        unit=report.unit.code if report.unit else None,
    )
    summaries.after_transition(report, summary_before, now=now, flagged=proof_flagged)
    if notify:
        body, body_en = _status_message(report, to, report.unit, public_note)
        _notify(report, change, kind="status", body=body, body_en=body_en)
        _notify_merged(report, change, to)
    return change


def _require_sight(actor, report: Report) -> None:
    """A report outside the actor's sight is refused as if it did not exist (404), as every officer route
    refuses it (``selectors``), so that no caller can leave the check out. Who may act (the working unit, the
    validator role) and the status, which each service checks, imply the actor's sight but for one rule: a
    complaint about officials is hidden from the unit it concerns and from every unit below it, whatever else
    allows it. That rule is checked here (a query only for such a complaint)."""
    if report.concerned_unit_id is not None and report.concerned_unit_id in selectors.scope_of(actor).barred:
        raise NotFound("Laporan tidak ditemukan.", "Report not found.")


def _require_working_unit(actor, report: Report) -> None:
    _require_sight(actor, report)
    if not roles.user_can_work_at_unit(actor, report.unit_id):
        raise PermissionDenied(
            "Hanya petugas unit yang sedang menangani laporan ini yang dapat melakukan tindakan ini.",
            "Only officers of the unit now handling this report can do this.",
        )


def _unit_by_code(code: str, field: str = "to_unit") -> Unit:
    unit = Unit.objects.filter(code=code, active=True).first()
    if unit is None:
        raise DomainError(
            f"Unit '{code}' tidak dikenal.", f"Unknown unit '{code}'.", code="unknown_unit", status=422, field=field
        )
    return unit


# --- conflict of interest: one rule for every path ----------------------------------------------
#
# A complaint about officials is never visible to the unit it concerns nor to any unit below it
# (``selectors.reports_visible_to``), and never passed to them (``_hop``). Which unit that is follows the
# category, whenever and however the category or the location is set: ``conflict_settle`` decides it, and
# it is called by ``reports_create`` and by ``_transition`` (the single write path for status), so a path
# that changes a category or a location and records the change cannot leave it out.

CONDUCT_UNIT = "inspektorat"  # handles complaints about officials


def is_conduct(category: Category | None) -> bool:
    """A complaint about officials (pungli, misconduct): the category that has a concerned unit."""
    return category is not None and category.code == CONDUCT_CATEGORY


def _unit_cached(code: str) -> Unit | None:
    if not code:
        return None
    return routing_data().units_by_code.get(code) or Unit.objects.filter(code=code).first()


def _within(unit_id: int, concerned_id: int) -> bool:
    """``unit_id`` is the concerned unit or below it."""
    return concerned_id in roles.ancestor_unit_ids({unit_id})


def _about_refused(msg_id: str, msg_en: str, code: str) -> DomainError:
    return DomainError(msg_id, msg_en, code=code, status=422, field="about_unit")


def about_unit_check(*, category: Category, about_unit: str) -> Unit | None:
    """The unit a reporter (``about_unit``) or the triage desk names as the subject of a complaint about
    officials, or None when none is named. Refused with a 422 on ``about_unit``:

    * on any other category: nothing there is "about" a unit, and the unit named could be the very unit
      the report is routed to, leaving a report nobody may open;
    * an unknown or inactive unit;
    * a unit with Inspektorat or the triage desk at or below it (the provincial government, Inspektorat,
      the desk): nobody would be left to handle the complaint; it belongs to an outside body.
    """
    code = (about_unit or "").strip()
    if not code:
        return None
    if not is_conduct(category):
        raise _about_refused(
            f"Unit yang dilaporkan (about_unit) hanya untuk kategori pengaduan perilaku aparatur ({CONDUCT_CATEGORY}).",
            f"The unit concerned (about_unit) is only for complaints about officials ({CONDUCT_CATEGORY}).",
            "about_unit_not_misconduct",
        )
    unit = _unit_cached(code)
    if unit is None or not unit.active:
        raise _about_refused(f"Unit '{code}' tidak dikenal.", f"Unknown unit '{code}'.", "unknown_unit")
    handlers = [u.pk for u in (_unit_cached(CONDUCT_UNIT), _unit_cached(TRIAGE_UNIT)) if u is not None]
    if any(_within(pk, unit.pk) for pk in handlers):
        raise _about_refused(
            f"Pengaduan tentang {unit.name} tidak dapat ditangani lewat Sigap karena tidak ada unit lain yang berwenang; "
            "sampaikan kepada Ombudsman Republik Indonesia.",
            f"A complaint about {unit.name} cannot be handled in Sigap, since no other unit has authority over it; "
            "please take it to the Ombudsman of the Republic of Indonesia.",
            "about_unit_unhandled",
        )
    return unit


def _kelurahan_office(report: Report) -> Unit | None:
    """The kelurahan office of the report's location (the unit concerned when none is named)."""
    if report.kelurahan_id is None:
        return None
    data = routing_data()
    code = next((k for k, pk in data.kelurahan_ids.items() if pk == report.kelurahan_id), None)
    if code is None:
        code = report.kelurahan.code
    return _unit_cached(data.kelurahan_units.get(code, ""))


def _keep_the_named_bar(report: Report, category: Category, named: Unit | None) -> None:
    """A unit the reporter named as the subject of their complaint never sees it, whatever the desk decides later:
    the desk may name that unit or one above it (a wider bar), but neither another unit nor a category that is no
    complaint about officials, either of which lifted the bar from the unit the reporter feared (an attacker's
    review). A report the reporter named no unit for is the desk's to name, as before."""
    if not (report.concern_named and report.concerned_unit_id):
        return
    if not is_conduct(category):
        raise DomainError(
            "Pelapor menyebut unit yang dilaporkan: laporan ini tetap pengaduan perilaku aparatur.",
            "The reporter named the unit this complaint is about: it stays a complaint about officials.",
            code="about_unit_named",
            status=422,
            field="category",
        )
    if named is not None and not _within(report.concerned_unit_id, named.pk):
        raise DomainError(
            "Pelapor menyebut unit yang dilaporkan: sebutkan unit itu atau unit di atasnya.",
            "The reporter named the unit this complaint is about: name that unit or one above it.",
            code="about_unit_named",
            status=422,
            field="about_unit",
        )


def conflict_settle(
    report: Report, *, unit: Unit | None = None, named: Unit | None = None, reroute: bool = False
) -> Unit | None:
    """THE conflict-of-interest rule. Sets ``report.concerned_unit`` from its category and location and
    returns the handling unit to use (``unit``, default the report's own). Does not save.

    * Not a complaint about officials: no concerned unit.
    * A complaint about officials: the unit ``named`` (already checked by ``about_unit_check``), else the
      one already recorded (the reporter's or an earlier decision: protection is never dropped silently
      while the category stays), else the kelurahan office of the location; none while the report has no
      location (it waits at the triage desk, which sets it when it places the report).
    * The handling unit may never be the concerned unit or below it, or nobody could open the report:
      when routing chose it (``reroute``) the report goes to Inspektorat instead; any other move is refused.
    """
    unit = unit if unit is not None else report.unit
    if not is_conduct(report.category):
        report.concerned_unit = None
        return unit
    concerned = named or (report.concerned_unit if report.concerned_unit_id else None) or _kelurahan_office(report)
    if concerned is not None and unit is not None and _within(unit.pk, concerned.pk):
        guardian = _unit_cached(CONDUCT_UNIT)
        if not reroute or guardian is None or _within(guardian.pk, concerned.pk):
            raise TransitionRefused(
                "Laporan ini menyangkut unit tersebut dan tidak boleh ditangani olehnya.",
                "This report concerns that unit (or a unit above it) and cannot be handled by it.",
                code="conflict_of_interest",
                field="to_unit",
            )
        unit = guardian
    report.concerned_unit = concerned
    return unit


# --- creating a report -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportCreated:
    report: Report
    tracking_code: str
    location: Location | None


def category_get(code: str) -> Category:
    """An active category by code, from the cached reference data (read-only instance)."""
    category = routing_data().category_by_code.get(code)
    if category is None:
        raise DomainError(
            f"Kategori '{code}' tidak dikenal. Lihat daftar kategori di /api/v1/categories.",
            f"Unknown category '{code}'. See the category list at /api/v1/categories.",
            code="unknown_category",
            status=422,
            field="category",
        )
    return category


def report_route(*, category: Category, lat: float, lon: float) -> tuple[Location, Unit]:
    """Where a new report lands: the kelurahan containing the point, then the tupoksi rule for it."""
    data = routing_data()
    if data.index is None:
        raise DomainError(
            "Data batas wilayah belum dimuat.", "No boundary data is loaded.", code="no_boundaries", status=503
        )
    location = data.index.locate(lon, lat)
    rule = data.rulebook.responsible(category=category.code, kelurahan=location.code)
    unit_code = rule.unit
    if rule.kelurahan_verifies and location.code in data.kelurahan_units:
        unit_code = data.kelurahan_units[location.code]
    unit = data.units_by_code.get(unit_code)
    return location, unit if unit is not None else Unit.objects.get(code=unit_code)


@dataclass
class NewReport:
    """One report ready to be written: validated, redacted, its identity already in the vault.

    ``photos``: (de-identified copy, vault ref of the original). ``routed``: the (location, unit) the
    caller already computed, to avoid routing twice."""

    category: Category
    description: str
    lat: float | None
    lon: float | None
    channel: str
    privacy: str
    address: str = ""
    reporter_ref: str = ""
    # (photo, vault ref of the original): a CheckedPhoto is written "processing" for the worker
    photos: list[tuple[CheckedPhoto | CleanPhoto, str]] = field(default_factory=list)
    actor: object = None
    actor_kind: str = "reporter"
    now: datetime | None = None
    is_demo: bool = False
    secret: str = ""
    concerned_unit: Unit | None = None  # named by the reporter (``about_unit_check``); else ``conflict_settle`` decides
    notify_received: bool = True
    triage_reason: str = ""
    triage_hints: dict | None = None  # the desk's suggestions (``desk.hints``); computed here when not given
    category_source: str = "reporter"
    category_confidence: float | None = None
    routed: tuple[Location, Unit] | None = None
    # chosen by the caller before the write (``new_tracking_code``), so that after a failed COMMIT it can ask
    # whether this report was stored after all; chosen here when empty
    tracking_code: str = ""


def new_tracking_code() -> str:
    return _new_tracking_code()


def _number(reports: list[Report]) -> None:
    """Give each report its public number: consecutive per day, in the order given."""
    by_day: dict = {}
    for i, report in enumerate(reports):
        by_day.setdefault(timezone.localdate(report.created_at), []).append(i)
    for day in sorted(by_day):
        for i, number in zip(by_day[day], _reserve_numbers(day, len(by_day[day]))):
            reports[i].number = number


def _reserve_numbers(day, count: int) -> list[str]:
    """``count`` consecutive public numbers of ``day``, in one statement: an upsert on the day's counter that
    returns the new last value. The row stays locked until commit, so numbers are gapless and never reused."""
    from django.db import connection

    qn = connection.ops.quote_name
    table = qn(NumberSequence._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({qn('day')}, {qn('last')}) VALUES (%s, %s) "
        f"ON CONFLICT ({qn('day')}) DO UPDATE SET {qn('last')} = {table}.{qn('last')} + excluded.{qn('last')} "
        f"RETURNING {qn('last')}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [day, count])
        last = cur.fetchone()[0]
    prefix = f"{settings.SIGAP_NUMBER_PREFIX}{day:%Y%m%d}"
    return [f"{prefix}{n:04d}" for n in range(last - count + 1, last + 1)]


@transaction.atomic(savepoint=False)  # inside the caller's transaction, no savepoint of its own
def reports_create(items: list[NewReport]) -> list[ReportCreated]:
    """Create reports at the unit routing chooses, or at the triage desk when a human must place or
    categorize them (no usable location, or an uncertain machine category).

    Whatever the number of reports, one transaction and a fixed number of statements: the numbers
    (one upsert per day), the reports, their history, audit and notification rows, and the duplicate
    candidates (one query), each as a single multi-row INSERT. Photos are saved one by one. A failure
    leaves nothing behind, files included."""
    data = routing_data()
    cal = deadlines.working_calendar()  # one calendar for the batch
    plans = []
    for item in items:
        now = item.now or timezone.now()
        location, unit, triage_reason = None, None, item.triage_reason
        if item.lat is None or item.lon is None:
            triage_reason = "location+category" if triage_reason == "category" else "location"
        else:
            location, unit = item.routed or report_route(category=item.category, lat=item.lat, lon=item.lon)
        if triage_reason:
            unit = data.units_by_code.get(TRIAGE_UNIT) or Unit.objects.get(code=TRIAGE_UNIT)
        plans.append((item, now, location, unit, triage_reason))

    codes = [item.tracking_code or _new_tracking_code() for item, *_rest in plans]
    reports = []
    for (item, now, location, unit, triage_reason), code in zip(plans, codes):
        report = Report(
            tracking_hash=tracking_hash(code),
            category=item.category,
            description=item.description,
            lat=item.lat,
            lon=item.lon,
            address=item.address,
            kelurahan_id=data.kelurahan_ids[location.code] if location else None,
            locate_method=location.method if location else "",
            unit=unit,
            triage_reason=triage_reason,
            triage_hints=(item.triage_hints or desk.hints(item.description, item.address)) if triage_reason else {},
            category_source=item.category_source,
            category_confidence=item.category_confidence,
            status=Status.WAITING,
            status_changed_at=now,
            channel=item.channel,
            privacy=item.privacy,
            reporter_ref=item.reporter_ref,
            created_at=now,
            is_demo=item.is_demo,
            secret_hash=tracking_hash(item.secret) if item.secret else "",
            concern_named=item.concerned_unit is not None,
        )
        deadlines.on_create(report, now, cal)
        settled = conflict_settle(report, named=item.concerned_unit, reroute=True)
        if settled is not unit:
            report.unit = unit = settled
            plans[len(reports)] = (item, now, location, unit, triage_reason)
        reports.append(report)
    # Reads first: the duplicate query needs no ids. The day's counter row, from which the numbers come,
    # stays locked until COMMIT, and every intake of the city waits on it: it is taken as late as possible.
    # Where the reports' ids can be had ahead (PostgreSQL, whose foreign keys are checked at COMMIT), every
    # row that only refers to a report is written first, and under the lock come only the numbers, the
    # reports themselves, the summaries' counters and their "received" messages (which quote the number).
    # Elsewhere (SQLite, which writes one transaction at a time anyway) the reports come first, as their
    # INSERT gives their ids.
    duplicates = candidates_for_many(reports)
    # a photo already de-identified is saved under a file name that begins with the report's number: such a
    # batch (none comes from a channel today; the worker cleans every photo) takes the numbers first
    cleaned = any(not isinstance(clean, CheckedPhoto) for item in items for clean, _ref in item.photos)
    ids = None if cleaned else ids_ahead(Report, len(reports))
    if ids is None:
        _number(reports)
        insert_rows(reports)
        cluster_link_batch(reports)
    else:
        for report, pk in zip(reports, ids):
            report.pk = pk
        cluster_link_batch(reports, written=False)
    visibility.rows_create(reports)

    saved_files: list[str] = []
    try:
        pending: list[Photo] = []
        for report, (item, now, *_rest) in zip(reports, plans):
            for clean, original_ref in item.photos:
                if isinstance(clean, CheckedPhoto):
                    pending.append(
                        _photo_pending(
                            report,
                            clean,
                            kind=Photo.Kind.REPORT,
                            unit=None,
                            actor=None,
                            now=now,
                            original_ref=original_ref,
                        )
                    )
                    continue
                photo = _photo_save(
                    report, clean, kind=Photo.Kind.REPORT, unit=None, actor=None, now=now, original_ref=original_ref
                )
                saved_files.append(photo.image.name)
        if pending:
            insert_rows(pending)
        changes = [
            StatusChange(
                report=report,
                old_status="",
                new_status=Status.WAITING,
                unit=unit,
                actor=_user(item.actor),
                actor_kind=item.actor_kind,
                created_at=now,
            )
            for report, (item, now, _location, unit, _t) in zip(reports, plans)
        ]
        insert_rows(changes)
        insert_rows(
            [
                AuditEvent(
                    action="report:create",
                    actor=_user(item.actor),
                    actor_kind=item.actor_kind,
                    report_id=report.pk,
                    detail={
                        "channel": item.channel,
                        "unit": unit.code,
                        "kelurahan": location.code if location else None,
                        "locate": location.method if location else "none",
                        "triage": triage_reason,
                    },
                )
                for report, (item, _now, location, unit, triage_reason) in zip(reports, plans)
            ]
        )
        insert_rows(
            [
                DuplicateCandidate(report=report, original=original, distance_m=dist, similarity=sim)
                for report, found in zip(reports, duplicates)
                for original, dist, sim in found
            ]
        )
        if ids is not None:  # the late path: the numbers, then the reports
            _number(reports)
            insert_rows(reports)
        # the summaries' rows, which officers' actions lock too, only once the counter is held: a writer never
        # waits for the counter while holding a row someone else may be waiting for
        summaries.on_created(reports)
        notes = [
            Notification(
                report=report,
                status_change=change,
                kind="received",
                body=(
                    f"Laporan Anda diterima dengan nomor {report.number} dan diteruskan ke {unit.name}. "
                    "Ikuti perkembangannya dengan kode lacak Anda."
                ),
                body_en=(
                    f"Your report was received as {report.number} and passed to {unit.name}. "
                    "Follow it with your tracking code."
                ),
            )
            for report, change, (item, _now, _location, unit, _t) in zip(reports, changes, plans)
            if item.notify_received and report.reporter_ref
        ]
        insert_rows(notes)
        for note in notes:
            transaction.on_commit(lambda pk=note.pk: outbox.enqueue(pk))
        photoqueue.enqueue([p.pk for p in pending])  # last: after commit, the worker takes them
    except BaseException:
        _delete_files(saved_files)
        raise
    return [
        ReportCreated(report=report, tracking_code=code, location=location)
        for report, code, (_item, _now, location, _unit, _t) in zip(reports, codes, plans)
    ]


def _photo_pending(
    report: Report, checked: CheckedPhoto, *, kind: str, unit: Unit | None, actor, now: datetime, original_ref: str
) -> Photo:
    """A photo the worker has yet to de-identify: no file, the declared size, state "processing"."""
    return Photo(
        report=report,
        kind=kind,
        unit=unit,
        uploaded_by=_user(actor),
        width=checked.width,
        height=checked.height,
        created_at=now,
        original_ref=original_ref,
        state=Photo.State.PROCESSING,
    )


def _photo_save(
    report: Report, clean: CleanPhoto, *, kind: str, unit: Unit | None, actor, now: datetime, original_ref: str = ""
) -> Photo:
    photo = Photo(
        report=report,
        kind=kind,
        unit=unit,
        uploaded_by=_user(actor),
        width=clean.width,
        height=clean.height,
        sha256=clean.sha256,
        content_type=clean.content_type,
        created_at=now,
        original_ref=original_ref,
        **proofcheck.evidence_fields(clean, kind, report.privacy),
    )
    photo.image.save(f"{report.number}-{kind}-{secrets.token_hex(6)}.jpg", ContentFile(clean.data), save=False)
    try:
        photo.save()
    except BaseException:
        photo.image.storage.delete(photo.image.name)
        raise
    return photo


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


# --- officer actions ---------------------------------------------------------------------------


@transaction.atomic
def report_accept(*, report_id: int, actor, note: str = "", now: datetime | None = None) -> StatusChange:
    """Terima / proses: the handling unit takes the report into work."""
    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    if report.status == Status.AWAITING_REPORTER:
        # not offered then, but the API took it and ended the wait as if answered (a review): going on without the
        # answer is "Lanjutkan tanpa jawaban pelapor", with its reason, which the reporter reads
        raise TransitionRefused(
            "Laporan sedang menunggu jawaban pelapor. Untuk melanjutkan tanpa jawaban, gunakan “Lanjutkan tanpa "
            "jawaban pelapor” dengan alasannya.",
            "The report is waiting for the reporter's answer. To go on without it, use “Go on without the "
            "reporter's answer” with a reason.",
            code="waiting_for_reporter",
        )
    change = _transition(report, Status.IN_PROGRESS, actor=actor, actor_kind="officer", now=now, public_note=note)
    # the hop that brought it here; an earlier one into this unit was sent back or on without being taken (marking
    # it too told the history a unit had accepted what it returned: found by a CRM team's walk)
    brought = Hop.objects.filter(report=report, to_unit=report.unit).order_by("-created_at", "-pk").first()
    if brought is not None and brought.accepted_at is None:
        Hop.objects.filter(pk=brought.pk).update(accepted_at=now)
    return change


def _hop(report: Report, kind: str, *, to_unit: Unit, actor, reason: str, now: datetime) -> Hop:
    if report.concerned_unit_id and report.concerned_unit_id in roles.ancestor_unit_ids({to_unit.pk}):
        raise TransitionRefused(
            "Laporan ini menyangkut unit tersebut dan tidak boleh diteruskan kepadanya.",
            "This report concerns that unit (or a unit above it) and cannot be passed to it.",
            code="conflict_of_interest",
            field="to_unit",
        )
    held_before = (
        {report.unit_id}
        | set(report.hops.values_list("from_unit_id", flat=True))
        | set(report.hops.values_list("to_unit_id", flat=True))
    )
    hop = Hop.objects.create(
        report=report,
        kind=kind,
        from_unit=report.unit,
        to_unit=to_unit,
        actor=actor,
        reason=reason,
        revisit=to_unit.pk in held_before,
        created_at=now,
    )
    summaries.on_hop(report, to_unit_id=to_unit.pk, at=now, from_unit_id=report.unit_id, revisit=hop.revisit)
    return hop


@transaction.atomic
def report_coordinate(*, report_id: int, actor, to_unit: str, reason: str, now: datetime | None = None) -> Hop:
    """Koordinasi: "bukan tupoksi kami" — pass the report to another unit, with the reason."""
    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    target = _unit_by_code(to_unit)
    if target.pk == report.unit_id:
        raise TransitionRefused(
            "Laporan sudah berada di unit tersebut.",
            "The report is already at that unit.",
            code="same_unit",
            field="to_unit",
        )
    check_transition(report.status, Status.KOORDINASI, reason=reason, resume_status=report.resume_status)
    hop = _hop(report, Hop.Kind.KOORDINASI, to_unit=target, actor=actor, reason=reason, now=now)
    _transition(
        report,
        Status.KOORDINASI,
        actor=actor,
        actor_kind="officer",
        now=now,
        unit=target,
        reason=reason,
        public_note=f"Dikoordinasikan ke {target.name}.",
    )
    if hop.revisit:
        _audit(action="hop:revisit", actor=actor, actor_kind="officer", report=report, to_unit=target.code)
    return hop


@transaction.atomic
def report_dispose(*, report_id: int, actor, to_unit: str, reason: str, now: datetime | None = None) -> Hop:
    """Disposisi: pass the report down to a Suku Dinas, bidang or other unit below the handling unit."""
    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    target = _unit_by_code(to_unit)
    if target.pk == report.unit_id or report.unit_id not in {u.pk for u in target.ancestors()}:
        raise TransitionRefused(
            f"Disposisi hanya ke unit di bawah {report.unit.name}; gunakan koordinasi untuk unit lain.",
            f"Disposition goes only to a unit below {report.unit.name}; use coordination for other units.",
            code="not_a_subunit",
            field="to_unit",
        )
    check_transition(report.status, Status.DISPOSISI, reason=reason, resume_status=report.resume_status)
    hop = _hop(report, Hop.Kind.DISPOSISI, to_unit=target, actor=actor, reason=reason, now=now)
    _transition(
        report,
        Status.DISPOSISI,
        actor=actor,
        actor_kind="officer",
        now=now,
        unit=target,
        reason=reason,
        public_note=f"Didisposisikan ke {target.name}.",
    )
    return hop


@transaction.atomic
def report_reject(*, report_id: int, actor, reason: str, now: datetime | None = None) -> StatusChange:
    """Tolak: the report is refused, with a reason the reporter sees."""
    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    return _transition(
        report, Status.REJECTED, actor=actor, actor_kind="officer", now=now, reason=reason, public_note=reason
    )


@transaction.atomic
def report_forward(
    *, report_id: int, actor, destination: str, reason: str, now: datetime | None = None
) -> StatusChange:
    """Forwarded outside the city's units (PLN, police, a national agency via LAPOR!)."""
    if not destination.strip():
        raise DomainError(
            "Sebutkan instansi tujuan.",
            "Name the receiving agency.",
            code="destination_required",
            status=422,
            field="destination",
        )
    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    return _transition(
        report,
        Status.FORWARDED,
        actor=actor,
        actor_kind="officer",
        now=now,
        reason=reason,
        public_note=f"Diteruskan ke {destination.strip()}: {reason.strip()}",
    )


@transaction.atomic
def report_merge(
    *, report_id: int, actor, into_number: str, reason: str = "", now: datetime | None = None
) -> StatusChange:
    """Merge a duplicate into an open report; the reporter keeps following through the surviving one."""
    # Both reports locked, in id order: a merge checks that its target is open and not merged, and another
    # officer's merge of the pair the other way round, or a rejection of the target, must wait for it (two
    # merges that each read the other unlocked both committed, each report "followed" through the other).
    target_pk = Report.objects.filter(number=into_number).values_list("pk", flat=True).first()
    locked = {
        row.pk: row
        for row in Report.objects.select_for_update(of=("self",), no_key=True)
        .select_related("category", "unit", "kelurahan")
        .filter(pk__in={report_id, target_pk or report_id})
        .order_by("pk")
    }
    if report_id not in locked:
        raise NotFound("Laporan tidak ditemukan.", "Report not found.")
    report, target = locked[report_id], locked.get(target_pk)
    now = now or timezone.now()
    _require_sight(actor, report)
    # the target before the right to act, as the officer API and console always answered: a report the actor
    # may not see is refused exactly like one that does not exist
    if target is None or not selectors.report_sees(actor, target):
        raise DomainError(
            "Laporan tujuan tidak ditemukan.",
            "The report to merge into was not found.",
            code="bad_merge_target",
            status=422,
            field="into",
        )
    _require_working_unit(actor, report)
    if target.pk == report.pk or not is_open(target.status):
        raise DomainError(
            "Laporan tujuan penggabungan tidak ditemukan atau sudah ditutup.",
            "The report to merge into was not found or is closed.",
            code="bad_merge_target",
            status=422,
            field="into",
        )
    if is_conduct(report.category) or is_conduct(target.category):
        # each complaint about officials is its own case; a merge would let a look-alike's reporter follow it
        raise DomainError(
            "Pengaduan tentang perilaku aparatur tidak digabung: setiap pengaduan ditangani tersendiri.",
            "Complaints about officials are not merged: each one is handled on its own.",
            code="conduct_not_merged",
            status=422,
            field="into",
        )
    report.merged_into = target
    DuplicateCandidate.objects.filter(report=report, original=target).update(
        state=DuplicateState.MERGED, decided_by=actor
    )
    cluster_merge(report, target)
    shown = exposure.expose_report(target, exposure.Audience.MERGED_REPORTER)
    which = f" {target.number}" if shown.listed else ""
    change = _transition(
        report,
        Status.MERGED,
        actor=actor,
        actor_kind="officer",
        now=now,
        reason=reason or f"duplikat {target.number}",
        public_note=f"Digabung dengan laporan serupa{which}; perkembangan mengikuti laporan tersebut.",
    )
    # Duplicates merged into this report earlier follow the surviving one from now on (their reporters hear of
    # its progress and their tracking pages show it), not a closed report nobody works on.
    Report.objects.filter(merged_into=report).update(merged_into=target)
    return change


# What asks the reporter who they are (``question_asks_identity``): a thing that identifies them (name, phone, home address,
# NIK or KTP, email, a social account) owned by "you" (Anda, Bapak, Ibu, Kakak ...), asked for outright ("mohon
# cantumkan nama", "kirim foto KTP"), or asked with "-nya" ("namanya siapa", "NIK-nya berapa"). Not their house,
# room or water ("apakah air masuk ke rumah Bapak?"), nor a name that is someone else's ("nama petugas").
_YOU = r"(?:anda|bapak|ibu|bpk|bp|kakak|kak|saudara|saudari|sdr|sdri|pak|bu|mas|mbak|mba|abang|bang|adik|dik|kamu)"
_ITEM = (
    r"(?:nama(?:[ ]+lengkap)?|no\.?[ ]*(?:hp|handphone|telp|telpon|telepon|tlp|wa|whatsapp|ponsel|kontak|ktp|kk|rumah)"
    r"|nomor[ ]+(?:hp|handphone|telp|telpon|telepon|tlp|wa|whatsapp|ponsel|kontak|ktp|kk|rumah)"
    r"|hp|whatsapp|telepon|alamat(?:[ ]+(?:rumah|lengkap|tinggal))?|nik|ktp|kk|e-?mail|surel|identitas|domisili"
    r"|tempat[ ]+tinggal|unit[ ]+apartemen|akun[ ]+(?:ig|instagram|fb|facebook|twitter|x|tiktok|medsos|media[ ]+sosial))"
)
_NOT_THEIRS = (
    r"(?![ ]+(?:petugas|oknum|pelaku|jalan|gang|toko|warung|perusahaan|kantor|pt|cv|pemilik|sekolah|masjid|kelurahan"
    r"|kecamatan|kota|rt|rw|lurah|camat|lokasi|tempat|daerah|wilayah|bangunan|gedung|proyek\w*|kontraktor\w*"
    r"|pemborong\w*|pelaksana\w*|pengembang\w*|developer|usaha\w*|jalan\w*|produk\w*|merek\w*|merk\w*|halte\w*"
    r"|stasiun\w*|terminal\w*|pasar\w*|taman\w*|sungai\w*|kali\w*|jembatan\w*|kampung\w*|rusun\w*|puskesmas\w*"
    r"|klinik\w*|rs|rumah[ ]+sakit|apotek\w*|bank\w*|aplikasi\w*|akun[ ]+(?:penjual|toko)))"
)
_ASKS_IDENTITY = re.compile(
    r"(?<![\w])(?:"
    + _ITEM
    + r"(?:[ ]*/[ ]*\w+)?[ ]+(?:\w+[ ]+)?"
    + _YOU
    + r"(?![\w])"
    + r"|(?:cantumkan|tuliskan|tulis|sebutkan|kirim|kirimkan|minta|berikan|beri|lampirkan|mohon|isi|isikan)[ ]+"
    r"(?:\w+[ ]+){0,2}?(?:(?<!papan[ ])nama"
    + _NOT_THEIRS
    + r"(?![\w])|no\.?[ ]*hp|nomor[ ]+(?:hp|telepon|wa|whatsapp|ktp|kk)"
    r"|alamat[ ]+(?:rumah|lengkap|tinggal)|nik(?![\w])|ktp(?![\w])|foto[ ]+ktp|e-?mail(?![ ]+ke(?![\w]))|identitas)"
    r"|namanya[ ]+siapa|siapa[ ]+namanya|dengan[ ]+" + _YOU + r"(?:[ ]*/[ ]*" + _YOU + r")?[ ]+siapa"
    r"|atas[ ]+nama[ ]+siapa(?:[ ]+(?:laporan\w*|ini|pak|bu|kak|mas|mbak))?[ ]*[?.!]*(?:$|[,;])"
    r"|(?:nik|ktp|nama[ ]+lengkap|alamat[ ]+(?:rumah|lengkap|tinggal)|no\.?[ ]*hp|nomor[ ]+(?:hp|telepon|wa))-?nya(?![\w])"
    r"|nomor[ ]+(?:hp|telepon|telpon|wa|whatsapp)[ ]+yang[ ]+bisa[ ]+dihubungi|foto[ ]+ktp"
    r"|"
    + _YOU
    + r"[ ]+(?:tinggal|berdomisili|beralamat)[ ]+(?:di[ ]?mana|dimana)|"
    + _YOU
    + r"[ ]+(?:berdomisili|beralamat)"
    r"|(?:nama|no(?:mor)?[ .]*(?:wa|hp|telp|telepon|whatsapp|ponsel|kontak)|hp|wa|whatsapp|e-?mail|alamat(?:[ ]+rumah)?"
    r"|akun[ ]+(?:ig|instagram|fb|facebook|tiktok|twitter)|ig|nik|ktp|kontak)nya[ ]+(?:siapa|berapa|apa|di[ ]?mana)"
    r"|(?:nama|no(?:mor)?[ .]*(?:wa|hp|telp|telepon)|alamat|kontak|e-?mail|nik|ktp)[ ]+pelapor"
    r"|(?:no(?:mor)?[ .]*(?:hp|telp|telepon|wa|whatsapp|kontak)|kontak(?:[ ]+"
    + _YOU
    + r")?)[ ]+yang[ ]+bisa[ ]+dihubungi"
    r"|(?:nama|alamat|nomor|rumah)mu(?![\w])|minta[ ]+kontaknya"
    r"|your[ ]+(?:full[ ]+)?(?:name|phone|number|mobile|address|home|email|id)|who[ ]+are[ ]+you"
    r"|where[ ]+do[ ]+you[ ]+live)"
)


# ... and the same asked without naming a thing of theirs: who reported, who this is, what they are called, where
# the reporter's home is, how to reach them (or the officer's own number, to be reached outside Sigap).
_POLITE = r"(?:[ ]+(?:ya|pak|bu|kak|mas|mbak|dik|bang))?[ ]*[?.!]*$"
_ASKS_WHO = re.compile(
    r"(?<![\w])(?:nama[ ]+lengkap"
    + _NOT_THEIRS
    + r"|pelapor(?:nya)?(?:[ ]+ini)?[ ]+siapa|ini[ ]+(?:dengan[ ]+)?siapa"
    + _POLITE
    + r"|^dengan[ ]+siapa"
    + _POLITE
    + r"|^"
    + _YOU
    + r"[ ]+siapa"
    + _POLITE
    + r"|siapa[ ]+(?:yang[ ]+)?(?:melapor|melaporkan|lapor|pelapor|mengirim|membuat|menulis)"
    r"|panggil(?:an|annya|nya)?[ ]+(?:\w+[ ]+){0,2}?siapa|(?:^|boleh[ ]+|minta[ ]+)nomornya[ ]+berapa"
    r"|^no(?:mor)?\.?[ ]*(?:hp|wa|whatsapp|telp|telepon|telpon|ponsel|kontak)" + _POLITE + r"|dihubungi[ ]+di"
    r"|(?:hubungi|telepon|telpon|sms|chat|wa)[ ]+(?:ke[ ]+)?saya|menghubungi[ ]+" + _YOU + r"(?![\w])|rumah[ ]+pelapor"
    r"|rumah[ ]+" + _YOU + r"[ ]+(?:yang[ ]+)?(?:nomor|no\.?|di[ ]?mana|dimana|yang[ ]+mana|sebelah|dekat)"
    r"|" + _YOU + r"[ ]+tinggal[ ]+di[ ]+(?:rt|rw|gang|gg|jalan|jl|blok|nomor|no)(?![\w])"
    r"|nol[ ]+delapan"
    r"|who[ ]+(?:reported|sent|filed|wrote)|your[ ]+house|your[ ]+home|where[ ]+is[ ]+your"
    r"|(?:reach|contact|call|phone|text)[ ]+you(?![\w])"
    # what they are called, how to reach them, when and where they were born, their particulars or family card,
    # in other words (found by a review: "Panggilannya apa …?", "tulis nomor yang bisa ditelepon petugas",
    # "Sebutkan tempat dan tanggal lahir", "tuliskan data diri lengkap", "Ketik 16 digit yang ada di kartu
    # keluarga"); a question about a family card as the case's subject, without asking for it, is not refused
    r"|(?:panggil(?:an|annya|nya)?|dipanggil)[ ]+(?:\w+[ ]+){0,2}?apa(?![\w])"
    r"|(?:no(?:mor)?\.?|kontak)[ ]+(?:\w+[ ]+)?yang[ ]+bisa[ ]+(?:di)?(?:telepon|telpon|hubungi|kontak|sms|wa|chat)"
    r"|(?:tempat|tanggal|tgl)[ ]+(?:dan[ ]+(?:tempat|tanggal|tgl)[ ]+)?lahir|(?<![\w])ttl(?![\w])"
    r"|lahir[ ]+(?:di[ ]?mana|dimana|tahun[ ]+berapa|kapan)|data[ ]+(?:diri|pribadi)|biodata"
    r"|(?:nomor|no\.?|isi|tulis|tuliskan|ketik|ketikkan|sebutkan|kirim|kirimkan|foto|difoto)[ ]+(?:\w+[ ]+){0,3}?"
    r"kartu[ ]+keluarga|(?:16|enam[ ]+belas)[ ]+(?:digit|angka)"
    # ... and a second review's: whom to look for, what the neighbours call them, an active number, typing the NIK,
    # its long name, when they were born
    r"|cari[ ]+siapa|disapa|sapaan|no(?:mor)?\.?[ ]*(?:hp|wa|whatsapp|telepon|telp|ponsel)[ ]+(?:\w+[ ]+)?(?:yang[ ]+)?aktif"
    r"|(?:ketik|ketikkan)[ ]+(?:\w+[ ]+){0,2}?(?:nik|ktp|nama|nomor|no)(?![\w])|nomor[ ]+induk[ ]+kependudukan"
    r"|" + _YOU + r"[ ]+lahir"
    r")"
)
# ... and what places them without asking their address (attackers' reviews): their home's number, colour or position,
# the RT, floor, unit or room they live in, their section, shift, superior or tenure at work and where they work,
# a number of theirs (a customer, BPJS or employee number, their vehicle's plate), a photo of themselves or of their
# home, a meeting in person. The bare answer ("12, pagar hijau", "RT 04", "bagian gudang, sejak 2019") passes any
# redaction, a photo of a house front names the house with every face blurred, and whoever meets the reporter knows
# them. Asking about the problem at their home ("Apakah air masuk ke rumah Bapak?", "Rumah Bapak airnya warna
# apa?", "Foto atap rumah Bapak yang bocor"), about a photo they sent ("Foto yang Anda kirim kurang jelas") and about
# a labour complaint's facts ("Apakah Bapak bekerja sebagai karyawan tetap?", "Berapa lama Bapak bekerja tanpa
# kontrak?", "Apakah shift Bapak lebih dari 12 jam?") stays allowed; so does telling them not to send a selfie.
_HOME = r"rumah[ ]+" + _YOU + r"(?![\w])"
_HOME_PART = r"(?:pagar|cat|tembok|dinding|pintu|atap|genteng|gerbang)\w*"
_COLOUR = r"(?:warna\w*|berwarna|putih|hitam|merah|hijau|biru|kuning|abu(?:-abu)?|coklat|cokelat|krem|oranye|ungu|pink)"
_OPEN_WORD = r"(?:apa|mana|berapa|siapa|kapan)(?![\w])"
_WORK_SLOT = (
    r"(?:bagian|divisi|departemen|dept|jabatan|posisi|shift|sif|regu|atasan(?:[ ]+langsung)?|mandor|supervisor|spv"
    r"|nomor[ ]+induk(?:[ ]+karyawan)?|nik[ ]+karyawan|id[ ]+karyawan|nip|nrp)"
)
_PLACES_THEM = re.compile(
    r"(?<![\w])(?:"
    # their home's number, colour or position
    + _HOME
    + r"[^?!]{0,60}?(?<![\w])(?:nomor|no\.?)(?![ ]+(?:meter|pelanggan|tiang|id|laporan|tiket|kwh))(?![\w])"
    r"|(?:nomor|no\.?)[ ]+(?:\w+[ ]+){0,2}?" + _HOME + r"|warna[ ]+(?:\w+[ ]+)?" + _HOME + r"|(?<!air[ ]dari[ ])"
    r"(?<!air[ ]di[ ])"
    + _HOME
    + r"[ ]+(?:warna\w*|berwarna|cat\w*)|"
    + _HOME
    + r"[ ]+(?:\w+[ ]+){0,2}?"
    + _HOME_PART
    + r"[ ]+(?:\w+[ ]+)?"
    + _COLOUR
    + r"|"
    + _COLOUR
    + r"[ ]+(?:\w+[ ]+)?"
    + _HOME_PART
    + r"[ ]+"
    + _HOME
    + r"|"
    + _HOME_PART
    + r"[ ]+"
    + _HOME
    + r"[ ]+(?:\w+[ ]+)?"
    + _COLOUR
    + r"|"
    + _HOME
    + r"[^?!]{0,60}?(?<![\w])(?:jarak\w*|berapa[ ]+(?:rumah|pintu)|yang[ ]+ke[ -]?berapa|ke-?berapa|(?:kiri|kanan)[ ]+atau"
    r"|atau[ ]+(?:di[ ]+)?(?:seberang\w*|kiri|kanan|sebelah\w*)|sebelah[ ]+mana|sisi[ ]+mana|letak\w*|posisi\w*)"
    r"|(?:jarak\w*|letak\w*|posisi\w*)[^?!]{0,40}?" + _HOME + r"|foto(?:kan|in)?[ ]+(?:(?:tampak|bagian|sisi)[ ]+)?"
    r"(?:(?:depan|luar|muka|samping)[ ]+)?" + _HOME + r"|(?:datang|berkunjung|mampir|kunjungi|mendatangi|mengunjungi"
    r"|petugas[ ]+akan|kami[ ]+akan)[ ]+(?:\w+[ ]+)?(?:ke[ ]+)?"
    + _HOME
    # the RT, floor, unit or room they live in
    + r"|"
    + _YOU
    + r"[ ]+tinggal(?:nya)?[ ]+di[ ]+(?:rumah|lantai|unit|kamar|blok|gang|gg|jalan|jl|rt|rw|nomor|no)\.?[ ]+"
    r"(?:nomor[ ]+|no\.?[ ]+)?(?:berapa|mana|apa|yang[ ]+mana)(?![\w])|tinggal(?:nya)?[ ]+di[ ]+(?:rt|rw)[ ]+(?:berapa|mana)"
    r"|(?:rt|rw)(?:[ ]*/[ ]*(?:rt|rw))?[ ]+" + _YOU + r"[ ]+(?:berapa|mana|apa)(?![\w])|" + _YOU + r"[ ]+(?:warga[ ]+)?"
    r"(?:rt|rw)(?:[ ]*/[ ]*(?:rt|rw))?[ ]+(?:berapa|mana|apa)(?![\w])|"
    + _HOME
    + r"[ ]+(?:masuk[ ]+|di[ ]+|ikut[ ]+|termasuk[ ]+)?(?:rt|rw)[ ]+(?:berapa|mana)"
    r"|(?:rt|rw|gang|gg|blok|jalan|jl|nomor|no)\.?[ ]+(?:berapa|mana|apa)[ ]+(?:\w+[ ]+){0,2}?" + _YOU + r"[ ]+"
    r"(?:tinggal|berdomisili|menetap|mengontrak|ngontrak|kos|ngekos)(?![\w])|(?:unit|kamar(?:[ ]+kos\w*)?|kos\w*"
    r"|apartemen|lantai)[ ]+" + _YOU + r"[ ]+(?:nomor|no\.?|lantai|berapa|yang[ ]+mana)(?![\w])"
    # their section, shift, superior or tenure at work, and where they work
    r"|" + _YOU + r"[ ]+(?:\w+[ ]+){0,3}?" + _WORK_SLOT + r"[ ]+(?:\w+[ ]+)?" + _OPEN_WORD + r"|" + _WORK_SLOT + r"[ ]+"
    r"(?:kerja[ ]+)?"
    + _YOU
    + r"[ ]+(?:\w+[ ]+){0,2}?"
    + _OPEN_WORD
    + r"|"
    + _YOU
    + r"[ ]+(?:\w+[ ]+)?(?:bekerja|kerja)[ ]+(?:di[ ]?mana|dimana|di[ ]+(?:pt|cv|perusahaan"
    r"|pabrik|kantor|toko|instansi)[ ]+(?:apa|mana))|tempat[ ]+(?:bekerja|kerja)[ ]+" + _YOU + r"[ ]+(?:\w+[ ]+)?"
    r"(?:di[ ]?mana|dimana|apa)(?![\w])"
    # a number of theirs
    r"|(?:nomor|nomer|no\.?|id)[ ]+(?:pegawai|karyawan|pelanggan|bpjs|pdam|pln)(?:[ ]+(?:pln|pdam|pam))?(?:[ -]?nya)"
    r"[ ]+berapa|(?:nomor|nomer|no\.?|id)[ ]+(?:pelanggan|meter\w*|kwh|bpjs|kis|kartu|rekening|rek|polis|npwp|nip|nrp|nim|sim"
    r"|paspor|stnk|bpkb)(?:[ ]+\w+)?[ ]+" + _YOU + r"(?![\w])|(?:plat|pelat)[ ]+(?:nomor[ ]+)?(?:motor|mobil|kendaraan)"
    r"[ ]+" + _YOU + r"(?![\w])|(?:npwp|nrp|nim)[ ]+" + _YOU + r"(?![\w])"
    # meeting them
    r"|(?:bisa|boleh|mau|akan|kami|petugas|saya|agar|supaya)[ ]+(?:\w+[ ]+){0,2}?(?:temui|ketemu\w*|bertemu|menemui"
    r"|jumpa|kopdar)(?![\w])|" + _YOU + r"[ ]+(?:\w+[ ]+)?(?:menunggu|tunggu|standby)[ ]+(?:\w+[ ]+)?(?:di[ ]+)?"
    r"(?:lokasi|rumah|sana|situ|tempat)(?![\w])|mohon[ ]+(?:\w+[ ]+)?(?:ada|berada|stand[ ]?by|tunggu|menunggu)[ ]+di[ ]+"
    r"(?:rumah|lokasi)(?![\w])"
    # English
    r"|what[ ]+rt[ ]+do[ ]+you|house[ ]+number[ ]+is[ ]+yours"
    r"|your[ ]+(?:house|home|unit|room|flat|apartment)[ ]+number|where[ ]+(?:do|did)[ ]+you[ ]+(?:live|stay|work)"
    r"|how[ ]+long[ ]+have[ ]+you[ ]+worked"
    r"|your[ ]+(?:employee|staff|customer)[ ]+(?:number|id)|who[ ]+is[ ]+your[ ]+(?:supervisor|boss|manager)"
    r"|(?:meet|see)[ ]+you[ ]+(?:at|in|on|there)"
    r")"
)
# a photo of them: not where the question tells them not to send one ("jangan kirim swafoto", "tidak perlu selfie")
_PHOTO_OF_THEM = re.compile(
    r"(?<![\w])(?:swafoto|selfie|selfi|wefie|pas[ ]?foto|foto[ ]+(?:close[ ]+up[ ]+)?(?:diri|wajah|muka)\w*(?![\w])"
    r"(?![ ]+(?:pelaku|orang|oknum|petugas|korban|penjual|sopir|pengemudi))|foto[^?!.]{0,30}wajah[ ]+"
    + _YOU
    + r"(?![\w])|foto[ ]+"
    + _YOU
    + r"[ ]+(?:sedang|saat|ketika|berdiri|bersama|dengan|di[ ]+depan)(?![\w])|(?:photo|picture)[ ]+of[ ]+(?:yourself|you)"
    r"(?![\w])|your[ ]+face)"
)
_NOT_ASKED = re.compile(
    r"(?:jangan|tidak[ ]+(?:perlu|usah)|tak[ ]+(?:perlu|usah)|gak[ ]+(?:perlu|usah)|nggak[ ]+(?:perlu|usah)|tanpa|bukan"
    r"|don't|do[ ]+not|no[ ]+need[ ]+(?:to|for)|not)[ ]+(?:\w+[ ]+){0,5}?$"
)


# In a sentence put to the reporter (one that names them: "Bapak", "Anda", "pak", "you"), what asks which home, RT,
# block, floor, workplace, section or number is theirs, however short ("RT berapa pak?", "Rumahnya nomor berapa
# pak?", "Kerja di mana pak?", "Nopol Bapak berapa?", "Kirim foto Bapak"): a second review's. Where the sentence is
# about the site or the problem ("Di RT berapa lokasinya, pak?", "Pak, lift yang rusak di lantai berapa?") the
# area words are the site's.
_YOU_WORD = re.compile(r"(?<![\w])(?:" + _YOU + r"|you|your)(?![\w])")
_ABOUT_THE_SITE = re.compile(
    r"(?<![\w])(?:lokasi\w*|titik\w*|kejadian\w*|tepatnya|rusak|bocor\w*|mati|lubang\w*|saluran\w*|banjir\w*|genangan\w*"
    r"|sampah\w*|lift|lampu\w*|kebocoran|pohon\w*|kabel\w*|tiang\w*|jalan\w*|masalah\w*|keluhan\w*|laporan\w*"
    r"|pelaku\w*|parkir\w*|proyek\w*|gedung[ ]+yang|site|broken|damaged|flooded|leaking)(?![\w])"
)
_ADDRESSED_UNLESS_SITE = re.compile(
    r"(?<![\w])(?:"
    + _YOU
    + r")[ ]+(?:\w+[ ]+)?(?:rt|rw|blok|gang|gg|lantai|tower|gedung)(?:-?nya)?[ ]+(?:\w+[ ]+)?(?:berapa|apa|mana)"
    r"(?![\w])|(?<![\w])(?:rt|rw|blok|gang|gg|lantai|tower)(?:-?nya)?[ ]+(?:"
    + _YOU
    + r")[ ]+(?:berapa|apa|mana)(?![\w])|(?<![\w])(?:bagian|departemen|divisi|shift)(?:nya)?[ ]+(?:\w+[ ]+)?"
    r"(?:berapa|apa|mana)(?![\w])"
    r"|(?<![\w])(?:what|which)[ ]+(?:rt|rw|floor|block|building|unit|room|house|department|division|section|shift"
    r"|company)(?![\w])"
)
_ADDRESSED = re.compile(
    r"(?<![\w])(?:"
    # their home, by "-nya" or its place among the others
    r"rumahnya[ ]+(?:\w+[ ]+)?(?:nomor|no\.?|berapa|di[ ]?mana|dimana|yang[ ]+mana|warna\w*)(?![\w])"
    r"|(?:nomor|no\.?|warna|cat)[ ]+(?:\w+[ ]+)?rumahnya|" + _HOME + r"[ ]+(?:\w+[ ]+)?(?:di[ ]?mana|dimana|persis"
    r"|yang[ ]+mana)|" + _HOME + r"[ ]+(?:(?:tepat|persis|pas)[ ]+)?(?:di[ ]+)?(?:depan|sebelah|seberang|samping"
    r"|belakang|pojok|ujung)(?![\w])|" + _HOME + r"[ ]+yang[ ]+(?:di|ada|ber\w+|dua|tiga|satu|paling|nomor|warna|cat)"
    r"(?![\w])|" + _HOME + r"[ ]+berlantai|(?:cat|warna)[ ]+(?:\w+[ ]+)?" + _HOME + r"|" + _HOME_PART + r"(?:nya)?"
    r"[ ]+(?:" + _YOU + r"[ ]+)?(?:\w+[ ]+)?(?:warna|berwarna)(?![\w])|colou?r[ ]+is[ ]+your"
    # where they live or stay
    r"|(?:rt|rw|blok|gang|alamat)(?:-?nya)?[ ]+" + _YOU + r"[ ]*$|(?:blok|gang|gg|lantai|rt|rw)[ ]+" + _HOME + r"[ ]+"
    r"(?:apa|berapa|mana)|tinggal[ ]+di[ ]+(?:lantai|blok|unit|kamar|tower|rt|rw)[ ]+\d"
    r"|tinggal(?:nya)?[ ]+(?:di[ ]+)?(?:mana|dimana)|(?:kontrakan|kos|kost|kosan)(?:nya)?[ ]+" + _YOU + r"[ ]+"
    r"(?:\w+[ ]+)?(?:nomor|no\.?|yang[ ]+mana|di[ ]?mana|dimana)|(?:ngekos|ngontrak|mengontrak|ngekost)[ ]+"
    r"(?:di[ ]?mana|dimana)|"
    + _YOU
    + r"[ ]+(?:di[ ]+|warga[ ]+)?(?:rt|rw)[ ]+\d|warga[ ]+(?:rt|rw)[ ]+\d|warga[ ]+mana"
    r"|" + _YOU + r"[ ]+(?:ada[ ]+)?di[ ]+rumah[ ]*(?:$|jam|pukul|kapan|hari|besok|nanti)|(?:kapan|jam[ ]+berapa)[ ]+"
    r"(?:\w+[ ]+){0,2}?(?:ada[ ]+)?di[ ]+rumah|(?:koordinat|lokasi|titik|maps|peta|share\w*)[ ]+(?:\w+[ ]+)?rumah"
    r"(?:nya)?|live[ ]+location|share[ ]?loc\w*|lokasi[ ]+terkini|where[ ]+are[ ]+you[ ]+(?:living|staying|working)"
    r"|what[ ]+is[ ]+your[ ]+(?:rt|address|floor|block)|(?:floor|block|building)[ ]+do[ ]+you"
    # where they work, in which section, under whom, since when
    r"|(?:kerja(?:nya)?|kantor(?:nya)?|pabrik(?:nya)?|bekerja)[ ]+(?:" + _YOU + r"[ ]+)?(?:di[ ]?mana|dimana)"
    r"|(?:perusahaan|pt|cv|kantor|pabrik)[ ]+tempat[ ]+" + _YOU + r"|nama[ ]+(?:perusahaan|pt|cv|kantor|pabrik)[ ]+"
    r"tempat|karyawan[ ]+(?:mana|pt[ ]+apa|perusahaan[ ]+apa|apa)|(?:kerja|bekerja)[ ]+sebagai[ ]+apa"
    r"|(?:pekerjaan|profesi|jabatan)(?:nya)?[ ]+(?:" + _YOU + r"[ ]+)?(?:apa|sebagai)|shift(?:nya)?[ ]+(?:pagi|siang"
    r"|malam)[ ]+atau|siapa[ ]+(?:nama[ ]+)?(?:atasan|mandor|supervisor|spv|kepala[ ]+bagian|bos|manajer)"
    r"|(?:mandor|atasan|supervisor|bos)(?:nya)?[ ]+(?:" + _YOU + r"[ ]+)?siapa|masuk[ ]+(?:kerja[ ]+)?tahun[ ]+berapa"
    r"|masa[ ]+kerja|berapa[ ]+lama[ ]+" + _YOU + r"[ ]+(?:sudah[ ]+)?(?:di[ ]+)?(?:sana|situ|pabrik|perusahaan)"
    r"|(?:berapa[ ]+(?:lama|tahun|bulan)|sejak[ ]+(?:kapan|tahun[ ]+berapa)|sudah[ ]+berapa[ ]+(?:lama|tahun)"
    r"|tahun[ ]+berapa|mulai[ ]+kapan|kapan)[ ]+(?:\w+[ ]+){0,2}?(?:bekerja|kerja|masuk[ ]+kerja)(?:[ ]+(?:di|pada)"
    r"[ ]+(?:sana|situ|sini|pabrik|perusahaan|pt|cv|kantor|toko|tempat|gudang)(?:[ ]+\w+)?)?(?:[ ]+" + _YOU + r")?"
    r"[ ]*(?:[?!.,;]|$)|(?:bekerja|kerja)[ ]+(?:\w+[ ]+){0,2}?(?:sejak|mulai)[ ]+(?:kapan|tahun[ ]+berapa)"
    r"|(?:masuk[ ]+)?kerja[ ]+(?:\w+[ ]+)?(?:tahun|sejak)[ ]+berapa|mulai[ ]+(?:bekerja|kerja)[ ]+(?:\w+[ ]+)?kapan"
    r"|(?:what|which)[ ]+company|who[ ]+do[ ]+you[ ]+work|(?:what|who|where)[ ]+is[ ]+your[ ]+"
    r"(?:employer|job|position|shift|company|workplace|office)|start(?:ed)?[ ]+working|(?:what|which)[ ]+(?:department|division|section|shift"
    r"|position)[ ]+(?:do[ ]+)?you"
    # a number of theirs
    r"|(?:nomor|no\.?|id)[ ]+(?:pegawai|karyawan|id[ ]+pegawai|pelanggan|bpjs|pdam|pln|polisi|meter)(?:-?nya)?"
    r"(?![\w])|nopol|your[ ]+(?:bpjs|customer|employee|id|meter|plate)"
    # a photo or video of them or of their home
    r"|(?<!atas[ ])(?<!untuk[ ])(?<!dari[ ])(?:foto|video|pasfoto|pas[ ]+foto)[ ]+(?:close[ ]+up[ ]+)?"
    + _YOU
    + r"(?![\w])(?![ ]+(?:yang|sudah|kurang|buram|tadi|sebelumnya|terlalu|tidak|belum|blur|gelap|jelas|bagus"
    r"|masuk|diterima|ok|oke))|rekam[ ]+video[ ]+"
    + _YOU
    + r"|foto[ ]+(?:pagar|pintu|teras|nomor|depan)[ ]+"
    + _HOME
    + r"|foto[ ]+rumahnya"
    r")"
)
# a meeting in person, however put
# ... and who they are, guessed or described in other ways (a corpus of officers' questions written apart from these
# rules, its dev half): whom the officer is speaking with, whose child they are, that the report is from "the one
# who lives in the corner house", that they are the one who keeps the shop or sits at till 3, what they look like,
# whom they live with, since when they live there, being asked to come in person.
_WHO_GUESSED = re.compile(
    r"(?<![\w])(?:siapa[ ]+(?:saya|kami)[ ]+(?:sedang[ ]+)?(?:berbicara|bicara)|(?:speaking|talking)[ ]+(?:with|to)"
    r"|under[ ]+whose[ ]+name|whose[ ]+name"
    r"|" + _YOU + r"[ ]+(?:ini[ ]+)?(?:putra|putri|anak|suami|istri|cucu|menantu|adik|kakak|keponakan|saudara)(?:nya)?"
    r"[ ]+(?:dari[ ]+)?(?:pak|bu|bapak|ibu|haji|hajah|h\.|hj\.|almarhum|alm\.)(?![\w])"
    r"|(?:itu|ini)[ ]+nomor[ ]+" + _YOU + r"(?![\w])|berakhiran[ ]+\d|digit[ ]+terakhir"
    r"|(?:apakah|apa|benarkah|betulkah|bukankah|betul|benar)[ ]+(?:ini[ ]+)?" + _YOU + r"[ ]+(?:yang[ ]+)?(?:tetangga"
    r"|penghuni|penyewa|pemilik|yang[ ]+punya|yang[ ]+tinggal|yang[ ]+bertugas|yang[ ]+bekerja|yang[ ]+jaga|yang[ ]+kemarin"
    r"|yang[ ]+ikut|yang[ ]+di[ ]+)"
    r"|^[ ]*"
    + _YOU
    + r"[ ]+yang[ ]+(?:punya|tinggal|bertugas|kerja|bekerja|jaga|jualan|berjualan|kemarin|ikut)(?![\w])"
    r"|(?:laporan[ ]+ini|pelapor\w*)[ ]+(?:\w+[ ]+){0,2}?(?:penghuni|warga|tetangga|pemilik|karyawan|pegawai"
    r"|yang[ ]+rumah\w*|yang[ ]+tinggal)(?![\w])"
    r"|are[ ]+you[ ]+the[ ]+(?:tenant|owner|resident|neighbou?r|one|person|employee|worker|cashier)"
    r"|ciri(?:-ciri|2)?[ ]+(?:fisik[ ]+)?" + _YOU + r"|(?:mengenali|kenali)[ ]+" + _YOU + r"|agar[ ]+(?:\w+[ ]+){0,2}?"
    r"(?:kenali|mengenali)|(?:baju|pakaian|kendaraan|motor|mobil)[ ]+" + _YOU + r"[ ]+(?:\w+[ ]+)?(?:apa|warna|seperti)"
    r"|tinggal[ ]+bersama[ ]+siapa|siapa[ ]+saja[ ]+(?:yang[ ]+)?tinggal|warga[ ]+asli|pendatang"
    r"|(?:berapa[ ]+(?:lama|tahun)|sejak[ ]+kapan)[ ]+(?:\w+[ ]+){0,2}?tinggal[ ]+di[ ]+(?:rumah|sana|situ|sini|rusun"
    r"|apartemen|kontrakan|kos)"
    r"|tatap[ ]+muka|secara[ ]+langsung[ ]+(?:di|ke)[ ]+kantor|kehadiran[ ]+" + _YOU + r"|" + _YOU + r"[ ]+(?:\w+[ ]+)?"
    r"hadir[ ]+(?:di|ke|pada)|(?:mengundang|undang)[ ]+" + _YOU + r"|ketemuan|kopdar|drop[ ]+by|your[ ]+place"
    r"|visit[ ]+you|come[ ]+(?:to|by)[ ]+your"
    r"|(?:ditempatkan|ditugaskan|bertugas)[ ]+di[ ]+(?:\w+[ ]+){0,4}?(?:berapa|mana|apa)(?![\w])"
    r"|(?:kamar|rumah|unit|jendela)[ ]+" + _YOU + r"[ ]+menghadap"
    r"|shift[ ]+(?:kerja[ ]+)?" + _YOU + r"[ ]+(?:pagi|siang|malam|apa|berapa|yang[ ]+mana)"
    r"|which[ ]+(?:\w+[ ]+)?(?:room|floor|unit|ward|bed|block|building)[ ]+(?:were|are|do|did)[ ]+you"
    r"|foto[ ]+dari[ ]+(?:dalam[ ]+|depan[ ]+|teras[ ]+|jendela[ ]+)?"
    + _HOME
    + r"|"
    + _YOU
    + r"[ ]+tinggal(?:nya)?[ ]+di[ ]+(?:\w+[ ]+){0,4}?(?:berapa|mana|apa)(?![\w])"
    r")"
)
# a card or number of theirs, asked by name in a sentence put to them ("Nomor KTP (NIK) Bapak", "kartu pegawai")
_THEIR_CARD = re.compile(
    r"(?<![\w])(?:nomor|no\.?|kartu|foto|id)[ ]+(?:\S+[ ]+){0,3}?(?:ktp|nik|kk|kjp|kis|kip|npwp|sim|paspor|pegawai"
    r"|karyawan|id[ ]+card|induk)(?![\w])"
)
_MEETING = re.compile(
    r"(?<![\w])(?:(?:kita|sampai)[ ]+(?:\w+[ ]+)?(?:ketemu|jumpa|bertemu)|temui[ ]+(?:saya|kami)|cari[ ]+(?:pak|bu"
    r"|bapak|ibu|saya|kami)(?![\w])|tunggu[ ]+(?:kami|saya|petugas)|datang[ ]+(?:langsung[ ]+)?ke[ ]+(?:kantor|kelurahan"
    r"|kecamatan|posko|sudin|suku[ ]+dinas|dinas|balai|sekretariat|tempat[ ]+(?:saya|kami))|(?:kami|petugas|saya|mau"
    r"|akan|nanti)[ ]+(?:\w+[ ]+){0,2}?(?:ke|samperin|sambangi|mengetuk|ketuk)[ ]+(?:\w+[ ]+){0,2}?(?:rumah|tempat)"
    r"(?:[ ]+" + _YOU + r"|[ ]*(?:$|[?!.,;])|[ ]+(?:besok|nanti|hari|jam|pukul))|tempat[ ]+" + _YOU + r"(?![\w])"
    r"|meet[ ]+(?:you|me|us|at|in[ ]+person|up)|let's[ ]+meet|we[ ]+meet|in[ ]+person)"
)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[?!\n]+", text) if s.strip()]


def _places_them(text: str) -> bool:
    if _PLACES_THEM.search(text) or _MEETING.search(text) or _WHO_GUESSED.search(text):
        return True
    if any(not _NOT_ASKED.search(text, max(0, m.start() - 40), m.start()) for m in _PHOTO_OF_THEM.finditer(text)):
        return True
    put_to_them = bool(_YOU_WORD.search(text))
    for sentence in _sentences(text):
        if _YOU_WORD.search(sentence) and (_ADDRESSED.search(sentence) or _THEIR_CARD.search(sentence)):
            return True
        # "ibu kerja jg di pabrik itu? bagian apa?": the sentence that asks may follow the one that names them
        if put_to_them and _ADDRESSED_UNLESS_SITE.search(sentence) and not _ABOUT_THE_SITE.search(sentence):
            return True
    return False


# A way to reach the officer outside Sigap (attackers' reviews): a reporter who mails an address gives theirs, one
# who opens a link their IP address and browser (a form's owner, or a shortener's, sees them), one who writes to an
# account theirs. Read on a copy with written-out dots, ats and slashes made plain ("forms dot gle slash x",
# "andi[at]gmail[.]com", "hxxps://"). The government's sites and mailboxes (.go.id: LAPOR!, an agency's page or
# complaints address a rejection points to) and the city's list of official hosts (SIGAP_OFFICIAL_HOSTS: PLN, PAM
# Jaya, Transjakarta ...: a rejection sends the reporter there) are not refused; the officer runs none of them.
_UNOBFUSCATE = (
    (re.compile(r"[\u3002\uff61\uff0e]"), "."),
    (re.compile(r"[\[({<][ ]*(?:\.|dot|titik)[ ]*[\])}>]"), "."),
    (re.compile(r"[ ]*[\[({<][ ]*(?:at|et|@)[ ]*[\])}>][ ]*"), "@"),
    (re.compile(r"(?<=\w)[ ]+(?:dot|titik)[ ]+(?=\w)"), "."),
    (re.compile(r"(?<=\w)[ ]+\.[ ]+(?=\w)"), "."),
    (re.compile(r"(?<=\w)\.[ ]+(?=(?:ly|gle|gg|com|co|me|io|id)(?![\w]))"), "."),
    (re.compile(r"(?<=\w)[ ]+at[ ]+(?=[a-z][\w\-]*\.[a-z])"), "@"),
    (re.compile(r"(?<=\w)[ ]*(?:[ ]slash[ ]|[ ]garis[ ]+miring[ ]|[ ]/[ ])[ ]*(?=\w)"), "/"),
    (re.compile(r"hxxp"), "http"),
    (re.compile(r"(?<=\w)[ ]*,[ ]*(?=(?:ly|com|id|co|gle|gg|me|io|net|org)(?![\w]))"), "."),
    (re.compile(r"(?<=bit)[ ]+(?=ly(?![\w]))"), "."),
    (re.compile(r"(?<![\w])bitly(?=/|[ ]|$)"), "bit.ly"),
    (re.compile(r"(?<![\w])www[ ]+([\w\-]+)[ ]+(com|id|net|org|co)(?![\w])"), r"www.\1.\2"),
)
_EMAIL_GIVEN = re.compile(r"(?<![\w.+\-])[\w.+\-]+@(?P<domain>[\w\-]+(?:\.[\w\-]+)*)")
_TLDS = (
    r"(?:com|kom|net|org|id|io|ly|gle|gg|me|co|link|site|xyz|info|biz|app|page|to|gl|gd|gy|do|ee|at|cc|tk|my|bio|ink|"
    r"in|us|online|dev|store|tech|ai|pw|click|top|live|asia|news|one|web|space|cloud|shop|world|ws|la|sh|"
    r"vc|tv|fm|ml|ga|cf|gq|su|ru|cn|uk|de|nl|sg|au|jp|kr|fr|es|it|ca|eu|mobi|pro|name|edu|lol|fun|icu|vip|"
    r"website|blog|art|xxx)"
)
_LINK_GIVEN = re.compile(
    r"(?:(?:https?|ftp)://|www\.)(?P<host>[^\s/?#:,;@]+(?:@[^\s/?#:,;]+)?)"
    r"|(?<![\w@.\-])(?P<bare>(?:[\w\-]+\.)+" + _TLDS + r")(?=[/:?#]|[ ]|$|[.,;!)\]])"
    r"|(?<![\w.])(?P<ip>\d{1,3}(?:\.\d{1,3}){3})(?![\w.])"
)
_PLATFORM = r"(?:ig|instagram|insta|telegram|tele|tg|line|twitter|tiktok|fb|facebook|fanpage|discord|signal|threads|wa|whatsapp)"
_HANDLE_GIVEN = re.compile(
    r"(?<![\w.@])@[ ]?[\w][\w.]{1,}"
    r"|(?<![\w])(?:" + _PLATFORM + r"|x)(?:[ ]+id)?[ ]*[:=][ ]*[\w@]"
    r"|(?<![\w])(?:id|akun|add|follow|cari)[ ]+" + _PLATFORM + r"[ ]+(?:kami[ ]+|saya[ ]+)?"
    r"(?!(?:untuk|yang|dan|itu|ini|ya|pak|bu|dengan|atau|milik|palsu|resmi|tersebut)(?![\w]))[\w.]{3,}"
    r"(?=[ ]*(?:[?!.,;)(]|$))"
    r"|(?<![\w])" + _PLATFORM + r"[ ]+[\w.]*_[\w.]*"
    r"|(?<![\w])(?:dm|direct[ ]+message|inbox|pm|chat|follow|mention|hubungi|kontak|kirim[ ]+pesan|pesan|japri)[ ]+"
    r"(?:\w+[ ]+){0,3}?(?:akun[ ]+)?(?:ig|instagram|insta|telegram|tele|tg|twitter|tiktok|fb|facebook|fanpage|discord"
    r"|signal|threads|wa|whatsapp|dm|inbox)(?![\w])"
    r"|(?<![\w])(?:" + _PLATFORM + r"|email|e-mail|surel|inbox|dm)[ ]+(?:ke[ ]+)?(?:saya|kami)(?![\w])"
    r"|(?<![\w])(?:balas|kirim|hubungi)[ ]+(?:\w+[ ]+){0,2}?(?:email|e-mail|surel)[ ]+(?:saya|kami|petugas)(?![\w])"
    r"|(?<![\w])(?:link|tautan)[ ]+(?:\w+[ ]+){0,3}?bio(?![\w])"
    r"|(?<![\w])(?:nol|kosong)[ ]+(?:delapan|lapan)(?![\w])"
    # another channel named without a handle or a link (a second review's): "Japri saya", "Cari saya di Telegram",
    # "Nama akun saya …", a QR code, a group, a video call, "call me"
    r"|(?<![\w])(?:japri|chat[ ]+pribadi|pesan[ ]+pribadi|nama[ ]+akun|username|user[ ]+name|qr(?:[ ]?code)?|kode[ ]+qr"
    r"|barcode|gmail|yahoo|ymail|hotmail|outlook|icloud|protonmail|zoom|gmeet|google[ ]+meet|skype|ms[ ]+teams"
    r"|video[ ]?call|vidcall|vc|live[ ]+location)(?![\w])"
    r"|(?<![\w])(?:pm|dm|inbox|telepon|telpon|telp|menelepon|menelpon|hubungi|sms)[ ]+(?:\w+[ ]+)?(?:saya|kami|"
    + _YOU
    + r")(?![\w])(?![ ]+(?:lewat|melalui|via|di)[ ]+(?:sigap|aplikasi|laman|halaman|jawaban|balasan))"
    r"|(?<![\w])(?<!yang[ ])(?<!yang[ ]bisa[ ])(?<!yang[ ]dapat[ ])(?:saya|kami|petugas|nanti)[ ]+(?:\w+[ ]+)?"
    r"(?:telepon|telpon|telp|hubungi|menelepon|menelpon|sms|wa"
    r"|japri)(?![\w])|(?<![\w])(?:bisa|boleh)[ ]+(?:di)?(?:telepon|telpon|ditelepon|ditelpon|dihubungi|hubungi)"
    r"|(?<![\w])dihubungi[ ]+(?:\w+[ ]+)?(?:lewat|melalui|via|di)(?![\w])"
    r"|(?<![\w])(?:cari|ketik|search|find)[ ]+(?:\S+[ ]+){0,4}?(?:di|on|in)[ ]+(?:pencarian[ ]+)?"
    + _PLATFORM
    + r"(?![\w])|(?<![\w])(?:cari|find|search)[ ]+(?:saya|kami|me|us)(?![\w])"
    r"|(?<![\w])(?:lewat|via|melalui)[ ]+(?:wa|whatsapp|telegram|tele|ig|instagram|line|dm|inbox|email|e-mail|messenger"
    r"|signal|japri)(?![\w])|(?<![\w])(?:grup|group)[ ]+(?:wa|whatsapp|telegram|tele|line|fb|facebook)(?![\w])"
    r"|(?<![\w])(?:gabung|masuk|join)[ ]+(?:ke[ ]+)?(?:grup|group)(?![\w])"
    r"|(?<![\w])(?:call|text|email|e-mail|whatsapp|message|ping|find|reach|contact|dm|phone|sms|follow)[ ]+(?:me|us)"
    r"(?![\w])|(?<![\w])send[ ]+me(?![\w])|(?<![\w])my[ ]+(?:gmail|email|number|phone|whatsapp|account|office)(?![\w])"
)


def _official(host: str) -> bool:
    """Whether ``host`` is the government's (.go.id), on the city's list of official hosts, Sigap's own (its public
    pages: ``ALLOWED_HOSTS``), or below one."""
    host = host.rstrip(".").lower()
    if "@" in host:  # "lapor.go.id@evil.com": the part after "@" is the host
        host = host.rsplit("@", 1)[1]
    own = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "localhost", "127.0.0.1", "testserver", "[::1]")]
    official = ("go.id", *(h.strip().lower().lstrip(".") for h in [*settings.SIGAP_OFFICIAL_HOSTS, *own] if h.strip()))
    return any(host == h or host.endswith("." + h) for h in official)


def _contact_given(text: str) -> bool:
    """A way to reach the officer outside Sigap in ``text`` (read in lower case): an email address or a link that is
    not an official one (``_official``), a social account to write to, or a mobile number (``_phone_given``)."""
    for pattern, plain in _UNOBFUSCATE:
        text = pattern.sub(plain, text)
    if _HANDLE_GIVEN.search(text) or _phone_given(text):
        return True
    if any(not _official(m.group("domain")) for m in _EMAIL_GIVEN.finditer(text)):
        return True
    return any(
        m.group("ip") or not _official(m.group("host") or m.group("bare") or "") for m in _LINK_GIVEN.finditer(text)
    )


# ... and a guess put to them to confirm: "Apakah Anda Siti Aminah?", "Betul Bapak suami dari Bu Siti?", "Apakah
# Anda karyawan gudang PT X?". The "ya, benar" that answers it is the identity, and no rule can redact a yes
# (found by a review). Who they are, whose relative, where they work or live, what they own.
_CONFIRM_OPENER = r"(?:apakah|apa[ ]+(?:benar|betul)|benarkah|betulkah|bukankah|benar|betul|bener)"
_OFFICE_FILLERS = r"(?:(?:ini|itu|yang|juga|sendiri|adalah|ialah|selaku|sebagai|merupakan|menjabat)[ ]+)*"
_CONFIRMS_WHO = re.compile(
    r"(?<![\w])(?:"
    + _CONFIRM_OPENER
    + r"[ ]+(?:ini[ ]+)?(?:dengan[ ]+)?(?:"
    + _YOU
    + r"|pelapor(?:nya)?|yang[ ]+melapor)[ ]+(?:ini[ ]+|itu[ ]+|adalah[ ]+|merupakan[ ]+|yang[ ]+)*"
    # named, or someone's relative: their work, their shop or their status is a case's own question (a labour
    # complaint asks whether the reporter is a permanent employee), and is not refused
    r"(?:bernama|namanya|dipanggil|suami|suaminya|istri|istrinya|anak|anaknya|cucu|menantu|mertua|orang[ ]+tua"
    r"|ayah|keluarga|kerabat|saudara[ ]+(?:dari|kandung))(?![\w])"
    r"|(?:are|is)[ ]+(?:you|this|the[ ]+reporter)[ ]+(?:the[ ]+)?(?:named|called|husband|wife|son|daughter"
    r"|relative)(?![\w])"
    # an office of the neighbourhood one person holds ("Apakah Anda ketua RT 03?", "Bapak ketua RW di situ?"): the
    # door cuts it from what the reporter writes, and a bare "ya" would give it (found by an attacker's review)
    # "Pak ketua RT" or "Bu ketua RW" names the ketua as a third person: after those a word must say it is them
    r"|(?:^|"
    + _CONFIRM_OPENER
    + r"[ ]+)(?:(?:anda|kamu|saudara|saudari|sdr|sdri|pelapor(?:nya)?)[ ]+"
    + _OFFICE_FILLERS
    + r"|(?:bapak|ibu|bpk|bp|pak|bu|kakak|kak|mas|mbak|mba)[ ]+"
    + _OFFICE_FILLERS
    + r"(?:adalah|ialah|selaku|sebagai|merupakan|menjabat|juga|sendiri)[ ]+"
    + _OFFICE_FILLERS
    + r")(?:wakil[ ]+)?(?:ketua|sekretaris|sekertaris|bendahara|pengurus)[ ]*(?:rt|rw)(?![a-z]))"
)
# a name put to them ("Apakah Anda Siti Aminah?", "Are you Mr Budi?"): read on the text as written, where a name is
# capitalised; not a title, a role, a day or a verb written with a capital ("Apakah Pak Lurah sudah …",
# "Apakah Bapak Sudah melapor …", "Is this Jalan Kenanga …")
_CONFIRMS_NAME = re.compile(
    r"(?<![\w])(?:(?i:" + _CONFIRM_OPENER + r")[ ]+(?:(?i:ini)[ ]+)?(?:(?i:dengan)[ ]+)?(?i:" + _YOU + r")"
    r"|(?i:are[ ]+you|is[ ]+this|is[ ]+it))[ ]+(?:(?i:mr|mrs|ms|miss|pak|bu|bapak|ibu)\.?[ ]+)?([A-Z][a-z]{2,})"
)
_NOT_A_NAME = frozenset(
    [
        "lurah",
        "camat",
        "ingat",
        "yakin",
        "kemarin",
        "tadi",
        "warga",
        "kenal",
        "benar",
        "betul",
        "setuju",
        "bersedia",
        "mengalami",
        "merasa",
        "dengar",
        "mendengar",
        "mengetahui",
        "sendiri",
        "sering",
        "selalu",
        "biasanya",
        "terdampak",
        "memang",
        "rt",
        "rw",
        "haji",
        "hajah",
        "bidan",
        "guru",
        "ustadz",
        "ustad",
        "ustadzah",
        "dokter",
        "kyai",
        "kiai",
        "pendeta",
        "romo",
        "satpam",
        "polisi",
        "sudah",
        "masih",
        "belum",
        "bisa",
        "mau",
        "pernah",
        "sempat",
        "juga",
        "tahu",
        "lihat",
        "melihat",
        "ada",
        "tinggal",
        "kerja",
        "bekerja",
        "punya",
        "jadi",
        "senin",
        "selasa",
        "rabu",
        "kamis",
        "jumat",
        "sabtu",
        "minggu",
        "januari",
        "februari",
        "maret",
        "april",
        "mei",
        "juni",
        "juli",
        "agustus",
        "september",
        "oktober",
        "november",
        "desember",
        "jalan",
        "gang",
        "kelurahan",
        "kecamatan",
        "kota",
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "still",
        "already",
        "sure",
    ]
)
# a question that addresses the reporter ("Anda …, bukan?", "Betul ini dengan …?", "… yang melapor?"): with a
# person's name or a contact in it (the generic redaction rules find one), its answer would confirm it
_ADDRESSES_THEM = re.compile(
    r"(?i)(?<![\w])(?:anda|kamu|saudara|saudari|sdr|sdri|kakak|pelapor\w*|yang[ ]+melapor|ini[ ]+dengan|you)(?![\w])"
)
# The redaction rules' finder of personal data (names after honorifics or labels, house numbers, phones, emails,
# NIK, plates, accounts), registered by ``sigap.privacy`` (which this layer may not import): a question to the
# reporter may not carry any, since their answer would confirm it. It never reads the vault, so a refusal says
# nothing about the real reporter.
_PERSONAL_DATA: list[Callable[[str], bool]] = []


def register_personal_data_finder(finder: Callable[[str], bool]) -> None:
    if finder not in _PERSONAL_DATA:
        _PERSONAL_DATA.append(finder)


def question_names_someone(question: str) -> bool:
    """Whether a question addressed to the reporter carries a person's name, a house number or a contact (the
    generic redaction rules find one): "Anda Bu Siti, bukan?", "Betul ini dengan Bu Siti?". A question about
    someone else ("Apakah mandor bernama Joko yang menahan gaji?") is not refused."""
    text = question or ""
    return bool(_ADDRESSES_THEM.search(text)) and any(finder(text) for finder in _PERSONAL_DATA)


_NUMBER_RUN = re.compile(r"\+?\d[\d .\-]{7,}\d")
_PHONE_SEPARATORS = re.compile(r"(?<=\d)[ ]*[()\u2010-\u2015\u2022\u00b7*~+,_][ ]*(?=\d)|(?<![\w])\((?=0\d)|(?<=\d)\)")
_LETTER_O = re.compile(r"(?<![\w])o(?=8\d)")
_LETTER_L = re.compile(r"(?<=\d)l(?=\d)")
_DOCUMENT_BEFORE = re.compile(
    r"(?<![\w])(?:surat|kontrak|nib|npwp|sk|izin|imb|pbg|sertifikat|faktur|invoice|rekening|pelanggan|meter\w*|tiang"
    r"|laporan|tiket|kwitansi|nota|perkara|registrasi|seri|resi|pasal|perda|pergub|kwh|id)(?![\w])"
    r"[ ]*(?:nomor|no\.?|nomer)?[ .:]*$"
)
_PHONE_CUE = re.compile(
    r"(?<![\w])(?:wa|whatsapp|hp|handphone|telp|telepon|telpon|tlp|hubungi|sms|call|ponsel|kontak|zoom|signal"
    r"|telegram|(?:nomor|nomer|no)[ ]+(?:saya|kami|petugas|kantor))(?![\w])"
)
_PHONE_TOKEN = re.compile(r"\+?\d+|[a-z]+")
_PHONE_FILLERS = frozenset(
    [
        "lalu",
        "dan",
        "terus",
        "sisanya",
        "awalnya",
        "kantor",
        "kami",
        "saya",
        "then",
        "and",
        "nya",
        "ya",
        "atau",
        "or",
        "tambah",
        "plus",
        "strip",
        "spasi",
    ]
)
_MOBILE_DIGITS = re.compile(r"(?:0062|62|0)?8\d{8,11}")
_LANDLINE_DIGITS = re.compile(r"0(?:21|2\d|[3-7]\d{1,2})\d{6,8}")
_OURS = re.compile(r"(?<![\w])(?:kami|saya|kantor|petugas|me|us|our|my)(?![\w])")
_TIME_RANGE = re.compile(r"\d{1,2}[.:]\d{2}[ ]*-[ ]*\d{1,2}[.:]\d{2}")


def _phone_given(text: str) -> bool:
    """A phone number in the text: the officer's own, handed over so the reporter calls outside Sigap. A mobile
    number (08…, 628…, +62 8…) however written (spaces, dots, dashes of any kind, brackets), or any number with a
    country code; after a word that offers one ("WA", "hubungi", "nomor saya", "call"), also with words between its
    groups, digits written as words, a dropped 0, or an office's line "kami" gives (a second review's). Not a date, a
    time range, money, coordinates, or a letter's, contract's, meter's or pole's number."""
    text = _PHONE_SEPARATORS.sub(" ", _LETTER_O.sub("0", _LETTER_L.sub("1", text)))
    for m in _NUMBER_RUN.finditer(text):
        run = m.group(0)
        if _TIME_RANGE.fullmatch(run.strip()) or _DOCUMENT_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue
        digits = re.sub(r"\D", "", run)
        if (digits.startswith("08") and len(digits) >= 10) or (digits.startswith("628") and len(digits) >= 11):
            return True
        if run.startswith("+") and len(digits) >= 8:
            return True
    for cue in _PHONE_CUE.finditer(text):
        window = text[cue.end() : cue.end() + 80]
        for digits in _digit_groups(window):
            if _MOBILE_DIGITS.match(digits) or (
                _LANDLINE_DIGITS.match(digits) and _OURS.search(text, max(0, cue.start() - 40), cue.end() + 80)
            ):
                return True
    return False


def _digit_groups(window: str) -> Iterator[str]:
    """The numbers in ``window`` read as a caller reads them out: groups of digits, digit words ("tiga empat", "zero
    eight") and the short words people put between groups ("0812 lalu 3456", "0812 (kantor) 3456") joined."""
    digits, fillers = "", 0
    for token in _PHONE_TOKEN.findall(window):
        if token[0].isdigit() or token[0] == "+":
            digits, fillers = digits + token.lstrip("+"), 0
        elif token in DIGIT_WORDS:
            digits, fillers = digits + DIGIT_WORDS[token], 0
        elif digits and token in _PHONE_FILLERS and fillers < 2:
            fillers += 1
        else:
            if digits:
                yield digits
            digits, fillers = "", 0
    if digits:
        yield digits


def question_asks_identity(question: str) -> bool:
    """Whether an officer's question asks the reporter who they are or what places them (read in lower case, every
    kind of space and invisible mark as one space, compatibility forms plain), or hands them a way to reach the
    officer outside Sigap (a number, an email address, a link, a social account)."""
    return bool(question_refused_for(question))


def question_refused_for(question: str) -> str:
    """Why ``question_asks_identity`` refuses a question: "contact" (a way to reach the officer outside Sigap),
    "identity" (who the reporter is, or a guess at it), "place" (where they live or work, their face, a meeting);
    "" when it does not. The refusal names the one that applies: a sixty-word list of everything forbidden left the
    officer guessing which part of their question it was (a CRM team's walk)."""
    written = unicodedata.normalize("NFKC", question or "")  # as written: a name is capitalised (_CONFIRMS_NAME)
    text = re.sub(r"[\s\u00ad\u200b-\u200f\u2060\ufeff]+", " ", written.lower()).strip()
    text = _CHAT_WORD.sub(lambda m: _CHAT_WORDS[m.group(0)], text)  # "nm bpk siapa", "no wa nya brp"
    text = re.sub(r"(?<=\w) nya(?![\w])", "nya", text)
    if _contact_given(text):
        return "contact"
    if (
        _ASKS_IDENTITY.search(text)
        or _ASKS_WHO.search(text)
        or _CONFIRMS_WHO.search(text)
        or any(m.group(1).lower() not in _NOT_A_NAME for m in _CONFIRMS_NAME.finditer(written))
    ):
        return "identity"
    return "place" if _places_them(text) else ""


# What the refusal of a question or a note says first, by ``question_refused_for`` (and a question naming someone).
_REFUSED_BECAUSE = {
    "contact": (
        "Teks ini memberi pelapor nomor, email, tautan atau akun untuk menghubungi petugas di luar Sigap.",
        "This text gives the reporter a number, an email address, a link or an account to reach the officer outside "
        "Sigap.",
    ),
    "identity": (
        "Teks ini menanyakan atau menebak siapa pelapor (nama, nomor telepon, NIK, email, keluarga).",
        "This text asks or guesses who the reporter is (name, phone number, NIK, email, family).",
    ),
    "place": (
        "Teks ini menanyakan tempat tinggal atau tempat kerja pelapor (alamat, nomor atau foto rumah, RT), meminta foto "
        "diri, atau mengajak bertemu langsung.",
        "This text asks where the reporter lives or works (address, house number or photo, RT), asks for a photo of "
        "themselves, or asks to meet in person.",
    ),
    "names": (
        "Teks ini memuat nama orang atau data pribadi yang jawaban pelapor akan membenarkan.",
        "This text carries a person's name or personal data that the reporter's answer would confirm.",
    ),
}


# Chat short forms, read as written out before the rule above looks at a question.
_CHAT_WORDS = {
    "nm": "nama",
    "nomer": "nomor",
    "bs": "bisa",
    "jg": "juga",
    "nmr": "nomor",
    "brp": "berapa",
    "dmn": "di mana",
    "yg": "yang",
    "tlp": "telp",
    "almt": "alamat",
    "rmh": "rumah",
    "krj": "kerja",
    "thn": "tahun",
    "sjk": "sejak",
    "udah": "sudah",
    "imel": "email",
    "emel": "email",
}
_CHAT_WORD = re.compile(r"(?<![\w])(?:" + "|".join(_CHAT_WORDS) + r")(?![\w])")


@transaction.atomic
def report_ask_reporter(
    *, report_id: int, actor, question: str = "", question_code: str = "", now: datetime | None = None
) -> StatusChange:
    """Tanya pelapor: the clock pauses until the reporter answers (delivered by the relay; no address shown).
    A question asking who the reporter is (their name, number, home, NIK, email) is refused: its answer is the
    identity itself, bare, which no redaction rule can tell from any other short text. An Anonim reporter is
    asked only from the list (``questions``, by ``question_code``): nothing of theirs is known to redact with."""
    from . import questions

    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    if question_code and (question or "").strip():  # the code would win and the written question be lost unsaid
        raise DomainError(
            "Pilih pertanyaan dari daftar atau tulis sendiri, tidak keduanya.",
            "Choose a question from the list or write your own, not both.",
            code="question_or_code",
            status=422,
            field="question",
        )
    if question_code and questions.text(question_code) is None:
        raise DomainError(
            "Pertanyaan itu tidak ada dalam daftar; pilih salah satu dari daftar.",
            "That question is not in the list; choose one from the list.",
            code="unknown_question",
            status=422,
            field="question_code",
        )
    if question_code or report.privacy == Privacy.ANONYMOUS:
        chosen = questions.text(question_code)
        if chosen is None:
            raise DomainError(
                "Pelapor Anonim hanya dapat ditanya dengan pertanyaan dari daftar (pilih salah satu).",
                "An anonymous reporter can only be asked a question from the list (choose one).",
                code="question_from_list",
                status=422,
                field="question_code",
            )
        question = chosen[0]
    elif not (question or "").strip():
        raise DomainError(
            "Tuliskan pertanyaan, atau pilih dari daftar.",
            "Write a question, or choose one from the list.",
            code="question_required",
            status=422,
            field="question",
        )
    elif why := question_refused_for(question) or ("names" if question_names_someone(question) else ""):
        because_id, because_en = _REFUSED_BECAUSE[why]
        raise DomainError(
            f"{because_id} Identitas pelapor tidak pernah sampai ke petugas: tanyakan tentang masalah atau lokasinya, "
            "tanpa nama orang.",
            f"{because_en} A reporter's identity never reaches officers: ask about the problem or its place, without "
            "naming anyone.",
            code="question_asks_identity",
            status=422,
            field="question",
        )
    return _transition(
        report,
        Status.AWAITING_REPORTER,
        actor=actor,
        actor_kind="officer",
        now=now,
        reason=question,
        public_note=f"Pertanyaan petugas: {question.strip()}",
    )


@transaction.atomic
def report_question_withdraw(*, report_id: int, actor, reason: str, now: datetime | None = None) -> StatusChange:
    """The handling unit goes on without the reporter's answer (it found out itself, or asked the wrong thing): the
    report goes back to where it was asked from, its clocks credited nothing for the wait, and the reporter reads
    that the question was withdrawn, and why. Without this a report whose answer no longer mattered could only wait for it, or for the
    unanswered-question job to close it (found by a CRM team's walk: the triage desk asked where, found the place
    itself, and could not place the report)."""
    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    if report.status != Status.AWAITING_REPORTER:
        raise TransitionRefused(
            "Laporan ini tidak sedang menunggu jawaban pelapor.",
            "This report is not waiting for the reporter's answer.",
            code="not_waiting_for_reporter",
        )
    reason = (reason or "").strip()
    # The wait counts as working time: the clocks pause only for a wait the reporter ends. Were it credited, a unit
    # could ask, withdraw a day before the unanswered-question job closes the report, and ask again, and a report it
    # never took up would never be late nor escalated (found by an attacker's review).
    return _transition(
        report,
        Status(report.resume_status),
        actor=actor,
        actor_kind="officer",
        now=now,
        reason=reason,
        internal_note=f"{WITHDRAWN_NOTE}{reason}",
        public_note=f"Pertanyaan petugas ditarik; laporan dilanjutkan tanpa menunggu jawaban Anda. {reason}".strip(),
        wait_credited=False,
    )


def _not_waiting_for_answer() -> TransitionRefused:
    """The refusal of an answer (or more of one) to a report that asked the reporter nothing now."""
    return TransitionRefused(
        "Laporan ini tidak sedang menunggu jawaban Anda.",
        "This report is not waiting for your answer.",
        code="not_waiting_for_reporter",
    )


def _reporter_photos_add(report: Report, answer_redacted: str, photos: Sequence[CheckedPhoto], now: datetime) -> str:
    """Photos sent with an answer join the report's own, de-identified by the worker before anyone sees them,
    within the limit per report; returns the answer as the timeline says it ("… [2 foto]")."""
    limit = settings.SIGAP_PHOTOS_PER_REPORT
    if photos and Photo.objects.filter(report=report, kind=Photo.Kind.REPORT).count() + len(photos) > limit:
        raise DomainError(
            f"Satu laporan paling banyak {limit} foto dari pelapor.",
            f"A report takes at most {limit} photos from its reporter.",
            code="too_many_photos",
            status=422,
            field="photos",
        )
    added = [
        _photo_pending(
            report,
            photo,
            kind=Photo.Kind.REPORT,
            unit=None,
            actor=None,
            now=now,
            original_ref=photoqueue.original_store(photo.original),
        )
        for photo in photos
    ]
    if added:
        insert_rows(added)
        photoqueue.enqueue(p.pk for p in added)
    return " ".join(filter(None, [answer_redacted, f"[{len(added)} foto]" if added else ""]))


@transaction.atomic
def report_resume_with_answer(
    *, report_id: int, answer_redacted: str, photos: Sequence[CheckedPhoto] = (), now: datetime | None = None
) -> StatusChange:
    """The reporter's answer (redacted) resumes the report; ``photos`` (header-checked uploads) join the report's
    own photos, de-identified by the worker before anyone sees them, within the limit per report."""
    report = _lock(report_id)
    now = now or timezone.now()
    if report.status != Status.AWAITING_REPORTER:
        raise _not_waiting_for_answer()
    said = _reporter_photos_add(report, answer_redacted, photos, now)
    report.answered_at = now  # the queue marks the report "answered" until its next status change
    # The answer is the reason for the return: a report asked about while it was in a status that needs a
    # reason to enter (Dibuka Kembali after a dispute, Koordinasi, Disposisi) goes back to it like any other.
    change = _transition(
        report,
        Status(report.resume_status),
        actor=None,
        actor_kind="reporter",
        now=now,
        reason=said,
        internal_note=f"{ANSWER_NOTE}{said}",
        notify=False,
    )
    _desk_hints_with_answers(report)
    return change


def _desk_hints_with_answers(report: Report) -> None:
    """At the triage desk, the reporter's answers (redacted, as the desk reads them) join what the report says in
    the desk's suggestions: asked where, a resident who answers "di kampung pulo, jatinegara" moves Kampung Melayu
    to the top, where the suggestions had been computed from the complaint alone."""
    if not at_the_desk(report):
        return
    answers = StatusChange.objects.filter(
        functools.reduce(operator.or_, (Q(internal_note__startswith=label) for label in _ANSWER_LABELS)),
        report=report,
        actor_kind="reporter",
    ).order_by("created_at", "pk")
    said = "\n".join(answer_in_note(note) for note in answers.values_list("internal_note", flat=True))
    report.triage_hints = desk.hints(f"{report.description}\n{said}", report.address)
    Report.objects.filter(pk=report.pk).update(triage_hints=report.triage_hints)


ANSWER_NOTE = "Jawaban pelapor: "
ANSWER_MORE_NOTE = "Jawaban pelapor (lanjutan): "  # more of the answer, sent a moment after it
ANSWER_LATE_NOTE = "Jawaban pelapor (setelah pertanyaan ditarik): "  # an answer that crossed the withdrawal
WITHDRAWN_NOTE = "Pertanyaan ditarik: "  # the officer's reason for going on without the answer
# every label a reporter's answer is kept under on the timeline
_ANSWER_LABELS = (ANSWER_MORE_NOTE, ANSWER_LATE_NOTE, ANSWER_NOTE)


def answer_in_note(note: str) -> str:
    """The reporter's answer (redacted) a history row's internal note holds, without its label; "" for any other
    note (an officer's)."""
    for label in _ANSWER_LABELS:
        if note.startswith(label):
            return note.removeprefix(label)
    return ""


def question_withdrawn_recently(report: Report, now: datetime | None = None) -> bool:
    """Whether the unit withdrew its question to the reporter within ``SIGAP_CONVERSATION_HOURS``: an answer that
    crossed the withdrawal (typed while the question stood, sent after) is still the reporter's answer, kept for the
    officer and acknowledged, not a new complaint nor lost (found by an attacker's review)."""
    since = (now or timezone.now()) - timedelta(hours=settings.SIGAP_CONVERSATION_HOURS)
    return StatusChange.objects.filter(
        report=report, actor_kind="officer", internal_note__startswith=WITHDRAWN_NOTE, created_at__gte=since
    ).exists()


def answer_welcome(report: Report, now: datetime | None = None) -> bool:
    """Whether a message from the reporter now, with no question standing, is still an answer: more of one they
    just gave, or one that crossed the withdrawal of the question."""
    return answered_recently(report, now) or question_withdrawn_recently(report, now)


def answered_recently(report: Report, now: datetime | None = None) -> bool:
    """Whether the reporter answered an officer's question on ``report`` within ``SIGAP_ANSWER_MORE_MINUTES``."""
    since = (now or timezone.now()) - timedelta(minutes=settings.SIGAP_ANSWER_MORE_MINUTES)
    return StatusChange.objects.filter(
        report=report, actor_kind="reporter", internal_note__startswith=ANSWER_NOTE, created_at__gte=since
    ).exists()


@transaction.atomic
def report_answer_more(
    *, report_id: int, answer_redacted: str, photos: Sequence[CheckedPhoto] = (), now: datetime | None = None
) -> StatusChange:
    """More of the reporter's answer, sent a moment after it (residents answer in two or three messages; the second
    came when the report had resumed, and was lost to the officer: found by a review). Kept as a timeline row beside
    the answer, photos and all; the status stays."""
    report = _lock(report_id)
    now = now or timezone.now()
    if report.status == Status.AWAITING_REPORTER or not is_open(report.status):
        raise _not_waiting_for_answer()
    if answered_recently(report, now):
        label = ANSWER_MORE_NOTE
    elif question_withdrawn_recently(report, now):
        label = ANSWER_LATE_NOTE
    else:
        raise _not_waiting_for_answer()
    said = _reporter_photos_add(report, answer_redacted, photos, now)
    if deadlines.answered_since_moved(report):
        # still marked for the unit that asked (nobody moved it since the answer): the mark shows the latest word
        report.answered_at = now
        report.save(update_fields=["answered_at"])
    change = StatusChange.event(report, unit=report.unit, actor_kind="reporter", at=now, internal_note=f"{label}{said}")
    _desk_hints_with_answers(report)
    return change


@transaction.atomic
def photo_add(
    *, report_id: int, actor, kind: str, photo: CheckedPhoto | CleanPhoto, now: datetime | None = None
) -> Photo:
    """Foto sebelum/sesudah from the handling unit. A CheckedPhoto (an upload whose header passed) is stored
    as an encrypted original and de-identified by the worker like a reporter's photo: a proof photo can
    show bystanders' faces and plates too. Until it is ready it does not count for "ajukan validasi"."""
    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    if kind not in (Photo.Kind.BEFORE, Photo.Kind.AFTER):
        raise DomainError(
            "Jenis foto harus 'before' atau 'after'.",
            "Photo kind must be 'before' or 'after'.",
            code="bad_photo_kind",
            status=422,
            field="kind",
        )
    if Status(report.status) not in WORKING:
        raise TransitionRefused(
            f"Foto bukti hanya dapat diunggah saat laporan diproses (status sekarang: {label_id(report.status)}).",
            f"Proof photos can only be added while the report is being worked on (now: {label_en(report.status)}).",
            code="not_in_progress",
        )
    if isinstance(photo, CheckedPhoto):
        saved = _photo_pending(
            report,
            photo,
            kind=kind,
            unit=report.unit,
            actor=actor,
            now=now,
            original_ref=photoqueue.original_store(photo.original),
        )
        saved.save()
    else:
        saved = _photo_save(report, photo, kind=kind, unit=report.unit, actor=actor, now=now)
        proofcheck.report_recheck(report.pk)
    _audit(action=f"photo:{kind}", actor=actor, actor_kind="officer", report=report, photo=saved.pk)
    if saved.state == Photo.State.PROCESSING:
        photoqueue.enqueue([saved.pk])
    return saved


# the note of a request for validation when the unit wrote none
REQUEST_VALIDATION_NOTE = "Tindak lanjut selesai, menunggu validasi."


@transaction.atomic
def report_request_validation(*, report_id: int, actor, note: str = "", now: datetime | None = None) -> StatusChange:
    """Ajukan validasi: needs ≥1 before and ≥1 after photo from the handling unit."""
    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    return _transition(
        report,
        Status.AWAITING_VALIDATION,
        actor=actor,
        actor_kind="officer",
        now=now,
        public_note=note or REQUEST_VALIDATION_NOTE,
    )


def validates_own_work(actor, report: Report) -> bool:
    """Whether validating ``report`` would be ``actor`` checking their own work: they hold a working role at the
    unit that handles it, or they moved it (other than by validating) or uploaded one of its photos during its stay
    there. A validator is the second pair of eyes on the proof; an account that is also an officer there (roles
    can be combined in the admin) could otherwise accept, photograph, submit and validate one report alone."""
    user = _user(actor)
    if user is None:
        return False
    if roles.user_can_work_at_unit(user, report.unit_id):
        return True
    since = summaries.stay_start(report) or report.created_at
    return (
        StatusChange.objects.filter(report=report, actor=user, created_at__gte=since)
        .exclude(actor_kind="validator")  # their own earlier validation (TL Ditolak) is not the work
        .exists()
        or Photo.objects.filter(report=report, uploaded_by=user, created_at__gte=since).exists()
    )


@transaction.atomic
def report_validate(
    *, report_id: int, actor, accept: bool, reason: str = "", seen: str = "", now: datetime | None = None
) -> StatusChange:
    """The validator (Biro Pemerintahan) accepts the follow-up (Selesai) or rejects it (TL Ditolak, back to work).

    ``seen``: the round the decision was made on (``Report.round_seen`` when the validator's page was opened); a
    report asked for validation again since (new proof after a TL Ditolak) is refused, 409 ``report_changed``,
    rather than decided on proof the validator has not seen (a review: a card left open took the next round)."""
    if not roles.user_can_validate(actor):
        raise PermissionDenied(
            "Hanya validator yang dapat memvalidasi tindak lanjut.", "Only a validator can validate a follow-up."
        )
    report = _lock(report_id)
    now = now or timezone.now()
    _require_sight(actor, report)
    if seen and report.status == Status.AWAITING_VALIDATION and seen != report.round_seen:
        if seen != report.round_seen + report.SEEN_WHILE_PROCESSING:
            raise DomainError(
                "Laporan ini diajukan lagi sejak Anda membukanya, dengan bukti yang mungkin baru. Muat ulang dan periksa lagi.",
                "This report was submitted again since you opened it, perhaps with new proof. Reload it and check again.",
                code="report_changed",
                status=409,
            )
        if not proofcheck.report_proof_pending(report.pk, unit_id=report.unit_id, since=summaries.stay_start(report)):
            raise DomainError(  # shown as "sedang diproses", decided on after it was ready (a last read)
                "Foto bukti selesai diproses setelah Anda membuka laporan ini. Muat ulang dan periksa fotonya.",
                "A proof photo finished processing after you opened this report. Reload it and check the photo.",
                code="photo_processed",
                status=409,
            )
    if validates_own_work(actor, report):
        raise PermissionDenied(
            "Validator tidak dapat memvalidasi tindak lanjut yang ditangani sendiri atau oleh unitnya.",
            "A validator cannot validate a follow-up they or their own unit worked on.",
            code="own_work",
        )
    since = summaries.stay_start(report)
    if proofcheck.report_proof_pending(report.pk, unit_id=report.unit_id, since=since):
        # what the validator decides on (and the record keeps) must include every proof photo's flags
        raise DomainError(
            "Foto bukti laporan ini masih diproses. Coba lagi dalam beberapa menit.",
            "This report's proof photos are still being processed. Try again in a few minutes.",
            code="photo_processing",
            status=409,
        )
    # either decision records whether the proof carried a flag (the summaries count it, ``StatusChange``)
    flagged = proofcheck.report_flagged(report.pk, unit_id=report.unit_id, since=since)
    if accept:
        if flagged and not reason.strip():
            raise DomainError(
                "Foto bukti laporan ini ditandai (lihat tanda pada foto). Tulis alasan Anda menerimanya.",
                "This report's proof photos are flagged (see the notes on the photos). Write why you accept them.",
                code="reason_required",
                status=422,
                field="reason",
            )
        return _transition(
            report,
            Status.DONE,
            actor=actor,
            actor_kind="validator",
            now=now,
            # why a flagged proof was accepted is for staff and auditors: it may name other reports
            public_note="Tindak lanjut telah divalidasi." if flagged else (reason or "Tindak lanjut telah divalidasi."),
            internal_note=f"Bukti bertanda diterima: {reason.strip()}" if flagged else "",
            proof_flagged=flagged,
        )
    return _transition(
        report,
        Status.FOLLOWUP_REJECTED,
        actor=actor,
        actor_kind="validator",
        now=now,
        reason=reason,
        public_note=f"Tindak lanjut ditolak: {reason.strip()}",
        proof_flagged=flagged,
    )


# --- reporter actions (by tracking code) -------------------------------------------------------


def report_by_tracking(code: str, *, for_update: bool = False, secret: str | None = None) -> Report:
    """The report behind a tracking code. ``secret``: pass it (even "") for actions; an anonymous
    report's actions need its secret, since no other channel can confirm the reporter."""
    qs = Report.objects.select_for_update(no_key=True) if for_update else Report.objects
    report = qs.filter(tracking_hash__in=tracking_hashes(code)).first() if code else None
    if report is None:
        raise NotFound("Kode lacak tidak dikenal.", "Unknown tracking code.")
    if secret is not None and report.secret_hash and not _secret_matches(report.secret_hash, secret):
        typed = bool(secret.strip())  # a secret typed but not this report's: said so, not "enter the secret" again
        raise PermissionDenied(
            "Kode rahasia tidak cocok. Periksa kode rahasia yang Anda terima saat melapor."
            if typed
            else "Laporan anonim: masukkan kode rahasia yang Anda terima saat melapor.",
            "The secret does not match. Check the secret you received when reporting."
            if typed
            else "Anonymous report: enter the secret you received when reporting.",
            code="secret_required",
            field="secret",
        )
    return report


def _lock_done(report_id: int, what_id: str, refused_en: str) -> Report:
    """The report, locked, if it is Selesai (rating and confirming are for a finished report only)."""
    report = _lock(report_id)
    if report.status != Status.DONE:
        raise TransitionRefused(f"{what_id} untuk laporan yang sudah Selesai.", refused_en, code="not_done")
    return report


def _done_for_reporter(tracking_code: str, secret: str, what_id: str, refused_en: str) -> Report:
    """The reporter's report, locked, if it is Selesai (rating and confirming are for a finished report only)."""
    report = report_by_tracking(tracking_code, for_update=True, secret=secret)
    if report.status != Status.DONE:
        raise TransitionRefused(f"{what_id} untuk laporan yang sudah Selesai.", refused_en, code="not_done")
    return report


@transaction.atomic
def report_rate(
    *, tracking_code: str, rating: int, comment: str = "", secret: str = "", now: datetime | None = None
) -> Report:
    report = _done_for_reporter(tracking_code, secret, "Penilaian hanya", "Only a report marked Done can be rated.")
    return report_rate_by_id(report_id=report.pk, rating=rating, comment=comment, now=now)


@transaction.atomic
def report_rate_by_id(*, report_id: int, rating: int, comment: str = "", now: datetime | None = None) -> Report:
    """``report_rate`` for a reporter already known to be this report's (a reply on its chat)."""
    report = _lock_done(report_id, "Penilaian hanya", "Only a report marked Done can be rated.")
    now = now or timezone.now()
    if not 1 <= int(rating) <= 5:
        raise DomainError(
            "Nilai harus 1 sampai 5.", "Rating must be 1 to 5.", code="bad_rating", status=422, field="rating"
        )
    if report.rating is not None:
        raise TransitionRefused(
            "Laporan ini sudah dinilai.", "This report has already been rated.", code="already_rated"
        )
    report.rating, report.rating_comment, report.rated_at = int(rating), comment, now
    report.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    summaries.on_rated(report, at=now)
    _audit(action="report:rate", actor=None, actor_kind="reporter", report=report, rating=int(rating))
    return report


@transaction.atomic
def report_dispute(*, tracking_code: str, reason: str, secret: str = "", now: datetime | None = None) -> StatusChange:
    """The reporter says the fix was not done: the report reopens at the unit that handled it.

    ``reason`` must already be redacted (intake does it); it becomes a public note.
    """
    report = report_by_tracking(tracking_code, for_update=True, secret=secret)
    return report_dispute_by_id(report_id=report.pk, reason=reason, now=now)


@transaction.atomic
def report_dispute_by_id(*, report_id: int, reason: str, now: datetime | None = None) -> StatusChange:
    """``report_dispute`` for a reporter already known to be this report's (a reply on the chat the report came
    from, or a tracking code checked by the caller)."""
    report = _lock(report_id)
    now = now or timezone.now()
    if report.status != Status.DONE:
        # only a Selesai is disputed, as the pages offer it: while the officer waits for the reporter's answer
        # (a report reopened once, asked a question) a "dispute" would skip the question and count twice
        raise TransitionRefused(
            "Sanggahan hanya dapat diajukan untuk laporan yang sudah Selesai.",
            "Only a report marked Done can be disputed.",
            code="not_done",
        )
    if dispute_window_closed(report.closed_at, now):
        raise TransitionRefused(
            f"Sanggahan hanya dapat diajukan dalam {DISPUTE_WINDOW_DAYS} hari setelah laporan selesai.",
            f"A dispute can only be filed within {DISPUTE_WINDOW_DAYS} days after the report was done.",
            code="dispute_window_closed",
        )
    report = Report.objects.select_related("category", "unit").get(pk=report.pk)
    summaries.on_withdrawn(report)  # the earlier confirmation and rating no longer count for the unit
    report.disputes += 1  # counts against the unit (its reopen rate); the second goes to its supervisor
    report.confirmed_at = None
    internal_note = ""
    if report.rating is not None:
        # a rating was for a fix the reporter now says was not done: it is withdrawn with the dispute, and the
        # reporter rates again after the next Selesai (the rating stays in the audit trail of report:rate)
        comment = f": {report.rating_comment}" if report.rating_comment else ""  # redacted when it was written
        internal_note = f"{reason} (penilaian sebelumnya {report.rating}/5 ditarik karena sanggahan{comment})"
        report.rating, report.rating_comment, report.rated_at = None, "", None
    change = _transition(
        report,
        Status.REOPENED,
        actor=None,
        actor_kind="reporter",
        now=now,
        reason=reason,
        internal_note=internal_note,
        public_note=f"Pelapor menyanggah: {reason.strip()}",
    )
    if report.disputes >= 2:
        escalation.after_second_dispute(report, now)
    return change


@transaction.atomic
def report_confirm(*, tracking_code: str, secret: str = "", now: datetime | None = None) -> Report:
    """The reporter says the problem is really fixed (asked when the report reached Selesai)."""
    report = _done_for_reporter(
        tracking_code, secret, "Konfirmasi hanya", "Only a report marked Done can be confirmed."
    )
    return report_confirm_by_id(report_id=report.pk, now=now)


@transaction.atomic
def report_confirm_by_id(*, report_id: int, now: datetime | None = None) -> Report:
    """``report_confirm`` for a reporter already known to be this report's (a reply on its chat)."""
    report = _lock_done(report_id, "Konfirmasi hanya", "Only a report marked Done can be confirmed.")
    now = now or timezone.now()
    if report.confirmed_at is None:
        report.confirmed_at = now
        report.save(update_fields=["confirmed_at", "updated_at"])
        summaries.on_confirmed(report, at=now)
        StatusChange.event(
            report,
            unit=report.unit,
            actor_kind="reporter",
            at=now,
            public_note="Pelapor menyatakan masalahnya sudah beres.",
        )
        _audit(action="report:confirm", actor=None, actor_kind="reporter", report=report)
    return report


def reports_close_unanswered(*, now: datetime | None = None, days: int | None = None) -> list[str]:
    """Close reports whose question to the reporter went unanswered for ``days`` working days; tell the reporter."""
    now = now or timezone.now()
    days = settings.SIGAP_REPORTER_ANSWER_DAYS if days is None else days
    cal = deadlines.working_calendar()
    closed = []
    asked = Report.objects.filter(status=Status.AWAITING_REPORTER).values_list("pk", "status_changed_at")
    for pk, asked_at in asked:
        if deadlines.answer_deadline(asked_at, days, cal) >= now:
            continue  # still within the time to answer (late is after the deadline): not locked, not written
        number = isolated("closing of the unanswered report", pk, _close_unanswered, pk, now, days, cal)
        if number is not FAILED and number:
            closed.append(number)
    return closed


@transaction.atomic
def _close_unanswered(pk: int, now: datetime, days: int, cal) -> str:
    report = _lock(pk)
    if (
        report.status != Status.AWAITING_REPORTER
        or deadlines.answer_deadline(report.status_changed_at, days, cal) >= now
    ):
        return ""  # answered or moved meanwhile
    _transition(
        report,
        Status.CLOSED_NO_RESPONSE,
        actor=None,
        actor_kind="system",
        now=now,
        reason=f"tidak ada jawaban pelapor dalam {days} hari kerja",
        public_note=(
            f"Laporan ditutup karena pertanyaan petugas tidak dijawab dalam {days} hari kerja. "
            "Anda dapat membuat laporan baru bila masalahnya masih ada."
        ),
    )
    return report.number


DESK_PLACED = "desk"  # ``Report.locate_method`` of a point the triage desk chose (a kelurahan's inner point)


def at_the_desk(report: Report) -> bool:
    """The report is held by the triage desk."""
    return report.unit is not None and report.unit.code == TRIAGE_UNIT


def desk_may_place(report: Report) -> bool:
    """The desk may set the report's point: it has none, or one the desk set itself. The reporter's own never."""
    return report.lat is None or report.locate_method == DESK_PLACED


def location_already_set(field: str) -> DomainError:
    """The desk's move of a report the reporter placed: refused (``report_triage`` and the console's action)."""
    return DomainError(
        "Laporan ini sudah berlokasi dari pelapor; desk triase hanya memilih kategorinya.",
        "This report already has the reporter's location; the triage desk only chooses its category.",
        code="location_already_set",
        status=422,
        field=field,
    )


@transaction.atomic
def report_triage(
    *,
    report_id: int,
    actor,
    category: str,
    lat: float | None = None,
    lon: float | None = None,
    note: str = "",
    about_unit: str = "",
    now: datetime | None = None,
) -> Hop:
    """The triage desk places and categorizes a report; routing then sends it to the responsible unit.

    The category becomes officer-confirmed (it trains the categorizer on the next ``sigap triage retrain``).
    For a complaint about officials the desk may name the unit it is about (``about_unit``); by default it
    is the one the reporter named, else the kelurahan of the location (``conflict_settle``)."""
    report = _lock(report_id)
    now = now or timezone.now()
    _require_working_unit(actor, report)
    if not at_the_desk(report):
        raise TransitionRefused(
            "Laporan ini tidak berada di desk triase.", "This report is not at the triage desk.", code="not_in_triage"
        )
    chosen = category_get(category)
    named = about_unit_check(category=chosen, about_unit=about_unit)
    _keep_the_named_bar(report, chosen, named)
    own = not desk_may_place(report)  # the reporter's point, kept
    if own and lat is not None and (lat, lon) != (report.lat, report.lon):
        # here too, not only in the console's and the API's action (``officers.actions``): the reporter's own point
        # is never the desk's to move (a review)
        raise location_already_set("lat")
    lat = report.lat if lat is None else lat
    lon = report.lon if lon is None else lon
    if lat is None or lon is None:
        raise DomainError(
            "Tentukan lokasi laporan (lat dan lon, atau kelurahan).",
            "Set the report's location (lat and lon, or a kelurahan).",
            code="location_required",
            status=422,
            field="lat",
        )
    location, target = report_route(category=chosen, lat=lat, lon=lon)
    data = routing_data()
    check_transition(report.status, Status.KOORDINASI, reason="triase", resume_status=report.resume_status)
    if chosen.pk != report.category_id:
        # the due date is the category's, counted from the filing as a koordinasi's is: the guess's stayed, up to six
        # working days late for a fire hazard the machine took for a street light (a deadline review)
        report.due_at = deadlines.due_date(chosen, report.created_at)
    report.category, report.lat, report.lon = chosen, lat, lon
    report.kelurahan_id = data.kelurahan_ids[location.code]
    report.locate_method = location.method if own else DESK_PLACED  # the desk may place it again if sent back
    report.triage_reason, report.category_source = "", "officer"
    report.triage_hints = {}
    target = conflict_settle(report, unit=target, named=named, reroute=True)
    hop = _hop(
        report,
        Hop.Kind.REROUTE,
        to_unit=target,
        actor=actor,
        reason=f"triase: {chosen.name}" + (f" — {note.strip()}" if note.strip() else ""),
        now=now,
    )
    _transition(
        report,
        Status.KOORDINASI,
        actor=actor,
        actor_kind="officer",
        now=now,
        unit=target,
        reason=hop.reason,
        public_note=f"Laporan diteruskan ke {target.name}.",
    )
    place_changed(report)
    _audit(
        action="report:triage",
        actor=actor,
        actor_kind="officer",
        report=report,
        category=chosen.code,
        kelurahan=location.code,
        concerned=report.concerned_unit.code if report.concerned_unit_id else None,
    )
    return hop


@transaction.atomic
def duplicate_dismiss(*, candidate_id: int, actor) -> DuplicateCandidate:
    # The report first, then its candidate, as a merge locks them: a dismissal and a merge of the same report wait
    # for each other instead of both deciding the pair.
    report_id = DuplicateCandidate.objects.filter(pk=candidate_id).values_list("report_id", flat=True).first()
    if report_id is None:
        raise NotFound("Kandidat duplikat tidak ditemukan.", "Duplicate candidate not found.")
    report = _lock(report_id)
    cand = DuplicateCandidate.objects.select_for_update(no_key=True).filter(pk=candidate_id).first()
    if cand is None:
        raise NotFound("Kandidat duplikat tidak ditemukan.", "Duplicate candidate not found.")
    cand.report = report
    _require_working_unit(actor, cand.report)
    # a candidate whose original the actor may not see is not listed to them (``officers.triage_api``): the
    # same here, and its answer would name the original
    if not selectors.report_sees(actor, cand.original):
        raise NotFound("Kandidat duplikat tidak ditemukan.", "Duplicate candidate not found.")
    if cand.state == DuplicateState.DISMISSED:
        return cand  # dismissed already: the same answer again, nothing changed
    if cand.state != DuplicateState.OPEN:
        # merged: the report follows its original; "not a duplicate" now would take the closed report out of the
        # cluster it was merged into and contradict the merge (found by a review)
        raise TransitionRefused(
            "Kandidat ini sudah diputuskan: laporan sudah digabung dengan laporan tersebut.",
            "This candidate is already decided: the report was merged into that one.",
            code="already_decided",
        )
    cand.state, cand.decided_by = DuplicateState.DISMISSED, actor
    cand.save(update_fields=["state", "decided_by"])
    cluster_leave(cand.report, cand.original_id)
    _audit(action="duplicate:dismiss", actor=actor, actor_kind="officer", report=cand.report, original=cand.original_id)
    return cand
