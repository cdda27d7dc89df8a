"""PostgreSQL's own ceiling for intake here: ``pgbench`` running one intake's writes per transaction.

    python bench/pgbench/run.py [--database URL] [--seconds 20] [--clients 8,16] [--keep]

``intake.sql`` is statement for statement what ``sigap.intake.services._write`` sends for one report with a
reporter (vault record, duplicate query, the day's number counter, report, history, audit, notification),
with values of the same size, and no Python in between: the transactions per second it reaches are what
PostgreSQL on this machine allows, against which each intake figure in docs/performance.md is a share.
A second run replaces the day's counter with a constant, to show what the one shared counter row (locked
from the upsert to COMMIT, so that numbers have no gaps) costs under concurrency.

The database (default ``postgres://postgres@127.0.0.1:5432/sigap_pgbench``) is created anew: migrated and
loaded with the reference data the normal way (``sigap migrate``, ``sigap reference``), so the tables, indexes,
constraints and foreign keys are the application's. ``pgbench`` (Debian's ``postgresql-client``) runs with
``-M prepared``, two threads, ``synchronous_commit`` as the server has it (on by default, like production).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sigap_pgbench"
COUNTER = re.compile(r"^INSERT INTO reports_numbersequence.*?\\gset\n", re.S | re.M)
NUMBER = "'JK' || to_char(current_date, 'YYYYMMDD') || lpad((:last)::int::text, 4, '0')"
NUMBER_FREE = "'JX' || substr(md5(random()::text || clock_timestamp()::text), 1, 12)"  # same length, no counter


def prepare(url: str) -> dict[str, str]:
    """A fresh database with the application's schema and reference data; the ids the script needs."""
    import psycopg
    from city import database_prepare, psycopg_dsn

    database_prepare(url, fresh=True)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    sigap = [sys.executable, "-c", "from sigap.cli import main; main()"]
    with tempfile.TemporaryDirectory() as home:
        env.setdefault("SIGAP_HOME", home)
        subprocess.run([*sigap, "migrate", "--verbosity", "0"], env=env, check=True)
        subprocess.run([*sigap, "reference", "--no-progress"], env=env, check=True, stdout=subprocess.DEVNULL)
    with psycopg.connect(psycopg_dsn(url)) as conn:
        category = conn.execute("SELECT id FROM organization_category WHERE code = 'saluran-tersumbat'").fetchone()[0]
        kelurahan, lat, lon = conn.execute(
            "SELECT id, inner_lat, inner_lon FROM organization_wilayah WHERE code = '31.75.07.1002'"
        ).fetchone()
        unit = conn.execute("SELECT id FROM organization_unit WHERE code = 'kel:31.75.07.1002'").fetchone()[0]
    return {
        "category": str(category),
        "kelurahan": str(kelurahan),
        "unit": str(unit),
        "lat0": f"{lat - 0.01:.6f}",
        "lon0": f"{lon - 0.01:.6f}",
    }


def pgbench(url: str, script: Path, variables: dict[str, str], *, clients: int, seconds: int) -> tuple[float, float]:
    parts = urlsplit(url)
    cmd = [
        "pgbench",
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        "2",
        "-T",
        str(seconds),
        "-f",
        str(script),
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ]
    for k, v in variables.items():
        cmd += ["-D", f"{k}={v}"]
    cmd.append(parts.path.lstrip("/"))
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"pgbench failed:\n{run.stdout}\n{run.stderr}")
    out = run.stdout
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
    return tps, latency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", default="8,16")
    args = parser.parse_args()
    variables = prepare(args.database)
    load = os.getloadavg()
    print(
        f"== pgbench: one intake's writes per transaction on {urlsplit(args.database).path.lstrip('/')} "
        f"(-M prepared, -j 2, {args.seconds} s each); load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"on {os.cpu_count()} cores at start",
        flush=True,
    )
    script = HERE / "intake.sql"
    text = script.read_text()
    assert COUNTER.search(text) and NUMBER in text, "the day's counter is not where run.py expects it"
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(COUNTER.sub("", text).replace(NUMBER, NUMBER_FREE))
        no_counter = Path(f.name)
    try:
        print("| clients | intake transactions/s (latency avg) | the same without the day's counter row |")
        print("|---|---|---|")
        for c in (int(x) for x in args.clients.split(",")):
            tps, lat = pgbench(args.database, script, variables, clients=c, seconds=args.seconds)
            tps2, lat2 = pgbench(args.database, no_counter, variables, clients=c, seconds=args.seconds)
            print(f"| {c} | {tps:,.0f}/s ({lat:.1f} ms) | {tps2:,.0f}/s ({lat2:.1f} ms) |", flush=True)
    finally:
        no_counter.unlink()
    load = os.getloadavg()
    print(f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end; the database is kept)")


if __name__ == "__main__":
    main()
