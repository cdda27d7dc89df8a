"""A reporter's own value that is an everyday word is cut where written as theirs, not where used as the word.

The door cut the reporter's name, their email's local part and their account name wherever the same word stood,
also in "lampu tenaga surya" or "setiap senja": the officer read a placeholder where the generic rules cut nothing
and the missing word was plain from its context, and so learnt a word of the reporter's name, or their account
outright (a review). What an officer reads of a text that does not name the reporter must not depend on who filed
it. Capitalised, a word is written as a name: "minum bir Bintang" for a Bintang and "Untung tidak ada korban" for an
Untung are still cut (the door cannot tell a brand, or a sentence's first word, from a person there; "Surya yang
lapor" is the reporter)."""

from __future__ import annotations

import pytest

from sigap.open311.services import apiclient_issue
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"


def _file_api(client, description: str, reporter: dict) -> str:
    lat, lon = inner_point(PB)
    response = client.post(
        "/api/v1/reports",
        {
            "category": "lampu-jalan",
            "description": description,
            "lat": lat,
            "lon": lon,
            "privacy": "private",
            "reporter": reporter,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _officer_reads(client, staff, number: str) -> str:
    officer = staff("petugas.pb.oracle", f"kel:{PB}")
    client.force_login(officer)
    response = client.get(f"/api/v1/officer/reports/{number}")
    client.logout()
    assert response.status_code == 200, response.content
    return response.json()["description"]


@pytest.mark.parametrize(
    "name, text",
    [
        # a solar street light (PJU tenaga surya) is an everyday complaint; Surya a common given name
        ("Surya Pratama", "Lampu PJU tenaga surya di depan masjid mati sejak seminggu, jalan gelap."),
        ("Cahaya Lestari", "Lampu jalan tidak ada cahaya sama sekali di gang ini sejak seminggu."),
    ],
)
def test_an_everyday_word_that_is_the_reporters_name_does_not_tell_the_officer_their_name(client, staff, name, text):
    theirs = _file_api(client, text, {"name": name, "phone": "0812-3456-7890"})
    someone_elses = _file_api(client, text, {"name": "Rina Marlina", "phone": "0813-1111-2222"})
    read_theirs = _officer_reads(client, staff, theirs)
    read_other = _officer_reads(client, staff, someone_elses)
    # today: "Lampu PJU tenaga [nama disembunyikan] di depan masjid …" for Surya, the text as written for Rina
    assert read_theirs == read_other, (read_theirs, read_other)


def test_an_email_local_part_that_is_an_everyday_word_is_not_pointed_at(client, staff):
    text = "Lampu jalan mati setiap senja, gelap sekali di gang ini, rawan jambret."
    theirs = _file_api(client, text, {"name": "Rina Marlina", "email": "senja@gmail.com"})
    someone_elses = _file_api(client, text, {"name": "Rina Marlina", "email": "rina.m@gmail.com"})
    read_theirs = _officer_reads(client, staff, theirs)
    # today: "Lampu jalan mati setiap [email disembunyikan], gelap sekali …": the address is senja@…
    assert read_theirs == _officer_reads(client, staff, someone_elses), read_theirs


def test_an_open311_account_id_that_is_an_everyday_word_is_not_pointed_at(client, staff):
    """An Open311 app's account_id (a user name on the app) is cut wherever the word stands, as "[akun …]"."""
    _app, key = apiclient_issue(name="Aplikasi Warga Review")
    lat, lon = inner_point(PB)
    text = "Setiap hujan jalan ini banjir selutut dan lubangnya tidak terlihat."
    numbers = []
    for account in ("hujan", "warga7781"):
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "saluran-tersumbat",
                "lat": lat,
                "long": lon,
                "description": text,
                "account_id": account,
            },
        )
        assert response.status_code == 201, response.content
        numbers.append(response.json()[0]["service_request_id"])
    theirs, someone_elses = (_officer_reads(client, staff, n) for n in numbers)
    # today: "Setiap [akun disembunyikan] jalan ini banjir …": the account is "hujan"
    assert theirs == someone_elses, theirs
    assert Report.objects.filter(number__in=numbers).count() == 2


IDENTITY = {"name": "Surya Pratama", "phone": "081234567890", "email": "senja@gmail.com", "username": "hujan"}
OTHER = {"name": "Rina Marlina", "phone": "081311112222", "email": "rina.m@gmail.com", "username": "warga7781"}


@pytest.mark.parametrize(
    "text",
    [
        "Lampu PJU tenaga surya mati, setiap senja gang ini gelap dan setiap hujan banjir.",
        "Sudah seminggu tidak ada cahaya sama sekali, padahal lampunya tenaga surya.",
        "Untung tidak ada korban, tapi tiang listrik miring ke jalan; tidak ada cahaya.",
    ],
)
def test_the_word_used_as_a_word_reads_the_same_whoever_filed_it(text):
    from sigap.privacy import door

    cahaya = {**OTHER, "name": "Cahaya Lestari"}
    assert door.for_officers(text, identity=IDENTITY).text == door.for_officers(text, identity=OTHER).text
    assert door.for_officers(text, identity=cahaya).text == door.for_officers(text, identity=OTHER).text


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Lampu mati di depan rumah. Salam, Surya", "Surya"),
        ("Lampu mati. Saya surya, warga RT 03.", "surya"),
        ("Lampu mati di gang. Hubungi saya, IG saya: hujan", "hujan"),
        ("Kabari saya lewat email senja@gmail.com ya", "senja"),
        ("Lampu mati, kata Pak Surya Pratama di pos ronda.", "Surya"),
        ("Surya yang lapor, lampu di gang mati.", "Surya"),  # capitalised at a sentence's start: a name
        ("Lampu jalan mati, twitter saya @hujan", "hujan"),
    ],
)
def test_the_reporters_own_value_written_as_theirs_is_still_cut(text, gone):
    from sigap.privacy import door

    assert gone not in door.for_officers(text, identity=IDENTITY).text
