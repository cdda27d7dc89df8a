"""The proof hashes as the database owner sees them: a published photo and its row must not give away how every
other row's hash is stored, and no index may be searched with a photo from elsewhere (``proofcheck._key``)."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import io

import imagehash
import pytest
from django.apps import apps as django_apps
from django.conf import settings
from PIL import Image

from sigap.intake.services import Reporter
from sigap.reports import proofcheck
from sigap.reports.models import Photo

from .factories import submit
from .test_proofcheck import PB, hashed_row, scene, working

pytestmark = pytest.mark.django_db


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _phash(data: bytes) -> int:
    return int(str(imagehash.phash(Image.open(io.BytesIO(data)).convert("RGB"))), 16)


def test_one_published_photo_and_its_row_do_not_unlock_every_other_stored_hash(client):
    """Found by a review: every row's hash was XOR one pad, so the database owner XORed a Publik report's photo (as
    the portal serves it to anyone) with its row's hash, had the pad, and then found a resident's Privat report
    from a photo the resident had also posted under their own name, re-encoded and resized by a social network."""
    published = submit("jalan-rusak", PB, privacy="public", photos=[("a.jpg", _jpeg(scene(901)))]).report
    for seed in range(902, 906):
        submit("saluran-tersumbat", PB, photos=[("b.jpg", _jpeg(scene(seed)))])
    posted_elsewhere = scene(950)
    private = submit(
        "saluran-tersumbat",
        PB,
        privacy="private",
        reporter=Reporter(name="Siti Aminah", phone="081311112222"),
        photos=[("c.jpg", _jpeg(posted_elsewhere))],
    ).report

    row = Photo.objects.get(report=published)
    served = client.get(f"/publik/{published.number}/foto/{row.pk}/")
    assert served.status_code == 200
    public_bytes = b"".join(served.streaming_content) if served.streaming else served.content
    pad_guess = proofcheck.to_unsigned(row.phash) ^ _phash(public_bytes)

    outside = _phash(_jpeg(posted_elsewhere.resize((640, 480)), quality=75))
    found = [
        p.report_id
        for p in Photo.objects.filter(phash__isnull=False)
        if (proofcheck.to_unsigned(p.phash) ^ pad_guess ^ outside).bit_count() <= 6
    ]
    assert private.pk not in found
    # with the key the same photo is found, as a recycled proof would be
    mine = Photo.objects.get(report=private)
    assert (proofcheck.hash_of(mine) ^ outside).bit_count() <= 6
    assert (
        pad_guess ^ proofcheck.to_unsigned(row.phash) ^ proofcheck.hash_of(row)
    ).bit_count() <= 6  # the published row's own pad, no other's


def test_the_band_index_cannot_be_searched_with_a_photo_from_elsewhere(pb_officer):
    """The bands are indexed to find similar photos; stored plain, they let the database owner look a photo up by
    its bands without any key. They are keyed tags: the outside photo's own bands find nothing."""
    picture = scene(120)
    submit("saluran-tersumbat", PB, photos=[("c.jpg", _jpeg(picture))])
    outside = proofcheck.bands(_phash(_jpeg(picture.resize((640, 480)), quality=75)))
    by_band = [Photo.objects.filter(**{f"phash_b{i}": band}).count() for i, band in enumerate(outside)]
    assert by_band == [0, 0, 0, 0]
    row = Photo.objects.get(phash__isnull=False)
    assert all(0 <= getattr(row, f"phash_b{i}") < 2**31 for i in range(4))  # 32-bit signed columns


def test_the_migration_rekeys_hashes_stored_with_the_shared_pad_and_back(pb_officer):
    """Rows hashed before the per-row pads (one pad for all, plain bands) are converted in place: a recycled proof
    is still found among them, and migrating back restores what the earlier code reads."""
    migration = importlib.import_module("sigap.reports.migrations.0038_proof_hashes_padded_per_row")
    shared = int.from_bytes(
        hmac.new(settings.SECRET_KEY.encode(), b"sigap-proof-phash-pad", hashlib.sha256).digest()[:8], "big"
    )
    report = working(pb_officer)
    base = 0x8F3A_5C21_0D4E_B777
    old_rows = []
    for n, h in enumerate([base ^ (1 << 5) ^ (1 << 20) ^ (1 << 40), base ^ 0xFFFF_FFFF_0000_0000]):
        stored = h ^ shared
        old = {
            "phash": proofcheck.to_signed(stored),
            **{f"phash_b{i}": b for i, b in enumerate(proofcheck.bands(stored))},
        }
        old_rows.append((hashed_row(report, n, old), old))
    migration.rekey(django_apps, None)
    probe = Photo(pk=-1, report=report, kind="after", sha256="probe", **proofcheck.hash_fields(base, "probe"))
    assert [(p.pk, bits) for p, bits in proofcheck.similar(probe)] == [(old_rows[0][0].pk, 3)]
    migration.unkey(django_apps, None)
    for row, old in old_rows:
        row.refresh_from_db()
        assert {k: getattr(row, k) for k in old} == old
