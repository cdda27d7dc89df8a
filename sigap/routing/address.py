"""Where is a report that has only text? Parse a free-text address or complaint into places.

    parse_address("gg. mawar rt 05/03 pondok bambu duren sawit", regions=..., gazetteer=...)
    -> AddressResult(mentions=[gang Mawar, kelurahan Pondok Bambu, kecamatan Duren Sawit, ...],
                     rt="5", rw="3", candidates=[("31.75.07.1002", 0.99)], ambiguous=False)

Pure: no Django. It takes the region list (``Region``: code, name, level 2 kota / 3 kecamatan /
4 kelurahan, parent code) and the street and landmark gazetteer (``Place``: name, kind, aliases,
kelurahan codes) as data; ``regions_from_csv`` and ``gazetteer_load`` read the files shipped with Sigap.

How it works
1. Normalise: RT/RW, house numbers and kilometre marks are taken out first; the rest is cut into
   tokens, abbreviations are expanded the same way on both sides (jl→jalan, gg→gang, kel→kelurahan,
   kec→kecamatan, jaktim→jakarta timur, pd→pondok, kb→kebon, tj→tanjung, ps→pasar, st→stasiun,
   rsud→rs, kp→kampung, utr/sel/tmr/brt→utara/selatan/timur/barat, "duren 3"→"duren tiga", "m h"→"mh").
   Commas, slashes, '#', ':' and line breaks are boundaries a name never crosses.
2. Match: every window of 1-6 tokens is looked up with its spaces removed, so "pulogadung",
   "pulo gadung", "kramatjati" and "kramat jati" are the same name. Windows with no exact match get a
   fuzzy match (optimal string alignment distance; 1 edit from 6 characters, 2 from 10; the first
   letter must agree; short and common-word names never match fuzzily). Longest match wins.
3. Read the context: a marker right before a name says what it is ("kel." kelurahan, "kec."
   kecamatan, "jl."/"gg." a street named after it, "pasar"/"stasiun"/... a facility there). Names that
   are also everyday words (Baru, Tengah, Gunung, Jati, Karet, ...) count little unless marked or backed
   by their own kecamatan or kota.
4. Combine: every kelurahan, plus "somewhere else / cannot tell", is a hypothesis. Each mention
   multiplies the kelurahan it points to by 1 and the others by a small factor (how often residents
   get that kind of mention wrong, or our lists are incomplete), so mentions intersect softly: a
   kelurahan named with its kecamatan is near certain, a street narrowed by a named kecamatan keeps
   only the kelurahan on both, a conflicting kecamatan lowers the confidence instead of vetoing.
   Normalising gives a probability for each kelurahan: the candidates' confidence.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

try:  # optional accelerator: identical results, parsing about 6x faster
    from rapidfuzz.distance import OSA as _OSA
except ImportError:  # pragma: no cover - exercised only without rapidfuzz
    _OSA = None

DATA_DIR = Path(__file__).resolve().parent / "data"
GAZETTEER_CSV = DATA_DIR / "gazetteer.csv"
KELURAHAN_GEOJSON = DATA_DIR.parent.parent / "data" / "jakarta_kelurahan.geojson"

KOTA, KECAMATAN, KELURAHAN = 2, 3, 4

# --- calibration -------------------------------------------------------------------------------------
# A mention multiplies the kelurahan it points to by 1 and every other kelurahan by DELTA (the chance a
# resident writes it although the place is elsewhere, or that our list for it is incomplete); the
# "elsewhere / cannot tell" hypothesis is multiplied by ETA. Fitted by hand on the dev half of
# data/address_set.jsonl (see bench/address.py), then frozen.
# A "point" is a place known to stand in one kelurahan (a gazetteer position): as precise as naming the kelurahan.
DELTA = {
    "kelurahan": 0.0004,
    "kecamatan": 0.006,
    "kota": 0.08,
    "jalan": 0.002,
    "place": 0.0015,
    "point": 0.0006,
    "luar": 0.03,
}
ETA = {
    "kelurahan": 0.0003,
    "kecamatan": 0.004,
    "kota": 0.03,
    "jalan": 0.0015,
    "place": 0.001,
    "point": 0.0004,
    "luar": 1.0,
}
# ("luar", a place outside the city, multiplies every kelurahan by DELTA and "elsewhere" by 1)
PRIOR_ELSEWHERE = 1.0  # prior weight of "elsewhere / cannot tell" against all kelurahan together
MIN_CONFIDENCE = 0.03  # kelurahan below this are not candidates
MAX_CANDIDATES = 10
STRONG = 0.6  # a top candidate at or above this, ...
MARGIN = 0.25  # ... this far ahead of the second, is not ambiguous
# how much a mention is trusted, by how it was found
Q_FUZZY_PER_EDIT = 0.6  # a fuzzy match is trusted 1 - 0.6 * edits / length (at least 0.6)
Q_COMMON_WORD = 0.3  # a name that is also an everyday word, without marker or supporting area
Q_STREET_NAMED_AFTER = 0.85  # "jl. kebon kacang raya" (not in the gazetteer) is in or next to Kebon Kacang
Q_GANG_NAMED_AFTER = 0.6
Q_FACILITY_NAMED_AFTER = 0.8  # "pasar cipulir", "stasiun klender": facilities are named after where they are
W_SECONDARY_KECAMATAN = 0.2  # "pasar minggu" is first the kelurahan, then the kecamatan around it
W_BASE = 0.5  # "tebet" also points at Tebet Timur and Tebet Barat
W_SECONDARY_PLACE = 0.5  # a gazetteer entry whose name is also a region name (a wide one: W_SECONDARY_KECAMATAN)
W_AROUND = 0.15  # a place that stands in one kelurahan: the report is about somewhere around it, shared by the rest

Q_PLAIN = 0.8  # a mention read at least this surely can contradict the others (see _contradicted)
MIN_MENTION_SCORE = 0.4  # weaker readings still count as evidence but are not listed as mentions
MAX_WINDOW = 6
MAX_FUZZY_WINDOW = 4
MIN_FUZZY_LEN = 6

# --- vocabulary -------------------------------------------------------------------------------------
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("jl", "jln", "jaln", "jlan", "jaan", "jalan"), ("jalan",)),
    **dict.fromkeys(("gg", "gng", "gang"), ("gang",)),
    **dict.fromkeys(
        ("kel", "kelurahan", "kelurhan", "kelurahn", "klurahan", "klrhn", "kelrhn", "lurah", "desa", "kelu"),
        ("kelurahan",),
    ),
    **dict.fromkeys(("kec", "kecamatan", "kecamtan", "kecmatan", "kcmtn", "kecam", "camat"), ("kecamatan",)),
    **dict.fromkeys(("kab", "kabupaten"), ("kabupaten",)),
    **dict.fromkeys(("kota", "kotamadya", "kodya"), ("kota",)),
    "jaktim": ("jakarta", "timur"),
    "jakbar": ("jakarta", "barat"),
    "jaksel": ("jakarta", "selatan"),
    "jakut": ("jakarta", "utara"),
    "jakpus": ("jakarta", "pusat"),
    "jakpusat": ("jakarta", "pusat"),
    "jaktimur": ("jakarta", "timur"),
    "jakselatan": ("jakarta", "selatan"),
    "jakbarat": ("jakarta", "barat"),
    **dict.fromkeys(("jkt", "jak", "dki", "jakarta"), ("jakarta",)),
    **dict.fromkeys(("kep", "kepl", "kepulauan"), ("kepulauan",)),
    **dict.fromkeys(("pd", "pdk", "pndk", "pondok"), ("pondok",)),
    **dict.fromkeys(("kb", "kbn", "kebun", "kebon"), ("kebon",)),
    **dict.fromkeys(("tj", "tg", "tjg", "tanjung"), ("tanjung",)),
    **dict.fromkeys(("klp", "kelapa"), ("kelapa",)),
    # the short forms of map services' addresses, which residents paste ("Kby. Baru", "Gn. Sahari", "Tmn. Sari")
    **dict.fromkeys(("kby", "keb", "kebay", "kebayoran"), ("kebayoran",)),
    **dict.fromkeys(("gn", "gunung"), ("gunung",)),
    **dict.fromkeys(("tmn", "taman"), ("taman",)),
    **dict.fromkeys(("prpt", "prptn", "prapatan"), ("prapatan",)),
    **dict.fromkeys(("ps", "psr", "pasar"), ("pasar",)),
    **dict.fromkeys(("st", "sta", "stsn", "stasion", "statsiun", "stasiun"), ("stasiun",)),
    **dict.fromkeys(("rs", "rsu", "rsud", "rsup", "rsupn", "rsia", "rsab"), ("rs",)),
    **dict.fromkeys(("kp", "kmp", "kamp", "kpg", "kampung"), ("kampung",)),
    **dict.fromkeys(("jend", "jendral", "jenderal", "jen"), ("jenderal",)),
    **dict.fromkeys(("utr", "ut", "utara"), ("utara",)),
    **dict.fromkeys(("sel", "slt", "sltn", "selt", "selatan"), ("selatan",)),
    **dict.fromkeys(("tim", "tmr", "tmur", "timur"), ("timur",)),
    **dict.fromkeys(("bar", "brt", "brat", "barat"), ("barat",)),
    **dict.fromkeys(("mal", "mall", "mol"), ("mall",)),
    **dict.fromkeys(("mesjid", "masjid", "msjd"), ("masjid",)),
    **dict.fromkeys(("univ", "universitas"), ("universitas",)),
    **dict.fromkeys(("lapas", "rutan", "penjara", "bui"), ("lapas",)),  # residents call every prison "penjara"
    **dict.fromkeys(("bunderan", "bundaran"), ("bundaran",)),
    "cemp": ("cempaka",),
    "term": ("terminal",),
}
PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {("rumah", "sakit"): ("rs",)}
DIGIT_WORDS = {"1": "satu", "2": "dua", "3": "tiga", "4": "empat"}
DIRECTIONS = {"utara", "selatan", "timur", "barat", "wetan"}
ADMIN_WORDS = {"kota", "kabupaten", "administrasi", "adm", "provinsi", "daerah", "khusus", "ibukota"}
# buildings are named after an area they may stand beside rather than in ("penjara cipinang" is in Cipinang Besar
# Utara): an area name after one of these, unless the gazetteer knows the building, is asked about, never settled
BUILDING_MARKERS = {
    "penjara", "lapas", "rutan", "kampus", "universitas", "gereja", "klenteng", "vihara", "apartemen",
    "gedung", "hotel", "polsek", "polres", "koramil", "kodim", "plaza", "itc", "stadion", "pelabuhan", "bandara",
}  # fmt: skip
FACILITY_MARKERS = {
    "pasar", "stasiun", "terminal", "rs", "halte", "mall", "masjid", "puskesmas", "kantor", "sekolah",
} | BUILDING_MARKERS  # fmt: skip
ADMIN_MARKERS = {"jalan", "gang", "kelurahan", "kecamatan", "kota", "kabupaten"}
MARKERS = ADMIN_MARKERS | FACILITY_MARKERS
# Function words and the everyday vocabulary of complaints: never part of a fuzzy match, and the end of
# a street name.
STOPWORDS = set(
    [
        "di",
        "ke",
        "dari",
        "dan",
        "yang",
        "dekat",
        "dkt",
        "deket",
        "dket",
        "depan",
        "dpn",
        "samping",
        "smpg",
        "belakang",
        "blkg",
        "seberang",
        "sbrg",
        "sebelah",
        "sblh",
        "arah",
        "menuju",
        "sekitar",
        "sekitaran",
        "daerah",
        "wilayah",
        "lokasi",
        "alamat",
        "tepatnya",
        "tinggal",
        "warga",
        "sih",
        "ya",
        "yg",
        "pak",
        "bu",
        "bapak",
        "ibu",
        "min",
        "admin",
        "kak",
        "mas",
        "mbak",
        "tolong",
        "mohon",
        "lapor",
        "ada",
        "sudah",
        "sdh",
        "udah",
        "belum",
        "blm",
        "tidak",
        "tdk",
        "gak",
        "ga",
        "nggak",
        "enggak",
        "bisa",
        "jadi",
        "untuk",
        "utk",
        "karena",
        "krn",
        "kalau",
        "kalo",
        "pas",
        "saat",
        "ini",
        "itu",
        "sana",
        "sini",
        "situ",
        "nya",
        "lagi",
        "lg",
        "juga",
        "jg",
        "sering",
        "banyak",
        "bikin",
        "sampai",
        "sampe",
        "hingga",
        "sejak",
        "tiap",
        "setiap",
        "semua",
        "para",
        "kami",
        "saya",
        "aku",
        "kita",
        "kamu",
        "mereka",
        "dengan",
        "dgn",
        "atau",
        "pada",
        "oleh",
        "the",
        "of",
        "in",
        "at",
        "near",
        "rt",
        "rw",
        "no",
        "nomor",
        "km",
    ]
)
COMMON_WORDS = STOPWORDS | set(
    [
        "rusak",
        "berlubang",
        "lubang",
        "banjir",
        "genangan",
        "tergenang",
        "air",
        "sampah",
        "lampu",
        "pju",
        "mati",
        "padam",
        "got",
        "saluran",
        "selokan",
        "mampet",
        "tersumbat",
        "meluap",
        "pohon",
        "tumbang",
        "roboh",
        "miring",
        "kabel",
        "tiang",
        "listrik",
        "parkir",
        "liar",
        "pedagang",
        "pkl",
        "trotoar",
        "macet",
        "bau",
        "busuk",
        "asap",
        "bakar",
        "bangunan",
        "izin",
        "imb",
        "pungli",
        "narkoba",
        "tawuran",
        "kebakaran",
        "kumuh",
        "kotor",
        "bersih",
        "pipa",
        "bocor",
        "pdam",
        "pam",
        "sumur",
        "kali",
        "sungai",
        "jembatan",
        "rumah",
        "kosong",
        "lahan",
        "pagar",
        "tembok",
        "atap",
        "hari",
        "minggu",
        "bulan",
        "tahun",
        "pagi",
        "siang",
        "sore",
        "malam",
        "jam",
        "baru",
        "lama",
        "besar",
        "kecil",
        "raya",
        "tengah",
        "dalam",
        "luar",
        "atas",
        "bawah",
        "panjang",
        "pendek",
        "tinggi",
        "rendah",
        "motor",
        "mobil",
        "orang",
        "anak",
        "sekolah",
        "toko",
        "warung",
        "ruko",
        "kios",
        "taman",
        "jalanan",
        "ambles",
        "amblas",
        "retak",
        "licin",
        "gelap",
        "terang",
        "parah",
        "sekali",
        "banget",
        "udah",
        "tumpukan",
    ]
)
# everyday words that also occur inside street names ("Jl. Kebon Kacang Raya", "Gg. Masjid Baru")
STREET_NAME_WORDS = {
    "raya",
    "baru",
    "lama",
    "dalam",
    "tengah",
    "besar",
    "kecil",
    "atas",
    "bawah",
    "panjang",
    "tinggi",
    "luar",
    "taman",
    "kali",
    "sungai",
    "jembatan",
    "masjid",
    "sekolah",
    "pasar",
}
# Kelurahan (or base) names that are also everyday words or names of places outside the city: they
# count only when marked ("kel. baru") or backed by their kecamatan or kota.
COMMON_WORD_NAMES = set(
    [
        "baru",
        "tengah",
        "gunung",
        "pulo",
        "jati",
        "setu",
        "karet",
        "dukuh",
        "gedong",
        "bangka",
        "guntur",
        "kartini",
        "gelora",
        "kamal",
        "tangki",
        "makasar",
        "selong",
        "rambutan",
        "joglo",
        "tugu",
        "duri",
        "kenari",
        "kramat",
        "bungur",
        "kapuk",
        "galur",
        "serdang",
        "sukabumi",
        "tamansari",
    ]
)

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_BREAK = re.compile(r"[,;:/#()\[\]!?|\n\r\t\"]|\s-\s|\.\s*\.|\s{3,}")
_RT_RW = re.compile(
    r"\br\.?\s?t\.?\s*(?:/\s*r\.?\s?w\.?\s*)?[.:]?\s*0*(\d{1,3})\s*"
    r"(?:[/\\\-.]\s*(?:r\.?\s?w\.?\s*[.:]?\s*)?|,?\s*r\.?\s?w\.?\s*[.:]?\s*)0*(\d{1,3})(?!\d)",
    re.I,
)
_RT = re.compile(r"\br\.?\s?t\.?\s*[.:]?\s*0*(\d{1,3})(?!\d)", re.I)
_RW = re.compile(r"\br\.?\s?w\.?\s*[.:]?\s*0*(\d{1,3})(?!\d)", re.I)
_HOUSE = re.compile(r"\b(?:no|nomor|nmr)\b\.?\s*:?\s*(\d+\s?[a-z]?)\b", re.I)
_NOISE = re.compile(r"\bkm\.?\s*\d+(?:[.,]\d+)?\b|\b\d{5}\b|\b\d{6,}\b|@\w+|https?://\S+", re.I)


# --- data --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: int  # 2 kota/kabupaten, 3 kecamatan, 4 kelurahan/desa (others are ignored)
    parent: str = ""


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # jalan, gang, landmark, pasar, stasiun, terminal, rs, sekolah, masjid, mall, taman, kawasan, luar
    aliases: tuple[str, ...] = ()
    kelurahan: tuple[str, ...] = ()  # empty for kind "luar" (a place outside the city)
    home: str = ""  # the kelurahan a point place stands in ("" for streets and wide areas); also in ``kelurahan``
    rw: tuple[str, ...] = ()  # a street's RW: "code:n" crossed, "code:~n" loaded there but not crossed


@dataclass(frozen=True)
class Mention:
    kind: str  # kota, kecamatan, kelurahan, jalan, gang, landmark, luar
    name: str  # canonical name (the region's or gazetteer entry's), or the street name as written
    text: str  # as written in the text
    start: int  # character offsets in the text
    end: int
    codes: tuple[str, ...] = ()  # the region's own code, or the kelurahan of a gazetteer entry
    place_kind: str = ""  # the gazetteer kind (stasiun, pasar, ...) for landmarks and streets
    score: float = 1.0  # how sure the reading is, 0..1


@dataclass(frozen=True)
class AddressResult:
    text: str
    mentions: tuple[Mention, ...]
    candidates: tuple[tuple[str, float], ...]  # (kelurahan code, confidence), best first
    ambiguous: bool  # candidates exist but the top one is not clearly right (see STRONG, MARGIN)
    elsewhere: float  # probability that the text names no kelurahan we know (outside, or too vague)
    rt: str | None = None
    rw: str | None = None
    house_number: str | None = None

    def _first(self, kind: str) -> Mention | None:
        return next((m for m in self.mentions if m.kind == kind), None)

    @property
    def best(self) -> str | None:
        return self.candidates[0][0] if self.candidates else None

    @property
    def kota(self) -> Mention | None:
        return self._first("kota")

    @property
    def kecamatan(self) -> Mention | None:
        return self._first("kecamatan")

    @property
    def kelurahan(self) -> Mention | None:
        return self._first("kelurahan")

    @property
    def street(self) -> Mention | None:
        return self._first("jalan")

    @property
    def gang(self) -> Mention | None:
        return self._first("gang")

    @property
    def landmarks(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.kind == "landmark")


def regions_from_csv(path: str | Path, prefix: str = "31") -> tuple[Region, ...]:
    """Kota, kecamatan and kelurahan under ``prefix`` from a wilayah_indonesia.csv-style file
    (columns kode, nama, tingkat, kode_induk)."""
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["kode"]
            if (code == prefix or code.startswith(prefix + ".")) and int(row["tingkat"]) in (
                KOTA,
                KECAMATAN,
                KELURAHAN,
            ):
                out.append(Region(code, row["nama"], int(row["tingkat"]), row.get("kode_induk") or ""))
    return tuple(out)


def gazetteer_load(
    path: str | Path = GAZETTEER_CSV, *, kelurahan_geojson: str | Path | None = KELURAHAN_GEOJSON
) -> tuple[Place, ...]:
    """The gazetteer CSV: name, kind, aliases (';'-separated), kelurahan (';'-separated codes) and, for a place
    that stands at one spot, its position (lat, lon). A position gives the place its ``home``: the kelurahan
    whose polygon in ``kelurahan_geojson`` holds it (``None``: positions are not read)."""
    from sigap.core.gazetteer import gazetteer_rows

    locate = _locator(str(kelurahan_geojson)) if kelurahan_geojson else None
    return tuple(Place(r.name, r.kind, r.aliases, r.kelurahan, r.home or "") for r in gazetteer_rows(path, locate))


@lru_cache(maxsize=2)
def _locator(geojson: str):
    """(lon, lat) -> the kelurahan a written position stands in (``point_home`` with HOME_MARGIN_WRITTEN_M)."""
    import json

    from shapely import STRtree
    from shapely.geometry import Point, shape

    from sigap.core.geo import HOME_MARGIN_WRITTEN_M, point_home

    with open(geojson, encoding="utf-8") as f:
        features = json.load(f)["features"]
    codes = [str(f["properties"]["kode_kelurahan"]) for f in features]
    tree = STRtree([shape(f["geometry"]) for f in features])

    def locate(lon: float, lat: float) -> str:
        return point_home(tree, codes, Point(lon, lat), HOME_MARGIN_WRITTEN_M)  # sigap.core.geo

    return locate


# --- normalisation -----------------------------------------------------------------------------------
@dataclass
class _Tok:
    norm: str
    start: int
    end: int
    brk: bool  # a boundary lies between this token and the previous one


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


def _tokens(text: str, removed: list[tuple[int, int]] = ()) -> list[_Tok]:
    """Tokens with abbreviations expanded; offsets point into ``text``."""
    raw: list[_Tok] = []
    prev_end = 0
    cuts = sorted(removed)
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        if any(a <= s < b for a, b in cuts):
            continue
        gap = text[prev_end:s]
        brk = bool(_BREAK.search(gap)) or any(prev_end <= a < s or prev_end < b <= s for a, b in cuts)
        raw.append(_Tok(_fold(m.group()), s, e, brk or not raw))
        prev_end = e
    # phrases, abbreviations, digits
    out: list[_Tok] = []
    i = 0
    while i < len(raw):
        t = raw[i]
        for phrase, repl in PHRASES.items():
            n = len(phrase)
            if tuple(x.norm for x in raw[i : i + n]) == phrase and not any(x.brk for x in raw[i + 1 : i + n]):
                out.extend(_Tok(r, t.start, raw[i + n - 1].end, t.brk and k == 0) for k, r in enumerate(repl))
                i += n
                break
        else:
            if t.norm in DIGIT_WORDS and out and not t.brk and out[-1].norm.isalpha():
                out.append(_Tok(DIGIT_WORDS[t.norm], t.start, t.end, t.brk))
            else:
                repl = ABBREVIATIONS.get(t.norm, (t.norm,))
                out.extend(_Tok(r, t.start, t.end, t.brk and k == 0) for k, r in enumerate(repl))
            i += 1
    # single letters in a row are initials: "m h thamrin" -> "mh thamrin", "t b simatupang" -> "tb simatupang"
    merged: list[_Tok] = []
    run = 0
    for t in out:
        single = len(t.norm) == 1 and t.norm.isalpha()
        if single and run and not t.brk:
            merged[-1] = _Tok(merged[-1].norm + t.norm, merged[-1].start, t.end, merged[-1].brk)
            run += 1
            continue
        merged.append(t)
        run = 1 if single else 0
    return merged


def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(t.norm for t in _tokens(name))


def name_words(text: str) -> tuple[str, ...]:
    """``text``'s words as the parser compares names: folded, abbreviations expanded ("kp melayu" → kampung
    melayu, "cempaka putih tim" → … timur), a digit after a name word spelled ("pegangsaan 2" → … dua), initials
    joined. For code that matches a reply against names the parser gave (the dialog's "which place?")."""
    return _name_tokens(text)


def _extract_numbers(text: str) -> tuple[str | None, str | None, str | None, list[tuple[int, int]]]:
    removed: list[tuple[int, int]] = []
    rt = rw = house = None
    m = _RT_RW.search(text)
    if m:
        rt, rw = str(int(m.group(1))), str(int(m.group(2)))
        removed.append(m.span())
    else:
        if m := _RT.search(text):
            rt = str(int(m.group(1)))
            removed.append(m.span())
        if m := _RW.search(text):
            rw = str(int(m.group(1)))
            removed.append(m.span())
    for m in _HOUSE.finditer(text):
        house = house or m.group(1).replace(" ", "")
        removed.append(m.span())
    removed.extend(m.span() for m in _NOISE.finditer(text))
    return rt, rw, house, removed


# --- the index ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Reading:
    kind: str  # kelurahan, kecamatan, kota, base, place
    target: str | int  # region code, or index into places
    weight: float
    weak: bool = False  # the words are also everyday words: they need a marker or backing to count


@dataclass
class _Group:
    """One stretch of text and what it may mean."""

    start: int  # token range
    end: int
    readings: list[tuple[str, str | int, frozenset[str], float]]  # (kind, target, kelurahan set, weight)
    family: str  # kelurahan, kecamatan, kota, jalan, place, luar: sets DELTA and ETA
    q: float = 1.0
    common_word: bool = False
    marker: str = ""
    dist: int = 0
    beside: bool = False  # an area named after a building word: the building may stand beside it


class AddressIndex:
    """The region list and gazetteer compiled for matching; build once, parse many."""

    def __init__(self, regions: Iterable[Region | tuple], gazetteer: Iterable[Place | tuple]):
        self.regions: dict[str, Region] = {}
        for r in regions:
            r = r if isinstance(r, Region) else Region(*r)
            if r.level in (KOTA, KECAMATAN, KELURAHAN):
                self.regions[r.code] = r
        self.kelurahan = tuple(sorted(k for k, r in self.regions.items() if r.level == KELURAHAN))
        kel_set = set(self.kelurahan)
        self.places = tuple(_place(p) for p in gazetteer)
        self.place_home = tuple(p.home if p.home in kel_set else "" for p in self.places)
        self.place_sets = tuple(
            frozenset(c for c in (*p.kelurahan, home) if c in kel_set) for p, home in zip(self.places, self.place_home)
        )
        # kelurahan under each kota / kecamatan
        self.members: dict[str, frozenset[str]] = {}
        under: dict[str, set[str]] = {}
        for k in self.kelurahan:
            code = self.regions[k].parent
            seen = set()
            while code and code in self.regions and code not in seen:
                seen.add(code)
                under.setdefault(code, set()).add(k)
                code = self.regions[code].parent
        for code, r in self.regions.items():
            self.members[code] = frozenset([code]) if r.level == KELURAHAN else frozenset(under.get(code, ()))
        self.lexicon: dict[str, list[_Reading]] = {}
        self.key_tokens: dict[str, tuple[str, ...]] = {}
        self._build_lexicon()
        fuzzy = [k for k, rs in self.lexicon.items() if len(k) >= MIN_FUZZY_LEN and not any(r.weak for r in rs)]
        self._fuzzy_pool: dict[tuple[str, int], list[str]] = {}  # (first two letters, length) -> names
        for k in sorted(fuzzy):
            self._fuzzy_pool.setdefault((k[:2], len(k)), []).append(k)

    # lexicon -----------------------------------------------------------------------------------------
    def _add(self, tokens: tuple[str, ...], reading: _Reading) -> None:
        if not tokens:
            return
        key = "".join(tokens)
        self.key_tokens.setdefault(key, tokens)
        lst = self.lexicon.setdefault(key, [])
        if (
            len(tokens) == 1 and (tokens[0] in COMMON_WORD_NAMES or tokens[0] in COMMON_WORDS)
        ) or key in COMMON_WORD_NAMES:
            reading = _Reading(reading.kind, reading.target, reading.weight, True)
        if reading not in lst:
            lst.append(reading)

    def _region_variants(self, r: Region) -> list[tuple[str, ...]]:
        toks = list(_name_tokens(r.name))
        if r.level == KOTA:
            while toks and toks[0] in ADMIN_WORDS:
                toks.pop(0)
        variants = [tuple(toks)]
        if toks and toks[0] == "kepulauan":
            variants.append(("pulau", *toks[1:]))
        return variants

    def _build_lexicon(self) -> None:
        kinds = {KOTA: "kota", KECAMATAN: "kecamatan", KELURAHAN: "kelurahan"}
        for code, r in self.regions.items():
            for v in self._region_variants(r):
                self._add(v, _Reading(kinds[r.level], code, 1.0))
                if r.level == KELURAHAN and len(v) >= 2 and v[-1] in DIRECTIONS:
                    self._add(v[:-1], _Reading("base", code, W_BASE))
        for i, p in enumerate(self.places):
            street = p.kind in ("jalan", "gang")
            variants: dict[tuple[str, ...], bool] = {}  # tokens -> weak
            for n, is_name in ((p.name, True), *((a, False) for a in p.aliases)):
                toks = _name_tokens(n)
                variants[toks] = False
                if street and toks and toks[0] in ("jalan", "gang"):
                    if is_name and len(toks) > 1:  # the name without "Jalan"; an alias is taken as written
                        # "Jalan Pemuda" makes "pemuda" a name, but alone the word needs "jl." before it
                        variants.setdefault(toks[1:], len(toks) == 2)
                elif street and toks:
                    variants.setdefault((p.kind, *toks), False)
            for v, weak in variants.items():
                self._add(v, _Reading("place", i, 1.0, weak))

    # matching ----------------------------------------------------------------------------------------
    def _fuzzy(self, key: str, words: tuple[str, ...]) -> tuple[int, list[str]]:
        """Names within the allowed edits of ``key``; they must start alike ("tiga pancoran" is not
        "tugu pancoran"), word by word when the word count agrees."""
        best, found = 99, []
        pool = [c for n in range(len(key) - 2, len(key) + 3) for c in self._fuzzy_pool.get((key[:2], n), ())]
        for cand in pool:
            allowed = 2 if len(cand) >= 10 else 1
            if abs(len(cand) - len(key)) > allowed:
                continue
            target = self.key_tokens[cand]
            if len(target) == len(words) and any(a[0] != b[0] for a, b in zip(target, words)):
                continue
            d = _osa(key, cand, allowed)
            if d <= allowed:
                if d < best:
                    best, found = d, [cand]
                elif d == best:
                    found.append(cand)
        return best, found

    def _matches(self, toks: list[_Tok]) -> list[tuple[int, int, int, list[str]]]:
        """(start, end, distance, lexicon keys) for every window that names something."""
        found = []
        n = len(toks)
        for i in range(n):
            key = ""
            for j in range(i, min(n, i + MAX_WINDOW)):
                if j > i and toks[j].brk:
                    break
                key += toks[j].norm
                if key in self.lexicon:
                    found.append((i, j + 1, 0, [key]))
                    continue
                window = toks[i : j + 1]
                core = [t.norm for t in window if t.norm not in MARKERS]  # "pasar manggiss": fuzzy on the name part
                if (
                    j - i + 1 > MAX_FUZZY_WINDOW
                    or len(key) < MIN_FUZZY_LEN
                    or not key.isalpha()
                    or window[-1].norm in MARKERS
                    or len("".join(core)) < MIN_FUZZY_LEN - 1
                    or any(t.norm in STOPWORDS for t in window)
                    or all(c in COMMON_WORDS for c in core)
                ):
                    continue
                d, keys = self._fuzzy(key, tuple(t.norm for t in window))
                if keys:
                    found.append((i, j + 1, d, keys))
        # most name matched first (characters of the name minus edits), exact before fuzzy, leftmost first;
        # keep what does not overlap: "pdk bambu dr" is the exact "pondok bambu", not a fuzzy one
        found.sort(key=lambda m: (-(len(m[3][0]) - m[2]), m[2], m[0]))
        taken: list[tuple[int, int, int, list[str]]] = []
        used = [False] * n
        for m in found:
            if not any(used[m[0] : m[1]]):
                taken.append(m)
                for k in range(m[0], m[1]):
                    used[k] = True
        return sorted(taken)

    def _group(
        self, toks: list[_Tok], start: int, end: int, dist: int, keys: list[str], rw: str | None = None
    ) -> _Group:
        readings = [r for k in keys for r in self.lexicon[k]]
        if any(not r.weak for r in readings):
            prev = toks[start - 1].norm if start and not toks[start].brk else ""
            readings = [r for r in readings if not r.weak or prev in ("jalan", "gang")]
        kinds = {r.kind for r in readings}
        exact_region = kinds & {"kelurahan", "kecamatan", "kota"}
        marker = ""
        k = start - 1
        if k >= 0 and not toks[start].brk and toks[k].norm in MARKERS:
            marker = toks[k].norm
        elif (
            k >= 1
            and not toks[start].brk
            and not toks[k].brk
            and toks[k].norm == "raya"
            and toks[k - 1].norm == "jalan"
        ):
            marker = "jalan"
        out = []
        pinned: set[int] = set()
        for r in readings:
            w = r.weight
            if r.kind == "place":
                place = self.places[r.target]
                if place.kind == "luar":
                    out.append(("luar", r.target, frozenset(), 1.0))
                    continue
                s = self.place_sets[r.target]
                if rw and place.rw:  # "RW 05": not the kelurahan whose RW 05 is known to lie off the street
                    parts = [key.partition(":") for key in place.rw]
                    crossed = frozenset(k for k, _, n in parts if n == rw) & s
                    left = s - frozenset(k for k, _, n in parts if n == "~" + rw)
                    if left:
                        s = left
                        if s == crossed and len(s) == 1:
                            pinned.add(r.target)  # a street and its RW met in one kelurahan: as precise as a spot
                if not s:
                    continue
                if exact_region:
                    w *= W_SECONDARY_PLACE if len(s) <= 3 else W_SECONDARY_KECAMATAN
                home = self.place_home[r.target]
                if home and len(s) > 1:
                    # a place that stands in one kelurahan: there, or somewhere around it in the others it touches
                    out.append(("place", r.target, frozenset([home]), w))
                    out.append(("near", r.target, s - {home}, w * W_AROUND / (len(s) - 1)))
                else:
                    out.append(("place", r.target, s, w))
                continue
            if r.kind == "kecamatan" and "kelurahan" in kinds and marker != "kecamatan":
                w *= W_SECONDARY_KECAMATAN
            s = self.members.get(r.target, frozenset())
            if s:
                out.append((r.kind, r.target, s, w))
        # what the marker says
        if marker == "kelurahan":
            out = [(kd, t, s, w * (1.0 if kd in ("kelurahan", "base") else 0.2)) for kd, t, s, w in out]
        elif marker == "kecamatan":
            out = [(kd, t, s, w * (1.0 if kd == "kecamatan" else 0.3)) for kd, t, s, w in out]
        elif marker in ("kota", "kabupaten"):
            out = [(kd, t, s, w * (1.0 if kd == "kota" else 0.3)) for kd, t, s, w in out]
        elif marker in ("jalan", "gang"):
            streets = [o for o in out if o[0] == "place" and self.places[o[1]].kind in ("jalan", "gang")]
            if streets:
                out = streets
        if out:
            top = max(o[3] for o in out)
            out = [(kd, t, s, w / top) for kd, t, s, w in out if w / top >= 0.15 or kd == "near"]
        families = {kd for kd, *_ in out}
        if not out:
            family = "kelurahan"
        elif families == {"luar"}:
            family = "luar"
        else:
            out = [o for o in out if o[0] != "luar"]
            primary = max(out, key=lambda o: o[3])[0]
            if primary in ("kelurahan", "base"):
                family = "kelurahan"
            elif primary == "place":
                target = max(out, key=lambda o: o[3])[1]
                if self.places[target].kind in ("jalan", "gang"):
                    family = "point" if target in pinned else "jalan"
                else:
                    family = "point" if self.place_home[target] else "place"
            else:
                family = primary
        q = max(0.6, 1 - Q_FUZZY_PER_EDIT * dist / max(len(keys[0]), 1)) if dist else 1.0
        g = _Group(start, end, out, family, q=q, marker=marker, dist=dist)
        street_match = any(kd == "place" and self.places[t].kind in ("jalan", "gang") for kd, t, *_ in out)
        if marker in ("jalan", "gang") and not street_match:
            g.q *= Q_STREET_NAMED_AFTER if marker == "jalan" else Q_GANG_NAMED_AFTER
        elif marker in FACILITY_MARKERS and family in ("kelurahan", "kecamatan"):
            g.q *= Q_FACILITY_NAMED_AFTER
            g.beside = marker in BUILDING_MARKERS
        used = {(kd, t) for kd, t, *_ in out}
        if (
            marker not in ("kelurahan", "kecamatan")
            and family != "luar"
            and all(r.weak for r in readings if (r.kind, r.target) in used)
        ):
            g.common_word = True
        return g

    # parsing -----------------------------------------------------------------------------------------
    def parse(self, text: str) -> AddressResult:
        text = text or ""
        rt, rw, house, removed = _extract_numbers(text)
        toks = _tokens(text, removed)
        groups = [self._group(toks, s, e, d, keys, rw) for s, e, d, keys in self._matches(toks)]
        groups = [g for g in groups if g.readings]
        # a common-word name counts when another mention (its kecamatan, kota, a street or landmark) backs it
        areas = [s for g in groups if not g.common_word for _kd, _t, s, _w in g.readings]
        for g in groups:
            if g.common_word:
                backed = any(s & area for _kd, _t, s, _w in g.readings for area in areas)
                g.q *= 0.9 if backed else Q_COMMON_WORD
        mentions = self._mentions(text, toks, groups)
        candidates, elsewhere = self._combine(groups)
        ambiguous = bool(candidates) and (
            candidates[0][1] < STRONG
            or (len(candidates) > 1 and candidates[0][1] - candidates[1][1] < MARGIN)
            or self._contradicted(candidates[0][0], groups)
            or self._only_beside(candidates[0][0], groups)
        )
        return AddressResult(text, tuple(mentions), tuple(candidates), ambiguous, round(elsewhere, 3), rt, rw, house)

    @staticmethod
    def _only_beside(best: str, groups: list[_Group]) -> bool:
        """The best kelurahan rests only on an area named after a building word ("penjara cipinang")."""
        backing = [g for g in groups if any(best in s for kd, _t, s, _w in g.readings if kd != "luar")]
        return bool(backing) and all(g.beside for g in backing)

    @staticmethod
    def _contradicted(best: str, groups: list[_Group]) -> bool:
        """A street, landmark, kecamatan or kota named plainly (exactly, not a common word) that does not reach the
        best kelurahan: the text says two things ("jl latumenten grogol": the street runs through Jelambar, the
        word is Grogol; "kel. kebon baru kec. matraman"), so it is asked, not settled by whichever weighs more."""
        return any(
            g.family in ("jalan", "place", "point", "kecamatan", "kota")
            and not g.common_word
            and g.dist == 0
            and g.q >= Q_PLAIN
            and not any(best in s for kd, _t, s, _w in g.readings if kd != "luar")
            for g in groups
        )

    def _combine(self, groups: list[_Group]) -> tuple[list[tuple[str, float]], float]:
        n = len(self.kelurahan)
        if not n or not groups:
            return [], 1.0
        # the same thing named twice is one piece of evidence
        unique: dict[tuple, _Group] = {}
        for g in groups:
            sig = tuple(sorted((kd, str(t), w) for kd, t, _s, w in g.readings))
            if sig not in unique or unique[sig].q < g.q:
                unique[sig] = g
        log_base = 0.0  # log factor of a kelurahan no mention points to
        log_else = math.log(PRIOR_ELSEWHERE * n)  # priors: each kelurahan 1, elsewhere PRIOR_ELSEWHERE * n
        bonus: dict[str, float] = {}
        for g in unique.values():
            # a mention trusted q < 1 (fuzzy, a common word, a street named after a place) counts as the
            # q-th power of its likelihoods: q = 0 says nothing, q = 1 is a clean exact mention
            delta, eta, q = DELTA[g.family], ETA[g.family], g.q
            log_base += q * math.log(delta)
            log_else += q * math.log(eta)
            if g.family == "luar":
                continue
            best: dict[str, float] = {}
            for kd, _t, s, w in g.readings:
                if kd == "luar":
                    continue
                f = max(delta, w)
                for k in s:
                    if f > best.get(k, 0.0):
                        best[k] = f
            for k, f in best.items():
                bonus[k] = bonus.get(k, 0.0) + q * (math.log(f) - math.log(delta))
        top = max([log_base, log_else, *(log_base + b for b in bonus.values())])
        z_untouched = (n - len(bonus)) * math.exp(log_base - top)
        z_else = math.exp(log_else - top)
        scores = {k: math.exp(log_base + b - top) for k, b in bonus.items()}
        z = z_untouched + z_else + sum(scores.values())
        ranked = sorted(((k, v / z) for k, v in scores.items()), key=lambda kv: (-kv[1], kv[0]))
        return [(k, round(p, 3)) for k, p in ranked if p >= MIN_CONFIDENCE][:MAX_CANDIDATES], z_else / z

    def _mentions(self, text: str, toks: list[_Tok], groups: list[_Group]) -> list[Mention]:
        out: list[Mention] = []
        street_tokens = set()  # tokens read as a gazetteer street
        for g in groups:
            if any(kd == "place" and self.places[t].kind in ("jalan", "gang") for kd, t, *_ in g.readings):
                street_tokens.update(range(g.start, g.end))
            s, e = toks[g.start].start, toks[g.end - 1].end
            score = round(g.q, 2)
            for kd, t, _s, w in g.readings:
                if w * g.q < MIN_MENTION_SCORE:
                    continue
                if kd == "luar":
                    p = self.places[t]
                    out.append(Mention("luar", p.name, text[s:e], s, e, (), p.kind, score))
                elif kd == "place":
                    p = self.places[t]
                    kind = p.kind if p.kind in ("jalan", "gang") else "landmark"
                    codes = tuple(sorted(self.place_sets[t]))  # where it stands and what it touches
                    out.append(Mention(kind, p.name, text[s:e], s, e, codes, p.kind, round(score * w, 2)))
                elif kd in ("kelurahan", "kecamatan", "kota", "base"):
                    kind = "kelurahan" if kd == "base" else kd
                    out.append(Mention(kind, self.regions[t].name, text[s:e], s, e, (t,), "", round(score * w, 2)))
        # streets and gangs not in the gazetteer: the words after "jl."/"gg." (also when they name an area,
        # "jl. kebon kacang raya": the area is a mention of its own)
        for i, t in enumerate(toks):
            if t.norm not in ("jalan", "gang") or i in street_tokens:
                continue
            j = i + 1
            while (
                j < len(toks)
                and j - i <= 4
                and not toks[j].brk
                and j not in street_tokens
                and toks[j].norm not in STOPWORDS
                and toks[j].norm not in ADMIN_MARKERS
                and not (toks[j].norm in COMMON_WORDS and (j == i + 1 or toks[j].norm not in STREET_NAME_WORDS))
            ):
                j += 1
            if j > i + 1:
                s, e = toks[i + 1].start, toks[j - 1].end
                out.append(Mention(t.norm, text[s:e], text[toks[i].start : e], toks[i].start, e, (), "", 1.0))
        out.sort(key=lambda m: (m.start, -m.score))
        return out


def _osa(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Levenshtein with adjacent transpositions), capped at limit+1."""
    if _OSA is not None:
        return _OSA.distance(a, b, score_cutoff=limit)
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


# --- entry point -------------------------------------------------------------------------------------
_by_identity: dict[tuple[int, int], tuple[object, object, AddressIndex]] = {}


def _place(p: Place | tuple) -> Place:
    """A gazetteer entry given as a tuple (name, kind, aliases, kelurahan[, home[, rw]])."""
    if isinstance(p, Place):
        return p
    return Place(p[0], p[1], tuple(p[2]), tuple(p[3]), *p[4:5], *map(tuple, p[5:6]))


@lru_cache(maxsize=4)
def _index_for(regions: tuple, gazetteer: tuple) -> AddressIndex:
    return AddressIndex(regions, gazetteer)


def address_index(regions: Iterable[Region | tuple], gazetteer: Iterable[Place | tuple]) -> AddressIndex:
    """The compiled index for these inputs (cached: by identity, then by content; treat inputs as immutable)."""
    hit = _by_identity.get((id(regions), id(gazetteer)))
    if hit and hit[0] is regions and hit[1] is gazetteer:
        return hit[2]
    index = _index_for(
        tuple(r if isinstance(r, Region) else Region(*r) for r in regions),
        tuple(_place(p) for p in gazetteer),
    )
    if len(_by_identity) > 8:
        _by_identity.clear()
    _by_identity[(id(regions), id(gazetteer))] = (regions, gazetteer, index)
    return index


def parse_address(text: str, *, regions: Iterable[Region | tuple], gazetteer: Iterable[Place | tuple]) -> AddressResult:
    """Places named in ``text`` and the kelurahan it most likely lies in (see the module docstring)."""
    return address_index(regions, gazetteer).parse(text)


__all__ = [
    "GAZETTEER_CSV",
    "AddressIndex",
    "AddressResult",
    "Mention",
    "Place",
    "Region",
    "address_index",
    "gazetteer_load",
    "parse_address",
    "regions_from_csv",
]
