"""Answers to free-text extra questions are reporter-written text: they reach officers only through the one door
(``sigap.privacy.door.for_officers``), like the description they are appended to. A question that asks for a
person ("Siapa yang melihat kejadian?", "Kontak di lokasi") must not carry a name to the officer, also in an
anonymous filing (no name to match) or when the name differs from the first/last name sent."""

from __future__ import annotations

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

from sigap.open311.models import ServiceAttribute
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

from .conftest import body

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"


@pytest.fixture
def key(api_key):
    return api_key("app-warga")[1]


@pytest.fixture
def person_questions(service_definitions):
    for order, (code, question, datatype) in enumerate(
        [
            ("saksi", "Siapa yang melihat kejadian?", ServiceAttribute.Datatype.STRING),
            ("kontak_lokasi", "Kontak di lokasi", ServiceAttribute.Datatype.TEXT),
        ],
        start=10,
    ):
        ServiceAttribute.objects.create(
            category_code="jalan-rusak", code=code, datatype=datatype, order=order, description=question
        )


def file(o311, key, **extra) -> Report:
    lat, lon = inner_point(PB)
    form = {
        "api_key": key,
        "service_code": "jalan-rusak",
        "lat": str(lat),
        "long": str(lon),
        "description": "Jalan berlubang dalam di depan sekolah.",
        "attribute[ukuran_lubang]": "sedang",
        **extra,
    }
    response = o311.post(**form)
    assert response.status_code == 201, response.content
    return Report.objects.get(number=body(response)[0]["service_request_id"])


@pytest.mark.parametrize(
    "privacy, identity",
    [
        ("anonymous", {}),
        ("private", {"first_name": "Siti", "last_name": "Rahayu", "email": "siti@example.org"}),
    ],
)
def test_a_name_answered_to_a_question_about_a_person_does_not_reach_the_officer(
    o311, key, person_questions, privacy, identity
):
    report = file(
        o311,
        key,
        privacy=privacy,
        **identity,
        **{"attribute[saksi]": "Hendra Gunawan", "attribute[kontak_lokasi]": "Ratna Sari Dewi"},
    )
    for word in ("Hendra", "Gunawan", "Ratna", "Sari", "Dewi"):
        assert word not in report.description, report.description
    assert "Siapa yang melihat kejadian: [nama disembunyikan]" in report.description
    assert "Kontak di lokasi: [nama disembunyikan]" in report.description
    assert "Ukuran lubang terbesar: Sedang (30–100 cm)" in report.description  # list answers stay as they were


def test_an_answer_that_is_not_a_name_stays(o311, key, person_questions):
    report = file(
        o311, key, privacy="anonymous", **{"attribute[saksi]": "Tidak ada", "attribute[kontak_lokasi]": "Pos Satpam"}
    )
    assert "Siapa yang melihat kejadian: Tidak ada" in report.description
    assert "Kontak di lokasi: Pos Satpam" in report.description
