"""Proof hashes re-keyed (``sigap.reports.proofcheck``): each row's perceptual hash XOR a pad of its own (from its
``sha256``) and its two 32-bit halves as keyed tags, where every row shared one pad and four 16-bit bands were
stored plain. One published photo and its row gave the shared pad away, and with it every stored hash; 16-bit
bands, even keyed, are a codebook that published photos fill in. A resident's photo of a Privat or Anonim report
is not indexed at all (its halves stay empty): anyone could file its picture as a report and look up the tags.

The derivations are written out here (not imported) so this migration keeps doing what it did when the module
changes. Stop the web processes and workers before running it: a photo a process of the release before hashes
after it, or one of this release before it, would be stored in the other form and never match again. A database
whose ``SECRET_KEY`` changed since its photos were hashed converts them to garbage, as it would have read them:
those photos were unmatchable already."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models

BATCH = 5000
MASK64 = (1 << 64) - 1


def _signed(unsigned: int) -> int:
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def _keys() -> tuple[int, bytes]:
    secret = settings.SECRET_KEY.encode()
    shared = int.from_bytes(hmac.new(secret, b"sigap-proof-phash-pad", hashlib.sha256).digest()[:8], "big")
    return shared, hmac.new(secret, b"sigap-proof-phash", hashlib.sha256).digest()


def _pad(key: bytes, sha: str) -> int:
    return int.from_bytes(hmac.new(key, b"pad:" + sha.encode(), hashlib.sha256).digest()[:8], "big")


def _tag(key: bytes, which: bytes, half: int) -> int:
    digest = hashlib.blake2b(b"%s:%d" % (which, half), key=key, digest_size=4).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF


def _batches(schema_editor, Photo, Report):
    """(id, phash, sha256, kind, the report's privacy) of every hashed photo, in batches by id. Read and written with
    plain SQL: at a million rows, ``bulk_update``'s CASE expressions took 17 minutes each way, mostly in Python."""
    q = schema_editor.quote_name
    photo, report = q(Photo._meta.db_table), q(Report._meta.db_table)
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT p.id, p.phash, p.sha256, p.kind, r.privacy FROM {photo} p JOIN {report} r ON r.id = p.report_id"
                f" WHERE p.id > %s AND p.phash IS NOT NULL ORDER BY p.id LIMIT {BATCH}",
                [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            yield cursor, photo, rows
            last = rows[-1][0]


def rekey(apps, schema_editor):
    Photo, Report = apps.get_model("reports", "Photo"), apps.get_model("reports", "Report")
    shared, key = _keys()
    for cursor, photo, rows in _batches(schema_editor, Photo, Report):
        params = []
        for pk, phash, sha, kind, privacy in rows:
            plain = (phash & MASK64) ^ shared
            lo = hi = None  # a resident's photo of a Privat or Anonim report: not indexed
            if kind in ("before", "after") or privacy == "public":
                lo, hi = _tag(key, b"lo", plain & 0xFFFF_FFFF), _tag(key, b"hi", plain >> 32)
            params.append((_signed(plain ^ _pad(key, sha)), lo, hi, pk))
        cursor.executemany(f"UPDATE {photo} SET phash = %s, phash_lo = %s, phash_hi = %s WHERE id = %s", params)


def unkey(apps, schema_editor):
    """Back to the shared pad and the plain bands of the padded value, as the release before stored them."""
    Photo, Report = apps.get_model("reports", "Photo"), apps.get_model("reports", "Report")
    shared, key = _keys()
    for cursor, photo, rows in _batches(schema_editor, Photo, Report):
        params = []
        for pk, phash, sha, _kind, _privacy in rows:
            stored = (phash & MASK64) ^ _pad(key, sha) ^ shared
            params.append((_signed(stored), *((stored >> (16 * i)) & 0xFFFF for i in range(4)), pk))
        cursor.executemany(
            f"UPDATE {photo} SET phash = %s, phash_b0 = %s, phash_b1 = %s, phash_b2 = %s, phash_b3 = %s WHERE id = %s",
            params,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0037_answered_at_and_returned_to_the_desk"),
    ]

    operations = [
        migrations.AddField(model_name="photo", name="phash_lo", field=models.IntegerField(blank=True, null=True)),
        migrations.AddField(model_name="photo", name="phash_hi", field=models.IntegerField(blank=True, null=True)),
        migrations.RunPython(rekey, unkey),
        *[migrations.RemoveIndex(model_name="photo", name=f"photo_phash_b{i}") for i in range(4)],
        *[migrations.RemoveField(model_name="photo", name=f"phash_b{i}") for i in range(4)],
        *[
            migrations.AddIndex(
                model_name="photo",
                index=models.Index(
                    condition=models.Q(("phash__isnull", False)), fields=[f"phash_{h}"], name=f"photo_phash_{h}"
                ),
            )
            for h in ("lo", "hi")
        ],
    ]
