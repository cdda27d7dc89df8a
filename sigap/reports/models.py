"""Reports and what happens to them.

A ``Report`` carries nothing about the person who made it: only ``reporter_ref``, an opaque id of a
vault record (``sigap.privacy``). Its ``description`` is the redacted text officers read.
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.organization.models import Category, Unit, Wilayah

from .duplicates import DuplicateState
from .states import OPEN_STATUSES, Status


class Channel(models.TextChoices):
    WEB = "web", _("Aplikasi / web")
    API = "api", _("API")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    TWITTER = "twitter", _("Twitter/X")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    TELEGRAM = "telegram", _("Telegram")
    LAPOR = "lapor", _("LAPOR!")
    COUNTER = "counter", _("Loket tatap muka")
    CALL_CENTER = "call_center", _("Call center")
    PRESS = "press", _("Pemantauan media")
    OPEN311 = "open311", _("Open311")


class Privacy(models.TextChoices):
    PRIVATE = "private", _("Privat/Rahasia")
    PUBLIC = "public", _("Publik")
    ANONYMOUS = "anonymous", _("Anonim")


class Report(models.Model):
    number = models.CharField(_("nomor laporan"), max_length=32, unique=True)
    tracking_hash = models.CharField(max_length=64, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    description = models.TextField(_("uraian"))
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(_("alamat / patokan"), max_length=500, blank=True)
    kelurahan = models.ForeignKey(Wilayah, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    locate_method = models.CharField(max_length=20, blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="reports", verbose_name=_("unit penanganan")
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.WAITING, db_index=True)
    status_changed_at = models.DateTimeField()
    answered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="when the reporter last answered an officer's question; shown in the queue until the next status change",
    )
    resume_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    privacy = models.CharField(_("privasi"), max_length=20, choices=Privacy.choices, default=Privacy.PRIVATE)
    reporter_ref = models.CharField(max_length=64, blank=True, db_index=True)
    secret_hash = models.CharField(max_length=64, blank=True, help_text="Anonim: hash of the reporter's secret")
    concerned_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports_about",
        verbose_name=_("unit yang dilaporkan"),
        help_text=_(
            "Laporan tentang perilaku aparatur: unit ini (dan unit di bawahnya) tidak pernah dapat melihatnya."
        ),
    )
    # the reporter named the unit concerned (``about_unit``): the triage desk may widen that bar, never lift it
    concern_named = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    hop_deadline = models.DateTimeField(null=True, blank=True)
    # escalation (sigap.reports.escalation): how many levels up the report has gone for this hop, and when the
    # next level is due (the hop deadline plus the category's delay; null when none is due)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # the resident's word on a Selesai: confirmed fixed (when), and how many times they said it was not
    confirmed_at = models.DateTimeField(null=True, blank=True)
    disputes = models.PositiveSmallIntegerField(default=0)
    escalate_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # when retention passed the report since it last closed (its reporter's identity, original photos and dialogs
    # destroyed, or none held): the daily run reads only closed reports without it (``report_retention_due``)
    retained_at = models.DateTimeField(null=True, blank=True)
    public_note = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged")
    triage_reason = models.CharField(
        max_length=20,
        blank=True,
        db_index=True,
        help_text="why a human must triage it: location, category, location+category, returned (sent back by a unit)",
    )
    triage_hints = models.JSONField(
        default=dict,
        blank=True,
        help_text="the triage desk's suggestions (categories, kelurahan), computed when written (reports.desk)",
    )
    category_source = models.CharField(
        max_length=10,
        default="reporter",
        help_text="reporter, machine or officer (officer-confirmed rows train the categorizer)",
    )
    category_confidence = models.FloatField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    # the duplicate finder's features, computed once when the report is written (``duplicates.py``)
    # (database defaults too: a bulk load that names only the other columns still loads; then rebuild)
    dup_tokens = models.TextField(blank=True, default="", db_default="", editable=False)
    dup_grams = models.BinaryField(default=b"", db_default=b"", editable=False)
    dup_cell = models.BigIntegerField(null=True, blank=True, editable=False)
    dup_rep = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="the representative of its duplicate cluster; empty: itself",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("laporan")
        verbose_name_plural = _("laporan")
        indexes = [
            # the escalation job reads only reports whose next level is due
            models.Index(
                fields=["escalate_at"], name="report_escalate_at", condition=models.Q(escalate_at__isnull=False)
            ),
            # retention's daily run: closed reports it has not passed yet (a day's worth once the backlog is done)
            models.Index(
                fields=["closed_at"],
                name="report_retention_due",
                condition=models.Q(closed_at__isnull=False, retained_at__isnull=True),
            ),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["category", "status"]),
            # the duplicate finder: same category, a narrow latitude band (then longitude, time, distance)
            models.Index(fields=["category", "lat"], name="report_dup_lookup"),
            # duplicate candidates: the representatives in a block of cells, most recent first
            models.Index(
                fields=["category", "dup_cell", "created_at"],
                name="report_dup_rep_cell",
                condition=models.Q(dup_rep__isnull=True),
            ),
            # the validator queue: reports awaiting validation, longest waiting first; with the concerned unit, the
            # queue's count (minus a validator's conflict-of-interest units) is read index-only
            models.Index(
                fields=["status_changed_at", "id"],
                name="report_awaiting_validation",
                include=["concerned_unit"],
                condition=models.Q(status="awaiting_validation"),
            ),
            # the public list and map, Open311 requests: public reports, newest first (keyset on created_at, id)
            models.Index(fields=["privacy", "created_at", "id"], name="report_public_recent"),
            # the public list's count (it stops at 10,000) and its filters by kota and state: the public reports
            # with what the category rule and the filters read, so the count is index-only, not 10,000 table rows
            models.Index(
                fields=["created_at", "id"],
                name="report_public_cover",
                include=["category", "status", "kelurahan"],
                condition=models.Q(privacy="public"),
            ),
            # the supervisor dashboard: the open reports only, with what its counts, overdue list and map sort and
            # filter on, so a scope's open reports are read index-only (hash-joined with ``ReportUnit``)
            models.Index(
                fields=["id"],
                name="report_open_cover",
                include=["status", "unit", "concerned_unit", "due_at", "hop_deadline", "created_at", "lat", "lon"],
                condition=models.Q(status__in=[s.value for s in OPEN_STATUSES]),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def round_seen(self) -> str:
        """Which round of the report a form was opened on: its last status change, to the microsecond, in UTC. The
        validator's decision carries it back, so a decision made on one round's proof never lands on the next."""
        changed = self.status_changed_at
        return changed.astimezone(UTC).strftime("%Y%m%d%H%M%S%f") if changed else ""

    SEEN_WHILE_PROCESSING = "-p"

    def round_shown(self, proofs) -> str:
        """``round_seen`` as a page shows it with these proof photos: marked when one was still being processed, so
        a decision sent after it is ready is refused until the validator has seen it (``report_validate``)."""
        processing = any(p.state == Photo.State.PROCESSING for p in proofs)
        return self.round_seen + (self.SEEN_WHILE_PROCESSING if processing else "")


class ReportUnit(models.Model):
    """Which units may see a report: one row per unit that holds or ever held it (the current unit and either
    end of every hop), with the few report columns the officer queue sorts and filters on, so a queue page
    is one range of one index. Written by the write path in the same transaction (``visibility.py``);
    ``visibility.rebuild`` derives the same rows from reports and hops in one statement.

    Supervisors see the units below theirs: they query with that unit set (``roles.descendant_unit_ids``);
    ancestors are not stored, so each report has as many rows as units it passed through (usually one)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="unit_rows")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    holds = models.BooleanField(help_text="the report is now at this unit (exactly one row per report)")
    is_open = models.BooleanField()
    status = models.CharField(max_length=30, choices=Status.choices)
    sort_at = models.DateTimeField(
        null=True,
        help_text=(
            "open reports: the most urgent deadline (the hop deadline while a hop awaits acceptance, else the due "
            "date, else the creation time); closed reports: null"
        ),
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    kelurahan = models.ForeignKey(Wilayah, null=True, on_delete=models.PROTECT, related_name="+")
    concerned_unit = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    # What a supervisor's dashboard groups and orders a scope's open reports by, repeated on every row of the
    # report so that the counts read the scope's rows in ``reportunit_open_any`` alone (each report once).
    holder = models.ForeignKey(
        Unit,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        help_text="the unit the report is at now (the report's unit)",
    )
    due_at = models.DateTimeField(null=True)
    hop_deadline = models.DateTimeField(null=True)
    filed_at = models.DateTimeField(null=True, help_text="the report's creation time")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="reportunit_once")]
        indexes = [
            # the open queue of a unit, most urgent first (keyset on sort_at, then newest); status for the counts
            models.Index(
                fields=["unit", "sort_at", "-report"],
                include=["status", "concerned_unit"],
                name="reportunit_open_queue",
                condition=models.Q(holds=True, is_open=True),
            ),
            # the open queue of many units at once (a kota or kecamatan pimpinan's), most urgent first: read in
            # order, skipping other units' rows, instead of sorting every open report of the scope
            models.Index(
                fields=["sort_at", "-report"],
                include=["unit", "status", "concerned_unit"],
                name="reportunit_open_urgency",
                condition=models.Q(holds=True, is_open=True),
            ),
            # everything a unit holds, newest first (the "all" and "closed" views, the capped closed counts)
            models.Index(
                fields=["unit", "-report"],
                include=["status", "is_open", "concerned_unit"],
                name="reportunit_held",
                condition=models.Q(holds=True),
            ),
            # one status of a unit (a status filter), newest first
            models.Index(
                fields=["unit", "status", "-report"], name="reportunit_status", condition=models.Q(holds=True)
            ),
            # the open reports a unit holds or held (a supervisor's dashboard counts: ``analytics.Scope``), with
            # what the counts group by and the overdue list orders by (read from the index alone on PostgreSQL)
            models.Index(
                fields=["unit", "report"],
                include=["status", "holder", "due_at", "hop_deadline", "filed_at", "concerned_unit"],
                name="reportunit_open_any",
                condition=models.Q(is_open=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}@{self.unit_id}"


class StatusChange(models.Model):
    """Append-only history row, one per status change (the reporter's timeline is built from it)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")
    old_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    new_status = models.CharField(max_length=30, choices=Status.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_kind = models.CharField(max_length=20)
    public_note = models.TextField(blank=True)
    internal_note = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)
    # a validation (Selesai or TL Ditolak): whether the unit's proof of the stay carried a flag as the validator
    # decided; a record of the time, which a later recheck of the photos does not rewrite (``summaries``)
    proof_flagged = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    @classmethod
    def event(
        cls, report: Report, *, unit, actor_kind: str, at, public_note: str = "", internal_note: str = ""
    ) -> StatusChange:
        """A row of the timeline that keeps the status (an escalation, the resident's confirmation): shown like a
        change, but counted as none (``old_status == new_status``; the summaries' rebuild skips it)."""
        return cls.objects.create(
            report=report,
            old_status=report.status,
            new_status=report.status,
            unit=unit,
            actor_kind=actor_kind,
            public_note=public_note,
            internal_note=internal_note,
            created_at=at,
        )


class Hop(models.Model):
    """One koordinasi or disposisi: from which unit, to which, by whom, when and why."""

    class Kind(models.TextChoices):
        KOORDINASI = "koordinasi", _("Koordinasi")
        DISPOSISI = "disposisi", _("Disposisi")
        REROUTE = "reroute", _("Pengalihan oleh sistem")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="hops")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="hops_out")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="hops_in")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    revisit = models.BooleanField(default=False, help_text=_("Unit tujuan pernah memegang laporan ini (bolak-balik)."))
    created_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class Photo(models.Model):
    """A de-identified photo (re-encoded, metadata stripped). Reporter photos, and proof before/after.

    The request stores the original (encrypted, vault blob ``original_ref``) and a row in state
    ``processing`` with no ``image``; the worker (``sigap.reports.photoqueue``) de-identifies it and sets
    ``image``, size and hash in state ``ready``. Only a ``ready`` photo's file is ever served; until then
    every surface shows "foto sedang diproses", and after ``SIGAP_PHOTO_MAX_ATTEMPTS`` failed attempts
    the row is ``failed`` ("foto tidak dapat ditampilkan") and the admins are told."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Foto laporan")
        BEFORE = "before", _("Foto sebelum")
        AFTER = "after", _("Foto sesudah")

    class State(models.TextChoices):
        PROCESSING = "processing", _("foto sedang diproses")
        READY = "ready", _("siap")
        FAILED = "failed", _("foto tidak dapat ditampilkan")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    image = models.FileField(upload_to="photos/%Y/%m/", blank=True)  # empty until the worker is done
    content_type = models.CharField(max_length=40, default="image/jpeg")
    width = models.PositiveIntegerField()  # while processing: the upload's declared size
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    original_ref = models.CharField(max_length=64, blank=True, help_text="vault blob of the original upload")
    created_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.READY)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="worker attempts so far (counted at claim)")
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="when a worker took it; stale claims are retried"
    )
    last_error = models.CharField(max_length=200, blank=True)  # an exception type or refusal code, never content
    # Proof checks (sigap.reports.proofcheck), set by the worker from the original before its metadata is dropped.
    # phash: a 64-bit perceptual hash (signed, XOR a pad of the row's own); its two 32-bit halves are indexed as
    # keyed tags, so similar photos are found among millions by a few hundred tags, never by a scan. taken_*: the capture time and place the camera wrote,
    # kept for proof photos only (officers' work); a resident's photo keeps its own only in the vault.
    phash = models.BigIntegerField(null=True, blank=True)
    phash_lo = models.IntegerField(null=True, blank=True)
    phash_hi = models.IntegerField(null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_lat = models.FloatField(null=True, blank=True)
    taken_lon = models.FloatField(null=True, blank=True)
    camera = models.CharField(max_length=16, blank=True, help_text="proof photos: keyed digest of the camera")
    proof_flags = models.JSONField(default=list, blank=True)  # [{"code": ..., params}] shown to the validator

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # the sweep reads only unfinished photos: its cost does not grow with history
            models.Index(fields=["claimed_at", "id"], name="photo_processing", condition=models.Q(state="processing")),
            *[
                models.Index(fields=[f"phash_{h}"], name=f"photo_phash_{h}", condition=models.Q(phash__isnull=False))
                for h in ("lo", "hi")
            ],
        ]

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY and bool(self.image)


class Notification(models.Model):
    """Outbox: a message to the reporter, written in the same transaction as the change behind it.

    The body never contains an address; the vault resolves ``report.reporter_ref`` to the channel
    address at send time (``sigap.privacy.relay``).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("menunggu")
        SENT = "sent", _("terkirim")
        FAILED = "failed", _("gagal (dicoba lagi)")
        DEAD = "dead", _("gagal permanen")
        SKIPPED = "skipped", _("tidak ada kontak")
        SENDING = "sending", _("sedang dikirim")
        UNKNOWN = "unknown", _("tidak pasti terkirim (cek manual)")
        HELD = "held", _("menunggu kanal dikonfigurasi")
        CLAIMED = "claimed", _("diambil pengirim (belum dikirim)")

    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    recipient_ref = models.CharField(
        max_length=64, blank=True, help_text="vault ref of the recipient when there is no report yet (chat dialog)"
    )
    reply_context = models.CharField(
        max_length=200, blank=True, help_text="channel threading (e.g. the tweet to answer publicly)"
    )
    status_change = models.ForeignKey(StatusChange, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    body = models.TextField()
    body_en = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    # Not claimed before this moment: the backoff of a failed row, the pause of a held one (null: at once).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Which sender's claim holds the row (CLAIMED/SENDING): a claim taken over by the sweep is not sent by its old owner.
    claim_token = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notification_due")]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")


class NumberSequence(models.Model):
    """Per-day counter for public report numbers (JK + YYYYMMDD + sequence)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)


class DuplicateCandidate(models.Model):
    """A machine's guess that ``report`` repeats ``original`` (same category, near, recent, similar text)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="duplicate_candidates")
    original = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    distance_m = models.FloatField()
    similarity = models.FloatField()
    state = models.CharField(max_length=10, choices=DuplicateState.choices, default=DuplicateState.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "original"], name="duplicate_pair_once")]


# --- summaries (``sigap.reports.summaries``): what the dashboard and the public statistics read -----------
# Plain integer ids, no foreign keys: a summary row outlives nothing and is rebuilt from the raw tables.


class UnitDay(models.Model):
    """Per local day, unit and concerned unit (0: none): reports filed there (``created``: the first unit),
    arrivals there (``received``: filing or a hop to it), Selesai validations there (``done``) and follow-ups
    rejected there (``rejected``). Kept by the write path; ``summaries.rebuild`` recounts it."""

    day = models.DateField()
    unit_id = models.IntegerField()
    concerned_id = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    received = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    # the unit's record as residents and the validator saw it (``sigap.analytics.performance``)
    flagged = models.IntegerField(default=0, help_text="validations (done or rejected) of a flagged proof")
    reopened = models.IntegerField(default=0, help_text="Selesai reports the resident said were not fixed")
    confirmed = models.IntegerField(default=0, help_text="Selesai reports the resident confirmed as fixed")
    ratings = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    bounced = models.IntegerField(default=0, help_text="hops from the unit back to a unit that held the report")
    from_other_kota = models.IntegerField(
        default=0, help_text="hops to the unit from a unit outside its kota: a kota receives these and its filings"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "unit_id", "concerned_id"], name="unitday_key")]
        indexes = [models.Index(fields=["unit_id", "day"], name="unitday_unit_day")]


class DoneTime(models.Model):
    """One row per Selesai validation: the unit that handled it and the seconds from the report's latest
    arrival at that unit (the dashboard's exact median reads the rows of its period only)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    unit_id = models.IntegerField()
    concerned_id = models.IntegerField(default=0)
    done_at = models.DateTimeField()
    seconds = models.FloatField(null=True)
    total_seconds = models.FloatField(null=True, help_text="from filing to this Selesai")

    class Meta:
        indexes = [
            models.Index(
                fields=["done_at", "unit_id"], name="donetime_at_unit", include=["concerned_id", "total_seconds"]
            ),
            # a set of units' Selesai of a period index-only, already grouped by unit (dashboard, unit tables)
            models.Index(
                fields=["unit_id", "done_at"],
                name="donetime_unit_at_cover",
                include=["concerned_id", "seconds", "total_seconds"],
            ),
        ]


class UnitStay(models.Model):
    """One stay of a report at a unit: from its arrival (filing there or a hop to it) to its end (passed on,
    Selesai, or closed otherwise). A record of the facts at the time, like the timeline: the deadlines then in
    force decide ``late`` (working-time calendars change), so ``rebuild`` does not recount it. Time per hop,
    share overdue and closes within minutes of acceptance are read from the stays that ended in a period."""

    class End(models.TextChoices):
        HOP = "hop"
        DONE = "done"
        CLOSED = "closed"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    unit_id = models.IntegerField()
    concerned_id = models.IntegerField(default=0)
    arrived_at = models.DateTimeField()
    accept_by = models.DateTimeField(null=True, blank=True, help_text="the hop deadline on arrival")
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="first Proses at the unit")
    taken_at = models.DateTimeField(
        null=True, blank=True, help_text="taken into work: first Proses or request for validation, whichever came first"
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="the request for validation (TL Ditolak clears it)"
    )
    # the report's due date and its wait for the reporter, kept in step while the stay is open: the stages open
    # past their deadline are counted from the stays alone (``performance.overdue_open_stays``)
    due_by = models.DateTimeField(null=True, blank=True, help_text="the report's due date then in force")
    paused_at = models.DateTimeField(null=True, blank=True, help_text="the reporter was asked (awaiting answer)")
    late = models.BooleanField(default=False, help_text="a deadline passed during the stay (hop or report)")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended = models.CharField(max_length=8, choices=End.choices, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="arrival to end")
    work_seconds = models.FloatField(null=True, blank=True, help_text="Selesai: from Proses to the request")

    class Meta:
        indexes = [
            # a period's stays read index-only (PostgreSQL; the columns are only kept on other databases): by unit
            # for a set of units (a kota's table: only its rows, already grouped), by time for the whole city
            models.Index(
                fields=["unit_id", "ended_at"],
                name="unitstay_unit_end_cover",
                include=["concerned_id", "late", "ended", "seconds", "work_seconds"],
            ),
            models.Index(
                fields=["ended_at", "unit_id"],
                name="unitstay_end_unit",
                include=["concerned_id", "late", "ended", "seconds", "work_seconds"],
            ),
            models.Index(fields=["report"], name="unitstay_open", condition=models.Q(ended_at__isnull=True)),
            # the open stages of a set of units, read index-only for the ones past their deadline
            models.Index(
                fields=["unit_id"],
                name="unitstay_open_unit",
                include=[
                    "concerned_id",
                    "arrived_at",
                    "accept_by",
                    "taken_at",
                    "submitted_at",
                    "due_by",
                    "paused_at",
                ],
                condition=models.Q(ended_at__isnull=True),
            ),
        ]


class AreaStatus(models.Model):
    """How many reports of a kelurahan (0: none yet) are in each status now: the public statistics' counts."""

    kelurahan_id = models.IntegerField()
    status = models.CharField(max_length=30)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kelurahan_id", "status"], name="areastatus_key")]


class AreaDoneDays(models.Model):
    """Reports of a kelurahan now Selesai, by whole days from filing to Selesai (``days`` capped at
    ``summaries.DAYS_CAP``): the histogram behind the public statistics' median."""

    kelurahan_id = models.IntegerField()
    days = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kelurahan_id", "days"], name="areadonedays_key")]


class Escalation(models.Model):
    """A missed hop deadline taken one level up the hierarchy (kelurahan → kecamatan → kota → Biro Pemerintahan;
    Suku Dinas → Dinas; bidang → its dinas). Open until the report is accepted, passed on or closed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", help_text="the unit that missed")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", help_text="the unit told")
    missed = models.DateTimeField(help_text="the deadline that passed")
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # a unit's "Eskalasi" list: its open escalations only, whatever the history
            models.Index(
                fields=["to_unit", "created_at", "id"],
                name="escalation_open",
                condition=models.Q(resolved_at__isnull=True),
            ),
            models.Index(
                fields=["report"], name="escalation_report_open", condition=models.Q(resolved_at__isnull=True)
            ),
        ]
