"""The access log against a database owner: the chain is keyed (HMAC with a key that is not in the database)
and signed checkpoints kept outside the database pin its head, so a rewrite or a truncation is detected.

The attacker here has full write access to the database (past the PostgreSQL triggers) but not the audit key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sigap.organization.models import StaffRole
from sigap.privacy.access_log import Action, access_record, access_verify
from sigap.privacy.models import AccessEvent

from .helpers import as_database_owner as _raw

pytestmark = pytest.mark.django_db


def _body(event: AccessEvent) -> str:
    """The row content exactly as the chain serializes it."""
    return json.dumps(
        {
            "seq": event.seq,
            "at": event.created_at.isoformat(timespec="microseconds"),
            "actor_id": event.actor_id,
            "actor": event.actor_username,
            "action": event.action,
            "report": event.report_number,
            "detail": event.detail,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _plain(prev_hash: str, event: AccessEvent) -> str:
    return hashlib.sha256(f"{prev_hash}|{_body(event)}".encode()).hexdigest()


def _rechain(digest, from_seq: int = 1):
    """The attacker's rewrite: recompute every hash from ``from_seq`` with ``digest`` and move the head along,
    so that the chain is internally consistent again."""
    prev = AccessEvent.objects.get(seq=from_seq - 1).hash if from_seq > 1 else "0" * 64
    for event in AccessEvent.objects.filter(seq__gte=from_seq).order_by("seq"):
        new = digest(prev, event)
        _raw("UPDATE privacy_accessevent SET prev_hash = %s, hash = %s WHERE seq = %s", (prev, new, event.seq))
        prev = new
    _raw("UPDATE privacy_chainhead SET hash = %s WHERE id = 1", (prev,))


def test_a_rewrite_that_recomputes_the_plain_sha256_chain_is_detected(chain):
    # what anyone with database write access could do: hide that row 3 was a look at this report
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 3")
    _rechain(_plain, from_seq=3)
    result = access_verify()
    assert not result.ok and result.seq == 3


def test_rewriting_the_whole_log_as_a_plain_chain_is_detected(chain):
    _raw("UPDATE privacy_accessevent SET actor_username = 'someone.else' WHERE seq = 2")
    _rechain(_plain, from_seq=1)
    result = access_verify()
    assert not result.ok


def test_a_rewrite_with_a_guessed_key_is_detected(chain):
    guessed = os.urandom(32)
    _raw("UPDATE privacy_accessevent SET action = 'export' WHERE seq = 4")
    _rechain(lambda prev, e: hmac.new(guessed, f"{prev}|{_body(e)}".encode(), hashlib.sha256).hexdigest(), from_seq=1)
    result = access_verify()
    assert not result.ok and result.seq == 1


def test_the_key_is_not_in_the_database_and_is_created_once(settings, tmp_path):
    from sigap.privacy import access_log

    settings.SIGAP_AUDIT_KEY = ""
    settings.SIGAP_AUDIT_KEY_FILE = str(tmp_path / "audit.key")
    first = access_log.audit_key()
    assert (tmp_path / "audit.key").exists() and oct((tmp_path / "audit.key").stat().st_mode & 0o777) == "0o600"
    assert access_log.audit_key() == first
    key_text = (tmp_path / "audit.key").read_text().strip()
    settings.SIGAP_AUDIT_KEY = key_text  # the environment variable takes precedence over the file
    assert access_log.audit_key().key_id == first.key_id


# --- checkpoints ------------------------------------------------------------------------------------------


def test_truncation_past_a_checkpoint_is_detected(chain, tmp_path):
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--out", str(out), stdout=io.StringIO())
    checkpoint = json.loads(out.read_text())
    assert checkpoint["seq"] == 5
    # the database owner removes the last two rows and moves the head back: the chain alone is consistent
    row3 = AccessEvent.objects.get(seq=3)
    _raw("DELETE FROM privacy_accessevent WHERE seq >= 4")
    _raw("UPDATE privacy_chainhead SET seq = 3, hash = %s WHERE id = 1", (row3.hash,))
    assert access_verify().ok
    result = access_verify(checkpoints=[checkpoint])
    assert not result.ok and "truncated" in result.problem
    with pytest.raises(CommandError) as err:
        call_command("audit", "verify", "--checkpoint", str(out), stdout=io.StringIO())
    assert "truncated" in str(err.value)


def test_a_rewrite_before_a_checkpoint_is_detected_even_with_the_key(chain, tmp_path):
    from sigap.privacy import access_log

    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--out", str(out), stdout=io.StringIO())
    access_record(actor=chain, action=Action.VIEW_REPORT, report_number="JK202611280099")
    # someone holding the audit key rewrites row 2 and re-keys the chain consistently
    key = access_log.audit_key().chain_key
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 2")
    _rechain(lambda prev, e: hmac.new(key, f"{prev}|{_body(e)}".encode(), hashlib.sha256).hexdigest(), from_seq=2)
    assert access_verify().ok
    result = access_verify(checkpoints=[json.loads(out.read_text())])
    assert not result.ok and result.seq == 5 and "rewritten" in result.problem


def test_rows_after_a_checkpoint_still_verify_and_the_command_reports_it(chain, tmp_path):
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--out", str(out), stdout=io.StringIO())
    access_record(actor=chain, action=Action.VIEW_REPORT, report_number="JK202611280099")
    stdout = io.StringIO()
    rows = AccessEvent.objects.count()  # the fixture's looks, the checkpoint run's mark and the look after it
    call_command("audit", "verify", "--checkpoint", str(out), stdout=stdout)
    assert f"{rows} rows verified" in stdout.getvalue() and "1 checkpoint" in stdout.getvalue()
    assert AccessEvent.objects.order_by("-seq").first().action == Action.CHAIN_VERIFIED  # the full run's mark


def test_a_forged_or_edited_checkpoint_is_refused(chain, tmp_path):
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--out", str(out), stdout=io.StringIO())
    checkpoint = json.loads(out.read_text())
    edited = {**checkpoint, "seq": 2, "hash": AccessEvent.objects.get(seq=2).hash}
    result = access_verify(checkpoints=[edited])
    assert not result.ok and "signature" in result.problem
    result = access_verify(checkpoints=[{"seq": 5}])
    assert not result.ok and "checkpoint" in result.problem
    # the command says the other cause too: a configuration that lacks the key that signed it (found by a review:
    # a rolled-back audit key read as tampering, with nothing else to go on)
    (tmp_path / "edited.json").write_text(json.dumps(edited))
    with pytest.raises(CommandError) as err:
        call_command("audit", "verify", "--checkpoint", str(tmp_path / "edited.json"), stdout=io.StringIO())
    assert "TAMPERED" in str(err.value) and "SIGAP_AUDIT_OLD_KEYS" in str(err.value)


def test_checkpoints_are_signed_with_a_public_key_auditors_can_keep(chain, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    stdout = io.StringIO()
    call_command("audit", "public-key", stdout=stdout)
    public = base64.urlsafe_b64decode(stdout.getvalue().strip() + "==")
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--out", str(out), stdout=io.StringIO())
    checkpoint = json.loads(out.read_text())
    signed = {k: v for k, v in checkpoint.items() if k != "signature"}
    message = json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()
    signature = base64.urlsafe_b64decode(checkpoint["signature"] + "==")
    Ed25519PublicKey.from_public_bytes(public).verify(signature, message)  # raises if not signed by that key
    # verifying against a public key the auditor kept from another instance fails
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    other = base64.urlsafe_b64encode(
        Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode()
    with pytest.raises(CommandError) as err:
        call_command("audit", "verify", "--checkpoint", str(out), f"--public-key={other}", stdout=io.StringIO())
    assert "signature" in str(err.value)


def test_checkpoint_dir_is_written_and_checked_by_the_api(chain, client, staff, settings, tmp_path):
    settings.SIGAP_AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    call_command("audit", "checkpoint", stdout=io.StringIO())
    files = list((tmp_path / "checkpoints").glob("*.json"))
    assert len(files) == 1
    auditor = staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)
    client.force_login(auditor)
    body = client.get("/api/v1/audit/verify").json()
    assert body["ok"] is True and body["checkpoints"] == 1
    row3 = AccessEvent.objects.get(seq=3)
    _raw("DELETE FROM privacy_accessevent WHERE seq >= 4")
    _raw("UPDATE privacy_chainhead SET seq = 3, hash = %s WHERE id = 1", (row3.hash,))
    body = client.get("/api/v1/audit/verify").json()
    assert body["ok"] is False and "truncated" in body["problem"]


def test_a_checkpoint_of_a_tampered_log_is_refused(chain, tmp_path):
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-EDITED' WHERE seq = 3")
    with pytest.raises(CommandError):
        call_command("audit", "checkpoint", "--out", str(tmp_path / "cp.json"), stdout=io.StringIO())
    assert not (tmp_path / "cp.json").exists()


# --- upgrade and key rotation -----------------------------------------------------------------------------


def _write_plain_rows(n: int):
    """Rows as the unkeyed chain wrote them before the upgrade (plain SHA-256, head not yet keyed)."""
    from django.utils import timezone

    from sigap.privacy.models import ChainHead

    prev = "0" * 64
    for seq in range(1, n + 1):
        event = AccessEvent(
            seq=seq,
            created_at=timezone.now(),
            actor_username="petugas.lama",
            action="view_report",
            report_number=f"JK2025010100{seq:02d}",
            detail={},
            prev_hash=prev,
        )
        event.hash = _plain(prev, event)
        event.save()
        prev = event.hash
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": n, "hash": prev, "key_id": ""})


def test_upgrading_a_plain_log_anchors_it_with_a_keyed_row(staff):
    import importlib

    from django.apps import apps

    from sigap.privacy import access_log

    _write_plain_rows(4)
    assert not access_verify().ok  # an unkeyed log is not accepted as intact
    migration = importlib.import_module("sigap.privacy.migrations.0004_chainhead_key_id_keyed_access_log")
    migration.anchor(apps, None)  # what `sigap migrate` runs on a deployed database
    marker = AccessEvent.objects.get(seq=5)
    assert marker.action == Action.CHAIN_KEYED and marker.detail["plain_rows"] == 4
    assert marker.prev_hash == AccessEvent.objects.get(seq=4).hash
    assert access_log.access_log_key_upgrade() is None  # idempotent
    access_record(actor=staff("petugas.pb", "kel:31.75.07.1002"), action=Action.VIEW_REPORT, report_number="JK1")
    assert access_verify().ok and access_verify().rows == 6
    # the old rows are now pinned by the keyed row after them: recomputing their plain chain is detected
    _raw("UPDATE privacy_accessevent SET report_number = 'JK-HIDDEN' WHERE seq = 2")
    _rechain(_plain, from_seq=2)
    assert not access_verify().ok


def test_the_first_row_after_an_upgrade_anchors_the_log_if_the_migration_did_not(staff):
    _write_plain_rows(2)
    access_record(actor=staff("petugas.pb", "kel:31.75.07.1002"), action=Action.VIEW_REPORT, report_number="JK1")
    actions = list(AccessEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["view_report", "view_report", Action.CHAIN_KEYED, "view_report"]
    assert access_verify().ok


def test_rotating_the_audit_key_keeps_old_rows_verifiable(chain, settings, tmp_path):
    from sigap.privacy import access_log

    old = access_log.audit_key()
    settings.SIGAP_AUDIT_KEY = access_log.generate_audit_key()
    settings.SIGAP_AUDIT_OLD_KEYS = [old.text]
    access_record(actor=chain, action=Action.VIEW_REPORT, report_number="JK202611280099")
    marker = AccessEvent.objects.get(seq=6)
    assert marker.action == Action.CHAIN_REKEYED and marker.detail["old_key_id"] == old.key_id
    assert access_verify().ok
    settings.SIGAP_AUDIT_OLD_KEYS = []
    result = access_verify()
    assert not result.ok and result.seq == 1 and "key" in result.problem


def test_auditors_take_and_check_checkpoints_over_the_api(chain, client, staff):
    from sigap.privacy import access_log

    auditor = staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)
    client.force_login(auditor)
    checkpoint = client.get("/api/v1/audit/checkpoint").json()
    assert checkpoint["seq"] == 5 and checkpoint["format"] == access_log.CHECKPOINT_FORMAT
    assert AccessEvent.objects.order_by("-seq").first().action == Action.AUDIT_QUERY  # taking one is recorded
    kept_key = access_log.public_key_text()  # what the auditor received at deployment
    body = {"checkpoints": [checkpoint], "public_key": kept_key}
    result = client.post("/api/v1/audit/verify", body, content_type="application/json").json()
    assert result["ok"] is True and result["checkpoints"] == 1
    row3 = AccessEvent.objects.get(seq=3)
    _raw("DELETE FROM privacy_accessevent WHERE seq >= 4")
    _raw("UPDATE privacy_chainhead SET seq = 3, hash = %s WHERE id = 1", (row3.hash,))
    assert client.get("/api/v1/audit/verify").json()["ok"] is True  # without the checkpoint, nothing shows
    result = client.post("/api/v1/audit/verify", body, content_type="application/json").json()
    # that look appended its mark and its record, so the log reaches the checkpoint's row again, with another hash
    assert result["ok"] is False and ("truncated" in result["problem"] or "rewritten" in result["problem"])
    bad = client.post(
        "/api/v1/audit/verify", {"checkpoints": [], "public_key": "not a key"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "public_key"
    client.force_login(chain)
    assert client.get("/api/v1/audit/checkpoint").status_code == 403
    assert client.post("/api/v1/audit/verify", {}, content_type="application/json").status_code == 403


def test_rows_appended_while_verifying_are_not_taken_for_a_truncation(chain, monkeypatch):
    from sigap.privacy import access_log

    real = access_log.ChainHead

    class HeadReadAfterAnAppend:
        class objects:
            @staticmethod
            def filter(**kwargs):
                monkeypatch.setattr(access_log, "ChainHead", real)
                access_record(actor=chain, action=Action.VIEW_REPORT, report_number="JK202611280077")
                return real.objects.filter(**kwargs)

    monkeypatch.setattr(access_log, "ChainHead", HeadReadAfterAnAppend)
    result = access_verify()
    assert result.ok and result.rows == 5
    assert access_verify().rows == 6
