"""Rotating the vault's master key as documented (new key, old key listed, ``sigap vault rotate``, old key
retired) keeps every intact reveal request usable; a request edited in the database stays refused."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from sigap.core.errors import DomainError
from sigap.privacy import reveal, vault
from sigap.privacy.models import RevealRequest
from sigap.reports.tests.factories import reporter, submit

from .helpers import BASIS

pytestmark = pytest.mark.django_db
KEY_A = vault.generate_master_key()
KEY_B = vault.generate_master_key()


def test_an_approved_request_is_still_shown_after_the_key_is_rotated_and_the_old_one_retired(ppid, settings):
    """Found by an operator following the key rotation procedure: reveal requests are sealed with the master key
    itself and rotation re-wrapped only data keys, so retiring the old key made every earlier request look
    tampered (refused, an access-log row, every privacy officer told)."""
    settings.SIGAP_VAULT_KEY, settings.SIGAP_VAULT_OLD_KEYS = KEY_A, []
    first, second = ppid
    report = submit(reporter=reporter()).report
    approved = reveal.reveal_request(actor=first, report_number=report.number, legal_basis=BASIS)
    reveal.reveal_decide(actor=second, request_id=approved.pk, approve=True)
    forged = reveal.reveal_request(
        actor=first, report_number=submit(reporter=reporter()).report.number, legal_basis=BASIS
    )
    with connection.cursor() as cursor:  # approved by SQL, without a second officer
        cursor.execute(
            "UPDATE privacy_revealrequest SET state = 'approved', approver_id = %s WHERE id = %s",
            [second.pk, forged.pk],
        )

    settings.SIGAP_VAULT_KEY, settings.SIGAP_VAULT_OLD_KEYS = KEY_B, [KEY_A]
    out = io.StringIO()
    call_command("vault", "rotate", stdout=out)
    assert "1 reveal requests sealed again" in out.getvalue() and "1 not intact" in out.getvalue()
    status = io.StringIO()
    call_command("vault", "status", stdout=status)
    assert "reveal requests: current key: 1, not intact (old key" in status.getvalue()

    settings.SIGAP_VAULT_KEY, settings.SIGAP_VAULT_OLD_KEYS = KEY_B, []  # the old key retired
    assert reveal.reveal_show(actor=first, request_id=approved.pk)["name"] == "Rina Marlina"
    with pytest.raises(DomainError) as refused:
        reveal.reveal_show(actor=first, request_id=forged.pk)
    assert refused.value.code == "request_tampered"
    assert not RevealRequest.objects.get(pk=forged.pk).seal.startswith(vault.master_key().key_id + ":")  # as found


def test_a_seal_naming_an_unknown_key_is_not_intact_and_does_not_stop_the_others(ppid, settings):
    """Whoever can write the table can write any key id in a seal: the re-seal stopped at the first unknown one and
    left every later request under the old key, to look tampered once it was retired (found by a review)."""
    settings.SIGAP_VAULT_KEY, settings.SIGAP_VAULT_OLD_KEYS = KEY_A, []
    first, _second = ppid
    forged = reveal.reveal_request(
        actor=first, report_number=submit(reporter=reporter()).report.number, legal_basis=BASIS
    )
    honest = reveal.reveal_request(
        actor=first, report_number=submit(reporter=reporter()).report.number, legal_basis=BASIS
    )
    RevealRequest.objects.filter(pk=forged.pk).update(seal="ffffffffffffffff:forged")
    settings.SIGAP_VAULT_KEY, settings.SIGAP_VAULT_OLD_KEYS = KEY_B, [KEY_A]
    assert reveal.reseal_under_current_key() == {"resealed": 1, "not_intact": 1}
    honest.refresh_from_db()
    assert honest.seal.startswith(vault.master_key().key_id + ":")
    assert RevealRequest.objects.get(pk=forged.pk).seal == "ffffffffffffffff:forged"
