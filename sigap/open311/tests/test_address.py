"""address_string → kelurahan through the one place-understanding module every channel uses (#15): Jakarta's
kelurahan and kecamatan names, streets and landmarks; a clear 400 naming the candidates when the text does not
settle it; and the same answer as the chat and SMS dialog for the same text."""

from __future__ import annotations

import pytest

from sigap.intake.conversations import dialog_place
from sigap.open311.address import kelurahan_locate
from sigap.open311.errors import Open311Error
from sigap.organization.models import Wilayah

pytestmark = pytest.mark.django_db

PONDOK_BAMBU, GAMBIR, MANGGARAI = "31.75.07.1002", "31.71.01.1001", "31.74.01.1007"


@pytest.mark.parametrize(
    "text, code",
    [
        ("Jl. Pahlawan Revolusi No. 3, Kel. Pondok Bambu, Kec. Duren Sawit, Jakarta Timur", PONDOK_BAMBU),
        ("kel pondok bambu", PONDOK_BAMBU),
        ("Pondok Bambu, Duren Sawit, Jakarta Timur", PONDOK_BAMBU),  # the bare "Duren Sawit" is the kecamatan
        ("Stasiun Gambir, Kelurahan Gambir", GAMBIR),
        ("Monas", GAMBIR),  # a landmark alone
        ("depan Stasiun Manggarai", MANGGARAI),  # a station, "depan" before it
    ],
)
def test_the_text_is_placed_in_the_kelurahan_it_supports(text, code):
    area, lat, lon = kelurahan_locate(text)
    kel = Wilayah.objects.get(code=code)
    assert area.code == code and (lat, lon) == (kel.inner_lat, kel.inner_lon)


@pytest.mark.parametrize(
    "text, code, named",
    [
        ("di depan rumah Pak RT", "address_not_understood", ()),
        ("", "address_not_understood", ()),
        ("Kecamatan Duren Sawit", "address_kelurahan_missing", ("Duren Sawit",)),
        ("Pondok Bambu atau Pondok Kelapa", "address_ambiguous", ("Pondok Bambu (Duren Sawit)", "Pondok Kelapa")),
        # Kampung Pulo lies on the Ciliwung between Kampung Melayu and Bukit Duri, not in Kelurahan Pulo
        ("Kampung Pulo, banjir kiriman lagi", "address_ambiguous", ("Kampung Melayu (Jatinegara)",)),
    ],
)
def test_a_text_that_does_not_settle_it_is_a_400_naming_the_candidates_not_the_text(text, code, named):
    with pytest.raises(Open311Error) as err:
        kelurahan_locate(text)
    assert err.value.status == 400 and err.value.code == code and err.value.field == "address_string"
    for name in named:
        assert name in err.value.message_en and name in err.value.message_id
    assert "Pulo (Kebayoran Baru)" not in err.value.message_en  # never the namesake the text does not support
    if text:
        assert text not in err.value.message_en and text not in err.value.message_id


@pytest.mark.parametrize(
    "text",
    [
        "Jl. Pahlawan Revolusi No. 3, Kel. Pondok Bambu, Kec. Duren Sawit",
        "Stasiun Gambir, Kelurahan Gambir",
        "depan Stasiun Manggarai",
        "Pondok Bambu atau Pondok Kelapa",
        "Kampung Pulo, banjir kiriman lagi",
        "di depan rumah Pak RT",
    ],
)
def test_open311_and_the_chat_and_sms_dialog_give_the_same_answer_for_the_same_text(text):
    data: dict = {"location": None, "places": []}
    dialog_place(data, text)
    try:
        _area, lat, lon = kelurahan_locate(text)
    except Open311Error as err:
        assert data["location"] is None  # the dialog does not place it either
        if err.code == "address_ambiguous":
            asked = [p["name"] for p in data["places"][:3]]
            assert all(name in err.message_en for name in asked)  # the same candidates are offered
        return
    assert data["location"] == [lat, lon]
