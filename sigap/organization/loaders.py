"""Load the reference data (region list, boundaries, categories, units, tupoksi, holidays).

Idempotent: rows that exist are left as they are (a city's edits in the admin survive a re-run);
missing rows are created; missing geometry is filled in.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from sigap.core.clock import indonesian_holidays
from sigap.core.models import Holiday

from .models import Kategori, Tupoksi, Unit, Wilayah

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TRIAGE_UNIT = "triase"
KOTA_PREFIXES = ("Kota Administrasi ", "Kabupaten Administrasi ", "Kota ", "Kabupaten ")

JENIS_UNIT = {
    "biro": Unit.Jenis.BIRO,
    "inspektorat": Unit.Jenis.INSPEKTORAT,
    "dinas": Unit.Jenis.DINAS,
    "suku-dinas": Unit.Jenis.SUKU_DINAS,
    "bidang": Unit.Jenis.BIDANG,
    "satuan": Unit.Jenis.SATUAN,
    "bumd": Unit.Jenis.BUMD,
}


@dataclass
class LoadStats:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n


def short_name(nama: str) -> str:
    for prefix in KOTA_PREFIXES:
        if nama.startswith(prefix):
            return nama[len(prefix) :]
    return nama


def kelurahan_unit_code(wilayah_kode: str) -> str:
    return f"kel:{wilayah_kode}"


def _progress(iterable, *, desc: str, total: int | None, show: bool):
    return tqdm(iterable, desc=desc, total=total, unit=" rows", disable=not show, leave=True)


def wilayah_load(*, province: str, all_regions: bool, stats: LoadStats, progress: bool) -> None:
    path = DATA_DIR / "wilayah_indonesia.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if all_regions or r["kode"] == province or r["kode"].startswith(province + ".")
        ]
    existing = set(Wilayah.objects.values_list("kode", flat=True))
    new = [
        Wilayah(kode=r["kode"], nama=r["nama"], tingkat=int(r["tingkat"]), jenis=r["jenis"])
        for r in _progress(rows, desc="Wilayah", total=len(rows), show=progress)
        if r["kode"] not in existing
    ]
    Wilayah.objects.bulk_create(new, batch_size=2000)
    stats.add("wilayah", len(new))
    ids = dict(Wilayah.objects.values_list("kode", "id"))
    parents = {r["kode"]: r["kode_induk"] for r in rows if r["kode_induk"]}
    to_update = []
    for w in Wilayah.objects.filter(kode__in=list(parents), parent__isnull=True):
        parent_id = ids.get(parents[w.kode])
        if parent_id:
            w.parent_id = parent_id
            to_update.append(w)
    Wilayah.objects.bulk_update(to_update, ["parent"], batch_size=2000)


def boundaries_load(*, stats: LoadStats, progress: bool) -> None:
    for filename, code_prop in (
        ("jakarta_kota.geojson", "kode_kota"),
        ("jakarta_kecamatan.geojson", "kode_kecamatan"),
        ("jakarta_kelurahan.geojson", "kode_kelurahan"),
    ):
        features = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))["features"]
        by_code = {w.kode: w for w in Wilayah.objects.filter(kode__in=[f["properties"][code_prop] for f in features])}
        changed = []
        for feature in _progress(
            features, desc=f"Batas {filename.split('_')[1].split('.')[0]}", total=len(features), show=progress
        ):
            props = feature["properties"]
            w = by_code.get(props[code_prop])
            if w is None or w.geometry:
                continue
            w.geometry = feature["geometry"]
            w.inner_lat, w.inner_lon = props.get("titik_dalam_lat"), props.get("titik_dalam_lon")
            w.updated_at = timezone.now()
            changed.append(w)
        Wilayah.objects.bulk_update(changed, ["geometry", "inner_lat", "inner_lon", "updated_at"], batch_size=100)
        stats.add("batas", len(changed))


def kategori_load(*, stats: LoadStats) -> list[dict]:
    with (DATA_DIR / "kategori.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        _obj, created = Kategori.objects.get_or_create(
            kode=r["kode"],
            defaults={
                "grup": r["grup"],
                "nama": r["nama"],
                "name_en": r["name_en"],
                "penanggung_jawab": r["penanggung_jawab"],
                "verifikasi_kelurahan": r["verifikasi_kelurahan"] == "ya",
                "sensitif": r["sensitif"] == "ya",
                "sla_jam_koordinasi": int(r["sla_jam_koordinasi"]),
                "sla_hari_selesai": int(r["sla_hari_selesai"]),
                "contoh": r["contoh"],
            },
        )
        stats.add("kategori", int(created))
    return rows


def _unit(stats: LoadStats, kode: str, **defaults) -> Unit:
    unit, created = Unit.objects.get_or_create(kode=kode, defaults=defaults)
    stats.add("unit", int(created))
    return unit


def units_load(*, province: str, stats: LoadStats, progress: bool) -> dict[str, dict]:
    """The unit tree: pemerintah provinsi → kota → kecamatan → kelurahan, and unit_kerja.csv per its scope."""
    prov = Wilayah.objects.get(kode=province)
    root = _unit(stats, "pemprov", nama=f"Pemerintah Provinsi {prov.nama}", jenis=Unit.Jenis.PROVINSI, wilayah=prov)
    kota_units, kec_units = {}, {}
    areas = list(
        Wilayah.objects.filter(kode__startswith=province + ".", tingkat__in=[2, 3, 4]).order_by("tingkat", "kode")
    )
    for w in _progress(areas, desc="Unit wilayah", total=len(areas), show=progress):
        if w.tingkat == Wilayah.Tingkat.KOTA:
            kota_units[w.kode] = _unit(
                stats, f"kota:{w.kode}", nama=w.nama, jenis=Unit.Jenis.KOTA, parent=root, wilayah=w
            )
        elif w.tingkat == Wilayah.Tingkat.KECAMATAN:
            kec_units[w.kode] = _unit(
                stats,
                f"kec:{w.kode}",
                nama=f"Kecamatan {w.nama}",
                jenis=Unit.Jenis.KECAMATAN,
                parent=kota_units.get(w.kode.rsplit(".", 1)[0]),
                wilayah=w,
            )
        else:
            _unit(
                stats,
                kelurahan_unit_code(w.kode),
                nama=f"Kelurahan {w.nama}",
                jenis=Unit.Jenis.KELURAHAN,
                parent=kec_units.get(w.kode.rsplit(".", 1)[0]),
                wilayah=w,
            )

    with (DATA_DIR / "unit_kerja.csv").open(encoding="utf-8") as fh:
        templates = {r["kode"]: r for r in csv.DictReader(fh)}
    # The triage desk: reports without a usable location or with an uncertain category wait here for a human.
    _unit(stats, TRIAGE_UNIT, nama="Desk Triase Laporan", jenis=Unit.Jenis.BIRO, parent=root, wilayah=prov)
    kotas = [w for w in areas if w.tingkat == Wilayah.Tingkat.KOTA]
    kecs = [w for w in areas if w.tingkat == Wilayah.Tingkat.KECAMATAN]
    for kode, t in templates.items():  # parents come before children in the file
        jenis = JENIS_UNIT.get(t["jenis"], Unit.Jenis.DINAS)
        parent = Unit.objects.filter(kode=t["induk"]).first() if t["induk"] else root
        if t["lingkup"] == "provinsi":
            _unit(
                stats,
                kode,
                nama=t["nama"],
                jenis=jenis,
                parent=parent,
                wilayah=prov,
                template=kode,
                external=t["jenis"] == "bumd",
            )
        elif t["lingkup"] == "kota":
            for k in kotas:
                _unit(
                    stats,
                    f"{kode}:{k.kode}",
                    nama=f"{t['nama']} {short_name(k.nama)}",
                    jenis=jenis,
                    parent=parent,
                    wilayah=k,
                    template=kode,
                )
        elif t["lingkup"] == "kecamatan":
            for k in kecs:
                _unit(
                    stats,
                    f"{kode}:{k.kode}",
                    nama=f"{t['nama']} {k.nama}",
                    jenis=jenis,
                    parent=parent,
                    wilayah=k,
                    template=kode,
                )
    return templates


def tupoksi_load(*, province: str, kategori_rows: list[dict], templates: dict[str, dict], stats: LoadStats) -> None:
    """Tupoksi rows from kategori.csv's responsible unit type, expanded to the areas of that unit type."""
    kategori = {k.kode: k for k in Kategori.objects.all()}
    units = {u.kode: u for u in Unit.objects.select_related("wilayah")}
    # Only a category with no rule at all gets its starting rules: once a city has edited a
    # category's tupoksi in the admin, a re-run never brings deleted rules back.
    has_rules = set(Tupoksi.objects.values_list("kategori__kode", flat=True))
    new = []
    for r in kategori_rows:
        if r["kode"] in has_rules:
            continue
        k = kategori[r["kode"]]
        pj = r["penanggung_jawab"]
        verifikasi = r["verifikasi_kelurahan"] == "ya"
        if pj == "kelurahan":
            pairs = [(u.wilayah, u) for u in units.values() if u.jenis == Unit.Jenis.KELURAHAN and u.wilayah_id]
        else:
            scope = templates.get(pj, {}).get("lingkup", "provinsi")
            if scope == "provinsi":
                pairs = [(units["pemprov"].wilayah, units[pj])]
            else:
                pairs = [(u.wilayah, u) for u in units.values() if u.template == pj and u.wilayah_id]
        for wilayah, unit in pairs:
            new.append(Tupoksi(kategori=k, wilayah=wilayah, unit=unit, verifikasi_kelurahan=verifikasi))
    Tupoksi.objects.bulk_create(new, batch_size=1000)
    stats.add("tupoksi", len(new))


def holidays_load(*, years: list[int], stats: LoadStats) -> None:
    existing = set(Holiday.objects.values_list("date", flat=True))
    new = [
        Holiday(date=d, name=name)
        for d, name in indonesian_holidays(years, cuti_bersama=True).items()
        if d not in existing
    ]
    Holiday.objects.bulk_create(new)
    stats.add("hari libur", len(new))


def reference_load(*, province: str = "31", all_regions: bool = False, progress: bool = True) -> LoadStats:
    stats = LoadStats()
    with transaction.atomic():
        wilayah_load(province=province, all_regions=all_regions, stats=stats, progress=progress)
        boundaries_load(stats=stats, progress=progress)
        kategori_rows = kategori_load(stats=stats)
        templates = units_load(province=province, stats=stats, progress=progress)
        tupoksi_load(province=province, kategori_rows=kategori_rows, templates=templates, stats=stats)
        year = timezone.localdate().year
        holidays_load(years=[year - 1, year, year + 1, year + 2], stats=stats)
    return stats
