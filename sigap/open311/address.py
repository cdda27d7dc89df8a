"""From an Open311 ``address_string`` to a kelurahan: match the names of kelurahan and kecamatan in the
text. Pure: the areas come in as data (``kelurahan_from_text``); ``kelurahan_locate`` reads them from the
Wilayah table of the city's province.

Rules, in order:
1. Names match whole words, case- and punctuation-insensitively. A match inside a longer match is dropped
   ("Cempaka Baru" is not also "Baru").
2. A name right after "kecamatan"/"kec" is a kecamatan; right after "kelurahan"/"kel"/"desa" it is a kelurahan,
   and such explicit kelurahan win over bare names.
3. Several kelurahan left: a bare name that is both a kelurahan and a kecamatan is read as the kecamatan
   when another candidate lies in it ("Pondok Bambu, Duren Sawit"); then a kecamatan mentioned in other
   words than a remaining candidate keeps only its own kelurahan.
4. Exactly one left: that kelurahan. None or several: a 400 error that says what was found (never echoing
   the text itself, which may carry personal data).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .errors import bad_request

KEC_WORDS = frozenset({"kecamatan", "kec", "kc"})
KEL_WORDS = frozenset({"kelurahan", "kel", "kl", "desa", "ds"})


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    parent_code: str = ""


def words(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return tuple(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    area: Area
    kind: str  # "kel" or "kec"


def _find(tokens: tuple[str, ...], areas, kind: str) -> list[_Match]:
    out = []
    for area in areas:
        name = words(area.name)
        n = len(name)
        if not n:
            continue
        for i in range(len(tokens) - n + 1):
            if tokens[i : i + n] == name:
                out.append(_Match(i, i + n, area, kind))
    return out


def kelurahan_from_text(text: str, *, kelurahan, kecamatan) -> Area:
    tokens = words(text)
    matches = _find(tokens, kelurahan, "kel") + _find(tokens, kecamatan, "kec")
    # 1. drop matches strictly inside a longer one
    matches = [
        m
        for m in matches
        if not any(o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in matches)
    ]
    # 2. the word before a name says what it is
    before = {m: tokens[m.start - 1] if m.start > 0 else "" for m in matches}
    kel = [m for m in matches if m.kind == "kel" and before[m] not in KEC_WORDS]
    kec = [m for m in matches if m.kind == "kec" and before[m] not in KEL_WORDS]
    explicit = [m for m in kel if before[m] in KEL_WORDS]
    if explicit:
        kel = explicit
    kec_at = {(m.start, m.end): m.area for m in kec}
    spans: dict[str, set] = {}
    for m in kel:
        spans.setdefault(m.area.code, set()).add((m.start, m.end))
    candidates = list({m.area.code: m.area for m in kel}.values())
    # 3. a bare name that is both a kelurahan and a kecamatan holding another candidate means the kecamatan
    if len(candidates) > 1:

        def means_kecamatan(c: Area) -> bool:
            for span in spans[c.code]:
                area = kec_at.get(span)
                if area is not None and any(o is not c and o.parent_code == area.code for o in candidates):
                    return True
            return False

        candidates = [c for c in candidates if not means_kecamatan(c)] or candidates
    # 4. a kecamatan mentioned on its own (not the same words as a remaining candidate) narrows the choice
    taken = {span for c in candidates for span in spans[c.code]}
    narrowing = {m.area.code for m in kec if (m.start, m.end) not in taken or before[m] in KEC_WORDS}
    if len(candidates) > 1 and narrowing:
        candidates = [c for c in candidates if c.parent_code in narrowing] or candidates
    mentioned_kec = {m.area.code: m.area for m in kec}
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        names = ", ".join(sorted(c.name for c in candidates))
        raise bad_request(
            f"address_string menyebut beberapa kelurahan ({names}); sebutkan satu kelurahan atau kirim lat/long.",
            f"address_string names several kelurahan ({names}); name one kelurahan or send lat/long.",
            code="address_ambiguous",
            field="address_string",
        )
    if mentioned_kec:
        names = ", ".join(sorted(a.name for a in mentioned_kec.values()))
        raise bad_request(
            f"address_string hanya menyebut kecamatan ({names}); tambahkan nama kelurahan atau kirim lat/long.",
            f"address_string names only a kecamatan ({names}); add the kelurahan's name or send lat/long.",
            code="address_kelurahan_missing",
            field="address_string",
        )
    raise bad_request(
        "Tidak ada nama kelurahan yang dikenali dalam address_string; sebutkan kelurahannya atau kirim lat/long.",
        "No kelurahan name was recognised in address_string; name the kelurahan or send lat/long.",
        code="address_not_understood",
        field="address_string",
    )


@lru_cache(maxsize=4)
def _areas(fingerprint: tuple) -> tuple[tuple[Area, ...], tuple[Area, ...], dict[str, tuple[float, float]]]:
    from django.conf import settings

    from sigap.organization.models import Wilayah

    prefix = settings.SIGAP_PROVINCE + "."
    rows = Wilayah.objects.filter(code__startswith=prefix, level__in=[Wilayah.Level.KECAMATAN, Wilayah.Level.KELURAHAN])
    kel, kec, points = [], [], {}
    for code, name, level, parent, lat, lon in rows.values_list(
        "code", "name", "level", "parent__code", "inner_lat", "inner_lon"
    ):
        if level == Wilayah.Level.KECAMATAN:
            kec.append(Area(code, name))
        elif lat is not None and lon is not None:
            kel.append(Area(code, name, parent or ""))
            points[code] = (lat, lon)
    return tuple(kel), tuple(kec), points


def kelurahan_locate(text: str) -> tuple[Area, float, float]:
    """The kelurahan named in ``text`` and its inner point (lat, lon), or a 400 ``Open311Error``."""
    from django.db.models import Count, Max

    from sigap.organization.models import Wilayah

    agg = Wilayah.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    kel, kec, points = _areas((agg["n"], agg["t"]))
    area = kelurahan_from_text(text, kelurahan=kel, kecamatan=kec)
    lat, lon = points[area.code]
    return area, lat, lon
