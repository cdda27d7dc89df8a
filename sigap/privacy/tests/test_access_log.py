"""The access log: every look is recorded, the chain detects an edited, inserted or deleted row. The auditors' API
over it is tested in sigap/officers/tests/test_audit_api.py."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sigap.organization.models import StaffRole
from sigap.privacy.access_log import access_verify
from sigap.privacy.models import AccessEvent
from sigap.reports.tests.factories import submit

from .helpers import as_database_owner as _raw

pytestmark = pytest.mark.django_db


def test_officer_views_are_recorded(client, staff):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    report = submit().report
    client.force_login(officer)
    client.get("/api/v1/officer/reports")
    detail = client.get(f"/api/v1/officer/reports/{report.number}").json()
    assert detail["id"] == report.number
    actions = list(AccessEvent.objects.values_list("action", "actor_username", "report_number"))
    assert ("list_reports", "petugas.pb", "") in actions
    assert ("view_report", "petugas.pb", report.number) in actions
    listing = AccessEvent.objects.get(action="list_reports")
    assert listing.detail["reports"] == [report.number]
    assert access_verify().ok


def test_editing_a_row_is_detected(chain):
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-EDITED' WHERE seq = 3")
    result = access_verify()
    assert not result.ok and result.seq == 3 and "edited" in result.problem


def test_deleting_a_row_is_detected(chain):
    _raw("DELETE FROM privacy_accessevent WHERE seq = 2")
    result = access_verify()
    assert not result.ok and result.seq == 2 and "deleted" in result.problem


def test_deleting_the_last_rows_is_detected(chain):
    _raw("DELETE FROM privacy_accessevent WHERE seq >= 4")
    result = access_verify()
    assert not result.ok and "deleted" in result.problem


def test_inserting_a_forged_row_is_detected(chain):
    last = AccessEvent.objects.order_by("-seq").first()
    # renumber the tail to make room, as a forger must, then insert a row with a made-up hash
    _raw("UPDATE privacy_accessevent SET seq = seq + 100 WHERE seq >= 3")
    _raw(
        "INSERT INTO privacy_accessevent (seq, created_at, actor_id, actor_username, action, report_number, detail,"
        " prev_hash, hash) VALUES (%s, %s, NULL, 'ghost', 'view_report', 'JK-FORGED', %s, %s, %s)",
        (3, last.created_at, json.dumps({}), "f" * 64, "e" * 64),
    )
    result = access_verify()
    assert not result.ok and result.seq == 3


def test_audit_verify_command_names_the_first_bad_row(chain):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "5 rows verified" in out.getvalue()
    _raw("UPDATE privacy_accessevent SET action = 'export' WHERE seq = 4")
    with pytest.raises(CommandError) as err:
        call_command("audit", "verify")
    assert "row 4" in str(err.value)


def test_a_checkpoint_given_again_is_counted_once(chain, settings, tmp_path):
    """Found by a review: ``audit verify --checkpoint DIR`` with the configured checkpoint directory itself counted
    each of its checkpoints twice ("4 checkpoints matched" for 2 files)."""
    settings.SIGAP_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    call_command("audit", "checkpoint", "--out-dir", str(tmp_path), stdout=io.StringIO())
    copy = tmp_path / "elsewhere"
    copy.mkdir()
    (copy / "same.json").write_text(next(tmp_path.glob("*.json")).read_text())
    out = io.StringIO()
    call_command("audit", "verify", "--checkpoint", str(tmp_path), "--checkpoint", str(copy), stdout=out)
    assert "1 checkpoint matched" in out.getvalue(), out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL")
def test_postgresql_refuses_updates_and_deletes(chain):
    from django.db import DatabaseError, transaction

    for sql in ("UPDATE privacy_accessevent SET action = 'x'", "DELETE FROM privacy_accessevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_suggestions_duplicates_and_the_reveal_list_are_recorded(client, staff):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    drain = "Got mampet penuh sampah plastik di depan gang Mawar, air meluap ke jalan kalau hujan."
    first = submit(description=drain).report
    second = submit(description="got mampet gang mawar sampah plastik air meluap").report
    client.force_login(officer)
    assert client.get(f"/api/v1/officer/reports/{second.number}/suggestions").status_code == 200
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_username, event.report_number) == ("view_report", "petugas.pb", second.number)
    assert event.detail["view"] == "suggestions"
    candidates = client.get(f"/api/v1/officer/desk/duplicates/{second.number}").json()
    assert [c["original"] for c in candidates] == [first.number]
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_username) == ("list_reports", "petugas.pb")
    assert event.detail["reports"] == [first.number] and event.detail["filters"] == {"duplicates_of": second.number}

    ppid = staff("ppid.satu", "biro-pemerintahan", StaffRole.Role.PRIVACY_OFFICER)
    from sigap.privacy import reveal

    req = reveal.reveal_request(
        actor=ppid,
        report_number=first.number,
        legal_basis="Permintaan penyidik No. B/123/XI/2026 berdasarkan KUHAP pasal 7",
    )
    client.force_login(ppid)
    assert client.get("/api/v1/privacy/reveal").status_code == 200
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_username) == ("reveal_list", "ppid.satu")
    assert event.detail["reports"] == [first.number] and event.detail["requests"] == [req.pk]
    assert access_verify().ok
