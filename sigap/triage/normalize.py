"""Indonesian text normalization for citizen reports (pure Python: no Django, nothing downloaded).

The steps, in order (each is a small function below, so tests can check them one by one):

1. ``clean``: lowercase; drop URLs, e-mail addresses and @mentions; keep a hashtag's words without the
   ``#`` (``#BanjirJakarta`` → ``banjir jakarta``); numbers policy (see ``_numbers``): money amounts
   become the token ``rupiah``, Indonesian reduplication with a digit is undone (``anak2`` → ``anak``),
   every other digit is dropped, so ``RT 05/RW 03`` → ``rt rw`` and ``2 bulan`` → ``bulan``;
   everything that is not a letter becomes a space.
2. ``tokens``: per word: repeated letters squeezed (``bangeeet`` → ``banget``, ``maaaf`` → ``maaf``: a run of
   3+ letters becomes 1 or 2, whichever gives a known word), hyphenated reduplication undone
   (``lubang-lubang`` → ``lubang``), slang and abbreviations replaced from ``SLANG`` (``gak`` → ``tidak``,
   ``pju`` → ``lampu jalan``), a few multi-word phrases folded into one canonical form (``PHRASES``),
   then optional stop-word removal (``STOPWORDS``, a small own list that keeps negations such as
   ``tidak``/``belum`` and domain words such as ``kali``, which Sastrawi's list would drop) and optional
   Sastrawi stemming (``stem``, cached per word; ``PROTECTED`` words are never stemmed).

``analyze(text)`` returns the two views the categorizer uses: the stemmed, stop-word-free text (word n-grams)
and the slang-normalized but unstemmed text (character n-grams, which absorb typos).

Bump ``NORMALIZE_VERSION`` whenever a change here changes any output: saved models record it, and a model
saved with another version is not reused.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

NORMALIZE_VERSION = 1

# --- slang / abbreviation dictionary ---------------------------------------------------------------------
# Keys are single lowercase tokens after cleaning; values are one or more words. Written for this project
# (CC0, like data/training.csv). Grouped by theme so a reviewer can check them.
SLANG: dict[str, str] = {
    # negation, aspect
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "nga": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "kagak": "tidak",
    "kaga": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "ndak": "tidak",
    "gaada": "tidak ada",
    "gada": "tidak ada",
    "gbs": "tidak bisa",
    "gabisa": "tidak bisa",
    "blm": "belum",
    "blom": "belum",
    "belom": "belum",
    "lom": "belum",
    "udh": "sudah",
    "udah": "sudah",
    "sdh": "sudah",
    "dah": "sudah",
    "udha": "sudah",
    "uda": "sudah",
    "sudh": "sudah",
    "lg": "lagi",
    "lgi": "lagi",
    "msh": "masih",
    "masi": "masih",
    "jg": "juga",
    "jga": "juga",
    "aja": "saja",
    "aj": "saja",
    "ajah": "saja",
    "doang": "saja",
    "doank": "saja",
    "bgt": "banget",
    "bngt": "banget",
    "bgtt": "banget",
    "bener": "benar",
    "bnr": "benar",
    "bs": "bisa",
    "bsa": "bisa",
    "hrs": "harus",
    "mo": "mau",
    "mw": "mau",
    # pronouns, connectives
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "sm": "sama",
    "ama": "sama",
    "krn": "karena",
    "karna": "karena",
    "krna": "karena",
    "gara": "karena",
    "tp": "tapi",
    "tpi": "tapi",
    "tetapi": "tapi",
    "sy": "saya",
    "sya": "saya",
    "gw": "saya",
    "gue": "saya",
    "gua": "saya",
    "aku": "saya",
    "ak": "saya",
    "dr": "dari",
    "dri": "dari",
    "utk": "untuk",
    "untk": "untuk",
    "kl": "kalau",
    "klo": "kalau",
    "kalo": "kalau",
    "klw": "kalau",
    "kalu": "kalau",
    "dlm": "dalam",
    "dpn": "depan",
    "dpan": "depan",
    "blkg": "belakang",
    "skrg": "sekarang",
    "skrng": "sekarang",
    "sekarng": "sekarang",
    "tdi": "tadi",
    "td": "tadi",
    "kmrn": "kemarin",
    "kemaren": "kemarin",
    "kmarin": "kemarin",
    "bsk": "besok",
    "org": "orang",
    "orng": "orang",
    "tlg": "tolong",
    "tolongin": "tolong",
    "mhn": "mohon",
    "trs": "terus",
    "trus": "terus",
    "bkn": "bukan",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "knp": "kenapa",
    "napa": "kenapa",
    "kpn": "kapan",
    "dmn": "dimana",
    "sampe": "sampai",
    "ampe": "sampai",
    "nyampe": "sampai",
    "smp": "sampai",
    "bikin": "buat",
    "bkin": "buat",
    "dikit": "sedikit",
    "sdikit": "sedikit",
    "byk": "banyak",
    "bnyk": "banyak",
    "pd": "pada",
    "pas": "saat",
    "abis": "habis",
    "abs": "habis",
    "kyk": "seperti",
    "kayak": "seperti",
    "kek": "seperti",
    "tau": "tahu",
    "ngerti": "mengerti",
    "taun": "tahun",
    "thn": "tahun",
    "bln": "bulan",
    "mgg": "minggu",
    "hr": "hari",
    "mlm": "malam",
    "malem": "malam",
    "pgi": "pagi",
    "sore2": "sore",
    "siang2": "siang",
    "dket": "dekat",
    "deket": "dekat",
    "dkt": "dekat",
    "gede": "besar",
    "gedhe": "besar",
    "segede": "besar",
    "kecil2": "kecil",
    "item": "hitam",
    "ijo": "hijau",
    "ilang": "hilang",
    "idup": "hidup",
    "lewatin": "lewat",
    "liat": "lihat",
    "ngeliat": "lihat",
    "keliatan": "kelihatan",
    "ngasih": "kasih",
    "dikasih": "kasih",
    "nunggu": "tunggu",
    "nungguin": "tunggu",
    "nanya": "tanya",
    "ditanya": "tanya",
    "pake": "pakai",
    "dipake": "pakai",
    "make": "pakai",
    "nyuruh": "suruh",
    "disuruh": "suruh",
    "ujan": "hujan",
    "ujannya": "hujan",
    "deres": "deras",
    "aer": "air",
    "banjirr": "banjir",
    "nutup": "tutup",
    "ketutup": "tertutup",
    "ditutupin": "ditutup",
    "copot": "lepas",
    "copotin": "lepas",
    "nongol": "muncul",
    "nyangkut": "tersangkut",
    "kesumbat": "tersumbat",
    "mampat": "mampet",
    "mandek": "mampet",
    "ngalir": "mengalir",
    "ngerusak": "merusak",
    "rusak2": "rusak",
    "bolong": "berlubang",
    "bolongnya": "lubang",
    "lobang": "lubang",
    "nyala": "menyala",
    "idupin": "nyalakan",
    "mati2": "mati",
    "ngerokok": "merokok",
    "ngebut": "kebut",
    "ugal2an": "ugalan",
    "nyebrang": "menyeberang",
    "nyeberang": "menyeberang",
    "ngetem": "ngetem",
    "nongkrong": "nongkrong",
    "mabok": "mabuk",
    "minum2": "mabuk",
    "berisik": "bising",
    "brisik": "bising",
    "kenceng": "kencang",
    "nyetel": "setel",
    "dateng": "datang",
    "dtg": "datang",
    "balik": "kembali",
    "pulang2": "pulang",
    "gajian": "gaji",
    "gajih": "gaji",
    "duit": "uang",
    "duitnya": "uang",
    "doku": "uang",
    "nyolong": "curi",
    "dicolong": "dicuri",
    "maling": "pencuri",
    "ngebul": "berasap",
    "bau2": "bau",
    "bauu": "bau",
    "nyengat": "menyengat",
    "busuk2": "busuk",
    # places, infrastructure
    "jln": "jalan",
    "jl": "jalan",
    "jalan2": "jalan",
    "jalanan": "jalan",
    "gg": "gang",
    "gng": "gang",
    "pju": "lampu jalan",
    "lpj": "lampu jalan",
    "lampu2": "lampu",
    "lamp": "lampu",
    "selokan": "got",
    "comberan": "got",
    "drainase": "saluran",
    "tps": "tps",
    "tpst": "tps",
    "kalinya": "kali",
    "kali2": "kali",
    "sungainya": "sungai",
    "jpo": "jpo",
    "jembatan2": "jembatan",
    "trotoarnya": "trotoar",
    "trotoir": "trotoar",
    "trotoar2": "trotoar",
    "pedestrian": "trotoar",
    "ubin": "ubin",
    "tegel": "ubin",
    "keramik": "ubin",
    "aspalnya": "aspal",
    "ngelupas": "mengelupas",
    "ngelotok": "mengelupas",
    "ngelupas2": "mengelupas",
    "kel": "kelurahan",
    "kelurahannya": "kelurahan",
    "kec": "kecamatan",
    "kecamatannya": "kecamatan",
    "rt": "rt",
    "rw": "rw",
    "perumahan": "perumahan",
    "komp": "komplek",
    "kompleks": "komplek",
    "rusun": "rusun",
    "rusunawa": "rusun",
    "kontrakan": "kontrakan",
    "kos": "kos",
    "kosan": "kos",
    # transport
    "tj": "transjakarta",
    "busway": "transjakarta",
    "tije": "transjakarta",
    "mcet": "macet",
    "macet2": "macet",
    "mcetnya": "macet",
    "ojol": "ojol",
    "ojek": "ojek",
    "angkot": "angkot",
    "mikrolet": "angkot",
    "bis": "bus",
    "krl": "krl",
    "mrt": "mrt",
    "lrt": "lrt",
    "lalin": "lalu lintas",
    "jukir": "juru parkir",
    "parkiran": "parkir",
    "markir": "parkir",
    "mobil2": "mobil",
    "motor2": "motor",
    "mtr": "motor",
    "mbl": "mobil",
    "truk2": "truk",
    # order, vendors
    "pkl": "pkl",
    "satpol": "satpol",
    "polpp": "satpol pp",
    "tawur": "tawuran",
    "preman2": "preman",
    "anak2": "anak",
    "bocil": "anak",
    "abg": "remaja",
    # services, social
    "bpjs": "bpjs",
    "bpjstk": "bpjs ketenagakerjaan",
    "kpj": "kpj",
    "kjp": "kjp",
    "kjmu": "kjmu",
    "klj": "klj",
    "kaj": "kaj",
    "kpdj": "kpdj",
    "pkh": "pkh",
    "blt": "blt",
    "bst": "bst",
    "dtks": "dtks",
    "bansos": "bansos",
    "sembako": "sembako",
    "ktp": "ktp",
    "ktpel": "ktp el",
    "kk": "kk",
    "kia": "kia",
    "nik": "nik",
    "dukcapil": "dukcapil",
    "capil": "dukcapil",
    "puskes": "puskesmas",
    "pkm": "puskesmas",
    "rs": "rumah sakit",
    "rsud": "rsud",
    "igd": "igd",
    "dokternya": "dokter",
    "obatnya": "obat",
    "ppdb": "ppdb",
    "sdn": "sdn",
    "smpn": "smpn",
    "sman": "sman",
    "sekolahan": "sekolah",
    "umr": "ump",
    "umk": "ump",
    "phk": "phk",
    "thr": "thr",
    "wfo": "wfo",
    "hrd": "hrd",
    "pns": "asn",
    "honorer": "honorer",
    "pungli": "pungutan liar",
    "calo": "calo",
    "damkar": "damkar",
    "apar": "apar",
    "korslet": "korsleting",
    "konslet": "korsleting",
    "konsleting": "korsleting",
    "elpiji": "gas",
    "lpg": "gas",
    "pam": "pam",
    "pdam": "pam",
    "ledeng": "pam",
    "psbb": "psbb",
    "ppkm": "ppkm",
    "prokes": "protokol kesehatan",
    "isoman": "isolasi mandiri",
    "imb": "pbg",
    "pbg": "pbg",
    # greetings / fillers that carry no topic (removed later as stop words)
    "min": "admin",
    "mimin": "admin",
    "kak": "kakak",
    "bang": "abang",
    "pak": "bapak",
    "bu": "ibu",
    "bpk": "bapak",
    "wkwk": "",
    "wkwkwk": "",
    "hehe": "",
    "haha": "",
    "sih": "",
    "deh": "",
    "dong": "",
    "donk": "",
    "nih": "",
    "tuh": "",
    "loh": "",
    "lho": "",
    "kok": "",
    "yah": "",
    "ya": "",
    "yaa": "",
    "nya": "",
    "kah": "",
    "lah": "",
    "pun": "",
    "gan": "",
    "sis": "",
    "bro": "",
}

# Multi-word forms folded into one canonical form (matched on the token sequence after SLANG).
PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("pedagang", "kaki", "lima"): ("pkl",),
    ("penerangan", "jalan", "umum"): ("lampu", "jalan"),
    ("lampu", "penerangan", "jalan"): ("lampu", "jalan"),
    ("jembatan", "penyeberangan", "orang"): ("jpo",),
    ("kartu", "pekerja", "jakarta"): ("kpj",),
    ("kartu", "pekerja"): ("kpj",),
    ("kartu", "jakarta", "pintar"): ("kjp",),
    ("kartu", "lansia", "jakarta"): ("klj",),
    ("kartu", "tanda", "penduduk"): ("ktp",),
    ("kartu", "keluarga"): ("kk",),
    ("pemadam", "kebakaran"): ("damkar",),
    ("trans", "jakarta"): ("transjakarta",),
    ("pungutan", "liar"): ("pungli",),
    ("surat", "izin", "mengemudi"): ("sim",),
    ("bpjs", "tk"): ("bpjs", "ketenagakerjaan"),
}

# Own small stop-word list: function words, pronouns, particles, greetings. Negations (tidak, belum, bukan,
# tanpa) and domain words are deliberately absent.
STOPWORDS: frozenset[str] = frozenset(
    [
        "yang",
        "di",
        "ke",
        "dari",
        "dan",
        "atau",
        "ini",
        "itu",
        "dengan",
        "untuk",
        "pada",
        "adalah",
        "akan",
        "juga",
        "saya",
        "kami",
        "kita",
        "mereka",
        "dia",
        "ia",
        "anda",
        "kamu",
        "kalian",
        "nya",
        "pun",
        "lah",
        "kah",
        "sih",
        "dong",
        "deh",
        "nih",
        "tuh",
        "kok",
        "ya",
        "admin",
        "kakak",
        "abang",
        "bapak",
        "ibu",
        "mas",
        "mbak",
        "bang",
        "halo",
        "hai",
        "selamat",
        "mohon",
        "tolong",
        "terima",
        "kasih",
        "yth",
        "hormat",
        "salam",
        "assalamualaikum",
        "sebagai",
        "oleh",
        "karena",
        "tapi",
        "namun",
        "jadi",
        "agar",
        "supaya",
        "bahwa",
        "seperti",
        "sama",
        "saat",
        "ketika",
        "kalau",
        "jika",
        "bila",
        "maka",
        "kemudian",
        "sudah",
        "telah",
        "sedang",
        "masih",
        "lagi",
        "saja",
        "hanya",
        "cuma",
        "sangat",
        "banget",
        "sekali",
        "amat",
        "para",
        "se",
        "bisa",
        "dapat",
        "harus",
        "mau",
        "ingin",
        "sering",
        "selalu",
        "pernah",
        "ada",
        "apa",
        "siapa",
        "kapan",
        "dimana",
        "bagaimana",
        "kenapa",
        "mengapa",
        "sini",
        "situ",
        "sana",
        "tersebut",
        "mana",
        "setiap",
        "tiap",
        "semua",
        "sampai",
        "hingga",
        "sejak",
        "dalam",
        "antara",
        "terus",
    ]
)

# Never stemmed (domain words and abbreviations Sastrawi would leave alone or mangle).
PROTECTED: frozenset[str] = frozenset(
    [
        "got",
        "kali",
        "mampet",
        "sampah",
        "tps",
        "pkl",
        "ojol",
        "angkot",
        "rt",
        "rw",
        "jpo",
        "kpj",
        "kjp",
        "kjmu",
        "klj",
        "kaj",
        "kpdj",
        "pkh",
        "blt",
        "bst",
        "dtks",
        "bansos",
        "ktp",
        "kk",
        "kia",
        "nik",
        "dukcapil",
        "rsud",
        "igd",
        "puskesmas",
        "ppdb",
        "sdn",
        "smpn",
        "sman",
        "ump",
        "phk",
        "thr",
        "wfo",
        "bpjs",
        "pam",
        "ppkm",
        "psbb",
        "pbg",
        "damkar",
        "apar",
        "transjakarta",
        "mrt",
        "lrt",
        "krl",
        "halte",
        "trotoar",
        "tawuran",
        "banjir",
        "rob",
        "gaji",
        "jukir",
        "pungli",
        "ngetem",
    ]
)

# Root words missing from Sastrawi's dictionary that this domain needs (so "pengerukan" → "keruk").
EXTRA_ROOTS: frozenset[str] = frozenset(
    ["keruk", "normalisasi", "ngetem", "ojol", "mampet", "sedot", "derek", "tilang", "ugal"]
)

# Stems Sastrawi gets wrong in this domain (its suffix rules win: "pengerukan" → "eru").
STEM_OVERRIDES: dict[str, str] = {
    "pengerukan": "keruk",
    "pemadam": "pemadam",
    "pemadaman": "padam",
    "pengaduan": "adu",
    "perumahan": "perumahan",
    "kelurahan": "kelurahan",
    "pelayanan": "layan",
    "pekerja": "pekerja",
}

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|id|org|net|co\.id|go\.id)(?:/\S*)?", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MENTION = re.compile(r"(?<![\w@])@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_MONEY = re.compile(
    r"\brp\.?\s?\d[\d.,]*(?:\s?(?:rb|ribu|k|jt|juta|m|miliar)\b)?"
    r"|\b\d[\d.,]*\s?(?:rb|ribu|rebu|k|jt|juta|jeti|miliar)\b",
    re.I,
)
_REDUP_DIGIT = re.compile(r"\b([a-z]{2,})2\b")
_NUMBER_AN = re.compile(r"\b\d+-?an\b")  # "17an" (Independence Day), "90an"
_DIGITS = re.compile(r"\d+")
_HAS_DIGIT = re.compile(r"\d")
_NON_LETTER = re.compile(r"[^a-z\-]+")
_RUN3 = re.compile(r"(([a-z])\2{2,})")


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _hashtag(match: re.Match) -> str:
    return " " + _CAMEL.sub(" ", match.group(1)) + " "


def _numbers(text: str) -> str:
    """Numbers policy (text already lowercase): amounts of money → ``rupiah``; ``kata2`` → ``kata``
    (reduplication); all remaining digits dropped (house/RT numbers, dates, counts carry no category)."""
    text = _MONEY.sub(" rupiah ", text)
    text = _NUMBER_AN.sub(" ", text)
    text = _REDUP_DIGIT.sub(r"\1", text)
    return _DIGITS.sub(" ", text)


def clean(text: str) -> str:
    """Lowercased, letters-only text: URLs, e-mails and @mentions removed, hashtags kept as words."""
    text = _strip_accents(text or "")
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "." in text or ":" in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _MENTION.sub(" ", text)
    if "#" in text:
        text = _HASHTAG.sub(_hashtag, text)  # before lowercasing, for the camel-case split
    text = text.lower()
    if _HAS_DIGIT.search(text):
        text = _numbers(text)
    return " ".join(_NON_LETTER.sub(" ", text).split())


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Words squeeze() may produce: Sastrawi's root words, the slang dictionary, protected words."""
    words = set(_sastrawi_words())
    words.update(SLANG)
    words.update(w for v in SLANG.values() for w in v.split())
    words.update(PROTECTED)
    return frozenset(words)


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer

    return Stemmer(ArrayDictionary(sorted(_sastrawi_words())))


@lru_cache(maxsize=1)
def _sastrawi_words() -> frozenset[str]:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset({w.strip() for w in StemmerFactory().get_words() if w.strip()} | EXTRA_ROOTS)


@lru_cache(maxsize=50_000)
def squeeze(word: str) -> str:
    """Squeeze runs of 3+ equal letters to 1 or 2, preferring a known word (``bangeeet`` → ``banget``,
    ``maaaaf`` → ``maaf``); unknown words get single letters."""
    runs = _RUN3.findall(word)
    if not runs:
        return word
    known = _known_words()
    pieces = _RUN3.split(word)
    # _RUN3.split yields [text, run, letter, text, run, letter, ..., text]
    texts, letters = pieces[0::3], pieces[2::3]
    choices = list(itertools.product((1, 2), repeat=len(letters))) if len(letters) <= 4 else [(1,) * len(letters)]
    first = None
    for counts in choices:
        candidate = texts[0] + "".join(letter * n + rest for letter, n, rest in zip(letters, counts, texts[1:]))
        if first is None:
            first = candidate
        if candidate in known:
            return candidate
    return first


# Colloquial (Betawi/Jakarta) verb forms: tried only when Sastrawi leaves a word that is not a root word.
_COLLOQ_PREFIXES = (("nge", ""), ("ny", "s"), ("ny", "c"), ("ng", "k"), ("ng", ""), ("ke", ""), ("di", ""))
_COLLOQ_SUFFIXES = (("in", "kan"), ("in", ""), ("an", ""))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Sastrawi stem of one word, cached (Sastrawi takes ~0.3 ms a word). Protected words are returned
    unchanged; colloquial forms (``dibersihin``, ``nyambung``) get one extra try before giving up."""
    if word in PROTECTED or len(word) <= 3:
        return word
    if word in STEM_OVERRIDES:
        return STEM_OVERRIDES[word]
    stemmer = _stemmer()
    roots = _sastrawi_words()
    result = stemmer.stem(word)
    if result in roots:
        return result
    for suffix, repl in _COLLOQ_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            candidate = stemmer.stem(word[: -len(suffix)] + repl)
            if candidate in roots:
                return candidate
    for prefix, repl in _COLLOQ_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            base = repl + word[len(prefix) :]
            if base in roots:
                return base
            candidate = stemmer.stem(base)
            if candidate in roots:
                return candidate
    return result or word


def _fold_phrases(words: list[str]) -> list[str]:
    if not _PHRASE_STARTS.intersection(words):
        return words
    out: list[str] = []
    i = 0
    n = len(words)
    while i < n:
        for phrase, repl in _PHRASES_BY_FIRST.get(words[i], ()):
            k = len(phrase)
            if tuple(words[i : i + k]) == phrase:
                out.extend(repl)
                i += k
                break
        else:
            out.append(words[i])
            i += 1
    return out


_PHRASES_BY_FIRST: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
for _phrase, _repl in sorted(PHRASES.items(), key=lambda item: -len(item[0])):  # longest match first
    _PHRASES_BY_FIRST.setdefault(_phrase[0], []).append((_phrase, _repl))
_PHRASE_STARTS = frozenset(_PHRASES_BY_FIRST)


@lru_cache(maxsize=100_000)
def _word(token: str) -> tuple[str, ...]:
    """One cleaned token → zero or more normalized words (squeeze, reduplication, slang)."""
    if "-" in token:
        parts = [p for p in token.split("-") if p]
        if len(parts) == 2 and parts[0] == parts[1]:  # lubang-lubang → lubang
            parts = parts[:1]
        return tuple(w for p in parts for w in _word(p))
    token = squeeze(token)
    if token in SLANG:
        return tuple(SLANG[token].split())
    if len(token) > 3 and token.endswith("nya") and token[:-3] in SLANG and SLANG[token[:-3]]:
        return tuple(SLANG[token[:-3]].split())
    return (token,)


def tokens(text: str, *, stem_words: bool = True, stopwords: bool = True) -> list[str]:
    """Normalized words of ``text`` (see the module docstring for the steps)."""
    words = [w for tok in clean(text).split() for w in _word(tok)]
    words = _fold_phrases(words)
    if stopwords:
        words = [w for w in words if w not in STOPWORDS]
    if stem_words:
        words = [stem(w) for w in words]
    return [w for w in words if len(w) > 1]


def normalize(text: str, *, stem_words: bool = True, stopwords: bool = True) -> str:
    return " ".join(tokens(text, stem_words=stem_words, stopwords=stopwords))


def analyze(text: str) -> tuple[str, str]:
    """(stemmed text without stop words, for word n-grams; slang-normalized unstemmed text, for char n-grams)."""
    words = [w for tok in clean(text).split() for w in _word(tok)]
    words = [w for w in _fold_phrases(words) if len(w) > 1]
    plain = " ".join(words)
    content = [stem(w) for w in words if w not in STOPWORDS]
    return " ".join(w for w in content if len(w) > 1), plain


def analyze_many(texts) -> list[tuple[str, str]]:
    """``analyze`` over an iterable; module-level so a pickled sklearn pipeline refers to it by name."""
    return [analyze(t) for t in texts]


__all__ = [
    "NORMALIZE_VERSION",
    "PHRASES",
    "PROTECTED",
    "SLANG",
    "STOPWORDS",
    "analyze",
    "analyze_many",
    "clean",
    "normalize",
    "squeeze",
    "stem",
    "tokens",
]
