"""Deliver outbox rows to reporters without exposing their address to anyone.

The address is resolved inside the vault at send time and never written anywhere else. Delivery goes by batches
(``deliver_batch``), each in a constant number of SQL statements whatever its size:

1. **claim**: one ``UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING …`` moves up to n due
   rows (PENDING, FAILED past its backoff, HELD past its pause) to CLAIMED under a fresh claim token. On PostgreSQL
   concurrent senders skip each other's rows; on SQLite the statement takes the write lock before it reads, so two
   senders never claim the same row either;
2. **resolve**: the reports' numbers and the reporters' addresses (one SELECT each, the vault decrypts in memory);
3. **mark**: one UPDATE moves the rows about to be sent from CLAIMED to SENDING (``attempts`` + 1), only where the
   claim is still this sender's;
4. **send** each row on its channel, then **record** every result in one UPDATE.

So the states say what happened. CLAIMED: the send has not begun, and a claim cut by a crash or a database failure
goes back to PENDING (by the sender itself, or by the sweep after ``CLAIM_STALE_AFTER``) and is sent later. SENDING:
a send may have happened; a row left there longer than ``STUCK_AFTER`` (the sender died before it could record the
result) becomes UNKNOWN, for a person to check in the admin, instead of being sent twice; on a channel that takes
an idempotency key (``Adapter.idempotent``) it is sent again with the same key instead, and the far end drops the
repeat. A result the database
could not take is kept in memory and recorded by the sender's next batch, so UNKNOWN needs the sender's process to
die as well. Failures are retried with backoff (``next_attempt_at``: 30 s, 1, 2, 4 min), then land in DEAD (the
dead-letter list in the admin); a channel without a configured adapter holds its rows (HELD) and is tried again
every ``HELD_PAUSE``.

``outbox_sweep`` is what the running system calls by itself (the embedded sender on start and periodically, the
periodic job ``outbox-sweep`` every minute); ``outbox_flush`` (``sigap outbox flush``) is the same without waiting for
backoffs.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sigap.reports import outbox
from sigap.reports.models import Notification, Report

from . import senders, vault

log = logging.getLogger(__name__)


# A sent message's id as a channel gave it is kept only where it is public and needed: our own public answer
# (a reply under it is not a new complaint, ``public_mentions.public_reply_sent_for``).
PUBLIC_REMOTE_IDS = frozenset({"public_ack"})


def remote_key(remote_id: str) -> str:
    """A keyed hash of a channel's id for a sent message (a key derived from ``SECRET_KEY``, not in the database):
    a WhatsApp message id is base64 holding the recipient's number, so kept as it came it gave a chat reporter's
    number back from a dump or the admin, beside their report."""
    return "k:" + salted_hmac("sigap-remote-id", remote_id, algorithm="sha256").hexdigest() if remote_id else ""


def remote_kept(kind: str, remote_id: str) -> str:
    """What the outbox keeps of a sent message's id: the id of a public answer, else its keyed hash."""
    return remote_id[:200] if kind in PUBLIC_REMOTE_IDS else remote_key(remote_id)


MAX_ATTEMPTS = 5
BATCH = 100
STUCK_AFTER = timedelta(minutes=15)
CLAIM_STALE_AFTER = timedelta(minutes=2)
HELD_PAUSE = timedelta(minutes=15)
# Messages after which the conversation's contact record is destroyed (anonymous filing, cancellation), once sent
# or given up for good (the record is then kept for nothing; retention would take it only a year later).
# Messages whose recipient record exists for them alone: shredded once sent (or given up). "Please send it again"
# (``inbox._given_up``) stored a record of the sender's number that nothing ever destroyed (found by a review).
SHRED_RECIPIENT_AFTER = {"dialog:filed_anon", "dialog:cancelled", "dialog:not_processed"}
S = Notification.State
OUTCOME = {S.SENT: "sent", S.FAILED: "failed", S.DEAD: "failed", S.SKIPPED: "no-contact", S.HELD: "no-adapter"}

# Results sent but not yet recorded (the database refused the record): recorded by the next batch of this process.
_unrecorded: list[tuple[list[Notification], list[str]]] = []
_unreleased: list[str] = []  # claim tokens whose rows could not be given back yet
_pending_lock = threading.Lock()


def backoff(attempts: int) -> timedelta:
    """Wait before the next try of a row that failed ``attempts`` times (as the Celery retries always did)."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _email_send(address: str, text: str, *, number: str, reply_context: str) -> str:
    from django.core.mail import EmailMessage

    headers = {"In-Reply-To": reply_context, "References": reply_context} if reply_context else {}
    subject = f"Sigap: laporan {number}" if number else "Sigap"
    message = EmailMessage(subject=subject, body=text, to=[address], headers=headers)
    message.send()
    return message.extra_headers.get("Message-ID", "")


def mail_configured() -> bool:
    """Whether mail can leave: any backend but Django's dummy one, which takes a mail and drops it (the default
    while neither ``SIGAP_EMAIL_HOST`` nor ``SIGAP_EMAIL_BACKEND`` is set)."""
    return settings.EMAIL_BACKEND != "django.core.mail.backends.dummy.EmailBackend"


def _adapter_ready(channel: str) -> bool:
    if channel == "email":
        return mail_configured()  # held, like any channel not configured, rather than "sent" into nothing
    sender = senders.sender_get(channel)
    return sender is not None and sender.enabled()


def _send(
    channel: str,
    address: str,
    text: str,
    *,
    number: str,
    reply_context: str,
    idempotency_key: str = "",
    extra: dict | None = None,
) -> str:
    sender = senders.sender_get(channel)
    if channel == "email":
        if sender is None:
            return _email_send(address, text, number=number, reply_context=reply_context)
        # The email adapter gives our mails a Message-ID it recognises in replies and threads them to the
        # resident's own mail; it sends through Django's mail backend, so it needs no inbound configuration.
        return sender.send(address, text, reply_context=reply_context, number=number, **(extra or {}))
    if sender is None or not sender.enabled():
        raise LookupError(channel)
    if getattr(sender, "idempotent", False) and idempotency_key:
        return sender.send(address, text, reply_context=reply_context, idempotency_key=idempotency_key, **(extra or {}))
    return sender.send(address, text, reply_context=reply_context, **(extra or {}))


def _idempotent(channel: str) -> bool:
    return bool(getattr(senders.sender_get(channel), "idempotent", False))


def idempotency_key(notification_id: int) -> str:
    """The same for every try of one notification: a channel that takes it sends the message once."""
    return f"sigap-notification-{notification_id}"


# --- the statements --------------------------------------------------------------------------------------------


def _table() -> str:
    return connection.ops.quote_name(Notification._meta.db_table)


def _dt(value):
    return connection.ops.adapt_datetimefield_value(value)


def _claim(*, ids: list[int] | None, limit: int, force: bool, token: str, now, since=None) -> list[Notification]:
    """Claim up to ``limit`` rows in one statement. ``ids``: only those (the ones just enqueued), and only while
    still pending (with ``force``: failed or held too). Otherwise every due row, held ones after the rest so they
    never starve it; ``force`` ignores backoffs and pauses (a person's ``outbox flush``); ``since``: skip rows
    claimed since then (one sweep takes each row once)."""
    params: list = [S.CLAIMED, _dt(now), token]
    if ids is not None:
        states = [S.PENDING, S.FAILED, S.HELD] if force else [S.PENDING]
        where = f"state IN ({', '.join(['%s'] * len(states))}) AND id IN ({', '.join(['%s'] * len(ids))})"
        params += [*states, *ids]
    else:
        where = "state IN (%s, %s, %s)"
        params += [S.PENDING, S.FAILED, S.HELD]
        if not force:
            where += " AND (next_attempt_at IS NULL OR next_attempt_at <= %s)"
            params.append(_dt(now))
        if since is not None:
            where += " AND (claimed_at IS NULL OR claimed_at < %s)"
            params.append(_dt(since))
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    order = "id" if ids is not None else f"CASE WHEN state = '{S.HELD}' THEN 1 ELSE 0 END, id"
    params.append(limit)
    table = _table()
    sql = (
        f"UPDATE {table} SET state = %s, claimed_at = %s, claim_token = %s "
        f"WHERE id IN (SELECT id FROM {table} WHERE {where} ORDER BY {order} LIMIT %s{lock}) "
        "RETURNING id, report_id, recipient_ref, reply_context, kind, body, attempts, body_en"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    notes = [
        Notification(
            pk=r[0],
            report_id=r[1],
            recipient_ref=r[2],
            reply_context=r[3],
            kind=r[4],
            body=r[5],
            attempts=r[6],
            body_en=r[7],
            state=S.CLAIMED,
            claimed_at=now,
            claim_token=token,
        )
        for r in rows
    ]
    return sorted(notes, key=lambda n: n.pk)


def _mark_sending(token: str, ids: list[int], resendable: set[int] = frozenset()) -> set[int]:
    """CLAIMED → SENDING for the rows about to be sent, where the claim is still ours; the ids really marked. Rows
    whose channel takes an idempotency key get the token prefixed ``i``: if their outcome is lost, the sweep may
    send them again (the channel drops the repeat) rather than park them as 'unknown'."""
    if not ids:
        return set()
    again = [pk for pk in ids if pk in resendable]
    prefix = (
        f"CASE WHEN id IN ({', '.join(str(int(pk)) for pk in again)}) THEN %s ELSE claim_token END"
        if again
        else "claim_token"
    )
    sql = (
        f"UPDATE {_table()} SET state = %s, attempts = attempts + 1, claim_token = {prefix} "
        f"WHERE claim_token = %s AND state = %s AND id IN ({', '.join(['%s'] * len(ids))}) RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [S.SENDING, *(["i" + token] if again else []), token, S.CLAIMED, *ids])
        return {row[0] for row in cursor.fetchall()}


def _release(token: str) -> int:
    """Give back every row of a claim whose send never began (CLAIMED, or SENDING when the mark's reply was lost)."""
    sql = (
        f"UPDATE {_table()} SET state = %s, claim_token = '', "
        f"attempts = CASE WHEN state = %s THEN attempts - 1 ELSE attempts END "
        "WHERE claim_token IN (%s, %s) AND state IN (%s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [S.PENDING, S.SENDING, token, "i" + token, S.CLAIMED, S.SENDING])
        return cursor.rowcount


# (column, cast on PostgreSQL): what a result sets on its row
RECORDED = [
    ("state", None),
    ("attempts", None),
    ("sent_at", "timestamp with time zone"),
    ("remote_id", None),
    ("last_error", None),
    ("next_attempt_at", "timestamp with time zone"),
    ("body", None),
    ("body_en", None),
]


def _record(notes: list[Notification]) -> None:
    """Every result of a batch in one UPDATE (a CASE on the id per column; the ids are integers from the claim)."""
    if not notes:
        return
    pg = connection.vendor == "postgresql"
    sets, params = [], []
    for column, cast in RECORDED:
        value = "%s" if not (pg and cast) else f"CAST(%s AS {cast})"
        sets.append(f"{column} = CASE id " + " ".join(f"WHEN {int(n.pk)} THEN {value}" for n in notes) + " END")
        for note in notes:
            v = getattr(note, column)
            params.append(_dt(v) if cast and v is not None else v)
    ids = ", ".join(str(int(n.pk)) for n in notes)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table()} SET {', '.join(sets)}, claim_token = '' WHERE id IN ({ids})", params)


def _catch_up() -> None:
    """Record results and give back claims that an earlier batch of this process could not write."""
    with _pending_lock:
        results, tokens = list(_unrecorded), list(_unreleased)
        _unrecorded.clear()
        _unreleased.clear()
    for i, (notes, shred) in enumerate(results):
        try:
            _record(notes)
            _shred(shred)
        except DatabaseError:
            with _pending_lock:
                _unrecorded.extend(results[i:])
                _unreleased.extend(tokens)
            raise
    for i, token in enumerate(tokens):
        try:
            _release(token)
        except DatabaseError:
            with _pending_lock:
                _unreleased.extend(tokens[i:])
            raise


def _shred(refs: list[str]) -> None:
    for ref in refs:
        vault.identity_destroy(ref)


# --- a batch ---------------------------------------------------------------------------------------------------


def deliver_batch(
    ids: list[int] | None = None, *, limit: int = BATCH, force: bool = False, since=None
) -> dict[str, int]:
    """Claim, resolve, send and record one batch; counts by outcome (``claimed``: how many rows it took)."""
    if _unrecorded or _unreleased:
        _catch_up()
    now = timezone.now()
    token = secrets.token_hex(8)
    if ids is not None:
        ids = sorted(set(ids))[:limit]
        if not ids:
            return {}
    notes = _claim(ids=ids, limit=limit, force=force, token=token, now=now, since=since)
    if not notes:
        return {}
    try:
        return _deliver_claimed(notes, token)
    except DatabaseError:
        # Cut before any send began: the rows go back to pending (now, or by the next batch or sweep).
        try:
            _release(token)
        except DatabaseError:
            with _pending_lock:
                _unreleased.append(token)
        raise


def _failed(note: Notification, error: str, now, shred: list[str]) -> None:
    """One more failed attempt (``note.attempts`` counts it already): tried again after a backoff, or given up after
    ``MAX_ATTEMPTS``, when a record made for this message alone is shredded (kept for nothing otherwise)."""
    note.state = S.DEAD if note.attempts >= MAX_ATTEMPTS else S.FAILED
    note.next_attempt_at = None if note.state == S.DEAD else now + backoff(note.attempts)
    note.last_error = error
    if note.state == S.DEAD and note.kind in SHRED_RECIPIENT_AFTER and note.recipient_ref:
        shred.append(note.recipient_ref)


def _deliver_claimed(notes: list[Notification], token: str) -> dict[str, int]:
    counts: dict[str, int] = {"claimed": len(notes)}
    report_ids = {n.report_id for n in notes if n.report_id}
    reports = (
        {
            pk: (number, ref)
            for pk, number, ref in Report.objects.filter(pk__in=report_ids).values_list("pk", "number", "reporter_ref")
        }
        if report_ids
        else {}
    )
    refs = {n.pk: n.recipient_ref or reports.get(n.report_id, ("", ""))[1] for n in notes}
    contacts = vault.contact_channels(refs.values())
    now = timezone.now()
    done: list[Notification] = []
    shred: list[str] = []
    to_send: list[tuple[Notification, str, str]] = []
    in_english: set[int] = set()
    for note in notes:
        note.claim_token, note.remote_id, note.last_error, note.sent_at = "", "", "", None
        target = contacts.get(refs[note.pk])
        if target == vault.UNREADABLE:  # the key or the record is broken now: tried again later, never sent blind
            note.attempts += 1
            _failed(note, "IdentityUnreadable", now, shred)
            if note.state == S.DEAD:  # given up, as any other: the stored copy keeps no code nor secret
                note.body, note.body_en = outbox.codes_hidden(note.body), outbox.codes_hidden(note.body_en)
            done.append(note)
        elif target is None:
            note.state, note.next_attempt_at = S.SKIPPED, None
            note.body, note.body_en = outbox.codes_hidden(note.body), outbox.codes_hidden(note.body_en)  # never sent
            done.append(note)
        elif not _adapter_ready(target[0]):
            # No outbound adapter configured for this channel: the row is held (not lost) until it is.
            note.state, note.next_attempt_at = S.HELD, now + HELD_PAUSE
            done.append(note)
        else:
            channel, address, language = target
            to_send.append((note, channel, address))
            if language == "en" and note.body_en:  # the reporter wrote in English: every message in English
                in_english.add(note.pk)
    numbers = [reports.get(note.report_id, ("", ""))[0] for note, _, _ in to_send]
    extras = _prefetch(to_send, numbers)  # before the rows are marked: a failure here gives them back
    marked = _mark_sending(
        token, [note.pk for note, _, _ in to_send], {note.pk for note, channel, _ in to_send if _idempotent(channel)}
    )
    # From here on a send may happen: a database failure no longer gives the rows back.
    sending = [
        (note, channel, address, number, extra, note.body_en if note.pk in in_english else note.body)
        for (note, channel, address), number, extra in zip(to_send, numbers, extras)
        if note.pk in marked
    ]  # else: the sweep gave it back meanwhile
    for (note, channel, *_), (outcome, value) in zip(sending, _send_all(sending)):
        note.attempts += 1
        if outcome == "held":
            note.state, note.next_attempt_at, note.attempts = S.HELD, now + HELD_PAUSE, note.attempts - 1
            log.debug("relay: notification %s waits for the %s channel to be configured", note.pk, channel)
        elif outcome == "failed":
            # the exception's name, never its message: it may carry an address
            _failed(note, value, timezone.now(), shred)
            log.warning("relay: notification %s failed (%s), attempt %s", note.pk, value, note.attempts)
        else:
            note.state, note.sent_at, note.remote_id, note.next_attempt_at = (
                S.SENT,
                timezone.now(),
                remote_kept(note.kind, str(value or "")),
                None,
            )
            if note.kind in SHRED_RECIPIENT_AFTER and note.recipient_ref:
                shred.append(note.recipient_ref)
        if note.state in (S.SENT, S.DEAD):  # delivered or given up: the stored copy keeps no code nor secret
            note.body, note.body_en = outbox.codes_hidden(note.body), outbox.codes_hidden(note.body_en)
        done.append(note)
    for note in done:
        key = OUTCOME[note.state]
        counts[key] = counts.get(key, 0) + 1
    try:
        _record(done)
        _shred(shred)
    except DatabaseError:
        # Sent, but the result could not be written: kept, and recorded by this process's next batch.
        with _pending_lock:
            _unrecorded.append((done, shred))
        log.warning("relay: %s delivery results could not be recorded yet; the next batch records them", len(done))
        counts["unrecorded"] = len(done)
    return counts


def _prefetch(to_send: list[tuple[Notification, str, str]], numbers: list[str]) -> list[dict]:
    """What each send needs from the database, read once for the batch in this thread by the senders that read
    any (``prefetch``: the email sender's dialogs, for threading), so the send threads open no connection."""
    extras: list[dict] = [{} for _ in to_send]
    by_channel: dict[str, list[int]] = {}
    for i, (_note, channel, _address) in enumerate(to_send):
        by_channel.setdefault(channel, []).append(i)
    for channel, rows in by_channel.items():
        prefetch = getattr(senders.sender_get(channel), "prefetch", None)
        if prefetch is None:
            continue
        asked = [(to_send[i][0].pk, to_send[i][0].reply_context, numbers[i]) for i in rows]
        try:
            prepared = prefetch(asked)
        except DatabaseError:
            raise  # the batch's rows are given back (``deliver_batch``)
        except Exception as exc:  # noqa: BLE001 - never the whole batch: each send then reads what it needs
            log.warning("relay: the %s sender could not prepare a batch (%s)", channel, type(exc).__name__)
            continue
        for i, extra in zip(rows, prepared):
            extras[i] = extra
    return extras


def _send_one(
    note: Notification, channel: str, address: str, number: str, extra: dict | None = None, text: str | None = None
) -> tuple[str, str]:
    try:
        return "sent", _send(
            channel,
            address,
            note.body if text is None else text,
            number=number,
            reply_context=note.reply_context,
            idempotency_key=idempotency_key(note.pk),
            extra=extra,
        )
    except LookupError:
        return "held", ""
    except Exception as exc:  # noqa: BLE001 - one failed send never stops the batch
        return "failed", type(exc).__name__


def _send_pooled(args) -> tuple[str, str]:
    from django.db import connections

    try:
        return _send_one(*args)
    finally:
        # Senders read what they need before the sends (``prefetch``); one that still read the database here (a
        # row its prefetch could not prepare) opened a connection in this pool thread: closed at once, so many send
        # threads never hold many idle database connections.
        connections.close_all()


_pool = None
_pool_pid = None
_pool_lock = threading.Lock()


def _send_all(sending: list[tuple]) -> list[tuple[str, str]]:
    """Send every row of a batch; a channel's round trip (100-300 ms to a real API) overlaps with the others' on
    SIGAP_OUTBOX_SEND_THREADS threads (at 150 ms a round trip, 32 threads allow ~200 sends/s). In the request
    (SIGAP_OUTBOX_SYNC) they go one after the other."""
    from django.conf import settings

    threads = int(getattr(settings, "SIGAP_OUTBOX_SEND_THREADS", 1))
    if len(sending) < 2 or threads < 2 or getattr(settings, "SIGAP_OUTBOX_SYNC", False):
        return [_send_one(*row) for row in sending]
    global _pool, _pool_pid
    import os
    from concurrent.futures import ThreadPoolExecutor

    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool, _pool_pid = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sigap-send"), os.getpid()
    futures = []
    for row in sending:
        try:
            futures.append(_pool.submit(_send_pooled, row))
        except RuntimeError:
            # the interpreter is exiting (a worker stopping): its thread pools take no new work, and the rows are
            # already marked as being sent, so they are sent here, one after the other, each with its outcome
            futures.append(None)
    return [_send_one(*row) if future is None else future.result() for future, row in zip(futures, sending)]


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value


def notification_deliver(notification_id: int) -> str:
    """Deliver one row now if it is waiting (pending, failed or held), whatever its backoff: a person asked."""
    counts = deliver_batch([notification_id], force=True)
    counts.pop("claimed", None)
    return next(iter(counts), "skip")


# --- what the running system does by itself --------------------------------------------------------------------


def outbox_sweep(*, limit: int = 5000, batch: int = BATCH, force: bool = False) -> dict[str, int]:
    """Give back claims cut before their send began, park rows stuck mid-send as UNKNOWN, then deliver every due row
    (at most ``limit``). Run by the embedded sender on start and periodically, by Celery beat in production."""
    now = timezone.now()
    counts: dict[str, int] = {}
    if _unrecorded or _unreleased:
        _catch_up()
    counts["released"] = Notification.objects.filter(state=S.CLAIMED, claimed_at__lt=now - CLAIM_STALE_AFTER).update(
        state=S.PENDING, claim_token=""
    )
    stuck = Notification.objects.filter(state=S.SENDING, claimed_at__lt=now - STUCK_AFTER)
    # a channel with an idempotency key: sent again with the same key (the channel drops a repeat)
    counts["resent"] = stuck.filter(claim_token__startswith="i").update(state=S.PENDING, claim_token="")
    unknown = list(stuck.values_list("pk", "body", "body_en"))
    counts["unknown"] = stuck.update(state=S.UNKNOWN, claim_token="")
    for pk, body, body_en in unknown:  # never sent again: the stored copy keeps no code nor secret either
        Notification.objects.filter(pk=pk, state=S.UNKNOWN).update(
            body=outbox.codes_hidden(body), body_en=outbox.codes_hidden(body_en)
        )
    done = 0
    while done < limit:
        size = min(batch, limit - done)
        result = deliver_batch(limit=size, force=force, since=now)
        taken = result.pop("claimed", 0)
        _add(counts, result)
        done += taken
        if taken < size:
            break
    return {k: v for k, v in counts.items() if v}


def outbox_flush(limit: int = 500) -> dict[str, int]:
    """``sigap outbox flush``: the sweep, without waiting for backoffs or held channels' pauses."""
    return outbox_sweep(limit=limit, force=True)
