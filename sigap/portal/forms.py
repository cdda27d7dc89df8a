"""Input parsing for the portal. The rules themselves live in the services; these forms only check what
must be there before a service is worth calling, with messages in the resident's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.reports.models import Privacy

# Where a service's DomainError.field lands on the report form.
REPORT_FIELD_FOR = {
    "category": "category",
    "description": "description",
    "address": "address",
    "privacy": "privacy",
    "photos": "photos",
    "lat": "location",
    "lon": "location",
    "location": "location",
    "kelurahan": "location",
    "reporter": "name",
    "name": "name",
    "phone": "phone",
    "email": "email",
    "nik": "name",
}


class ReportForm(forms.Form):
    category = forms.CharField(max_length=60, error_messages={"required": _("Pilih kategori laporan.")})
    description = forms.CharField(
        max_length=5000,
        error_messages={
            "required": _("Tuliskan uraian laporan: apa masalahnya, di mana, sejak kapan."),
            "max_length": _("Uraian terlalu panjang (maksimal %(limit_value)d karakter)."),
        },
    )
    address = forms.CharField(
        max_length=500,
        required=False,
        error_messages={
            "max_length": _("Alamat terlalu panjang (maksimal %(limit_value)d karakter)."),
        },
    )
    # "I cannot mark the place": filed by the address (placed when the parser is sure, else at the triage desk)
    place_unknown = forms.BooleanField(required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180)
    kota = forms.CharField(max_length=20, required=False)
    kecamatan = forms.CharField(max_length=20, required=False)
    kelurahan = forms.CharField(max_length=20, required=False)
    privacy = forms.ChoiceField(
        choices=Privacy.choices,
        initial=Privacy.PRIVATE,
        error_messages={
            "required": _("Pilih siapa yang boleh melihat laporan ini."),
            "invalid_choice": _("Pilih salah satu pilihan privasi."),
        },
    )
    name = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(max_length=254, required=False, error_messages={"invalid": _("Alamat email tidak valid.")})

    def clean(self):
        data = super().clean()
        # A pin (map, geolocation) or a chosen kelurahan; both coordinates or neither.
        if (data.get("lat") is None) != (data.get("lon") is None):
            data["lat"] = data["lon"] = None
        return data


class TrackForm(forms.Form):
    code = forms.CharField(max_length=40, strip=True, error_messages={"required": _("Masukkan kode lacak Anda.")})


class _ReporterActionForm(forms.Form):
    secret = forms.CharField(max_length=100, required=False, strip=True)


class AnswerForm(_ReporterActionForm):
    answer = forms.CharField(max_length=5000, required=False)  # words, photos or both (the view checks one is given)


class RatingForm(_ReporterActionForm):
    rating = forms.TypedChoiceField(
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        error_messages={"required": _("Pilih nilai 1 sampai 5."), "invalid_choice": _("Pilih nilai 1 sampai 5.")},
    )
    comment = forms.CharField(max_length=5000, required=False)


class ConfirmForm(_ReporterActionForm):
    """ "Ya, sudah beres": nothing to write (an anonymous report's secret only)."""


class DisputeForm(_ReporterActionForm):
    reason = forms.CharField(
        max_length=5000, error_messages={"required": _("Jelaskan mengapa masalahnya belum selesai.")}
    )
