"""The proof hashes as the database owner sees them: a published photo and its row must not give away how every
other row's hash is stored, and no index may be searched with a photo from elsewhere (``proofcheck._key``)."""

from __future__ import annotations

import hashlib
import hmac
import io

import imagehash
import pytest
from django.conf import settings
from django.db.models import Q
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


def test_the_index_cannot_be_searched_with_a_photo_from_elsewhere(pb_officer):
    """The halves are indexed to find similar photos; stored plain, they let the database owner look a photo up
    without any key. They are keyed tags: the outside photo's own halves find nothing."""
    picture = scene(120)
    submit("saluran-tersumbat", PB, privacy="public", photos=[("c.jpg", _jpeg(picture))])
    lo, hi = proofcheck.halves(_phash(_jpeg(picture.resize((640, 480)), quality=75)))
    plain = [v & 0x7FFF_FFFF for v in (lo, hi)]
    assert not Photo.objects.filter(Q(phash_lo__in=plain) | Q(phash_hi__in=plain)).exists()
    row = Photo.objects.get(phash__isnull=False)
    assert 0 <= row.phash_lo < 2**31 and 0 <= row.phash_hi < 2**31  # 32-bit signed columns


def test_published_photos_do_not_make_a_codebook_for_a_private_one(pb_officer):
    """Found by a review of the first fix: 16-bit bands stored as keyed tags were a codebook of 4 x 65,536 entries,
    and each published photo (hashed from what the portal serves, its row's tags read) filled in four. Two bands
    in common with an outside photo then named the Privat report, without the key. A 32-bit half is one of four
    billion: published photos that share a 16-bit band with the resident's photo tell nothing of its halves."""
    report = working(pb_officer)
    private_plain = 0x8F3A_5C21_0D4E_B777  # the resident's picture, also posted under their own name elsewhere
    private = hashed_row(report, 1, proofcheck.hash_fields(private_plain, f"{1:064x}"))
    published = [  # sharing one 16-bit band each with it, as the old codebook needed
        (private_plain & 0x0000_0000_0000_FFFF) | 0x1111_2222_3333_0000,
        (private_plain & 0x0000_FFFF_0000_0000) | 0x4444_0000_5555_6666,
        (private_plain & 0xFFFF_0000_0000_0000) | 0x0000_8888_9999_AAAA,
        0x7777_8888_9999_AAAA,
    ]
    codebook: dict[tuple[str, int], int] = {}
    for n, plain in enumerate(published, start=10):
        row = hashed_row(report, n, proofcheck.hash_fields(plain, f"{n:064x}"))
        lo, hi = proofcheck.halves(plain)  # the attacker: the served photo's hash and its row's tags
        codebook[("lo", lo)], codebook[("hi", hi)] = row.phash_lo, row.phash_hi
    outside = private_plain ^ (1 << 20) ^ (1 << 52)  # re-encoded elsewhere
    lo, hi = proofcheck.halves(outside)
    found = set()
    for which, value in (("lo", lo), ("hi", hi)):
        for near in proofcheck._near(value):  # as a lookup would ask, with the attacker's codebook for the key
            if (tag := codebook.get((which, near))) is not None:
                found |= set(Photo.objects.filter(**{f"phash_{which}": tag}).values_list("pk", flat=True))
    assert private.pk not in found
    probe = Photo(pk=-1, report=report, kind="after", sha256="probe", **proofcheck.hash_fields(outside, "probe"))
    assert [(p.pk, bits) for p, bits in proofcheck.similar(probe)] == [(private.pk, 2)]  # with the key: found


@pytest.mark.django_db(transaction=True)
def test_migrate_rekeys_rows_hashed_the_old_way_and_back(staff):
    """``reports 0038`` on stored rows (one pad for every row, four plain bands of the padded value): a recycled
    proof is found among them after it, and migrating back restores what the release before reads."""
    from django.core.management import call_command
    from django.db import connection

    from sigap.organization.loaders import reference_load
    from sigap.organization.models import Wilayah

    if not Wilayah.objects.exists():  # a transactional test before this one emptied the database
        reference_load(progress=False)
    report = submit("jalan-rusak", PB).report
    shared = int.from_bytes(
        hmac.new(settings.SECRET_KEY.encode(), b"sigap-proof-phash-pad", hashlib.sha256).digest()[:8], "big"
    )
    base = 0x8F3A_5C21_0D4E_B777
    plains = [base ^ (1 << 5) ^ (1 << 20) ^ (1 << 40) ^ (1 << 50) ^ (1 << 60), base ^ 0xFFFF_FFFF_0000_0000]
    rows = [hashed_row(report, n, {}) for n in range(len(plains))]
    call_command("migrate", "reports", "0037", verbosity=0)
    old = {}
    with connection.cursor() as cursor:
        for row, plain in zip(rows, plains, strict=True):
            stored = plain ^ shared
            old[row.pk] = [proofcheck.to_signed(stored), *((stored >> (16 * i)) & 0xFFFF for i in range(4))]
            cursor.execute(
                "UPDATE reports_photo SET phash = %s, phash_b0 = %s, phash_b1 = %s, phash_b2 = %s, phash_b3 = %s"
                " WHERE id = %s",
                [*old[row.pk], row.pk],
            )
    call_command("migrate", "reports", verbosity=0)
    probe = Photo(pk=-1, report=report, kind="after", sha256="probe", **proofcheck.hash_fields(base, "probe"))
    assert [(p.pk, bits) for p, bits in proofcheck.similar(probe)] == [(rows[0].pk, 5)]
    call_command("migrate", "reports", "0037", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, phash, phash_b0, phash_b1, phash_b2, phash_b3 FROM reports_photo ORDER BY id")
        assert {r[0]: list(r[1:]) for r in cursor.fetchall()} == old
    call_command("migrate", "reports", verbosity=0)


def test_filing_the_picture_as_a_report_does_not_look_up_a_residents_private_photo(client):
    """Found by a review: the database owner files the resident's picture found elsewhere as a report of their own,
    reads the tags the server wrote on its row and looks them up: any keyed tag is an oracle to whoever can have the
    server compute it. A resident's photo of a Privat or Anonim report is not indexed; a Publik one is (published)."""
    picture = scene(960)
    private = submit(
        "saluran-tersumbat", PB, privacy="private", reporter=Reporter(name="Siti Aminah", phone="081311112222"),
        photos=[("c.jpg", _jpeg(picture))],
    ).report  # fmt: skip
    anonymous = submit("saluran-tersumbat", PB, privacy="anonymous", photos=[("d.jpg", _jpeg(scene(961)))]).report
    public = submit("saluran-tersumbat", PB, privacy="public", photos=[("e.jpg", _jpeg(scene(962)))]).report
    rows = {r: Photo.objects.get(report=r) for r in (private, anonymous, public)}
    assert rows[private].phash is not None and (rows[private].phash_lo, rows[private].phash_hi) == (None, None)
    assert (rows[anonymous].phash_lo, rows[anonymous].phash_hi) == (None, None)
    assert rows[public].phash_lo is not None and rows[public].phash_hi is not None
    # the attacker's own report with the picture, re-encoded as found elsewhere, and its row's tags
    mine = submit("saluran-tersumbat", PB, privacy="public", photos=[("x.jpg", _jpeg(picture.resize((640, 480)), 75))])
    tags = Photo.objects.filter(report=mine.report).values_list("phash_lo", "phash_hi").get()
    found = Photo.objects.filter(Q(phash_lo=tags[0]) | Q(phash_hi=tags[1])).exclude(report=mine.report)
    assert not found.exists()


def test_a_proof_recycling_its_own_reports_private_photo_or_a_public_one_is_still_found(pb_officer):
    """Not indexed, a resident's Privat photo is still compared with its own report's proofs; a Publik report's
    photo stays in the index for every report's proofs."""
    from sigap.reports import services

    from .test_proofcheck import add, camera_jpeg, flags

    report = submit("jalan-rusak", PB, photos=[("r.jpg", _jpeg(scene(970)))]).report  # Privat, by default
    services.report_accept(report_id=report.pk, actor=pb_officer)
    report.refresh_from_db()
    after = add(report, pb_officer, "after", camera_jpeg(scene(970).resize((400, 300)), taken=None, at=None))
    assert "reused" in flags(after)
    public = submit("jalan-rusak", PB, privacy="public", photos=[("p.jpg", _jpeg(scene(971)))]).report
    before = add(report, pb_officer, "before", camera_jpeg(scene(971).resize((400, 300)), taken=None, at=None))
    reused = [f for f in Photo.objects.get(pk=before.pk).proof_flags if f["code"] == "reused"]
    assert [f["number"] for f in reused] == [public.number]
