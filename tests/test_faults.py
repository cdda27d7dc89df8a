"""Recovery without a person: Sigap under faults loses no acknowledged report and stores none twice.

* a server process killed with SIGKILL in the middle of a load: every report answered 201 is stored exactly
  once after a restart, and the clients' retries (with their Idempotency-Key) file nothing twice;
* PostgreSQL unreachable for a while (a proxy in front of it stopped): 503 with Retry-After meanwhile, and
  the group-commit writer files again as soon as it is back, without a restart;
* 1,000 deliveries of the same webhook messages: one report, one set of replies;
* 200 racing officer actions on one report (threads, PostgreSQL): each is done or refused with a clear
  4xx-class error, and the report's history is one chain (no two moves from the same status).

The lost COMMIT reply is in ``sigap/intake/tests/test_lost_commit.py``, outages in-process in
``sigap/core/tests/test_outage.py``."""

from __future__ import annotations

import json
import os
import random
import signal
import string
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

from tests.faults import PgProxy, in_thread
from tests.live_sigap import CLI, database_drop, database_url, free_port

# --- kill -9 in the middle of a load ---------------------------------------------------------------------

PB = "31.75.07.1002"


def _http(method: str, url: str, body: dict | None = None, headers: dict | None = None, timeout: float = 10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null"), dict(e.headers)


def _serve(env: dict, home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(home / "server.log", "a")
    proc = subprocess.Popen(
        CLI + ["serve", "--port", str(port)], env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("Sigap server did not start: " + (home / "server.log").read_text()[-2000:])


def _copy_of_the_test_database(home: Path) -> tuple[str, bool]:
    """A database for the server process: a copy of the test database (migrated, reference data loaded) when
    that can be made in a second (SQLite's backup API; PostgreSQL's CREATE DATABASE ... TEMPLATE), else an
    empty one. Returns its URL and whether it is ready to serve."""
    from django.db import connection, connections

    from sigap.intake import groupcommit
    from sigap.organization.models import Wilayah

    has_reference = Wilayah.objects.exists()  # a transactional test before this one may have emptied it
    if connection.vendor == "sqlite":
        import sqlite3

        path = home / "kill9.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}", has_reference
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    source, name = connection.settings_dict["NAME"], connection.settings_dict["NAME"] + "_kill9"
    url = os.environ["DATABASE_URL"]
    groupcommit.stop()
    connections.close_all()
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        try:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        except psycopg.Error:  # another connection holds the test database: start from an empty one
            return database_url(name, home), False
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), has_reference


def _word() -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(10))


def test_kill_9_mid_load_loses_no_acknowledged_report_and_retries_file_once(
    tmp_path, django_db_setup, django_db_blocker, request
):
    home = tmp_path
    with django_db_blocker.unblock():
        url, ready = _copy_of_the_test_database(home)
    request.addfinalizer(lambda: database_drop(url))
    env = {
        **os.environ,
        "SIGAP_HOME": str(home),
        "SIGAP_TILE_URL": "",
        "SIGAP_CITIZEN_RATE": "100000/m",
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "sigap.config.settings",
    }
    if not ready:
        subprocess.run(CLI + ["migrate", "--verbosity", "0"], env=env, check=True, cwd=home, stdout=subprocess.DEVNULL)
        subprocess.run(
            CLI + ["reference", "--no-progress"],
            env=env,
            check=True,
            cwd=home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    proc, base = _serve(env, home)
    point = _http("GET", f"{base}/api/v1/locate?lat=-6.2351&lon=106.9009")  # warms routing in the server
    assert point[0] == 200, point
    sent: dict[str, dict] = {}  # key -> request body
    acknowledged: dict[str, dict] = {}  # key -> 201 body
    stop = threading.Event()
    lock = threading.Lock()

    def client() -> None:
        while not stop.is_set():
            key, word = str(uuid.uuid4()), _word()
            body = {
                "category": "saluran-tersumbat",
                "lat": -6.2351,
                "lon": 106.9009,
                "description": f"Got mampet di gang {word}, air meluap ke jalan.",
                "reporter": {"name": "Warga"},
            }
            with lock:
                sent[key] = body
            try:
                status, answer, _h = _http("POST", f"{base}/api/v1/reports", body, {"Idempotency-Key": key}, timeout=5)
            except OSError:
                return  # the server is gone
            if status == 201:
                with lock:
                    acknowledged[key] = answer

    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)  # mid-load: requests in flight are cut
    proc.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert len(acknowledged) >= 40  # (requests in flight at the kill, if any, are in ``sent`` only)

    proc, base = _serve(env, home)
    try:
        for answer in acknowledged.values():  # every acknowledged report is there, under its tracking code
            status, tracked, _h = _http("GET", f"{base}/api/v1/track/{answer['tracking_code']}")
            assert status == 200 and tracked["id"] == answer["id"]
        for key, body in sent.items():  # every client retries what it did not hear back about: filed once
            status, answer, headers = _http("POST", f"{base}/api/v1/reports", body, {"Idempotency-Key": key})
            assert status == 201, answer
            if key in acknowledged:
                assert answer == acknowledged[key] and headers.get("Idempotency-Replayed") == "true"
    finally:
        proc.kill()
        proc.wait(timeout=10)
    descriptions = _descriptions(env)
    for body in sent.values():  # each report the clients meant, exactly once
        assert descriptions.count(body["description"]) == 1, body["description"]
    assert len(descriptions) == len(sent)


def _descriptions(env: dict) -> list[str]:
    url = env["DATABASE_URL"]
    sql = "SELECT description FROM reports_report"
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url[len("sqlite:///") :]) as db:
            return [row[0] for row in db.execute(sql)]
    import psycopg

    with psycopg.connect(url) as db:
        return [row[0] for row in db.execute(sql)]


# --- PostgreSQL unreachable for a while ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_postgresql_unreachable_for_a_while_then_filing_resumes_by_itself(settings):
    if connection.vendor != "postgresql":
        pytest.skip("stopping a database server needs one (PostgreSQL); SQLite is a file")
    from django.db import close_old_connections
    from django.test import Client

    from sigap.intake import groupcommit
    from sigap.organization.loaders import reference_load
    from sigap.organization.models import Wilayah
    from sigap.reports.models import Report
    from sigap.routing.cache import routing_reset

    if not Wilayah.objects.exists():
        reference_load(progress=False)
    routing_reset()
    w = Wilayah.objects.get(code=PB)
    conf = connection.settings_dict
    saved = {k: conf.get(k) for k in ("HOST", "PORT", "OPTIONS")}
    proxy = PgProxy((conf["HOST"] or "127.0.0.1", int(conf["PORT"] or 5432))).start()
    groupcommit.stop()
    connection.close()
    conf.update(HOST="127.0.0.1", PORT=str(proxy.port), OPTIONS={**(conf.get("OPTIONS") or {}), "sslmode": "disable"})
    settings.SIGAP_CITIZEN_RATE = "100000/m"
    client = Client(raise_request_exception=False)

    def file(k: int):
        close_old_connections()  # what the server does at each request's start (the test client does not)
        body = {
            "category": "saluran-tersumbat",
            "lat": w.inner_lat,
            "lon": w.inner_lon,
            "description": f"Got mampet di gang nomor {k}, air meluap ke jalan.",
            "reporter": {"name": "Warga"},
        }
        return client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json")

    try:
        assert file(1).status_code == 201  # the writer thread holds a connection through the proxy
        proxy.stop()  # the database is gone: open connections cut, new ones refused
        outage = [file(k) for k in range(2, 6)]
        assert all(r.status_code == 503 and r["Retry-After"] for r in outage), [r.content for r in outage]
        assert Client(raise_request_exception=False).get("/healthz").status_code == 503
        proxy.start()  # back
        assert [file(k).status_code for k in range(6, 10)] == [201] * 4
    finally:
        groupcommit.stop()
        connection.close()
        conf.update(saved)
        proxy.stop()
    assert Report.objects.count() == 5


# --- 1,000 repeated webhook messages --------------------------------------------------------------------------------

import itertools  # noqa: E402

from sigap.intake.tests.channel_helpers import deliver, fake, replies_to, wa_location, wa_payload, wa_sign, wa_text  # noqa: E402,F401


def _many(payload: bytes, copies: int) -> bytes:
    data = json.loads(payload)
    value = data["entry"][0]["changes"][0]["value"]
    value["messages"] = value["messages"] * copies
    return json.dumps(data).encode()


@pytest.mark.django_db
def test_a_thousand_repeated_webhooks_file_one_report(deliver, fake, settings):
    from sigap.intake.models import InboundMessage
    from sigap.organization.models import Wilayah
    from sigap.reports.models import Report

    w = Wilayah.objects.get(code=PB)
    messages = [
        wa_text("wamid.R1", "Got mampet di depan rumah, air meluap ke jalan kalau hujan"),
        wa_location("wamid.R2", w.inner_lat, w.inner_lon),
        wa_text("wamid.R3", "ya"),
        wa_text("wamid.R4", "1"),
    ]
    [wa_payload(m) for m in messages]
    statuses = set()
    for message in messages:  # each message 250 times, in 10 webhooks of 25 copies: it moves the dialog once
        body = _many(wa_payload(message), 25)
        for _ in range(10):
            statuses.add(deliver("whatsapp", body, wa_sign(body)).status_code)
    assert statuses == {200}
    assert InboundMessage.objects.count() == 4
    report = Report.objects.get()
    assert report.channel == "whatsapp"
    assert len(replies_to(fake)) == 4  # location?, category?, privacy?, filed: once each


# --- 200 racing officer actions --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_hundred_racing_officer_actions_on_one_report(staff):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server (PostgreSQL); SQLite serializes every write")
    from django.db import connections

    from sigap.core.errors import DomainError
    from sigap.organization.loaders import reference_load
    from sigap.organization.models import Wilayah
    from sigap.reports import services
    from sigap.reports.models import StatusChange
    from sigap.reports.tests.factories import submit

    if not Wilayah.objects.exists():
        reference_load(progress=False)
    report = submit().report
    officers = [staff(f"petugas.{k}", f"kel:{PB}") for k in range(4)]
    outcomes: list[object] = []
    lock = threading.Lock()

    def act(k: int, barrier: threading.Barrier) -> None:
        try:
            barrier.wait(timeout=30)
            actor = officers[k % len(officers)]
            if k % 2:
                services.report_accept(report_id=report.pk, actor=actor, note=f"diproses {k}")
            else:
                services.report_reject(report_id=report.pk, actor=actor, reason=f"bukan wewenang kami {k}")
            outcome: object = "ok"
        except DomainError as exc:
            outcome = exc
        except Exception as exc:  # noqa: BLE001 - a failure of the test: anything but a clear refusal
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    wave = 20  # within the server's connection limit
    for start in range(0, 200, wave):
        barrier = threading.Barrier(wave)
        threads = [threading.Thread(target=act, args=(k, barrier)) for k in range(start, start + wave)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert len(outcomes) == 200
    unexpected = [o for o in outcomes if o != "ok" and not (isinstance(o, DomainError) and 400 <= o.status < 500)]
    assert not unexpected, unexpected[:3]
    # each move that won is in the history once, and the history is one chain: every change starts from the
    # status the one before it left (no two officers moved the report from the same status)
    history = list(StatusChange.objects.filter(report=report).order_by("pk").values_list("old_status", "new_status"))
    assert 1 <= outcomes.count("ok") == len(history) - 1 <= 2, history  # accept, then perhaps reject
    assert all(later[0] == earlier[1] for earlier, later in itertools.pairwise(history)), history


# --- merges racing each other or a rejection ---------------------------------------------------------------


def _merge_race_setup(staff, name: str):
    from sigap.organization.loaders import reference_load
    from sigap.organization.models import Wilayah
    from sigap.reports.tests.factories import submit

    if not Wilayah.objects.exists():
        reference_load(progress=False)
    officer = staff(name, f"kel:{PB}")
    a = submit(description="Got mampet di gang mawar, air meluap ke jalan saat hujan.").report
    b = submit(description="Saluran air depan musala tersumbat sampah, bau sekali.").report
    return officer, a, b


@pytest.mark.django_db(transaction=True)
def test_two_officers_merging_two_reports_into_each_other_leave_one_open(staff, monkeypatch):
    """A into B and B into A at the same moment: each merge locked only the report it merged and read its target
    unlocked, so both found the other open and both committed: two reports Digabung, each "followed" through
    the other, nobody working on the problem. Both are locked now (in id order), so one merge waits for the
    other and then finds its target merged."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server (PostgreSQL); SQLite serializes every write")
    from sigap.core.errors import DomainError
    from sigap.reports import services
    from sigap.reports.states import Status

    officer, a, b = _merge_race_setup(staff, "petugas.merge.cycle")
    arrived = threading.Barrier(2, timeout=5)
    real = services.cluster_merge

    def cluster_merge(report, target):
        try:
            arrived.wait()  # both merges at this point at once: only possible when they do not lock each other out
        except threading.BrokenBarrierError:
            pass
        return real(report, target)

    monkeypatch.setattr(services, "cluster_merge", cluster_merge)
    errors: dict = {}
    threads = [
        in_thread(
            "a-into-b", lambda: services.report_merge(report_id=a.pk, actor=officer, into_number=b.number), errors
        ),
        in_thread(
            "b-into-a", lambda: services.report_merge(report_id=b.pk, actor=officer, into_number=a.number), errors
        ),
    ]
    for thread in threads:
        thread.join(timeout=30)
    a.refresh_from_db()
    b.refresh_from_db()
    assert sorted([a.status, b.status]) == sorted([Status.MERGED, Status.WAITING]), (a.status, b.status, errors)
    assert len(errors) == 1 and isinstance(next(iter(errors.values())), DomainError), errors
    assert next(iter(errors.values())).code == "bad_merge_target"


@pytest.mark.django_db(transaction=True)
def test_a_report_is_not_merged_into_one_being_rejected(staff, monkeypatch):
    """Another officer rejects B while A is merged into it: the merge read B before the rejection committed and
    merged A into a closed report, whose reporter then followed a report nobody works on. The merge now waits
    for B's lock and finds it Ditolak."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server (PostgreSQL); SQLite serializes every write")
    from sigap.core.errors import DomainError
    from sigap.reports import services, summaries
    from sigap.reports.states import Status

    officer, a, b = _merge_race_setup(staff, "petugas.merge.reject")
    rejecting, go = threading.Event(), threading.Event()
    real = summaries.after_transition

    def after_transition(report, before, **kw):
        if threading.current_thread().name == "reject":
            rejecting.set()  # B is Ditolak in the rejecting transaction, not yet committed
            go.wait(10)
        return real(report, before, **kw)

    monkeypatch.setattr(summaries, "after_transition", after_transition)
    errors: dict = {}
    reject = in_thread(
        "reject", lambda: services.report_reject(report_id=b.pk, actor=officer, reason="Bukan wewenang kota."), errors
    )
    assert rejecting.wait(10)
    merge = in_thread(
        "merge", lambda: services.report_merge(report_id=a.pk, actor=officer, into_number=b.number), errors
    )
    merge.join(timeout=1)  # a merge that does not wait for B's lock is done by now
    go.set()
    reject.join(timeout=30)
    merge.join(timeout=30)
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.status == Status.REJECTED
    assert a.status == Status.WAITING and a.merged_into_id is None, (a.status, a.merged_into_id)
    assert isinstance(errors.get("merge"), DomainError) and errors["merge"].code == "bad_merge_target", errors


@pytest.mark.django_db(transaction=True)
def test_a_report_walked_to_selesai_outside_any_outer_transaction(staff, jpeg):
    """Every service that locks a report holds its own transaction: called outside one (the demo, a command), a
    service whose decorator had slipped onto a helper raised 'select_for_update cannot be used outside of a
    transaction' on PostgreSQL, which tests running inside a test transaction never see."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no SELECT ... FOR UPDATE: only PostgreSQL refuses it outside a transaction")
    from sigap.organization.models import StaffRole
    from sigap.privacy.photos import photo_clean
    from sigap.reports import services
    from sigap.reports.states import Status

    officer, report, _other = _merge_race_setup(staff, "petugas.walk")
    validator = staff("validator.walk", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    services.report_accept(report_id=report.pk, actor=officer)
    for kind in ("before", "after"):
        services.photo_add(report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(jpeg(), blur=False))
    services.report_request_validation(report_id=report.pk, actor=officer)
    services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
    report.refresh_from_db()
    assert report.status == Status.DONE


@pytest.mark.django_db(transaction=True)
def test_two_parts_of_a_long_sms_processed_at_once_are_told_once(monkeypatch):
    """Two workers take the two parts of one long SMS at the same moment: each must not see only itself (the
    message would wait for good) nor both tell the whole message (two dialogs). The parts' rows are locked
    together, in one order, so one worker handles the whole and the other finds it done."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server (PostgreSQL); SQLite serializes every write")
    from sigap.intake import inbox
    from sigap.intake.channels.base import Inbound
    from sigap.intake.conversations import dialog_load
    from sigap.intake.models import Conversation, InboundMessage

    monkeypatch.setattr(inbox, "_schedule", lambda pk: None)  # stored, not processed yet
    parts = [
        Inbound(
            channel="sms",
            message_id=f"race-{n}",
            sender="081277778888",
            text=text,
            extra={"concat": ["5", n, 2]},
        )
        for n, text in ((1, "Lampu jalan di gang mati total "), (2, "sejak tiga malam, gelap sekali."))
    ]
    ids = inbox.inbound_accept("sms", parts)
    arrived = threading.Barrier(2, timeout=5)
    real = inbox._rows_locked

    def rows_locked(pk):
        try:
            arrived.wait()
        except threading.BrokenBarrierError:
            pass
        return real(pk)

    monkeypatch.setattr(inbox, "_rows_locked", rows_locked)
    results: dict = {}
    errors: dict = {}
    threads = [
        in_thread(f"part-{pk}", lambda pk=pk: results.__setitem__(pk, inbox.inbound_process(pk)), errors) for pk in ids
    ]
    for thread in threads:
        thread.join(timeout=30)
    assert not errors and sorted(results.values()) == ["processed", "skip"], (results, errors)
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {"processed"}
    conv = Conversation.objects.get()
    assert dialog_load(conv)["texts"] == ["Lampu jalan di gang mati total sejak tiga malam, gelap sekali."]


@pytest.mark.django_db(transaction=True)
def test_two_first_messages_of_one_sender_at_once_make_one_dialog(monkeypatch):
    """A resident sends their photo and their words a second apart; two workers take them at once. Each found
    no open dialog and each opened one: two half-told dialogs, each asking the resident for what the other has.
    One open dialog per sender and channel is now a constraint, and the second worker joins the first's."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server (PostgreSQL); SQLite serializes every write")
    from sigap.intake import conversations
    from sigap.intake.channels.base import Inbound
    from sigap.intake.conversations import conversation_handle, dialog_load
    from sigap.intake.models import Conversation

    arrived = threading.Barrier(2, timeout=5)
    real = conversations.dialog_create

    def dialog_create(inbound, **kwargs):
        try:
            arrived.wait()  # both found no open dialog
        except threading.BrokenBarrierError:
            pass
        return real(inbound, **kwargs)

    monkeypatch.setattr(conversations, "dialog_create", dialog_create)
    text, pin = "Lampu jalan di gang Melati mati total sejak tiga malam", (-6.2297, 106.9128)
    messages = [
        Inbound(channel="telegram", message_id="first-words", sender="777001", text=text),
        Inbound(channel="telegram", message_id="first-pin", sender="777001", location=pin),
    ]
    errors: dict = {}

    def tell(inbound):
        with transaction.atomic():
            conversation_handle(inbound)

    threads = [in_thread(m.message_id, lambda m=m: tell(m), errors) for m in messages]
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    [conv] = Conversation.objects.all()
    data = dialog_load(conv)
    assert conv.state == "open" and data["texts"] == [text] and data["location"] == list(pin)
