"""The pages' cost against a big city: p50/p95 and SQL statements per request, at several sizes.

    python bench/pages.py [--sizes 10k,100k,1m | --database URL ...] [--repeat 25] [--explain] [--only NAME,...]

Runs against databases built by ``bench/city.py`` (default: ``sigap_city_10k``, ``sigap_city_100k`` and
``sigap_city_1m`` on 127.0.0.1:5432; the 10k one is built with every report in one kelurahan:
``python bench/city.py --reports 10000 --hot-kelurahan-share 1 --scenario``). Each database is measured in
its own child process (Django reads its settings once per process), in-process with Django's test ``Client``
(no HTTP server: what is measured is the view, its queries and its template). Each page is requested a few
times to warm up, then ``--repeat`` times; the table shows p50/p95 in milliseconds and the number of SQL
statements of one request (``CaptureQueriesContext``), per database, and the ratio of each to the first.

The actors are those ``bench/city.py --scenario`` wrote (``$SIGAP_HOME/bench/<database>.json``): an officer
at the hot kelurahan's office, pimpinan of its kecamatan and kota, a validator, a triage-desk officer. API
pages use their bearer tokens; console pages a signed-in session that passed the second factor, as the login
form records it. When the scenario is missing or its tokens do not verify under this ``SIGAP_HOME`` (tokens
are keyed with its ``SECRET_KEY``), it is written again first. Run it with the ``SIGAP_HOME`` the database was
built with: every page appends to the hash-chained access log, which continues under that home's audit key
(another home's key is refused, as a retired key would be).

Targets printed against (issue "as fast at year five"): p50 ≤ 20 ms at the 10k database (every report in the
caller's unit), no page above 1.5× its 10k figure at 1M, the supervisor dashboard ≤ 100 ms at 1M.
``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of each page's slowest statement on reports at each size.

Every page writes its access-log row(s) as in production, so the databases grow a little with each run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_P50_MS = 20.0
TARGET_RATIO = 1.5
TARGET_DASHBOARD_MS = 100.0
WARMUP = 3


def machine_state() -> str:
    load = os.getloadavg()
    return f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"


# --- the child: one database ------------------------------------------------------------------------


def pages(sc: dict, number: str) -> list[tuple[str, str, str, str]]:
    """(name, who, how, path). ``how``: api (bearer token) or console (session)."""
    return [
        ("officer queue API, page of 50", "officer", "api", "/api/v1/officer/reports?page_size=50"),
        ("officer queue API, page 3", "officer", "api", "/api/v1/officer/reports?page_size=50&page=3"),
        ("kota pimpinan queue API", "supervisor_kota", "api", "/api/v1/officer/reports?page_size=50"),
        ("console queue", "officer", "console", "/petugas/"),
        ("console queue (htmx partial)", "officer", "console", "/petugas/antrean/"),
        ("report detail API", "officer", "api", f"/api/v1/officer/reports/{number}"),
        ("report detail console", "officer", "console", f"/petugas/laporan/{number}/"),
        ("validator queue", "validator", "console", "/petugas/validasi/"),
        ("validator queue API", "validator", "api", "/api/v1/officer/reports?status=awaiting_validation&page_size=50"),
        ("triage desk API", "triage", "api", "/api/v1/officer/desk/triage"),
        ("dashboard, kecamatan pimpinan", "supervisor_kecamatan", "console", "/petugas/dasbor/"),
        ("dashboard, kota pimpinan", "supervisor_kota", "console", "/petugas/dasbor/"),
        ("dashboard map, kota pimpinan", "supervisor_kota", "console", "/petugas/dasbor/peta.json"),
        ("escalations, kota pimpinan", "supervisor_kota", "console", "/petugas/eskalasi/"),
        ("escalations, kelurahan officer", "officer", "console", "/petugas/eskalasi/"),
        ("unit performance, kota pimpinan, 90 days", "supervisor_kota", "console", "/petugas/kinerja/?hari=90"),
        ("unit performance, kota pimpinan, 365 days", "supervisor_kota", "console", "/petugas/kinerja/?hari=365"),
        ("unit performance, whole city, 90 days", "validator", "console", "/petugas/kinerja/?hari=90"),
        ("unit performance CSV, kota pimpinan", "supervisor_kota", "console", "/petugas/kinerja/unduh.csv"),
        (
            "unit performance, hot kelurahan's page",
            "supervisor_kota",
            "console",
            f"/petugas/kinerja/unit/kel:{sc['hot_kelurahan']}/?hari=365",
        ),
        ("public statistics", None, "public", "/statistik/"),
        ("public statistics, one kota's kelurahan", None, "public", f"/statistik/?kota={sc['kota']}"),
        ("public area performance, 365 days, one kota", None, "public", "/statistik/kinerja/?kota=31.75"),
        # what every visitor but the day's first (or none, once the periodic job has warmed it) waits for
        ("public area performance, 365 days, one kota, cached", None, "public", "/statistik/kinerja/?kota=31.75"),
        ("public list", None, "public", "/publik/"),
        ("public map", None, "public", "/publik/peta.json"),
        ("Open311 requests", None, "public", "/open311/v2/requests.json"),
        ("CSV export", "officer", "api", "/api/v1/officer/export/reports.csv"),
        ("XLSX export", "officer", "api", "/api/v1/officer/export/reports.xlsx"),
        # the admin's lists, as a superuser: each counts its rows for the paginator (sigap.core.admin.bound_counts)
        ("admin: reports", "admin", "console", "/admin/reports/report/"),
        ("admin: outbox", "admin", "console", "/admin/reports/notification/"),
        ("admin: outbox, dead letters", "admin", "console", "/admin/reports/notification/?state__exact=dead"),
        ("admin: access log", "admin", "console", "/admin/privacy/accessevent/"),
        ("admin: audit trail", "admin", "console", "/admin/core/auditevent/"),
    ]


def scenario_load(url: str, hot_kelurahan: str) -> dict:
    import city

    from sigap.officers.models import ApiToken

    path = city.scenario_path(url)
    sc = json.loads(path.read_text()) if path.exists() else None
    valid = sc is not None and sc.get("hot_kelurahan") == hot_kelurahan
    for u in sc["users"].values() if valid else ():
        row = ApiToken.lookup(u["token"])
        if row is None or not row.binding_valid() or row.is_expired():
            valid = False
            break
    if not valid:
        city.scenario_write(url, argparse.Namespace(hot_kelurahan=hot_kelurahan))
        sc = json.loads(path.read_text())
    return sc


def clients(sc: dict) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    out = {}
    User = get_user_model()
    for key, u in sc["users"].items():
        api = Client(HTTP_AUTHORIZATION=f"Bearer {u['token']}")
        console = Client()
        user = User.objects.get(username=u["username"])
        console.force_login(user)
        if u.get("device"):
            from django_otp import DEVICE_ID_SESSION_KEY

            session = console.session
            session[DEVICE_ID_SESSION_KEY] = u["device"]
            session.save()
        out[key] = {"api": api, "console": console}
    out[None] = {"public": Client()}
    out["admin"] = {"console": _superuser_client()}
    return out


def _superuser_client():
    """A superuser's signed-in console with its authenticator verified (the admin asks for it)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, created = get_user_model().objects.get_or_create(
        username="bench.admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def detail_number(sc: dict) -> str:
    """A report at the officer's unit with a long history (as the pages of a busy unit's reports are)."""
    from django.db.models import Count

    from sigap.reports.models import Report

    unit = sc["users"]["officer"]["unit"]
    row = (
        Report.objects.filter(unit__code=unit)
        .annotate(n=Count("history"))
        .order_by("-n", "-id")
        .values_list("number", flat=True)[:1]
    )
    return row[0] if row else sc["sample_reports"][0]["number"]


class PageTimeout(Exception):
    pass


def _get(client, path: str, limit_s: float):
    """One request, cut off after ``limit_s`` seconds (a page whose cost grows with history can take minutes
    at a million reports; the table then says so instead of the run never ending)."""
    import signal

    def alarm(_signum, _frame):
        raise PageTimeout()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, limit_s)
    try:
        return client.get(path)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def rows_in(response) -> int | None:
    """How many reports a page holds (a JSON list or page, a CSV or XLSX file), so that pages of a different
    length are compared per row; None for an HTML page."""
    kind = response.get("Content-Type", "")
    try:
        if kind.startswith("application/json"):
            body = json.loads(response.content)
            if isinstance(body, dict):
                body = next((v for k, v in body.items() if k in ("items", "results", "reports")), None)
            return len(body) if isinstance(body, list) else None
        if kind.startswith("text/csv"):
            return max(0, len(response.content.decode().splitlines()) - 1)
        if "spreadsheetml" in kind:
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
            return max(0, sum(1 for _ in book.active.iter_rows()) - 1)
    except (ValueError, KeyError, OSError):
        return None
    return None


def explain_slowest(queries: list[dict], page: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of every SELECT on the reports of one request: each one's execution time, and
    the plan of the slowest."""
    from django.db import connection

    best = (-1.0, "", "")
    times = []
    for q in queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "reports_report" not in sql:
            continue
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
        took = next(
            (float(line.split(":")[1].split()[0]) for line in plan.splitlines() if line.startswith("Execution Time")),
            0.0,
        )
        times.append(took)
        if took > best[0]:
            best = (took, sql, plan)
    if best[0] < 0:
        return ""
    each = ", ".join(f"{t:.1f}" for t in times)
    return f"-- {page}: statements on reports {each} ms; the slowest ({best[0]:.1f} ms):\n{best[1]}\n\n{best[2]}\n"


def measure(
    url: str, repeat: int, explain: bool, only: set[str] | None, budget_s: float, limit_s: float, hot_kelurahan: str
) -> dict:
    import city
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sigap.reports.models import Report

    missing = city.schema_missing()
    if missing:
        raise SystemExit(
            f"{url}: the database lacks {', '.join(missing[:8])} (built before those migrations were "
            "filled in?): build it again with bench/city.py --fresh"
        )
    n_reports = Report.objects.count()
    sc = scenario_load(url, hot_kelurahan)
    number = detail_number(sc)
    who = clients(sc)
    results = {}
    plan = ""
    for name, user, how, path in pages(sc, number):
        if only and not any(o in name for o in only):
            continue
        client = who[user][how]
        times: list[float] = []
        # rate-limit counters are cleared before each request; a page named "cached" keeps what it cached
        keep = name.endswith(", cached")
        try:
            cache.clear()
            t = time.perf_counter()
            response = _get(client, path, limit_s)
            first = (time.perf_counter() - t) * 1000
            if response.status_code == 404 and path.endswith(".xlsx"):
                results[name] = {"status": 404, "missing": True}
                continue
            if first / 1000 > budget_s:
                times.append(first)  # too slow to warm up: its first request is a sample
            else:
                for _ in range(WARMUP - 1):
                    if not keep:
                        cache.clear()
                    _get(client, path, limit_s)
            while len(times) < repeat and not (len(times) >= 3 and sum(times) / 1000 > budget_s):
                if not keep:
                    cache.clear()
                t = time.perf_counter()
                response = _get(client, path, limit_s)
                times.append((time.perf_counter() - t) * 1000)
            if not keep:
                cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                response = _get(client, path, limit_s)
        except PageTimeout:
            connection.close()  # a statement may have been cut off: go on with a fresh connection
            results[name] = {"status": 0, "timeout": limit_s}
            print(f"   {name}: more than {limit_s:.0f} s, cut off", file=sys.stderr, flush=True)
            continue
        times.sort()
        print(
            f"   {name}: p50 {statistics.median(times):.1f} ms ({len(times)} samples), "
            f"{len(ctx.captured_queries)} statements",
            file=sys.stderr,
            flush=True,
        )
        results[name] = {
            "status": response.status_code,
            "p50": statistics.median(times),
            "p95": times[min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1)],
            "samples": len(times),
            "statements": len(ctx.captured_queries),
            "bytes": len(response.content),
            "rows": rows_in(response),
        }
        if explain:
            plan += explain_slowest(ctx.captured_queries, name)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM reports_report r JOIN organization_unit u ON u.id = r.unit_id WHERE u.code = %s",
            [sc["users"]["officer"]["unit"]],
        )
        at_unit = cur.fetchone()[0]
        cur.execute(
            "SELECT COUNT(*) FROM reports_report r JOIN organization_wilayah w ON w.id = r.kelurahan_id "
            "WHERE w.code = %s",
            [sc["hot_kelurahan"]],
        )
        in_kelurahan = cur.fetchone()[0]
    return {
        "database": sc["database"],
        "reports": n_reports,
        "at_unit": at_unit,
        "in_kelurahan": in_kelurahan,
        "detail": number,
        "pages": results,
        "plan": plan,
        "machine": machine_state(),
    }


def child(
    url: str, repeat: int, explain: bool, only: set[str] | None, budget_s: float, limit_s: float, hot_kelurahan: str
) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.SIGAP_OUTBOX_SYNC = True
    out = measure(url, repeat, explain, only, budget_s, limit_s, hot_kelurahan)
    print("@@RESULT@@" + json.dumps(out))


# --- the parent: each database in a child, one table -------------------------------------------------


def urls_from(args) -> list[str]:
    if args.database:
        return args.database
    return [f"postgres://postgres@127.0.0.1:5432/sigap_city_{s.strip()}" for s in args.sizes.split(",") if s.strip()]


def table(runs: list[dict]) -> str:
    names = list(dict.fromkeys(n for r in runs for n in r["pages"]))
    head = ["page"] + [f"{r['database']} p50 / p95 ms (stmts)" for r in runs]
    if len(runs) > 1:
        head += [f"{r['database']} ÷ {runs[0]['database']}" for r in runs[1:]]
    head.append("target")
    rows = []
    misses = []
    for name in names:
        cells = [name]
        base = runs[0]["pages"].get(name)
        for r in runs:
            p = r["pages"].get(name)
            if p is None:
                cells.append("—")
            elif p.get("missing"):
                cells.append("no such page")
            elif p.get("timeout"):
                cells.append(f"> {p['timeout']:.0f} s (cut off)")
            else:
                bad = "" if p["status"] == 200 else f" [HTTP {p['status']}]"
                cells.append(f"{p['p50']:.1f} / {p['p95']:.1f} ({p['statements']}){bad}")
        ratios = []
        for r in runs[1:]:
            p = r["pages"].get(name)
            if p is None or base is None or any(x.get("missing") or x.get("timeout") for x in (p, base)):
                cells.append("—")
                continue
            ratio = p["p50"] / base["p50"] if base["p50"] else float("nan")
            same = "" if p["statements"] == base["statements"] else f", stmts {base['statements']}→{p['statements']}"
            n, n0 = p.get("rows"), base.get("rows")
            if n and n0 and n != n0:
                # pages of a different length (a queue emptier at one size): history is judged per row
                per_row = (p["p50"] / n) / (base["p50"] / n0)
                cells.append(f"{ratio:.2f}× ({n0:,} → {n:,} rows; per row {per_row:.2f}×){same}")
                ratio = per_row
            else:
                cells.append(f"{ratio:.2f}×{same}")
            ratios.append(ratio)
        target = []
        # the 20 ms target is the officers' and the public's pages; the admin's lists are judged by the ratio alone
        if base is not None and not base.get("missing") and not base.get("timeout") and not name.startswith("admin:"):
            ok = base["p50"] <= TARGET_P50_MS
            target.append(f"p50 ≤ {TARGET_P50_MS:.0f} ms at {runs[0]['database']}: {'ok' if ok else 'MISS'}")
            if not ok:
                misses.append(f"{name}: {base['p50']:.1f} ms at {runs[0]['database']} (p50 target)")
        if ratios:
            ok = ratios[-1] <= TARGET_RATIO
            target.append(f"≤ {TARGET_RATIO}×: {'ok' if ok else 'MISS'}")
            if not ok:
                misses.append(f"{name}: {ratios[-1]:.2f}× at {runs[-1]['database']} (ratio target)")
        last = runs[-1]["pages"].get(name)
        if name.startswith("dashboard,") and last and not last.get("timeout") and not last.get("missing"):
            p50 = last["p50"]
            ok = p50 <= TARGET_DASHBOARD_MS
            target.append(f"≤ {TARGET_DASHBOARD_MS:.0f} ms at {runs[-1]['database']}: {'ok' if ok else 'MISS'}")
            if not ok:
                misses.append(f"{name}: {p50:.1f} ms at {runs[-1]['database']} (dashboard target)")
        cells.append("; ".join(target))
        rows.append(cells)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(c) + " |" for c in rows]
    if misses:
        lines.append("")
        lines.append(f"targets missed ({len(misses)}): " + "; ".join(misses))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="sigap_city_<size> databases, first is the baseline")
    parser.add_argument("--database", action="append", help="postgres://… (repeatable; overrides --sizes)")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", help="comma-separated parts of page names")
    parser.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="seconds of timed requests per page before stopping early (at least 3 samples)",
    )
    parser.add_argument("--limit", type=float, default=180.0, help="seconds after which one request is cut off")
    parser.add_argument(
        "--hot-kelurahan",
        default="31.75.07.1002",
        help="the kelurahan the scenario's actors work at (as built by city.py; Pondok Bambu)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = {o.strip() for o in args.only.split(",")} if args.only else None
    if args.child:
        child(args.child, args.repeat, args.explain, only, args.budget, args.limit, args.hot_kelurahan)
        return
    runs = []
    from http_server import core_speed  # the figure to read beside these when machines differ

    print(
        f"== pages: {platform.python_version()}, {machine_state()} at start; core speed {core_speed():.0f} ms "
        "for ten million Python additions (lower is faster)",
        flush=True,
    )
    for url in urls_from(args):
        cmd = [
            sys.executable,
            __file__,
            "--child",
            url,
            "--repeat",
            str(args.repeat),
            "--budget",
            str(args.budget),
            "--limit",
            str(args.limit),
            "--hot-kelurahan",
            args.hot_kelurahan,
        ]
        if args.explain:
            cmd.append("--explain")
        if args.only:
            cmd += ["--only", args.only]
        t = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("@@RESULT@@")), None)
        if line is None:
            print(f"!! {url}: the child failed (its errors are above)\n{proc.stdout[-3000:]}", flush=True)
            continue
        run = json.loads(line[len("@@RESULT@@") :])
        runs.append(run)
        print(
            f"-- {run['database']}: {run['reports']:,} reports; {run['at_unit']:,} now at the officer's unit, "
            f"{run['in_kelurahan']:,} in its kelurahan; detail page of {run['detail']}; "
            f"{time.perf_counter() - t:.0f} s; {run['machine']} after",
            flush=True,
        )
        if run["plan"]:
            print(run["plan"], flush=True)
    if runs:
        print()
        print(table(runs))


if __name__ == "__main__":
    main()
