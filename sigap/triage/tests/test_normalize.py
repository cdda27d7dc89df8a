"""The Indonesian normalizer: each slang rule, cleaning, numbers, repeated letters, stemming, stop words."""

from __future__ import annotations

import pytest

pytest.importorskip("Sastrawi", reason="PySastrawi is needed for sigap.triage")

from sigap.triage import normalize as N


def plain(text: str) -> str:
    """Slang-normalized words, no stemming, no stop-word removal."""
    return N.normalize(text, stem_words=False, stopwords=False)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("jln", "jalan"),
        ("jl", "jalan"),
        ("jl.", "jalan"),
        ("gg", "gang"),
        ("pju", "lampu jalan"),
        ("bgt", "banget"),
        ("udh", "sudah"),
        ("udah", "sudah"),
        ("sdh", "sudah"),
        ("gak", "tidak"),
        ("ga", "tidak"),
        ("nggak", "tidak"),
        ("ngga", "tidak"),
        ("tdk", "tidak"),
        ("yg", "yang"),
        ("dgn", "dengan"),
        ("blm", "belum"),
        ("krn", "karena"),
        ("tp", "tapi"),
        ("sy", "saya"),
        ("dr", "dari"),
        ("kl", "kalau"),
        ("klo", "kalau"),
        ("mcet", "macet"),
        ("tj", "transjakarta"),
        ("busway", "transjakarta"),
        ("selokan", "got"),
        ("pdam", "pam"),
        ("bolong", "berlubang"),
        ("ujan", "hujan"),
        ("skrg", "sekarang"),
        ("tlg", "tolong"),
    ],
)
def test_slang_rule(raw, expected):
    assert plain(raw) == expected


@pytest.mark.parametrize("word", ["mampet", "got", "sampah", "tps", "kali", "ojol", "angkot", "pkl", "rt", "rw"])
def test_domain_words_survive_the_whole_pipeline(word):
    # kept by slang, stop words (Sastrawi's own list would drop "kali") and stemming
    assert N.normalize(f"ini {word} itu") == word


def test_rt_rw_kept_as_tokens_without_numbers():
    assert plain("RT 05/RW 03 Kel. Cipinang") == "rt rw kelurahan cipinang"
    assert plain("rt05 rw.003") == "rt rw"


def test_urls_mentions_and_hashtags():
    text = "@DKIJakarta @BinaMargaJKT lubang di jl. raya bogor #JalanRusak #banjir https://t.co/x1Y2 www.contoh.go.id"
    assert plain(text) == "lubang di jalan raya bogor jalan rusak banjir"
    assert "budi" not in plain("kirim ke budi@contoh.com ya")


def test_numbers_policy():
    assert plain("gaji blm dibayar 2 bulan") == "gaji belum dibayar bulan"
    assert plain("minta Rp200.000 dan 300rb, kadang 2 juta") == "minta rupiah dan rupiah kadang rupiah"
    assert plain("lubang2 di jalan2") == "lubang di jalan"  # reduplication written with a 2
    assert plain("lubang-lubang") == "lubang"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("bangeeet", "banget"),
        ("mampeeettt", "mampet"),
        ("maaaaf", "maaf"),
        ("gaaaa", "tidak"),
        ("tolooong", "tolong"),
    ],
)
def test_repeated_letters(raw, expected):
    assert plain(raw) == expected


def test_phrases_fold_to_one_form():
    assert plain("Pedagang Kaki Lima di trotoar") == "pkl di trotoar"
    assert plain("kartu pekerja jakarta belum cair") == "kpj belum cair"
    assert plain("penerangan jalan umum mati") == "lampu jalan mati"


def test_stemming_uses_sastrawi_and_is_cached():
    N.stem.cache_clear()
    assert N.stem("pengangkutan") == "angkut"
    assert N.stem("tersumbat") == "sumbat"
    assert N.stem("dibersihin") == "bersih"  # colloquial -in suffix
    assert N.stem("kebanjiran") == "banjir"
    N.stem("pengangkutan")
    info = N.stem.cache_info()
    assert info.hits >= 1 and info.currsize >= 4
    assert N.normalize("sampah tidak diangkut") == "sampah tidak angkut"


def test_stop_words_keep_negations():
    assert N.normalize("air pam ga ngalir dan belum ada yang datang") == "air pam tidak alir belum datang"
    assert "tidak" not in N.STOPWORDS and "belum" not in N.STOPWORDS and "kali" not in N.STOPWORDS


def test_analyze_gives_stemmed_and_plain_views():
    stemmed, unstemmed = N.analyze("Got MAMPET bangeeet di depan rumah, tolong dibersihin")
    assert stemmed == "got mampet depan rumah bersih"
    assert unstemmed == "got mampet banget di depan rumah tolong dibersihin"


def test_empty_and_odd_input():
    assert N.normalize("") == ""
    assert N.normalize(None) == ""
    assert N.normalize("!!! 123 ???") == ""
    assert N.normalize("Jalan rusák") == "jalan rusak"
