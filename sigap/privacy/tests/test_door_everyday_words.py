"""A reporter's own email local part or account name that is an everyday word is cut where written as theirs, not
where the word is used as the word.

The door cut them wherever the same word stood, also in "setiap senja" or "setiap hujan banjir": the officer read
"setiap [akun disembunyikan]" where the generic rules cut nothing, and so learnt the account outright (a review).
Their name is still cut everywhere, in lower case too: a chat signs off in lower case ("salam, surya"), and a second
review found every such sign-off reaching the officer when the first fix spared everyday names (that placeholder
may tell a word of the name where the sentence makes it plain: the lesser harm)."""

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
        "Lampu jalan mati, setiap senja gang ini gelap dan setiap hujan banjir.",
        "Hujan deras tadi malam, senja ini air belum surut.",
    ],
)
def test_the_word_used_as_a_word_reads_the_same_whoever_filed_it(text):
    from sigap.privacy import door

    assert door.for_officers(text, identity=IDENTITY).text == door.for_officers(text, identity=OTHER).text


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
        # the reporter's name in lower case, as a chat signs off (a second review: these reached the officer)
        ("Lampu mati di gang. salam, surya", "surya"),
        ("Lampu mati di gang. terima kasih, surya", "surya"),
        ("Lampu mati di gang. dari surya", "surya"),
        ("Lampu mati di gang.\n- surya", "surya"),
        ("Lampu mati di gang.\nsurya\n", "surya"),
        ("Lampu mati.\n\nsurya\nrt 04 rw 02", "surya"),
        ("Lampu mati di gang. surya, rt 03", "surya"),
        ("Lampu PJU tenaga surya mati.", "surya"),
        # the account or the address written as theirs, the cue before or after it
        ("akunku hujan, mention aja", "hujan"),
        ("instagramku hujan", "hujan"),
        ("cari aku di x: hujan", "hujan"),
        ("tag hujan di instagram", "hujan"),
        ("Mention ke hujan di X ya", "hujan"),
        ("IG saya yang dulu itu ya: hujan", "hujan"),
        ("Kabari ke senja di gmail ya", "senja"),
        ("emailku senja di gmail", "senja"),
    ],
)
def test_the_reporters_own_value_written_as_theirs_is_still_cut(text, gone):
    from sigap.privacy import door

    assert gone not in door.for_officers(text, identity=IDENTITY).text


CONTACT_OWNER = {"name": "Rina Marlina", "email": "senja@gmail.com", "username": "hujan"}


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Lampu mati di gang 3. cp: hujan", "hujan"),  # cp = contact person
        ("Lampu mati di gang 3. Narahubung: hujan", "hujan"),
        ("Lampu mati di gang 3. nama pengguna: hujan", "hujan"),
        ("Lampu mati di gang 3. medsos: hujan", "hujan"),
        ("Lampu mati di gang 3. discord: hujan", "hujan"),
        ("Lampu mati di gang 3. hujan di discord", "hujan"),
        ("Lampu mati di gang 3, kabari hujan (ig)", "hujan"),
        ("Lampu mati di gang 3. hujan, ig saya", "hujan"),
        ("Lampu mati di gang 3. hujan itu akun ig saya", "hujan"),
        ("Lampu mati di gang 3. imel: senja", "senja"),
        ("Lampu mati di gang 3, kabari saya di senja gmail com", "senja"),
        ("Lampu mati di gang 3. mailto senja", "senja"),
        ("Lampu mati di gang 3. salam, hujan", "hujan"),  # a chat's sign-off with the account name
        ("Lampu mati di gang 3. Ttd hujan", "hujan"),
        ("Lampu mati di gang 3.\n- hujan", "hujan"),
        ("Lampu mati di gang 3. Pelapor: hujan", "hujan"),
        ("Lampu mati di gang 3. tanya ke hujan soal ini", "hujan"),
        ("Lampu mati di gang 3. reddit u/hujan", "hujan"),
        ("Lampu mati di gang 3. kirim ke senja@", "senja"),
        ("Lampu mati di gang 3. senja, gmail", "senja"),
        ("Lampu mati di gang 3. dari hujan", "hujan"),
    ],
)
def test_the_reporters_own_account_written_as_their_contact_is_cut_whatever_the_words(text, gone):
    from sigap.privacy import door

    assert gone not in door.for_officers(text, identity=CONTACT_OWNER).text.lower()


def test_an_open311_account_id_written_as_the_contact_does_not_reach_the_officer(client, staff):
    from sigap.open311.services import apiclient_issue
    from sigap.reports.tests.factories import inner_point

    pb = "31.75.07.1002"
    _app, key = apiclient_issue(name="Aplikasi Warga Review Last")
    lat, lon = inner_point(pb)
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "saluran-tersumbat",
            "lat": lat,
            "long": lon,
            "description": "Saluran tersumbat sejak minggu lalu, air meluap ke jalan. cp: hujan",
            "account_id": "hujan",
        },
    )
    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    client.force_login(staff("petugas.pb.review", f"kel:{pb}"))
    read = client.get(f"/api/v1/officer/reports/{number}")
    assert read.status_code == 200, read.content
    assert "hujan" not in read.json()["description"], read.json()["description"]
