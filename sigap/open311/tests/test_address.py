"""address_string → kelurahan: table-driven on tiny areas, then once on Jakarta's real names."""

from __future__ import annotations

import pytest

from sigap.open311.address import Area, kelurahan_from_text
from sigap.open311.errors import Open311Error

KEC = [Area("k.ds", "Duren Sawit"), Area("k.gb", "Gambir"), Area("k.mt", "Matraman")]
KEL = [
    Area("l.pb", "Pondok Bambu", "k.ds"),
    Area("l.ds", "Duren Sawit", "k.ds"),
    Area("l.gb", "Gambir", "k.gb"),
    Area("l.cb", "Cempaka Baru", "k.mt"),
    Area("l.b", "Baru", "k.mt"),
    Area("l.pk", "Pondok Kelapa", "k.ds"),
]


@pytest.mark.parametrize(
    "text, code",
    [
        ("Jl. Pahlawan Revolusi, Pondok Bambu", "l.pb"),
        ("pondok   BAMBU!!", "l.pb"),
        ("Jl. Raya, Kel. Pondok Bambu, Kec. Duren Sawit", "l.pb"),
        ("Pondok Bambu, Duren Sawit, Jakarta Timur", "l.pb"),  # the bare "Duren Sawit" is the kecamatan
        ("Kelurahan Duren Sawit", "l.ds"),
        ("Duren Sawit", "l.ds"),
        ("dekat pasar Cempaka Baru", "l.cb"),  # not also "Baru"
        ("Pondok Kelapa atau Pondok Bambu, Kecamatan Gambir? tidak: Kec. Duren Sawit", None),
    ],
)
def test_the_named_kelurahan_is_found(text, code):
    if code is None:
        with pytest.raises(Open311Error) as err:
            kelurahan_from_text(text, kelurahan=KEL, kecamatan=KEC)
        assert err.value.code == "address_ambiguous"
        return
    assert kelurahan_from_text(text, kelurahan=KEL, kecamatan=KEC).code == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("di depan rumah Pak RT", "address_not_understood"),
        ("", "address_not_understood"),
        ("Kecamatan Duren Sawit", "address_kelurahan_missing"),
        ("Kec. Gambir dekat stasiun", "address_kelurahan_missing"),
        ("antara Pondok Bambu dan Gambir", "address_ambiguous"),
        ("Pondok Bambu atau Pondok Kelapa", "address_ambiguous"),
    ],
)
def test_no_single_kelurahan_is_a_400_that_does_not_echo_the_text(text, code):
    with pytest.raises(Open311Error) as err:
        kelurahan_from_text(text, kelurahan=KEL, kecamatan=KEC)
    assert err.value.status == 400 and err.value.code == code and err.value.field == "address_string"
    if text:
        assert text not in err.value.message_en and text not in err.value.message_id


def test_a_kecamatan_narrows_two_kelurahan_to_its_own():
    assert (
        kelurahan_from_text("Pondok Bambu atau Gambir, Kecamatan Gambir", kelurahan=KEL, kecamatan=KEC).code == "l.gb"
    )


@pytest.mark.django_db
def test_jakarta_names_are_read_from_the_wilayah_table():
    from sigap.open311.address import kelurahan_locate
    from sigap.organization.models import Wilayah

    area, lat, lon = kelurahan_locate("Jl. Pahlawan Revolusi No. 3, Kel. Pondok Bambu, Kec. Duren Sawit, Jakarta Timur")
    pb = Wilayah.objects.get(code="31.75.07.1002")
    assert area.code == pb.code and (lat, lon) == (pb.inner_lat, pb.inner_lon)
    assert kelurahan_locate("Stasiun Gambir, Kelurahan Gambir")[0].code == "31.71.01.1001"
