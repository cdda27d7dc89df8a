"""Rotating the audit key, against someone who holds a retired key (rotation is usually done because a key
leaked) and can write to the database past the triggers.

A key change must be signed by the key in force before it, keys follow one fixed order (a key switched away
from is never accepted again), and a rotation is pinned by a checkpoint outside the database.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sigap.core.errors import DomainError
from sigap.organization.models import StaffRole
from sigap.privacy import access_log
from sigap.privacy.access_log import (
    ALG,
    Action,
    access_checkpoint,
    access_verify,
    configured_checkpoints,
)
from sigap.privacy.models import AccessEvent

from .helpers import as_database_owner as _raw
from .helpers import chain_cut_from as _cut_from
from .helpers import chain_forge as _forge
from .helpers import chain_look as _look
from .helpers import chain_move_head as _move_head
from .helpers import new_audit_key as _new_key
from .helpers import use_audit_keys as _use

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(staff):
    return staff("petugas.pb", "kel:31.75.07.1002")


@pytest.mark.parametrize("names_as_previous", ["the current key", "the retired key itself"])
def test_a_retired_key_cannot_switch_the_log_back_to_itself(officer, settings, names_as_previous):
    k1, k2 = _new_key(), _new_key()
    _use(settings, k1)
    _look(officer, 3)
    checkpoint = access_checkpoint()
    assert checkpoint["seq"] == 3
    assert AccessEvent.objects.get(seq=4).action == Action.CHAIN_VERIFIED  # the verification's mark
    _use(settings, k2, k1)  # rotation: K1 leaked, K2 is the new key
    _look(officer, 3)  # row 5 is the key change, rows 6..8 are written with K2
    assert AccessEvent.objects.get(seq=5).action == Action.CHAIN_REKEYED
    assert access_verify([checkpoint]).ok

    # whoever holds K1 alone: cut off everything after the checkpoint, switch back to K1 and write what they like
    _cut_from(4)
    previous = k2 if names_as_previous == "the current key" else k1
    _forge(k1, 4, Action.CHAIN_REKEYED, {"alg": ALG, "key_id": k1.key_id, "old_key_id": previous.key_id})
    forged = _forge(k1, 5, Action.VIEW_REPORT, {}, report="JK-FORGED")
    _move_head(forged, k1)

    result = access_verify([checkpoint])
    assert not result.ok and result.seq == 4, result
    # the next real row must not launder the forged switch (it is refused, or written after it: still detected)
    try:
        _look(officer, 1, "JK20261129")
    except DomainError:
        pass
    assert not access_verify([checkpoint]).ok


def test_a_key_change_must_be_signed_by_the_key_before_it(officer, settings):
    """Holding the current key alone is not enough to claim a switch from a retired key (nor the other way)."""
    k1, k2, k3 = _new_key(), _new_key(), _new_key()
    _use(settings, k2, k1)
    _look(officer, 2)  # the log starts with K2
    # a switch to K3 that only K3 signed
    marker = _forge(k3, 3, Action.CHAIN_REKEYED, {"alg": ALG, "key_id": k3.key_id, "old_key_id": k2.key_id})
    _move_head(marker, k3)
    _use(settings, k3, k1, k2)
    result = access_verify()
    assert not result.ok and result.seq == 3 and "previous" in result.problem


def test_a_rotation_takes_a_checkpoint_that_pins_the_switch(
    officer, settings, tmp_path, django_capture_on_commit_callbacks
):
    k1, k2 = _new_key(), _new_key()
    directory = tmp_path / "checkpoints"
    settings.SIGAP_AUDIT_CHECKPOINT_DIR = str(directory)
    _use(settings, k1)
    _look(officer, 3)
    _use(settings, k2, k1)
    with django_capture_on_commit_callbacks(execute=True):
        _look(officer, 1)  # the first row after the rotation: the key change (row 4), then the look (row 5)
    files = sorted(directory.glob("*.json"))
    assert len(files) == 1
    pinned = json.loads(files[0].read_text())
    assert pinned["seq"] == 4 and pinned["hash"] == AccessEvent.objects.get(seq=4).hash
    assert pinned["key_id"] == k2.key_id  # signed with the new key
    _look(officer, 2)
    assert access_verify(configured_checkpoints()).ok

    # whoever holds K1 alone: cut off the switch and everything after it, continue under K1 as if nothing rotated
    _cut_from(4)
    _forge(k1, 4, Action.VIEW_REPORT, {}, report="JK-FORGED")
    forged = _forge(k1, 5, Action.VIEW_REPORT, {}, report="JK-FORGED")
    _move_head(forged, k1)
    result = access_verify(configured_checkpoints())
    assert not result.ok and result.seq == 4 and "rewritten" in result.problem
    # the application then switches to K2 again, honestly: the rotation's checkpoint still tells
    with django_capture_on_commit_callbacks(execute=True):
        _look(officer, 1, "JK20261129")
    assert not access_verify(configured_checkpoints()).ok
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=io.StringIO())


def test_a_rotation_without_a_checkpoint_directory_writes_none(
    officer, settings, tmp_path, django_capture_on_commit_callbacks
):
    k1, k2 = _new_key(), _new_key()
    settings.SIGAP_AUDIT_CHECKPOINT_DIR = ""
    _use(settings, k1)
    _look(officer, 2)
    _use(settings, k2, k1)
    with django_capture_on_commit_callbacks(execute=True):
        _look(officer, 1)
    assert access_verify().ok and AccessEvent.objects.get(seq=3).action == Action.CHAIN_REKEYED


def test_a_process_still_running_with_the_retired_key_does_not_switch_the_log_back(officer, settings):
    k1, k2 = _new_key(), _new_key()
    _use(settings, k1)
    _look(officer, 2)
    _use(settings, k2, k1)
    _look(officer, 1)  # rows 3 (key change) and 4
    # a worker not yet restarted: it only knows K1
    _use(settings, k1)
    with pytest.raises(DomainError) as err:
        _look(officer, 1)
    assert err.value.code == "audit_key_retired"
    # a configuration rolled back to K1, with K2 among the old keys: K1 was retired, it is not used again
    _use(settings, k1, k2)
    with pytest.raises(DomainError):
        _look(officer, 1)
    assert AccessEvent.objects.count() == 4
    _use(settings, k2, k1)
    assert access_verify().ok and access_verify().rows == 4


def test_a_command_refused_by_a_retired_key_says_why_without_a_traceback(officer, settings, capsys):
    """Found by a review: ``sigap otp reseal`` under a configuration rolled back to a retired audit key ended in a
    29-line traceback; the refusal is the operator's to act on, so it is printed as such, with a failing exit."""
    from sigap import cli

    k1, k2 = _new_key(), _new_key()
    _use(settings, k1)
    _look(officer, 1)
    _use(settings, k2, k1)
    _look(officer, 1)
    _use(settings, k1)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["otp", "reseal", officer.username])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "The access log cannot be written" in err and "SIGAP_AUDIT_KEY" in err, err
    assert "Traceback" not in err


def test_successive_rotations_follow_the_order_of_the_keys(officer, settings):
    k0, k1, k2 = _new_key(), _new_key(), _new_key()
    _use(settings, k0)
    _look(officer, 2)
    _use(settings, k1, k0)
    _look(officer, 1)  # row 3: K0 -> K1
    _use(settings, k2, k0, k1)
    _look(officer, 1)  # row 5: K1 -> K2
    markers = [
        (e.detail["old_key_id"], e.detail["key_id"])
        for e in AccessEvent.objects.filter(action=Action.CHAIN_REKEYED).order_by("seq")
    ]
    assert markers == [(k0.key_id, k1.key_id), (k1.key_id, k2.key_id)]
    assert access_verify().ok

    _use(settings, k2, k1, k0)  # old keys listed in the wrong order: K0 -> K1 would be a switch back
    result = access_verify()
    assert not result.ok and result.seq == 3 and "SIGAP_AUDIT_OLD_KEYS" in result.problem
    _use(settings, k2, k0, k1)

    # someone holding both retired keys: cut at the switch to K2, switch from K1 back to K0 (signed by both)
    _cut_from(5)
    _forge(
        k0,
        5,
        Action.CHAIN_REKEYED,
        {"alg": ALG, "key_id": k0.key_id, "old_key_id": k1.key_id},
        mac=lambda key, prev, body: access_log.handover_digest(k1, k0, prev, body),
    )
    forged = _forge(k0, 6, Action.VIEW_REPORT, {}, report="JK-FORGED")
    _move_head(forged, k0)
    result = access_verify()
    assert not result.ok and result.seq == 5 and "retired" in result.problem


def test_the_notices_and_the_audit_reads_are_recorded(client, staff, officer):
    from sigap.organization.models import StaffNotice

    _look(officer, 2)
    ppid = staff("ppid.satu", "biro-pemerintahan", StaffRole.Role.PRIVACY_OFFICER)
    notice = StaffNotice.objects.create(
        user=ppid, kind="reveal_requested", body="Permintaan buka identitas", report_number="JK202611280001"
    )
    client.force_login(ppid)
    assert client.get("/api/v1/privacy/notices").status_code == 200
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_username) == ("notice_list", "ppid.satu")
    assert event.detail["reports"] == ["JK202611280001"] and event.detail["notices"] == [notice.pk]

    auditor = staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)
    client.force_login(auditor)
    before = AccessEvent.objects.count()
    assert client.get("/api/v1/audit/verify").json()["ok"] is True
    mark, event = AccessEvent.objects.order_by("-seq")[:2][::-1]
    assert mark.action == Action.CHAIN_VERIFIED and mark.detail["through"] == before
    assert (event.seq, event.action, event.actor_username) == (before + 2, Action.AUDIT_QUERY, "auditor.insp")
    assert event.detail["verify"] == {"ok": True, "rows": before, "checkpoints": 0}
    assert client.post("/api/v1/audit/verify", {"checkpoints": []}, content_type="application/json").json()["ok"]
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.seq, event.action) == (before + 4, Action.AUDIT_QUERY) and event.detail["verify"]["ok"] is True
    assert event.detail["verify"]["rows"] == 2  # the rows appended since the first look's mark
    assert access_verify().ok
    # a checkpoint refused because the log is not intact: the attempt is recorded as well
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-EDITED' WHERE seq = %s", (event.seq,))
    assert client.get("/api/v1/audit/checkpoint").status_code == 409
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_username, event.detail) == (
        Action.AUDIT_QUERY,
        "auditor.insp",
        {"checkpoint": None, "refused": "access_log_tampered"},
    )


def test_auditors_verify_checkpoints_from_before_and_after_a_rotation_with_both_public_keys(
    officer, settings, tmp_path, client, staff, django_capture_on_commit_callbacks
):
    k1, k2 = _new_key(), _new_key()
    _use(settings, k1)
    _look(officer, 2)
    before = tmp_path / "before.json"
    call_command("audit", "checkpoint", "--out", str(before), stdout=io.StringIO())
    public_k1 = access_log.public_key_text()
    _use(settings, k2, k1)
    _look(officer, 2)
    after = tmp_path / "after.json"
    call_command("audit", "checkpoint", "--out", str(after), stdout=io.StringIO())
    public_k2 = access_log.public_key_text()
    assert public_k1 != public_k2

    with pytest.raises(CommandError) as err:  # the old key alone cannot vouch for a checkpoint of the new one
        call_command(
            "audit",
            "verify",
            "--checkpoint",
            str(before),
            "--checkpoint",
            str(after),
            f"--public-key={public_k1}",
            stdout=io.StringIO(),
        )
    assert "signature" in str(err.value)
    # an operator who gave only one of the kept public keys is told that may be why (an operator's review read
    # the bare "TAMPERED" as tampering)
    assert "not among the --public-key given" in str(err.value)
    stdout = io.StringIO()
    call_command(
        "audit",
        "verify",
        "--checkpoint",
        str(before),
        "--checkpoint",
        str(after),
        f"--public-key={public_k1}",
        f"--public-key={public_k2}",
        stdout=stdout,
    )
    assert "2 checkpoints matched" in stdout.getvalue()

    client.force_login(staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR))
    body = {
        "checkpoints": [json.loads(before.read_text()), json.loads(after.read_text())],
        "public_key": f"{public_k1},{public_k2}",
    }
    result = client.post("/api/v1/audit/verify", body, content_type="application/json").json()
    assert result["ok"] is True and result["checkpoints"] == 2, result
    bad = client.post(
        "/api/v1/audit/verify", {**body, "public_key": f"{public_k1},nonsense"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "public_key"
