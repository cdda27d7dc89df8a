"""Benchmark of outbox delivery ("received" messages to reporters), on SQLite and on PostgreSQL.

    python bench/delivery.py [--db sqlite|postgres|both] [--n 2000] [--rate 90] [--seconds 30] [--latency-ms 0] [--keep]

Each database runs in its own child process with a fresh temporary SIGAP_HOME (PostgreSQL: the database
``sigap_bench_delivery`` on 127.0.0.1:5432, user postgres, dropped and created anew). The channel is WhatsApp's
Cloud API, faked on loopback by the test suite's recorder (``sigap/intake/tests/fake_services.py``: the real
adapter posts the real request and reads the real answer), in a process of its own; nothing leaves the machine.
Reporters file through the service layer on the WhatsApp channel, so each report writes one "received"
notification whose address the vault resolves at send time. ``--latency-ms`` makes the fake answer as slowly as
a real API over the internet (the sends of a batch overlap on SIGAP_OUTBOX_SEND_THREADS threads). The child measures:

(a0) the sender as it was: one row at a time, a new database connection and a new TLS context (CA bundle) for
    each send, on 100 rows;
(a) the old shape: one row per batch with a new database connection for each (how the sender worked before
    batching), on the first 300 rows;
(b) batched delivery: the relay's sweep (batches of 100) over the other --n rows, notifications per second;
(c) the embedded sender thread: --n ids enqueued at once, as group commit hands them over, until all are sent;
(d) a burst: reports filed at --rate per second for --seconds (the service layer, ten-report batches every
    ~110 ms, as group commit writes them), with the embedded sender running in the same process; the backlog
    (rows not yet sent) every second, at the end of the burst, and how long it takes to drain.

The CPU use of other processes is sampled before each database: on a shared 2-core machine figures taken while it
is busy are noisy, and each run says so.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import CATEGORIES, Workload, child_env, cpu_busy, loadavg  # noqa: E402

PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "sigap_bench_delivery"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
OLD_SHAPE_N = 300


def pg_recreate() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")


def parent(args) -> int:
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results: dict[str, dict] = {}
    status = 0
    for db in dbs:
        home = tempfile.mkdtemp(prefix=f"sigap-bench-delivery-{db}-")
        out = Path(home) / "result.json"
        if db == "postgres":
            pg_recreate()
        print(f"\n{'=' * 90}\n{db.upper()}\n{'=' * 90}", flush=True)
        env = child_env(db, home)
        if db == "postgres":
            env["DATABASE_URL"] = PG_URL
        cmd = [
            sys.executable,
            "-u",
            str(Path(__file__).resolve()),
            "--_child",
            db,
            "--n",
            str(args.n),
            "--rate",
            str(args.rate),
            "--seconds",
            str(args.seconds),
            "--_out",
            str(out),
            "--latency-ms",
            str(args.latency_ms),
        ]
        rc = subprocess.call(cmd, env=env, cwd=str(ROOT))
        if rc != 0 or not out.exists():
            print(f"!!! {db}: the child process failed (exit {rc})", flush=True)
            status = 1
        else:
            results[db] = json.loads(out.read_text())
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    if results:
        print(
            f"\n{'=' * 90}\nSUMMARY (notifications/s delivered in-process to WhatsApp's API faked on loopback, "
            f"answering in {args.latency_ms:.0f} ms)"
        )
        print(f"{'':52s}" + "".join(f"{db:>16s}" for db in results))
        rows = [
            ("(a0) as before: + a TLS context per send", "before_per_s", "{:.1f}/s"),
            ("(a) old shape: one row, new connection each", "old_per_s", "{:.1f}/s"),
            ("(b) batched sweep (batches of 100)", "batch_per_s", "{:.1f}/s"),
            ("(c) embedded sender thread, ids enqueued", "thread_per_s", "{:.1f}/s"),
            ("(d) burst: intake rate reached", "burst_rate", "{:.1f}/s"),
            ("    backlog at the end of the burst", "backlog_end", "{:d}"),
            ("    largest backlog during the burst", "backlog_max", "{:d}"),
            ("    drained after the burst in", "drain_s", "{:.1f} s"),
            ("    other processes' CPU before the run", "busy", "{:.0%}"),
        ]
        for label, key, fmt in rows:
            print(f"{label:52s}" + "".join(f"{fmt.format(r[key]):>16s}" for r in results.values()))
    return status


def submissions(work: Workload, n: int):
    """n reports as WhatsApp reporters file them (the vault keeps their number; the relay answers on WhatsApp)."""
    from sigap.intake.services import Reporter, Submission

    subs = []
    for _i in range(n):
        p = work.next()
        subs.append(
            Submission(
                category=p["category"],
                description=p["description"],
                lat=p["lat"],
                lon=p["lon"],
                channel="whatsapp",
                address=p["address"],
                privacy="private",
                reporter=Reporter(name=p["reporter"]["name"], phone=f"62812{work.i:08d}"),
            )
        )
    return subs


def serve_fake(latency_ms: float, port_out) -> None:
    """The channel's far end, in a process of its own (as a real API is): WhatsApp's Cloud API as the test suite
    fakes it, answering after ``latency_ms``."""
    from http.server import ThreadingHTTPServer

    from sigap.intake.tests.fake_services import FakeServices

    ThreadingHTTPServer.request_queue_size = 256  # as a real API takes many senders' connections at once
    fake = FakeServices()
    if latency_ms:
        handler = fake.server.RequestHandlerClass
        answer = handler.do_POST

        def slow_post(self, answer=answer):
            time.sleep(latency_ms / 1000)
            return answer(self)

        handler.do_POST = slow_post
    fake.requests = _Forgetful()  # a long run must not keep every request in memory
    port_out.put(fake.url)
    fake.server.serve_forever()


class _Forgetful(list):
    """Counts the requests instead of keeping them (the fake numbers its answers by this count)."""

    def __init__(self):
        super().__init__()
        self._numbers, self.count = itertools.count(1), 0

    def append(self, item) -> None:
        self.count = next(self._numbers)

    def __len__(self) -> int:
        return self.count


def child(args) -> int:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")  # before Django opens anything
    port_q = ctx.Queue()
    fake = ctx.Process(target=serve_fake, args=(args.latency_ms, port_q), daemon=True)
    fake.start()
    fake_url = port_q.get(timeout=60)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from sigap.intake.services import report_submit_many
    from sigap.organization.loaders import reference_load
    from sigap.privacy import relay
    from sigap.reports import outbox
    from sigap.reports.models import Notification

    assert CATEGORIES
    call_command("migrate", verbosity=0)
    reference_load(progress=False)
    busy = cpu_busy()
    print(
        f"machine: {os.cpu_count()} cores, load average {loadavg()}; other processes kept {busy:.0%} of the cores "
        f"busy in the second before start{' (BUSY: figures are noisy)' if busy > 0.15 else ''}",
        flush=True,
    )
    settings.SIGAP_CHANNELS = {
        **settings.SIGAP_CHANNELS,
        "whatsapp": {
            "verify_token": "v",
            "app_secret": "s",
            "access_token": "bench",
            "phone_number_id": "1098765",
            "api_base": f"{fake_url}/graph",
        },
    }
    work = Workload()
    waiting = (
        Notification.State.PENDING,
        Notification.State.CLAIMED,
        Notification.State.SENDING,
        Notification.State.FAILED,
    )

    def file_quietly(n: int) -> list[int]:
        """File n reports with delivery deferred (no id handed to a sender): the rows wait in the outbox."""
        real, outbox.enqueue = outbox.enqueue, lambda pk: None
        try:
            subs = submissions(work, n)
            for i in range(0, n, 100):
                report_submit_many(subs[i : i + 100])
        finally:
            outbox.enqueue = real
        return list(Notification.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True))

    out: dict = {"busy": busy}
    # (a0) the sender before this work: besides the connection, each send built a TLS context (the CA bundle)
    from sigap.intake.channels import base

    ids = file_quietly(OLD_SHAPE_N // 3)
    t = time.perf_counter()
    for pk in ids:
        base._tls_context.cache_clear()
        relay.deliver_batch([pk])
        connection.close()
    out["before_per_s"] = len(ids) / (time.perf_counter() - t)
    print(
        f"(a0) as before: one row, new connection and TLS context each: {len(ids)} = {out['before_per_s']:.1f}/s",
        flush=True,
    )
    # (a) the old shape
    ids = file_quietly(OLD_SHAPE_N)
    t = time.perf_counter()
    for pk in ids:
        relay.deliver_batch([pk])
        connection.close()
    old_s = time.perf_counter() - t
    out["old_per_s"] = len(ids) / old_s
    print(
        f"(a) one row per batch, new connection each: {len(ids)} in {old_s:.1f} s = {out['old_per_s']:.1f}/s",
        flush=True,
    )

    # (b) batched sweep
    ids = file_quietly(args.n)
    t = time.perf_counter()
    counts = relay.outbox_sweep(limit=args.n)
    batch_s = time.perf_counter() - t
    out["batch_per_s"] = counts.get("sent", 0) / batch_s
    print(
        f"(b) batched sweep: {counts.get('sent', 0)} of {len(ids)} sent in {batch_s:.1f} s = {out['batch_per_s']:.1f}/s"
        f"{'; failed (retried after their backoff): ' + str(counts['failed']) if counts.get('failed') else ''}",
        flush=True,
    )
    Notification.objects.filter(state="failed").update(next_attempt_at=None)
    relay.outbox_sweep()  # the failed ones (if any), so the next run starts from an empty outbox

    # (c) the embedded sender thread, ids enqueued at once
    settings.SIGAP_OUTBOX_SYNC = False
    ids = file_quietly(args.n)
    t = time.perf_counter()
    for pk in ids:
        outbox.enqueue(pk)
    while Notification.objects.filter(state__in=waiting).exists():
        time.sleep(0.02)
    thread_s = time.perf_counter() - t
    out["thread_per_s"] = len(ids) / thread_s
    print(f"(c) sender thread: {len(ids)} in {thread_s:.1f} s = {out['thread_per_s']:.1f}/s", flush=True)

    # (d) a burst at the intake rate, the sender thread running beside it
    total = int(args.rate * args.seconds)
    subs = submissions(work, total)
    step = 10
    interval = step / args.rate
    samples: list[tuple[float, int]] = []
    before = Notification.objects.count()
    t0 = time.perf_counter()
    next_sample = t0 + 1
    for i in range(0, total, step):
        due = t0 + (i // step) * interval
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        report_submit_many(subs[i : i + step])  # delivery is queued after commit, as group commit does
        if time.perf_counter() >= next_sample:
            samples.append((time.perf_counter() - t0, Notification.objects.filter(state__in=waiting).count()))
            next_sample += 1
    burst_s = time.perf_counter() - t0
    backlog_end = Notification.objects.filter(state__in=waiting).count()
    while Notification.objects.filter(state__in=waiting).exists():
        time.sleep(0.05)
    drain_s = time.perf_counter() - t0 - burst_s
    filed = Notification.objects.count() - before
    sent = Notification.objects.filter(state="sent").count()
    out.update(
        burst_rate=total / burst_s,
        backlog_end=backlog_end,
        backlog_max=max([b for _, b in samples] + [backlog_end]),
        drain_s=drain_s,
    )
    print(
        f"(d) burst: {total} reports in {burst_s:.1f} s = {total / burst_s:.1f}/s ({filed} notifications); backlog "
        f"each second: {[b for _, b in samples]}; at the end {backlog_end}; drained {drain_s:.1f} s later",
        flush=True,
    )
    answered = Notification.objects.filter(state="sent").values("remote_id").distinct().count()
    print(
        f"    every notification sent: {sent} rows sent, {answered} distinct message ids answered by the fake API",
        flush=True,
    )
    outbox.stop()
    fake.terminate()
    print(f"load average at the end: {loadavg()}", flush=True)
    Path(args._out).write_text(json.dumps(out))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=90.0, help="intake rate of the burst, reports per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="the fake API's answer time")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--_child")
    parser.add_argument("--_out")
    args = parser.parse_args(argv)
    if args._child:
        return child(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
