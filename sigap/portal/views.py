"""The citizen portal: make a report, follow it, see what is public. Thin views: parse, call one
service or selector, render.

Tracking codes never travel in a URL the portal generates: they are entered in a POST form and kept in
the session (``portal_track``: report number → code, sealed under a key derived from ``SECRET_KEY``, since
sessions are database rows a dump can read), so they stay out of server logs, browser history and Referer
headers. ``/lacak/<code>/`` still works (links in old notifications): it stores the code
and redirects to the code-free journey URL.
"""

from __future__ import annotations

import base64
import json
import secrets
from functools import lru_cache
from urllib.parse import urlencode

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from sigap.analytics import performance
from sigap.core.errors import DomainError
from sigap.core.language import error_text, in_english, language_code
from sigap.core.throttles import per_ip
from sigap.intake import idempotency
from sigap.intake import services as intake
from sigap.intake.placing import place_by_officers_copy
from sigap.organization.models import Wilayah
from sigap.privacy.photos import gps_distance_warning, photo_check
from sigap.reports import photoserve
from sigap.reports.models import Channel, Photo, Privacy, Report
from sigap.reports.services import report_by_tracking, report_confirm, tracking_display
from sigap.routing.places import kelurahan_point, place_decide

from . import selectors
from .forms import REPORT_FIELD_FOR, AnswerForm, ConfirmForm, DisputeForm, RatingForm, ReportForm, TrackForm
from .services import report_interest_record

TRACK_SESSION = "portal_track"
SUBMITTED_SESSION = "portal_submitted"
INTEREST_SESSION = "portal_interest"
TRACK_REMEMBERED = 10
PAGE_SIZE = 20
LOCATION_CODES = {"outside_area", "no_boundaries", "invalid_coordinates", "no_tupoksi"}


# --- helpers ---------------------------------------------------------------------------------------


def _throttled(request: HttpRequest, scope: str, rate: str) -> bool:
    return not per_ip(f"portal_{scope}", rate).allow_request(request)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/too_many.html", status=429)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -1000 < number < 1000 else None  # also rejects nan/inf


@lru_cache(maxsize=4)
def _session_seal(secret_key: str) -> Fernet:
    return Fernet(
        base64.urlsafe_b64encode(
            salted_hmac("sigap-portal-session", "seal", secret=secret_key, algorithm="sha256").digest()
        )
    )


def _sealed(text: str) -> str:
    """A tracking code or secret as the session keeps it: sessions are rows in the database, signed but readable,
    so the code is sealed under a key derived from ``SECRET_KEY`` (not in the database)."""
    return _session_seal(settings.SECRET_KEY).encrypt(text.encode()).decode()


def _unsealed(token: str) -> str:
    """The code a session holds, or "" (a session from before the seal, or one sealed under another key)."""
    try:
        return _session_seal(settings.SECRET_KEY).decrypt(str(token).encode()).decode()
    except (InvalidToken, ValueError, TypeError):
        return ""


def _track_remember(request: HttpRequest, number: str, code: str) -> None:
    tracked = dict(request.session.get(TRACK_SESSION, {}))
    tracked.pop(number, None)
    tracked[number] = _sealed(code)
    while len(tracked) > TRACK_REMEMBERED:
        tracked.pop(next(iter(tracked)))
    request.session[TRACK_SESSION] = tracked
    if not request.user.is_authenticated:
        request.session.set_expiry(0)  # tracking codes are forgotten when the browser closes


def _tracked(request: HttpRequest, number: str):
    """(report, code) for a report this session holds the code of; None otherwise."""
    code = _unsealed(request.session.get(TRACK_SESSION, {}).get(number) or "")
    if not code:
        return None
    try:
        report = report_by_tracking(code)
    except DomainError:
        return None
    return (report, code) if report.number == number else None


def _photo_response(photo: Photo, cache: str) -> HttpResponse:
    return photoserve.photo_response(photo, cache_control=cache, filename=f"foto-{photo.pk}.jpg")


# --- home ------------------------------------------------------------------------------------------


@require_safe
def home_view(request):
    return render(
        request, "portal/home.html", {"nav": "home", "track_form": TrackForm(), "tiles": selectors.home_tiles()}
    )


# --- making a report -------------------------------------------------------------------------------


def _report_context(request, *, values: dict, errors: dict, had_photos: bool = False) -> dict:
    region = selectors.region_choices(
        kota=values.get("kota", ""), kecamatan=values.get("kecamatan", ""), kelurahan=values.get("kelurahan", "")
    )
    return {
        "nav": "report",
        "groups": selectors.categories_grouped(),
        "values": values,
        "errors": errors,
        "had_photos": had_photos,
        "region": region,
        "privacy_choice": values.get("privacy") or Privacy.PRIVATE,
        # this form's own key: sent again (a lost answer, a retry), it files one report, not two
        "submission_key": idempotency.form_key(values.get("submission", "")) or secrets.token_urlsafe(24),
        "max_photos": settings.SIGAP_PHOTOS_PER_REPORT,
        "max_photo_mb": settings.SIGAP_PHOTO_MAX_BYTES // (1024 * 1024),
        "max_photo_bytes": settings.SIGAP_PHOTO_MAX_BYTES,
        "max_upload_bytes": settings.SIGAP_UPLOAD_MAX_BYTES,
    }


def _add_error(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, [])
    if message not in errors[field]:
        errors[field].append(message)


@require_http_methods(["GET", "HEAD", "POST"])
def report_view(request):
    if request.method == "GET":
        # ?kategori=CODE (the home page's tiles): that category chosen; an unknown code chooses nothing
        chosen = selectors.category_active(request.GET.get("kategori", "")[:60])
        values = {"category": chosen.code} if chosen else {}
        # no-store: a filled form with its submission key is not kept for the Back button
        return _no_store(render(request, "portal/report_form.html", _report_context(request, values=values, errors={})))
    if _throttled(request, "report", settings.SIGAP_CITIZEN_RATE):
        return _too_many(request)
    values = {k: request.POST.get(k, "") for k in ReportForm.base_fields}
    values["submission"] = request.POST.get("submission", "")
    files = request.FILES.getlist("photos")
    photos = intake.uploads_read(files)
    claim = None
    key = idempotency.form_key(values["submission"])
    if key is not None:
        fields = {k: v for k, v in values.items() if k != "submission"}
        claim = idempotency.claim(key, fields, photos, scope=idempotency.WEB_SCOPE)
        try:
            earlier = idempotency.lookup(claim)
        except DomainError as exc:
            return _report_refused(request, values, {"general": [_submission_message(exc)]}, had_photos=bool(files))
        if earlier is not None and earlier.get("spent"):  # filed, and its codes shown: never twice, never again
            message = _(
                "Formulir ini sudah terkirim sebagai laporan %(number)s; tidak dikirim lagi. Lacak laporan itu dengan "
                "kode lacak yang ditampilkan saat itu. Untuk laporan baru, buka halaman Lapor lagi."
            ) % {"number": earlier["id"]}
            return _report_refused(request, values, {"general": [message]}, had_photos=bool(files))
        if earlier is not None:  # this very form was filed already and its answer lost: show that report again
            report = Report.objects.select_related("unit", "kelurahan", "category").get(number=earlier["id"])
            return _submitted(
                request, report, earlier["tracking_code"], earlier["secret"] or "", earlier["warnings"], claim
            )
    form = ReportForm(request.POST)
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        for field, messages_ in form.errors.items():
            target = "location" if field in ("lat", "lon") else "general" if field == "__all__" else field
            for message in messages_:
                _add_error(errors, target, message)
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    # passed even for Anonim: intake stores nothing of it then, but takes the name out of the text (and placing
    # reads the address by the officers' copy: the reporter's own words place nothing)
    reporter = intake.Reporter(
        name=data.get("name") or "", phone=data.get("phone") or "", email=data.get("email") or ""
    )
    lat, lon = data.get("lat"), data.get("lon")
    if lat is None or lon is None:
        point = kelurahan_point(data.get("kelurahan", ""))
        if point is not None:
            lat, lon = point
    by_text = False  # placed from the address alone, or left to the triage desk to place
    if (lat is None or lon is None) and "location" not in errors:
        if not data.get("place_unknown"):
            _add_error(
                errors,
                "location",
                _(
                    "Tentukan lokasi: tandai di peta, gunakan lokasi Anda, atau pilih kota, kecamatan dan kelurahan. "
                    "Tidak dapat? Tuliskan alamat atau patokannya dan centang “Saya tidak dapat menandai "
                    "lokasinya”."
                ),
            )
        else:
            lat, lon, by_text = _placed_by_address(data.get("address", ""), identity=intake.door_terms(reporter))
            if not by_text:
                _add_error(
                    errors,
                    "address",
                    _("Tuliskan alamat atau patokannya (minimal %(n)d huruf) agar petugas dapat menemukan lokasinya.")
                    % {"n": ADDRESS_ALONE_MIN},
                )
    if len(files) > settings.SIGAP_PHOTOS_PER_REPORT:
        _add_error(
            errors, "photos", _("Terlalu banyak foto (maksimal %(n)d).") % {"n": settings.SIGAP_PHOTOS_PER_REPORT}
        )
    elif errors or len(photos) > 1:
        # every photo's own refusal with the other errors, not after they are put right (a header check only)
        for name, raw in photos:
            try:
                photo_check(raw, filename=name)
            except DomainError as exc:
                _add_error(errors, "photos", error_text(exc))
    if not errors:
        privacy = data["privacy"]
        try:
            result = intake.report_submit(
                intake.Submission(
                    language=language_code(),
                    category=data["category"],
                    description=data["description"],
                    lat=lat,
                    lon=lon,
                    channel=Channel.WEB,
                    address=data["address"],
                    privacy=privacy,
                    reporter=reporter,
                    photos=photos,
                    idempotency=claim,
                    allow_no_location=by_text and lat is None,
                )
            )
        except DomainError as exc:
            if exc.field == idempotency.HEADER:
                _add_error(errors, "general", _submission_message(exc))
            else:
                field = REPORT_FIELD_FOR.get(exc.field or "") or (
                    "location" if exc.code in LOCATION_CODES else "general"
                )
                _add_error(errors, field, error_text(exc))
        else:
            return _submitted(request, result.report, result.tracking_code, result.secret, result.warnings, claim)
    return _report_refused(request, values, errors, had_photos=bool(files))


def _report_refused(request, values: dict, errors: dict, *, had_photos: bool) -> HttpResponse:
    context = _report_context(request, values=values, errors=errors, had_photos=had_photos)
    # 200, like any re-rendered form: the page itself is fine, and browsers log every 4xx as a console error.
    return render(request, "portal/report_form.html", context)


def _submission_message(exc: DomainError) -> str:
    """A form's submission key refused (it filed another report, or its first send is still being written)."""
    if exc.code == "idempotency_key_in_use":
        return _("Laporan Anda sedang diproses. Tunggu sebentar, lalu kirim lagi.")
    return _(
        "Formulir ini sudah terkirim sebagai laporan lain. Buka halaman Lapor lagi untuk membuat laporan baru; "
        "laporan yang terkirim dapat dilacak di halaman Lacak."
    )


def _submitted(request, report, code: str, secret: str, warnings: list[dict], claim=None) -> HttpResponse:
    """Keep what the done page shows once, and send the resident there (``claim``: the form's submission key,
    forgotten once the page has shown the codes, so the form sent again later cannot show them again)."""
    request.session[SUBMITTED_SESSION] = {
        "key_hash": claim.key_hash if claim is not None else "",
        "number": report.number,
        "code": _sealed(code),
        "secret": _sealed(secret) if secret else "",
        "unit": report.unit.name if report.unit else "",
        "kelurahan": selectors.region_path(report.kelurahan),
        "category": selectors.category_label(report.category),
        "privacy": report.privacy,
        "warnings": [{"id": w.get("message", ""), "en": w.get("message_en", "")} for w in warnings],
    }
    _track_remember(request, report.number, code)
    return redirect("portal:report_done")


def _tracking_qr(request, code: str) -> str:
    """A QR code (PNG data URI) of the Lacak page with the tracking code in the fragment: a phone that scans it
    opens the report, and the code is never sent in a URL (the page posts it; portal.js). Never the secret."""
    import segno  # only the page after a report is filed draws one: not loaded by every web worker

    url = request.build_absolute_uri(reverse("portal:track")) + "#kode=" + code
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


@require_GET  # not HEAD: it uses up what it shows once, or says so in the session
def report_done_view(request):
    """Shown once: the number, the tracking code and (Anonim) the secret. Reloading shows it no more."""
    submitted = request.session.pop(SUBMITTED_SESSION, None)
    if submitted and submitted.get("key_hash"):
        # shown now: a resend of the same form (Back on a shared phone, say) must not show the codes again
        idempotency.spend(submitted["key_hash"])
    if submitted:
        submitted["code"] = _unsealed(submitted["code"])
        submitted["secret"] = _unsealed(submitted["secret"]) if submitted.get("secret") else ""
        lang = language_code()
        submitted["warning_texts"] = [w[lang] or w["id"] for w in submitted.get("warnings", [])]
        submitted["qr"] = _tracking_qr(request, submitted["code"])
    return _no_store(render(request, "portal/report_done.html", {"nav": "report", "submitted": submitted}))


@require_http_methods(["GET", "HEAD", "POST"])
def region_view(request):
    """The kota → kecamatan → kelurahan selects (htmx). POST lat/lon: locate a pin and select its kelurahan."""
    params = request.POST if request.method == "POST" else request.GET
    error = ""
    kelurahan = params.get("kelurahan", "")
    located = False
    if request.method == "POST":
        if _throttled(request, "locate", settings.SIGAP_TRACK_RATE):
            return _too_many(request)
        lat, lon = _float(params.get("lat")), _float(params.get("lon"))
        if lat is None or lon is None:
            error = _("Koordinat tidak valid.")
        else:
            try:
                kelurahan = selectors.point_locate(lat=lat, lon=lon).code
                located = True
            except DomainError as exc:
                error = error_text(exc)
    region = selectors.region_choices(
        kota=params.get("kota", ""), kecamatan=params.get("kecamatan", ""), kelurahan=kelurahan
    )
    return render(
        request,
        "portal/_region.html",
        {
            "region": region,
            "region_error": error,
            "located": located,
            "region_path": selectors.region_path(region.kelurahan) if located else "",
        },
    )


@require_POST
def similar_view(request):
    """Open reports of the same category nearby (htmx, before sending): Publik ones as the public pages show
    them; Privat and Anonim ones only counted (``selectors.similar_reports_near``)."""
    if _throttled(request, "similar", settings.SIGAP_TRACK_RATE):
        return _too_many(request)
    lat, lon = _float(request.POST.get("lat")), _float(request.POST.get("lon"))
    if lat is None or lon is None:
        point = kelurahan_point(request.POST.get("kelurahan", ""))
        if point is not None:
            lat, lon = point
    category = request.POST.get("category", "")
    ready = bool(category) and lat is not None and lon is not None
    found = selectors.similar_reports_near(category_code=category, lat=lat, lon=lon) if ready else None
    return render(
        request,
        "portal/_similar.html",
        {"ready": ready, "found": found, "radius": selectors.SIMILAR_RADIUS_M, "days": selectors.SIMILAR_DAYS},
    )


@require_POST
def similar_follow_view(request, number: str):
    """ "Ini laporan yang sama" for a Publik report: count the resident in, file nothing, open its public page.
    A Privat or Anonim report cannot be followed (404, like one that does not exist): its number and its
    handling unit are never told; the resident files their own report and the duplicate finder links it."""
    if _throttled(request, "similar", settings.SIGAP_TRACK_RATE):
        return _too_many(request)
    report = selectors.similar_report_get(number)
    if report is None:
        raise Http404
    followed = list(request.session.get(INTEREST_SESSION, []))
    if number not in followed:
        report_interest_record(number=number)
        request.session[INTEREST_SESSION] = (followed + [number])[-50:]
    url = reverse("portal:public_detail", args=[number])
    messages.success(
        request,
        _(
            "Terima kasih. Kami mencatat bahwa Anda juga mengalami masalah ini. Laporan ini kini ada di halaman "
            "Lacak pada perangkat ini, untuk Anda ikuti perkembangannya."
        ),
    )
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def photo_check_refusal(request, error: DomainError) -> JsonResponse:
    """A photo the request limits refused before the check read it (over the size per photo, say), answered as the
    check answers: the form's script shows it beside the photo, as soon as it is chosen."""
    return JsonResponse({"warnings": [], "errors": [error_text(error)]}, status=error.status)


@require_POST
def address_check_view(request):
    """Whether the address a resident wrote names another kelurahan than the place they chose (a pin dropped out of
    habit at home, a kelurahan picked from the wrong kota): a warning to check the pin, before the report goes to the
    wrong kelurahan and loses days being passed on. Nothing is stored; the report is filed as chosen."""
    if _throttled(request, "address_check", settings.SIGAP_CITIZEN_RATE):
        return JsonResponse({"warning": ""}, status=429)
    address = (request.POST.get("address") or "").strip()[:500]
    lat, lon = _float(request.POST.get("lat")), _float(request.POST.get("lon"))
    chosen = None
    try:
        if lat is not None and lon is not None:
            chosen = selectors.point_locate(lat=lat, lon=lon)
        elif request.POST.get("kelurahan"):
            chosen = Wilayah.objects.filter(code=request.POST["kelurahan"], level=Wilayah.Level.KELURAHAN).first()
    except DomainError:
        chosen = None
    warning = ""
    if chosen is not None and len(address) >= ADDRESS_ALONE_MIN:
        named = place_decide(address).placed
        if named is not None and named.code != chosen.code:
            warning = _(
                "Alamat Anda menyebut %(named)s, tetapi titik lokasinya ada di Kelurahan %(chosen)s. Periksa titiknya: "
                "laporan dikirim ke kelurahan titik itu."
            ) % {"named": named.label, "chosen": chosen.name}
    return _no_store(JsonResponse({"warning": warning}))


@require_POST
def photo_check_view(request):
    """Read a chosen photo's own GPS and compare it with the chosen location. Nothing is stored."""
    if _throttled(request, "photo_check", settings.SIGAP_CITIZEN_RATE):
        return JsonResponse(
            {"warnings": [], "errors": [_("Terlalu banyak permintaan. Coba lagi sebentar lagi.")]}, status=429
        )
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"warnings": [], "errors": [_("Tidak ada foto.")]}, status=400)
    try:
        clean = photo_check(upload.read(settings.SIGAP_PHOTO_MAX_BYTES + 1), filename=upload.name or "foto")
    except DomainError as exc:
        return JsonResponse({"warnings": [], "errors": [error_text(exc)]})
    lat, lon = _float(request.POST.get("lat")), _float(request.POST.get("lon"))
    if lat is None or lon is None:
        point = kelurahan_point(request.POST.get("kelurahan", ""))
        if point is not None:
            lat, lon = point
    has_gps = "gps" in clean.meta
    warnings = []
    if lat is not None and lon is not None:
        warning = gps_distance_warning(clean.meta, lat=lat, lon=lon, threshold_m=settings.SIGAP_PHOTO_GPS_WARN_M)
        if warning:
            warnings.append(warning["message_en"] if in_english() else warning["message"])
    response = JsonResponse(
        {"warnings": warnings, "errors": [], "has_gps": has_gps, "located": lat is not None and lon is not None}
    )
    return _no_store(response)


# --- following a report ----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def track_view(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        if _throttled(request, "track", settings.SIGAP_TRACK_RATE):
            return _too_many(request)
        if form.is_valid():
            code = tracking_display(form.cleaned_data["code"])
            try:
                report = report_by_tracking(code)
            except DomainError as exc:
                form.add_error("code", _number_not_code() if _looks_like_number(code) else error_text(exc))
            else:
                _track_remember(request, report.number, code)
                return redirect("portal:journey", number=report.number)
    tracked = list(request.session.get(TRACK_SESSION, {}).keys())
    following = list(request.session.get(INTEREST_SESSION, []))  # "ini laporan yang sama": Publik reports
    return _no_store(
        render(
            request,
            "portal/track_form.html",
            {"nav": "track", "form": form, "tracked": tracked[::-1], "following": following[::-1]},
        )
    )


@require_safe
def track_code_view(request, code: str):
    """Old-style link with the code in the path: remember it and leave for the code-free URL."""
    if _throttled(request, "track", settings.SIGAP_TRACK_RATE):
        return _too_many(request)
    try:
        report = report_by_tracking(code)
    except DomainError as exc:
        form = TrackForm()
        form.errors["code"] = form.error_class([error_text(exc)])
        return _no_store(
            render(request, "portal/track_form.html", {"nav": "track", "form": form, "tracked": []}, status=exc.status)
        )
    _track_remember(request, report.number, tracking_display(code))
    return redirect("portal:journey", number=report.number)


# An address of fewer characters names no place well enough to file by ("rumah", "sini").
ADDRESS_ALONE_MIN = 8


def _placed_by_address(address: str, identity: dict | None = None) -> tuple[float | None, float | None, bool]:
    """A report whose resident could not mark the place but wrote where it is ("dekat pasar Kebon Jeruk"): the
    kelurahan's point when the address parser is sure of it; otherwise no point, and the report goes to the triage
    desk, which places it from the text (its suggestions) or asks the resident. (lat, lon, filed by the text)."""
    address = (address or "").strip()
    if len(address) < ADDRESS_ALONE_MIN:
        return None, None, False
    # by the officers' copy (``placing``): the resident's own name in it ("a.n. Wijaya Kusuma") places nothing
    decision = place_by_officers_copy(address, identity=identity)
    if decision.placed is not None:
        return decision.placed.lat, decision.placed.lon, True
    return None, None, True


def _looks_like_number(code: str) -> bool:
    """A report's number (``JK202612060006``) typed where its tracking code goes."""
    prefix = settings.SIGAP_NUMBER_PREFIX.upper()
    return code.startswith(prefix) and code[len(prefix) :].isdigit() and len(code) - len(prefix) >= 9


def _number_not_code() -> str:
    return _(
        "Itu nomor laporan, bukan kode lacak. Kode lacak berbentuk XXXX-XXXX-XXXX (12 huruf dan angka): ada di "
        "halaman “Laporan terkirim” dan di pesan yang Anda terima saat melapor."
    )


@require_POST
def track_forget_view(request):
    request.session.pop(TRACK_SESSION, None)
    request.session.pop(INTEREST_SESSION, None)
    messages.success(request, _("Kode lacak sudah dihapus dari perangkat ini."))
    return redirect("portal:track")


def _journey_context(report, *, errors=None, values=None, active: str = "", success: str = "") -> dict:
    return {
        "nav": "track",
        "j": selectors.journey_for_reporter(report),
        "errors": errors or {},
        "values": values or {},
        "active": active,
        "success": success,
        # the forms' key: a second tap (or a resend) of the same form does what it asks once (``form_once``)
        "submission_key": secrets.token_urlsafe(24),
    }


@require_GET  # not HEAD: it uses up what it shows once, or says so in the session
def journey_view(request, number: str):
    tracked = _tracked(request, number)
    if tracked is None:
        messages.info(request, _("Masukkan kode lacak untuk melihat perjalanan laporan."))
        return redirect("portal:track")
    report, code = tracked
    context = _journey_context(report)
    context["code"] = code
    return _no_store(render(request, "portal/journey.html", context))


ACTIONS = {
    "jawab": (AnswerForm, "answer"),
    "nilai": (RatingForm, "rating"),
    "sanggah": (DisputeForm, "dispute"),
    "beres": (ConfirmForm, "confirm"),
}
# The fields each form shows its own errors next to; any other refusal is shown above the forms ("general"),
# never next to another form's field, where the resident who sent this form would not see it.
ACTION_FIELDS = {
    "answer": {"answer", "photos", "secret"},
    "rating": {"rating", "secret"},
    "dispute": {"reason", "secret"},
    "confirm": {"secret"},
}


def _error_slot(action: str, field: str | None) -> str:
    return field if field in ACTION_FIELDS[action] else "general"


@require_POST
def journey_action_view(request, number: str, action: str):
    """Answer a question, rate, or dispute: each an htmx form that swaps in the updated journey."""
    if action not in ACTIONS:
        raise Http404
    if _throttled(request, "track", settings.SIGAP_TRACK_RATE):
        return _too_many(request)
    tracked = _tracked(request, number)
    if tracked is None:
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("portal:track")
            return response
        return redirect("portal:track")
    report, code = tracked
    form_class, name = ACTIONS[action]
    form = form_class(request.POST)
    errors: dict[str, list[str]] = {}
    success = ""
    key = idempotency.form_key(request.POST.get("submission", ""))
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                success = _journey_action(request, report, code, name, data, key)
        except DomainError as exc:
            _add_error(errors, _error_slot(name, exc.field), error_text(exc))
    else:
        for field, messages_ in form.errors.items():
            for message in messages_:
                _add_error(errors, _error_slot(name, field), message)
    if not _is_htmx(request):
        if not errors:
            messages.success(request, success)
            return redirect("portal:journey", number=number)
        context = _journey_context(report, errors=errors, values=request.POST, active=name)
        context["code"] = code
        return _no_store(render(request, "portal/journey.html", context))
    context = _journey_context(
        report, errors=errors, values=request.POST if errors else {}, active=name, success=success
    )
    context["code"] = code
    return _no_store(render(request, "portal/_journey.html", context))


SUCCESS = {
    "answer": gettext_lazy("Terima kasih, jawaban Anda sudah diteruskan kepada petugas."),
    "rating": gettext_lazy("Terima kasih atas penilaian Anda."),
    "confirm": gettext_lazy("Terima kasih. Anda menyatakan masalahnya sudah beres."),
    "dispute": gettext_lazy("Sanggahan Anda diterima. Laporan dibuka kembali dan ditangani lagi."),
}


def _journey_action(request, report, code: str, name: str, data: dict, key: str | None) -> str:
    """What one journey form asks, done once per form key (a second tap answers as the first did: its thanks, not a
    second answer or "only a Selesai report can be disputed"); the thanks said."""
    fields = {k: str(v) for k, v in data.items()}
    photos = intake.uploads_read(request.FILES.getlist("photos")) if name == "answer" else []
    if key is not None and not idempotency.form_once(
        key, scope=f"POST /lacak/{name}", report=report, fields=fields, photos=photos
    ):
        return str(SUCCESS[name])
    if name == "answer":
        intake.reporter_answer(
            tracking_code=code,
            answer=data["answer"],
            secret=data["secret"],
            photos=photos,
        )
    elif name == "rating":
        intake.reporter_rate(tracking_code=code, rating=data["rating"], comment=data["comment"], secret=data["secret"])
    elif name == "confirm":
        report_confirm(tracking_code=code, secret=data["secret"])
    else:
        intake.reporter_dispute(tracking_code=code, reason=data["reason"], secret=data["secret"])
    return str(SUCCESS[name])


@require_safe
def journey_photo_view(request, number: str, photo_id: int):
    tracked = _tracked(request, number)
    if tracked is None:
        raise Http404
    photo = Photo.objects.filter(report=tracked[0], pk=photo_id).first()
    if photo is None:
        raise Http404
    return _photo_response(photo, "private, no-store")


# --- the public ------------------------------------------------------------------------------------


def _public_filters(request) -> dict:
    filters = {k: request.GET.get(k, "")[:60] for k in ("kota", "category", "state")}
    filters["category"] = filters["category"] or request.GET.get("kategori", "")[:60]  # links made before the rename
    return filters


@require_safe
def public_list_view(request):
    filters = _public_filters(request)
    page = selectors.CappedPaginator(selectors.public_reports(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "portal/public_list.html",
        {
            "nav": "public",
            "page": page,
            "items": selectors.public_items(page.object_list),
            "filters": filters,
            "filter_query": query,
            "kota_list": selectors.kota_choices(),
            "groups": selectors.categories_grouped(),
            "states": [("open", _("Belum selesai")), ("done", _("Selesai")), ("closed", _("Ditutup"))],
        },
    )


@require_safe
def public_detail_view(request, number: str):
    report = selectors.public_report_get(number)
    if report is None:
        raise Http404
    item = selectors.public_item(report, photos=True)
    return render(
        request,
        "portal/public_detail.html",
        {
            "nav": "public",
            "item": item,
            "timeline": selectors.public_timeline(report),
            "interest": selectors.interest_count(report),
            "following": number in request.session.get(INTEREST_SESSION, []),
            "point_json": json.dumps(item["point"]) if item["point"] else "",
        },
    )


@require_safe
def public_photo_view(request, number: str, photo_id: int):
    photo = selectors.public_photo_get(number, photo_id)
    if photo is None:
        raise Http404
    return _photo_response(photo, photoserve.PUBLIC_PHOTO_CACHE)


@require_safe
def public_map_json_view(request):
    return JsonResponse(selectors.public_map(**_public_filters(request), cursor=request.GET.get("sebelum", "")[:40]))


@require_safe
def statistics_view(request):
    kota = request.GET.get("kota", "")[:20]
    kota_rows, kel_rows, total, kota, taken_at = selectors.statistics_of_the_day(kota=kota)
    return render(
        request,
        "portal/statistics.html",
        {
            "nav": "stats",
            "kota_rows": kota_rows,
            "kel_rows": kel_rows,
            "total": total,
            "kota": kota,  # a kota code, or "" (nothing chosen, or not a kota)
            "kota_name": next((row.name for row in kota_rows if row.code == kota), ""),
            "taken_at": taken_at,
            "min_count": settings.SIGAP_STATS_MIN_COUNT,
        },
    )


@require_safe
def performance_view(request):
    """Unit performance for everyone: per kota and, for a chosen kota, per kelurahan; aggregates only."""
    try:
        days = int(request.GET.get("hari", 365))
    except ValueError:
        days = 365
    days = days if days in selectors.PERFORMANCE_PERIODS else 365
    kota, kota_rows, kel_rows = selectors.performance_rows(days=days, kota=request.GET.get("kota", "")[:20])
    return render(
        request,
        "portal/performance.html",
        {
            "nav": "stats",
            "kota_rows": kota_rows,
            "kel_rows": kel_rows,
            "kota": kota,
            "kota_name": next((r.area.name for r in kota_rows if r.area.code == kota), ""),
            "days": days,
            "periods": selectors.PERFORMANCE_PERIODS,
            "columns": performance.COLUMNS,
            "min_count": performance.min_count(),
            "quick_minutes": int(performance.quick_seconds() // 60),
        },
    )


# --- boundaries (public reference data, for the maps) ----------------------------------------------


@require_safe
def boundary_json_view(request, code: str):
    feature = selectors.boundary_feature(code)
    if feature is None:
        raise Http404
    response = JsonResponse(feature)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def kota_outlines_json_view(request):
    response = JsonResponse(selectors.kota_outlines())
    response["Cache-Control"] = "public, max-age=86400"
    return response
