"""sigap.core.rows: multi-row INSERTs that store exactly what ``bulk_create`` stores, set the new ids in order,
split what the protocol cannot take in one statement, and go through Django's cursor wrapper (counted,
errors translated), with the values bound rather than quoted into the text on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sigap.core import rows
from sigap.core.models import AuditEvent, Holiday
from sigap.privacy.models import IdentityRecord

pytestmark = pytest.mark.django_db


class Kind(models.TextChoices):
    OFFICER = "officer", "Petugas"


def _events(actor, n: int, tag: str) -> list[AuditEvent]:
    return [
        AuditEvent(
            actor=actor if i % 2 else None,
            actor_kind=Kind.OFFICER if i % 3 == 0 else "system",
            action=f"{tag}:{i}",
            report_id=10_000_000_000 + i if i % 2 else None,  # beyond 32 bits
            detail={"n": i, "kata": "jalan 'rusak' \\ 100%", "nested": [1, None, {"x": "ü"}]} if i else {},
        )
        for i in range(n)
    ]


def _stored(tag: str) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(action__startswith=f"{tag}:")
        .order_by("action")
        .values_list("action", "actor_id", "actor_kind", "report_id", "detail")
    )


def test_the_rows_are_those_bulk_create_stores_and_the_ids_come_back_in_order():
    actor = get_user_model().objects.create_user("rows.actor")
    mine = _events(actor, 7, "fast")
    rows.insert_rows(mine)
    AuditEvent.objects.bulk_create(_events(actor, 7, "django"))
    assert [row[1:] for row in _stored("fast")] == [row[1:] for row in _stored("django")]
    for event in mine:
        assert event.pk is not None and not event._state.adding
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.action == event.action  # each object got its own row's id
        assert abs((timezone.now() - stored.created_at).total_seconds()) < 60  # auto_now_add, as bulk_create
        assert stored.created_at == event.created_at


def test_a_long_list_is_split_into_statements_the_protocol_accepts(monkeypatch):
    monkeypatch.setattr(rows, "MAX_ROWS", 3)
    events = _events(None, 8, "split")
    with CaptureQueriesContext(connection) as queries:
        rows.insert_rows(events)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    if connection.vendor == "postgresql":
        assert len(inserts) == 3  # 3 + 3 + 2 rows
    assert [AuditEvent.objects.get(pk=e.pk).action for e in events] == [f"split:{i}" for i in range(8)]


def test_on_postgresql_the_values_are_bound_not_quoted_into_the_statement():
    with CaptureQueriesContext(connection) as queries:
        rows.insert_rows(_events(None, 2, "bound-secret-value"))
    (sql,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    if connection.vendor != "postgresql":
        pytest.skip("SQLite binds natively through Django's own path")
    assert "bound-secret-value" not in sql and "$1" in sql


def test_a_database_error_is_djangos_and_the_callers_transaction_decides():
    _record("idr_taken").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert_rows([_record("idr_new"), _record("idr_taken")])
    assert not IdentityRecord.objects.filter(ref="idr_new").exists()


def _record(ref: str, **values) -> IdentityRecord:
    return IdentityRecord(
        **{"ref": ref, "key_id": "k", "wrapped_key": b"w", "nonce": b"n", "ciphertext": b"c", **values}
    )


def test_bytes_and_an_sql_expression_are_written_as_django_writes_them():
    payload = b"\x00'\\\x00" + bytes(range(256))
    # a value that is an SQL expression (here the database's clock) goes through Django's compiler
    rows.insert_rows([_record("idr_bytes", wrapped_key=payload), _record("idr_expr", destroyed_at=Now())])
    assert bytes(IdentityRecord.objects.get(ref="idr_bytes").wrapped_key) == payload
    stored = IdentityRecord.objects.get(ref="idr_expr")
    assert abs((timezone.now() - stored.destroyed_at).total_seconds()) < 60


def test_an_aware_time_of_another_zone_is_stored_as_the_same_instant():
    at = datetime(2026, 3, 1, 23, 30, tzinfo=dt_timezone(timedelta(hours=7)))
    rows.insert_rows([_record("idr_zone", destroyed_at=at), _record("idr_none")])
    assert IdentityRecord.objects.get(ref="idr_zone").destroyed_at == at
    assert IdentityRecord.objects.get(ref="idr_none").destroyed_at is None


def test_execute_takes_plain_placeholders_and_returns_rows():
    _record("idr_exec").save()
    table = connection.ops.quote_name(IdentityRecord._meta.db_table)
    got = rows.execute(f"SELECT ref, destroyed_at FROM {table} WHERE ref IN (%s, %s)", ["idr_exec", "idr_none"])
    assert [tuple(r) for r in got] == [("idr_exec", None)]
    assert rows.execute(f"UPDATE {table} SET key_id = %s WHERE ref = %s", ["k2", "idr_exec"]) is None
    assert IdentityRecord.objects.get(ref="idr_exec").key_id == "k2"
    with pytest.raises(ValueError):
        rows.execute(f"SELECT 1 FROM {table} WHERE ref LIKE 'x%%'", [])


def test_update_column_sets_each_row_its_own_value_and_leaves_the_others(monkeypatch):
    """``update_column``: one statement per ``MAX_ROWS`` rows on PostgreSQL (``UPDATE … FROM (VALUES …)``), Django's
    ``bulk_update`` elsewhere; the same rows either way, each value cast to its column's type."""
    from datetime import date

    from django.contrib.sessions.models import Session

    monkeypatch.setattr(rows, "MAX_ROWS", 3)
    base = datetime(2026, 11, 24, 1, 2, 3, 456789, tzinfo=UTC)
    sessions = [
        Session.objects.create(session_key=f"upd{i:037d}", session_data="x", expire_date=base) for i in range(8)
    ]
    moved = {s.pk: base + timedelta(hours=i, microseconds=i) for i, s in enumerate(sessions[:7])}
    with CaptureQueriesContext(connection) as queries:
        rows.update_column(Session, "expire_date", list(moved.items()))
    if connection.vendor == "postgresql":
        updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
        assert len(updates) == 3 and "VALUES" in updates[0]  # 3 + 3 + 1 rows
    stored = dict(Session.objects.filter(pk__in=[s.pk for s in sessions]).values_list("pk", "expire_date"))
    assert {pk: stored[pk] for pk in moved} == moved
    assert stored[sessions[7].pk] == base
    # a date column, integer keys
    days = [Holiday.objects.create(date=date(2031, 1, 5 + i), name=f"uji {i}") for i in range(4)]
    rows.update_column(Holiday, "date", [(h.pk, date(2032, 2, 1 + i)) for i, h in enumerate(days[:3])])
    assert list(Holiday.objects.filter(pk__in=[h.pk for h in days]).order_by("pk").values_list("date", flat=True)) == [
        date(2032, 2, 1),
        date(2032, 2, 2),
        date(2032, 2, 3),
        date(2031, 1, 8),
    ]
    rows.update_column(Holiday, "name", [])  # nothing to do: no statement, no error


def test_update_column_leaves_a_row_another_transaction_changed_since_it_was_read():
    """``was``: the value each row had when the caller read it; a row changed since (the write path set a new
    deadline while a holiday's change was being computed) keeps its new value (PostgreSQL: the caller's read and
    write are not under one lock there)."""
    from django.contrib.sessions.models import Session

    base = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    kept, moved = (
        Session.objects.create(session_key=f"cas{i:037d}", session_data="x", expire_date=base) for i in range(2)
    )
    Session.objects.filter(pk=kept.pk).update(expire_date=base + timedelta(days=9))  # changed after the read
    later = base + timedelta(hours=8)
    written = rows.update_column(
        Session, "expire_date", [(kept.pk, later), (moved.pk, later)], was={kept.pk: base, moved.pk: base}
    )
    assert Session.objects.get(pk=moved.pk).expire_date == later
    if connection.vendor == "postgresql":
        assert written == 1
        assert Session.objects.get(pk=kept.pk).expire_date == base + timedelta(days=9)
