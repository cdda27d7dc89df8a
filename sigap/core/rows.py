"""Multi-row INSERTs for the write paths that run at intake rate, without Django's per-call SQL compiler.

``QuerySet.bulk_create`` compiles its statement on every call, and on PostgreSQL psycopg's client-side binding
(Django's default) then splits that text again to quote every value into it in Python. The intake writer makes
eight such INSERTs per batch (reports, history, audit, notifications, visibility rows, stays, vault records,
duplicate candidates): measured with a profiler, compiling and quoting were about half of the writer's CPU, which
every request of a process waits on.

``insert_rows`` keeps ``bulk_create``'s meaning (the same columns; values prepared by the fields themselves through
``pre_save`` and ``get_db_prep_save``, so defaults, ``auto_now_add`` and JSON adaptation apply; no signals; the
new ids set on the objects) but builds the statement text once per table, column list and row count, with
PostgreSQL's own ``$n`` placeholders, and sends the values as bound parameters through psycopg's ``RawCursor``,
which rewrites nothing: psycopg's C adapters dump them and the server parses a text that never changes. It runs
through Django's own cursor wrapper, so the statement is logged, counted, passes the execute wrappers and has
its errors turned into Django's, inside the caller's transaction. A value that is an SQL expression, a mix of
objects with and without a primary key, or any other database, goes to ``bulk_create`` as before.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from django.conf import settings
from django.db import connections, models, router
from django.db.models import Field

# PostgreSQL's protocol caps a statement at 65,535 bound parameters; rows per statement are also capped so the
# cache of statement texts stays small
MAX_PARAMS = 65_535
MAX_ROWS = 1_000


def raw_cursor(connection, cursor_class):
    """A psycopg cursor of ``cursor_class`` on ``connection``'s open connection, wrapped as Django wraps its own
    (logged when queries are logged, counted, execute wrappers applied, errors translated)."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = cursor_class(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


_INTEGERS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
)
_AS_IS = {
    **{cls: int for cls in _INTEGERS},
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.FloatField: float,
    models.DateField: date,
}


def _as_is(field: Field) -> type | None:
    """The one Python type whose values ``field`` hands to psycopg unchanged (its ``get_db_prep_save`` returns
    them as they are), or None. Exact classes only: a subclass may prepare its values in its own way."""
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return _as_is(field.target_field) if type(field.target_field) in _INTEGERS else None
    if type(field) is models.DateTimeField and settings.USE_TZ:
        return datetime  # an aware one only (checked per value): a naive one gets Django's warning and zone
    return _AS_IS.get(type(field))


@functools.lru_cache(maxsize=128)
def _plan(model: type[models.Model], returning: bool) -> tuple[list, list[tuple]]:
    """The fields an INSERT of ``model`` writes, and per field (attname, the type passed as is, whether its
    ``pre_save`` is the plain attribute read)."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.generated and not (returning and f is meta.auto_field)]
    return fields, [(f.attname, _as_is(f), type(f).pre_save is Field.pre_save) for f in fields]


@functools.lru_cache(maxsize=256)
def _statement(table: str, columns: tuple[str, ...], returning: str, rows: int) -> str:
    width = len(columns)
    values = ", ".join("(" + ", ".join(f"${row * width + i + 1}" for i in range(width)) + ")" for row in range(rows))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}"
    return f"{sql} RETURNING {returning}" if returning else sql


def insert_rows(objs: list[models.Model]) -> None:
    """INSERT ``objs`` (all of one model) as ``bulk_create`` does, in as few statements as the protocol allows,
    and set each object's primary key when the database chose it."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    with_pk = [obj.pk is not None for obj in objs]
    if connection.vendor != "postgresql" or (any(with_pk) and not all(with_pk)):
        _django_insert(objs, connection)
        return
    auto = meta.auto_field
    returning = auto is not None and not with_pk[0]
    fields, plan = _plan(model, returning)
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        row = []
        for field, (attname, as_is, plain_read) in zip(fields, plan):
            value = getattr(obj, attname) if plain_read else field.pre_save(obj, True)
            if value is None or (type(value) is as_is and (as_is is not datetime or value.utcoffset() is not None)):
                row.append(value)  # what get_db_prep_save would return
                continue
            if hasattr(value, "resolve_expression"):  # an SQL expression (a database default): Django's compiler
                _django_insert(objs, connection)
                return
            row.append(field.get_db_prep_save(value, connection=connection))
        rows.append(row)
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    columns = tuple(qn(f.column) for f in fields)
    returned = qn(auto.column) if returning else ""
    per_statement = max(1, min(MAX_ROWS, MAX_PARAMS // max(1, len(fields))))
    from psycopg import RawCursor

    with raw_cursor(connection, RawCursor) as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(_statement(table, columns, returned, len(chunk)), [value for row in chunk for value in row])
            if returning:
                for obj, (pk,) in zip(objs[start : start + per_statement], cursor.fetchall()):
                    setattr(obj, auto.attname, pk)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def ids_ahead(model: type[models.Model], count: int) -> list[int] | None:
    """``count`` new primary keys of ``model`` taken from its sequence before any row is written (PostgreSQL,
    where foreign keys are checked at COMMIT: rows that refer to these may then be written before them), in
    increasing order; None where the database cannot give them ahead (SQLite: the INSERT chooses)."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or count < 1:
        return None
    meta = model._meta
    sql = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
    return sorted(pk for (pk,) in execute(sql, [meta.db_table, meta.pk.column, count], using=connection.alias))


@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    parts = sql.split("%s")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


def execute(sql: str, params: list, *, using: str = "default") -> list[tuple] | None:
    """Run one statement written with ``%s`` placeholders (and no other ``%``) and return its rows, if it has
    any. On PostgreSQL the placeholders become ``$n`` and the values travel bound, as in ``insert_rows``: for
    statements whose text changes with the number of rows, which psycopg's client-side binding would parse
    and quote anew each time."""
    if "%" in sql.replace("%s", ""):
        raise ValueError("execute() takes %s placeholders only")
    connection = connections[using]
    if connection.vendor == "postgresql":
        from psycopg import RawCursor

        cursor, sql = raw_cursor(connection, RawCursor), _numbered(sql)
    else:
        cursor = connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _django_insert(objs: list[models.Model], connection) -> None:
    """``bulk_create`` where the database returns ids from it (PostgreSQL; SQLite 3.35+), else one by one."""
    if len(objs) > 1 and connection.features.can_return_rows_from_bulk_insert:
        type(objs[0])._default_manager.using(connection.alias).bulk_create(objs)
    else:
        for obj in objs:
            obj.save(force_insert=True, using=connection.alias)


def update_column(
    model: type[models.Model], name: str, pairs: list[tuple[int, object]], *, was: dict | None = None
) -> int:
    """Set one column of many rows, each to its own value (``pairs``: (primary key, value)); returns the rows
    written. On PostgreSQL one ``UPDATE … FROM (VALUES …)`` per ``MAX_ROWS`` rows, bound as ``execute`` binds;
    elsewhere ``bulk_update``, whose ``CASE`` of a branch per row PostgreSQL tries branch after branch for each row
    (18,493 deadlines moved in 11 s of a 21 s holiday save at a million reports).

    ``was`` ({primary key: the value read}): a row whose value is no longer the one read is left as it is, the
    change computed from a value another transaction has replaced meanwhile (on PostgreSQL; SQLite has one writer
    at a time, and the caller's transaction holds it from its first write)."""
    if not pairs:
        return 0
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        objs = [model(pk=pk, **{name: value}) for pk, value in pairs]
        return model._default_manager.using(alias).bulk_update(objs, [name], batch_size=500)
    field = model._meta.get_field(name)
    table, column, key = model._meta.db_table, field.column, model._meta.pk.column
    cast = field.db_type(connection)

    def row(pk, value) -> tuple:
        values = (value,) if was is None else (value, was[pk])
        return (pk, *(field.get_db_prep_save(v, connection) for v in values))

    columns = "v(id, value)" if was is None else "v(id, value, was)"
    unchanged = "" if was is None else f' AND "{table}"."{column}" = v.was::{cast}'
    written = 0
    for start in range(0, len(pairs), MAX_ROWS):
        chunk = [row(pk, value) for pk, value in pairs[start : start + MAX_ROWS]]
        marks = "(" + ", ".join(["%s"] * len(chunk[0])) + ")"
        sql = (
            f'UPDATE "{table}" SET "{column}" = v.value::{cast} FROM (VALUES {", ".join([marks] * len(chunk))}) '
            f'AS {columns} WHERE "{table}"."{key}" = v.id{unchanged} RETURNING "{table}"."{key}"'
        )
        written += len(execute(sql, [x for r in chunk for x in r], using=alias) or ())
    return written
