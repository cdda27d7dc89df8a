"""The one door for everything a reporter writes.

A description, an address, an answer to an officer's question, a dispute reason, a rating comment, a chat
message, an email body: whatever a reporter writes, through whichever channel and at whatever time, reaches
officers only through :func:`for_officers`. It redacts with the generic rules (``redaction.redact``) *and* with
what Sigap knows of this reporter: their names, phone, email, NIK and channel handle, fetched here from the
vault by the report's opaque ``reporter_ref``. Callers never see the identity; officer-facing code never
imports this module (it lives in ``sigap.privacy``, which imports the vault).

The known values catch what generic rules miss: the reporter's first name alone in an ordinary sentence, their
number written with odd separators or spelled in words ("nol delapan satu tiga ..."), the local part of their
email without the domain, a 16-digit NIK split any way.

``sigap/privacy/tests/test_door.py`` checks that no module outside ``sigap.privacy`` calls the redaction rules
directly, so a new path cannot bypass this door.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sigap.core.digits import DIGIT_WORDS

from . import vault
from .redaction import (
    _LISTED_PERSON_NAMES,
    PLACEHOLDER,
    Redacted,
    _is_common,
    fold_in_place,
    redact,
    right_after_place_word,
)

__all__ = ["Known", "for_officers", "known_from_identity"]

# A run of digits with whatever people put between the groups: any spaces and line breaks (a plain-text email wraps
# long lines), and up to twelve marks that are neither letters nor digits (dots, dashes, commas, semicolons,
# bullets, bars, stars, brackets, emoji, a family emoji's joiners), read on the folded copy where every Unicode dash is "-" and every space " ". Only a
# run holding the reporter's own number is cut, so a generous run costs at most a neighbouring count.
_DIGIT_RUN = re.compile(r"\+?\d(?:(?:\s*(?:[^\w\s]|_)){0,12}\s*\d)+")
# Digits spelled in Indonesian (and the English a few reporters use), separated by spaces, commas or dashes.
_DIGIT_WORD = r"(?:{}|\d)".format("|".join(sorted(DIGIT_WORDS, key=len, reverse=True)))
_SPELLED_RUN = re.compile(rf"\b{_DIGIT_WORD}(?:[\s,.\-]+{_DIGIT_WORD}){{5,}}\b", re.IGNORECASE)
_DIGIT_WORD_RE = re.compile(_DIGIT_WORD, re.IGNORECASE)
# The groups of a number and the everyday words people put between them ("0812 ke 9876 ke 5432", "0812 lalu 9876",
# "31740512 spasi 03850007"): a digit group or a spelled digit, and what may stand between two of them on one line
# (at most two words with their marks). Only groups that together hold the reporter's own number are cut.
_DIGIT_TOKEN = re.compile(rf"\+?\d+|\b{_DIGIT_WORD}\b", re.IGNORECASE)
_FILLER = re.compile(r"[^\w\n]*(?:[^\W\d_]{1,12}[^\w\n]+){0,2}")
_NON_DIGIT = re.compile(r"\D")
# The zero-width (non-)joiners shape scripts and emoji: they go only between two Latin letters or digits, where they
# change nothing a reader sees. Every other invisible character goes in ``_marks_dropped``.
_JOINERS = re.compile("(?<=[A-Za-z0-9])[\u200c\u200d]+(?=[A-Za-z0-9])")
# Marks nobody sees that are not format characters: the combining grapheme joiner, Khmer's inherent vowels and the
# variation selectors (both blocks).
_UNSEEN_MARKS = frozenset("\u034f\u17b4\u17b5" + "".join(chr(c) for c in range(0xFE00, 0xFE10))) | frozenset(
    chr(c) for c in range(0xE0100, 0xE01F0)
)
# Characters drawn as an empty space (Hangul fillers, the blank Braille pattern): read as the space they look like.
_BLANK = re.compile("[\u115f\u1160\u3164\uffa0\u2800]")
# The words of a name as written in a profile or a display name ("siti.aminah", "budi_santoso", "Budi🙏"): runs of
# letters, an apostrophe or a hyphen inside a name kept ("Ma'ruf", "Al-Ikhlas").
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def _marks_dropped(text: str) -> str:
    """Without the characters nobody sees (every format character but the zero-width joiners an emoji needs: the
    zero-width space, soft hyphen, word joiner, byte-order mark, direction marks, tag characters ...; and
    ``_UNSEEN_MARKS``) and without marks laid over a Latin letter or digit ("B̲u̲d̲i̲" underlined is "Budi"): either
    would split a name or a number."""
    if text.isascii():
        return text
    out = []
    for c in text:
        if c.isascii():
            out.append(c)
            continue
        category = unicodedata.category(c)
        if (category == "Cf" and c not in "\u200c\u200d") or c in _UNSEEN_MARKS:
            continue
        if category == "Mn" and out and out[-1].isascii() and out[-1].isalnum():
            continue
        out.append(c)
    return "".join(out)


def _word_char(c: str) -> bool:
    """What ``\\w`` matches in a str pattern: a letter, a digit or a number of any script, or "_"."""
    return c.isalnum() or c == "_"


def _occurrences(folded: str, term: str, *, dot_before: bool = False, at_before: bool = False):
    """Where ``term`` stands on its own in ``folded``: not inside a longer word (and, ``dot_before``, not right after
    a "."), with no regex compiled per term (every report brings its own terms, which would flood ``re``'s cache).
    ``at_before``: a "@" just before is part of the match. Every occurrence is tried, overlapping ones too."""
    start = folded.find(term)
    while start != -1:
        end = start + len(term)
        begin = start - 1 if at_before and start and folded[start - 1] == "@" else start
        before = folded[begin - 1] if begin else ""
        if at_before and begin != start and before and _word_char(before):
            begin, before = start, "@"  # "x@handle": the handle alone, after its "@"
        if not (before and (_word_char(before) or (dot_before and before == "."))) and not (
            end < len(folded) and _word_char(folded[end])
        ):
            yield begin, end
        start = folded.find(term, start + 1)


_MIN_TAIL = 7  # this many trailing digits of a known phone identify it (an 8-digit local number has 7-8)
_WORD = re.compile(r"[^\W_]+")
_EMAIL_GOES_ON = re.compile(r"[ \t]*(?:@|\(at\)|\[at\]|at[ \t]|et[ \t]|\(et\))")
_NAMES_SIDE_BY_SIDE = re.compile(re.escape(PLACEHOLDER["name"]) + r"(?:[ \t]+" + re.escape(PLACEHOLDER["name"]) + r")+")


@dataclass(frozen=True)
class Known:
    """What Sigap knows of one reporter, as redaction terms. Never leaves ``sigap.privacy``."""

    names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # digits only, national form without the leading 0 / 62
    emails: tuple[str, ...] = ()  # lowercase
    numbers: tuple[str, ...] = ()  # other identifying digit strings (NIK)
    handles: tuple[str, ...] = ()  # social account names, lowercase, without "@"
    ids: tuple[str, ...] = ()  # opaque ids an app keeps of them (a device id), lowercase

    def __bool__(self) -> bool:
        return any((self.names, self.phones, self.emails, self.numbers, self.handles, self.ids))


_AN_ID = re.compile(r"(?=\S*\d)\S{6,}")


def _national(digits: str) -> str:
    if digits.startswith("62"):
        return digits[2:]
    return digits.lstrip("0")


def known_from_identity(identity: Mapping | None, *, names: Iterable[str] = ()) -> Known:
    """Redaction terms from an identity payload (as stored in the vault) and any extra names. The name an email
    address or an account spells ("wulandari.kusuma@…", "siti_rahayu", "sitirahayu88") is one of the reporter's
    names too (``_name_spelled``): a reporter known only by their address who signs with it is known by name."""
    identity = identity or {}
    all_names = [" ".join(_NAME_WORD.findall(n)) for n in (identity.get("name", ""), *names) if n]
    phone = _national(_NON_DIGIT.sub("", str(identity.get("phone", ""))))
    email = str(identity.get("email", "")).strip().lower()
    nik = _NON_DIGIT.sub("", str(identity.get("nik", "")))
    handles = [str(identity.get(key, "")).strip().lstrip("@").lower() for key in ("handle", "username")]
    all_names += [_name_spelled(v) for v in (email.split("@", 1)[0] if "@" in email else "", *handles) if v]
    all_names = [n for n in all_names if n]
    return Known(
        names=tuple(dict.fromkeys(all_names)),
        phones=(phone,) if len(phone) >= _MIN_TAIL else (),
        emails=(email,) if "@" in email else (),
        numbers=(nik,) if len(nik) >= 8 else (),
        # a handle of digits (a chat id, an app's numeric account id) is cut as a whole number, as a device id is:
        # the digit rules know only the phone and the NIK (a session's re-read); a short one is a year or a count
        handles=tuple(dict.fromkeys(h for h in handles if len(h) >= 3 and not h.isdigit())),
        ids=(
            *_device_ids(str(identity.get("device_id", ""))),
            *dict.fromkeys(h for h in handles if h.isdigit() and len(h) >= _MIN_ACCOUNT_DIGITS),
        ),
    )


_MIN_ACCOUNT_DIGITS = 6  # an account id of digits this long is the reporter's; a shorter one is a year or a count
_ADDRESS_WORD = re.compile(r"[^\W\d_]{3,}")


def _a_person_s_word(word: str) -> bool:
    return word in _LISTED_PERSON_NAMES


def _splits(run: str):
    """Each way to cut a run of letters in two parts of 3+ letters ("bud" + "iwirohadi" ... "budiwiro" + "hadi")."""
    return ((run[:i], run[i:]) for i in range(3, len(run) - 2))


def _split_name(run: str) -> list[str]:
    """A run of letters that is two listed names written together ("sitirahayu", "wulandarikusuma"): split where one
    ends and the other begins; a run that is a listed name itself, or has no such split, stays as it is."""
    if _a_person_s_word(run):
        return [run]
    return next(([a, b] for a, b in _splits(run) if _a_person_s_word(a) and _a_person_s_word(b)), [run])


def _name_spelled(value: str) -> str:
    """The person's name an email local part or an account name spells, or "": its words of 3+ letters (split on
    dots, underscores, hyphens and digits; a lone run of two names written together split as ``_split_name``) that
    are listed given or family names (``data/given_names.txt``), and only those: "rina.kebersihan" spells Rina,
    "wati.pln" Wati (the door cut PLN from every sentence when it took every word not an everyday one: a review),
    "info.kebersihan" and "warga.cikini" nobody. An initial ("s.rahayu") is left out too: one letter is no name to
    look for (found by an attacker's review: "wulandari.kusuma@…" signing "wulandari kusuma" kept the whole name in
    the officers' copy). A family name missing from the list stays with the whole address as the door's term."""
    runs = _ADDRESS_WORD.findall(value.lower())
    words = _split_name(runs[0]) if len(runs) == 1 else runs  # two names written together are one run
    words = [w for w in words if _a_person_s_word(w)]
    return " ".join(words) if 0 < len(words) <= 4 else ""


_GENERIC_DEVICES = frozenset(
    {"android", "iphone", "ipad", "unknown", "undefined", "null", "none", "browser", "desktop", "mobile", "tablet"}
    | {"windows", "linux", "macos", "web", "handphone", "smartphone", "telepon", "ponsel", "perangkat", "device"}
)


def _device_ids(value: str) -> tuple[str, ...]:
    """A client app's device id, cut wherever it stands: what looks like an id (a digit in it, no space), or a name
    the resident gave their phone ("hpwulandari", "Galaxy-Rina"; found by a review); not an everyday word, which would
    be cut everywhere ("unknown", "android", "sekolah")."""
    device = value.strip().lower()
    if _AN_ID.fullmatch(device):
        return (device,)
    if " " in device or len(device) < 6 or device in _GENERIC_DEVICES:
        return ()
    if any(c in device for c in "-_.") or (len(device) >= 8 and not _is_common(device)):
        return (device,)
    return ()


def _is_known_number(digits: str, known: Known) -> str | None:
    for phone in known.phones:
        tail = phone[-_MIN_TAIL:]
        if tail in digits:
            return "phone"
    for number in known.numbers:
        if number in digits or (len(digits) >= 10 and digits in number):
            return "nik"
    return None


def _whole_number(digits: str, known: Known) -> str | None:
    """Pieces put together out of order name the reporter only as the whole number: its tail alone is two counts
    as often ("5432 orang mengungsi, 876 rumah" for …8765432: found by a review)."""
    if any(phone in digits for phone in known.phones):
        return "phone"
    return "nik" if digits in known.numbers else None


def _split_by_words(folded: str, known: Known) -> list[tuple[int, int, str]]:
    """The reporter's phone or NIK in groups with everyday words between them ("0812 ke 9876 ke 5432", "0812 9876
    54 tiga dua", "NIK 31740512 lalu 03850007"): groups that follow one another but for ``_FILLER``, each of them
    part of the known number in its order ("12 hub 0812…" starts at 0812, "…5432 jam 10" ends at 5432), that
    together hold it; those groups and what is between them are cut (found by a review)."""
    forms = [f for phone in known.phones for f in ("0" + phone, "62" + phone)] + list(known.numbers)
    tokens = [
        (m.start(), m.end(), DIGIT_WORDS.get(m.group(0).lower(), m.group(0).lstrip("+")))
        for m in _DIGIT_TOKEN.finditer(folded)
    ]
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        start, end, digits = tokens[i]
        j = i
        while any(digits in f for f in forms) and j + 1 < len(tokens):
            nxt = digits + tokens[j + 1][2]
            if not any(nxt in f for f in forms) or _FILLER.fullmatch(folded, tokens[j][1], tokens[j + 1][0]) is None:
                break
            j, digits, end = j + 1, nxt, tokens[j + 1][1]
        kind = _is_known_number(digits, known) if j > i else None
        if kind:
            found.append((start, end, kind))
            i = j + 1
        else:
            i += 1
    return found


_PIECES_APART = 100  # characters from the first piece of a number given out of order to the end of its last
_MOST_PIECES = 4


def _out_of_order(folded: str, known: Known) -> list[tuple[int, int, str]]:
    """The reporter's phone or NIK given in pieces out of their order ("belakangnya 5432, depannya 0812 9876", "NIK
    03850007 setelah 31740512"): up to four runs of three digits or more, close together, each a part of the known
    number and none of them the number by itself, that put together in some order are the whole number. Every piece
    is cut; the words between them stay (left open by a review)."""
    forms = [f for phone in known.phones for f in ("0" + phone, "62" + phone)] + list(known.numbers)
    pieces = []
    for m in _DIGIT_RUN.finditer(folded):
        digits = _NON_DIGIT.sub("", m.group(0))
        # a run that holds the number by itself is cut as it is: what stands beside it is no piece of it ("jam
        # 08.12 … wa 98765432", "RW 021 … 5432 9876" for a landline: found by a review)
        if len(digits) >= 3 and any(digits in f for f in forms) and not _is_known_number(digits, known):
            pieces.append((m.start(), m.end(), digits))
    found: list[tuple[int, int, str]] = []
    for i, first in enumerate(pieces):
        near = [p for p in pieces[i + 1 : i + _MOST_PIECES] if p[1] - first[0] <= _PIECES_APART]
        for size in range(1, len(near) + 1):
            for rest in itertools.combinations(near, size):
                group = (first, *rest)
                for order in itertools.permutations(group):
                    joined = "".join(p[2] for p in order)
                    kind = _whole_number(joined, known) if any(joined in f for f in forms) else None
                    if kind:
                        found.extend((start, end, kind) for start, end, _ in group)
                        break
    return found


def _a_street_s_word(term: str, text: str, start: int) -> bool:
    """A bare email local part or account name written as one plain word right after a street's or an area's word
    ("Jalan Kenanga" for kenanga@…): the street's name, which cut would tell an officer which word is theirs."""
    return term.isalpha() and right_after_place_word(text, start)


def _name_words(known: Known) -> frozenset[str]:
    """The reporter's names and each word of them, folded as ``_known_values`` looks for terms."""
    words = set()
    for name in known.names:
        folded = fold_in_place(name, lower=True)
        words.add(folded)
        words.update(_WORD.findall(folded))
    return frozenset(words)


_TEXT_WORD = re.compile(r"[^\W\d_]+")


def _ends(run: str) -> list[str]:
    """A run's beginnings and endings of 3+ letters ("budi" and "hadi" of "budiwirohadi")."""
    return [part for pair in _splits(run) for part in pair]


def _spelled_out(folded: str, term: str) -> list[tuple[int, int]]:
    """Where ``folded`` writes an address's or an account's words as words ("wulandari kusuma" for
    wulandari.kusuma@, "Budi Wirohadi" for budiwirohadi): its runs of 3+ letters in their order with only spaces
    between them, or a lone run's letters over two or three words in a row, when a word of it (or a run's beginning
    or end) is a listed name. Only the whole is found: a word of it alone ("PLN" of wati.pln@) is the text's own."""
    runs = _ADDRESS_WORD.findall(term)
    spans: list[tuple[int, int]] = []
    if not any(_a_person_s_word(w) for run in runs for w in (run, *_ends(run))):
        return spans  # it spells no person ("warga.cikini", "jalan_raya"): "Warga Cikini" is the text's own
    if len(runs) >= 2:
        # a word of it the name rules cut already stands as their placeholder ("[nama disembunyikan] kusuma")
        placeholder = PLACEHOLDER["name"].lower()
        words = [f"(?:{re.escape(r)}|{re.escape(placeholder)})" for r in runs]
        pattern = r"(?<![^\W_])" + r"[ \t]+".join(words) + r"(?![^\W_])"
        spans += [
            (m.start(), m.end()) for m in re.finditer(pattern, folded) if m.group(0).replace(placeholder, "").strip()
        ]
    elif len(runs) == 1 and len(runs[0]) >= 6:
        words = list(_TEXT_WORD.finditer(folded))
        for i in range(len(words)):
            joined = words[i].group(0)
            for j in range(i + 1, min(i + 3, len(words))):
                if folded[words[j - 1].end() : words[j].start()].strip(" \t"):
                    break
                joined += words[j].group(0)
                if joined == runs[0]:
                    spans.append((words[i].start(), words[j].end()))
                    break
                if not runs[0].startswith(joined):
                    break
    return spans


def _spelled_names(text: str, known: Known, found: dict[str, int]) -> str:
    """``text`` without the reporter's email local parts and account names written out as words (``_spelled_out``)."""
    terms = [*(e.split("@", 1)[0] for e in known.emails), *known.handles]
    if not terms:
        return text
    folded = fold_in_place(text, lower=True)
    return _cut(text, [(*span, "name") for term in terms for span in _spelled_out(folded, term)], found)


def _cut(text: str, spans: list[tuple[int, int, str]], found: dict[str, int]) -> str:
    """``text`` with each span replaced by its kind's placeholder, counted in ``found``. Spans that overlap or touch
    are one, of the kind of the one that begins first, the longest first ("budi@…" is an email, its "budi" in it)."""
    if not spans:
        return text
    merged: list[list] = []
    for start, end, kind in sorted(spans, key=lambda span: (span[0], -span[1])):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, kind])
    out, last = [], 0
    for start, end, kind in merged:
        out += [text[last:start], PLACEHOLDER[kind]]
        found[kind] = found.get(kind, 0) + 1
        last = end
    return "".join(out) + text[last:]


def _known_values(text: str, known: Known, found: dict[str, int]) -> str:
    """Replace the reporter's own phone, NIK, email and handle wherever and however they are written.

    An email's local part or an account name written bare that is also a word of the reporter's name ("budi" of
    budi@… in "Saya Budi Santoso") is cut as a name: as an email or an account, its placeholder would tell the
    officer which written word the address or the account begins with."""
    spans: list[tuple[int, int, str]] = []
    folded = fold_in_place(text, lower=True)  # looked for here, cut from ``text``
    name_words = _name_words(known) if known.names and (known.emails or known.handles) else frozenset()
    if known.phones or known.numbers:
        for m in _DIGIT_RUN.finditer(folded):
            kind = _is_known_number(_NON_DIGIT.sub("", m.group(0)), known)
            if kind:
                spans.append((m.start(), m.end(), kind))
        for m in _SPELLED_RUN.finditer(folded):
            digits = "".join(DIGIT_WORDS.get(w.lower(), w) for w in _DIGIT_WORD_RE.findall(m.group(0)))
            kind = _is_known_number(digits, known)
            if kind:
                spans.append((m.start(), m.end(), kind))
        spans.extend(_split_by_words(folded, known))
        spans.extend(_out_of_order(folded, known))
    for email in known.emails:
        local = email.split("@", 1)[0]
        for term in (email, local):
            if len(term) < 4:
                continue
            spans.extend(
                # a word of the name that is the local part, unless the address goes on ("budi at gmail dot com")
                (start, end, "name" if term in name_words and not _EMAIL_GOES_ON.match(folded, end) else "email")
                for start, end in _occurrences(folded, term, dot_before=True)
                if term == email or not _a_street_s_word(term, text, start)
            )
    for handle in known.handles:
        spans.extend(
            (start, end, "handle" if folded[start] == "@" or handle not in name_words else "name")
            for start, end in _occurrences(folded, handle, at_before=True)
            if folded[start] == "@" or not _a_street_s_word(handle, text, start)
        )
    for device in known.ids:  # wherever it is, whatever its form (a UUID, an IMEI): never a word of a name
        spans.extend((start, end, "handle") for start, end in _occurrences(folded, device))
    return _cut(text, spans, found)


def for_officers(
    text: str,
    *,
    reporter_ref: str = "",
    identity: Mapping | None = None,
    names: Iterable[str] = (),
    place_text: bool = False,
) -> Redacted:
    """Redact what a reporter wrote before anyone but the reporter reads it.

    ``reporter_ref``: the report's vault reference (answers, disputes, comments, chat and email follow-ups);
    ``identity``: the payload about to be stored (at intake, before the vault record exists);
    ``names``: names known only to the caller (e.g. an anonymous LAPOR! reporter's name, which is not kept);
    ``place_text``: the text is an address, where a kelurahan's name that is also a word of the reporter's is the
    place's (``redaction._region_spans``)."""
    if identity is None and reporter_ref:
        identity = vault.identity_redaction_terms(reporter_ref)
    known = known_from_identity(identity, names=names)
    found: dict[str, int] = {}
    # composed (NFC): an accent typed as its own mark reads, and is matched, as the accented letter; without the
    # invisible marks that change nothing a reader sees but would split a name or a number ("Rat\u200bna")
    text = _marks_dropped(_BLANK.sub(" ", _JOINERS.sub("", unicodedata.normalize("NFC", text or ""))))
    text = _known_values(text, known, found) if known else text
    result = redact(text, names=known.names, place_text=place_text)
    # after the name rules, which cut a name written out with more of it ("Wiryawan Sasmita Putra"): what they left
    result.text = _spelled_names(result.text, known, found)
    # one name cut here and there ("[nama] Santoso" → "[nama] [nama]") is one placeholder: not its length
    result.text = _NAMES_SIDE_BY_SIDE.sub(PLACEHOLDER["name"], result.text)
    for kind, count in found.items():
        result.found[kind] = result.found.get(kind, 0) + count
    return result


# What an officer's question to the reporter may not carry (``sigap.reports.services.question_names_someone``):
# vehicle plates and long numbers (a meter, a pole, coordinates) may be the problem itself, and a phone number is
# refused by the question rule already.
_PERSONAL_KINDS = frozenset({"name", "email", "handle", "nik", "house"})


def names_someone(text: str) -> bool:
    """Whether the generic rules find a person's name (after an honorific or a label), a house number, an email,
    an account or a NIK in ``text``. Reads nothing of any reporter: a refusal it causes says nothing of who the
    real one is."""
    return not _PERSONAL_KINDS.isdisjoint(redact(text).found)
