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


@pytest.mark.parametrize(
    "stored, english",
    [
        # found by a newcomer's review on the English report page
        ("Bukti bertanda diterima: Dicek langsung ke lokasi.", "Flagged proof accepted: Dicek langsung ke lokasi."),
        (
            "Eskalasi tingkat 1: batas waktu 05-12-2026 16:00 terlewati.",
            "Escalation level 1: the deadline of 05-12-2026 16:00 was missed.",
        ),
        ("Eskalasi tingkat 2: sanggahan ke-2.", "Escalation level 2: dispute no. 2."),
    ],
)
def test_the_notes_of_validation_and_escalation_read_in_english(stored, english):
    assert in_language(stored, "en") == english


@pytest.mark.parametrize(
    "stored, english",
    [
        # found by a CRM team's walk on the English tracking page and console
        (
            "Pertanyaan petugas: Apa patokan terdekat dari lokasi masalahnya (bangunan, toko, tiang bernomor, atau "
            "tanda lain)?",
            "The officer asks: What is the nearest landmark to the problem (a building, a shop, a numbered pole or "
            "another sign)?",
        ),
        ("Apakah masalahnya masih ada sekarang?", "Is the problem still there now?"),
        ("Pertanyaan petugas: Apakah airnya bau?", "The officer asks: Apakah airnya bau?"),  # an officer's own words
        (
            "Masih bocor. (penilaian sebelumnya 2/5 ditarik karena sanggahan: cepat tapi [nama disembunyikan] kasar)",
            "Masih bocor. (the earlier rating of 2/5 was withdrawn with the dispute: cepat tapi [name hidden] kasar)",
        ),
    ],
)
def test_a_listed_question_and_a_withdrawn_rating_read_in_english(stored, english):
    assert in_language(stored, "en") == english
    assert in_language(stored, "id") == stored


def _written_notes() -> list[str]:
    """Every note the application writes, as a sample: each ``public_note=`` or ``internal_note=`` string of the
    code outside the tests, with every value it interpolates taken as "7"."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    samples = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.keyword) or node.arg not in ("public_note", "internal_note"):
                continue
            todo = [node.value]  # the strings of a conditional or an "or", an f-string whole
            while todo:
                part = todo.pop()
                if isinstance(part, ast.JoinedStr):
                    samples.append("".join(v.value if isinstance(v, ast.Constant) else "7" for v in part.values))
                elif isinstance(part, ast.Constant):
                    if isinstance(part.value, str) and part.value:
                        samples.append(part.value)
                else:
                    todo.extend(ast.iter_child_nodes(part))
    return sorted({s for s in samples if not s.startswith("7")})


def test_every_note_the_application_writes_has_its_english():
    notes = _written_notes()
    assert "Tindak lanjut telah divalidasi." in notes and "Bukti bertanda diterima: 7" in notes
    untranslated = [n for n in notes if in_language(n, "en") == n]
    assert not untranslated, untranslated
