"""An index on a table written by every request is built without holding those writes (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from sigap.core.online_index import AddIndexOnline

pytestmark = pytest.mark.django_db(transaction=True)
NAME = "test_online_actor_idx"


def _states():
    state = MigrationLoader(connection).project_state()
    op = AddIndexOnline(model_name="accessevent", index=models.Index(fields=["actor_username", "-seq"], name=NAME))
    after = state.clone()
    op.state_forwards("privacy", after)
    return op, state, after


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "privacy_accessevent"))


def test_the_index_is_built_and_dropped_without_holding_writes_where_the_database_can():
    op, before, after = _states()
    with CaptureQueriesContext(connection) as built, connection.schema_editor(atomic=False) as editor:
        op.database_forwards("privacy", editor, before, after)
    assert NAME in _indexes()
    created = [q["sql"] for q in built.captured_queries if "CREATE INDEX" in q["sql"]]
    assert len(created) == 1
    assert ("CONCURRENTLY" in created[0]) is (connection.vendor == "postgresql")

    with CaptureQueriesContext(connection) as dropped, connection.schema_editor(atomic=False) as editor:
        op.database_backwards("privacy", editor, after, before)
    assert NAME not in _indexes()
    removed = [q["sql"] for q in dropped.captured_queries if "DROP INDEX" in q["sql"]]
    assert len(removed) == 1 and ("CONCURRENTLY" in removed[0]) is (connection.vendor == "postgresql")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent builds are PostgreSQL's")
def test_an_online_build_refuses_a_transaction_and_replaces_what_a_cut_build_left():
    op, before, after = _states()
    with (
        pytest.raises(RuntimeError, match="atomic = False"),
        transaction.atomic(),
        connection.schema_editor(atomic=False) as editor,
    ):
        op.database_forwards("privacy", editor, before, after)
    assert NAME not in _indexes()
    # what an interrupted CREATE INDEX CONCURRENTLY leaves: the index, marked invalid
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX {NAME} ON privacy_accessevent (actor_username, seq DESC)")
        cursor.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass", [NAME])
    with connection.schema_editor(atomic=False) as editor:
        op.database_forwards("privacy", editor, before, after)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass", [NAME])
        assert cursor.fetchone() == (True,)
    # a build that finished before the migration was recorded (the process killed then): nothing to build again
    with CaptureQueriesContext(connection) as again, connection.schema_editor(atomic=False) as editor:
        op.database_forwards("privacy", editor, before, after)
    assert not [q for q in again.captured_queries if "CREATE INDEX" in q["sql"]] and NAME in _indexes()
    with connection.schema_editor(atomic=False) as editor:
        op.database_backwards("privacy", editor, after, before)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent builds are PostgreSQL's")
def test_what_is_left_behind_is_looked_for_on_the_table_itself_not_by_name_in_another_schema():
    """An invalid index of the same name on another schema's table, first on the search_path, is not dropped."""
    op, before, after = _states()
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        (search_path,) = cursor.fetchone()
        cursor.execute("CREATE SCHEMA review_other")
        cursor.execute("CREATE TABLE review_other.t (x int)")
        cursor.execute(f"CREATE INDEX {NAME} ON review_other.t (x)")
        cursor.execute(f"UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'review_other.{NAME}'::regclass")
        cursor.execute(f"SET search_path = review_other, {search_path}")
    try:
        with connection.schema_editor(atomic=False) as editor:
            op.database_forwards("privacy", editor, before, after)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = %s",
                [NAME],
            )
            assert sorted(r[0] for r in cursor.fetchall()) == ["public", "review_other"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET search_path = {search_path}")
            cursor.execute("DROP SCHEMA review_other CASCADE")
            cursor.execute(f"DROP INDEX IF EXISTS {NAME}")
