"""The reporter's own name, account name and email local part are cut wherever they are written as theirs, everyday
words included, in lower case too.

Two fixes were tried in this session for the placeholder that points at an everyday-word value ("setiap [akun
disembunyikan] jalan ini banjir" for the account hujan, "lampu tenaga [nama disembunyikan]" for a Surya): sparing
the word where it reads as the word. Three reviews in turn found the reporter's own value reaching the officer where
a reader takes it as theirs ("salam, surya", "cp: hujan", "hujan (ig)", "inbox hujan aja", "a.n. hujan", a contact
cue on the line before), and the sentence scan cost grew with the square of the text. The door cuts them everywhere,
as before: the placeholder's hint is the lesser harm (docs/privacy.md). These cases keep it so."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"


IDENTITY = {"name": "Surya Pratama", "phone": "081234567890", "email": "senja@gmail.com", "username": "hujan"}


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
        ("Lampu mati di gang 3. inbox hujan aja ya", "hujan"),
        ("Lampu mati di gang 3. reach me at hujan anytime", "hujan"),
        ("Laporan ini a.n. hujan ya pak", "hujan"),
        ("Lampu mati. DM ke IG saya:\nhujan ya pak", "hujan"),
        ("Lampu mati. Email saya:\nsenja ya pak", "senja"),
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
