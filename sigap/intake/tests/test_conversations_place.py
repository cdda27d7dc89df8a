"""Answering "which place?" in a chat or SMS dialog (#15), as a review of the first version found it used: a name
rejected, a place whose name holds an option's, details written with the choice, a dialog saved by an earlier
release, a report sent again, "none of them" in other words, English, a double tap, an over-long place and a
photo while the choice waits."""

from __future__ import annotations

import pytest

from sigap.intake import conversations
from sigap.intake.models import Conversation, InboundMessage
from sigap.intake.tests.channel_helpers import PHONE, replies_to, wa_payload, wa_sign, wa_text
from sigap.intake.tests.test_conversations import _asked_where_exactly, _options, _say
from sigap.intake.tests.test_sms import _sms
from sigap.reports.models import Report

pytestmark = pytest.mark.django_db
ASK = ("Lokasi mana?", "Which place?")


def _data() -> tuple[Conversation, dict]:
    conv = Conversation.objects.get(state="open")
    return conv, conversations.dialog_load(conv)


def _where(name: str) -> list[float]:
    """The point of an offered place, by its kelurahan's name."""
    place = next(p for p in _data()[1]["places"] if p["name"].split(" (")[0] == name)
    return [place["lat"], place["lon"]]


def _filed(deliver, prefix: str) -> Report:
    for i, text in enumerate(("ya", "1"), 1):
        _say(deliver, f"wamid.{prefix}F{i}", text)
    return Report.objects.get()


@pytest.mark.parametrize("reply", ["bukan kampung melayu", "jangan yang kampung melayu"])
def test_a_name_rejected_is_not_chosen_and_the_others_are_offered(deliver, fake, reply):
    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.X1", reply)
    conv, data = _data()
    assert data["location"] is None and conv.step == "location_pick"
    assert "Kampung Melayu" not in _options(replies_to(fake)[-1]) and "Bukit Duri" in _options(replies_to(fake)[-1])


@pytest.mark.parametrize("reply, rejected", [("jangan yang 1", "1"), ("bukan dua", "2"), ("bukan yang kedua", "2")])
def test_a_number_rejected_is_not_chosen(deliver, fake, reply, rejected):
    _asked_where_exactly(deliver, fake)
    name = next(name for name, number in _options(replies_to(fake)[-1]).items() if number == rejected)
    _say(deliver, "wamid.X1", reply)
    assert _data()[1]["location"] is None and name not in _options(replies_to(fake)[-1])


def test_a_place_whose_name_holds_an_option_is_not_that_option(deliver, fake):
    """Kampung Melayu Kecil is an area of Tebet: read with "kampung pulo", Bukit Duri."""
    _asked_where_exactly(deliver, fake)
    melayu = _where("Kampung Melayu")
    _say(deliver, "wamid.X1", "di kampung melayu kecil")
    assert _data()[1]["location"] != melayu
    assert _filed(deliver, "X").kelurahan.name == "Bukit Duri"


def test_what_is_written_with_the_chosen_name_is_kept_in_the_address(deliver, fake):
    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.X1", "yang kampung melayu, gang h naim rt 03 rw 02 dekat musholla")
    report = _filed(deliver, "X")
    assert report.kelurahan.name == "Kampung Melayu"
    assert "kampung melayu" in report.address and "naim" in report.address and "kampung pulo" in report.address


def test_a_number_chosen_keeps_what_was_written_of_the_place(deliver, fake):
    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.X1", _options(replies_to(fake)[-1])["Kampung Melayu"])
    report = _filed(deliver, "X")
    assert report.kelurahan.name == "Kampung Melayu" and "kampung pulo" in report.address


def test_the_place_chosen_does_not_show_a_reporter_named_like_it(deliver, fake):
    """A review's finding: the option's label ("Kartini (Sawah Besar)") was put before the resident's words and passed
    the redaction door with them, which cut the word it shares with the reporter's WhatsApp name: "[nama
    disembunyikan] (Sawah Besar)" beside Kelurahan Kartini told the officer the reporter's name."""
    name = "Ratna Kartini"  # Kartini is a kelurahan of Sawah Besar

    def say(mid: str, text: str) -> None:
        body = wa_payload(wa_text(mid, text), name=name)
        deliver("whatsapp", body, wa_sign(body))

    say("wamid.K1", "Got mampet parah, air meluap ke jalan")
    say("wamid.K2", "di jl gunung sahari")
    asked = replies_to(fake)[-1]
    assert asked.startswith("Lokasi mana?") and "Kartini" in _options(asked)
    say("wamid.K3", _options(asked)["Kartini"])  # chosen by its number alone
    say("wamid.K4", "ya")
    say("wamid.K5", "1")
    report = Report.objects.get()
    assert report.kelurahan.name == "Kartini"
    assert "disembunyikan" not in report.address and "gunung sahari" in report.address, report.address


def test_a_dialog_saved_by_an_earlier_release_takes_any_reply(deliver, fake):
    """Its offered places say "kode" and "nama"."""
    _asked_where_exactly(deliver, fake)
    conv, data = _data()
    data["places"] = [{"kode": p["code"], "nama": p["name"], "lat": p["lat"], "lon": p["lon"]} for p in data["places"]]
    conversations.dialog_save(conv, data)
    conv.save()
    _say(deliver, "wamid.O1", "airnya sepinggang")
    assert InboundMessage.objects.order_by("pk").last().state == "processed"
    assert replies_to(fake)[-1].startswith(ASK[0])
    _say(deliver, "wamid.O2", "kampung melayu")
    assert _filed(deliver, "O").kelurahan.name == "Kampung Melayu"


def test_sms_the_same_report_sent_again_asks_the_question_again_and_is_not_stored_twice(deliver, fake):
    message = "LAPOR#saluran-tersumbat#Kampung Pulo#Got mampet parah"
    _sms(deliver, {"from": "081255557777", "id": "n1", "text": message})
    asked = fake.sent("/sms/send")[-1]["json"]["text"]
    _sms(deliver, {"from": "081255557777", "id": "n2", "text": message})
    assert fake.sent("/sms/send")[-1]["json"]["text"] == asked
    _sms(deliver, {"from": "081255557777", "id": "n3", "text": _options(asked)["Kampung Melayu"]})
    _sms(deliver, {"from": "081255557777", "id": "n4", "text": "1"})
    assert Report.objects.get().description == "Got mampet parah"


@pytest.mark.parametrize(
    "reply", ["bukan semua pak", "bukan keduanya", "bukan dua-duanya", "gak tau", "0", "tidak ada"]
)
def test_none_of_them_in_other_words_asks_for_the_place_anew(deliver, fake, reply):
    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.X1", reply)
    conv, data = _data()
    assert reply not in data["texts"] and conv.step == "location"
    assert replies_to(fake)[-1].startswith("Lokasi belum dapat kami kenali")


def test_the_same_choice_is_asked_at_most_three_times_then_the_place_anew(deliver, fake):
    _asked_where_exactly(deliver, fake)
    for i, text in enumerate(("airnya sepinggang", "tolong cepat ya", "sudah tiga hari"), 1):
        _say(deliver, f"wamid.L{i}", text)
    assert replies_to(fake)[-1].startswith("Lokasi belum dapat kami kenali")
    assert replies_to(fake)[-2].startswith(ASK[0]) and replies_to(fake)[-3].startswith(ASK[0])
    assert _data()[1]["texts"][-3:] == ["airnya sepinggang", "tolong cepat ya", "sudah tiga hari"]


@pytest.mark.parametrize("reply", ["the first one", "number one please", "1"])
def test_an_english_speaker_chooses_by_a_number_in_words(deliver, fake, reply):
    for mid, text in (("wamid.E1", "The drain is blocked and flooding the street"), ("wamid.E2", "kampung pulo")):
        _say(deliver, mid, text)
    asked = replies_to(fake)[-1]
    assert asked.startswith(ASK[1])
    first = next(name for name, number in _options(asked).items() if number == "1")
    _say(deliver, "wamid.E3", reply)
    assert _data()[1]["location"] is not None
    _say(deliver, "wamid.E4", "yes")
    _say(deliver, "wamid.E5", "1")
    assert Report.objects.get().kelurahan.name == first


def test_a_choice_in_words_sent_twice_at_once_answers_only_its_question(deliver, fake, settings):
    settings.SIGAP_DIALOG_REPEAT_SECONDS = 3  # as in production
    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.T1", "yang kedua")
    _say(deliver, "wamid.T2", "yang kedua")  # a double tap, or a gateway's re-send under a new id
    conv, data = _data()
    assert "yang kedua" not in data["texts"] and conv.step == "category"


def test_a_long_reply_joined_to_the_place_still_files(deliver, fake):
    """The place written before and a reply of 495 characters are more than an address holds: the address keeps
    the latest words, the place is read from all of them, and the report is filed."""
    _asked_where_exactly(deliver, fake)
    reply = ("jatinegara, " + "rumahnya yang cat hijau dekat pos ronda, " * 12)[:495]
    _say(deliver, "wamid.X1", reply)
    report = _filed(deliver, "X")
    assert report.kelurahan.name == "Kampung Melayu" and len(report.address) <= 500


def test_a_photo_while_the_choice_waits_keeps_the_choice(deliver, fake):
    _asked_where_exactly(deliver, fake)
    asked = replies_to(fake)[-1]
    image = {"id": "A1", "mime_type": "image/jpeg"}
    body = wa_payload({"from": PHONE, "id": "wamid.I1", "timestamp": "1764300000", "type": "image", "image": image})
    deliver("whatsapp", body, wa_sign(body))
    assert replies_to(fake)[-1] == asked
    _say(deliver, "wamid.I2", _options(asked)["Kampung Melayu"])
    assert _data()[1]["location"] is not None


@pytest.mark.parametrize(
    "reply, named",
    [
        ("kampung melayu", {1}),
        ("kp melayu pak", {1}),
        ("yang bukit duri, tebet", {0}),
        ("pulogadung", set()),  # neither option's name, whole
        ("kampung melayu atau bukit duri", {0, 1}),  # both: not a choice
        ("di kampung melayu kecil", set()),  # an area whose name holds the option's
        ("jl kampung melayu", set()),  # a street named after it
    ],
)
def test_the_options_a_reply_names(reply, named):
    places = [
        {"code": "31.74.01.1003", "name": "Bukit Duri (Tebet)"},
        {"code": "31.75.01.1003", "name": "Kampung Melayu (Jatinegara)"},
    ]
    assert conversations._options_named(reply, places) == named


def test_an_over_long_place_is_cut_at_a_word_so_no_number_is_left_in_part():
    """A review's finding: the place texts were cut at a fixed character, which could leave a NIK's last 14 digits,
    a fragment the redaction door does not know as a NIK."""
    nik = "3174051203850007"
    earlier = f"rumah saya nik {nik} " + "gang mawar dekat warung " * 19
    for pad in range(0, 40):
        fitted = conversations._address_fit(earlier + "x" * pad, "dekat musala")
        assert len(fitted) <= conversations.ADDRESS_MAX
        assert nik in fitted or nik[-6:] not in fitted, fitted[:40]


def test_a_first_message_that_names_its_place_is_not_stored_whole_as_the_address(deliver, fake):
    """A first message naming its kelurahan places the report; it was then kept whole as the report's address,
    which the door reads as place text, where a kelurahan's name whose words are all the reporter's is kept as the
    place's: the sign-off "Wijaya Kusuma" of Andi Wijaya Kusuma was cut from the description and shown in the
    address beside it (found by a review). The message is the description; the address holds no word of it."""
    text = "Got mampet di Jl. Mawar, Pondok Bambu, Duren Sawit, air meluap ke jalan kalau hujan. Salam, Wijaya Kusuma"
    for msg in (wa_text("wamid.RB1", text), wa_text("wamid.RB2", "ya"), wa_text("wamid.RB3", "1")):
        body = wa_payload(msg, name="Andi Wijaya Kusuma")
        assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    report = Report.objects.get()
    assert report.unit.name.endswith("Pondok Bambu") or "Pondok Bambu" in str(report.unit)
    assert "Jl. Mawar" in report.description and "Wijaya Kusuma" not in report.description
    assert "Wijaya Kusuma" not in report.address and "meluap" not in report.address
