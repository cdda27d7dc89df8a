"""The channel operator's page: a report received at a counter, by phone or from the press, entered on
behalf of the resident. The resident's contact goes to the vault through ``report_submit`` like every
other channel; the page then shows the number and tracking code to read out, never the contact again.

This lives in the intake app (not the officer console) because it hands identity to the vault; officer
code must never import the vault.
"""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from sigap.core.errors import DomainError
from sigap.core.language import error_text, in_english, name_in_language
from sigap.organization import roles
from sigap.organization.models import Category, Wilayah
from sigap.reports.models import Channel, Privacy
from sigap.routing.places import PlaceDecision, kelurahan_choosable, kelurahan_point

from . import idempotency
from .placing import place_by_officers_copy
from .services import Reporter, Submission, door_terms, report_submit

OPERATOR_CHANNELS = (Channel.COUNTER, Channel.CALL_CENTER, Channel.PRESS)
RESULT_KEY = "sigap_operator_result"
CHANNEL_KEY = "sigap_operator_channel"  # the channel of the operator's last report: the next one's default


OPERATOR_CHANNEL_CHOICES = [(c.value, c.label) for c in OPERATOR_CHANNELS]


def _with_area(address: str, kecamatan: str | None, kota: str | None) -> str:
    """The address with the kecamatan and kota the operator chose, in words: what the triage desk places the report
    from (its place parser reads them; a desk officer reads them)."""
    codes = [c for c in (kecamatan, kota) if c]
    names = dict(Wilayah.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    parts = [address.strip()]
    if kecamatan in names and names[kecamatan].lower() not in address.lower():
        parts.append(f"Kec. {names[kecamatan]}")
    if kota in names and names[kota].lower() not in address.lower() and kecamatan not in names:
        parts.append(names[kota])
    return ", ".join(parts)[:500]


class OperatorReportForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Diterima lewat"),
        widget=forms.RadioSelect,
        choices=OPERATOR_CHANNEL_CHOICES,
        initial=Channel.COUNTER,
    )
    category = forms.ChoiceField(label=_("Kategori"))
    description = forms.CharField(label=_("Uraian"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    kota = forms.CharField(label=_("Kota / kabupaten"), required=False, max_length=20)
    kecamatan = forms.CharField(label=_("Kecamatan"), required=False, max_length=20)
    kelurahan = forms.CharField(label=_("Kelurahan"), required=False, max_length=20)
    lat = forms.FloatField(label=_("Lintang (lat)"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Bujur (lon)"), required=False, min_value=-180, max_value=180)
    address = forms.CharField(label=_("Alamat / patokan"), required=False, max_length=500)
    place_unknown = forms.BooleanField(
        label=_("Tempatnya belum jelas: kirim ke desk triase, yang menempatkannya"), required=False
    )
    privacy = forms.ChoiceField(
        label=_("Privasi"), widget=forms.RadioSelect, choices=Privacy.choices, initial=Privacy.PRIVATE
    )
    reporter_name = forms.CharField(label=_("Nama warga"), required=False, max_length=200)
    reporter_phone = forms.CharField(label=_("Nomor telepon"), required=False, max_length=40)
    reporter_email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    photo = forms.FileField(label=_("Foto (opsional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        english = in_english()
        # (code, label, words the category search also matches: its group and its examples)
        self.category_options = [
            (k.code, name_in_language(k.name, k.name_en, english), f"{k.group} {k.examples}")
            for k in Category.objects.filter(active=True).order_by("name")
        ]
        self.fields["category"].choices = [("", _("— pilih kategori —"))] + [
            (code, label) for code, label, _words in self.category_options
        ]

    @staticmethod
    def reporter(data) -> Reporter:
        """The caller as the operator took them down (cleaned or raw form data)."""
        return Reporter(
            name=(data.get("reporter_name") or "")[:200],
            phone=(data.get("reporter_phone") or "")[:40],
            email=(data.get("reporter_email") or "")[:254],
        )

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(
                _("Isi lintang dan bujur keduanya, atau kosongkan keduanya dan pilih kelurahan.")
            )
        if lat is None and "lat" not in self.errors and "lon" not in self.errors:
            point = kelurahan_point(data.get("kelurahan") or "")
            if point is None and not data.get("kelurahan") and data.get("address"):
                point = self._from_address(data)
            if point is not None:
                data["lat"], data["lon"] = point
            elif data.get("place_unknown") and not data.get("kelurahan"):
                # the caller cannot say where well enough: the report is filed, and the desk places it from the
                # address and the description (an operator never has to guess a kelurahan to take a call)
                self.errors.pop("kelurahan", None)
                if not (data.get("address") or "").strip():
                    self.add_error("address", _("Tulis apa saja yang penelepon sebut tentang tempatnya."))
                else:
                    data["address"] = _with_area(data["address"], data.get("kecamatan"), data.get("kota"))
            elif "kelurahan" not in self.errors:
                self.add_error("kelurahan", _("Pilih kelurahan, atau isi koordinat lintang dan bujur."))
        return data

    def _from_address(self, data) -> tuple[float, float] | None:
        """No kelurahan chosen, no coordinates: the address the caller gave, read by the one placement rule every
        channel uses. Placed only when it supports one kelurahan; otherwise the operator is told the candidates."""
        # by the officers' copy (``placing``): the caller's own name in it places nothing
        found = place_by_officers_copy(data["address"], identity=door_terms(self.reporter(data)))
        decision = _within(found, data.get("kecamatan") or data.get("kota") or "")
        if decision.placed:
            data["kelurahan"] = decision.placed.code
            return decision.placed.lat, decision.placed.lon
        if decision.kecamatan_only:  # every kelurahan of it fits: the question is which, not a list of three
            names = ", ".join(decision.kecamatan_only)
            message = _("Alamat hanya menyebut kecamatan %(names)s. Pilih kelurahannya.")
            self.add_error("kelurahan", message % {"names": names})
        elif decision.ask:
            names = "; ".join(m.label for m in decision.ask)
            message = _("Alamat cocok dengan beberapa kelurahan: %(names)s. Pilih kelurahannya.")
            self.add_error("kelurahan", message % {"names": names})
        elif found.candidates:  # every candidate lies outside the kota or kecamatan chosen
            self.add_error("kelurahan", _("Alamat tidak cocok dengan kota atau kecamatan yang dipilih."))
        return None


def _within(decision: PlaceDecision, prefix: str) -> PlaceDecision:
    """``decision`` kept to the kota or kecamatan the operator chose (``prefix``: its code): a place elsewhere is
    not placed, and only the candidates inside it are offered."""
    if not prefix:
        return decision
    inside = tuple(m for m in decision.candidates if m.code.startswith(prefix + "."))
    placed = decision.placed if decision.placed and decision.placed.code.startswith(prefix + ".") else None
    return PlaceDecision(placed, inside, decision.mentions, decision.kecamatan_only)


def _location_choices(kota: str = "", kecamatan: str = "") -> dict:
    """Kota → kecamatan → kelurahan options; a choice narrows the lists below it."""
    kels = list(
        kelurahan_choosable().select_related("parent__parent").order_by("parent__parent__name", "parent__name", "name")
    )
    kecamatan_by_code = {}
    kota_by_code = {}
    for k in kels:
        if k.parent:
            kecamatan_by_code[k.parent.code] = k.parent
            if k.parent.parent:
                kota_by_code[k.parent.parent.code] = k.parent.parent
    if kecamatan and kecamatan in kecamatan_by_code:
        kota = kecamatan_by_code[kecamatan].parent.code if kecamatan_by_code[kecamatan].parent else kota
    kotas = sorted(kota_by_code.values(), key=lambda w: w.name)
    kecs = [
        w
        for w in sorted(kecamatan_by_code.values(), key=lambda w: (w.parent.name if w.parent else "", w.name))
        if not kota or (w.parent and w.parent.code == kota)
    ]
    kec_groups: dict[str, list] = {}
    for w in kecs:
        kec_groups.setdefault(w.parent.name if w.parent else "", []).append(w)
    kel_groups: dict[str, list] = {}
    for k in kels:
        if kecamatan and (not k.parent or k.parent.code != kecamatan):
            continue
        if not kecamatan and kota and (not k.parent or not k.parent.parent or k.parent.parent.code != kota):
            continue
        kel_groups.setdefault(k.parent.name if k.parent else "", []).append(k)
    return {
        "kotas": kotas,
        "kecamatan_groups": list(kec_groups.items()),
        "kelurahan_groups": list(kel_groups.items()),
        "kota": kota,
        "kecamatan": kecamatan if kecamatan in kecamatan_by_code else "",
    }


def _operator_only(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not roles.user_can_enter_reports_for_residents(request.user):
            return render(request, "intake/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_http_methods(["GET", "POST"])
@_operator_only
def operator_view(request):
    result = None
    submission_key = idempotency.form_key(request.POST.get("submission", "")) or secrets.token_urlsafe(24)
    if request.method == "POST":
        form = OperatorReportForm(request.POST, request.FILES)
        claim, earlier = _operator_claim(request)
        if isinstance(earlier, DomainError):
            form.is_valid()
            form.add_error(None, _submission_refused(earlier))
            if earlier.code != "idempotency_key_in_use":
                submission_key = secrets.token_urlsafe(24)  # its key is spent: the form shown again gets a new one
        elif earlier is not None and earlier.get("spent"):  # filed, its codes shown: never twice, nor the codes
            form.is_valid()
            message = _("Formulir ini sudah terkirim sebagai laporan %(number)s; tidak dikirim lagi.")
            form.add_error(None, message % {"number": earlier["id"]})
            submission_key = secrets.token_urlsafe(24)
        elif earlier is not None:  # this very form was filed already and its answer lost: that report, once
            request.session[CHANNEL_KEY] = request.POST.get("channel", "")
            request.session[RESULT_KEY] = {
                **_result_of(earlier, request.POST.get("channel", "")),
                "key": claim.key_hash,
            }
            return redirect("intake:operator")
        if form.is_valid() and not form.non_field_errors():
            data = form.cleaned_data
            photos = []
            if data.get("photo"):
                upload = data["photo"]
                photos.append((upload.name or "foto", upload.read(settings.SIGAP_PHOTO_MAX_BYTES + 1)))
            try:
                created = report_submit(
                    Submission(
                        category=data["category"],
                        description=data["description"],
                        lat=data["lat"],
                        lon=data["lon"],
                        channel=data["channel"],
                        address=data.get("address") or "",
                        privacy=data["privacy"],
                        reporter=OperatorReportForm.reporter(data),
                        photos=photos,
                        allow_no_location=data["lat"] is None,  # only when "place unknown" was ticked (clean)
                        idempotency=claim,
                    ),
                    actor=request.user,
                    actor_kind="operator",
                )
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, _submission_refused(exc) if exc.field == idempotency.HEADER else error_text(exc))
            else:
                report = created.report
                # shown once, after the redirect (so a reload does not file the report twice)
                request.session[CHANNEL_KEY] = data["channel"]  # an operator at the phone desk takes call after call
                request.session[RESULT_KEY] = {
                    "key": claim.key_hash if claim is not None else "",
                    "number": report.number,
                    "tracking_code": created.tracking_code,
                    "secret": created.secret,
                    "unit": report.unit.name if report.unit else "",
                    "kelurahan": report.kelurahan.name if report.kelurahan else "",
                    "category": report.category.code,
                    "channel": report.channel,
                    "privacy": report.privacy,
                }
                return redirect("intake:operator")
        status = 422 if form.errors else 200
    else:
        last = request.session.get(CHANNEL_KEY)
        form = OperatorReportForm(initial={"channel": last} if last in dict(OPERATOR_CHANNEL_CHOICES) else None)
        result = request.session.pop(RESULT_KEY, None)
        if result and result.get("key"):
            # shown now: the same form sent again (Back at a shared counter) must not show the codes (an Anonim
            # report's secret) again; it is told the report's number (a senior review)
            idempotency.spend(result["key"])
        status = 200
    if result:
        category = Category.objects.filter(code=result["category"]).first()
        result["category_name"] = name_in_language(category.name, category.name_en) if category else ""
        result["channel_label"] = Channel(result["channel"]).label
        result["privacy_label"] = Privacy(result["privacy"]).label
    location = _location_choices(form["kota"].value() or "", form["kecamatan"].value() or "")
    location["kelurahan_selected"] = form["kelurahan"].value() or ""
    context = {"form": form, "result": result, "submission_key": submission_key, **location}
    return render(request, "intake/operator.html", context, status=status)


OPERATOR_SCOPE = "POST /petugas/operator/"


def _operator_claim(request) -> tuple[idempotency.Claim | None, dict | DomainError | None]:
    """The form's submission key (a hidden field made when the form was shown): a double click, or the form sent
    again after its answer was lost, answers the report the first send filed rather than filing the caller's report
    twice (a fault-injection review). Returns the claim and the first send's answer (or why the key is refused)."""
    key = idempotency.form_key(request.POST.get("submission", ""))
    if key is None:
        return None, None
    fields = {k: request.POST.get(k, "") for k in OperatorReportForm.base_fields if k != "photo"}
    # the account that sent it is part of what was sent: the same form sent by another operator (the key's record
    # is there for a day; the first send's page never shown) is refused like a key reused for other words, neither
    # filed again nor answered with the first report's codes (an Anonim report's secret: an attacker's review)
    fields["operator"] = str(request.user.pk)
    photos = []
    upload = request.FILES.get("photo")
    if upload is not None:
        photos.append((upload.name or "foto", upload.read(settings.SIGAP_PHOTO_MAX_BYTES + 1)))
        upload.seek(0)
    claim = idempotency.claim(key, fields, photos, scope=OPERATOR_SCOPE)
    try:
        return claim, idempotency.lookup(claim)
    except DomainError as exc:
        return claim, exc


def _submission_refused(exc: DomainError) -> str:
    if exc.code == "idempotency_key_in_use":
        return _("Laporan ini sedang diproses. Tunggu sebentar, lalu kirim lagi.")
    return _("Formulir ini sudah terkirim sebagai laporan lain. Buka formulir baru untuk laporan berikutnya.")


def _result_of(earlier: dict, channel: str) -> dict:
    """What the page shows after filing, from the first send's answer (``idempotency.summary``)."""
    return {
        "number": earlier["id"],
        "tracking_code": earlier.get("tracking_code") or "",
        "secret": earlier.get("secret") or "",
        "unit": (earlier.get("unit") or {}).get("name", ""),
        "kelurahan": (earlier.get("kelurahan") or {}).get("name", ""),
        "category": (earlier.get("category") or {}).get("code", ""),
        "channel": channel if channel in dict(OPERATOR_CHANNEL_CHOICES) else "counter",
        "privacy": earlier.get("privacy") or Privacy.PRIVATE,
    }


@require_http_methods(["POST"])
@_operator_only
def place_suggest_view(request):
    """The kelurahan the address typed so far supports, as the operator types it (htmx partial): the one the
    report would be placed in, or the two or three to choose from. POST, so the caller's words stay out of URLs
    and web server logs; nothing is stored."""
    # read as the report will be placed (``_from_address``): by the officers' copy, never by the caller's own name
    sender = OperatorReportForm.reporter(request.POST)
    found = place_by_officers_copy(request.POST.get("address", "")[:500], identity=door_terms(sender))
    chosen = (request.POST.get("kecamatan") or request.POST.get("kota") or "")[:20]
    decision = _within(found, chosen)
    choices = []
    for m in (decision.placed,) if decision.placed else decision.ask:
        kecamatan = m.code.rsplit(".", 1)[0]
        choices.append({"match": m, "kecamatan": kecamatan, "kota": kecamatan.rsplit(".", 1)[0]})
    return render(
        request,
        "intake/_place_suggest.html",
        {
            "decision": decision,
            "choices": choices,
            "typed": bool(request.POST.get("address", "").strip()),
            "elsewhere": bool(found.candidates) and not decision.candidates,
        },
    )


@require_safe
@_operator_only
def location_fields_view(request):
    """The kota → kecamatan → kelurahan selects, narrowed by the current choice (htmx partial)."""
    kota = request.GET.get("kota", "")[:20]
    kecamatan = request.GET.get("kecamatan", "")[:20]
    kelurahan = request.GET.get("kelurahan", "")[:20]
    if request.headers.get("HX-Trigger") == "id_kota":
        kecamatan, kelurahan = "", ""  # a new kota: start the lists below it again
    location = _location_choices(kota, kecamatan)
    location["kelurahan_selected"] = kelurahan
    return render(request, "intake/_location_fields.html", location)
