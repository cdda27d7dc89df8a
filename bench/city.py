"""A big city in minutes: a PostgreSQL database of N reports shaped like a city in its fifth year.

    python bench/city.py [--reports 1000000] [--database URL] [--fresh] [--seed 2026]
                         [--hot-kelurahan 31.75.07.1002 --hot-kelurahan-share 0.02]
                         [--hot-kota 31.75 --hot-kota-share 0.20] [--years 5]
                         [--scenario] [--scenario-only] [--rebuild-only]

Default database: ``postgres://postgres@127.0.0.1:5432/sigap_city_<size>`` (``sigap_city_1m`` for a million,
``sigap_city_100k``, ``sigap_city_10k``...); ``--fresh`` drops and recreates it. The reference data is loaded
the normal way (``sigap migrate`` and ``sigap reference``: 267 kelurahan, units, tupoksi), then the reports are
generated in Python with a seeded RNG and written with psycopg's ``COPY ... FROM STDIN``, never through the
ORM; secondary indexes and foreign keys of the loaded tables are dropped around the load and recreated, then
``ANALYZE``, then every set-based rebuild registered in ``sigap.reports.derived`` (each timed). Each phase's
time is printed, and the whole build's.

What a report looks like:

* five years of history (``--years``), volume growing 2.5× from the first year to the last; ids and public
  numbers (``JK`` + day + sequence, with the day counters in ``NumberSequence``) follow creation order;
* all 267 kelurahan, skewed: lognormal weights give a few kelurahan much more than the rest, and one kelurahan
  (``--hot-kelurahan``, Pondok Bambu) and one kota (``--hot-kota``, Jakarta Timur) hold fixed shares (2 % and
  20 %: 20,000 and 200,000 of a million, proportionally at other sizes; ``--hot-kelurahan-share 1`` puts every
  report in that kelurahan). Within a kelurahan, points come from a pool with a few hot spots;
* routed as intake routes (the tupoksi rule book: the kelurahan office verifies first when the rule says so,
  else the responsible unit); complaints about officials go to Inspektorat with the kelurahan office as the
  unit concerned; a share passed on (*koordinasi* to the responsible unit, *disposisi* from a dinas to the suku
  dinas of the report's kota, a few bounced back and forth), each with its ``Hop`` row;
* about 95 % closed (done, rejected, merged into an earlier report of the same place and category, forwarded,
  closed for no answer); open ones mostly recent, in every open status, a few at the triage desk;
* one ``StatusChange`` per step (the path the services would have taken), ``Photo`` rows for reporters' photos
  and for before/after proof (rows only, all pointing at one small shared JPEG in the media storage), ratings
  on a third of the done reports, and one ``Notification`` per step for reporters who left a contact, all
  ``sent``.

The reporter's identity: no vault rows are written. A non-anonymous report carries a ``reporter_ref`` of the
vault's shape (``idr_city…``) that names no vault record, so for the application it behaves exactly as an
identity that was crypto-shredded (nothing to contact, nothing to reveal); anonymous reports (10 %) carry none
and a ``secret_hash``. Tracking codes are derived from the report's id (the ``tracking_hash`` is the real hash
of a valid-looking code); ``--scenario`` prints a few. Deadlines approximate the working calendar (working
days × 1.4). Audit and access-log rows are not generated.

``--scenario`` (also ``--scenario-only`` on an existing database) writes the page benchmark's actors through
the ORM, as an administrator would: an officer at the hot kelurahan's office, supervisors (pimpinan) at its
kecamatan and kota, a validator, a triage-desk officer and a unit admin of the hot kelurahan, each with a
TOTP device where the role needs a second factor and an API token issued as a sign-in with the code would
(``ApiToken.issue``; tokens are keyed with ``SECRET_KEY`` of ``SIGAP_HOME``, so ``bench/pages.py`` must run
with the same ``SIGAP_HOME``). It writes ``$SIGAP_HOME/bench/<database>.json`` for ``bench/pages.py``.

``--rebuild-only`` migrates an existing database (new migrations landed since it was built) and runs the
derived rebuilds again, timed. It refuses a database whose schema the models no longer match after migrating
(a migration applied while it was an empty placeholder is never run again): build that one with ``--fresh``.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import math
import os
import queue
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = 86400.0
HOUR = 3600.0
RETAINED_AFTER = 365 * DAY + 3 * HOUR  # SIGAP_RETENTION_DAYS' default, and the run's time of day (about)
LOCAL_OFFSET = 7 * HOUR  # Asia/Jakarta, no daylight saving: public numbers count local days
CHUNK = 20_000  # reports per COPY round
SHARED_PHOTO = "photos/city/shared.jpg"

# --- the shape of the city --------------------------------------------------------------------------

CATEGORY_WEIGHTS = {
    "saluran-tersumbat": 15,
    "sampah": 13,
    "jalan-rusak": 11,
    "banjir-genangan": 7,
    "lampu-jalan": 7,
    "parkir-liar": 7,
    "pkl-liar": 5,
    "pohon-tumbang": 4,
    "trotoar-rusak": 4,
    "gangguan-ketertiban": 3,
    "lalu-lintas": 3,
    "taman": 2,
    "pencemaran": 2,
    "sungai-kali": 2,
    "bangunan-liar": 2,
    "air-bersih": 2,
    "angkutan-umum": 2,
    "adminduk": 1.5,
    "bansos": 1.5,
    "kesehatan": 1,
    "pendidikan": 1,
    "ketenagakerjaan": 1,
    "kartu-pekerja": 0.5,
    "pelanggaran-pembatasan": 0.5,
    "jembatan": 0.5,
    "kebakaran": 0.3,
    "pelayanan-aparatur": 0.5,
    "lainnya": 3,
}
CHANNEL_WEIGHTS = {
    "web": 30,
    "whatsapp": 25,
    "api": 8,
    "lapor": 8,
    "sms": 5,
    "twitter": 5,
    "email": 4,
    "counter": 4,
    "instagram": 3,
    "call_center": 3,
    "facebook": 2,
    "telegram": 2,
    "open311": 1,
}
PRIVACY_WEIGHTS = {"private": 55, "public": 35, "anonymous": 10}
CLOSED_SHARE = 0.95
CLOSED_WEIGHTS = {"done": 80, "rejected": 6, "merged": 4, "forwarded": 3, "closed_no_response": 7}
OPEN_WEIGHTS = {
    "waiting": 22,
    "koordinasi": 10,
    "disposisi": 4,
    "in_progress": 32,
    "awaiting_reporter": 5,
    "awaiting_validation": 15,
    "followup_rejected": 5,
    "reopened": 7,
}
P_HOP = 0.85  # a report the kelurahan verifies for another unit is passed on to it (the rest are closed there)
P_BOUNCE = 0.04  # ... and comes back once before it sticks
P_DISPOSE = 0.7  # a report at a dinas with a suku dinas for the place is passed down to it
P_REPORT_PHOTO = 0.65
P_RATED = 0.35
P_FOLLOWUP_REJECTED = 0.08  # a done report that was sent back once by the validator
P_REOPENED_BEFORE_DONE = 0.04
P_TRIAGED = 0.015
P_OPEN_AT_TRIAGE = 0.06  # of open waiting reports

TEXTS = {
    "saluran-tersumbat": [
        "Got mampet di depan {p}, air meluap ke jalan setiap hujan dan baunya menyengat.",
        "Saluran air di samping {p} tersumbat sampah plastik, genangan tidak surut.",
    ],
    "sampah": [
        "Sampah menumpuk di TPS dekat {p} dan tidak diangkut sejak tiga hari.",
        "Tumpukan sampah liar di pinggir jalan dekat {p}, bau dan banyak lalat.",
    ],
    "jalan-rusak": [
        "Jalan berlubang cukup dalam di dekat {p}, sudah dua motor jatuh minggu ini.",
        "Aspal mengelupas dan bergelombang di depan {p}, berbahaya saat malam.",
    ],
    "banjir-genangan": [
        "Genangan setinggi betis di depan {p} tidak surut sejak semalam.",
        "Banjir masuk ke rumah warga di belakang {p} setelah hujan deras.",
    ],
    "lampu-jalan": ["Lampu penerangan jalan di sekitar {p} mati sudah seminggu, rawan kejahatan malam hari."],
    "parkir-liar": ["Mobil parkir di bahu jalan dekat {p} setiap sore sehingga macet panjang."],
    "pkl-liar": ["Pedagang kaki lima berjualan di trotoar depan {p} sampai pejalan kaki turun ke jalan."],
    "pohon-tumbang": ["Pohon besar miring ke arah kabel listrik dekat {p} setelah angin kencang."],
    "trotoar-rusak": ["Trotoar di depan {p} ambles dan pecah, pejalan kaki terpaksa turun ke jalan."],
}
DEFAULT_TEXT = [
    "Mohon ditindaklanjuti: ada masalah {k} di sekitar {p} yang sudah lama dikeluhkan warga.",
    "Warga sekitar {p} melaporkan {k}, kejadian berulang setiap minggu.",
]
PLACES = [
    "pasar",
    "SDN 03",
    "masjid",
    "puskesmas",
    "halte TransJakarta",
    "pos RW 05",
    "minimarket",
    "gereja",
    "gang Haji Naim",
    "kantor kelurahan",
    "stasiun",
    "taman warga",
    "pertigaan lampu merah",
    "rusun",
]
ADDRESSES = ["", "RT 05/RW 03, dekat musala", "RT 01/RW 07", "depan warung", "samping pos ronda", "RW 02, gang buntu"]
NOTES = {
    "koordinasi": "bukan tupoksi kelurahan: diteruskan ke unit yang berwenang",
    "disposisi": "disposisi ke suku dinas wilayah",
    "rejected": "Lokasi berada di lahan milik swasta; silakan hubungi pengelola.",
    "forwarded": "Kewenangan instansi vertikal; laporan diteruskan.",
    "awaiting_reporter": "Mohon sebutkan patokan lokasi yang lebih jelas.",
    "closed_no_response": "Pelapor tidak menjawab dalam batas waktu.",
    "followup_rejected": "Foto sesudah belum menunjukkan hasil pekerjaan.",
    "reopened": "Pelapor menyatakan masalah belum selesai.",
    "merged": "Digabung dengan laporan serupa.",
}
for _texts in (*TEXTS.values(), DEFAULT_TEXT, PLACES, ADDRESSES, NOTES.values()):
    assert not any(ch in s for s in _texts for ch in "\t\n\r\\"), "COPY text must not need escaping"


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def default_url(n: int) -> str:
    return f"postgres://postgres@127.0.0.1:5432/sigap_city_{size_label(n)}"


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))


def psycopg_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def say(msg: str) -> None:
    print(msg, flush=True)


class Clock:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.phases: list[tuple[str, float]] = []

    def phase(self, name: str, since: float) -> float:
        dt = time.perf_counter() - since
        self.phases.append((name, dt))
        say(f"  {name}: {dt:.1f} s")
        return time.perf_counter()


# --- the database around the load ------------------------------------------------------------------


def database_prepare(url: str, *, fresh: bool) -> bool:
    """Create the database (dropped first with ``fresh``). Returns whether it was created."""
    import psycopg
    from psycopg import sql

    name = db_name(url)
    with psycopg.connect(psycopg_dsn(admin_url(url)), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    return False


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
    import django

    django.setup()


LOADED = (
    "reports_report",
    "reports_statuschange",
    "reports_hop",
    "reports_photo",
    "reports_notification",
    "reports_unitstay",
)


def secondary_ddl(conn) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(index name, CREATE INDEX) of every index not backing a constraint, and (table, constraint, definition)
    of every foreign key and unique constraint, on the loaded tables."""
    indexes = conn.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
        ORDER BY t.relname, c.relname""",
        [list(LOADED)],
    ).fetchall()
    constraints = conn.execute(
        """
        SELECT t.relname, k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
        WHERE t.relname = ANY(%s) AND k.contype IN ('f', 'u')
        ORDER BY k.contype DESC, t.relname, k.conname""",
        [list(LOADED)],
    ).fetchall()  # unique ones first
    return indexes, constraints


def secondary_drop(conn, indexes, constraints) -> None:
    from psycopg import sql

    for table, name, _definition in constraints:
        if table in LOADED:
            conn.execute(
                sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table), sql.Identifier(name))
            )
    for name, _ddl in indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))


def secondary_create(dsn: str, indexes, constraints) -> None:
    """Recreate the indexes on two connections at once (one per core), then the constraints."""
    import psycopg
    from psycopg import sql

    work = queue.Queue()
    for _name, ddl in indexes:
        work.put(ddl)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '512MB'")
                while True:
                    try:
                        ddl = work.get_nowait()
                    except queue.Empty:
                        return
                    conn.execute(ddl)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        for table, name, definition in constraints:
            conn.execute(
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(sql.Identifier(table), sql.Identifier(name))
                + sql.SQL(definition)
            )


# --- reference data as the generator needs it -------------------------------------------------------


@dataclass
class UnitInfo:
    id: int
    code: str
    name: str
    wilayah: str  # wilayah code ("" = everywhere)
    parent_id: int | None
    officer_id: int = 0  # the generated officer whose actions this unit's rows name


@dataclass
class Kelurahan:
    id: int
    code: str
    name: str
    office: UnitInfo | None
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class City:
    category: dict[str, tuple[int, object]]  # kode -> (id, model)
    kelurahan: list[Kelurahan]
    units: dict[str, UnitInfo]
    units_by_id: dict[int, UnitInfo]
    children: dict[int, list[UnitInfo]]
    rulebook: object
    validator_ids: list[int]
    triage: UnitInfo
    inspektorat: UnitInfo


def city_load(rng: random.Random, *, points_per_kelurahan: int = 200) -> City:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    from sigap.organization.loaders import TRIAGE_UNIT
    from sigap.organization.models import Category, StaffRole, Unit, Wilayah
    from sigap.reports.services import CONDUCT_UNIT
    from sigap.routing.cache import routing_data

    data = routing_data()
    wilayah_code = dict(Wilayah.objects.values_list("id", "code"))
    units = {
        u.code: UnitInfo(
            id=u.pk, code=u.code, name=u.name, wilayah=wilayah_code.get(u.wilayah_id, ""), parent_id=u.parent_id
        )
        for u in Unit.objects.filter(active=True)
    }
    by_id = {u.id: u for u in units.values()}
    children: dict[int, list[UnitInfo]] = {}
    for u in units.values():
        if u.parent_id is not None:
            children.setdefault(u.parent_id, []).append(u)

    # one generated officer per unit (their actions are the rows' actors) and three validators; no password
    User = get_user_model()
    unusable = make_password(None)
    wanted = {f"city.u{u.id}": u for u in units.values()}
    existing = dict(User.objects.filter(username__startswith="city.").values_list("username", "id"))
    new = [
        User(username=name, password=unusable, first_name=f"Petugas {u.name}"[:150])
        for name, u in wanted.items()
        if name not in existing
    ]
    new += [
        User(username=f"city.validator{i}", password=unusable, first_name="Validator")
        for i in range(1, 4)
        if f"city.validator{i}" not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    ids = dict(User.objects.filter(username__startswith="city.").values_list("username", "id"))
    for name, u in wanted.items():
        u.officer_id = ids[name]
    validators = [ids[f"city.validator{i}"] for i in range(1, 4)]
    biro = Unit.objects.get(code="biro-pemerintahan")
    StaffRole.objects.bulk_create(
        [StaffRole(user_id=u.officer_id, unit_id=u.id, role=StaffRole.Role.OFFICER) for u in wanted.values()]
        + [StaffRole(user_id=v, unit_id=biro.pk, role=StaffRole.Role.VALIDATOR) for v in validators],
        ignore_conflicts=True,
        batch_size=1000,
    )

    kelurahan = []
    for pk, code, name, geometry in (
        Wilayah.objects.filter(level=Wilayah.Level.KELURAHAN)
        .order_by("code")
        .values_list("id", "code", "name", "geometry")
    ):
        office = units.get(data.kelurahan_units.get(code, ""))
        kel = Kelurahan(id=pk, code=code, name=name, office=office)
        if geometry:
            poly = shape(geometry)
            inside = prep(poly)
            minx, miny, maxx, maxy = poly.bounds
            tries = 0
            while len(kel.points) < points_per_kelurahan and tries < points_per_kelurahan * 200:
                tries += 1
                x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if inside.contains(Point(x, y)):
                    kel.points.append((round(y, 6), round(x, 6)))
        if not kel.points:
            w = Wilayah.objects.get(pk=pk)
            kel.points.append((w.inner_lat, w.inner_lon))
        kelurahan.append(kel)
    category = {k.code: (k.pk, k) for k in Category.objects.filter(active=True)}
    return City(
        category=category,
        kelurahan=kelurahan,
        units=units,
        units_by_id=by_id,
        children=children,
        rulebook=data.rulebook,
        validator_ids=validators,
        triage=units[TRIAGE_UNIT],
        inspektorat=units[CONDUCT_UNIT],
    )


def covers(area: str, code: str) -> bool:
    return not area or area == code or code.startswith(area + ".")


def kelurahan_weights(
    city: City, rng: random.Random, *, hot_kel: str, hot_kel_share: float, hot_kota: str, hot_kota_share: float
) -> list[float]:
    """Lognormal weights (a few kelurahan hold much more), rescaled so the hot kelurahan and the hot kota
    hold their shares exactly."""
    raw = [rng.lognormvariate(0, 0.8) for _ in city.kelurahan]
    hot_kota_share = max(hot_kota_share, hot_kel_share)
    in_kota = [i for i, k in enumerate(city.kelurahan) if covers(hot_kota, k.code) and k.code != hot_kel]
    outside = [i for i, k in enumerate(city.kelurahan) if not covers(hot_kota, k.code)]
    weights = [0.0] * len(raw)
    for group, share in ((in_kota, hot_kota_share - hot_kel_share), (outside, 1 - hot_kota_share)):
        total = sum(raw[i] for i in group) or 1.0
        for i in group:
            weights[i] = share * raw[i] / total
    hot = [i for i, k in enumerate(city.kelurahan) if k.code == hot_kel]
    if not hot:
        raise SystemExit(f"unknown kelurahan {hot_kel}")
    weights[hot[0]] = hot_kel_share
    return weights


# --- one report's life ------------------------------------------------------------------------------


@dataclass
class Step:
    status: str
    unit: UnitInfo
    at: float
    actor: int | None
    actor_kind: str
    note: str = ""


@dataclass
class Route:
    first: UnitInfo
    responsible: UnitInfo
    dispose_to: UnitInfo | None
    concerned: UnitInfo | None


class Generator:
    """Rows of N reports as COPY text, chunk by chunk, from one seeded RNG."""

    def __init__(
        self,
        city: City,
        *,
        n: int,
        seed: int,
        years: float,
        end: float,
        weights: list[float],
        first_ids: dict[str, int],
    ) -> None:
        self.city, self.n, self.years, self.end = city, n, years, end
        self.rng = random.Random(seed)
        self.start = end - years * 365.25 * DAY
        self.kel_cum = list(itertools.accumulate(weights))
        codes = [k for k in CATEGORY_WEIGHTS if k in city.category] + [
            k for k in city.category if k not in CATEGORY_WEIGHTS
        ]
        self.cat_codes = codes
        self.cat_cum = list(itertools.accumulate(CATEGORY_WEIGHTS.get(k, 0.5) for k in codes))
        self.channels = list(CHANNEL_WEIGHTS)
        self.channel_cum = list(itertools.accumulate(CHANNEL_WEIGHTS.values()))
        self.point_cum = list(itertools.accumulate(1 / (i + 1) for i in range(200)))  # a few hot spots per kelurahan
        self.routes: dict[tuple[str, str], Route] = {}
        self.last_by_place: dict[tuple[int, int], int] = {}  # (kelurahan, kategori) -> last report id (merges)
        self.ids = dict(first_ids)
        self.day_counter: dict[int, int] = {}
        self.texts = {
            k: [t.format(p=p, k=city.category[k][1].name.lower()) for t in TEXTS.get(k, DEFAULT_TEXT) for p in PLACES]
            for k in codes
        }
        self.stats: dict[str, int] = {}

    # -- the plan: every report's creation time and whether it is still open, in creation order
    def plan(self) -> list[tuple[float, bool]]:
        rng, span, g = self.rng, self.end - self.start, 1.5  # density ∝ 1 + g·x: the last year 2.5× the first
        out = []
        for _ in range(self.n):
            if rng.random() < CLOSED_SHARE:
                u = rng.random()
                x = (-1 + math.sqrt(1 + 2 * g * u * (1 + g / 2))) / g
                t = self.start + x * span
                if t > self.end - 2 * DAY:  # still too fresh to be closed: the last days are the open ones'
                    t = self.end - 2 * DAY - rng.random() * 60 * DAY
                out.append((t, False))
            else:
                age = rng.expovariate(1 / (12 * DAY)) if rng.random() < 0.9 else rng.uniform(30, 700) * DAY
                out.append((self.end - min(age, span * 0.99) - 60, True))
        out.sort()
        return out

    def route(self, cat: str, kel: Kelurahan) -> Route:
        key = (cat, kel.code)
        route = self.routes.get(key)
        if route is None:
            rule = self.city.rulebook.responsible(category=cat, kelurahan=kel.code)
            responsible = self.city.units[rule.unit]
            first = kel.office if (rule.kelurahan_verifies and kel.office is not None) else responsible
            below = [c for c in self.city.children.get(responsible.id, ()) if c.wilayah and covers(c.wilayah, kel.code)]
            concerned = None
            if cat == "pelayanan-aparatur":
                concerned, first, responsible, below = kel.office, self.city.inspektorat, self.city.inspektorat, []
            route = Route(
                first=first, responsible=responsible, dispose_to=below[0] if below else None, concerned=concerned
            )
            self.routes[key] = route
        return route

    def life(self, created: float, final: str, route: Route) -> tuple[list[Step], list[tuple]]:
        """The steps that lead to ``final`` and the hops on the way: (kind, from, to, at, accepted_at, revisit)."""
        rng, units = self.rng, self.city
        steps = [
            Step("waiting", route.first, created, None, rng.choice(("reporter", "reporter", "reporter", "operator")))
        ]
        hops: list[list] = []

        def t() -> float:
            return steps[-1].at

        def add(
            status: str, at: float, actor: int | None, kind: str = "officer", note: str = "", to: UnitInfo | None = None
        ):
            steps.append(Step(status, to or steps[-1].unit, at, actor, kind, note))

        def pass_on(kind: str, to: UnitInfo, status: str, revisit: bool = False) -> None:
            at = t() + rng.expovariate(1 / (0.4 * DAY))
            hops.append([kind, steps[-1].unit, to, at, None, revisit])
            add(status, at, steps[-1].unit.officer_id, note=NOTES[status], to=to)

        def accept() -> None:
            at = t() + rng.expovariate(1 / (0.5 * DAY))
            for hop in hops:
                if hop[2] is steps[-1].unit and hop[4] is None:
                    hop[4] = at
            add("in_progress", at, steps[-1].unit.officer_id)

        stage_order = ("waiting", "koordinasi", "disposisi", "in_progress", "awaiting_validation")
        target_stage = {
            "waiting": 0,
            "koordinasi": 1,
            "disposisi": 2,
            "awaiting_reporter": rng.randrange(0, 4),
            "rejected": rng.choice((0, 0, 1, 3)),
            "forwarded": rng.choice((0, 1)),
            "merged": 0,
            "closed_no_response": 0,
            "in_progress": 3,
        }.get(final, 4)
        # passing on, as far as this report goes
        if (
            target_stage >= 1
            and route.responsible is not steps[-1].unit
            and (final in ("koordinasi", "disposisi") or rng.random() < P_HOP)
        ):
            pass_on("koordinasi", route.responsible, "koordinasi")
            if rng.random() < P_BOUNCE and target_stage > 1:
                pass_on("koordinasi", route.first, "koordinasi", revisit=True)
                pass_on("koordinasi", route.responsible, "koordinasi", revisit=True)
        if (
            target_stage >= 2
            and route.dispose_to is not None
            and steps[-1].unit is route.responsible
            and (final == "disposisi" or rng.random() < P_DISPOSE)
        ):
            pass_on("disposisi", route.dispose_to, "disposisi")
        if target_stage >= 3:
            accept()
        if target_stage >= 4:
            cycles = 1 + (rng.random() < P_FOLLOWUP_REJECTED)
            for cycle in range(cycles):
                officer = steps[-1].unit.officer_id
                work = t() + rng.expovariate(1 / (2 * DAY))
                steps.append(Step("_photos", steps[-1].unit, work, officer, "officer"))  # before/after proof
                add("awaiting_validation", work + rng.uniform(60, 3 * HOUR), officer)
                if final == "awaiting_validation" and cycle == cycles - 1:
                    break
                validator = rng.choice(units.validator_ids)
                if cycle < cycles - 1 or final == "followup_rejected":
                    add(
                        "followup_rejected",
                        t() + rng.expovariate(1 / DAY),
                        validator,
                        "officer",
                        NOTES["followup_rejected"],
                    )
                    if final == "followup_rejected":
                        break
                else:
                    add("done", t() + rng.expovariate(1 / DAY), validator, "officer")
            if final in ("done", "reopened") and (final == "reopened" or rng.random() < P_REOPENED_BEFORE_DONE):
                add("reopened", t() + rng.uniform(0.5, 10) * DAY, None, "reporter", NOTES["reopened"])
                if final == "done":
                    accept()
                    officer = steps[-1].unit.officer_id
                    steps.append(Step("_photos", steps[-1].unit, t() + rng.expovariate(1 / DAY), officer, "officer"))
                    add("awaiting_validation", t() + rng.uniform(60, HOUR), officer)
                    add("done", t() + rng.expovariate(1 / DAY), rng.choice(units.validator_ids))
        elif final == "awaiting_reporter":
            add("awaiting_reporter", t() + rng.expovariate(1 / DAY), steps[-1].unit.officer_id, note=NOTES[final])
        elif final == "closed_no_response":
            add(
                "awaiting_reporter",
                t() + rng.expovariate(1 / DAY),
                steps[-1].unit.officer_id,
                note=NOTES["awaiting_reporter"],
            )
            add("closed_no_response", t() + rng.uniform(3, 5) * DAY, None, "system", NOTES[final])
        elif final in ("rejected", "forwarded", "merged"):
            add(final, t() + rng.expovariate(1 / DAY), steps[-1].unit.officer_id, note=NOTES[final])
        # squeeze into the time before now
        last = steps[-1].at
        if last > self.end - 60:
            room = max(self.end - 60 - created, 60.0)
            scale = room / (last - created)
            for s in steps:
                s.at = created + (s.at - created) * scale
            for hop in hops:
                hop[3] = created + (hop[3] - created) * scale
                if hop[4] is not None:
                    hop[4] = created + (hop[4] - created) * scale
        reached = stage_order.index(steps[-1].status) if steps[-1].status in stage_order else -1
        if final in stage_order and reached != stage_order.index(final):
            self.stats["downgraded:" + final] = self.stats.get("downgraded:" + final, 0) + 1
        return steps, [tuple(h) for h in hops]

    @staticmethod
    def stays_of(steps: list[Step], sla_days: float) -> list[tuple]:
        """A report's stays at each unit, as the write path keeps them (``UnitStay``): (unit id, arrived,
        accepted, submitted, ended at or None, how it ended or "", the report's due date then, when the reporter
        was asked if the report was waiting for the answer then, when the unit took it into work)."""
        out: list[tuple] = []
        stay: list | None = None  # [unit, arrived, accepted, submitted, taken]
        due = steps[0].at + sla_days * 1.4 * DAY
        paused = None

        def end(at: float | None, how: str) -> None:
            out.append((stay[0].id, stay[1], stay[2], stay[3], at, how, due, paused, stay[4]))

        for s in steps:
            if s.status == "_photos":
                continue
            # the wait for the reporter: from the question to the next status (closing for no answer ends the
            # stay in the wait, which it keeps, as the write path does)
            if s.status == "awaiting_reporter":
                paused = s.at
            elif s.status != "closed_no_response":
                paused = None
            if stay is not None and s.unit is not stay[0]:
                end(s.at, "hop")
                stay = None
            if s.status in ("reopened", "followup_rejected"):
                due = s.at + sla_days * 1.4 * DAY
            if stay is None:
                if s.status in ("done", "rejected", "merged", "forwarded", "closed_no_response"):
                    continue
                stay = [s.unit, s.at, None, None, None]
            if s.status in ("in_progress", "awaiting_validation") and stay[4] is None:
                stay[4] = s.at  # taken into work
            if s.status == "in_progress" and stay[2] is None:
                stay[2] = s.at
            elif s.status == "awaiting_validation":
                stay[3] = s.at
            elif s.status == "followup_rejected":  # sent back (as ``summaries._stays``)
                stay[3] = None
            elif s.status == "done" or s.status in ("rejected", "merged", "forwarded", "closed_no_response"):
                end(s.at, "done" if s.status == "done" else "closed")
                stay = None
        if stay is not None:
            end(None, "")
        return out

    # -- COPY text of one chunk: {table: [line, ...]}
    def chunk(self, plan: list[tuple[float, bool]]) -> dict[str, list[str]]:
        rng, city = self.rng, self.city
        out: dict[str, list[str]] = {t: [] for t in LOADED}
        reports, changes, hops_out, photos, notes, stays = (out[t] for t in LOADED)
        N = "\\N"
        ts = _ts
        for created, is_open in plan:
            rid = self.ids["reports_report"] = self.ids["reports_report"] + 1
            kel = city.kelurahan[bisect.bisect_left(self.kel_cum, rng.random() * self.kel_cum[-1])]
            cat = self.cat_codes[bisect.bisect_left(self.cat_cum, rng.random() * self.cat_cum[-1])]
            cat_id, cat_obj = city.category[cat]
            route = self.route(cat, kel)
            final = _pick(rng, OPEN_WEIGHTS if is_open else CLOSED_WEIGHTS)
            at_triage = is_open and final == "waiting" and rng.random() < P_OPEN_AT_TRIAGE
            triaged = not at_triage and rng.random() < P_TRIAGED
            steps, hops = self.life(created, final, route)
            status = steps[-1].status
            unit = steps[-1].unit
            triage_reason, lat, lon, kel_id, locate = "", None, None, kel.id, "inside"
            if at_triage:
                unit = city.triage
                steps[0].unit = unit
                triage_reason = rng.choice(("category", "category", "location"))
            if triage_reason != "location":
                lat, lon = kel.points[
                    min(bisect.bisect_left(self.point_cum, rng.random() * self.point_cum[-1]), len(kel.points) - 1)
                ]
            else:
                kel_id, locate = None, ""
            privacy = _pick(rng, PRIVACY_WEIGHTS)
            if privacy == "public" and cat_obj.sensitive:
                privacy = "private"
            anonymous = privacy == "anonymous"
            reporter_ref = "" if anonymous else f"idr_city{rid:012d}"
            secret_hash = _sha(f"city-secret:{rid}") if anonymous else ""
            local_day = int((created + LOCAL_OFFSET) // DAY)
            seq = self.day_counter[local_day] = self.day_counter.get(local_day, 0) + 1
            number = f"JK{_day(local_day)}{seq:04d}"
            closed = status in ("done", "rejected", "merged", "forwarded", "closed_no_response")
            last_at = steps[-1].at
            sla_days = cat_obj.sla_done_days or 7
            due = created + sla_days * 1.4 * DAY
            reopened_at = next((s.at for s in reversed(steps) if s.status in ("reopened", "followup_rejected")), None)
            if reopened_at is not None:
                due = reopened_at + sla_days * 1.4 * DAY
            hop_deadline = None
            if status in ("waiting", "koordinasi", "disposisi", "reopened"):
                hop_deadline = last_at + (cat_obj.sla_hop_hours or 6) * 3 * HOUR
            merged_into = None
            if status == "merged":
                merged_into = self.last_by_place.get((kel.id, cat_id))
                if merged_into is None:  # nothing earlier here to merge with: rejected instead
                    status = steps[-1].status = "rejected"
                    steps[-1].note = NOTES["rejected"]
            self.last_by_place[(kel.id, cat_id)] = rid
            rating = rated_at = None
            rating_comment = ""
            if status == "done" and not anonymous and rng.random() < P_RATED:
                rating = rng.choices((1, 2, 3, 4, 5), (5, 5, 10, 30, 50))[0]
                rated_at = min(last_at + rng.expovariate(1 / DAY), self.end - 30)
                rating_comment = "Terima kasih, cepat ditangani." if rating >= 4 and rng.random() < 0.3 else ""
            resume = ""
            if status == "awaiting_reporter":
                prior = [s.status for s in steps[:-1] if not s.status.startswith("_")]
                resume = prior[-1]
            source, confidence = (
                ("machine", round(rng.uniform(0.8, 0.99), 3)) if rng.random() < 0.2 else ("reporter", None)
            )
            if triage_reason == "category":
                source, confidence = "machine", round(rng.uniform(0.3, 0.79), 3)
            elif triaged:  # placed or categorized by the triage desk before it reached its unit
                source, confidence = "officer", None
            channel = self.channels[bisect.bisect_left(self.channel_cum, rng.random() * self.channel_cum[-1])]
            description = rng.choice(self.texts[cat])
            public_note = next(
                (s.note for s in reversed(steps) if s.note and s.status in ("rejected", "forwarded")), ""
            )
            self.stats[status] = self.stats.get(status, 0) + 1
            reports.append(
                "\t".join(
                    (
                        str(rid),
                        number,
                        _sha("sigap-tracking:" + tracking_code(rid).replace("-", "")),
                        description,
                        N if lat is None else repr(lat),
                        N if lon is None else repr(lon),
                        rng.choice(ADDRESSES),
                        locate,
                        status,
                        ts(last_at),
                        resume,
                        channel,
                        privacy,
                        reporter_ref,
                        ts(created),
                        ts(max(last_at, rated_at or 0)),
                        N if hop_deadline is None else ts(hop_deadline),
                        ts(due),
                        ts(last_at) if closed else N,
                        # passed by the daily retention run (02:30) once its period after the closure was over
                        ts(last_at + RETAINED_AFTER) if closed and last_at + RETAINED_AFTER <= self.end else N,
                        public_note,
                        N if rating is None else str(rating),
                        rating_comment,
                        N if rated_at is None else ts(rated_at),
                        "f",
                        str(cat_id),
                        N if kel_id is None else str(kel_id),
                        N if merged_into is None else str(merged_into),
                        str(unit.id),
                        N if route.concerned is None else str(route.concerned.id),
                        secret_hash,
                        N if confidence is None else repr(confidence),
                        source,
                        triage_reason,
                    )
                )
            )
            # history, proof, notifications
            previous = ""
            for i, s in enumerate(steps):
                if s.status == "_photos":
                    for kind, dt in (("before", 0.0), ("after", 1800.0)):
                        pid = self.ids["reports_photo"] = self.ids["reports_photo"] + 1
                        photos.append(
                            f"{pid}\t{kind}\t{SHARED_PHOTO}\timage/jpeg\t1024\t768\t{PHOTO_SHA}\t"
                            f"{ts(s.at + dt)}\t{s.unit.id}\t{s.actor}\t{rid}\t"
                        )
                    continue
                cid = self.ids["reports_statuschange"] = self.ids["reports_statuschange"] + 1
                changes.append(
                    f"{previous}\t{s.status}\t{s.actor_kind}\t\t{s.note}\t{ts(s.at)}\t"
                    f"{N if s.actor is None else s.actor}\t{rid}\t{s.unit.id}\t{cid}"
                )
                if i == 0 and rng.random() < P_REPORT_PHOTO:
                    pid = self.ids["reports_photo"] = self.ids["reports_photo"] + 1
                    photos.append(
                        f"{pid}\treport\t{SHARED_PHOTO}\timage/jpeg\t1024\t768\t{PHOTO_SHA}\t{ts(s.at)}\t"
                        f"{N}\t{N}\t{rid}\t"
                    )
                if reporter_ref:
                    nid = self.ids["reports_notification"] = self.ids["reports_notification"] + 1
                    if i == 0:
                        kind = "received"
                        body = (
                            f"Laporan Anda diterima dengan nomor {number} dan diteruskan ke {s.unit.name}. "
                            "Ikuti perkembangannya dengan kode lacak Anda."
                        )
                        body_en = (
                            f"Your report was received as {number} and passed to {s.unit.name}. "
                            "Follow it with your tracking code."
                        )
                    else:
                        kind = "status"
                        body = f"Laporan {number}: status {STATUS_ID[s.status]}. Ditangani oleh {s.unit.name}."
                        body_en = f"Report {number}: status {STATUS_EN[s.status]}. Handled by {s.unit.name}."
                    notes.append(
                        f"{nid}\t{kind}\t{body}\t{body_en}\tsent\t1\t\t{ts(s.at)}\t{ts(s.at + 5)}\t{rid}\t"
                        f"{cid}\t{ts(s.at + 2)}\t\t\t"
                    )
                previous = s.status
            for kind, src, dst, at, accepted, revisit in hops:
                hid = self.ids["reports_hop"] = self.ids["reports_hop"] + 1
                hops_out.append(
                    f"{hid}\t{kind}\t{NOTES['koordinasi' if kind == 'koordinasi' else 'disposisi']}\t"
                    f"{'t' if revisit else 'f'}\t{ts(at)}\t{N if accepted is None else ts(accepted)}\t"
                    f"{src.officer_id}\t{src.id}\t{dst.id}\t{rid}"
                )
            concerned = 0 if route.concerned is None else route.concerned.id
            hop_hours = (cat_obj.sla_hop_hours or 6) * 3 * HOUR
            for unit_id, arrived, accepted, submitted, ended_at, how, due_at, paused, taken in self.stays_of(
                steps, sla_days
            ):
                sid = self.ids["reports_unitstay"] = self.ids["reports_unitstay"] + 1
                accept_by = arrived + hop_hours
                late = ended_at is not None and (
                    (taken if taken is not None else ended_at) > accept_by
                    or ((submitted if how == "done" and submitted else ended_at) > due_at)
                )
                work = submitted - accepted if how == "done" and accepted is not None and submitted else None
                stays.append(
                    f"{sid}\t{rid}\t{unit_id}\t{concerned}\t{ts(arrived)}\t{ts(accept_by)}\t"
                    f"{N if accepted is None else ts(accepted)}\t{N if submitted is None else ts(submitted)}\t"
                    f"{'t' if late else 'f'}\t{N if ended_at is None else ts(ended_at)}\t{how}\t"
                    f"{N if ended_at is None else repr(round(ended_at - arrived))}\t"
                    f"{N if work is None else repr(round(max(0.0, work)))}\t{ts(due_at)}\t"
                    f"{N if paused is None else ts(paused)}\t{N if taken is None else ts(taken)}"
                )
        return out


COLUMNS = {
    "reports_report": (
        "id",
        "number",
        "tracking_hash",
        "description",
        "lat",
        "lon",
        "address",
        "locate_method",
        "status",
        "status_changed_at",
        "resume_status",
        "channel",
        "privacy",
        "reporter_ref",
        "created_at",
        "updated_at",
        "hop_deadline",
        "due_at",
        "closed_at",
        "retained_at",
        "public_note",
        "rating",
        "rating_comment",
        "rated_at",
        "is_demo",
        "category_id",
        "kelurahan_id",
        "merged_into_id",
        "unit_id",
        "concerned_unit_id",
        "secret_hash",
        "category_confidence",
        "category_source",
        "triage_reason",
    ),
    "reports_statuschange": (
        "old_status",
        "new_status",
        "actor_kind",
        "public_note",
        "internal_note",
        "created_at",
        "actor_id",
        "report_id",
        "unit_id",
        "id",
    ),
    "reports_hop": (
        "id",
        "kind",
        "reason",
        "revisit",
        "created_at",
        "accepted_at",
        "actor_id",
        "from_unit_id",
        "to_unit_id",
        "report_id",
    ),
    "reports_unitstay": (
        "id",
        "report_id",
        "unit_id",
        "concerned_id",
        "arrived_at",
        "accept_by",
        "accepted_at",
        "submitted_at",
        "late",
        "ended_at",
        "ended",
        "seconds",
        "work_seconds",
        "due_by",
        "paused_at",
        "taken_at",
    ),
    "reports_photo": (
        "id",
        "kind",
        "image",
        "content_type",
        "width",
        "height",
        "sha256",
        "created_at",
        "unit_id",
        "uploaded_by_id",
        "report_id",
        "original_ref",
    ),
    "reports_notification": (
        "id",
        "kind",
        "body",
        "body_en",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "report_id",
        "status_change_id",
        "claimed_at",
        "recipient_ref",
        "remote_id",
        "reply_context",
    ),
}
PHOTO_SHA = hashlib.sha256(b"city-shared-photo").hexdigest()
STATUS_ID: dict[str, str] = {}
STATUS_EN: dict[str, str] = {}
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_MIX = 1_000_000_007  # odd, coprime with 31: n -> n·_MIX mod 31^12 is a bijection (distinct codes)


def tracking_code(report_id: int) -> str:
    """The tracking code of a generated report (12 characters of the real alphabet, derived from its id)."""
    v = (report_id * _MIX + 7_777_777) % (31**12)
    chars = []
    for _ in range(12):
        v, r = divmod(v, 31)
        chars.append(TRACKING_ALPHABET[r])
    raw = "".join(chars)
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


_EPOCH_DAY = date(1970, 1, 1)


def _day(local_day: int) -> str:
    return (_EPOCH_DAY + timedelta(days=local_day)).strftime("%Y%m%d")


def _ts(t: float) -> str:
    """A UTC timestamp for COPY (second resolution is plenty here)."""
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(t))


# --- the build -------------------------------------------------------------------------------------

EXTRA: dict[str, tuple[tuple[str, ...], str]] = {}  # table -> (columns, "\tvalue..." appended to every line)


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    assert not any(ch in text for ch in "\t\n\r\\"), f"default {text!r} needs COPY escaping"
    return text


def columns_check(cur) -> dict[str, str]:
    """Columns other parts added to the loaded tables since this builder was written. One with a database
    default is left to it; else the model field's default is written into every row (a new column's state,
    say); a nullable one without either stays NULL; anything else stops the build. Fills ``EXTRA``; returns
    {table.column: what is done}."""
    from django.apps import apps

    notes = {}
    EXTRA.clear()
    models = {m._meta.db_table: m for m in apps.get_models()}
    for table, cols in COLUMNS.items():
        cur.execute(
            "SELECT column_name, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        extra_cols, extra_values = [], []
        for name, nullable, default in cur.fetchall():
            if name in cols:
                continue
            if default is not None:
                notes[f"{table}.{name}"] = f"database default {default}"
                continue
            field = next((f for f in models[table]._meta.concrete_fields if f.column == name), None)
            # Django's default: the field's own, else "" for a text field that is not nullable
            value = field.get_default() if field is not None and (field.has_default() or not field.null) else None
            if value is not None:
                extra_cols.append(name)
                extra_values.append(_copy_text(value))
                notes[f"{table}.{name}"] = f"the model's default {value!r}"
            elif nullable == "YES":
                notes[f"{table}.{name}"] = "NULL"
            else:
                raise SystemExit(f"{table}.{name} is NOT NULL without any default: teach bench/city.py its value")
        if extra_cols:
            EXTRA[table] = (tuple(extra_cols), "".join("\t" + v for v in extra_values))
    return notes


def copy_chunk(cur, rows: dict[str, list[str]]) -> None:
    """COPY one chunk's rows, table by table (in the order foreign keys need), on a psycopg cursor."""
    for table in LOADED:
        lines = rows[table]
        if not lines:
            continue
        extra_cols, suffix = EXTRA.get(table, ((), ""))
        with cur.copy(f"COPY {table} ({', '.join(COLUMNS[table] + extra_cols)}) FROM STDIN") as copy:
            copy.write("".join(line + suffix + "\n" for line in lines) if suffix else "\n".join(lines) + "\n")


def city_populate(
    cur,
    *,
    n: int,
    seed: int = 2026,
    years: float = 5.0,
    end: float | None = None,
    hot_kelurahan: str = "31.75.07.1002",
    hot_kelurahan_share: float = 0.02,
    hot_kota: str = "31.75",
    hot_kota_share: float = 0.20,
) -> Generator:
    """Generate ``n`` reports and COPY them on ``cur`` (a psycopg cursor, e.g. Django's connection's), in one
    thread and with the indexes in place: the small builds (the test) take this path."""
    statuses_load()
    rng = random.Random(seed)
    city = city_load(rng, points_per_kelurahan=20)
    weights = kelurahan_weights(
        city,
        rng,
        hot_kel=hot_kelurahan,
        hot_kel_share=hot_kelurahan_share,
        hot_kota=hot_kota,
        hot_kota_share=hot_kota_share,
    )
    for col, what in columns_check(cur).items():
        say(f"  note: {col}: {what}")
    first_ids = {}
    for table in LOADED:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first_ids[table] = cur.fetchone()[0]
    gen = Generator(city, n=n, seed=seed + 1, years=years, end=end or time.time(), weights=weights, first_ids=first_ids)
    plan = gen.plan()
    for i in range(0, len(plan), CHUNK):
        copy_chunk(cur, gen.chunk(plan[i : i + CHUNK]))
    for table in LOADED:
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    return gen


def load(url: str, gen: Generator, plan: list[tuple[float, bool]], clock: Clock) -> dict[str, int]:
    """Generate chunk by chunk in this thread while a second thread COPYs the previous chunk."""
    import psycopg

    counts = {t: 0 for t in LOADED}
    work: queue.Queue = queue.Queue(maxsize=2)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with psycopg.connect(psycopg_dsn(url)) as conn:
                conn.execute("SET synchronous_commit = off")
                while True:
                    item = work.get()
                    if item is None:
                        return
                    with conn.cursor() as cur:
                        copy_chunk(cur, item)
                    conn.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            while work.get() is not None:  # unblock the producer
                pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    t_gen = 0.0
    done = 0
    started = time.perf_counter()
    for i in range(0, len(plan), CHUNK):
        t = time.perf_counter()
        rows = gen.chunk(plan[i : i + CHUNK])
        t_gen += time.perf_counter() - t
        for table, lines in rows.items():
            counts[table] += len(lines)
        if errors:
            break
        work.put(rows)
        done += len(plan[i : i + CHUNK])
        if done % (CHUNK * 10) == 0 or done == len(plan):
            rate = done / (time.perf_counter() - started)
            say(f"    {done:,} reports ({rate:,.0f}/s; Python generating {t_gen:.0f} s so far)")
    work.put(None)
    thread.join()
    if errors:
        raise errors[0]
    say(f"    rows generated in {t_gen:.1f} s of Python")
    return counts


def build(args) -> None:
    import psycopg

    clock = Clock()
    url = args.database
    dsn = psycopg_dsn(url)
    say(f"== city: {args.reports:,} reports into {db_name(url)} (seed {args.seed})")
    t = time.perf_counter()
    created = database_prepare(url, fresh=args.fresh)
    django_setup(url)
    from django.core.management import call_command

    from sigap.organization.loaders import reference_load

    call_command("migrate", verbosity=0)
    reference_load(progress=False)
    t = clock.phase(f"database {'created' if created else 'reused'}, migrated, reference data loaded", t)

    with psycopg.connect(dsn, autocommit=True) as conn:
        if conn.execute("SELECT EXISTS (SELECT 1 FROM reports_report)").fetchone()[0]:
            raise SystemExit(f"{db_name(url)} already holds reports: use --fresh to rebuild it")
        extra = columns_check(conn.cursor())
        for col, what in extra.items():
            say(f"  note: {col}: {what}")
        first_ids = {table: conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0] for table in LOADED}

    statuses_load()
    rng = random.Random(args.seed)
    city = city_load(rng)
    weights = kelurahan_weights(
        city,
        rng,
        hot_kel=args.hot_kelurahan,
        hot_kel_share=args.hot_kelurahan_share,
        hot_kota=args.hot_kota,
        hot_kota_share=args.hot_kota_share,
    )
    end = args.end.timestamp() if args.end else time.time()
    gen = Generator(
        city, n=args.reports, seed=args.seed + 1, years=args.years, end=end, weights=weights, first_ids=first_ids
    )
    plan = gen.plan()
    photo_file_write()
    t = clock.phase("plan (creation times, open or closed), reference data and actors", t)

    with psycopg.connect(dsn, autocommit=True) as conn:
        indexes, constraints = secondary_ddl(conn)
        secondary_drop(conn, indexes, constraints)
    t = clock.phase(f"dropped {len(indexes)} secondary indexes and {len(constraints)} constraints", t)
    counts = load(url, gen, plan, clock)
    t = clock.phase("generated and copied: " + ", ".join(f"{t.split('_', 1)[1]} {n:,}" for t, n in counts.items()), t)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in LOADED:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        with conn.cursor() as cur, cur.copy("COPY reports_numbersequence (day, last) FROM STDIN") as copy:
            for local_day, last in sorted(gen.day_counter.items()):
                copy.write_row((_EPOCH_DAY + timedelta(days=local_day), last))
        conn.execute("ANALYZE")
    t = clock.phase("sequences, day counters, ANALYZE", t)
    # the other tables' indexes before the rebuilds (some look rows up by report), the reports' own after them:
    # a rebuild that rewrites every report (the duplicate features) then maintains none of its indexes
    first = (
        [i for i in indexes if " ON public.reports_report " not in i[1]],
        [c for c in constraints if c[0] != "reports_report"],
    )
    secondary_create(dsn, *first)
    t = clock.phase("recreated the other tables' indexes and constraints", t)
    rebuilds = rebuild(clock)
    t = time.perf_counter()
    secondary_create(dsn, [i for i in indexes if i not in first[0]], [c for c in constraints if c not in first[1]])
    t = clock.phase("recreated the reports' indexes and constraints", t)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")  # rows rewritten by the rebuilds; the visibility map for index-only scans
    t = clock.phase("VACUUM (ANALYZE)", t)
    total = time.perf_counter() - clock.t0
    shape = shape_summary(dsn, args)
    say(
        f"== built {db_name(url)}: {args.reports:,} reports in {total:.0f} s ({total / 60:.1f} min; "
        f"target ≤ 15 min for 1,000,000 here); derived rebuilds: {rebuilds}"
    )
    say(shape)
    if gen.stats:
        say("   statuses: " + ", ".join(f"{k} {v:,}" for k, v in sorted(gen.stats.items())))
    if args.scenario:
        scenario_write(url, args)


def schema_missing() -> list[str]:
    """Tables and columns the models have and the database lacks: a database migrated while a migration was
    still an empty placeholder records it as applied and never gets its operations (rebuild it with --fresh)."""
    from django.apps import apps
    from django.db import connection

    missing = []
    with connection.cursor() as cur:
        tables = set(connection.introspection.table_names(cur))
        for model in apps.get_models():
            if model._meta.managed is False or model._meta.proxy:
                continue
            table = model._meta.db_table
            if table not in tables:
                missing.append(table)
                continue
            columns = {c.name for c in connection.introspection.get_table_description(cur, table)}
            missing += [f"{table}.{f.column}" for f in model._meta.concrete_fields if f.column not in columns]
    return missing


def statuses_load() -> None:
    from sigap.reports.states import Status, label_en, label_id

    for s in Status:
        STATUS_ID[s.value] = label_id(s)
        STATUS_EN[s.value] = label_en(s)


def photo_file_write() -> None:
    """The one small JPEG every generated photo row points at."""
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    if default_storage.exists(SHARED_PHOTO):
        return
    buf = io.BytesIO()
    Image.new("RGB", (1024, 768), (120, 120, 110)).save(buf, "JPEG", quality=60)
    default_storage.save(SHARED_PHOTO, ContentFile(buf.getvalue()))


def rebuild(clock: Clock) -> str:
    """Every registered set-based rebuild of derived data, each timed."""
    from sigap.reports import derived

    times = []
    last = time.perf_counter()

    def said(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        times.append(f"{name} {now - last:.1f} s")
        say(f"  derived rebuild {name}: {now - last:.1f} s")
        last = now

    derived.rebuild_all(say=said)
    if times:  # the planner needs the derived tables' statistics before the first page
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        said("ANALYZE")
    return ", ".join(times) or "none registered"


def shape_summary(dsn: str, args) -> str:
    import psycopg

    with psycopg.connect(dsn) as conn:
        total, closed = conn.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE closed_at IS NOT NULL) FROM reports_report"
        ).fetchone()
        hot_kel = conn.execute(
            "SELECT COUNT(*) FROM reports_report r JOIN organization_wilayah w ON w.id = r.kelurahan_id "
            "WHERE w.code = %s",
            [args.hot_kelurahan],
        ).fetchone()[0]
        hot_kota = conn.execute(
            "SELECT COUNT(*) FROM reports_report r JOIN organization_wilayah w ON w.id = r.kelurahan_id "
            "WHERE w.code LIKE %s",
            [args.hot_kota + ".%"],
        ).fetchone()[0]
        at_office = conn.execute(
            "SELECT COUNT(*) FROM reports_report r JOIN organization_unit u ON u.id = r.unit_id WHERE u.code = %s",
            ["kel:" + args.hot_kelurahan],
        ).fetchone()[0]
        top = conn.execute(
            "SELECT COUNT(*) AS n FROM reports_report GROUP BY kelurahan_id ORDER BY n DESC LIMIT 5"
        ).fetchall()
        sizes = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    return (
        f"   shape: {closed / max(total, 1):.1%} closed; hot kelurahan {args.hot_kelurahan}: {hot_kel:,} reports "
        f"({at_office:,} now at its office); hot kota {args.hot_kota}: {hot_kota:,}; largest kelurahan: "
        f"{', '.join(f'{n:,}' for (n,) in top)}; database size {sizes}"
    )


# --- the page benchmark's actors ---------------------------------------------------------------------

SCENARIO_USERS = (
    # (key, username, unit code template, role)
    ("officer", "bench.petugas", "kel:{kel}", "officer"),
    ("unit_admin", "bench.admin.kelurahan", "kel:{kel}", "unit_admin"),
    ("supervisor_kecamatan", "bench.pimpinan.kecamatan", "kec:{kec}", "supervisor"),
    ("supervisor_kota", "bench.pimpinan.kota", "kota:{kota}", "supervisor"),
    ("validator", "bench.validator", "biro-pemerintahan", "validator"),
    ("triage", "bench.triase", "triase", "officer"),
)


def scenario_path(url: str) -> Path:
    from django.conf import settings

    return Path(settings.SIGAP_HOME) / "bench" / f"{db_name(url)}.json"


def scenario_write(url: str, args) -> Path:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sigap.officers.models import ApiToken
    from sigap.organization.models import StaffRole, Unit

    kel = args.hot_kelurahan
    kec, kota = kel.rsplit(".", 1)[0], kel.rsplit(".", 2)[0]
    User = get_user_model()
    out = {"database": db_name(url), "hot_kelurahan": kel, "kecamatan": kec, "kota": kota, "users": {}}
    for key, username, unit_code, role in SCENARIO_USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save()
        unit = Unit.objects.get(code=unit_code.format(kel=kel, kec=kec, kota=kota))
        StaffRole.objects.get_or_create(user=user, unit=unit, role=role)
        device = None
        if role in settings.SIGAP_OTP_ROLES:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="bench", confirmed=True
            )
        token = ApiToken.issue(user, name="bench", otp_verified=device is not None)
        out["users"][key] = {
            "username": username,
            "unit": unit.code,
            "role": role,
            "token": token,
            "device": device.persistent_id if device else None,
        }
    from sigap.reports.models import Report

    sample = list(Report.objects.filter(unit__code=f"kel:{kel}").order_by("-id").values_list("id", "number")[:3])
    out["sample_reports"] = [{"number": number, "tracking_code": tracking_code(rid)} for rid, number in sample]
    out["token_hours"] = float(getattr(settings, "SIGAP_API_TOKEN_HOURS", 12))
    path = scenario_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    path.chmod(0o600)
    say(
        f"== scenario written to {path} (users: {', '.join(u['username'] for u in out['users'].values())}; "
        f"tokens valid {out['token_hours']:.0f} h, keyed with this SIGAP_HOME's SECRET_KEY)"
    )
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument(
        "--database", help="postgres://… (default postgres://postgres@127.0.0.1:5432/sigap_city_<size>)"
    )
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument(
        "--end",
        type=lambda s: datetime.fromisoformat(s).replace(tzinfo=UTC),
        default=None,
        help="the build's 'now' (ISO, UTC; default: the time of the build)",
    )
    parser.add_argument("--hot-kelurahan", default="31.75.07.1002", help="Pondok Bambu (default)")
    parser.add_argument("--hot-kelurahan-share", type=float, default=0.02)
    parser.add_argument("--hot-kota", default="31.75", help="Jakarta Timur (default)")
    parser.add_argument("--hot-kota-share", type=float, default=0.20)
    parser.add_argument("--scenario", action="store_true", help="also write the page benchmark's users and tokens")
    parser.add_argument(
        "--scenario-only", action="store_true", help="only (re)write the scenario on an existing database"
    )
    parser.add_argument(
        "--rebuild-only", action="store_true", help="migrate an existing database and run the derived rebuilds again"
    )
    args = parser.parse_args(argv)
    args.database = args.database or default_url(args.reports)
    if not args.database.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/city.py builds PostgreSQL databases only (--database postgres://…)")
    if args.scenario_only or args.rebuild_only:
        django_setup(args.database)
        if args.rebuild_only:
            from django.core.management import call_command

            clock = Clock()
            t = time.perf_counter()
            call_command("migrate", verbosity=0)
            clock.phase("migrated", t)
            missing = schema_missing()
            if missing:
                raise SystemExit(
                    f"{db_name(args.database)} lacks {', '.join(missing[:8])}"
                    f"{' …' if len(missing) > 8 else ''}: it was migrated while a migration was an empty "
                    "placeholder, so migrate will not add them; build it again with --fresh"
                )
            say(f"== derived rebuilds on {db_name(args.database)}: {rebuild(clock)}")
        if args.scenario_only:
            scenario_write(args.database, args)
        return
    build(args)


if __name__ == "__main__":
    main()
