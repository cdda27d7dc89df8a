"""The notes the system writes on a report, and the redaction's placeholders, in the reader's language.

Services write a report's public notes in Bahasa Indonesia ("Dikoordinasikan ke Suku Dinas ...", "Pelapor
menyanggah: ..."), and the redaction door leaves Indonesian placeholders in what reporters wrote ("[nama
disembunyikan]"). Both are stored as written, the language of record. ``in_language`` renders them for an English
reader at display time: each note the services write has one pattern here, the parts a person wrote (a reason, a
question, a unit's name) are kept as they are, and every placeholder is replaced wherever it appears. Text that
matches no pattern is shown as stored: an officer's own note is never rewritten. Rows written before a pattern
existed are rendered too, since nothing is translated when written.
"""

from __future__ import annotations

import re

# the redaction door's placeholders (sigap.privacy.redaction.PLACEHOLDER; a test holds the two together)
PLACEHOLDERS_EN = {
    "[nomor telepon disembunyikan]": "[phone number hidden]",
    "[email disembunyikan]": "[email hidden]",
    "[NIK disembunyikan]": "[NIK hidden]",
    "[nomor kendaraan disembunyikan]": "[vehicle number hidden]",
    "[akun disembunyikan]": "[account hidden]",
    "[nama disembunyikan]": "[name hidden]",
    "No. [disembunyikan]": "No. [hidden]",
    "[jabatan disembunyikan]": "[position hidden]",
}


def _triage_en(found: re.Match) -> str:
    """The triage desk's reason (``report_triage``): the category by its English name, the desk's own note as it
    was written."""
    from sigap.organization.models import Category

    name = found.group(1)
    english = Category.objects.filter(name=name).exclude(name_en="").values_list("name_en", flat=True).first()
    return f"triage: {english or name}{found.group(2) or ''}"


# (the note as the services write it, its English), whole-note patterns; groups are carried over unchanged (or a
# function of the match, for what the note names by its Indonesian name)
NOTES_EN: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern, re.S), english)
    for pattern, english in (
        # a dispute's reason with the rating it withdrew (``report_dispute``)
        (
            r"(.*) \(penilaian sebelumnya (\d)/5 ditarik karena sanggahan(.*)\)",
            r"\1 (the earlier rating of \2/5 was withdrawn with the dispute\3)",
        ),
        (r"Dikoordinasikan ke (.+)\.", r"Coordinated to \1."),
        (r"Didisposisikan ke (.+)\.", r"Passed down (disposisi) to \1."),
        (r"Laporan diteruskan ke (.+)\.", r"Report passed on to \1."),
        (r"Diteruskan ke (.+?): (.*)", r"Forwarded to \1: \2"),
        (
            r"Digabung dengan laporan serupa(.*?); perkembangan mengikuti laporan tersebut\.",
            r"Merged with a similar report\1; its progress follows that report.",
        ),
        (
            r"Pertanyaan petugas ditarik; laporan dilanjutkan tanpa menunggu jawaban Anda\.(.*)",
            r"The officer withdrew the question; the report goes on without waiting for your answer.\1",
        ),
        (r"Pertanyaan petugas: (.*)", r"The officer asks: \1"),
        (r"Jawaban pelapor: (.*)", r"The reporter's answer: \1"),
        (r"Jawaban pelapor \(lanjutan\): (.*)", r"The reporter's answer (continued): \1"),
        (
            r"Jawaban pelapor \(setelah pertanyaan ditarik\): (.*)",
            r"The reporter's answer (after the question was withdrawn): \1",
        ),
        (r"Pertanyaan ditarik: (.*)", r"Question withdrawn: \1"),
        (r"Tindak lanjut ditolak: (.*)", r"Follow-up rejected: \1"),
        (r"Pelapor menyanggah: (.*)", r"The reporter disputes: \1"),
        (
            r"Dieskalasi ke (.+?): pelapor menyatakan masalahnya belum beres untuk kedua kalinya\.",
            r"Escalated to \1: the reporter says for the second time that the problem is not fixed.",
        ),
        (r"Pelapor menyatakan masalahnya sudah beres\.", "The reporter confirms the problem is fixed."),
        (
            r"Dieskalasi ke (.+?): (.+) belum menanggapi laporan dalam batas waktu\.",
            r"Escalated to \1: \2 did not respond to the report in time.",
        ),
        (r"Bukti bertanda diterima: (.*)", r"Flagged proof accepted: \1"),
        (
            r"Eskalasi tingkat (\d+): batas waktu (.+) terlewati\.",
            r"Escalation level \1: the deadline of \2 was missed.",
        ),
        (r"Eskalasi tingkat (\d+): sanggahan ke-(\d+)\.", r"Escalation level \1: dispute no. \2."),
        (r"Eskalasi tingkat (\d+): (.*)", r"Escalation level \1: \2"),
        # the two reasons above as the escalation step is handed them
        (r"batas waktu (.+) terlewati", r"the deadline of \1 was missed"),
        (r"sanggahan ke-(\d+)", r"dispute no. \1"),
        (r"Tindak lanjut selesai, menunggu validasi\.", "Work done, awaiting validation."),
        (r"Tindak lanjut telah divalidasi\.", "The work has been validated."),
        # the reason of a report closed for want of an answer (``_close_unanswered``)
        (r"tidak ada jawaban pelapor dalam (\d+) hari kerja", r"no answer from the reporter within \1 working days"),
        (r"triase: (.+?)( — .*)?", _triage_en),
        (
            r"Laporan ditutup karena pertanyaan petugas tidak dijawab dalam (\d+) hari kerja\. "
            r"Anda dapat membuat laporan baru bila masalahnya masih ada\.",
            r"Closed because the officer's question was not answered within \1 working days. "
            r"You can file a new report if the problem is still there.",
        ),
    )
)


ASKED = "Pertanyaan petugas: "  # how a question starts in the report's notes (``report_ask_reporter``)


def _listed_in_english() -> dict[str, str]:
    """{a listed question in Bahasa Indonesia: its English} (``sigap.reports.questions``: the city's list or the
    shipped one)."""
    from .questions import catalog

    try:
        return {text_id: text_en for text_id, text_en in catalog().values()}
    except ValueError:  # a city list that asks who the reporter is: refused by ``sigap check``; shown as stored
        return {}


def placeholders_in(text: str, language: str) -> str:
    if not text or not language.startswith("en"):
        return text
    for placeholder, english in PLACEHOLDERS_EN.items():
        text = text.replace(placeholder, english)
    return text


def in_language(text: str, language: str) -> str:
    """A stored note (or any reporter-written text) for a reader of ``language`` ("id" returns it unchanged)."""
    if not text or not language.startswith("en"):
        return text
    listed = _listed_in_english()
    if text.strip() in listed:  # a question from the list has its own English
        return listed[text.strip()]
    if text.startswith(ASKED) and text.removeprefix(ASKED).strip() in listed:
        return f"The officer asks: {listed[text.removeprefix(ASKED).strip()]}"
    for pattern, english in NOTES_EN:
        if pattern.fullmatch(text):
            text = pattern.sub(english, text, count=1)
            break
    return placeholders_in(text, language)
