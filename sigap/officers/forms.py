"""Console forms. They only parse input; every rule of the flow is the services' to enforce, so texts
such as a reason are not "required" here: a missing reason comes back as the service's own refusal. An action's
form gives the same fields as the API's schema for it (``sigap.officers.actions``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from sigap.reports.models import Photo
from sigap.reports.states import Status

TEXT = 2000
ALL = "all"  # the status filter value for every report, open or closed (the default is open ones)
CLOSED = "closed"  # the status filter value for the closed ones only


class ConsoleLoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Kata sandi"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": _("Nama pengguna atau kata sandi salah."),
        "inactive": _("Akun ini tidak aktif."),
    }


SORTS = {  # besides "urgent" (the default: the hop deadline while a unit must accept, else the due date)
    "due": ("due_at", "created_at"),
    "hop": ("hop_deadline", "due_at"),
    "new": ("-created_at",),
}


class QuickSelect(forms.Select):
    """A select rendered in Python: Django's template widget renders one template per option, which for the
    queue's category and kelurahan lists was a fifth of the page's time. Same markup, same attributes."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group, _index in context["optgroups"]:
            items = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], mark_safe(" selected") if o["selected"] else "", o["label"]) for o in group),
            )
            options.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, items) if group_name else items
            )
        attributes = flatatt({"name": context["name"], **context["attrs"]})
        return format_html("<select{}>{}</select>", attributes, mark_safe("".join(options)))


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    category = forms.ChoiceField(label=_("Kategori"), required=False, widget=QuickSelect)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False, widget=QuickSelect)
    overdue = forms.ChoiceField(
        label=_("Tenggat"),
        required=False,
        widget=QuickSelect,
        choices=[("", _("Semua")), ("1", _("Hanya yang terlambat")), ("0", _("Tidak terlambat"))],
    )
    sort = forms.ChoiceField(
        label=_("Urutkan"),
        required=False,
        widget=QuickSelect,
        choices=[
            ("urgent", _("Paling mendesak")),
            ("due", _("Batas selesai terdekat")),
            ("hop", _("Batas tahap terdekat")),
            ("new", _("Terbaru")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, category_choices=(), kelurahan_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Semua yang masih terbuka")),
            (ALL, _("Semua, termasuk yang ditutup")),
            (CLOSED, _("Hanya yang ditutup")),
            *Status.choices,
        ]
        self.fields["category"].choices = [("", _("Semua kategori")), *category_choices]
        self.fields["kelurahan"].choices = [("", _("Semua kelurahan")), *kelurahan_choices]

    def value(self, name: str):
        """The cleaned value, or None when missing or invalid (an invalid filter is simply not applied)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or None


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan untuk pelapor (opsional)"),
        max_length=TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HopForm(forms.Form):
    to_unit = forms.CharField(max_length=80, required=True, error_messages={"required": _("Pilih unit tujuan.")})
    reason = forms.CharField(
        label=_("Alasan"), max_length=TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TriageForm(forms.Form):
    """The triage desk's choice: a category, and the kelurahan of a report that has no location (its inner point
    becomes the location). The services refuse an unknown category or kelurahan."""

    category = forms.CharField(max_length=60, required=True, error_messages={"required": _("Pilih kategori.")})
    kelurahan = forms.CharField(max_length=20, required=False)
    about_unit = forms.CharField(max_length=80, required=False)
    note = forms.CharField(
        label=_("Catatan"), max_length=TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["lat"] = cleaned["lon"] = None  # the API's coordinates; the console places by kelurahan
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan (dibaca pelapor)"), max_length=TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ForwardForm(forms.Form):
    destination = forms.CharField(label=_("Instansi tujuan"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("Alasan"), max_length=TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Nomor laporan yang dipertahankan"), max_length=32, required=False)
    reason = forms.CharField(
        label=_("Alasan (opsional)"), max_length=TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_into(self) -> str:
        return self.cleaned_data["into"].strip().upper()  # report numbers are upper case; typed in any case


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Pertanyaan"), max_length=TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # from the list (``reports.questions``): the only way to ask an Anonim reporter; the service checks the code
    question_code = forms.CharField(label=_("Pertanyaan dari daftar"), max_length=40, required=False)


class PhotoForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis foto"),
        choices=[(Photo.Kind.BEFORE, _("Foto sebelum")), (Photo.Kind.AFTER, _("Foto sesudah"))],
        error_messages={
            "required": _("Pilih jenis foto: sebelum atau sesudah."),
            "invalid_choice": _("Pilih jenis foto: sebelum atau sesudah."),
        },
    )
    photo = forms.FileField(label=_("Berkas foto"), error_messages={"required": _("Pilih berkas foto.")})


class ValidateForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "accept"), ("reject", "reject")],
        error_messages={"required": _("Pilih terima atau tolak."), "invalid_choice": _("Pilih terima atau tolak.")},
    )
    reason = forms.CharField(
        label=_("Catatan / alasan penolakan"), max_length=TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    seen = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)  # ``Report.round_seen``

    def clean(self) -> dict:
        data = super().clean()
        if "decision" in data:
            data["accept"] = data["decision"] == "accept"  # the API's field (``ValidateIn.accept``)
        return data
