"""Verifying the access log at a cost that follows the rows appended, not the log's age.

The nightly job, the hourly checkpoint and the auditors' API read the rows appended since the last
verification's mark (a ``chain_verified`` row, keyed like every row) and the nightly job a slice of older rows in
turn; ``sigap audit verify`` by hand reads them all. Nothing is skipped on the word of a mark the current audit
key did not write, and an edit of an older row is found when the slice reaches it.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sigap.config import periodic
from sigap.core.errors import DomainError
from sigap.organization.models import StaffRole
from sigap.privacy import access_log
from sigap.privacy.access_log import (
    ALG,
    Action,
    access_checkpoint,
    access_verify,
    access_verify_and_mark,
)
from sigap.privacy.models import AccessEvent, ChainHead

from .helpers import as_database_owner as _raw
from .helpers import chain_forge, chain_look, chain_move_head, new_audit_key, use_audit_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(staff):
    return staff("petugas.pb", "kel:31.75.07.1002")


def _marks() -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(action=Action.CHAIN_VERIFIED).order_by("seq"))


def _last() -> int:
    return AccessEvent.objects.order_by("-seq").values_list("seq", flat=True).first()


def _rewrite_from_row_2_with_a_mark(key: access_log.AuditKey) -> AccessEvent:
    """What someone holding ``key`` and database write can do: edit row 2, recompute every hash after it, move
    the head and append a mark of their own naming the last row as verified (returned)."""
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 2")
    prev = AccessEvent.objects.get(seq=1).hash
    for event in AccessEvent.objects.filter(seq__gte=2).order_by("seq"):
        new = access_log.keyed_digest(key, prev, access_log._event_body(event))
        _raw("UPDATE privacy_accessevent SET prev_hash = %s, hash = %s WHERE seq = %s", (prev, new, event.seq))
        prev = new
    last = AccessEvent.objects.order_by("-seq").first()
    forged = chain_forge(
        key,
        last.seq + 1,
        Action.CHAIN_VERIFIED,
        {"through": last.seq, "hash": last.hash, "mode": key.key_id, "retired": {}, "sweep_next": 1},
    )
    _raw("UPDATE privacy_chainhead SET seq = %s, hash = %s WHERE id = 1", (forged.seq, forged.hash))
    return forged


def test_a_run_since_the_mark_reads_the_rows_appended_since_then(officer):
    chain_look(officer, 20)
    first = access_verify_and_mark()
    assert first.ok and first.rows == 20 and first.since == 1 and first.mark_at is None  # no mark yet: all
    (mark,) = _marks()
    assert mark.seq == 21 and mark.detail["through"] == 20
    assert mark.detail["hash"] == AccessEvent.objects.get(seq=20).hash

    chain_look(officer, 3)
    second = access_verify_and_mark()
    # the first run's mark and the three looks after it; nothing before the mark is read again
    assert second.ok and second.rows == 4 and (second.since, second.last) == (21, 24)
    assert second.mark_at == mark.created_at
    assert _marks()[-1].detail["through"] == 24
    # a plain verification still reads every row, the marks included
    assert access_verify().rows == _last()


def test_an_edit_before_the_mark_is_found_when_the_slice_of_older_rows_reaches_it(officer):
    chain_look(officer, 10)
    access_verify_and_mark(sweep_rows=4)  # the whole log (no mark yet); the next slice starts at row 1
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 7")

    assert access_verify(since_mark=True).ok  # the rows since the mark are intact: that run does not see row 7
    assert not access_verify().ok  # a full verification does

    found = []
    for _night in range(4):
        result = access_verify_and_mark(sweep_rows=4)
        found.append(result.ok)
        if not result.ok:
            assert result.seq == 7 and "edited" in result.problem and result.swept is None
            break
        assert result.swept is not None
    # rows 1..4 the first night, 5..8 the second: row 7 within the rows / slice nights
    assert found == [True, False]


def test_the_slice_walks_the_whole_log_in_turn_and_starts_again(officer):
    chain_look(officer, 6)
    access_verify_and_mark(sweep_rows=4)  # rows 1..6, mark at 7
    slices = []
    for _night in range(4):
        chain_look(officer, 1)
        result = access_verify_and_mark(sweep_rows=4)
        assert result.ok, result
        slices.append(result.swept)
    # the second slice reaches the row the previous run verified to (8), so the third starts again at row 1
    assert slices == [(1, 4), (5, 8), (1, 4), (5, 8)]


def test_a_mark_written_without_the_audit_key_is_not_trusted(officer):
    """The database owner appends a mark naming the last row as verified, to hide an edit before it."""
    chain_look(officer, 8)
    access_verify_and_mark()
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 9")  # the mark row itself
    assert not access_verify().ok
    # the edited mark is not trusted: the run reads the log from the first row and names the edit
    result = access_verify(since_mark=True)
    assert not result.ok and result.seq == 9 and result.since == 1

    # a mark forged with a key this instance never held, appended as the newest row
    _raw("UPDATE privacy_accessevent SET report_number = '' WHERE seq = 9")
    assert access_verify().ok
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 3")
    stranger = new_audit_key()
    forged = chain_forge(
        stranger,
        10,
        Action.CHAIN_VERIFIED,
        {
            "through": 9,
            "hash": AccessEvent.objects.get(seq=9).hash,
            "mode": access_log.audit_key().key_id,
            "retired": {},
            "sweep_next": 1,
        },
    )
    _raw("UPDATE privacy_chainhead SET seq = %s, hash = %s WHERE id = 1", (forged.seq, forged.hash))
    result = access_verify(since_mark=True)
    assert not result.ok and result.seq == 3 and result.since == 1


def test_a_mark_from_before_a_rotation_is_trusted_through_the_switch_but_not_one_written_after_it(officer, settings):
    k1, k2 = new_audit_key(), new_audit_key()
    use_audit_keys(settings, k1)
    chain_look(officer, 4)
    access_verify_and_mark()  # mark at row 5, under K1
    use_audit_keys(settings, k2, k1)  # K1 leaked; the log switches to K2
    chain_look(officer, 2)  # the key change (row 6), then rows 7..8
    result = access_verify_and_mark()
    # the K1 mark holds up to the switch that left K1, which the run reads (signed by K1 and K2 together)
    assert result.ok and result.since == 5 and result.rows == 4
    mark = _marks()[-1]
    assert mark.seq == 9 and mark.detail["mode"] == k2.key_id and mark.detail["retired"] == {k1.key_id: 6}
    assert access_verify(since_mark=True).since == 9

    # whoever holds K1 alone appends a mark of their own after the switch, naming the last row as verified
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 7")
    forged = chain_forge(
        k1,
        10,
        Action.CHAIN_VERIFIED,
        {"through": 9, "hash": mark.hash, "mode": k2.key_id, "retired": {k1.key_id: 6}, "sweep_next": 1},
    )
    chain_move_head(forged, k2)
    result = access_verify(since_mark=True)
    assert not result.ok and result.since == 1 and result.seq == 7  # not trusted: read from the first row


def test_a_slice_after_a_key_change_reads_its_rows_with_the_keys_of_their_time(officer, settings):
    k1, k2 = new_audit_key(), new_audit_key()
    use_audit_keys(settings, k1)
    chain_look(officer, 3)
    use_audit_keys(settings, k2, k1)
    chain_look(officer, 3)  # row 4 is the key change, rows 5..6 written with K2
    assert AccessEvent.objects.get(seq=4).action == Action.CHAIN_REKEYED
    access_verify_and_mark(sweep_rows=2)
    slices = [access_verify_and_mark(sweep_rows=2) for _night in range(3)]
    assert all(r.ok for r in slices), slices
    assert [r.swept for r in slices] == [(1, 2), (3, 4), (5, 6)]  # the third slice starts at the key change

    # a forged switch back to K1 among the older rows is refused when its slice reads it
    _raw("DELETE FROM privacy_accessevent WHERE seq >= 5")
    forged = chain_forge(k1, 5, Action.CHAIN_REKEYED, {"alg": ALG, "key_id": k1.key_id, "old_key_id": k2.key_id})
    chain_move_head(forged, k1)
    assert not access_verify().ok


def test_deleting_the_newest_mark_makes_the_run_read_more_and_see_the_gap(officer):
    chain_look(officer, 5)
    access_verify_and_mark()  # row 6
    chain_look(officer, 2)
    access_verify_and_mark()  # row 9
    chain_look(officer, 1)  # row 10
    _raw("DELETE FROM privacy_accessevent WHERE seq = 9")
    result = access_verify(since_mark=True)
    assert not result.ok and "deleted" in result.problem and result.seq == 9


def test_a_key_holders_rewrite_with_a_fresh_mark_is_caught_by_the_checkpoints(officer, tmp_path):
    """Someone holding the audit key rewrites an old row, recomputes every hash after it and appends a mark of
    their own: the runs since the mark see nothing, the checkpoints kept outside the database do."""
    chain_look(officer, 6)
    checkpoint = access_checkpoint()  # row 6, and a mark at row 7
    chain_look(officer, 2)
    access_verify_and_mark()
    key = access_log.audit_key()

    forged = _rewrite_from_row_2_with_a_mark(key)

    assert access_verify(since_mark=True).ok  # a consistent chain after a trusted mark
    result = access_verify([checkpoint], since_mark=True)
    assert not result.ok and result.seq == 6 and "rewritten" in result.problem
    assert ChainHead.objects.get(pk=1).seq == forged.seq


def test_the_nightly_job_reads_since_its_mark_and_says_which_rows(officer, settings):
    chain_look(officer, 5)
    settings.SIGAP_AUDIT_VERIFY_SWEEP_ROWS = 2
    assert "5 rows verified" in periodic.run_job("audit-verify")
    chain_look(officer, 1)
    text = periodic.run_job("audit-verify")
    assert "2 rows verified" not in text  # the mark and the look, plus the slice of older rows 1..2
    assert "4 rows verified (rows 6..7 since the verification of" in text
    assert "older rows 1..2 read again" in text
    # by hand: every row, unless asked otherwise (and its mark, which the next night starts from)
    out = io.StringIO()
    rows = _last()
    call_command("audit", "verify", stdout=out)
    assert f"{rows} rows verified, 0 checkpoints" in out.getvalue()
    assert _marks()[-1].detail["through"] == rows and _marks()[-1].detail["sweep_next"] == 1


def test_the_command_refuses_a_slice_without_a_mark_or_below_zero():
    with pytest.raises(CommandError, match="--since-mark"):
        call_command("audit", "verify", "--sweep-rows", "10", stdout=io.StringIO())
    with pytest.raises(CommandError, match="0 or more"):
        call_command("audit", "verify", "--since-mark", "--sweep-rows", "-1", stdout=io.StringIO())


def test_a_tampered_tail_is_named_by_the_run_since_the_mark(officer):
    chain_look(officer, 4)
    access_verify_and_mark()
    chain_look(officer, 2)
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 7")
    with pytest.raises(CommandError, match="TAMPERED at row 7"):
        call_command("audit", "verify", "--since-mark", stdout=io.StringIO())
    assert len(_marks()) == 1  # a failed run writes no mark


def test_the_checkpoint_and_the_auditors_verification_read_since_the_mark(officer, client, staff):
    chain_look(officer, 30)
    auditor = staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)
    client.force_login(auditor)
    first = client.get("/api/v1/audit/verify").json()
    assert first["ok"] and first["rows"] == 30 and first["since"] == 1 and first["mark_at"] is None
    checkpoint = client.get("/api/v1/audit/checkpoint").json()
    assert checkpoint["seq"] > 30
    body = {"checkpoints": [checkpoint], "public_key": access_log.public_key_text()}
    again = client.post("/api/v1/audit/verify", body, content_type="application/json").json()
    assert again["ok"] and again["checkpoints"] == 1 and again["rows"] < 5 and again["since"] > 30
    assert again["mark_at"] is not None and again["last"] >= checkpoint["seq"]
    # what each look read is recorded with it
    event = AccessEvent.objects.filter(action=Action.AUDIT_QUERY).order_by("-seq").first()
    assert event.detail["verify"] == {"ok": True, "rows": again["rows"], "checkpoints": 1}
    assert json.dumps(event.detail).count("JK") == 0


def test_a_run_since_the_mark_checks_the_newest_checkpoint_which_any_rewrite_before_an_older_one_changes(
    officer, settings, tmp_path
):
    directory = tmp_path / "checkpoints"
    settings.SIGAP_AUDIT_CHECKPOINT_DIR = str(directory)
    for _hour in range(3):
        chain_look(officer, 4)
        access_log.write_checkpoint(access_checkpoint(), directory)
    files = sorted(directory.glob("*.json"))
    oldest = json.loads(files[0].read_text())
    # an old file of the archive edited: a full run says so; a run since the mark reads the newest file only
    files[0].write_text(json.dumps({**oldest, "hash": "f" * 64}))
    newest = access_log.configured_checkpoints(newest=True)
    assert [cp["seq"] for cp in newest] == [max(json.loads(f.read_text())["seq"] for f in files)]
    assert len(access_log.configured_checkpoints()) == 3
    with pytest.raises(CommandError, match="signature invalid"):
        call_command("audit", "verify", stdout=io.StringIO())
    out = io.StringIO()
    call_command("audit", "verify", "--since-mark", stdout=out)
    assert "1 checkpoint matched" in out.getvalue()
    files[0].write_text(json.dumps(oldest))

    # someone holding the key rewrites a row before the OLDEST checkpoint and every hash after it
    key = access_log.audit_key()
    _rewrite_from_row_2_with_a_mark(key)
    assert access_verify(since_mark=True).ok
    result = access_verify(access_log.configured_checkpoints(newest=True), since_mark=True)
    assert not result.ok and result.seq == newest[0]["seq"] and "rewritten" in result.problem
    with pytest.raises(CommandError, match=f"TAMPERED at row {newest[0]['seq']}"):
        call_command("audit", "verify", "--since-mark", stdout=io.StringIO())


# --- an attacker's read: rows below 1, a retired key's mark, a found tampering that must stand, a rewrite stopping
# short of a checkpoint's row ------------------------------------------------------------------------------


@pytest.fixture
def auditor(staff):
    return staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)


def _insert_row(seq: int, username: str, action: str, report: str) -> None:
    """The database owner (no audit key) INSERTs a row; the append-only triggers refuse only UPDATE/DELETE."""
    _raw(
        "INSERT INTO privacy_accessevent (seq, created_at, actor_id, actor_username, action, report_number, "
        "detail, prev_hash, hash) VALUES (%s, %s, NULL, %s, %s, %s, %s, %s, %s)",
        (seq, timezone.now(), username, action, report, '{"request": 1}', "0" * 64, "f" * 64),
    )


# --- 1. a row inserted below row 1 is read by no verification at all ------------------------------------------


def _forge_rows_below_row_1(officer) -> None:
    chain_look(officer, 6)
    access_verify_and_mark(sweep_rows=100)
    chain_look(officer, 2)
    _insert_row(0, "ppid.satu", Action.REVEAL_SHOW, "JK202611280003")
    _insert_row(-1, "ppid.satu", Action.REVEAL_SHOW, "JK202611280004")


def test_a_row_inserted_with_seq_zero_or_below_is_not_found_by_the_full_verification(officer, client, auditor):
    """A row the database owner INSERTs with seq 0 (or -1), e.g. a forged reveal_show framing a privacy officer,
    is listed to auditors: every verification reports it, though no walk starts before row 1."""
    _forge_rows_below_row_1(officer)
    client.force_login(auditor)
    listed = client.get("/api/v1/audit/access?action=reveal_show").json()
    assert {r["seq"] for r in listed["results"]} == {0, -1}  # the auditors see the forged rows

    full = access_verify()
    assert not full.ok and full.seq == -1 and "inserted" in full.problem


def test_a_row_inserted_with_seq_zero_or_below_is_never_reached_by_the_nightly_slice_or_the_api(
    officer, client, auditor
):
    _forge_rows_below_row_1(officer)
    results = [access_verify_and_mark(sweep_rows=10**6).ok for _night in range(3)]  # slices cover 1..through
    client.force_login(auditor)
    results.append(client.get("/api/v1/audit/verify").json()["ok"])
    out = io.StringIO()
    try:
        call_command("audit", "verify", "--since-mark", "--sweep-rows", "1000000", stdout=out)
        results.append(True)
    except CommandError:
        results.append(False)
    assert results == [False] * 5


# --- 2. a retired key's holder crashes every run since the mark -------------------------------------------


def test_a_mark_forged_with_a_retired_key_and_an_unhashable_mode_crashes_instead_of_being_reported(
    officer, settings, client, auditor
):
    """K1 leaked and was retired. Its holder appends a K1-keyed chain_verified row whose ``mode`` is a list, then a
    row calling itself chain_rekeyed leaving K1 (so that the K1 mark looks like one from before the switch). The
    mark is not used, and the run reports the forged rows instead of failing with a traceback."""
    k1, k2 = new_audit_key(), new_audit_key()
    use_audit_keys(settings, k1)
    chain_look(officer, 3)
    use_audit_keys(settings, k2, k1)
    chain_look(officer, 3)  # row 4 leaves K1, rows 5..7 under K2
    access_verify_and_mark()  # row 8: a K2 mark
    n = AccessEvent.objects.order_by("-seq").first().seq
    assert n == 8

    forged = chain_forge(
        k1,
        n + 1,
        Action.CHAIN_VERIFIED,
        {
            "through": n,
            "hash": AccessEvent.objects.get(seq=n).hash,
            "mode": [k1.key_id],
            "retired": {},
            "sweep_next": 1,
        },
    )
    switch = chain_forge(k1, n + 2, Action.CHAIN_REKEYED, {"alg": ALG, "key_id": k2.key_id, "old_key_id": k1.key_id})
    chain_move_head(switch, k2)
    assert not access_verify().ok  # the full walk reports the forged row n + 1

    result = access_verify(since_mark=True)
    assert not result.ok and result.seq == forged.seq


def test_the_forged_retired_key_mark_is_a_500_from_the_auditors_api(officer, settings, client, auditor):
    k1, k2 = new_audit_key(), new_audit_key()
    use_audit_keys(settings, k1)
    chain_look(officer, 3)
    use_audit_keys(settings, k2, k1)
    chain_look(officer, 3)
    access_verify_and_mark()
    n = AccessEvent.objects.order_by("-seq").first().seq
    chain_forge(
        k1,
        n + 1,
        Action.CHAIN_VERIFIED,
        {"through": n, "hash": AccessEvent.objects.get(seq=n).hash, "mode": {"x": 1}, "retired": {}, "sweep_next": 1},
    )
    switch = chain_forge(k1, n + 2, Action.CHAIN_REKEYED, {"alg": ALG, "key_id": k2.key_id, "old_key_id": k1.key_id})
    chain_move_head(switch, k2)
    client.raise_request_exception = False
    client.force_login(auditor)
    response = client.get("/api/v1/audit/verify")
    assert response.status_code == 200, response.status_code
    assert response.json()["ok"] is False


# --- 3. what the nightly run found, the API and the hourly checkpoint keep calling intact -------------------


def test_after_the_nightly_slice_finds_an_edit_the_api_still_says_intact_and_checkpoints_are_signed(
    officer, client, auditor
):
    """Once the nightly slice found an edit, the API and the hourly checkpoint, which read only the rows since the
    last mark, go on reporting it (and refuse to sign a checkpoint) rather than calling the log intact."""
    chain_look(officer, 10)
    access_verify_and_mark(sweep_rows=100)  # mark at row 11
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 3")
    with pytest.raises(CommandError, match="TAMPERED at row 3"):
        call_command("audit", "verify", "--since-mark", "--sweep-rows", "100", stdout=io.StringIO())

    client.force_login(auditor)
    body = client.get("/api/v1/audit/verify").json()
    assert not body["ok"] and body["seq"] == 3 and "found by the verification of" in body["problem"], body
    with pytest.raises(DomainError):
        access_checkpoint()
    broken = AccessEvent.objects.filter(action=Action.CHAIN_BROKEN)
    assert broken.count() == 1 and broken.get().detail["seq"] == 3  # written once, by the run that found it

    # the edit undone (or a false alarm mended): a full verification that passes clears it
    _raw("UPDATE privacy_accessevent SET report_number = 'JK202611280002' WHERE seq = 3")
    assert not access_verify_and_mark().ok
    call_command("audit", "verify", stdout=io.StringIO())
    assert client.get("/api/v1/audit/verify").json()["ok"] is True
    assert access_checkpoint()["seq"] > 11


# --- 4. "a rewrite of any row before a checkpoint changes that hash" ----------------------------------------


def test_a_key_holders_rewrite_that_stops_before_the_checkpoint_row_is_found_by_the_slice_and_a_full_run(officer):
    """Someone holding the current key rewrites rows 2..5 and re-hashes them, leaving row 6 (a checkpoint's row)
    and everything after it as they are. Row 6 keeps its hash, so a run since the mark, which compares the
    checkpoint with that hash, does not see it; the broken link 5 -> 6 is found by a full run at once and by the
    nightly slice when it reaches it (docs/privacy.md, *Which rows a verification reads*)."""
    chain_look(officer, 6)
    checkpoint = access_checkpoint()  # row 6, mark at row 7
    assert checkpoint["seq"] == 6
    chain_look(officer, 2)
    access_verify_and_mark()
    key = access_log.audit_key()

    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 2")
    prev = AccessEvent.objects.get(seq=1).hash
    for event in AccessEvent.objects.filter(seq__gte=2, seq__lte=5).order_by("seq"):
        new = access_log.keyed_digest(key, prev, access_log._event_body(event))
        _raw("UPDATE privacy_accessevent SET prev_hash = %s, hash = %s WHERE seq = %s", (prev, new, event.seq))
        prev = new

    assert access_verify([checkpoint], since_mark=True).ok  # the limit a run since the mark has
    full = access_verify([checkpoint])
    assert not full.ok and full.seq == 6 and "link" in full.problem
    nights = [access_verify_and_mark([checkpoint], sweep_rows=4) for _night in range(2)]
    assert nights[0].ok and nights[0].swept == (1, 4)
    assert not nights[1].ok and nights[1].seq == 6


# --- runs at the same time; checkpoints handed in -------------------------------------------------------------


def test_a_run_begun_before_the_nightly_found_an_edit_does_not_clear_the_finding(officer, monkeypatch):
    """Two runs at once: an auditor's GET /verify (or the hourly checkpoint) reads the rows since the mark while
    the nightly run's slice finds an edited older row and appends ``chain_broken``. The first run, ending after it,
    appends no mark (which would have cleared the finding) and answers with the finding."""
    chain_look(officer, 10)
    assert access_verify_and_mark(sweep_rows=100).ok  # the mark
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 3")

    original = access_log._verify
    raced = []

    def racing(*args, **kwargs):
        result = original(*args, **kwargs)
        if not raced:  # between this run's walk and its mark: the nightly run finds the edit
            raced.append(True)
            nightly = access_verify_and_mark(sweep_rows=100)
            assert not nightly.ok and nightly.seq == 3
        return result

    monkeypatch.setattr(access_log, "_verify", racing)
    racing_run = access_verify_and_mark()  # it read only the rows since the mark, and found them intact
    monkeypatch.undo()
    assert not racing_run.ok and racing_run.seq == 3 and racing_run.found_at is not None

    assert AccessEvent.objects.filter(action=Action.CHAIN_BROKEN).count() == 1
    newest = AccessEvent.objects.filter(action__in=[Action.CHAIN_BROKEN, Action.CHAIN_VERIFIED]).order_by("-seq")
    assert newest.first().action == Action.CHAIN_BROKEN
    later = access_verify_and_mark()
    assert not later.ok and later.seq == 3


def test_a_run_since_the_mark_keeps_the_nightly_slices_progress(officer, monkeypatch):
    """The hourly checkpoint starts from the mark before the nightly run and ends after it: its mark carries the
    nightly run's next slice, not the older one (which would read the same slice again the next night)."""
    chain_look(officer, 12)
    assert access_verify_and_mark(sweep_rows=4).ok  # no mark before: every row
    original = access_log._verify
    raced = []

    def racing(*args, **kwargs):
        result = original(*args, **kwargs)
        if not raced:
            raced.append(True)
            nightly = access_verify_and_mark(sweep_rows=4)
            assert nightly.ok and nightly.swept == (1, 4)
        return result

    monkeypatch.setattr(access_log, "_verify", racing)
    assert access_verify_and_mark().ok
    monkeypatch.undo()
    marks = AccessEvent.objects.filter(action=Action.CHAIN_VERIFIED).order_by("-seq")
    assert marks[0].detail["sweep_next"] == 5 and marks[1].detail["sweep_next"] == 5


def test_a_checkpoint_of_another_log_handed_to_the_api_answers_for_that_call_only(officer, client, auditor):
    """POST /verify with a checkpoint that is not this log's (another instance's, or one signed with a key the
    caller brings along) answers ok: false, rightly; it does not record the log as tampered with, which would make
    every later run report it and the hourly job refuse checkpoints until a full verification."""
    chain_look(officer, 10)
    assert access_verify_and_mark().ok
    staging = new_audit_key()
    foreign = access_log._signed_checkpoint(5, "a" * 64, None, staging)
    client.force_login(auditor)
    body = {"checkpoints": [foreign], "public_key": access_log._b64(staging.public_key)}
    answer = client.post("/api/v1/audit/verify", body, content_type="application/json").json()
    assert answer["ok"] is False  # the checkpoint does not match: fine

    # the log itself was never touched
    assert access_log.access_verify().ok
    again = client.get("/api/v1/audit/verify").json()
    assert again["ok"] is True, again
    assert access_checkpoint()["seq"] > 10
