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

from sigap.core.calendar import holidays_added
from sigap.core.clock import indonesian_holidays
from sigap.core.models import Holiday

from .models import Category, PlaceName, Tupoksi, Unit, Wilayah
from .placenames import SHIPPED_SOURCE, shipped_load

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TRIAGE_UNIT = "triase"
KOTA_PREFIXES = ("Kota Administrasi ", "Kabupaten Administrasi ", "Kota ", "Kabupaten ")

KIND_UNIT = {
    "biro": Unit.Kind.BIRO,
    "inspektorat": Unit.Kind.INSPEKTORAT,
    "dinas": Unit.Kind.DINAS,
    "suku-dinas": Unit.Kind.SUKU_DINAS,
    "bidang": Unit.Kind.BIDANG,
    "satuan": Unit.Kind.SATUAN,
    "bumd": Unit.Kind.BUMD,
}


@dataclass
class LoadStats:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n


def short_name(name: str) -> str:
    for prefix in KOTA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def kelurahan_unit_code(wilayah_code: str) -> str:
    return f"kel:{wilayah_code}"


def _progress(iterable, *, desc: str, total: int | None, show: bool):
    from tqdm import tqdm  # loaders run from the command line; web workers import this module for its constants

    return tqdm(iterable, desc=desc, total=total, unit=" rows", disable=not show, leave=True)


def wilayah_load(*, province: str, all_regions: bool, stats: LoadStats, progress: bool) -> None:
    path = DATA_DIR / "wilayah_indonesia.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if all_regions or r["kode"] == province or r["kode"].startswith(province + ".")
        ]
    existing = set(Wilayah.objects.values_list("code", flat=True))
    new = [
        Wilayah(code=r["kode"], name=r["nama"], level=int(r["tingkat"]), kind=r["jenis"])
        for r in _progress(rows, desc="Wilayah", total=len(rows), show=progress)
        if r["kode"] not in existing
    ]
    Wilayah.objects.bulk_create(new, batch_size=2000)
    stats.add("wilayah", len(new))
    ids = dict(Wilayah.objects.values_list("code", "id"))
    parents = {r["kode"]: r["kode_induk"] for r in rows if r["kode_induk"]}
    to_update = []
    for w in Wilayah.objects.filter(code__in=list(parents), parent__isnull=True):
        parent_id = ids.get(parents[w.code])
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
        by_code = {w.code: w for w in Wilayah.objects.filter(code__in=[f["properties"][code_prop] for f in features])}
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


def category_load(*, stats: LoadStats) -> list[dict]:
    with (DATA_DIR / "kategori.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        _obj, created = Category.objects.get_or_create(
            code=r["kode"],
            defaults={
                "group": r["grup"],
                "name": r["nama"],
                "name_en": r["name_en"],
                "responsible": r["penanggung_jawab"],
                "kelurahan_verifies": r["verifikasi_kelurahan"] == "ya",
                "sensitive": r["sensitif"] == "ya",
                "sla_hop_hours": int(r["sla_jam_koordinasi"]),
                "sla_done_days": int(r["sla_hari_selesai"]),
                "examples": r["contoh"],
            },
        )
        stats.add("kategori", int(created))
    return rows


def _unit(stats: LoadStats, code: str, **defaults) -> Unit:
    unit, created = Unit.objects.get_or_create(code=code, defaults=defaults)
    stats.add("unit", int(created))
    return unit


def units_load(*, province: str, stats: LoadStats, progress: bool) -> dict[str, dict]:
    """The unit tree: pemerintah provinsi → kota → kecamatan → kelurahan, and unit_kerja.csv per its scope."""
    prov = Wilayah.objects.get(code=province)
    root = _unit(stats, "pemprov", name=f"Pemerintah Provinsi {prov.name}", kind=Unit.Kind.PROVINSI, wilayah=prov)
    kota_units, kec_units = {}, {}
    areas = list(Wilayah.objects.filter(code__startswith=province + ".", level__in=[2, 3, 4]).order_by("level", "code"))
    for w in _progress(areas, desc="Unit wilayah", total=len(areas), show=progress):
        if w.level == Wilayah.Level.KOTA:
            kota_units[w.code] = _unit(
                stats, f"kota:{w.code}", name=w.name, kind=Unit.Kind.KOTA, parent=root, wilayah=w
            )
        elif w.level == Wilayah.Level.KECAMATAN:
            kec_units[w.code] = _unit(
                stats,
                f"kec:{w.code}",
                name=f"Kecamatan {w.name}",
                kind=Unit.Kind.KECAMATAN,
                parent=kota_units.get(w.code.rsplit(".", 1)[0]),
                wilayah=w,
            )
        else:
            _unit(
                stats,
                kelurahan_unit_code(w.code),
                name=f"Kelurahan {w.name}",
                kind=Unit.Kind.KELURAHAN,
                parent=kec_units.get(w.code.rsplit(".", 1)[0]),
                wilayah=w,
            )

    with (DATA_DIR / "unit_kerja.csv").open(encoding="utf-8") as fh:
        templates = {r["kode"]: r for r in csv.DictReader(fh)}
    # The triage desk: reports without a usable location or with an uncertain category wait here for a human.
    _unit(stats, TRIAGE_UNIT, name="Desk Triase Laporan", kind=Unit.Kind.BIRO, parent=root, wilayah=prov)
    kotas = [w for w in areas if w.level == Wilayah.Level.KOTA]
    kecs = [w for w in areas if w.level == Wilayah.Level.KECAMATAN]
    for code, t in templates.items():  # parents come before children in the file
        kind = KIND_UNIT.get(t["jenis"], Unit.Kind.DINAS)
        parent = Unit.objects.filter(code=t["induk"]).first() if t["induk"] else root
        if t["lingkup"] == "provinsi":
            _unit(
                stats,
                code,
                name=t["nama"],
                kind=kind,
                parent=parent,
                wilayah=prov,
                template=code,
                external=t["jenis"] == "bumd",
            )
        elif t["lingkup"] == "kota":
            for k in kotas:
                _unit(
                    stats,
                    f"{code}:{k.code}",
                    name=f"{t['nama']} {short_name(k.name)}",
                    kind=kind,
                    parent=parent,
                    wilayah=k,
                    template=code,
                )
        elif t["lingkup"] == "kecamatan":
            for k in kecs:
                _unit(
                    stats,
                    f"{code}:{k.code}",
                    name=f"{t['nama']} {k.name}",
                    kind=kind,
                    parent=parent,
                    wilayah=k,
                    template=code,
                )
    return templates


def tupoksi_load(*, province: str, category_rows: list[dict], templates: dict[str, dict], stats: LoadStats) -> None:
    """Tupoksi rows from kategori.csv's responsible unit type, expanded to the areas of that unit type."""
    category = {k.code: k for k in Category.objects.all()}
    units = {u.code: u for u in Unit.objects.select_related("wilayah")}
    # Only a category with no rule at all gets its starting rules: once a city has edited a
    # category's tupoksi in the admin, a re-run never brings deleted rules back.
    has_rules = set(Tupoksi.objects.values_list("category__code", flat=True))
    new = []
    for r in category_rows:
        if r["kode"] in has_rules:
            continue
        k = category[r["kode"]]
        pj = r["penanggung_jawab"]
        kelurahan_verifies = r["verifikasi_kelurahan"] == "ya"
        if pj == "kelurahan":
            pairs = [(u.wilayah, u) for u in units.values() if u.kind == Unit.Kind.KELURAHAN and u.wilayah_id]
        else:
            scope = templates.get(pj, {}).get("lingkup", "provinsi")
            if scope == "provinsi":
                pairs = [(units["pemprov"].wilayah, units[pj])]
            else:
                pairs = [(u.wilayah, u) for u in units.values() if u.template == pj and u.wilayah_id]
        for wilayah, unit in pairs:
            new.append(Tupoksi(category=k, wilayah=wilayah, unit=unit, kelurahan_verifies=kelurahan_verifies))
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
    if new:
        holidays_added.send(sender=Holiday, days=[h.date for h in new])
    stats.add("hari libur", len(new))


def reference_load(*, province: str = "31", all_regions: bool = False, progress: bool = True) -> LoadStats:
    stats = LoadStats()
    with transaction.atomic():
        wilayah_load(province=province, all_regions=all_regions, stats=stats, progress=progress)
        boundaries_load(stats=stats, progress=progress)
        category_rows = category_load(stats=stats)
        templates = units_load(province=province, stats=stats, progress=progress)
        tupoksi_load(province=province, category_rows=category_rows, templates=templates, stats=stats)
        year = timezone.localdate().year
        holidays_load(years=[year - 1, year, year + 1, year + 2], stats=stats)
        before = PlaceName.objects.filter(source=SHIPPED_SOURCE).count()
        loaded = shipped_load().names  # the shipped gazetteer, replaced as a whole
        if loaded > before:
            stats.created["place names"] = loaded - before
    return stats
