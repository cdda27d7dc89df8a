from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from sigap.reports.schemas import CodeName, StatusOut


class ReporterIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    nik: str = Field("", max_length=32)


class ReportIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "category": "saluran-tersumbat",
                "description": "Got mampet di depan pasar, air meluap ke jalan saat hujan.",
                "lat": -6.2352,
                "lon": 106.8925,
                "address": "Jl. Pahlawan Revolusi, dekat pasar",
                "privacy": "private",
                "reporter": {"name": "Siti", "phone": "0812-3456-7890"},
            }
        },
    )
    category: str = Field(
        "",
        max_length=60,
        description="Category code (GET /api/v1/categories). Leave empty and "
        "Sigap chooses one from the description (the response says which, with its confidence)",
    )
    description: str = Field(..., min_length=1, max_length=5000)
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    address: str = Field("", max_length=500)
    privacy: str = Field("private", description="private (default, Privat/Rahasia), public, or anonymous")
    reporter: ReporterIn | None = None
    about_unit: str = Field(
        "",
        max_length=80,
        description="Complaints about officials: code of the unit concerned; "
        "that unit and the units below it never see the report",
    )

    @field_validator("lat", "lon", mode="before")
    @classmethod
    def _a_number_not_a_yes(cls, value):
        """``true`` is no coordinate: read as 1.0 it was answered "outside the area, 11,752 km away" (a review)."""
        if isinstance(value, bool):
            raise ValueError("a number is required, not true or false")
        return value


class WarningOut(Schema):
    code: str
    message: str
    message_en: str
    distance_m: int | None = None


class ReportCreatedOut(Schema):
    id: str = Field(..., description="The public report number, e.g. JK202611280001")
    tracking_code: str = Field(
        ..., description="Keep it: it is shown only once and is the only way to follow the report"
    )
    secret: str | None = Field(
        None, description="Anonymous reports only: needed to answer, rate or dispute. Shown once."
    )
    warnings: list[WarningOut] = []
    status: StatusOut
    unit: CodeName
    kelurahan: CodeName | None
    category: CodeName
    category_confidence: float | None = Field(None, description="Set when Sigap chose the category")
    triage: bool = Field(False, description="True when a person at the triage desk will check the category or place")
    privacy: str
    locate_method: str


class CategoryOut(Schema):
    code: str
    group: str
    name: str
    name_en: str
    sensitive: bool
    examples: str
    days_to_resolve: int


class TimelineEntry(Schema):
    at: datetime
    status: StatusOut
    unit: str | None = None
    note: str = ""


class HopPublic(Schema):
    kind: str
    from_unit: str
    to_unit: str
    at: datetime


class PhotoPublic(Schema):
    kind: str
    url: str
    state: str = "ready"  # "processing" until the worker has de-identified it (the URL serves a placeholder)
    state_text: str = ""


class TrackOut(Schema):
    id: str
    category: CodeName
    status: StatusOut
    unit: str | None
    kelurahan: str | None
    created_at: datetime
    due_at: datetime | None
    public_note: str
    question: str | None = None
    rating: int | None = None
    can_rate: bool
    can_confirm: bool = False  # Selesai, and the reporter has not said yet that it is really fixed
    confirmed: bool = False
    can_dispute: bool
    merged_into: str | None = None
    timeline: list[TimelineEntry]
    hops: list[HopPublic]
    photos: list[PhotoPublic]


class RatingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)
    secret: str = Field("", max_length=100, description="Anonymous reports: the secret shown when reporting")


class DisputeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(..., min_length=1, max_length=2000)
    secret: str = Field("", max_length=100, description="Anonymous reports: the secret shown when reporting")


class ConfirmIn(Schema):
    model_config = ConfigDict(extra="forbid")
    secret: str = Field("", max_length=100, description="Anonymous reports: the secret shown when reporting")


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")
    answer: str = Field("", max_length=5000, description="The answer's words (may be left out when photos are sent)")
    secret: str = Field("", max_length=100, description="Anonymous reports: the secret shown when reporting")


class OkOut(Schema):
    ok: bool
    status: StatusOut


class LocateOut(Schema):
    kelurahan: CodeName
    kecamatan: CodeName | None
    kota: CodeName | None
    method: str
    distance_m: float
