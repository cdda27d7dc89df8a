"""Derived data (``sigap.reports.derived``): every set-based rebuild is registered, runs in order, each in its own
transaction, and can be run alone. Each rebuild's own result is tested with its module (test_duplicates,
test_visibility, test_summaries, test_desk)."""

from __future__ import annotations

from importlib import import_module

import pytest

from sigap.reports import derived


def test_every_registered_rebuild_exists_and_the_names_are_unique():
    names = [name for name, _path in derived.REBUILDS]
    assert names == ["duplicate_features", "report_visibility", "report_visibility_copies", "summaries", "triage_hints"]
    for _name, path in derived.REBUILDS:
        module, _, attr = path.rpartition(".")
        assert callable(getattr(import_module(module), attr))


@pytest.mark.django_db
def test_rebuild_all_runs_each_in_order_and_only_the_ones_asked_for(monkeypatch):
    ran: list[str] = []
    for name, path in derived.REBUILDS:
        module, _, attr = path.rpartition(".")
        monkeypatch.setattr(import_module(module), attr, lambda name=name: ran.append(name))
    said: list[str] = []
    derived.rebuild_all(say=said.append)
    assert (
        ran
        == said
        == ["duplicate_features", "report_visibility", "report_visibility_copies", "summaries", "triage_hints"]
    )
    ran.clear()
    derived.rebuild_all(only={"summaries", "duplicate_features"})
    assert ran == ["duplicate_features", "summaries"]


@pytest.mark.django_db
def test_the_operators_command_lists_and_runs_the_rebuilds(monkeypatch):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("derived", "list", stdout=out)
    assert out.getvalue().split() == [name for name, _ in derived.REBUILDS]
    ran: list[str] = []
    for name, path in derived.REBUILDS:
        module, _, attr = path.rpartition(".")
        monkeypatch.setattr(import_module(module), attr, lambda name=name: ran.append(name))
    out = StringIO()
    call_command("derived", "rebuild", "--only", "triage_hints", "--only", "summaries", stdout=out)
    assert ran == ["summaries", "triage_hints"]
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == ["summaries", "triage_hints"]
    with pytest.raises(CommandError, match="unknown rebuild nope"):
        call_command("derived", "rebuild", "--only", "nope")
    assert ran == ["summaries", "triage_hints"]


def test_a_database_that_held_reports_before_the_derived_tables_is_upgraded_and_its_rows_rebuilt(tmp_path):
    """A database at reports 0008 that already holds a report: the data steps of 0009 and 0011 ran today's
    rebuilds, which name columns and tables later migrations add ('column "category_id" of relation
    "reports_reportunit" does not exist'), so it could not be upgraded. Now the migrations ask for the rebuilds and
    they run once every migration is applied; a partial ``migrate`` target runs none of today's code."""
    import os
    import sqlite3
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SIGAP_HOME")}
    env.update(SIGAP_HOME=str(tmp_path), DATABASE_URL="", DJANGO_SETTINGS_MODULE="sigap.config.settings")

    def migrate(*target: str) -> None:
        run = subprocess.run(
            [sys.executable, "-m", "sigap.cli", "migrate", *target, "--verbosity", "0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert run.returncode == 0, run.stderr[-3000:]

    migrate("reports", "0008")
    db = sqlite3.connect(tmp_path / "sigap.sqlite3")
    now, later, due = "2026-01-05 09:00:00", "2026-01-05 15:00:00", "2026-01-08 16:00:00"
    db.execute(
        "INSERT INTO organization_kategori (id, kode, grup, nama, name_en, penanggung_jawab, verifikasi_kelurahan,"
        " sensitif, sla_jam_koordinasi, sla_hari_selesai, contoh, aktif, updated_at, dup_radius_m, dup_window_days)"
        " VALUES (1, 'saluran-tersumbat', 'air', 'Saluran', 'Drain', 'kelurahan', 1, 0, 6, 3, '', 1, ?, 100, 14)",
        (now,),
    )
    db.execute(
        "INSERT INTO organization_unit (id, kode, nama, jenis, template, external, aktif, updated_at)"
        " VALUES (1, 'kel:x', 'Kelurahan X', 'kelurahan', '', 0, 1, ?)",
        (now,),
    )
    db.execute(
        "INSERT INTO reports_report (id, number, tracking_hash, description, lat, lon, address, locate_method, status,"
        " status_changed_at, resume_status, channel, privacy, reporter_ref, created_at, updated_at, hop_deadline,"
        " due_at, public_note, rating_comment, is_demo, kategori_id, unit_id, secret_hash, category_source,"
        " triage_reason) VALUES (1, 'JK202601050001', 'h1', 'Got mampet di depan gang.', -6.23, 106.9, '', 'point',"
        " 'waiting', ?, '', 'web', 'private', '', ?, ?, ?, ?, '', '', 0, 1, 1, '', 'reporter', '')",
        (now, now, now, later, due),
    )
    db.execute(
        "INSERT INTO reports_statuschange (old_status, new_status, actor_kind, public_note, internal_note, created_at,"
        " report_id, unit_id) VALUES ('', 'waiting', 'reporter', '', '', ?, 1, 1)",
        (now,),
    )
    db.commit()
    migrate()
    assert db.execute("SELECT COUNT(*) FROM reports_reportunit WHERE report_id = 1 AND holds").fetchone() == (1,)
    assert db.execute("SELECT dup_cell IS NOT NULL FROM reports_report WHERE id = 1").fetchone() == (1,)
    assert db.execute("SELECT SUM(received) FROM reports_unitday").fetchone() == (1,)
