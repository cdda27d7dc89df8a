"""The officer pages' cost in the database: statements, PostgreSQL execution time and buffers per request.

    python bench/queue_pages.py --database URL [--database URL ...] [--repeat 15] [--plans] [--code DIR]

Companion of ``bench/pages.py`` (same databases from ``bench/city.py --scenario``, same actors, same pages):
for each officer page it prints the wall-clock p50 of ``--repeat`` in-process requests, the number of SQL
statements of one request, and — what a busy shared machine does not blur — the sum over that request's
statements of PostgreSQL's own ``Execution Time`` and of the shared buffers they touched (``EXPLAIN (ANALYZE,
BUFFERS)`` of each captured statement, run once more). ``--plans`` prints the plan of each page's costliest
statement. ``--code DIR`` measures another checkout of the code (its ``sigap`` package is imported), to
compare the code before and after a change on the very same database. Each database is measured in its own
process. The machine's load is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OFFICER_PAGES = (
    "officer queue API, page of 50",
    "officer queue API, page 3",
    "kota pimpinan queue API",
    "console queue",
    "console queue (htmx partial)",
    "report detail API",
    "report detail console",
    "validator queue",
    "validator queue API",
    "triage desk API",
    "CSV export",
)


def _explain(sql: str) -> tuple[float, int, str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        doc = cur.fetchone()[0]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        text = "\n".join(r[0] for r in cur.fetchall())
    top = doc[0]
    plan = top["Plan"]
    return top["Execution Time"], plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0), text


def measure(url: str, repeat: int, plans: bool) -> dict:
    import pages
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sigap.reports.models import Report

    sc = pages.scenario_load(url, Report.objects.count())
    number = pages.detail_number(sc)
    who = pages.clients(sc)
    out = {}
    for name, user, how, path in pages.pages(sc, number):
        if name not in OFFICER_PAGES:
            continue
        client = who[user][how]
        for _ in range(3):
            cache.clear()
            client.get(path)
        times = []
        for _ in range(repeat):
            cache.clear()
            t = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - t) * 1000)
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        exec_ms, buffers, worst = 0.0, 0, (-1.0, "", "")
        for q in ctx.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "FOR UPDATE" in sql.upper():
                continue
            took, blocks, text = _explain(sql)
            exec_ms += took
            buffers += blocks
            if took > worst[0]:
                worst = (took, sql, text)
        out[name] = {
            "status": response.status_code,
            "p50": statistics.median(times),
            "statements": len(ctx.captured_queries),
            "exec_ms": exec_ms,
            "buffers": buffers,
            "plan": f"{worst[1]}\n\n{worst[2]}" if plans else "",
        }
        print(
            f"   {name}: p50 {out[name]['p50']:.1f} ms, {out[name]['statements']} statements, "
            f"PostgreSQL {exec_ms:.2f} ms / {buffers} buffers",
            file=sys.stderr,
            flush=True,
        )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM reports_report r JOIN organization_unit u ON u.id = r.unit_id WHERE u.code = %s",
            [sc["users"]["officer"]["unit"]],
        )
        at_unit = cur.fetchone()[0]
    load = os.getloadavg()
    return {
        "database": sc["database"],
        "reports": Report.objects.count(),
        "at_unit": at_unit,
        "pages": out,
        "load": f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores",
    }


def child(url: str, repeat: int, plans: bool, code: Path) -> None:
    sys.path[:0] = [str(code), str(ROOT / "bench")]  # the pages and actors of this checkout's bench
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
    import django

    django.setup()
    print("@@RESULT@@" + json.dumps(measure(url, repeat, plans)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", action="append")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose sigap package is measured")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat, args.plans, args.code.resolve())
        return
    if not args.database:
        parser.error("give at least one --database")
    runs = []
    for url in args.database:
        cmd = [sys.executable, __file__, "--child", url, "--repeat", str(args.repeat), "--code", str(args.code)]
        if args.plans:
            cmd.append("--plans")
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(args.code)})
        line = next((x for x in proc.stdout.splitlines() if x.startswith("@@RESULT@@")), None)
        if line is None:
            sys.exit(f"{url}: failed\n{proc.stderr[-3000:]}")
        runs.append(json.loads(line[len("@@RESULT@@") :]))
    print(
        "| page | "
        + " | ".join(
            f"{r['database']} ({r['reports']:,} reports, {r['at_unit']:,} at the unit): "
            "p50 ms · statements · PG ms · buffers"
            for r in runs
        )
        + " |"
    )
    print("|---|" + "---|" * len(runs))
    for name in OFFICER_PAGES:
        cells = []
        for r in runs:
            p = r["pages"].get(name)
            cells.append(
                "—" if p is None else f"{p['p50']:.1f} · {p['statements']} · {p['exec_ms']:.2f} · {p['buffers']:,}"
            )
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nmachine load (1/5/15 min): " + "; ".join(f"{r['database']}: {r['load']}" for r in runs))
    if args.plans:
        for r in runs:
            for name, p in r["pages"].items():
                print(f"\n-- {r['database']}: {name}, costliest statement\n{p['plan']}")


if __name__ == "__main__":
    main()
