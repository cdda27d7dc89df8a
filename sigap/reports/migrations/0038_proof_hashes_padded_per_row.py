"""Proof hashes re-keyed: each row's perceptual hash XOR a pad of its own (from its ``sha256``) and its bands as
keyed tags, where every row shared one pad and the bands were stored plain (``sigap.reports.proofcheck``). One
published photo and its row gave that shared pad away, and with it every stored hash.

The derivations are written out here (not imported) so this migration keeps doing what it did when the module
changes. A database whose ``SECRET_KEY`` changed since its photos were hashed converts them to garbage, as it
would have read them: those photos were unmatchable already."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations

BATCH = 2000


def _signed(unsigned: int) -> int:
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def _convert(apps, *, forward: bool) -> None:
    Photo = apps.get_model("reports", "Photo")
    secret = settings.SECRET_KEY.encode()
    shared = int.from_bytes(hmac.new(secret, b"sigap-proof-phash-pad", hashlib.sha256).digest()[:8], "big")
    key = hmac.new(secret, b"sigap-proof-phash", hashlib.sha256).digest()
    last = 0
    while True:
        rows = list(
            Photo.objects.filter(pk__gt=last, phash__isnull=False).order_by("pk").only("pk", "phash", "sha256")[:BATCH]
        )
        if not rows:
            return
        for row in rows:
            pad = int.from_bytes(hmac.new(key, b"pad:" + row.sha256.encode(), hashlib.sha256).digest()[:8], "big")
            plain = (row.phash & ((1 << 64) - 1)) ^ (shared if forward else pad)
            row.phash = _signed(plain ^ (pad if forward else shared))
            for i in range(4):
                band = (plain >> (16 * i)) & 0xFFFF
                if forward:
                    tag = hmac.new(key, b"band:%d:%d" % (i, band), hashlib.sha256).digest()[:4]
                    setattr(row, f"phash_b{i}", int.from_bytes(tag, "big") & 0x7FFF_FFFF)
                else:  # as the earlier code stored them: the bands of the shared-pad value
                    setattr(row, f"phash_b{i}", ((plain ^ shared) >> (16 * i)) & 0xFFFF)
        Photo.objects.bulk_update(rows, ["phash", "phash_b0", "phash_b1", "phash_b2", "phash_b3"])
        last = rows[-1].pk


def rekey(apps, schema_editor):
    _convert(apps, forward=True)


def unkey(apps, schema_editor):
    _convert(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0037_answered_at_and_returned_to_the_desk"),
    ]

    operations = [
        migrations.RunPython(rekey, unkey),
    ]
