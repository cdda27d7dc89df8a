"""Demo data: Jakarta's reference data, demo staff accounts and a few dozen sample reports.

Idempotent: accounts are created or their roles completed; sample reports are created only once.
Every sample report travels through the real services, so its history, hops and audit rows are real.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from sigap.intake.services import Reporter, Submission, report_submit
from sigap.organization.loaders import reference_load
from sigap.organization.models import StaffRole, Unit, Wilayah
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.models import Report

DEFAULT_PASSWORD = "sigap-demo-2026"
R = StaffRole.Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    unit: str
    role: str
    description: str


DEMO_ACCOUNTS = [
    DemoAccount("petugas.pondokbambu", "kel:31.75.07.1002", R.OFFICER, "Petugas Kelurahan Pondok Bambu"),
    DemoAccount("petugas.gambir", "kel:31.71.01.1001", R.OFFICER, "Petugas Kelurahan Gambir"),
    DemoAccount("sudin.binamarga.jt", "sudin-bina-marga:31.75", R.OFFICER, "Suku Dinas Bina Marga Jakarta Timur"),
    DemoAccount("sudin.sda.jt", "sudin-sda:31.75", R.OFFICER, "Suku Dinas Sumber Daya Air Jakarta Timur"),
    DemoAccount("admin.binamarga", "dinas-bina-marga", R.UNIT_ADMIN, "Admin CRM Dinas Bina Marga"),
    DemoAccount("admin.disnaker", "disnakertransgi", R.UNIT_ADMIN, "Admin CRM Disnakertransgi"),
    DemoAccount("disnaker.pengawasan", "disnakertransgi:pengawasan", R.OFFICER, "Bidang Pengawasan Ketenagakerjaan"),
    DemoAccount("validator", "biro-pemerintahan", R.VALIDATOR, "Validator, Biro Pemerintahan"),
    DemoAccount("operator", "biro-pemerintahan", R.OPERATOR, "Operator kanal (loket, call center, media)"),
    DemoAccount("pimpinan.jaktim", "kota:31.75", R.SUPERVISOR, "Pimpinan Kota Jakarta Timur"),
    DemoAccount("ppid.satu", "biro-pemerintahan", R.PRIVACY_OFFICER, "Petugas privasi (PPID) 1"),
    DemoAccount("ppid.dua", "biro-pemerintahan", R.PRIVACY_OFFICER, "Petugas privasi (PPID) 2"),
    DemoAccount("auditor", "inspektorat", R.AUDITOR, "Auditor Inspektorat"),
    DemoAccount("petugas.inspektorat", "inspektorat", R.OFFICER, "Petugas Inspektorat (laporan perilaku aparatur)"),
    DemoAccount("petugas.triase", "triase", R.OFFICER, "Desk triase (laporan tanpa lokasi/kategori pasti)"),
]


def demo_password() -> str:
    return os.environ.get("SIGAP_DEMO_PASSWORD") or DEFAULT_PASSWORD


def accounts_load(password: str) -> list[DemoAccount]:
    User = get_user_model()
    for acc in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=acc.username, defaults={"first_name": acc.description[:150]}
        )
        if created or not user.has_usable_password():
            user.set_password(password)
            user.save()
        StaffRole.objects.get_or_create(user=user, unit=Unit.objects.get(code=acc.unit), role=acc.role)
    admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    if created:
        admin.set_password(password)
        admin.save()
    second_factors_load()
    return DEMO_ACCOUNTS


def second_factors_load() -> list[tuple[str, str]]:
    """A demo authenticator (TOTP) for each demo account that signs in with a second factor.

    Returns (username, otpauth URI) for each. `sigap demo` prints them; `sigap otp code USERNAME` prints the
    current code of a demo device, so the demo can be tried without an authenticator app. Accounts enrolled
    for real (`sigap otp enroll`) are left alone and not listed.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sigap.officers.signin import DEMO_DEVICE, needs_second_factor

    User = get_user_model()
    out = []
    for username in ["admin", *(acc.username for acc in DEMO_ACCOUNTS)]:
        user = User.objects.filter(username=username).first()
        if user is None or not needs_second_factor(user):
            continue
        device = TOTPDevice.objects.filter(user=user).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE, confirmed=True)
        if device.name == DEMO_DEVICE:
            out.append((username, device.config_url))
    return out


def _jpeg(colour: tuple[int, int, int], text: str) -> bytes:
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 300, 600, 440), fill=tuple(max(0, c - 60) for c in colour))
    draw.text((60, 60), text, fill=(255, 255, 255))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _camera_jpeg(seed: int, text: str, *, taken: datetime, at: tuple[float, float]) -> bytes:
    """A proof photo as an officer's phone writes it: a scene of its own (so no two demo proofs look alike to the
    proof checks) with the capture time and place in EXIF."""
    import numpy as np

    rng = np.random.default_rng(seed)
    image = Image.fromarray(rng.integers(0, 255, (6, 8, 3), dtype=np.uint8)).resize((640, 480), Image.BICUBIC)
    ImageDraw.Draw(image).text((60, 60), text, fill=(255, 255, 255))

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        d, m = int(value), int((value - int(value)) * 60)
        return (float(d), float(m), round(((value - d) * 60 - m) * 60, 4))

    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = timezone.localtime(taken).strftime("%Y:%m:%d %H:%M:%S")
    exif[0x8825] = {1: "S" if at[0] < 0 else "N", 2: dms(at[0]), 3: "E", 4: dms(at[1])}
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80, exif=exif)
    return buf.getvalue()


def _point(code: str) -> tuple[float, float]:
    w = Wilayah.objects.get(code=code)
    return w.inner_lat, w.inner_lon


SAMPLE_TEXTS = {
    "saluran-tersumbat": "Saluran air di depan gang mampet penuh sampah, kalau hujan air meluap ke jalan.",
    "jalan-rusak": "Jalan berlubang cukup dalam di dekat halte, sudah dua motor jatuh minggu ini.",
    "lampu-jalan": "Lampu PJU mati sudah seminggu, jalan gelap dan rawan kejahatan malam hari.",
    "sampah": "Sampah di TPS tidak diangkut tiga hari, bau menyengat sampai ke rumah warga.",
    "pohon-tumbang": "Pohon besar miring ke arah kabel listrik setelah angin kencang, rawan tumbang.",
    "parkir-liar": "Mobil parkir di bahu jalan setiap sore sehingga macet panjang di depan sekolah.",
    "banjir-genangan": "Genangan setinggi betis setiap hujan deras di pertigaan, air lambat surut.",
    "trotoar-rusak": "Ubin trotoar lepas dan ambles, berbahaya untuk pejalan kaki dan kursi roda.",
    "pkl-liar": "Pedagang kaki lima berjualan di trotoar sampai pejalan kaki turun ke jalan.",
    "ketenagakerjaan": "Gaji karyawan di pabrik garmen tidak dibayar dua bulan dan lembur tidak dihitung.",
    "kartu-pekerja": "Kartu Pekerja Jakarta sudah terdaftar sejak tiga bulan tetapi belum cair.",
    "lainnya": "Papan informasi kelurahan roboh dan menghalangi jalan masuk ke taman warga.",
}

OTHER_KELURAHAN = [
    "31.71.01.1001",
    "31.71.03.1004",
    "31.72.01.1001",
    "31.73.01.1001",
    "31.74.01.1001",
    "31.74.06.1001",
    "31.75.01.1001",
    "31.75.03.1001",
    "31.75.07.1001",
    "31.75.08.1005",
    "31.73.05.1002",
    "31.72.04.1003",
]


def _user(username: str):
    return get_user_model().objects.get(username=username)


def reports_load(*, now: datetime | None = None) -> int:
    """Create the sample reports (once). Returns how many were created."""
    if Report.objects.filter(is_demo=True).exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(20261128)
    count = 0

    def submit(
        category: str, kel: str, days_ago: float, privacy: str = "private", photo: bool = True, name: str = "Warga Demo"
    ):
        nonlocal count
        lat, lon = _point(kel)
        created_at = now - timedelta(days=days_ago)
        sub = Submission(
            category=category,
            description=SAMPLE_TEXTS.get(category, SAMPLE_TEXTS["lainnya"]),
            lat=lat,
            lon=lon,
            channel=rng.choice(["web", "whatsapp", "sms", "email", "counter"]),
            privacy=privacy,
            address="RT 05/RW 03, dekat musala",
            reporter=Reporter(name=name, phone="081200000000"),
            photos=[("foto.jpg", _jpeg((90, 110, 140), category))] if photo else [],
            is_demo=True,
        )
        count += 1
        return report_submit(sub, now=created_at).report

    def proof(report: Report, user, at: datetime) -> None:
        # taken on the spot, the before photo 80 minutes before the after photo: a proof the checks pass
        for i, (kind, taken) in enumerate(
            (("before", at - timedelta(minutes=90)), ("after", at - timedelta(minutes=10)))
        ):
            raw = _camera_jpeg(report.pk * 2 + i, kind, taken=taken, at=(report.lat, report.lon))
            services.photo_add(report_id=report.pk, actor=user, kind=kind, photo=photo_clean(raw), now=at)

    pb = _user("petugas.pondokbambu")
    sudin = _user("sudin.binamarga.jt")
    validator = _user("validator")
    pengawasan = _user("disnaker.pengawasan")
    kel_pb = "31.75.07.1002"

    # Pondok Bambu: the kelurahan's own work (drains, rubbish) in every stage.
    for days in (0.2, 0.5, 1.5):
        submit("saluran-tersumbat", kel_pb, days)
    r = submit("saluran-tersumbat", kel_pb, 3)
    services.report_accept(report_id=r.pk, actor=pb, note="PPSU dijadwalkan besok pagi.", now=now - timedelta(days=2.8))
    r = submit("saluran-tersumbat", kel_pb, 6)
    services.report_accept(report_id=r.pk, actor=pb, now=now - timedelta(days=5.9))
    proof(r, pb, now - timedelta(days=5))
    services.report_request_validation(
        report_id=r.pk, actor=pb, note="Saluran sudah dibersihkan PPSU.", now=now - timedelta(days=4.9)
    )
    for days in (9, 12):
        r = submit("saluran-tersumbat", kel_pb, days)
        services.report_accept(report_id=r.pk, actor=pb, now=now - timedelta(days=days - 0.1))
        proof(r, pb, now - timedelta(days=days - 1))
        services.report_request_validation(report_id=r.pk, actor=pb, now=now - timedelta(days=days - 1.1))
        services.report_validate(
            report_id=r.pk,
            actor=validator,
            accept=True,
            now=now - timedelta(days=days - 1.5),
        )
    r = submit("lainnya", kel_pb, 2)
    services.report_ask_reporter(
        report_id=r.pk, actor=pb, question="Di RT berapa tepatnya papan itu roboh?", now=now - timedelta(days=1.9)
    )
    r = submit("lainnya", kel_pb, 4, photo=False)
    services.report_reject(
        report_id=r.pk,
        actor=pb,
        reason="Lokasi berada di lahan milik swasta; silakan hubungi pengelola.",
        now=now - timedelta(days=3.9),
    )

    # Roads in Pondok Bambu: coordinated to Suku Dinas Bina Marga Jakarta Timur.
    r = submit("jalan-rusak", kel_pb, 1, privacy="public")
    r = submit("jalan-rusak", kel_pb, 2.5)
    services.report_coordinate(
        report_id=r.pk,
        actor=pb,
        to_unit="sudin-bina-marga:31.75",
        reason="bukan tupoksi: jalan kota, wewenang Suku Dinas Bina Marga",
        now=now - timedelta(days=2.4),
    )
    r = submit("jalan-rusak", kel_pb, 5)
    services.report_coordinate(
        report_id=r.pk,
        actor=pb,
        to_unit="sudin-bina-marga:31.75",
        reason="bukan tupoksi: perbaikan aspal",
        now=now - timedelta(days=4.9),
    )
    services.report_accept(report_id=r.pk, actor=sudin, now=now - timedelta(days=4.5))
    r = submit("lampu-jalan", kel_pb, 8)
    services.report_coordinate(
        report_id=r.pk,
        actor=pb,
        to_unit="sudin-bina-marga:31.75",
        reason="bukan tupoksi: PJU",
        now=now - timedelta(days=7.9),
    )
    services.report_accept(report_id=r.pk, actor=sudin, now=now - timedelta(days=7.5))
    proof(r, sudin, now - timedelta(days=7))
    services.report_request_validation(report_id=r.pk, actor=sudin, now=now - timedelta(days=6.9))
    services.report_validate(
        report_id=r.pk,
        actor=validator,
        accept=False,
        reason="Foto sesudah tidak menunjukkan lampu menyala.",
        now=now - timedelta(days=6.5),
    )
    r = submit("trotoar-rusak", kel_pb, 11, privacy="public")
    services.report_coordinate(
        report_id=r.pk,
        actor=pb,
        to_unit="sudin-bina-marga:31.75",
        reason="bukan tupoksi: trotoar",
        now=now - timedelta(days=10.9),
    )
    services.report_accept(report_id=r.pk, actor=sudin, now=now - timedelta(days=10.5))
    proof(r, sudin, now - timedelta(days=10))
    services.report_request_validation(report_id=r.pk, actor=sudin, now=now - timedelta(days=9.9))
    services.report_validate(report_id=r.pk, actor=validator, accept=True, now=now - timedelta(days=9.5))

    # Labour: straight to Disnakertransgi's Bidang Pengawasan (sensitive, never public).
    submit("ketenagakerjaan", "31.75.07.1001", 0.5, photo=False)
    r = submit("ketenagakerjaan", "31.74.06.1001", 3, photo=False)
    services.report_accept(
        report_id=r.pk, actor=pengawasan, note="Pengawas ketenagakerjaan dijadwalkan.", now=now - timedelta(days=2.9)
    )
    submit("kartu-pekerja", "31.71.03.1004", 2, photo=False)  # waits at the Hubungan Sosial team

    # At the triage desk: a tweet that names its place but not where on a map, and an SMS whose category is unclear.
    for days_ago, channel, description, lat, lon in (
        (
            0.3,
            "twitter",
            "Lampu jalan mati di gang Mawar dekat Pondok Bambu sejak seminggu, gelap sekali malam hari.",
            None,
            None,
        ),
        (
            0.8,
            "sms",
            "Tolong dicek ya pak, kondisinya makin parah sejak minggu lalu di depan rumah warga.",
            *_point("31.71.01.1001"),
        ),
    ):
        count += 1
        report_submit(
            Submission(
                category="",
                description=description,
                lat=lat,
                lon=lon,
                channel=channel,
                allow_no_location=True,
                reporter=Reporter(name="Warga Demo", phone="081200000000"),
                is_demo=True,
            ),
            now=now - timedelta(days=days_ago),
        )

    # Elsewhere in Jakarta: waiting at their kelurahan, some already overdue.
    cats = ["sampah", "pohon-tumbang", "parkir-liar", "banjir-genangan", "pkl-liar", "saluran-tersumbat", "lampu-jalan"]
    for i, kel in enumerate(OTHER_KELURAHAN):
        submit(cats[i % len(cats)], kel, rng.uniform(0.1, 10), privacy="public" if i % 3 == 0 else "private")
    return count


def demo_load(*, progress: bool = True) -> dict:
    with transaction.atomic():
        stats = reference_load(progress=progress)
        accounts = accounts_load(demo_password())
    created = reports_load()
    return {"reference": stats.created, "accounts": accounts, "reports_created": created}
