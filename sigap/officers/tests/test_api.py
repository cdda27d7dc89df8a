"""Officer API: token and session auth, the queue, detail, and every action; unit scoping answers 404."""

from __future__ import annotations

import base64
import io
import json

import pytest

from sigap.organization.models import StaffRole
from sigap.reports.models import Report
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db
PB_UNIT = "kel:31.75.07.1002"
SUDIN = "sudin-bina-marga:31.75"


def token_for(client, user) -> str:
    response = client.post(
        "/api/v1/officer/auth/token",
        data={"username": user.username, "password": "test-password-123"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


class Officer:
    def __init__(self, client, user):
        self.client, self.user = client, user
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, user)}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1/officer{path}", params, **self.auth)

    def post(self, path, data=None):
        return self.client.post(
            f"/api/v1/officer{path}", data=json.dumps(data or {}), content_type="application/json", **self.auth
        )

    def upload(self, number, kind, data):
        f = io.BytesIO(data)
        f.name = f"{kind}.jpg"
        return self.client.post(
            f"/api/v1/officer/reports/{number}/photos", data={"kind": kind, "photo": f}, **self.auth
        )


@pytest.fixture
def pb(client, staff):
    return Officer(client, staff("petugas.pb", PB_UNIT))


@pytest.fixture
def sudin(client, staff):
    return Officer(client, staff("sudin.bm", SUDIN))


@pytest.fixture
def validator(client, staff):
    return Officer(client, staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR))


def test_without_credentials_the_api_answers_401(client):
    response = client.get("/api/v1/officer/reports")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized" and response.json()["message_en"]


def test_wrong_password_is_refused(client, staff):
    staff("petugas.pb", PB_UNIT)
    response = client.post(
        "/api/v1/officer/auth/token",
        data={"username": "petugas.pb", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401 and response.json()["code"] == "bad_credentials"


def test_queue_lists_my_units_reports_with_counts_and_filters(pb):
    a = submit("saluran-tersumbat").report
    b = submit("sampah", description="Sampah menumpuk di TPS tiga hari tidak diangkut.").report
    submit("saluran-tersumbat", "31.71.01.1001")  # Gambir: not mine
    data = pb.get("/reports").json()
    assert data["count"] == 2 and {r["id"] for r in data["results"]} == {a.number, b.number}
    assert data["counts"] == {"waiting": 2}
    only = pb.get("/reports", category="sampah").json()
    assert [r["id"] for r in only["results"]] == [b.number]
    assert pb.get("/reports", kelurahan="Pondok Bambu").json()["count"] == 2
    assert pb.get("/reports", overdue="true").json()["count"] == 0
    assert pb.get("/reports", status="done").json()["count"] == 0
    paged = pb.get("/reports", page_size=1, page=2).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1
    bad = pb.get("/reports", status="bogus")
    assert bad.status_code == 422 and bad.json()["field"] == "status"


def test_kelurahan_officer_cannot_open_another_kelurahan_report(client, staff, pb):
    other = submit("saluran-tersumbat", "31.71.01.1001").report
    for path in (f"/reports/{other.number}", f"/reports/{other.number}/suggestions"):
        response = pb.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = pb.post(f"/reports/{other.number}/accept")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "waiting"


def test_whole_flow_through_the_api(client, pb, sudin, validator, jpeg):
    created = client.post(
        "/api/v1/reports",
        data=json.dumps(
            {
                "category": "jalan-rusak",
                "description": "Jalan berlubang di depan sekolah, motor sering jatuh.",
                "lat": -6.2351316,
                "lon": 106.9009,
                "privacy": "private",
                "reporter": {"name": "Ani", "phone": "081298765432"},
            }
        ),
        content_type="application/json",
    ).json()
    number, code = created["id"], created["tracking_code"]
    assert created["unit"]["code"] == PB_UNIT

    detail = pb.get(f"/reports/{number}").json()
    assert {"accept", "coordinate", "reject", "ask"} <= set(detail["allowed"])
    suggestions = pb.get(f"/reports/{number}/suggestions").json()
    assert suggestions["coordinate"][0]["code"] == SUDIN

    refused = pb.post(f"/reports/{number}/coordinate", {"to_unit": SUDIN, "reason": " "})
    assert refused.status_code == 422 and refused.json()["code"] == "reason_required"
    moved = pb.post(f"/reports/{number}/coordinate", {"to_unit": SUDIN, "reason": "bukan tupoksi: jalan kota"})
    assert moved.status_code == 200 and moved.json()["status"]["code"] == "koordinasi"
    assert moved.json()["unit"]["code"] == SUDIN
    assert pb.post(f"/reports/{number}/accept").status_code == 403  # no longer at Pondok Bambu

    assert (
        sudin.post(f"/reports/{number}/accept", {"note": "Tim dijadwalkan."}).json()["status"]["code"] == "in_progress"
    )
    early = sudin.post(f"/reports/{number}/request-validation")
    assert early.status_code == 409 and early.json()["code"] == "proof_missing"
    assert sudin.upload(number, "before", jpeg()).status_code == 201
    bad_kind = sudin.upload(number, "during", jpeg())
    assert bad_kind.status_code == 422 and bad_kind.json()["field"] == "kind"
    not_image = sudin.upload(number, "after", b"GIF89a not really")
    assert not_image.status_code == 422 and not_image.json()["code"] == "photo_not_image"
    assert sudin.upload(number, "after", jpeg()).status_code == 201
    assert sudin.post(f"/reports/{number}/request-validation").json()["status"]["code"] == "awaiting_validation"

    queue = validator.get("/reports", status="awaiting_validation").json()
    assert number in {r["id"] for r in queue["results"]}
    detail = validator.get(f"/reports/{number}").json()
    assert "validate" in detail["allowed"] and {p["kind"] for p in detail["photos"]} == {"before", "after"}
    photo = validator.client.get(detail["photos"][0]["url"], **validator.auth)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert sudin.post(f"/reports/{number}/validate", {"accept": True, "reason": "Bukti diperiksa."}).status_code == 403
    done = validator.post(f"/reports/{number}/validate", {"accept": True, "reason": "Bukti diperiksa."})
    assert done.json()["status"] == {"code": "done", "label": "Selesai", "type": "done", "colour": "green"}

    track = client.get(f"/api/v1/track/{code}").json()
    assert track["status"]["code"] == "done" and track["can_rate"]
    assert [h["to_unit"] for h in track["hops"]] == ["Suku Dinas Bina Marga Jakarta Timur"]
    rated = client.post(
        f"/api/v1/track/{code}/rating", data={"rating": 5, "comment": "Mantap"}, content_type="application/json"
    )
    assert rated.status_code == 200

    detail = sudin.get(f"/reports/{number}").json()
    assert detail["hops"][0]["reason"] == "bukan tupoksi: jalan kota" and detail["hops"][0]["by"] == "petugas.pb"
    assert [h["status"]["code"] for h in detail["history"]] == [
        "waiting",
        "koordinasi",
        "in_progress",
        "awaiting_validation",
        "done",
    ]


def test_session_auth_requires_csrf_for_actions(client, staff):
    user = staff("petugas.pb", PB_UNIT)
    report = submit().report
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert csrf_client.get("/api/v1/officer/reports").status_code == 200
    response = csrf_client.post(
        f"/api/v1/officer/reports/{report.number}/accept", data="{}", content_type="application/json"
    )
    assert response.status_code in (401, 403)
    report.refresh_from_db()
    assert report.status == "waiting"


def test_every_action_endpoint_refuses_bad_input_with_422(pb):
    number = submit().report.number
    for path, payload in [
        ("coordinate", {"to_unit": "x"}),
        ("dispose", {}),
        ("reject", {"reason": ""}),
        ("forward", {"destination": "PLN"}),
        ("merge", {}),
        ("ask", {"question": "x" * 2001}),
        ("validate", {"reason": "x"}),
        ("accept", {"note": 5, "extra": 1}),
    ]:
        response = pb.post(f"/reports/{number}/{path}", payload)
        assert response.status_code == 422, (path, response.content)
        assert response.json()["code"] == "invalid_input" and response.json()["message"]
    assert Report.objects.get(number=number).status == "waiting"


def test_merge_into_a_report_i_cannot_see_is_refused(pb):
    mine = submit().report
    other = submit("saluran-tersumbat", "31.71.01.1001").report
    response = pb.post(f"/reports/{mine.number}/merge", {"into": other.number})
    assert response.status_code == 422 and response.json()["code"] == "bad_merge_target"


def test_password_guessing_is_throttled(client, staff):
    staff("petugas.pb", PB_UNIT)
    codes = [
        client.post(
            "/api/v1/officer/auth/token",
            data={"username": "petugas.pb", "password": f"guess{i}"},
            content_type="application/json",
        ).status_code
        for i in range(7)
    ]
    # the fifth failure for this account from this address locks it (SIGAP_LOGIN_LOCKOUT, django-axes)
    assert codes[:4] == [401] * 4 and codes[4:] == [429, 429, 429]


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"page": 10**18},  # an offset past what a database integer holds (found by a fuzzing review)
        {"page": 10_001},
        {"cursor": _cursor("9999-12-31T23:59:59-23:59~1")},  # a time no database can hold in UTC
        {"cursor": _cursor("0001-01-01T00:00:00+23:59~1")},
        {"cursor": _cursor("2026-12-01T08:00:00~99999999999999999999999")},  # an id past a 64-bit integer
        {"cursor": _cursor("2026-12-01T08:00:00~-5")},
        {"cursor": _cursor("2026-12-01T08:00:00~1"), "status": "all"},  # no zone: not a cursor Sigap wrote
    ],
)
def test_a_page_or_cursor_out_of_range_is_a_clear_422(pb, params):
    submit("saluran-tersumbat")
    response = pb.get("/reports", **params)
    assert response.status_code == 422, response.content
    assert response.json()["field"] in ("page", "cursor")


def test_a_cursor_sigap_wrote_still_pages(pb):
    for _ in range(3):
        submit("saluran-tersumbat")
    first = pb.get("/reports", page_size=2).json()
    assert first["next_cursor"]
    rest = pb.get("/reports", page_size=2, cursor=first["next_cursor"]).json()
    assert len(rest["results"]) == 1
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in rest["results"]})
