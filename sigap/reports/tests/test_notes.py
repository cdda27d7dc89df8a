"""The notes the services write and the redaction's placeholders, for an English reader (``reports.notes``)."""

from __future__ import annotations

import pytest

from sigap.privacy.redaction import PLACEHOLDER
from sigap.reports.notes import PLACEHOLDERS_EN, in_language


def test_every_placeholder_of_the_redaction_door_has_its_english():
    assert set(PLACEHOLDERS_EN) == set(PLACEHOLDER.values())


@pytest.mark.parametrize(
    "stored, english",
    [
        (
            "Dikoordinasikan ke Suku Dinas Bina Marga Jakarta Timur.",
            "Coordinated to Suku Dinas Bina Marga Jakarta Timur.",
        ),
        (
            "Pelapor menyanggah: Got masih mampet, kata [nama disembunyikan].",
            "The reporter disputes: Got masih mampet, kata [name hidden].",
        ),
        ("Diteruskan ke PLN UP3: tiang listrik", "Forwarded to PLN UP3: tiang listrik"),
        ("Tindak lanjut selesai, menunggu validasi.", "Work done, awaiting validation."),
        ("Pertanyaan petugas: Di RT berapa?", "The officer asks: Di RT berapa?"),
        (
            "Hubungi [nomor telepon disembunyikan] di No. [disembunyikan]",
            "Hubungi [phone number hidden] di No. [hidden]",
        ),
        (
            "Sudah kami tambal, Dikoordinasikan ke sana.",
            "Sudah kami tambal, Dikoordinasikan ke sana.",
        ),  # an officer's own words
    ],
)
def test_a_stored_note_reads_in_english_and_what_people_wrote_stays_as_written(stored, english):
    assert in_language(stored, "en") == english
    assert in_language(stored, "id") == stored
