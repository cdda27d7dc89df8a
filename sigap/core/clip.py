"""Shortening a text a reporter wrote without cutting a word or a number in two.

A number cut in half is no longer the number the redaction door looks for: a NIK's last 14 digits, or a phone's
last 9, pass as "some digits" (found by a review: the chat dialog kept the end of an over-long place text, and an
email the start of one, cut at a fixed character). Cut here, whole words go and the rest stays as written; what the
door then reads is whole."""

from __future__ import annotations

import re

_GAP = re.compile(r"\s+")
ELLIPSIS = "…"


def clip_start(text: str, limit: int) -> str:
    """The start of ``text`` in at most ``limit`` characters, "…" ending it when something was cut: cut before the
    last word that would not fit whole (a single word longer than the limit goes whole too)."""
    if len(text) <= limit:
        return text
    head = text[: max(0, limit - 1)]
    gaps = list(_GAP.finditer(head))
    if gaps and text[limit - 1 : limit].strip():  # the cut falls inside a word: back to the gap before it
        head = head[: gaps[-1].start()]
    elif not gaps and text[limit - 1 : limit].strip():
        head = ""
    return head.rstrip(" ,;") + ELLIPSIS


def clip_end(text: str, limit: int) -> str:
    """The end of ``text`` in at most ``limit`` characters, "…" opening it when something was cut: cut after the
    first word that would not fit whole."""
    if len(text) <= limit:
        return text
    start = len(text) - max(0, limit - 1)
    if start > 0 and not text[start - 1].isspace():  # the cut falls inside a word: on to the gap after it
        gap = _GAP.search(text, start)
        start = gap.end() if gap else len(text)
    return ELLIPSIS + text[start:].lstrip(" ,;")
