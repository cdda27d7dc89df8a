"""Every action an officer takes on a report, in one table used by the officer API (``api.py``) and the console
(``views.py``).

Per action: who may take it and when it is offered (``allowed_actions``, the list the API's detail and the
console's report page show), its input (the API's schema, the console's form: both give the same fields), the
one service it calls and the message that says it was done (Indonesian; English through gettext). Both
interfaces open the report through ``selectors.report_get_visible`` (a report the caller may not see is "not
found"), parse their input, and call ``perform``; what the services refuse comes back as their ``DomainError``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema

from sigap.core.errors import DomainError, PermissionDenied
from sigap.organization import roles
from sigap.organization.models import Unit
from sigap.privacy.photos import photo_check
from sigap.reports import services
from sigap.reports.models import Photo, Report
from sigap.reports.states import NEXT, WORKING, Status, may_move
from sigap.routing.places import kelurahan_point

from .forms import (
    ForwardForm,
    HopForm,
    MergeForm,
    NoteForm,
    PhotoForm,
    QuestionForm,
    ReasonForm,
    TriageForm,
    ValidateForm,
)
from .schemas import ForwardIn, HopIn, MergeIn, NoteIn, QuestionIn, ReasonIn, TriageIn, ValidateIn


class Who(Enum):
    """Who may take an action (the services check the same sentences of ``sigap.organization.roles``)."""

    HANDLING_UNIT = "handling_unit"  # officers and unit admins of the unit now holding the report
    VALIDATOR = "validator"  # an account with the validator role


def _may(who: Who, user, report: Report) -> bool:
    if who is Who.HANDLING_UNIT:
        return roles.user_can_work_at_unit(user, report.unit_id)
    return roles.user_can_validate(user) and not services.validates_own_work(user, report)


@dataclass(frozen=True)
class OfficerAction:
    name: str  # the API's name, as listed in ``allowed``
    slug: str  # the console's URL segment: /petugas/laporan/<number>/<slug>/
    path: str  # the API's URL segment: /api/v1/officer/reports/{number}/<path>
    title: str  # the console's heading
    summary: str  # the API's summary (OpenAPI)
    schema: type[Schema] | None  # the API's JSON body; None: a multipart upload (the photo, see api.py)
    form: type[forms.Form]  # the console's form; its cleaned data has the schema's fields
    who: Who
    offered: Callable[[Report], bool]  # in this status (no query)
    run: Callable[..., str]  # calls the one service with the parsed input; returns the success message
    also: Callable[[Report], bool] | None = None  # a further condition read from the database, checked last
    # ``who`` checked before the input is even read (an upload), refused with this message (id, en)
    check_first: tuple[str, str] | None = None
    created: bool = False  # the API answers 201


def _moves_to(target: Status) -> Callable[[Report], bool]:
    return lambda report: may_move(report.status, target, report.resume_status)


def _has_units_below(report: Report) -> bool:
    return Unit.objects.filter(parent_id=report.unit_id, active=True).exists()


# --- the calls: one service each, and the message -------------------------------------------------


def _accept(*, user, report: Report, data: dict) -> str:
    services.report_accept(report_id=report.pk, actor=user, note=data["note"])
    return _("Laporan diterima dan sedang diproses oleh unit Anda.")


def _coordinate(*, user, report: Report, data: dict) -> str:
    hop = services.report_coordinate(report_id=report.pk, actor=user, to_unit=data["to_unit"], reason=data["reason"])
    return _("Laporan dikoordinasikan ke %(unit)s.") % {"unit": hop.to_unit.name}


def _dispose(*, user, report: Report, data: dict) -> str:
    hop = services.report_dispose(report_id=report.pk, actor=user, to_unit=data["to_unit"], reason=data["reason"])
    return _("Laporan didisposisikan ke %(unit)s.") % {"unit": hop.to_unit.name}


def _reject(*, user, report: Report, data: dict) -> str:
    services.report_reject(report_id=report.pk, actor=user, reason=data["reason"])
    return _("Laporan ditolak; pelapor membaca alasannya.")


def _forward(*, user, report: Report, data: dict) -> str:
    services.report_forward(report_id=report.pk, actor=user, destination=data["destination"], reason=data["reason"])
    return _("Laporan diteruskan ke %(destination)s.") % {"destination": data["destination"].strip()}


def _merge(*, user, report: Report, data: dict) -> str:
    # the service refuses a target the caller may not see exactly like a missing one
    services.report_merge(report_id=report.pk, actor=user, into_number=data["into"], reason=data["reason"])
    return _("Laporan digabung ke %(number)s.") % {"number": data["into"]}


def _ask(*, user, report: Report, data: dict) -> str:
    services.report_ask_reporter(
        report_id=report.pk, actor=user, question=data["question"], question_code=data.get("question_code") or ""
    )
    return _("Pertanyaan dikirim ke pelapor lewat relay; tenggat berhenti sampai pelapor menjawab.")


def _resume(*, user, report: Report, data: dict) -> str:
    services.report_question_withdraw(report_id=report.pk, actor=user, reason=data["reason"])
    return _("Pertanyaan ditarik; laporan dilanjutkan. Waktu menunggu tetap dihitung dalam tenggat.")


def _request_validation(*, user, report: Report, data: dict) -> str:
    services.report_request_validation(report_id=report.pk, actor=user, note=data["note"])
    return _("Tindak lanjut diajukan untuk validasi.")


def _photo(*, user, report: Report, data: dict) -> str:
    upload = data["photo"]
    checked = photo_check(upload.read(settings.SIGAP_PHOTO_MAX_BYTES + 1), filename=upload.name or "photo")
    services.photo_add(report_id=report.pk, actor=user, kind=data["kind"], photo=checked)
    if data["kind"] == Photo.Kind.BEFORE:
        return _("Foto sebelum tersimpan.")
    return _("Foto sesudah tersimpan.")


def _validate(*, user, report: Report, data: dict) -> str:
    services.report_validate(
        report_id=report.pk, actor=user, accept=data["accept"], reason=data["reason"], seen=data.get("seen") or ""
    )
    if data["accept"]:
        return _("Tindak lanjut divalidasi: laporan Selesai.")
    return _("Tindak lanjut ditolak (TL Ditolak): laporan kembali ke unit yang menangani.")


def _triage(*, user, report: Report, data: dict) -> str:
    lat, lon = data.get("lat"), data.get("lon")
    if (lat is None) != (lon is None):
        raise DomainError(
            "Isi lintang (lat) dan bujur (lon) keduanya, atau pilih kelurahan.",
            "Give both latitude (lat) and longitude (lon), or a kelurahan.",
            code="invalid_coordinates",
            status=422,
            field="lon" if lon is None else "lat",
        )
    placeable = services.desk_may_place(report)
    if not placeable and (lat is not None or data.get("kelurahan")):
        # the reporter's own point stands: a report at the desk with a point waits for its category only
        raise services.location_already_set("kelurahan" if lat is None else "lat")
    if data.get("kelurahan") and lat is None and placeable:
        point = kelurahan_point(data["kelurahan"])
        if point is None:
            raise DomainError(
                f"Kelurahan '{data['kelurahan']}' tidak dikenal.",
                f"Unknown kelurahan '{data['kelurahan']}'.",
                code="unknown_kelurahan",
                status=422,
                field="kelurahan",
            )
        lat, lon = point
    hop = services.report_triage(
        report_id=report.pk,
        actor=user,
        category=data["category"],
        lat=lat,
        lon=lon,
        note=data.get("note") or "",
        about_unit=data.get("about_unit") or "",
    )
    return _("Laporan ditempatkan dan diteruskan ke %(unit)s.") % {"unit": hop.to_unit.name}


# --- the table, in the order ``allowed`` lists the actions -----------------------------------------

HANDLING = Who.HANDLING_UNIT
ACTIONS: tuple[OfficerAction, ...] = (
    OfficerAction(
        name="accept",
        slug="terima",
        path="accept",
        title=gettext_lazy("Terima / proses"),
        summary="Terima / proses",
        schema=NoteIn,
        form=NoteForm,
        who=HANDLING,
        offered=lambda r: Status.IN_PROGRESS in NEXT[Status(r.status)] and r.status != Status.AWAITING_REPORTER,
        run=_accept,
    ),
    OfficerAction(
        name="coordinate",
        slug="koordinasi",
        path="coordinate",
        title=gettext_lazy("Koordinasi ke unit lain"),
        summary="Koordinasi ke unit lain",
        schema=HopIn,
        form=HopForm,
        who=HANDLING,
        offered=_moves_to(Status.KOORDINASI),
        run=_coordinate,
    ),
    OfficerAction(
        name="dispose",
        slug="disposisi",
        path="dispose",
        title=gettext_lazy("Disposisi ke unit di bawah"),
        summary="Disposisi ke Suku Dinas / bidang",
        schema=HopIn,
        form=HopForm,
        who=HANDLING,
        offered=_moves_to(Status.DISPOSISI),
        also=_has_units_below,  # nothing below the handling unit: nowhere to pass it down to
        run=_dispose,
    ),
    OfficerAction(
        name="reject",
        slug="tolak",
        path="reject",
        title=gettext_lazy("Tolak laporan"),
        summary="Tolak dengan alasan",
        schema=ReasonIn,
        form=ReasonForm,
        who=HANDLING,
        offered=_moves_to(Status.REJECTED),
        run=_reject,
    ),
    OfficerAction(
        name="forward",
        slug="teruskan",
        path="forward",
        title=gettext_lazy("Teruskan ke instansi lain"),
        summary="Teruskan ke instansi di luar",
        schema=ForwardIn,
        form=ForwardForm,
        who=HANDLING,
        offered=_moves_to(Status.FORWARDED),
        run=_forward,
    ),
    OfficerAction(
        name="merge",
        slug="gabungkan",
        path="merge",
        title=gettext_lazy("Gabungkan duplikat"),
        summary="Gabungkan duplikat",
        schema=MergeIn,
        form=MergeForm,
        who=HANDLING,
        offered=_moves_to(Status.MERGED),
        run=_merge,
    ),
    OfficerAction(
        name="ask",
        slug="tanya",
        path="ask",
        title=gettext_lazy("Tanya pelapor"),
        summary="Tanya pelapor (lewat relay)",
        schema=QuestionIn,
        form=QuestionForm,
        who=HANDLING,
        offered=_moves_to(Status.AWAITING_REPORTER),
        run=_ask,
    ),
    OfficerAction(
        name="resume",
        slug="lanjutkan",
        path="resume",
        title=gettext_lazy("Lanjutkan tanpa jawaban pelapor"),
        summary="Tarik pertanyaan dan lanjutkan tanpa menunggu jawaban",
        schema=ReasonIn,
        form=ReasonForm,
        who=HANDLING,
        offered=lambda r: r.status == Status.AWAITING_REPORTER,
        run=_resume,
    ),
    OfficerAction(
        name="request_validation",
        slug="ajukan-validasi",
        path="request-validation",
        title=gettext_lazy("Ajukan validasi"),
        summary="Ajukan validasi",
        schema=NoteIn,
        form=NoteForm,
        who=HANDLING,
        offered=_moves_to(Status.AWAITING_VALIDATION),
        run=_request_validation,
    ),
    OfficerAction(
        name="add_photo",
        slug="foto",
        path="photos",
        title=gettext_lazy("Unggah foto sebelum/sesudah"),
        summary="Unggah foto sebelum/sesudah",
        schema=None,  # multipart: the fields kind and photo
        form=PhotoForm,
        who=HANDLING,
        offered=lambda r: Status(r.status) in WORKING,
        # checked before the upload is read and its header checked
        check_first=(
            "Hanya unit yang menangani yang dapat mengunggah foto bukti.",
            "Only the handling unit can upload proof photos.",
        ),
        run=_photo,
        created=True,
    ),
    OfficerAction(
        name="validate",
        slug="validasi",
        path="validate",
        title=gettext_lazy("Validasi tindak lanjut"),
        summary="Validasi: Selesai atau TL Ditolak",
        schema=ValidateIn,
        form=ValidateForm,
        who=Who.VALIDATOR,
        offered=lambda r: r.status == Status.AWAITING_VALIDATION,
        run=_validate,
    ),
    OfficerAction(
        name="triage",
        slug="triase",
        path="triage",
        title=gettext_lazy("Tempatkan dan kategorikan (triase)"),
        summary="Triase: tempatkan dan kategorikan, lalu teruskan ke unit yang bertanggung jawab",
        schema=TriageIn,
        form=TriageForm,
        who=HANDLING,
        # a report the desk holds: its location or category needs a human, or a unit sent it back to the desk
        offered=lambda r: bool(r.triage_reason) and may_move(r.status, Status.KOORDINASI, r.resume_status),
        also=services.at_the_desk,
        run=_triage,
    ),
)
BY_NAME: dict[str, OfficerAction] = {a.name: a for a in ACTIONS}
BY_SLUG: dict[str, OfficerAction] = {a.slug: a for a in ACTIONS}


def allowed_actions(user, report: Report) -> list[str]:
    """The actions ``user`` may attempt on ``report`` now (the services still decide). At most one query per
    kind of ``Who`` and one per ``also``, and only for actions the status offers."""
    may: dict[Who, bool] = {}
    allowed = []
    for action in ACTIONS:
        if not action.offered(report):
            continue
        if action.who not in may:
            may[action.who] = _may(action.who, user, report)
        if may[action.who] and (action.also is None or action.also(report)):
            allowed.append(action.name)
    return allowed


def perform(action: OfficerAction, *, user, report: Report, data: dict) -> str:
    """Run ``action`` on ``report`` (already opened through ``selectors.report_get_visible``) with its parsed
    input; the success message in the active language. Refusals are raised as ``DomainError``s."""
    if action.check_first is not None and not _may(action.who, user, report):
        raise PermissionDenied(*action.check_first)
    return action.run(user=user, report=report, data=data)
