"""Helpers for the privacy tests."""

from __future__ import annotations

from django.db import connection


def as_database_owner(sql: str, params=()) -> None:
    """Run SQL as a database owner would: straight to the tables, past the PostgreSQL append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


# A legal basis the reveal flow accepts (long enough, names the request and the law).
BASIS = "Permintaan penyidik Polda Metro Jaya No. B/123/XI/2026 berdasarkan KUHAP pasal 7"
