"""Redaction of personal data typed by reporters (``sigap.privacy.redaction``). Pure: no database.

Table-driven: each row is a text and what must go (personal data) or stay (what officers need). The last
tests hold the rules to the targets on the labelled set, so a regression fails the build.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from sigap.privacy.redaction import PLACEHOLDER, evaluate, find, pii_removed, redact

DATA = Path(__file__).resolve().parent.parent / "data"
LABELLED_SET = DATA / "redaction_set.jsonl"
# Written before its author read the rules, split once 50/50 by a seeded random draw; rules change on dev only.
REGISTERS = {"dev": DATA / "redaction_registers_dev.jsonl", "test": DATA / "redaction_registers_test.jsonl"}
RECALL_TARGETS = {"phone": 0.98, "nik": 0.98, "email": 0.98, "plate": 0.98, "name": 0.90}
KEEP_TARGET = 0.95


def digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def assert_gone(kind: str, text: str, value: str, names=()) -> str:
    out = redact(text, names=names).text
    assert pii_removed(kind, value, out), f"{value!r} survived: {out!r}"
    assert PLACEHOLDER[kind] in out, f"no {kind} placeholder in {out!r}"
    return out


def assert_kept(text: str, keep: str, names=()) -> None:
    out = redact(text, names=names).text
    assert keep in out, f"{keep!r} lost: {out!r}"


# --- phones -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("hubungi 081234567890 ya", "081234567890"),
        ("HP 0812-3456-7890", "0812-3456-7890"),
        ("wa 0812 3456 7890", "0812 3456 7890"),
        ("nomor saya 0812.3456.7890", "0812.3456.7890"),
        ("kontak +62 812 3456 7890", "+62 812 3456 7890"),
        ("kontak +6281234567890, makasih", "+6281234567890"),
        ("wa 6281234567890", "6281234567890"),
        ("wa 62812-3456-7890", "62812-3456-7890"),
        ("kantor (021) 555-1234", "(021) 555-1234"),
        ("telp rumah 021-8561234", "021-8561234"),
        ("hub. +62 21 7654 3210 jam kerja", "+62 21 7654 3210"),
        ("call 08-12-34-56-78-91", "08-12-34-56-78-91"),
        ("nomor 0812 34 56 78 90", "0812 34 56 78 90"),
        ("hp08577654321 (sms aja)", "08577654321"),
        ("wa.me/6285777889900", "6285777889900"),
        ("(+62) 857 1357 2468", "(+62) 857 1357 2468"),
        ("telp 5551234", "5551234"),
        ("no hp sy O812-3456-1122", "O812-3456-1122"),
    ],
)
def test_phone_numbers_in_every_common_format_are_replaced(text, value):
    out = assert_gone("phone", text, value)
    assert not re.search(r"\d{4}", digits(out)), out


@pytest.mark.parametrize(
    "text, keep",
    [
        ("biaya Rp 1.500.000 dibayar", "Rp 1.500.000"),
        ("retribusi Rp75.000 per bulan", "Rp75.000"),
        ("tanggal 12-05-2024 jam 07.30", "12-05-2024"),
        ("buka 08.00-16.00 setiap hari", "08.00-16.00"),
        ("kantor (021) 5790 1234 ext. 105", "105"),
        ("koordinat -6.2351, 106.8925", "-6.2351, 106.8925"),
        ("nomor laporan SGP-2024-00123", "SGP-2024-00123"),
        ("sudah telepon 112 tapi tidak diangkat", "112"),
    ],
)
def test_money_dates_times_and_codes_are_not_phone_numbers(text, keep):
    assert_kept(text, keep)


# --- NIK -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, out",
    [
        ("Kontak posko banjir (0813 1111 2222).", "Kontak posko banjir ([nomor telepon disembunyikan])."),
        ("hub (0812-3456-7890) ya", "hub ([nomor telepon disembunyikan]) ya"),
        ("Telp (021) 555-1234 ya", "Telp [nomor telepon disembunyikan] ya"),
    ],
)
def test_a_number_in_brackets_keeps_both_brackets(text, out):
    """Found by a review: the number took its opening bracket and left the closing one alone ("… [nomor]).").
    An area code in brackets is part of the number."""
    assert redact(text).text == out


@pytest.mark.parametrize(
    "text, value",
    [
        ("NIK 3175071234560001", "3175071234560001"),
        ("NIK: 3173 0412 0585 0007", "3173 0412 0585 0007"),
        ("nik 3175.0145.0190.0003 ya", "3175.0145.0190.0003"),
        ("KTP 3171-0102-0390-0011", "3171-0102-0390-0011"),
        ("Nomor induk kependudukan: 3171 - 0211 - 0985 - 0001", "3171 - 0211 - 0985 - 0001"),
        ("no KK 3175081007760011", "3175081007760011"),
        ("data saya 3172011905880003 mohon dicek", "3172011905880003"),
        ("NIK 317507123456789 (kurang satu digit)", "317507123456789"),
    ],
)
def test_nik_with_or_without_separators_is_replaced(text, value):
    assert_gone("nik", text, value)


# --- emails --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("email saya budi.santoso@gmail.com ya", "budi.santoso@gmail.com"),
        ("e-mail: YUDHA.PRATAMA@GMAIL.COM", "YUDHA.PRATAMA@GMAIL.COM"),
        ("kirim ke aryani.p@kantorku.co.id", "aryani.p@kantorku.co.id"),
        ("email febby.r @ gmail.com (spasinya hapus)", "febby.r @ gmail.com"),
        ("kirim ke tirta.kusuma [at] gmail [dot] com", "tirta.kusuma [at] gmail [dot] com"),
        ("balas ke sekar.ayu(at)yahoo(dot)com ya", "sekar.ayu(at)yahoo(dot)com"),
        ("surel gisel (at) yahoo (dot) co (dot) id", "gisel (at) yahoo (dot) co (dot) id"),
        ("kontak enzy{at}gmail{dot}com aja", "enzy{at}gmail{dot}com"),
        ("email yuki.kato at gmail dot com kalau perlu", "yuki.kato at gmail dot com"),
    ],
)
def test_emails_plain_and_obfuscated_are_replaced(text, value):
    assert_gone("email", text, value)


@pytest.mark.parametrize(
    "text",
    [
        "ketemu di kantor at 10, dot kecil di peta",
        "laporan ke @DKIJakarta sudah dikirim",
    ],
)
def test_at_and_dot_in_prose_are_not_emails(text):
    assert "email" not in redact(text).found


# --- plates --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("mobil B 1234 XYZ parkir di trotoar", "B 1234 XYZ"),
        ("mobil B1234XYZ parkir", "B1234XYZ"),
        ("motor D 12 AB kabur", "D 12 AB"),
        ("mobil boks AB 1234 CD menghalangi", "AB 1234 CD"),
        ("pelat B-6677-TRW ngebut", "B-6677-TRW"),
        ("mobil bak B.9345.UAF buang sampah", "B.9345.UAF"),
        ("plat truk yg nabrak b 9087 kcd", "b 9087 kcd"),
        ("plat B 1234 (belakangnya ga kebaca)", "B 1234"),
        ("Pelat nomor E 1234 PP (Cirebon)", "E 1234 PP"),
    ],
)
def test_vehicle_plates_are_replaced(text, value):
    assert_gone("plate", text, value)


@pytest.mark.parametrize(
    "text, keep",
    [
        ("banjir di RT 05/RW 03", "RT 05/RW 03"),
        ("macet di Tol Jagorawi KM 5", "KM 5"),
        ("kotak P3K kosong di pos K3L", "P3K"),
        ("limbah B3 dibuang ke kali", "B3"),
        ("bus B11 dan S12 jarang lewat", "B11"),
        ("naik TJ 9D dari Pluit", "TJ 9D"),
        ("Mikrotrans JAK 10 kurang armada", "JAK 10"),
        ("Gedung B Lt. 2 bocor", "Gedung B Lt. 2"),
        ("jam 10 WIB pintu air dibuka", "10 WIB"),
        ("Honda CB 150 R parkir", "CB 150 R"),
    ],
)
def test_plate_lookalikes_stay(text, keep):
    assert_kept(text, keep)
    assert "plate" not in redact(text).found


# --- handles -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("cc @pemprovdki tolong", "@pemprovdki"),
        ("ig ku @miralestari_ kalo mau liat", "miralestari_"),
        ("IG: alditaher_real", "alditaher_real"),
        ("twitter: @eddy_sptr", "eddy_sptr"),
        ("DM ke IG saya samuel_tobing88", "samuel_tobing88"),
        ("tiktok @samtobing", "samtobing"),
        ("akun line: lolita.agst", "lolita.agst"),
        ("fotonya di instagram.com/kevinaprilio", "kevinaprilio"),
        ("FB: Irfan Hakim Official", "Irfan Hakim Official"),
    ],
)
def test_social_handles_are_replaced(text, value):
    assert_gone("handle", text, value)


@pytest.mark.parametrize("text", ["rame di IG katanya", "line 10 KRL telat", "#banjirjakarta hari ini"])
def test_platform_words_without_a_handle_stay(text):
    assert redact(text).text == text


def test_a_phone_in_dotted_groups_is_no_coordinate():
    assert "4321" not in redact("Telp. kantor 021.8765.4321 atau 0812.3456.7890").text


# --- house numbers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, keeps",
    [
        (
            "Jl. Kenari II No. 14 RT 05/RW 03, Kel. Kenari, Kec. Senen",
            "No. 14",
            ["Jl. Kenari II", "RT 05/RW 03", "Kel. Kenari", "Kec. Senen"],
        ),
        ("Gg. Haji Ung nomor 14A Kemayoran", "nomor 14A", ["Gg. Haji Ung", "Kemayoran"]),
        ("Jl. Tebet Dalam IV no 3/5, RT.005 RW.003", "no 3/5", ["Jl. Tebet Dalam IV", "RT.005 RW.003"]),
        ("Komplek Perumnas Klender Blok C2 No. 7", "No. 7", ["Blok C2", "Komplek Perumnas Klender"]),
        ("Rumah saya No. 14 dekat musala RT 05/RW 03.", "No. 14", ["dekat musala", "RT 05/RW 03"]),
        ("Perumahan Duta Indah No. 45-A Pondok Kelapa", "No. 45-A", ["Perumahan Duta Indah", "Pondok Kelapa"]),
        ("Apartemen Kalibata City lantai 12 unit 12-07", "unit 12-07", ["Apartemen Kalibata City", "lantai 12"]),
        ("rmh no.15 gang sawo, dekat masjid Al-Ikhlas", "no.15", ["gang sawo", "dekat masjid Al-Ikhlas"]),
    ],
)
def test_house_numbers_go_but_street_rt_rw_and_landmarks_stay(text, value, keeps):
    out = assert_gone("house", text, value)
    for keep in keeps:
        assert keep in out, f"{keep!r} lost: {out!r}"


@pytest.mark.parametrize(
    "text, keep",
    [
        ("Sesuai Perda No. 8 Tahun 2007 tentang Ketertiban Umum", "Perda No. 8 Tahun 2007"),
        ("Mohon tindak lanjut UU No. 22 Tahun 2009", "UU No. 22 Tahun 2009"),
        ("Loket No. 3 di kecamatan tutup", "Loket No. 3"),
        ("Tiang listrik nomor 6 dari ujung gang roboh", "nomor 6"),
        ("tiang PLN nomor 17 kabelnya terkelupas", "nomor 17"),
        ("Pak, saya dapat nomor 112 tapi tidak ada respon", "nomor 112"),
        ("Yang harus diperbaiki no. 1 itu jalan di depan pasar", "no. 1"),
        ("Kios No. 12 di Pasar Senen Blok III bocor", "Kios No. 12"),
    ],
)
def test_numbers_that_are_not_house_numbers_stay(text, keep):
    assert_kept(text, keep)


# --- names ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("Pemiliknya Pak Slamet tidak mau ditegur", "Slamet"),
        ("Yang buang sampah itu Bu Dewi Lestari dari RT 07", "Dewi Lestari"),
        ("Kontraktor proyek, H. Mahmud, tidak menutup galian", "Mahmud"),
        ("Hj. Aisyah memungut iuran sampah", "Aisyah"),
        ("Ketua RT kami Pak Haji Mukhlis sudah mengirim surat", "Mukhlis"),
        ("Ketua RW kami, Bapak Drs. Suparno, sudah tahu", "Suparno"),
        ("Saya sudah bicara dengan Sdr. Kurniawan selaku mandor", "Kurniawan"),
        ("Koh Hendrik menaruh barang di trotoar", "Hendrik"),
        ("Ustadz Abdul Karim juga sudah melapor", "Abdul Karim"),
        ("Pak RT Sukardi tahu lokasinya", "Sukardi"),
        ("eh pak slamet tetangga sebelah bakar sampah lagi", "slamet"),
        ("bu dewi yg jualan gorengan buang minyak ke got", "dewi"),
        ("mbak rini pemilik kos galak bgt", "rini"),
        ("yg parkir sembarangan itu koh ahong pemilik toko", "ahong"),
        ("dulu pak h. sobri yg ngurus kebersihan", "sobri"),
        ("PAK BUDI TOLONG JALAN RUSAK", "BUDI"),
    ],
)
def test_names_after_honorifics_are_replaced(text, value):
    assert_gone("name", text, value)


@pytest.mark.parametrize(
    "text, value",
    [
        ("Nama saya Rina, warga RT 3", "Rina"),
        ("perkenalkan nama saya nadia, saya mau lapor", "nadia"),
        ("namaku laksmi, kerja di pabrik sepatu", "laksmi"),
        ("Saya Budi warga RT 3", "Budi"),
        ("sy bolot warga rt 7 mau lapor got mampet", "bolot"),
        ("Saya, Eddy Sud, menyampaikan keluhan warga", "Eddy Sud"),
        ("Tukang sampah namanya Mang Ujang, ramah", "Ujang"),
        ("sy mau lapor pemilik kos, namanya haji rohim", "rohim"),
        ("Pelapor a.n. Sumanto Hadi, RT 002 RW 005", "Sumanto Hadi"),
        # "an.", the everyday short form of "atas nama" (found by a review: "a.n." and "a/n" were read, "an." not)
        ("Got mampet sudah seminggu. Hub 0813-1234-5678 an. Budi Santoso", "Budi"),
        ("an. Sumarni Wirohadi, warga RT 02, lampu jalan mati", "Sumarni"),
        ("Laporan an. Hendra Gunawan: pohon tumbang di gang", "Hendra"),
        ("Warga RT 03 an. Budi Santoso melapor got mampet", "Budi"),  # a number, but the neighbourhood's
        ("Rumah No. 12 an. Siti Aminah kebanjiran", "Siti"),
        ("Kios blok C 7 an. Joko Widagdo terbakar", "Joko"),
        ("Kamar kos 204 an. Budi Santoso bocor", "Budi"),
        ("Tagihan pelanggan 1024 an. Siti Aminah salah", "Siti"),
        ("Hormat saya, Agus Setiawan.", "Agus Setiawan"),
        ("Salam hormat,\nFirmansyah Putra\nWarga Jl. Kalibata Tengah", "Firmansyah Putra"),
        ("Tetangga saya Agus Setiadi menutup saluran", "Agus Setiadi"),
        ("Halo, ini Tere, mau lapor jalan rusak", "Tere"),
    ],
)
def test_self_introductions_and_introduced_names_are_replaced(text, value):
    assert_gone("name", text, value)


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Pohon tumbang jam 10-an. Mobil Toyota tertimpa.", "Mobil Toyota"),
        ("Banjir setinggi 50 cm-an. Rumah warga terendam.", "Rumah warga"),
        ("Lubangnya ada puluhan-an. Motor Budi jatuh kemarin.", "Motor Budi"),
        ("Sudah begitu sejak tahun 90 an. Warga sudah lapor berkali-kali.", "Warga sudah"),
        ("Sudah begitu sejak tahun 1990 an. Mobil Toyota tertimpa.", "Mobil Toyota"),
        ("Pohon tumbang jam 7  an. Mobil Toyota tertimpa.", "Mobil Toyota"),
        ("Umurnya sekitar 30 an. Motor Budi jatuh kemarin.", "Motor Budi"),
        ("Umur pohonnya mungkin 30 an. Menimpa kabel listrik.", "Menimpa kabel"),
        ("Pengunjungnya kayaknya 200 an. Motor Budi parkir di trotoar.", "Motor Budi"),
    ],
)
def test_the_suffix_an_is_not_the_name_cue_an(text, kept):
    """ "an." is "atas nama" only as a word of its own: "jam 10-an.", "tahun 90 an." end a sentence (a review)."""
    from sigap.privacy import door

    out = door.for_officers(text, identity={"name": "Andi Wijaya Kusuma"}).text
    assert kept in out, out


@pytest.mark.parametrize(
    "text",
    [
        "ini bu rt ga respon, pak rw juga",
        "pak lurah pondok bambu ga pernah ngantor",
        "Pak Camat Tebet dan Pak Lurah Manggarai sudah kami surati.",
        "Mohon Bapak Gubernur turun ke lapangan.",
        "pak ogah di u-turn pasar rebo bikin macet",
        "bang ojol parkir di trotoar tiap sore",
        "Yth. Bapak/Ibu petugas, saya mohon Bapak/Ibu menindaklanjuti laporan ini.",
        "ibu-ibu PKK RW 02 sudah kerja bakti",
        "Tolong Pak, kami sudah lelah. Mohon Bu, tolong dibantu.",
        "Terima kasih pak atas bantuannya. Sukses selalu bu.",
        "Pak Satpam Kalibata City membantu warga.",
        "kata pak haji yg punya lahan, boleh dipakai",
        "ibu kota harus bersih",
        "Saya sebagai warga kecewa. Saya Warga Jl. Kemuning. Saya Sangat Kecewa.",
        "Perkenalkan, kami dari Komunitas Peduli Ciliwung.",
    ],
)
def test_roles_and_greetings_after_honorifics_are_not_names(text):
    assert redact(text).text == text


@pytest.mark.parametrize(
    "text, keep",
    [
        ("Genangan di Jl. Haji Nawi sudah surut", "Jl. Haji Nawi"),
        ("Tolong, saluran di Jalan Haji Nawi mampet", "Jalan Haji Nawi"),
        ("Gang Haji Ung rusak", "Gang Haji Ung"),
        ("Lampu mati di Jl. H. Naman", "Jl. H. Naman"),
        ("aspal mengelupas di Jl. KH. Mas Mansyur", "Jl. KH. Mas Mansyur"),
        ("Trotoar Jl. Cik Ditiro rusak", "Jl. Cik Ditiro"),
        ("Jembatan dekat Masjid Haji Ahmad Syafii retak", "Masjid Haji Ahmad Syafii"),
        ("Air got di Asrama Haji Pondok Gede", "Asrama Haji Pondok Gede"),
        ("Antrean di RS Haji Jakarta", "RS Haji Jakarta"),
        ("Jalan di gang haji mirin rusak berat", "gang haji mirin"),
        ("saluran di gg. hj. sanusi ambles", "gg. hj. sanusi"),
        ("rusak dekat Makam Mbah Priok", "Makam Mbah Priok"),
        ("Depan Warung Pak Kumis ada lubang", "Warung Pak Kumis"),
        ("Genangan di depan Soto Betawi H. Ma'ruf", "Soto Betawi H. Ma'ruf"),
        ("sampah dekat masjid Al-Ikhlas dan depan Indomaret", "dekat masjid Al-Ikhlas"),
        ("sampah dekat masjid Al-Ikhlas dan depan Indomaret", "depan Indomaret"),
        ("Kelurahan Wijaya Kusuma dan Kelurahan Setia Budi belum fogging", "Kelurahan Setia Budi"),
    ],
)
def test_street_and_place_names_with_honorifics_stay(text, keep):
    assert_kept(text, keep)


@pytest.mark.parametrize(
    "text, names, value",
    [
        ("Selamat siang, saya Siti Rahmawati warga RT 05", ["Siti Rahmawati"], "Siti Rahmawati"),
        ("pagi kak, sy rina mau lapor lampu mati", ["Rina Wulandari"], "rina"),
        ("Sy AISYAH mau tanya laporan", ["Aisyah Putri"], "AISYAH"),
        ("min, sinta wijaya di sini, airnya udh surut", ["Sinta Wijaya"], "sinta wijaya"),
        ("Laporan dari Nur: banjir di Jl. Pondok Kopi Raya", ["Mohammad Nur Hidayat"], "Nur"),
        ("Terima kasih, Kartini.", ["Kartini Manurung"], "Kartini"),
        ("Saya Mahmud, Jalan Haji Nawi", ["Haji Mahmud"], "Mahmud"),
        ("pelapor: budi (budi santoso), BUDI", ["Budi Santoso"], "budi santoso"),
    ],
)
def test_reporters_own_name_is_replaced_in_full_partially_and_in_any_case(text, names, value):
    out = assert_gone("name", text, value, names=names)
    for part in value.split():
        assert part.lower() not in out.lower()


@pytest.mark.parametrize(
    "text, names, keep",
    [
        ("Trotoar Jl. Dewi Sartika berlubang. Saya Dewi.", ["Dewi Sartika"], "Jl. Dewi Sartika"),
        ("Got mampet di Jl. Setiabudi Tengah, Kelurahan Setia Budi", ["Setiabudi Rahardjo"], "Kelurahan Setia Budi"),
        ("Jalan di Jl. Budi Utomo tergenang. Hormat saya Budi Utomo.", ["Budi Utomo"], "Jl. Budi Utomo"),
        ("Saya Mahmud, Jalan Haji Nawi", ["Haji Mahmud"], "Jalan Haji Nawi"),
        ("Sampah di Jl. Haji Agus Salim", ["Agus Salim"], "Jl. Haji Agus Salim"),
        ("kolam di taman indah sekali", ["Indah Permata"], "taman indah"),
    ],
)
def test_reporters_name_inside_a_street_place_or_ordinary_word_stays(text, names, keep):
    assert_kept(text, keep, names=names)


def test_reporters_name_is_still_removed_next_to_the_street_that_shares_it():
    out = redact("Trotoar Jl. Dewi Sartika berlubang. Saya Dewi.", names=["Dewi Sartika"]).text
    assert out == "Trotoar Jl. Dewi Sartika berlubang. Saya [nama disembunyikan]."


# --- things that are not personal ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keep",
    [
        "RT 05/RW 03",
        "RT.005 RW.003",
        "rt 3 rw 5",
        "RT/RW 005/003",
        "Rp 50.000",
        "Rp1.500.000",
        "Rp. 50.000,-",
        "3 hari",
        "2 meter",
        "2x24 jam",
        "12 Maret 2024",
        "10/05/2024",
        "2024-08-17",
        "pukul 19.00 WIB",
        "jam 07.30",
        "Koridor 13",
        "rute 1A",
        "Metromini 640",
        "KM 24",
        "40 cm",
        "SDN Cawang 05",
        "Halte Cawang UKI",
        "lantai 3",
    ],
)
def test_non_personal_numbers_durations_money_dates_and_routes_stay(keep):
    assert_kept(f"Laporan: {keep} di Jl. Pramuka, mohon dicek.", keep)


# --- placeholders, counts, properties -----------------------------------------------------------------------

TYPED = (
    "Saya Bapak Zyxwvut Qoppaname, hubungi 0813-7717-2345 atau canary.zq@example.org, NIK 3175079988776655. "
    "Rumah saya No. 14 dekat musala RT 05/RW 03. Mobil B 1234 XYZ, ig @zq_canary."
)


def test_placeholders_are_visible_and_say_what_was_removed():
    out = redact(TYPED, names=["Zyxwvut Qoppaname"]).text
    for kind in ("name", "phone", "email", "nik", "house", "plate", "handle"):
        assert PLACEHOLDER[kind] in out
    assert all(p.startswith("[") or p.startswith("No. [") for p in PLACEHOLDER.values())
    assert "disembunyikan" in out and "RT 05/RW 03" in out and "dekat musala" in out


def test_found_counts_each_kind():
    result = redact(TYPED + " Atau 0812 3456 7890, pak Joko.", names=["Zyxwvut Qoppaname"])
    assert result.found == {"name": 2, "phone": 2, "email": 1, "nik": 1, "house": 1, "plate": 1, "handle": 1}
    assert result.changed
    assert sum(result.found.values()) == len(
        find(TYPED + " Atau 0812 3456 7890, pak Joko.", names=["Zyxwvut Qoppaname"])
    )


def test_overlapping_findings_are_removed_whole_under_the_stronger_kind():
    result = redact("email budi_s@gmail.com")  # also looks like a handle "@gmail"
    assert result.text == "email [email disembunyikan]" and result.found == {"email": 1}


@pytest.mark.parametrize("text", ["", "Jalan rusak di depan pasar.", "Banjir RT 05/RW 03 sejak 3 hari."])
def test_text_without_personal_data_is_unchanged(text):
    result = redact(text)
    assert result.text == text and result.found == {} and not result.changed


def test_redaction_is_idempotent():
    once = redact(TYPED, names=["Zyxwvut Qoppaname"]).text
    twice = redact(once, names=["Zyxwvut Qoppaname"])
    assert twice.text == once and twice.found == {}


def test_names_argument_accepts_lists_tuples_and_blank_names():
    text = "Saya Rina, hp 081234567890"
    assert redact(text, names=["Rina"]).text == redact(text, names=("Rina",)).text
    assert redact(text, names=["", "  "]).text == redact(text).text


@pytest.mark.parametrize(
    "kind, value, output, removed",
    [
        ("phone", "0812-3456-7890", "hubungi [nomor telepon disembunyikan]", True),
        ("phone", "0812-3456-7890", "hubungi 0812-3456-[x]", False),  # 8 of its digits remain
        ("nik", "3175071234560001", "NIK 3175 0712 [x]", False),
        ("email", "budi.santoso@gmail.com", "[email] budi.santoso", False),
        ("name", "Dewi Lestari", "Bu [nama] Lestari", False),
        ("name", "Dewi", "Saya [nama]. Jl. Dewi Sartika", True),  # with "Jl. Dewi Sartika" as must-keep
        ("plate", "B 1234 XYZ", "mobil B [x] 1234 XYZ", False),
        ("house", "No. 14", "No. [disembunyikan]", True),
        ("name", "anya", "[nama disembunyikan], nyamuk banyak", True),  # a word, not a piece of "banyak"
        ("name", "anya", "sayang anya.", False),
    ],
)
def test_the_removal_measure_catches_remnants(kind, value, output, removed):
    assert pii_removed(kind, value, output, keep=["Jl. Dewi Sartika"]) is removed


# --- the labelled set ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    with open(LABELLED_SET, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_labelled_set_is_well_formed_and_licensed(labelled):
    assert len(labelled) >= 300
    assert "CC0-1.0" in (DATA / "README.md").read_text(encoding="utf-8")
    kinds = {"phone", "nik", "email", "plate", "handle", "house", "name"}
    seen = set()
    for ex in labelled:
        assert {"text", "names", "pii", "keep"} <= set(ex) <= {"text", "names", "pii", "keep", "place_text"}
        assert ex.get("place_text", True) is True  # present only on an address, read as redact(place_text=True)
        for item in ex["pii"]:
            assert item["kind"] in kinds and item["value"] in ex["text"], item
            seen.add(item["kind"])
        for keep in ex["keep"]:
            assert keep in ex["text"], keep
    assert seen == kinds


def test_the_labelled_addresses_are_read_as_addresses(labelled):
    """An example marked "place_text" is scored as the door reads an address (``redact(..., place_text=True)``),
    the rest as a description; the set holds both."""
    calls = []

    def finder(text, *, names=(), place_text=False):
        calls.append((text, place_text))
        return find(text, names=names, place_text=place_text)

    evaluate(labelled, finder)
    marked = {ex["text"] for ex in labelled if ex.get("place_text")}
    assert len(marked) >= 20
    assert calls and all(place_text == (text in marked) for text, place_text in calls)


def _half(text: str) -> str:
    return "dev" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "held-out"


@pytest.mark.parametrize("split", ["all", "dev", "held-out"])
def test_labelled_set_meets_recall_and_keep_targets(labelled, split):
    examples = [ex for ex in labelled if split == "all" or _half(ex["text"]) == split]
    result = evaluate(examples)
    for kind, target in RECALL_TARGETS.items():
        stats = result["kinds"][kind]
        assert stats["recall"] >= target, (kind, stats, [m for m in result["misses"] if m["kind"] == kind])
    assert result["keep"]["rate"] >= KEEP_TARGET, (result["keep"], result["lost"])


# --- the reporter's own names in every form (issue: "Hubungi Budi di rumah" was left untouched) ---------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("Hubungi Budi di rumah", "Budi"),
        ("Temui Budi di pos ronda RT 03 jam 7 malam.", "Budi"),
        ("Telepon Santoso aja, saya siap dihubungi.", "Santoso"),
        ("Kabari Budi kalau petugas sudah datang.", "Budi"),
        ("Panggil Budi di warung depan gang.", "Budi"),
        ("Jalan sudah rusak 3 bulan. Hubungi Budi di rumah.", "Budi"),
        ("Mohon Hubungi Budi Di Rumah", "Budi"),
        ("Tanyakan Budi, dia yang foto.", "Budi"),
    ],
)
def test_reporters_first_or_last_name_after_a_capitalised_verb_is_replaced(text, value):
    assert_gone("name", text, value, names=["Budi Santoso"])


@pytest.mark.parametrize(
    "text, value",
    [
        ("nama saya B-U-D-I, pakai U", "B-U-D-I"),
        ("namanya b u d i pak", "b u d i"),
        ("dieja B.U.D.I ya", "B.U.D.I"),
        ("Santoso: S-A-N-T-O-S-O", "S-A-N-T-O-S-O"),
        ("Pel: Budi, be u de i.", "be u de i"),
    ],
)
def test_reporters_name_spelled_letter_by_letter_is_replaced(text, value):
    out = redact(text, names=["Budi Santoso"]).text
    assert value not in out and "Budi" not in out and PLACEHOLDER["name"] in out, out


@pytest.mark.parametrize(
    "text, names, value",
    [
        ("min, kiki nih. jalan rusak parah", ["Muhammad Rizki Pratama", "Kiki"], "kiki"),
        ("pak ini teguh. ada orang mabuk di pos ronda", ["Teguh Wibisono"], "teguh"),
        ("air bau kaporit di Kebon Kosong. - tulus", ["Tulus Wicaksono"], "tulus"),
        ("gisel di sini, jalan banjir selutut", ["Gisella Manopo"], "gisel"),
    ],
)
def test_reporters_nickname_and_common_word_names_are_replaced_when_they_introduce_themselves(text, names, value):
    assert_gone("name", text, value, names=names)


@pytest.mark.parametrize(
    "text, names, keep",
    [
        ("Banjir di Setia Budi sejak pagi, hubungi saya.", ["Budi Santoso"], "Setia Budi"),
        ("warga harus teguh dan sabar menunggu", ["Teguh Wibisono"], "teguh"),
        ("Sudah lapor ke PAM Jaya kemarin, hubungi saya", ["Jaya Kusuma"], "PAM Jaya"),
    ],
)
def test_reporters_name_in_places_and_ordinary_words_still_stays(text, names, keep):
    assert_kept(text, keep, names=names)


# --- numbers in words (phone-call transcripts) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, text, value",
    [
        (
            "phone",
            "nomornya nol delapan satu dua tiga empat lima enam tujuh delapan",
            "nol delapan satu dua tiga empat lima enam tujuh delapan",
        ),
        (
            "phone",
            "Pel: kosong delapan lima enam, sembilan sembilan sembilan, delapan delapan delapan, tujuh. Saya Sumi.",
            "kosong delapan lima enam, sembilan sembilan sembilan, delapan delapan delapan, tujuh",
        ),
        (
            "phone",
            "Nol delapan satu tiga. Delapan sembilan nol. Satu dua tiga. Empat lima.",
            "Nol delapan satu tiga. Delapan sembilan nol. Satu dua tiga. Empat lima",
        ),
        (
            "phone",
            "HP 0815 nol tujuh tujuh delapan, sembilan sembilan satu satu",
            "0815 nol tujuh tujuh delapan, sembilan sembilan satu satu",
        ),
        (
            "nik",
            "NIK saya tiga satu tujuh satu, nol dua, lima dua, nol delapan, delapan tujuh, nol nol nol empat",
            "tiga satu tujuh satu, nol dua, lima dua, nol delapan, delapan tujuh, nol nol nol empat",
        ),
        ("house", "Jl. Cempaka Putih Tengah nomor dua puluh tujuh, RT 08", "nomor dua puluh tujuh"),
        ("plate", "platnya B empat lima enam tujuh U O A, sedan hitam", "B empat lima enam tujuh U O A"),
    ],
)
def test_numbers_spelled_in_words_are_replaced(kind, text, value):
    out = redact(text).text
    assert value not in out and PLACEHOLDER[kind] in out, out


@pytest.mark.parametrize(
    "text",
    [
        "Airnya mati tiga hari, sudah dua kali lapor.",
        "Lubangnya satu meter, ada dua tiga motor jatuh minggu ini.",
        "Tarifnya lima ribu, kadang sepuluh ribu.",
    ],
)
def test_small_numbers_in_words_stay(text):
    assert redact(text).text == text


# --- self-identification, witnesses, family, more titles -------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("Saya yang lihat, Citra. Kejadiannya pas saya pulang kerja.", "Citra"),
        ("Nama Nur Halimah binti Sanusi, warga Kelurahan Galur.", "Nur Halimah"),
        ("Nama Nur Halimah binti Sanusi, warga Kelurahan Galur.", "Sanusi"),
        ("Saya Ahmad Fauzi bin Abdul Rahman, warga RT 01", "Abdul Rahman"),
        ("sy Dewi, ibunya Raka kls 3", "Raka"),
        ("yang nyuri motor itu gendut, dipanggil Gembul", "Gembul"),
        ("Pelapor: Putu Ayu dan Komang Adi", "Komang Adi"),
        ("Saksinya Pak Darto sama istrinya, Bu Marni.", "Marni"),
        ("Saya mengadukan sikap Kompol Sugiarto di Polsek Tanah Abang", "Sugiarto"),
        ("makasih Bu Lurah Yanti udah turun langsung", "Yanti"),
        ("yang jaga parkir Pak Satpam Ruslan", "Ruslan"),
        ("bu Ceu Imas tukang gorengan jg liat", "Imas"),
        ("rumah Teh Euis sebelah sy atapnya mau ambruk", "Euis"),
        ("yang buang puing itu Abah Ujang dari gang sebelah", "Ujang"),
        ("Saya Nyoman, Bli Nyoman Sukadana.", "Nyoman Sukadana"),
        ("nenek aku Mak Odah masih di rumah", "Odah"),
    ],
)
def test_self_identification_witnesses_family_and_titles_are_replaced(text, value):
    assert_gone("name", text, value)


@pytest.mark.parametrize(
    "text",
    [
        "Op: Keluhannya apa Bu?\nPelapor: Air PAM mati tiga hari.",
        "Petugas: Keluhan?\nPelapor: Tanah makam dipakai parkir mobil.",
        "Pak Lurah Manggarai dan Bu Camat Tebet sudah tahu.",
        "Terima kasih, Neng. Panggil petugas saja.",
    ],
)
def test_speaker_labels_and_roles_before_places_are_not_names(text):
    assert redact(text).text == text


# --- the registers set (letters, chat, call transcripts, tweets), written apart from the rules ------------------


def _load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_registers_set_is_well_formed_and_its_halves_are_disjoint():
    halves = {half: _load(path) for half, path in REGISTERS.items()}
    assert all(len(rows) >= 150 for rows in halves.values())
    assert not {ex["text"] for ex in halves["dev"]} & {ex["text"] for ex in halves["test"]}
    kinds = {"phone", "nik", "email", "plate", "handle", "house", "name"}
    for rows in halves.values():
        for ex in rows:
            assert set(ex) == {"text", "names", "pii", "keep"}
            for item in ex["pii"]:
                assert item["kind"] in kinds and item["value"] in ex["text"], item
            for keep in ex["keep"]:
                assert keep in ex["text"], keep


@pytest.mark.parametrize("half", ["dev", "test"])
def test_registers_set_meets_recall_and_keep_targets(half):
    result = evaluate(_load(REGISTERS[half]))
    for kind, target in RECALL_TARGETS.items():
        stats = result["kinds"][kind]
        assert stats["recall"] >= target, (kind, stats, [m for m in result["misses"] if m["kind"] == kind])
    assert result["keep"]["rate"] >= KEEP_TARGET, (result["keep"], result["lost"])


# --- names after labels that ask for a person (form fields, Open311 extra questions "<question>: <answer>") -----


@pytest.mark.parametrize(
    "text, value",
    [
        ("Lampu jalan mati.\nKontak di lokasi: Ratna Sari Dewi", "Ratna Sari Dewi"),
        ("Siapa yang melihat kejadian: Hendra Gunawan", "Hendra Gunawan"),
        ("Narahubung: Yulia Citra Kirana", "Yulia Citra Kirana"),
        ("Saksi: Darto Wibisono, tinggal di RT 03", "Darto Wibisono"),
        ("Penanggung jawab - Slamet Riyadi", "Slamet Riyadi"),
        ("Pemilik bangunan: Liem Hok Tjoan", "Liem Hok Tjoan"),
        ("Pelaku: Rudi Hartanto, kabur ke arah pasar", "Rudi Hartanto"),
        ("Petugas yang melayani: Andreas Wijaya", "Andreas Wijaya"),
        ("Nama pemilik warung: Sumarni", "Sumarni"),
        ("Nama saksi: Yosef Kurniadi", "Yosef Kurniadi"),
        ("Ketua RT: Sukardi Hadiwinoto", "Sukardi Hadiwinoto"),
        ("Contact person: Kevin Sanjaya", "Kevin Sanjaya"),
        ("Witness: Bambang Irawan", "Bambang Irawan"),
        ("Owner: Hendrawan Saputra", "Hendrawan Saputra"),
        ("kontak saya: arif rahman", "arif rahman"),
        ("kontak di lokasi: ratna sari dewi", "ratna sari dewi"),
        ("Pelaku: Teguh Santoso", "Teguh Santoso"),
        ("NAMA PEMILIK: SITI AMINAH", "SITI AMINAH"),
        ("Siapa yang melihat kejadian?: Ratna", "Ratna"),
        (
            "Jalan berlubang.\n\n[Open311] Ukuran lubang terbesar: Besar; Kontak di lokasi: Ratna Sari Dewi",
            "Ratna Sari Dewi",
        ),
        (
            "Sampah menumpuk.\n\n[Open311] Siapa yang melihat kejadian: Margareta Sihombing; Sejak kapan: 3 hari",
            "Margareta Sihombing",
        ),
    ],
)
def test_a_name_after_a_label_that_asks_for_a_person_is_replaced(text, value):
    assert_gone("name", text, value)


@pytest.mark.parametrize(
    "text, value",
    [
        ("Pohon tumbang menutup jalan.\nDitegur oleh: Fransiska Lumbantobing", "Fransiska Lumbantobing"),
        ("Info didapat dari: Yohanes Purba", "Yohanes Purba"),
        ("Air PAM mati.\n\n[Open311] Yang bisa ditanya: Agustinus Tanoto; Sejak kapan: kemarin", "Agustinus Tanoto"),
    ],
)
def test_capitalised_words_ending_a_labelled_line_are_a_name_unless_a_place_or_agency(text, value):
    assert_gone("name", text, value)


@pytest.mark.parametrize(
    "text, keep",
    [
        ("Lokasi: Taman Suropati", "Taman Suropati"),
        ("Kelurahan: Setia Budi", "Setia Budi"),
        ("Patokan: Kebon Kacang", "Kebon Kacang"),
        ("Wilayah: Jakarta Selatan", "Jakarta Selatan"),
        ("Alamat: Jl. Haji Nawi", "Jl. Haji Nawi"),
        ("Kategori: Jalan Rusak", "Jalan Rusak"),
        ("Perihal: Lampu Jalan Mati", "Lampu Jalan Mati"),
        ("Status: Belum Ditangani", "Belum Ditangani"),
        ("Tembusan: Sudin Bina Marga", "Sudin Bina Marga"),
        ("Diteruskan ke: Bina Marga", "Bina Marga"),
        ("Halte terdekat: Harmoni Sentral", "Harmoni Sentral"),
        ("Jenis kendaraan: Honda Beat", "Honda Beat"),
        ("Nama toko: Sinar Abadi", "Sinar Abadi"),
        ("Pemilik: Toko Sinar Abadi", "Toko Sinar Abadi"),
        ("Saksi: Warga Sekitar", "Warga Sekitar"),
        ("Pelaku: Tidak Diketahui", "Tidak Diketahui"),
        ("Penanggung jawab: PLN UP3 Menteng", "PLN UP3 Menteng"),
        ("Petugas: Sigap Jakarta, selamat pagi, ada yang bisa dibantu?", "Sigap Jakarta"),
        ("Operator: Baik Pak, saksi ya", "saksi ya"),
        ("Saksi: CCTV", "CCTV"),
        ("Pemilik: PT Jaya Konstruksi", "PT Jaya Konstruksi"),
        ("Kontak di lokasi: Pos Satpam", "Pos Satpam"),
        ("Pelaku: Orang Tak Dikenal", "Orang Tak Dikenal"),
        ("Pedagang: Kaki Lima", "Kaki Lima"),
        ("Pelaku: Geng Motor", "Geng Motor"),
        ("Pelaku: Pemotor Berhelm Hitam", "Pemotor Berhelm Hitam"),
        ("kontak gue: tiktok @fajaralfian99", "kontak gue: tiktok"),
        ("[Open311] Ukuran lubang terbesar: Sedang (30–100 cm); Jumlah lubang: 3", "Ukuran lubang terbesar: Sedang"),
    ],
)
def test_places_agencies_and_ordinary_answers_after_labels_stay(text, keep):
    assert_kept(text, keep)


def test_the_folded_copy_is_exactly_as_long_as_the_text_whatever_it_holds():
    """Spans found in the folded copy are cut from the text as written: every character must stay one."""
    import random

    from sigap.privacy.redaction import fold_in_place

    rng = random.Random(11)
    pools = [chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c <= 0xDFFF] + list("İﬁ①２\u200b\u2011\u00a0’é")
    for _ in range(300):
        text = "".join(rng.choice(pools) for _ in range(rng.randint(0, 40)))
        assert len(fold_in_place(text)) == len(text) and len(fold_in_place(text, lower=True)) == len(text)
    assert fold_in_place("0813\u20117717\u00a02345\u200b①") == "0813-7717 2345 1"
    assert fold_in_place("Ma’ruf Pérez ＲＡＴＮＡ", lower=True) == "ma'ruf perez ratna"


# --- an attacker's read of the rules (2026-12-05): shapes that got through with nothing known of the reporter ---


@pytest.mark.parametrize(
    "kind, text, value",
    [
        ("phone", "hubungi 0812,3456,7890 ya", "0812,3456,7890"),
        ("phone", "hubungi 0812, 3456, 7890 ya", "3456, 7890"),
        ("phone", "wa 0812_3456_7890", "0812_3456_7890"),
        ("phone", "wa 0812--3456--7890", "0812--3456--7890"),
        ("phone", "hp 0812;3456;7890", "0812;3456;7890"),
        ("phone", "hp saya 0812- \n3456-7890 sore", "3456-7890"),
        ("phone", "nomor saya 812 3456 7890, sore saja", "812 3456 7890"),
        ("phone", "no saya 81234567890", "81234567890"),
        ("phone", "transfer Rp 081234567890 katanya", "081234567890"),
        ("nik", "NIK 3174,0512,0385,0004", "3174,0512,0385,0004"),
        ("nik", "NIK saya 3174 0512 \n0385 0004", "0385 0004"),
        ("nik", "KTP: 3174_0512_0385_0004", "3174_0512_0385_0004"),
        ("email", "email saya budi.santoso@gmail", "budi.santoso@gmail"),
        ("email", "kirim ke budi.santoso at gmail ya", "budi.santoso at gmail"),
        ("email", "budi.santoso @ gmail . com", "budi.santoso @ gmail . com"),
        ("handle", "https://www.facebook.com/profile.php?id=100012345678", "100012345678"),
        ("house", "Tower Jasmine lt 12 unit 1207, air mati", "1207"),
        ("house", "Apartemen Kalibata unit 07 bocor", "unit 07"),
        ("house", "Tower Jasmine 12/07 bocor", "12/07"),
        ("house", "Perum Griya Asri blok F3/9 banjir", "F3/9"),
        ("house", "rumah saya №12 gang mawar", "№12"),
        ("name", "Hormat saya,\n\nSiti Aminah", "Siti Aminah"),
        ("name", "Wassalam,\n\nSiti Aminah", "Siti Aminah"),
        ("name", "Salam,\nSiti Aminah", "Siti Aminah"),
        ("name", "Terima kasih,\nSiti Aminah", "Siti Aminah"),
        ("name", "Ini Budi dari RT 03, got mampet", "Budi"),
        ("name", "Ini dengan Budi, lampu mati", "Budi"),
        ("name", "siang min, dengan Budi mau lapor", "Budi"),
        ("name", "Pelapor Budi Santoso, warga RT 03", "Budi Santoso"),
        ("name", "Pelapor:\nSiti Aminah", "Siti Aminah"),
        ("name", "Halo, ini dengan Rahmat, lampu mati", "Rahmat"),
        ("name", "Selamat pagi, ini dengan Rahmat, lampu mati", "Rahmat"),
        ("name", "Salam,\nRahmat Hidayat, Warga RT 03", "Rahmat Hidayat"),
        ("handle", "facebook.com/people/Rahmat-Hidayat/100012345678", "100012345678"),
        ("handle", "https://m.facebook.com/profile.php?mibextid=Zb-WKwL&id=100012345678", "100012345678"),
    ],
)
def test_an_attackers_shapes_are_removed_with_nothing_known(kind, text, value):
    assert_gone(kind, text, value)


@pytest.mark.parametrize(
    "text, keep",
    [
        ("lokasi: -6.208812 106.845599, dekat halte", "-6.208812 106.845599"),
        ("2 unit mobil damkar datang", "2 unit mobil"),
        ("Blok C2 banjir selutut", "Blok C2"),
        ("Terima kasih, petugas sudah datang", "petugas sudah datang"),
        ("Salam, warga RT 05", "warga RT 05"),
        ("ini dengan sangat terpaksa saya lapor", "dengan sangat terpaksa"),
        ("Pelapor Tetap Waspada", "Pelapor"),
        ("Biaya Rp 1.500.000, 3, 5 meter", "Rp 1.500.000"),
        ("nomor saya urut 5 di antrean", "nomor saya urut 5"),
        ("Pemadaman jam 08.00, 10.00, 12.00, 14.00 setiap hari", "08.00, 10.00, 12.00, 14.00"),
        ("jadwal 08:00, 10:30, 13:00, 15:30", "08:00, 10:30, 13:00, 15:30"),
        ("banjir tahun 2021, 2022, 2023, 2024", "2021, 2022, 2023, 2024"),
        ("Tahun 2019; 2020; 2021; 2022 sama saja", "2019; 2020; 2021; 2022"),
        ("Tiang nomor 1203, 1204, 1205, 1206 mati", "1203, 1204, 1205, 1206"),
        ("tanggal 12-05-2025, 13-05-2025 mati lampu", "12-05-2025, 13-05-2025"),
        ("buka 08.00-16.00\n08.00-12.00", "08.00-16.00\n08.00-12.00"),
        ("Suhu 08, 09, 10, 11, 12 derajat", "08, 09, 10, 11, 12"),
        ("Komplek Polri RT 03/05 banjir", "RT 03/05"),
        ("Perumahan Griya Asri RW 05/03 banjir", "RW 05/03"),
        ("Perum Bumi Indah RT 3/12 gelap", "RT 3/12"),
        ("Transjakarta unit 1207 mogok di halte", "unit 1207"),
        ("Bus unit 123 ugal-ugalan", "unit 123"),
        ("Apartemen Kalibata, lift unit 1 dan unit 2 mati", "lift unit 1 dan unit 2"),
        ("Tower BTS di atap buka 24/7 berisik", "24/7"),
        ("Ini Gorong-gorong, mampet total", "Gorong-gorong"),
        ("Ini PJU, mati semua sejak kemarin", "PJU"),
        ("Salam\nJakarta Bersih", "Jakarta Bersih"),
        ("Perumahan Griya Asri Blok C2/15 banjir", "Blok C2"),
        ("Apartemen Kalibata lantai 2 RT 03/05 bocor", "RT 03/05"),
        ("Tower Jasmine 12/07 bocor", "Tower Jasmine 12"),
        ("Gedung B kampus UI ruang 2.14 bocor, AC nomor 3 tidak dingin", "AC nomor 3"),
        ("pungli Rp 62.500.000 per bulan", "Rp 62.500.000"),
    ],
)
def test_what_the_stricter_rules_still_leave(text, keep):
    assert_kept(text, keep)


@pytest.mark.parametrize(
    "text", ["Koordinatnya -6.2088 106.8456", "titik -6.20881, 106.84560 ya", "lokasi 6.2088 106.8456"]
)
def test_coordinates_are_a_place_not_a_phone(text):
    """Seen while testing officers' questions: "-6.2088 106.8456" was cut as a phone number (its digits begin
    with 62, Indonesia's calling code)."""
    assert redact(text).text == text


def test_a_missing_word_list_stops_the_import_instead_of_redacting_less():
    """A packaged install once left the word lists out, and fewer names were cut with nothing said (found by a
    review): a list that cannot be read is an error."""
    from sigap.privacy.redaction import _data_lines

    assert _data_lines("given_names.txt")
    with pytest.raises(RuntimeError, match="reinstall Sigap"):
        _data_lines("no_such_list.txt")
