"""The questions an officer may put to an Anonim reporter: a list, not free text.

An Anonim report has no identity record, so the redaction door has nothing to take out of the answer; and no
phrase list can tell every way of asking "who are you?" ("Nama lengkap?", "Pelapor ini siapa?", "Rumah Bapak
nomor berapa?") from a question about the problem. So an Anonim reporter is asked only from this list, about
the problem and its place. A city may replace it with ``SIGAP_ANONYMOUS_QUESTIONS`` (a mapping of code →
[Bahasa Indonesia, English]); each question is checked by the identity rule when the list is read.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core import checks

DEFAULT: dict[str, tuple[str, str]] = {
    # the triage desk's first question for a report no text placed (a post, a call): where the problem is
    "lokasi": (
        "Di mana tepatnya masalahnya? Sebutkan jalan atau gang, kelurahan, dan patokan terdekat.",
        "Where exactly is the problem? Give the street or gang, the kelurahan and the nearest landmark.",
    ),
    "patokan": (
        "Apa patokan terdekat dari lokasi masalahnya (bangunan, toko, tiang bernomor, atau tanda lain)?",
        "What is the nearest landmark to the problem (a building, a shop, a numbered pole or another sign)?",
    ),
    "sisi-jalan": (
        "Di sisi jalan yang mana, dan kira-kira berapa meter dari persimpangan terdekat?",
        "On which side of the road, and about how many metres from the nearest junction?",
    ),
    "foto": (
        "Mohon kirim foto kondisi masalahnya sekarang (tanpa orang di dalam foto).",
        "Please send a photo of the problem as it is now (with no people in it).",
    ),
    "sejak-kapan": (
        "Sejak kapan masalah ini terjadi, dan pada jam berapa biasanya?",
        "Since when has this been happening, and at what time of day usually?",
    ),
    "masih-ada": (
        "Apakah masalahnya masih ada sekarang?",
        "Is the problem still there now?",
    ),
    "seberapa-besar": (
        "Seberapa besar atau luas masalahnya (misalnya panjang, lebar, atau kedalamannya)?",
        "How big is the problem (for example its length, width or depth)?",
    ),
    "rincian": (
        "Mohon jelaskan masalahnya lebih rinci: apa yang terjadi di lokasi?",
        "Please describe the problem in more detail: what is happening at the place?",
    ),
}


def catalog() -> dict[str, tuple[str, str]]:
    """The list in force: the city's own (``SIGAP_ANONYMOUS_QUESTIONS``) or the shipped one. Raises ValueError
    when a question of the city's list asks who the reporter is."""
    given = getattr(settings, "SIGAP_ANONYMOUS_QUESTIONS", None) or DEFAULT
    return dict(_checked(tuple((str(code), (str(texts[0]), str(texts[1]))) for code, texts in given.items())))


@functools.lru_cache(maxsize=4)
def _checked(items: tuple) -> tuple:
    """The list, once its questions passed the identity rule: checked once per list, not at every page that
    offers it (a refused list raises every time it is read)."""
    from .services import question_asks_identity

    for code, (text_id, text_en) in items:
        if question_asks_identity(text_id) or question_asks_identity(text_en):
            raise ValueError(f"SIGAP_ANONYMOUS_QUESTIONS[{code!r}] asks who the reporter is")
    return items


def text(code: str) -> tuple[str, str] | None:
    return catalog().get(code or "")


@checks.register("sigap")
def city_list_checked(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``sigap check`` (and before ``migrate`` and ``serve``): the city's list is readable and asks nothing of who
    the reporter is; until it is, no Anonim reporter can be asked anything."""
    try:
        catalog()
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        return [checks.Error(f"SIGAP_ANONYMOUS_QUESTIONS: {exc}", hint="See docs/deployment.md.", id="sigap.E001")]
    return []
