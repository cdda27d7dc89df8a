"""The actions of the flow as the console offers them: URL slug, title, form, and the one service each calls.

Each ``run`` returns the success message; refusals are the services' ``DomainError``s, raised as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sigap.core.errors import DomainError, PermissionDenied
from sigap.organization import roles
from sigap.privacy.photos import photo_check
from sigap.reports import selectors, services
from sigap.reports.models import Photo, Report

from .forms import ForwardForm, HopForm, MergeForm, NoteForm, PhotoForm, QuestionForm, ReasonForm, ValidateForm


@dataclass(frozen=True)
class ConsoleAction:
    name: str  # as in sigap.officers.flow.allowed_actions
    slug: str  # the URL segment
    title: str
    form: type[forms.Form]
    run: Callable[..., str]
    danger: bool = False


def _accept(*, user, report: Report, data: dict) -> str:
    services.report_accept(report_id=report.pk, actor=user, note=data["note"])
    return _("Laporan diterima dan sedang diproses oleh unit Anda.")


def _coordinate(*, user, report: Report, data: dict) -> str:
    hop = services.report_coordinate(report_id=report.pk, actor=user, to_unit=data["to_unit"], reason=data["reason"])
    return _("Laporan dikoordinasikan ke %(unit)s.") % {"unit": hop.to_unit.nama}


def _dispose(*, user, report: Report, data: dict) -> str:
    hop = services.report_dispose(report_id=report.pk, actor=user, to_unit=data["to_unit"], reason=data["reason"])
    return _("Laporan didisposisikan ke %(unit)s.") % {"unit": hop.to_unit.nama}


def _ask(*, user, report: Report, data: dict) -> str:
    services.report_ask_reporter(report_id=report.pk, actor=user, question=data["question"])
    return _("Pertanyaan dikirim ke pelapor lewat relay; tenggat berhenti sampai pelapor menjawab.")


def _photo(*, user, report: Report, data: dict) -> str:
    if not roles.user_can_work_at_unit(user, report.unit_id):
        raise PermissionDenied(
            "Hanya unit yang menangani yang dapat mengunggah foto bukti.",
            "Only the handling unit can upload proof photos.",
        )
    upload = data["photo"]
    checked = photo_check(upload.read(settings.SIGAP_PHOTO_MAX_BYTES + 1), filename=upload.name or "photo")
    services.photo_add(report_id=report.pk, actor=user, kind=data["kind"], photo=checked)
    if data["kind"] == Photo.Kind.BEFORE:
        return _("Foto sebelum tersimpan.")
    return _("Foto sesudah tersimpan.")


def _request_validation(*, user, report: Report, data: dict) -> str:
    services.report_request_validation(report_id=report.pk, actor=user, note=data["note"])
    return _("Tindak lanjut diajukan untuk validasi.")


def _reject(*, user, report: Report, data: dict) -> str:
    services.report_reject(report_id=report.pk, actor=user, reason=data["reason"])
    return _("Laporan ditolak; pelapor membaca alasannya.")


def _forward(*, user, report: Report, data: dict) -> str:
    services.report_forward(report_id=report.pk, actor=user, destination=data["destination"], reason=data["reason"])
    return _("Laporan diteruskan ke %(destination)s.") % {"destination": data["destination"].strip()}


def _merge(*, user, report: Report, data: dict) -> str:
    into = data["into"].strip().upper()
    target = selectors.reports_visible_to(user).filter(number=into).first() if into else None
    if target is None:
        raise DomainError(
            "Laporan tujuan tidak ditemukan.",
            "The report to merge into was not found.",
            code="bad_merge_target",
            status=422,
            field="into",
        )
    services.report_merge(report_id=report.pk, actor=user, into_number=target.number, reason=data["reason"])
    return _("Laporan digabung ke %(number)s.") % {"number": target.number}


def _validate(*, user, report: Report, data: dict) -> str:
    accept = data["decision"] == "accept"
    services.report_validate(report_id=report.pk, actor=user, accept=accept, reason=data["reason"])
    if accept:
        return _("Tindak lanjut divalidasi: laporan Selesai.")
    return _("Tindak lanjut ditolak (TL Ditolak): laporan kembali ke unit yang menangani.")


ACTIONS: dict[str, ConsoleAction] = {
    a.slug: a
    for a in (
        ConsoleAction("accept", "terima", gettext_lazy("Terima / proses"), NoteForm, _accept),
        ConsoleAction("coordinate", "koordinasi", gettext_lazy("Koordinasi ke unit lain"), HopForm, _coordinate),
        ConsoleAction("dispose", "disposisi", gettext_lazy("Disposisi ke unit di bawah"), HopForm, _dispose),
        ConsoleAction("ask", "tanya", gettext_lazy("Tanya pelapor"), QuestionForm, _ask),
        ConsoleAction("add_photo", "foto", gettext_lazy("Unggah foto sebelum/sesudah"), PhotoForm, _photo),
        ConsoleAction(
            "request_validation", "ajukan-validasi", gettext_lazy("Ajukan validasi"), NoteForm, _request_validation
        ),
        ConsoleAction("reject", "tolak", gettext_lazy("Tolak laporan"), ReasonForm, _reject, danger=True),
        ConsoleAction("forward", "teruskan", gettext_lazy("Teruskan ke instansi lain"), ForwardForm, _forward),
        ConsoleAction("merge", "gabungkan", gettext_lazy("Gabungkan duplikat"), MergeForm, _merge),
        ConsoleAction("validate", "validasi", gettext_lazy("Validasi tindak lanjut"), ValidateForm, _validate),
    )
}
BY_NAME: dict[str, ConsoleAction] = {a.name: a for a in ACTIONS.values()}
