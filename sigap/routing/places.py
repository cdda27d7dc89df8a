"""Find a kelurahan named in free text ("gg mawar rt 05/03 pondok bambu duren sawit").

A small matcher over the region list: it is the fallback the chat dialog uses; the triage address
parser improves on it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sigap.organization.models import Wilayah


@dataclass(frozen=True)
class PlaceMatch:
    kode: str
    nama: str
    lat: float
    lon: float
    confidence: float


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@lru_cache(maxsize=4)
def _index(version: tuple) -> tuple[list[tuple[str, str, str, float, float]], dict[str, str]]:
    rows = list(Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN, inner_lat__isnull=False)
                .values_list("kode", "nama", "parent__nama", "inner_lat", "inner_lon"))
    kelurahan = [(kode, _norm(nama), _norm(kec or ""), lat, lon) for kode, nama, kec, lat, lon in rows]
    names = {kode: nama for kode, nama, *_ in rows}
    return kelurahan, names


def place_match(text: str) -> list[PlaceMatch]:
    """Candidate kelurahan named in ``text``, best first (a kecamatan named too raises confidence)."""
    from django.db.models import Count, Max

    agg = Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN).aggregate(n=Count("id"), t=Max("updated_at"))
    kelurahan, names = _index((agg["n"], agg["t"]))
    haystack = f" {_norm(text)} "
    found = []
    for kode, name, kec, lat, lon in kelurahan:
        if f" {name} " in haystack:
            confidence = 0.7 + (0.25 if kec and f" {kec} " in haystack.replace(f" {name} ", " ", 1) else 0.0)
            confidence += min(0.05, len(name) / 400)
            found.append(PlaceMatch(kode, names[kode], lat, lon, round(min(confidence, 0.99), 2)))
    found.sort(key=lambda m: (-m.confidence, -len(m.nama), m.kode))
    # a name inside a longer matched name ("Cipinang" in "Cipinang Melayu") is not a separate candidate
    return [m for m in found if not any(o is not m and _norm(m.nama) in _norm(o.nama) and len(o.nama) > len(m.nama) for o in found)]
