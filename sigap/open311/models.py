"""Open311 rows: the client apps that may file requests, which client filed which report, and the extra
questions (service definition attributes) a category asks.

Nothing here holds anything about a person: an ``ApiClient`` is an app (its key stored only as a hash),
and personal fields posted by a client go to the vault through ``sigap.intake.open311`` (``post.py`` calls it).
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.reports.models import Report

KEY_PREFIX = "o311_"


class ApiClient(models.Model):
    """An Open311 client application. Only the hash of its key is stored; the key is shown once."""

    name = models.CharField(_("nama aplikasi"), max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(
        _("awal kunci"),
        max_length=16,
        editable=False,
        help_text=_("Beberapa karakter pertama kunci, untuk mengenalinya."),
    )
    rate_per_minute = models.PositiveIntegerField(_("batas permintaan per menit"), default=60)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("klien Open311")
        verbose_name_plural = _("klien Open311")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(("sigap-open311:" + key).encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return KEY_PREFIX + secrets.token_urlsafe(32)

    def set_key(self, key: str) -> None:
        self.key_hash = self.hash(key)
        self.key_hint = key[: len(KEY_PREFIX) + 4]


class ClientReport(models.Model):
    """Which client app filed which report: a Privat/Anonim report is shown only to that client."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="reports")
    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="open311_client")
    token = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("laporan klien Open311")
        verbose_name_plural = _("laporan klien Open311")

    def __str__(self) -> str:
        return f"{self.client} → {self.report_id}"

    @staticmethod
    def new_token() -> str:
        return "tok_" + secrets.token_urlsafe(18)


class ServiceAttribute(models.Model):
    """One extra question of a category's Open311 service definition (GeoReport v2 ``attribute``).

    Keyed by the category code (not a foreign key), so definitions can ship as data before the category
    catalog is loaded, and a city edits them in the admin without code.
    """

    class Datatype(models.TextChoices):
        STRING = "string", "string"
        NUMBER = "number", "number"
        DATETIME = "datetime", "datetime"
        TEXT = "text", "text"
        SINGLE = "singlevaluelist", "singlevaluelist"
        MULTI = "multivaluelist", "multivaluelist"

    LISTS = (Datatype.SINGLE, Datatype.MULTI)

    category_code = models.SlugField(_("kode kategori"), max_length=60, db_index=True)
    code = models.SlugField(_("kode atribut"), max_length=60)
    variable = models.BooleanField(
        _("diisi pelapor"), default=True, help_text=_("Tidak dicentang: hanya keterangan, tanpa isian.")
    )
    datatype = models.CharField(_("jenis data"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("wajib"), default=False)
    datatype_description = models.CharField(_("petunjuk isian"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    description = models.CharField(_("pertanyaan"), max_length=300)
    values = models.JSONField(
        _("pilihan"),
        default=list,
        blank=True,
        help_text=_('Untuk singlevaluelist/multivaluelist: [{"key": "...", "name": "..."}, ...]'),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category_code", "order", "code"]
        verbose_name = _("atribut layanan Open311")
        verbose_name_plural = _("atribut layanan Open311")
        constraints = [models.UniqueConstraint(fields=["category_code", "code"], name="open311_attribute_unique")]

    def __str__(self) -> str:
        return f"{self.category_code}:{self.code}"

    def clean(self) -> None:
        if self.datatype in self.LISTS:
            ok = (
                isinstance(self.values, list)
                and self.values
                and all(
                    isinstance(v, dict) and str(v.get("key", "")).strip() and str(v.get("name", "")).strip()
                    for v in self.values
                )
            )
            if not ok:
                raise ValidationError({"values": _('Isi daftar pilihan: [{"key": "...", "name": "..."}, ...].')})
        elif self.values:
            raise ValidationError({"values": _("Pilihan hanya untuk singlevaluelist/multivaluelist.")})

    def value_keys(self) -> list[str]:
        return [str(v["key"]) for v in self.values or []]
