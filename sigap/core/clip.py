"""Shortening a text a reporter wrote without cutting a word or a number in two.

A number cut in half is no longer the number the redaction door looks for: a NIK's last 14 digits, or a phone's
last 9, pass as "some digits" (found by a review: the chat dialog kept the end of an over-long place text, and an
email the start of one, cut at a fixed character). Cut here, whole words go and the rest stays as written; what the
door then reads is whole."""

from __future__ import annotations

import re

_GAP = re.compile(r"\s+")
ELLIPSIS = "…"
# A number as people write it, its groups apart ("3175 0741 0890 0003", "0812-3456-7890"): one word here, so a cut
# never keeps its last groups (a second review's finding).
_NUMBER = re.compile(r"\+?\d(?:[ \t.\-/]{0,3}\d)*")


def _number_around(text: str, at: int) -> tuple[int, int] | None:
    """The written number that ``at`` falls inside (strictly), if any."""
    for m in _NUMBER.finditer(text, max(0, at - 64), min(len(text), at + 64)):
        if m.start() < at < m.end():
            return m.span()
    return None


def clip_start(text: str, limit: int) -> str:
    """The start of ``text`` in at most ``limit`` characters, "…" ending it when something was cut: cut before the
    last word that would not fit whole (a single word longer than the limit goes whole too)."""
    if len(text) <= limit:
        return text
    cut = max(0, limit - 1)
    number = _number_around(text, cut)
    if number is not None:  # the cut falls inside a number: before it
        cut = number[0]
    head = text[:cut]
    gaps = list(_GAP.finditer(head))
    if text[cut : cut + 1].strip() and head[-1:].strip():  # the cut falls inside a word: back to the gap before it
        head = head[: gaps[-1].start()] if gaps else ""
    return head.rstrip(" ,;") + ELLIPSIS


def clip_end(text: str, limit: int) -> str:
    """The end of ``text`` in at most ``limit`` characters, "…" opening it when something was cut: cut after the
    first word that would not fit whole."""
    if len(text) <= limit:
        return text
    start = len(text) - max(0, limit - 1)
    number = _number_around(text, start)
    if number is not None:  # the cut falls inside a number: after it
        start = number[1]
    if start > 0 and not text[start - 1].isspace() and text[start : start + 1].strip():  # inside a word: after it
        gap = _GAP.search(text, start)
        start = gap.end() if gap else len(text)
    return ELLIPSIS + text[start:].lstrip(" ,;")
