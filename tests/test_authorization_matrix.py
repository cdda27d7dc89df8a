"""The authorization matrix: every route × every role × the report's relation to the caller.

Routes are enumerated from the running code: the OpenAPI document for the JSON API, Django's URL resolver for
everything else (console, operator page, portal, Open311, channel webhooks, admin). Each route must have an entry
in ``tests/authorization_matrix_table.py`` (and each entry must still name a route), and each entry must have a
request here (``CALLS``) that exercises it.

The world is built once per module inside a transaction that is rolled back at the end; each cell runs in a
savepoint of its own, so an allowed write (an action that succeeds) is undone before the next cell. A cell that
expects a refusal also checks that nothing changed (report states, hops, photos, reveal requests, duplicates).

Roles (the caller) and their home units:

* ``anon``: no login, no token;
* ``officer``, ``unit_admin``: Kelurahan Pondok Bambu; ``supervisor`` (pimpinan): Kota Jakarta Timur, above it;
* ``validator``, ``operator``, ``privacy`` (PPID): Biro Pemerintahan; ``auditor``: Inspektorat;
* ``superuser``: Django superuser without any StaffRole;
* ``reporter``: an anonymous client holding the tracking codes of every report (the track API, the portal's
  journey pages). Every other caller uses a tracking code that belongs to no report.

Report relations (one report each, all Menunggu Validasi with before/after proof):

* ``own``: at Kelurahan Pondok Bambu (the caller's unit for officer and unit admin; below the supervisor's kota);
  Privat;
* ``other``: at Kelurahan Gambir (nobody's home unit); Publik;
* ``about``: a complaint about officials (``pelayanan-aparatur``, held by Inspektorat) whose concerned unit is
  the caller's home unit (Pondok Bambu for officer and unit admin, Kota Jakarta Timur for the supervisor, Biro
  Pemerintahan for validator, operator and privacy officer); for the auditor, the superuser, anonymous callers and
  the reporter, the one about Pondok Bambu (no report may concern the Inspektorat that handles them). The one
  about Pondok Bambu came the long way: filed under another category, held by the kelurahan, passed to the triage
  desk and categorized there, so the kelurahan's hops are in its history.

The second factor is on, as in production. Console and portal requests use Django's test client with
``force_login`` and a session that records the second factor (as the login form does); API requests use bearer
tokens issued directly by ``ApiToken.issue`` as a sign-in with the code would; the login flows themselves are not
exercised here.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client

from sigap.officers.tests.helpers import as_text
from tests import authorization_matrix_table as table

PB_KEL = "31.75.07.1002"
PB_UNIT = "kel:31.75.07.1002"
GAMBIR_KEL = "31.71.01.1001"
GAMBIR_UNIT = "kel:31.71.01.1001"
KOTA_JT = "kota:31.75"
BIRO = "biro-pemerintahan"
INSPEKTORAT = "inspektorat"
TRIAGE_UNIT = "triase"
MISCONDUCT = "pelayanan-aparatur"
WRONG_CODE = "ZZZZ-ZZZZ-ZZZZ"  # a well-formed tracking code of no report
LEGAL_BASIS = "Permintaan penyidik Polda Metro Jaya nomor B/123/XI/2026 (uji matriks akses)"

HOME_UNIT = {
    "officer": PB_UNIT,
    "unit_admin": PB_UNIT,
    "supervisor": KOTA_JT,
    "validator": BIRO,
    "operator": BIRO,
    "privacy": BIRO,
    "auditor": INSPEKTORAT,
}
STAFF_ROLE = {
    "officer": "officer",
    "unit_admin": "unit_admin",
    "supervisor": "supervisor",
    "validator": "validator",
    "operator": "operator",
    "privacy": "privacy_officer",
    "auditor": "auditor",
}
ABOUT_UNIT = {
    **{r: PB_UNIT for r in table.ROLES},
    "supervisor": KOTA_JT,
    "validator": BIRO,
    "operator": BIRO,
    "privacy": BIRO,
}


# --- the world ------------------------------------------------------------------------------------


@dataclass
class World:
    reports: dict = field(default_factory=dict)  # name → Report
    codes: dict = field(default_factory=dict)  # report number → tracking code
    photos: dict = field(default_factory=dict)  # report number → a photo id of that report
    candidates: dict = field(default_factory=dict)  # report number → a duplicate candidate id on it
    reveals: dict = field(default_factory=dict)  # report number → a pending reveal request (another PPID's)
    sessions: dict = field(default_factory=dict)  # role → session cookie
    tokens: dict = field(default_factory=dict)  # role → bearer token
    users: dict = field(default_factory=dict)  # role → user
    admin_ids: dict = field(default_factory=dict)  # "app/model" → an object id for its admin pages

    def report(self, role: str, rel: str):
        if rel == "own":
            return self.reports["own"]
        if rel == "other":
            return self.reports["other"]
        return self.reports[f"about:{ABOUT_UNIT[role]}"]


def _jpeg(colour=(200, 30, 30)) -> bytes:
    from conftest import jpeg_bytes

    return jpeg_bytes(colour=colour)


def _build_world() -> World:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from sigap.intake.services import Reporter, Submission, report_submit
    from sigap.officers.models import ApiToken
    from sigap.officers.tests.helpers import console_verified, to_validation
    from sigap.open311.models import ClientReport, ServiceAttribute
    from sigap.open311.services import apiclient_issue
    from sigap.organization.models import StaffRole, Unit
    from sigap.privacy import reveal
    from sigap.reports import services as report_services
    from sigap.reports.models import DuplicateCandidate
    from sigap.reports.tests.factories import inner_point

    User = get_user_model()
    w = World()

    def user(username: str, unit: str | None = None, role: str | None = None, **extra):
        u, _ = User.objects.get_or_create(username=username, defaults=extra)
        if unit:
            StaffRole.objects.get_or_create(user=u, unit=Unit.objects.get(code=unit), role=role)
        return u

    def file(
        category: str,
        kel: str,
        description: str,
        *,
        privacy: str = "private",
        about_unit: str = "",
        name: str = "Budi Santoso",
    ):
        lat, lon = inner_point(kel)
        result = report_submit(
            Submission(
                category=category,
                description=description,
                lat=lat,
                lon=lon,
                channel="web",
                privacy=privacy,
                reporter=Reporter(name=name, phone="081234567890"),
                photos=[("lapor.jpg", _jpeg())],
                about_unit=about_unit,
            )
        )
        w.codes[result.report.number] = result.tracking_code
        return result.report

    # the people who work the reports (not callers of the matrix)
    worker_pb = user("matrix.kerja.pb", PB_UNIT, "officer")
    worker_gambir = user("matrix.kerja.gambir", GAMBIR_UNIT, "officer")
    worker_insp = user("matrix.kerja.insp", INSPEKTORAT, "officer")
    worker_desk = user("matrix.kerja.triase", TRIAGE_UNIT, "officer")
    other_ppid = user("matrix.ppid.lain", BIRO, "privacy_officer")
    # a complaint about Biro Pemerintahan is not for its own privacy officers (conflict of interest)
    outside_ppid = user("matrix.ppid.luar", INSPEKTORAT, "privacy_officer")

    drain = "Got mampet di depan gang, air meluap ke jalan saat hujan deras."
    earlier_pb = file("saluran-tersumbat", PB_KEL, drain)
    own = file("saluran-tersumbat", PB_KEL, drain)
    earlier_gambir = file("saluran-tersumbat", GAMBIR_KEL, drain, privacy="public")
    other = file("saluran-tersumbat", GAMBIR_KEL, drain, privacy="public")
    w.reports.update(own=own, other=other, earlier_pb=earlier_pb, earlier_gambir=earlier_gambir)
    bribe = "Petugas meminta uang pelicin untuk mengurus surat pengantar di kantor."
    about = {
        PB_UNIT: (PB_KEL, PB_UNIT),
        KOTA_JT: ("31.75.07.1001", KOTA_JT),
        BIRO: (GAMBIR_KEL, BIRO),
    }
    for unit, (kel, concerned) in about.items():
        if unit == PB_UNIT:
            continue
        w.reports[f"about:{unit}"] = file(MISCONDUCT, kel, bribe, about_unit=concerned)
    # The complaint about Pondok Bambu takes the longest way: filed under another category, held by the
    # kelurahan, passed to the triage desk, and categorized there as a complaint about officials. The kelurahan's
    # hops stay in its history; the concerned unit follows the category.
    late = file("lainnya", PB_KEL, bribe)
    assert late.unit.code == PB_UNIT, late.unit.code
    report_services.report_coordinate(
        report_id=late.pk, actor=worker_pb, to_unit=TRIAGE_UNIT, reason="bukan tupoksi kelurahan"
    )
    report_services.report_triage(report_id=late.pk, actor=worker_desk, category=MISCONDUCT)
    late.refresh_from_db()
    assert (late.unit.code, late.concerned_unit and late.concerned_unit.code) == (INSPEKTORAT, PB_UNIT)
    w.reports[f"about:{PB_UNIT}"] = late

    for report, worker in [(own, worker_pb), (other, worker_gambir)] + [
        (w.reports[f"about:{u}"], worker_insp) for u in about
    ]:
        to_validation(report, worker, lambda colour=(1, 2, 3): _jpeg(colour))
        report.refresh_from_db()
        assert report.status == "awaiting_validation", report.status

    for report in w.reports.values():
        w.photos[report.number] = report.photos.order_by("pk").values_list("pk", flat=True).first()
        cand = DuplicateCandidate.objects.filter(report=report).values_list("pk", flat=True).first()
        if cand:
            w.candidates[report.number] = cand
    for name in ("own", "other"):
        assert w.reports[name].number in w.candidates, f"{name}: no duplicate candidate was found"
    for name in ("own", "other", *[f"about:{u}" for u in about]):
        number = w.reports[name].number
        requester = outside_ppid if name == f"about:{BIRO}" else other_ppid
        w.reveals[number] = reveal.reveal_request(actor=requester, report_number=number, legal_basis=LEGAL_BASIS).pk

    # the callers
    for role, unit in HOME_UNIT.items():
        w.users[role] = user(f"matrix.{role}", unit, STAFF_ROLE[role])
    w.users["superuser"] = user("matrix.superuser", is_superuser=True, is_staff=True)
    for role, u in w.users.items():
        c = console_verified(u)  # force_login, and the session records a second factor as the login form does
        w.sessions[role] = c.cookies[settings.SESSION_COOKIE_NAME].value
        w.tokens[role] = ApiToken.issue(u, name="matrix", otp_verified=True)  # as a sign-in with the code
    reporter = Client()
    for number, code in w.codes.items():
        response = reporter.get(f"/lacak/{code}/")
        assert response.status_code == 302, (number, response.status_code)
    w.sessions["reporter"] = reporter.cookies[settings.SESSION_COOKIE_NAME].value

    # objects for the admin pages
    group, _ = Group.objects.get_or_create(name="matrix")
    client_app, _key = apiclient_issue(name="matrix-app", rate_per_minute=60)
    ClientReport.objects.get_or_create(client=client_app, report=other)
    if not ServiceAttribute.objects.exists():
        ServiceAttribute.objects.create(
            category_code="saluran-tersumbat", code="matrix", datatype="string", description="uji"
        )
    from django.contrib import admin

    for model in admin.site._registry:
        key = f"{model._meta.app_label}/{model._meta.model_name}"
        # a model without rows (login attempts, say) gets pages of an id that does not exist
        w.admin_ids[key] = model.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    w.admin_ids["auth/group"] = group.pk
    w.admin_ids["auth/user"] = w.users["privacy"].pk
    w.admin_ids["officers/apitoken"] = ApiToken.objects.get(user=w.users["privacy"]).pk
    w.admin_ids["open311/apiclient"] = client_app.pk
    w.admin_ids["reports/report"] = own.pk
    return w


@pytest.fixture(autouse=True)
def _second_factor_as_in_production(settings):
    settings.SIGAP_OTP_REQUIRED = (
        True  # the test settings turn it off for password sign-ins; the matrix is production's
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


# --- requests -------------------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    data: object = None
    json: bool = False  # send ``data`` as a JSON body
    headers: dict = field(default_factory=dict)
    marker: str = ""  # for the S/H classes: the text that shows the report is listed


def _client(w: World, role: str) -> Client:
    from django.conf import settings

    c = Client()
    if role in w.sessions:
        c.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    return c


def _send(w: World, role: str, call: Call):
    c = _client(w, role)
    extra = dict(call.headers)
    if call.path.startswith("/api/") and role in w.tokens:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {w.tokens[role]}"
        c.cookies.clear()  # the API is called with the token alone
    if call.method == "GET":
        return c.get(call.path, call.data or {}, **extra)
    if call.json:
        return c.generic(call.method, call.path, json.dumps(call.data or {}), content_type="application/json", **extra)
    return c.post(call.path, call.data or {}, **extra)


def _photo_file(name="bukti.jpg"):
    f = io.BytesIO(_jpeg((60, 120, 80)))
    f.name = name
    return f


def _code(w: World, role: str, report) -> str:
    return w.codes[report.number] if role == "reporter" else WRONG_CODE


def _api(path: str):
    """Officer-API calls on a report: the path gets the report's number."""

    def build(w, role, rel, *, method="GET", data=None, json_body=True):
        r = w.report(role, rel)
        return Call(
            method,
            "/api/v1" + path.format(number=r.number, photo=w.photos[r.number], candidate=w.candidates.get(r.number, 0)),
            data=data(w, role, rel) if callable(data) else data,
            json=json_body and method != "GET",
            marker=r.number,
        )

    return build


def _relational(build):
    build.relational = True
    return build


def api_get(path):
    return _relational(lambda w, role, rel: _api(path)(w, role, rel))


def api_post(path, data=None, *, json_body=True):
    return _relational(lambda w, role, rel: _api(path)(w, role, rel, method="POST", data=data, json_body=json_body))


def listing(method, path, data=None, *, json_body=False, marker=None):
    """A route without a report in its URL that lists reports: S/H say whether the relation's report is listed."""

    def build(w, role, rel):
        r = w.report(role, rel) if rel != "-" else None
        body = data(w, role, rel) if callable(data) else data
        mark = "" if r is None else (marker(w, r) if marker else r.number)
        return Call(method, path, data=body, json=json_body, marker=mark)

    return _relational(build)


def plain(method, path, data=None, *, json_body=False, headers=None):
    def build(w, role, rel):
        body = data(w, role, rel) if callable(data) else data
        return Call(method, path.format(**_fmt(w)), data=body, json=json_body, headers=headers or {})

    return build


def _fmt(w: World) -> dict:
    return {"pb": PB_KEL}


def on_report(method, path, data=None, *, code=False, headers=None, marker=None):
    """A route with the report in its URL (number, tracking code, photo, reveal request, admin id...)."""

    def build(w, role, rel):
        r = w.report(role, rel)
        values = {
            "number": r.number,
            "photo": w.photos[r.number],
            "candidate": w.candidates.get(r.number, 0),
            "code": _code(w, role, r) if code else "",
            "reveal": w.reveals.get(r.number, 0),
        }
        body = data(w, role, rel) if callable(data) else data
        return Call(
            method,
            path.format(**values),
            data=body,
            json=path.startswith("/api/") and method != "GET",
            headers=headers or {},
            marker=marker(w, r) if marker else r.number,
        )

    return _relational(build)


def _new_report(w, role, rel):
    from sigap.reports.tests.factories import inner_point

    lat, lon = inner_point(PB_KEL)
    return {
        "category": "sampah",
        "description": "Sampah menumpuk di pinggir jalan tiga hari tidak diangkut.",
        "lat": lat,
        "lon": lon,
        "privacy": "private",
    }


HOP = {"to_unit": "sudin-bina-marga:31.75", "reason": "bukan tupoksi kelurahan (uji matriks)"}
REASON = {"reason": "uji matriks akses: alasan penolakan"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def _merge_into(w, role, rel):
    """A merge target the caller can see, so the request reaches the check of the caller's right to act: the
    earlier report at Pondok Bambu, or for a validator (who sees only reports awaiting validation) the other one."""
    into = w.reports["earlier_pb"]
    if role == "validator":
        into = w.reports["other" if rel != "other" else "own"]
    return {"into": into.number, "reason": "duplikat (uji matriks)"}


def _photo_form(w, role, rel):
    return {"kind": "before", "photo": _photo_file()}


def _reveal_body(w, role, rel):
    return {"report": w.report(role, rel).number, "legal_basis": LEGAL_BASIS}


def _similar(w, role, rel):
    r = w.report(role, rel)
    return {"category": r.category.code, "lat": r.lat, "lon": r.lon}


def _track_form(w, role, rel):
    return {"code": _code(w, role, w.reports["own"])}


def _located(w, role, rel):
    from sigap.reports.tests.factories import inner_point

    lat, lon = inner_point(PB_KEL)
    return {"lat": lat, "lon": lon}


def _unit_name(w, r):
    return r.unit.name


CONSOLE_ACTIONS = {
    "terima": {"note": ""},
    "koordinasi": HOP,
    "disposisi": HOP,
    "tanya": {"question": "Di sebelah mana tepatnya saluran yang mampet? (uji matriks)"},
    "lanjutkan": {"reason": "lokasi sudah ditemukan petugas (uji matriks)"},
    "foto": _photo_form,
    "ajukan-validasi": {"note": ""},
    "tolak": REASON,
    "teruskan": {"destination": "PLN UP3 Jakarta Timur", "reason": "jaringan listrik (uji matriks)"},
    "gabungkan": _merge_into,
    "validasi": {"decision": "reject", "reason": "foto sesudah belum menunjukkan hasil (uji matriks)"},
    "triase": {"category": "saluran-tersumbat"},
}
JOURNEY_ACTIONS = {
    "jawab": {"answer": "Di depan gang nomor tiga (uji matriks)."},
    "nilai": {"rating": "5", "comment": "Cepat (uji matriks)."},
    "sanggah": {"reason": "Saluran masih mampet setelah hujan (uji matriks)."},
    "beres": {},
}

CALLS = {
    # --- the JSON API (keys as in the OpenAPI document) ---
    "POST /api/v1/reports": plain("POST", "/api/v1/reports", _new_report, json_body=True),
    "GET /api/v1/categories": plain("GET", "/api/v1/categories"),
    "GET /api/v1/locate": plain("GET", "/api/v1/locate", _located),
    "GET /api/v1/track/{code}": on_report("GET", "/api/v1/track/{code}", code=True),
    "GET /api/v1/track/{code}/photos/{photo_id}": on_report("GET", "/api/v1/track/{code}/photos/{photo}", code=True),
    "POST /api/v1/track/{code}/rating": on_report("POST", "/api/v1/track/{code}/rating", {"rating": 5}, code=True),
    "POST /api/v1/track/{code}/dispute": on_report(
        "POST", "/api/v1/track/{code}/dispute", {"reason": "Saluran masih mampet (uji matriks)."}, code=True
    ),
    "POST /api/v1/track/{code}/confirm": on_report("POST", "/api/v1/track/{code}/confirm", {}, code=True),
    "POST /api/v1/track/{code}/answer": on_report(
        "POST", "/api/v1/track/{code}/answer", {"answer": "Di depan gang nomor tiga (uji matriks)."}, code=True
    ),
    "POST /api/v1/officer/auth/token": plain(
        "POST",
        "/api/v1/officer/auth/token",
        {"username": "matrix.tidak.ada", "password": "salah-sekali-123"},
        json_body=True,
    ),
    "GET /api/v1/officer/reports": listing("GET", "/api/v1/officer/reports"),
    "GET /api/v1/officer/reports/{number}": api_get("/officer/reports/{number}"),
    "GET /api/v1/officer/reports/{number}/photos/{photo_id}": api_get("/officer/reports/{number}/photos/{photo}"),
    "GET /api/v1/officer/reports/{number}/suggestions": api_get("/officer/reports/{number}/suggestions"),
    "GET /api/v1/officer/units": plain("GET", "/api/v1/officer/units", {"q": "bina marga"}),
    "POST /api/v1/officer/reports/{number}/accept": api_post("/officer/reports/{number}/accept", {"note": ""}),
    "POST /api/v1/officer/reports/{number}/coordinate": api_post("/officer/reports/{number}/coordinate", HOP),
    "POST /api/v1/officer/reports/{number}/dispose": api_post("/officer/reports/{number}/dispose", HOP),
    "POST /api/v1/officer/reports/{number}/reject": api_post("/officer/reports/{number}/reject", REASON),
    "POST /api/v1/officer/reports/{number}/forward": api_post(
        "/officer/reports/{number}/forward", CONSOLE_ACTIONS["teruskan"]
    ),
    "POST /api/v1/officer/reports/{number}/merge": api_post("/officer/reports/{number}/merge", _merge_into),
    "POST /api/v1/officer/reports/{number}/ask": api_post("/officer/reports/{number}/ask", CONSOLE_ACTIONS["tanya"]),
    "POST /api/v1/officer/reports/{number}/resume": api_post(
        "/officer/reports/{number}/resume", CONSOLE_ACTIONS["lanjutkan"]
    ),
    "POST /api/v1/officer/reports/{number}/photos": api_post(
        "/officer/reports/{number}/photos", _photo_form, json_body=False
    ),
    "POST /api/v1/officer/reports/{number}/request-validation": api_post(
        "/officer/reports/{number}/request-validation", {"note": ""}
    ),
    "POST /api/v1/officer/reports/{number}/validate": api_post(
        "/officer/reports/{number}/validate", {"accept": False, "reason": CONSOLE_ACTIONS["validasi"]["reason"]}
    ),
    "POST /api/v1/officer/reports/{number}/triage": api_post(
        "/officer/reports/{number}/triage", {"category": "saluran-tersumbat"}
    ),
    "GET /api/v1/officer/desk/triage": listing("GET", "/api/v1/officer/desk/triage"),
    "POST /api/v1/officer/desk/triage/{number}": api_post(
        "/officer/desk/triage/{number}", {"category": "saluran-tersumbat"}
    ),
    "GET /api/v1/officer/desk/duplicates/{number}": api_get("/officer/desk/duplicates/{number}"),
    "POST /api/v1/officer/desk/duplicates/{number}/{candidate_id}/dismiss": api_post(
        "/officer/desk/duplicates/{number}/{candidate}/dismiss"
    ),
    "GET /api/v1/officer/export/reports.csv": listing("GET", "/api/v1/officer/export/reports.csv"),
    "GET /api/v1/officer/export/reports.xlsx": listing("GET", "/api/v1/officer/export/reports.xlsx"),
    "GET /api/v1/audit/access": plain("GET", "/api/v1/audit/access"),
    "GET /api/v1/audit/verify": plain("GET", "/api/v1/audit/verify"),
    "POST /api/v1/audit/verify": plain("POST", "/api/v1/audit/verify", {"checkpoints": []}, json_body=True),
    "GET /api/v1/audit/checkpoint": plain("GET", "/api/v1/audit/checkpoint"),
    "GET /api/v1/privacy/notices": plain("GET", "/api/v1/privacy/notices"),
    "GET /api/v1/privacy/reveal": plain("GET", "/api/v1/privacy/reveal"),
    "POST /api/v1/privacy/reveal": listing("POST", "/api/v1/privacy/reveal", _reveal_body, json_body=True),
    "POST /api/v1/privacy/reveal/{request_id}/decide": on_report(
        "POST", "/api/v1/privacy/reveal/{reveal}/decide", {"approve": True}
    ),
    "POST /api/v1/privacy/reveal/{request_id}/show": on_report("POST", "/api/v1/privacy/reveal/{reveal}/show"),
    # --- the API's own pages ---
    "GET api/openapi.json": plain("GET", "/api/openapi.json"),
    "GET api/docs": plain("GET", "/api/docs"),
    "GET api/": plain("GET", "/api/"),
    # --- health, language, channel webhooks ---
    "GET healthz": plain("GET", "/healthz"),
    "POST i18n/setlang/": plain("POST", "/i18n/setlang/", {"language": "en", "next": "/"}),
    "GET channels/<slug:channel>/webhook#whatsapp": plain("GET", "/channels/whatsapp/webhook"),
    "POST channels/<slug:channel>/webhook#whatsapp": plain("POST", "/channels/whatsapp/webhook", {"x": "1"}),
    "POST channels/<slug:channel>/webhook#telegram": plain("POST", "/channels/telegram/webhook", {"x": "1"}),
    # --- the officer console ---
    "GET petugas/": listing("GET", "/petugas/"),
    "GET petugas/antrean/": listing("GET", "/petugas/antrean/"),
    "GET petugas/unduh/laporan.csv": listing("GET", "/petugas/unduh/laporan.csv"),
    "GET petugas/unduh/laporan.xlsx": listing("GET", "/petugas/unduh/laporan.xlsx"),
    "GET petugas/unduh/berikutnya/": plain("GET", "/petugas/unduh/berikutnya/"),
    "GET petugas/masuk/": plain("GET", "/petugas/masuk/"),
    "POST petugas/keluar/": plain("POST", "/petugas/keluar/"),
    "GET petugas/unit/cari/": plain("GET", "/petugas/unit/cari/", {"unit_q": "bina marga"}),
    "GET petugas/validasi/": listing("GET", "/petugas/validasi/"),
    "GET petugas/eskalasi/": listing("GET", "/petugas/eskalasi/"),
    "GET petugas/dasbor/": plain("GET", "/petugas/dasbor/"),
    "GET petugas/dasbor/peta.json": listing("GET", "/petugas/dasbor/peta.json"),
    "GET petugas/dasbor/unduh.csv": plain("GET", "/petugas/dasbor/unduh.csv"),
    "GET petugas/dasbor/unduh.xlsx": plain("GET", "/petugas/dasbor/unduh.xlsx"),
    "GET petugas/kinerja/": plain("GET", "/petugas/kinerja/"),
    "GET petugas/kinerja/unduh.csv": plain("GET", "/petugas/kinerja/unduh.csv"),
    "GET petugas/kinerja/unduh.xlsx": plain("GET", "/petugas/kinerja/unduh.xlsx"),
    "GET petugas/kinerja/unit/<str:code>/": plain("GET", "/petugas/kinerja/unit/kel:{pb}/"),
    "GET petugas/laporan/<str:number>/": on_report("GET", "/petugas/laporan/{number}/"),
    "GET petugas/laporan/<str:number>/panel/": on_report("GET", "/petugas/laporan/{number}/panel/", headers=HTMX),
    "GET petugas/laporan/<str:number>/foto/<int:photo_id>/": on_report(
        "GET", "/petugas/laporan/{number}/foto/{photo}/"
    ),
    **{
        f"POST petugas/laporan/<str:number>/<slug:slug>/#{slug}": on_report(
            "POST", f"/petugas/laporan/{{number}}/{slug}/", data
        )
        for slug, data in CONSOLE_ACTIONS.items()
    },
    "GET petugas/operator/": plain("GET", "/petugas/operator/"),
    "POST petugas/operator/": plain("POST", "/petugas/operator/", {}),
    "GET petugas/operator/lokasi/": plain("GET", "/petugas/operator/lokasi/", {"kota": "31.75"}),
    "POST petugas/operator/lokasi/alamat/": plain(
        "POST", "/petugas/operator/lokasi/alamat/", {"address": "depan stasiun manggarai"}
    ),
    # --- the citizen portal ---
    "GET ": plain("GET", "/"),
    "GET lapor/": plain("GET", "/lapor/"),
    "POST lapor/": plain("POST", "/lapor/", {}),
    "GET lapor/terkirim/": plain("GET", "/lapor/terkirim/"),
    "GET lapor/wilayah/": plain("GET", "/lapor/wilayah/", {"kota": "31.75"}),
    "POST lapor/serupa/": listing("POST", "/lapor/serupa/", _similar),
    "POST lapor/serupa/<str:number>/": on_report("POST", "/lapor/serupa/{number}/", headers=HTMX, marker=_unit_name),
    "POST lapor/cek-foto/": plain("POST", "/lapor/cek-foto/", lambda w, role, rel: {"photo": _photo_file()}),
    "POST lapor/cek-alamat/": plain(
        "POST", "/lapor/cek-alamat/", lambda w, role, rel: {"address": "Jl. Kebon Sirih, Menteng", "kelurahan": ""}
    ),
    "GET lacak/": plain("GET", "/lacak/"),
    "POST lacak/": plain("POST", "/lacak/", _track_form),
    "POST lacak/lupakan/": plain("POST", "/lacak/lupakan/"),
    "GET lacak/laporan/<str:number>/": on_report("GET", "/lacak/laporan/{number}/"),
    "GET lacak/laporan/<str:number>/foto/<int:photo_id>/": on_report("GET", "/lacak/laporan/{number}/foto/{photo}/"),
    **{
        f"POST lacak/laporan/<str:number>/<str:action>/#{action}": on_report(
            "POST", f"/lacak/laporan/{{number}}/{action}/", data
        )
        for action, data in JOURNEY_ACTIONS.items()
    },
    "GET lacak/<str:code>/": on_report("GET", "/lacak/{code}/", code=True),
    "GET publik/": listing("GET", "/publik/"),
    "GET publik/peta.json": listing("GET", "/publik/peta.json"),
    "GET publik/<str:number>/": on_report("GET", "/publik/{number}/"),
    "GET publik/<str:number>/foto/<int:photo_id>/": on_report("GET", "/publik/{number}/foto/{photo}/"),
    "GET statistik/": plain("GET", "/statistik/"),
    "GET statistik/kinerja/": plain("GET", "/statistik/kinerja/"),
    "GET wilayah/kota.json": plain("GET", "/wilayah/kota.json"),
    "GET wilayah/<str:code>/batas.json": plain("GET", "/wilayah/{pb}/batas.json"),
    # --- Open311 GeoReport v2 (JSON; XML is the same view) ---
    r"GET open311/v2/^discovery\.(?P<fmt>json|xml)$": plain("GET", "/open311/v2/discovery.json"),
    r"GET open311/v2/^services\.(?P<fmt>json|xml)$": plain("GET", "/open311/v2/services.json"),
    r"GET open311/v2/^services/(?P<service_code>[^/]+?)\.(?P<fmt>json|xml)$": plain(
        "GET", "/open311/v2/services/saluran-tersumbat.json"
    ),
    r"GET open311/v2/^requests\.(?P<fmt>json|xml)$": listing("GET", "/open311/v2/requests.json"),
    r"POST open311/v2/^requests\.(?P<fmt>json|xml)$": plain("POST", "/open311/v2/requests.json", _new_report),
    r"GET open311/v2/^requests/(?P<service_request_id>[^/]+?)\.(?P<fmt>json|xml)$": on_report(
        "GET", "/open311/v2/requests/{number}.json"
    ),
    r"GET open311/v2/^tokens/(?P<token_id>[^/]+?)\.(?P<fmt>json|xml)$": plain(
        "GET", "/open311/v2/tokens/tidak-ada.json"
    ),
    r"GET open311/v2/^media/(?P<number>[A-Za-z0-9]{1,64})/(?P<photo_id>[0-9]{1,18})\.jpg$": on_report(
        "GET", "/open311/v2/media/{number}/{photo}.jpg"
    ),
    r"GET open311/v2/^(?P<rest>.*)$": plain("GET", "/open311/v2/tidak-ada.json"),
}


def _admin_calls() -> dict:
    out = {}
    for model, _row in table.ADMIN_MODELS.items():
        _app, _name = model.split("/")

        def obj(suffix, model=model):
            return lambda w, role, rel: Call("GET", f"/admin/{model}/{w.admin_ids[model]}/{suffix}")

        out[f"GET admin/{model}/"] = plain("GET", f"/admin/{model}/")
        out[f"GET admin/{model}/add/"] = plain("GET", f"/admin/{model}/add/")
        out[f"GET admin/{model}/<path:object_id>/history/"] = obj("history/")
        out[f"GET admin/{model}/<path:object_id>/delete/"] = obj("delete/")
        out[f"GET admin/{model}/<path:object_id>/change/"] = obj("change/")
        out[f"GET admin/{model}/<path:object_id>/"] = obj("")
    for label in table.ADMIN_APPS:
        out[f"GET admin/^(?P<app_label>{'|'.join(table.ADMIN_APPS)})/$#{label}"] = plain("GET", f"/admin/{label}/")
    out["GET admin/auth/user/<id>/password/"] = lambda w, role, rel: Call(
        "GET", f"/admin/auth/user/{w.admin_ids['auth/user']}/password/"
    )
    out["GET admin/r/<path:content_type_id>/<path:object_id>/"] = lambda w, role, rel: Call(
        "GET", f"/admin/r/{_content_type_id('reports', 'report')}/{w.reports['own'].pk}/"
    )
    for page in ("", "login/", "password_change/", "password_change/done/", "jsi18n/"):
        out[f"GET admin/{page}"] = plain("GET", f"/admin/{page}")
    out["POST admin/logout/"] = plain("POST", "/admin/logout/")
    out["GET admin/autocomplete/"] = plain(
        "GET",
        "/admin/autocomplete/",
        {"app_label": "reports", "model_name": "report", "field_name": "unit", "term": "bambu"},
    )
    out["GET admin/(?P<url>.*)$"] = plain("GET", "/admin/tidak-ada/")
    # the side doors to an identity: a token moved to another account, a role granted by one admin alone
    out["POST admin/officers/apitoken/<path:object_id>/change/"] = lambda w, role, rel: Call(
        "POST",
        f"/admin/officers/apitoken/{_token_pk(w, 'superuser')}/change/",
        {"user": w.users["privacy"].pk, "name": "matrix"},
    )
    out["POST admin/organization/staffrole/add/"] = lambda w, role, rel: Call(
        "POST",
        "/admin/organization/staffrole/add/",
        {"user": w.users["superuser"].pk, "unit": _unit_pk(BIRO), "role": "privacy_officer"},
    )
    return out


def _token_pk(w: World, role: str) -> int:
    from sigap.officers.models import ApiToken

    return ApiToken.objects.filter(key_hash=ApiToken.hash(w.tokens[role])).values_list("pk", flat=True).get()


def _unit_pk(code: str) -> int:
    from sigap.organization.models import Unit

    return Unit.objects.get(code=code).pk


def _content_type_id(app: str, model: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get(app_label=app, model=model).pk


CALLS.update(_admin_calls())


# --- the routes the running code has ------------------------------------------------------------------


def _walk(patterns, prefix=""):
    from django.urls import URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def api_routes() -> set[str]:
    from sigap.config.api import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def url_routes() -> set[str]:
    """Every URL pattern outside the API's operations (those are in the OpenAPI document)."""
    from django.urls import get_resolver

    out = set()
    for route, p in _walk(get_resolver().url_patterns):
        if route.startswith("api/") and getattr(p.callback, "__module__", "") == "ninja.operation":
            continue
        out.add(route)
    return out


def _route_of(key: str) -> str:
    """The route an entry names: the key without its method and its #variant."""
    _method, _, rest = key.partition(" ")
    return rest.split("#", 1)[0]


# --- the checks ---------------------------------------------------------------------------------------


def test_every_api_operation_has_an_entry():
    missing = sorted(api_routes() - {k for k in table.EXPECTED if k.split(" ", 1)[1].startswith("/api/")})
    assert not missing, (
        "These API operations have no entry in tests/authorization_matrix_table.py (EXPECTED). Add a line per "
        "operation, 'METHOD /path': one token per role in ROLES order, saying what each role must get, and a "
        f"request for it in CALLS of tests/test_authorization_matrix.py: {missing}"
    )


def test_every_url_pattern_has_an_entry():
    named = {_route_of(k) for k in table.EXPECTED if not _route_of(k).startswith("/api/")}
    missing = sorted(url_routes() - named)
    assert not missing, (
        "These URL patterns have no entry in tests/authorization_matrix_table.py (EXPECTED). Add 'METHOD pattern' "
        "(the pattern as Django's resolver prints it; '#variant' for one value of a path argument), one token "
        f"per role in ROLES order, and a request for it in CALLS of tests/test_authorization_matrix.py: {missing}"
    )


def test_every_entry_names_a_route_that_exists():
    existing = api_routes() | url_routes()
    stale = sorted(
        k
        for k in table.EXPECTED
        if (k if _route_of(k).startswith("/api/") else _route_of(k)) not in existing and k not in existing
    )
    assert not stale, f"These entries of the matrix name routes that no longer exist; remove them: {stale}"


def test_every_entry_has_a_request_and_a_well_formed_row():
    assert set(table.EXPECTED) == set(CALLS), (
        f"entries without a request: {sorted(set(table.EXPECTED) - set(CALLS))}; "
        f"requests without an entry: {sorted(set(CALLS) - set(table.EXPECTED))}"
    )
    for key in table.EXPECTED:
        table.cells(key, _is_relational(key))  # raises on a malformed row
    for key in table.FINDINGS:
        assert key[0] in table.EXPECTED and key[1] in table.ROLES and key[2] in (*table.RELATIONS, "-"), key


def test_every_console_action_and_portal_action_is_in_the_matrix():
    from sigap.officers.actions import BY_SLUG
    from sigap.portal.views import ACTIONS as JOURNEY

    assert set(CONSOLE_ACTIONS) == set(BY_SLUG), "a console action was added or removed: update CONSOLE_ACTIONS"
    assert set(JOURNEY_ACTIONS) == set(JOURNEY), "a journey action was added or removed: update JOURNEY_ACTIONS"


def _snapshot() -> tuple:
    """What a refused write must leave as it was."""
    from django.contrib.auth import get_user_model

    from sigap.officers.models import ApiToken
    from sigap.organization.models import StaffRole
    from sigap.privacy.models import RevealRequest
    from sigap.reports.models import DuplicateCandidate, Hop, Photo, Report, StatusChange

    return (
        tuple(Report.objects.order_by("pk").values_list("pk", "status", "unit_id", "public_note", "rating")),
        StatusChange.objects.count(),
        Hop.objects.count(),
        Photo.objects.count(),
        tuple(RevealRequest.objects.order_by("pk").values_list("pk", "state", "approver_id")),
        tuple(DuplicateCandidate.objects.order_by("pk").values_list("pk", "state")),
        tuple(ApiToken.objects.order_by("pk").values_list("pk", "user_id")),
        tuple(StaffRole.objects.order_by("pk").values_list("pk", "user_id", "unit_id", "role")),
        tuple(get_user_model().objects.order_by("pk").values_list("pk", "password", "is_superuser", "is_active")),
    )


LOGIN_PREFIXES = ("/petugas/masuk/", "/admin/login/")


def _is_login_redirect(response) -> bool:
    if response.status_code in (301, 302, 303, 307, 308):
        return response["Location"].split("?")[0].endswith(LOGIN_PREFIXES)
    return bool(response.get("HX-Redirect", "").split("?")[0].endswith(LOGIN_PREFIXES))


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return as_text(response).decode("utf-8", "replace")  # a workbook as its text


def classify(response, marker: str) -> set[str]:
    """Every class the response belongs to (the expected one must be among them)."""
    s = response.status_code
    out = set()
    if _is_login_redirect(response):
        return {"L"}
    if 200 <= s < 300:
        out.add("2")
        if marker:
            out.add("S" if marker in _body(response) else "H")
    if 300 <= s < 400:
        out.add("R")
    if s in (401, 403):
        out.add("D")
    if s == 404:
        out.add("N")
    if s < 500 and s not in (401, 403, 404):
        out.add("G")
    if s < 500:
        out.add("U")  # the caller then checks that nothing changed
    return out


def _is_relational(key: str) -> bool:
    return getattr(CALLS.get(key), "relational", False)


def _params():
    out = []
    for key in table.EXPECTED:
        for role, rel, expected in table.cells(key, _is_relational(key)):
            marks = []
            finding = table.FINDINGS.get((key, role, rel))
            if finding:
                marks.append(pytest.mark.xfail(strict=True, reason=f"finding: {finding}"))
            out.append(pytest.param(key, role, rel, expected, id=f"{key} | {role} | {rel}", marks=marks))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("key,role,rel,expected", _params())
def test_cell(world, key, role, rel, expected):
    call = CALLS[key](world, role, rel if rel != "-" else "own")
    if rel == "-":
        call.marker = ""
    writes = call.method != "GET"
    before = _snapshot() if writes else None
    response = _send(world, role, call)
    got = classify(response, call.marker)
    assert expected in got, (
        f"{key} as {role} on the {rel} report: expected {table.LEGEND[expected]}, got {response.status_code} "
        f"({', '.join(sorted(got))}) {_body(response)[:300]!r}"
    )
    if writes and (expected in table.REFUSED or expected == "U"):
        assert _snapshot() == before, f"{key} as {role} on the {rel} report was refused but changed something"


MISSING_NUMBER = "JK209901019999"  # the number of no report


def _hidden_cells():
    """(route, role, relation) where an officer or a validator must get 404 for a report that exists, named in the
    URL."""
    out = []
    for key in table.EXPECTED:
        if not _is_relational(key) or not ("number" in key or "service_request_id" in key):
            continue
        for role, rel, expected in table.cells(key, True):
            if role in ("officer", "validator") and expected == "N" and (key, role, rel) not in table.FINDINGS:
                out.append(pytest.param(key, role, rel, id=f"{key} | {role} | {rel}"))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("key,role,rel", _hidden_cells())
def test_a_hidden_report_answers_exactly_like_a_missing_one(world, key, role, rel):
    """A report outside the caller's sight must be indistinguishable from one that does not exist."""
    call = CALLS[key](world, role, rel)
    number = world.report(role, rel).number
    assert number in call.path
    hidden = _send(world, role, call)
    call.path = call.path.replace(number, MISSING_NUMBER)
    missing = _send(world, role, call)
    a, b = _unmasked(_body(hidden).replace(number, MISSING_NUMBER)), _unmasked(_body(missing))
    assert (hidden.status_code, a) == (missing.status_code, b)


CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')


def _unmasked(body: str) -> str:
    """The page without its CSRF tokens (masked afresh on every response)."""
    return CSRF.sub(r"\1…", body)


def test_the_route_checks_catch_a_stale_and_a_missing_entry(monkeypatch):
    """The checks above, on a table with one entry too many and two too few."""
    monkeypatch.setitem(table.EXPECTED, "GET petugas/tidak-ada/", "L L L L L L L L L L")
    with pytest.raises(AssertionError, match="petugas/tidak-ada/"):
        test_every_entry_names_a_route_that_exists()
    monkeypatch.delitem(table.EXPECTED, "GET petugas/tidak-ada/")
    monkeypatch.delitem(table.EXPECTED, "GET petugas/validasi/")
    monkeypatch.delitem(table.EXPECTED, "GET /api/v1/audit/verify")
    with pytest.raises(AssertionError, match="petugas/validasi/"):
        test_every_url_pattern_has_an_entry()
    with pytest.raises(AssertionError, match="GET /api/v1/audit/verify"):
        test_every_api_operation_has_an_entry()
