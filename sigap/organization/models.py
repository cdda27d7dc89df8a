"""The organization as data: regions (wilayah), categories, units, tupoksi and staff roles.

Everything here is reference data a city edits in the admin; it is read through ``sigap.organization.cache``
and ``sigap.routing.cache`` (built on it), which rebuild their in-memory copies when these rows change.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReferenceQuerySet(models.QuerySet):
    """Bulk updates stamp ``updated_at`` too, so the routing cache (keyed on it) sees every change."""

    def update(self, **kwargs):
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


ReferenceManager = models.Manager.from_queryset(ReferenceQuerySet)


class Wilayah(models.Model):
    """An administrative area with its Kemendagri code (``31``, ``31.75``, ``31.75.02``, ``31.75.02.1001``)."""

    class Level(models.IntegerChoices):
        PROVINSI = 1, _("Provinsi")
        KOTA = 2, _("Kota/Kabupaten")
        KECAMATAN = 3, _("Kecamatan")
        KELURAHAN = 4, _("Kelurahan/Desa")

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("jenis"), max_length=20)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    geometry = models.JSONField(_("batas (GeoJSON)"), null=True, blank=True)
    inner_lat = models.FloatField(_("titik dalam (lat)"), null=True, blank=True)
    inner_lon = models.FloatField(_("titik dalam (lon)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferenceManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def covers(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")


class PlaceName(models.Model):
    """A street, landmark or kampung name residents use, and the kelurahan it lies in or crosses: the knowledge
    the place parser (``sigap.routing.places``) reads, loaded as data by ``sigap places load FILE`` (the shipped
    Jakarta gazetteer, an OpenStreetMap extract, GeoJSON), never written in code."""

    class Kind(models.TextChoices):
        JALAN = "jalan", _("Jalan")
        GANG = "gang", _("Gang")
        LANDMARK = "landmark", _("Tempat terkenal")
        PASAR = "pasar", _("Pasar")
        STASIUN = "stasiun", _("Stasiun")
        TERMINAL = "terminal", _("Terminal")
        RS = "rs", _("Rumah sakit")
        SEKOLAH = "sekolah", _("Sekolah / kampus")
        MASJID = "masjid", _("Tempat ibadah")
        MALL = "mall", _("Mal")
        TAMAN = "taman", _("Taman")
        KAWASAN = "kawasan", _("Kampung / kawasan")
        LUAR = "luar", _("Di luar kota")

    source = models.CharField(
        _("sumber"), max_length=80, help_text=_("berkas asal; memuat ulang sumber yang sama menggantinya")
    )
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    aliases = models.JSONField(_("nama lain"), default=list, blank=True)
    kelurahan = models.JSONField(_("kelurahan"), default=list, blank=True, help_text=_("kode kelurahan yang dilalui"))
    home = models.CharField(
        _("kelurahan tempatnya berdiri"),
        max_length=20,
        blank=True,
        help_text=_("untuk tempat di satu titik (stasiun, pasar, gedung): kode kelurahan yang memuatnya"),
    )
    rw = models.JSONField(
        _("RW yang dilalui"),
        default=list,
        blank=True,
        help_text=_("untuk jalan: 'kode kelurahan:nomor RW' yang dilalui"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferenceManager()

    class Meta:
        ordering = ["source", "kind", "name"]
        verbose_name = _("nama tempat")
        verbose_name_plural = _("nama tempat")
        constraints = [models.UniqueConstraint(fields=["source", "kind", "name"], name="placename_key")]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class Category(models.Model):
    code = models.SlugField(_("kode"), max_length=60, unique=True)
    group = models.CharField(_("grup"), max_length=60)
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (English)"), max_length=200, blank=True)
    responsible = models.CharField(
        _("jenis unit penanggung jawab"),
        max_length=80,
        blank=True,
        help_text=_("Kode unit di unit_kerja.csv, atau 'kelurahan'. Hanya informasi: aturan sebenarnya di Tupoksi."),
    )
    kelurahan_verifies = models.BooleanField(_("kelurahan verifikasi dahulu"), default=True)
    sensitive = models.BooleanField(_("sensitif"), default=False)
    sla_hop_hours = models.PositiveSmallIntegerField(_("batas jam per tahap"), default=6)
    # at least one: a category at 0 refused every report of it (a deadline review)
    sla_done_days = models.PositiveSmallIntegerField(
        _("batas hari selesai"), default=7, validators=[MinValueValidator(1)]
    )
    examples = models.CharField(_("contoh"), max_length=300, blank=True)
    dup_radius_m = models.PositiveIntegerField(_("radius duplikat (m)"), default=100)
    dup_window_days = models.PositiveSmallIntegerField(_("jendela duplikat (hari)"), default=14)
    escalation_levels = models.PositiveSmallIntegerField(
        _("tingkat eskalasi"),
        default=2,
        help_text=_("Berapa tingkat ke atas laporan dieskalasi bila batas waktu tahap terlewati (0: tanpa eskalasi)."),
    )
    escalation_delay_hours = models.PositiveSmallIntegerField(
        _("jeda eskalasi (jam kerja)"),
        default=0,
        help_text=_("Jam kerja setelah batas waktu tahap terlewati sebelum laporan dieskalasi."),
    )
    proof_radius_m = models.PositiveIntegerField(
        _("radius foto bukti (m)"),
        default=200,
        help_text=_(
            "Foto sebelum/sesudah yang diambil lebih jauh dari ini dari lokasi laporan ditandai untuk validator."
        ),
    )
    active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferenceManager()

    class Meta:
        ordering = ["group", "code"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A working unit: a kelurahan office, a dinas, a Suku Dinas, a bidang, a Satpol PP post, ..."""

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Pemerintah Provinsi")
        KOTA = "kota", _("Kota/Kabupaten")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan")
        DINAS = "dinas", _("Dinas")
        SUKU_DINAS = "suku-dinas", _("Suku Dinas")
        BIDANG = "bidang", _("Bidang")
        SATUAN = "satuan", _("Satuan")
        BIRO = "biro", _("Biro")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        BUMD = "bumd", _("BUMD / badan luar")

    code = models.CharField(_("kode"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    wilayah = models.ForeignKey(
        Wilayah,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("Wilayah kerja unit ini (kosong = seluruh kota/provinsi)."),
    )
    template = models.CharField(_("jenis dari unit_kerja"), max_length=80, blank=True, db_index=True)
    external = models.BooleanField(_("badan di luar pemerintah kota"), default=False)
    active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferenceManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Unit]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class Tupoksi(models.Model):
    """Which unit handles which category in which area. The most specific area wins."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="tupoksi")
    wilayah = models.ForeignKey(
        Wilayah,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tupoksi",
        help_text=_("Kosong = seluruh wilayah layanan."),
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="tupoksi")
    kelurahan_verifies = models.BooleanField(_("kelurahan verifikasi dahulu"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferenceManager()

    class Meta:
        verbose_name = _("tupoksi")
        verbose_name_plural = _("tupoksi")
        constraints = [models.UniqueConstraint(fields=["category", "wilayah", "unit"], name="tupoksi_unique_rule")]

    def __str__(self) -> str:
        where = self.wilayah.name if self.wilayah_id else "*"
        return f"{self.category.code} @ {where} → {self.unit.code}"


class StaffRole(models.Model):
    """A staff account's role at a unit. Permissions are phrased as sentences in ``sigap.organization.roles``."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Petugas")
        UNIT_ADMIN = "unit_admin", _("Admin CRM unit")
        VALIDATOR = "validator", _("Validator")
        OPERATOR = "operator", _("Operator kanal")
        SUPERVISOR = "supervisor", _("Pimpinan")
        PRIVACY_OFFICER = "privacy_officer", _("Petugas privasi (PPID)")
        AUDITOR = "auditor", _("Auditor")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("peran staf")
        verbose_name_plural = _("peran staf")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="staffrole_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit.code}"


class RoleChange(models.Model):
    """Granting or removing a guarded role (the privacy officer, PPID): one admin asks, a different admin decides.

    Written and decided only through ``sigap.organization.rolechanges`` (the admin calls it); every step is
    an access-log row and every privacy officer is told.
    """

    class Kind(models.TextChoices):
        GRANT = "grant", _("Beri peran")
        REVOKE = "revoke", _("Cabut peran")

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu persetujuan admin kedua")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("akun")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja"))
    role = models.CharField(_("peran"), max_length=20, choices=StaffRole.Role.choices)
    kind = models.CharField(_("perubahan"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("alasan"))
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("diminta oleh")
    )
    requested_at = models.DateTimeField(_("diminta pada"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("perubahan peran PPID")
        verbose_name_plural = _("perubahan peran PPID")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], condition=models.Q(state="pending"), name="rolechange_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} — {self.get_role_display()} @ {self.unit.code}"


class StaffNotice(models.Model):
    """A message to one staff account, e.g. every privacy officer is told of each reveal step and PPID role change.

    Read through ``GET /api/v1/privacy/notices``; also mailed to the account's email address when mail is set up.
    Bodies name reports, staff accounts and legal bases, never a reporter's identity.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notices")
    kind = models.CharField(max_length=40)
    body = models.TextField()
    body_en = models.TextField(blank=True)
    report_number = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("pemberitahuan staf")
        verbose_name_plural = _("pemberitahuan staf")
