"""Redaction of personal data in what reporters type. Pure: text in, text out.

Officers read only the redacted text; the original goes to the vault. Each kind of personal data is
replaced by a visible placeholder so the officer knows something was removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers

PLACEHOLDER = {
    "phone": "[nomor telepon disembunyikan]",
    "email": "[email disembunyikan]",
    "nik": "[NIK disembunyikan]",
    "plate": "[nomor kendaraan disembunyikan]",
    "handle": "[akun disembunyikan]",
    "name": "[nama disembunyikan]",
    "house": "No. [disembunyikan]",
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_NIK = re.compile(r"(?<!\d)(?:\d[ .\-]?){15}\d(?!\d)")
# Indonesian plates: region letters (1-2), 1-4 digits, 0-3 suffix letters: "B 1234 XYZ", "D1234AB", "B-1234-KJT".
_PLATE = re.compile(r"\b(?:[A-Z]{1,2})[ \-]?\d{1,4}[ \-]?[A-Z]{1,3}\b")
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}\b")
_HOUSE = re.compile(r"\b(?:No|Nomor|Nmr|no|nomor|NO)\.?\s*\d+[A-Za-z]?(?:/\d+[A-Za-z]?)?\b")
_HONORIFIC = (
    r"(?:Pak|Bapak|Bpk|Bu|Ibu|Mas|Mbak|Mba|Bang|Abang|Kak|Haji|Hj|H|Saudara|Sdr|Sdri|Om|Tante|Cik|Koh|Ci|Engkong|Nenek|Kakek|Pakde|Bude|Ustadz|Ustad)"
)
_CAP_WORD = r"[A-Z][a-z'’]+"
_HONORIFIC_NAME = re.compile(rf"\b{_HONORIFIC}\.?\s+((?:{_CAP_WORD})(?:\s+{_CAP_WORD}){{0,2}})")
_SELF_NAME = re.compile(rf"\b(?:nama saya|saya bernama|nama aku|my name is)\s+((?:{_CAP_WORD})(?:\s+{_CAP_WORD}){{0,2}})", re.IGNORECASE)


@dataclass
class Redacted:
    text: str
    found: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.found)


def _phones(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "ID", leniency=phonenumbers.Leniency.POSSIBLE):
        spans.append((match.start, match.end))
    return spans


def redact(text: str, *, names: list[str] | tuple[str, ...] = ()) -> Redacted:
    """Replace personal data in ``text``. ``names``: the reporter's own name(s), removed wherever they appear."""
    found: dict[str, int] = {}
    spans: list[tuple[int, int, str]] = []

    def add(kind: str, start: int, end: int) -> None:
        spans.append((start, end, kind))

    for m in _EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in _NIK.finditer(text):
        add("nik", m.start(), m.end())
    for start, end in _phones(text):
        add("phone", start, end)
    for m in _PLATE.finditer(text):
        add("plate", m.start(), m.end())
    for m in _HANDLE.finditer(text):
        add("handle", m.start(), m.end())
    for m in _HOUSE.finditer(text):
        add("house", m.start(), m.end())
    for m in _HONORIFIC_NAME.finditer(text):
        add("name", m.start(1), m.end(1))
    for m in _SELF_NAME.finditer(text):
        add("name", m.start(1), m.end(1))
    for name in names:
        for part in {name.strip(), *[p for p in name.split() if len(p) >= 3]}:
            if not part:
                continue
            for m in re.finditer(rf"\b{re.escape(part)}\b", text, flags=re.IGNORECASE):
                add("name", m.start(), m.end())

    # Merge overlapping spans; the earliest-starting, longest span wins (an email beats a handle inside it).
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out, pos = [], 0
    for start, end, kind in spans:
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(PLACEHOLDER[kind])
        found[kind] = found.get(kind, 0) + 1
        pos = end
    out.append(text[pos:])
    return Redacted("".join(out), found)
