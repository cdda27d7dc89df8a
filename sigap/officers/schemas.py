from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from sigap.reports.schemas import CodeName, StatusOut


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    otp: str = Field("", max_length=12, description="6-digit code from the authenticator app (accounts above officer)")


class TokenOut(Schema):
    token: str
    expires_at: datetime
    username: str
    units: list[CodeName]
    roles: list[str]


class QueueItem(Schema):
    id: str
    category: CodeName
    status: StatusOut
    unit: CodeName | None
    kelurahan: CodeName | None
    created_at: datetime
    due_at: datetime | None
    hop_deadline: datetime | None
    overdue: bool
    new: bool = Field(..., description="Arrived at its unit and not accepted yet (its hop deadline is running)")
    answered: bool = Field(
        False, description="The reporter answered the unit's question and the report has not moved since"
    )
    excerpt: str


class QueueOut(Schema):
    count: int = Field(..., description="Reports matching the filters; counted up to 1,000 (see count_capped)")
    count_capped: bool = Field(False, description='More than 1,000 match: count is 1,000 (shown as "1.000+")')
    page: int
    page_size: int
    next_cursor: str | None = Field(None, description="Pass as cursor= for the next page (keyset; none after the last)")
    counts: dict[str, int] = Field(
        ...,
        description=(
            "Reports per status in the queue, ignoring the status and overdue filters: every open status; closed "
            "statuses only while there are at most 1,000 closed reports (else see closed_capped)"
        ),
    )
    closed_capped: bool = Field(False, description="More than 1,000 closed reports: counts lists open statuses only")
    results: list[QueueItem]


class ProofFlagOut(Schema):
    code: str  # reused, taken_before_report, taken_after_upload, no_time, quick_pair, after_before_before, far, no_position
    text: str


class PhotoOut(Schema):
    id: int
    kind: str
    unit: str | None
    url: str
    width: int
    height: int
    created_at: datetime
    state: str = "ready"  # "processing": the worker has not finished (the URL serves a placeholder); "failed"
    state_text: str = ""  # "foto sedang diproses" / "foto tidak dapat ditampilkan" in the caller's language
    # proof checks (before/after): why the validator should look twice, in the caller's language; accepting a
    # flagged proof needs a reason (422 reason_required)
    flags: list[ProofFlagOut] = []


class HistoryOut(Schema):
    at: datetime
    old_status: str
    status: StatusOut
    unit: CodeName | None
    by: str | None
    public_note: str
    internal_note: str


class HopOut(Schema):
    kind: str
    from_unit: CodeName
    to_unit: CodeName
    by: str | None
    reason: str
    at: datetime
    accepted_at: datetime | None
    revisit: bool


class ReportDetail(Schema):
    id: str
    category: CodeName
    description: str
    address: str
    lat: float | None
    lon: float | None
    kelurahan: CodeName | None
    unit: CodeName | None
    status: StatusOut
    channel: str
    privacy: str
    created_at: datetime
    due_at: datetime | None
    hop_deadline: datetime | None
    overdue: bool
    bounces: int
    public_note: str
    rating: int | None
    rating_comment: str
    merged_into: str | None
    photos: list[PhotoOut]
    history: list[HistoryOut]
    hops: list[HopOut]
    allowed: list[str]
    # the report's round (its last status change): sent back with a validation as ``seen``
    round_seen: str


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=2000)


class HopIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "to_unit": "sudin-bina-marga:31.75",
                "reason": "bukan tupoksi: jalan kota, wewenang Suku Dinas Bina Marga",
            }
        },
    )
    to_unit: str = Field(..., min_length=1, max_length=80)
    reason: str = Field(..., min_length=1, max_length=2000)


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(..., min_length=1, max_length=2000)


class ForwardIn(Schema):
    model_config = ConfigDict(extra="forbid")
    destination: str = Field(..., min_length=1, max_length=200)
    reason: str = Field(..., min_length=1, max_length=2000)


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    into: str = Field(..., min_length=1, max_length=32)
    reason: str = Field("", max_length=2000)


class QuestionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    question: str = Field("", max_length=2000, description="The question in words (not for an Anonim report)")
    question_code: str = Field(
        "",
        max_length=40,
        description="A question from the list (docs/api.md); the only way to ask an Anonim report",
    )


class ValidateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    accept: bool
    reason: str = Field("", max_length=2000)
    # the round the decision was made on (the report's ``round_seen`` when it was read): a report submitted again
    # since is refused 409 ``report_changed``
    seen: str = Field("", max_length=32)


class ActionOut(Schema):
    id: str
    status: StatusOut
    unit: CodeName | None


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None


class SuggestionOut(Schema):
    coordinate: list[UnitOut]
    dispose: list[UnitOut]


class TriageIn(Schema):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"category": "saluran-tersumbat", "kelurahan": "31.75.07.1002"}}
    )
    category: str = Field(..., min_length=1, max_length=60)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    kelurahan: str = Field("", max_length=20, description="Kemendagri code; its inner point becomes the location")
    about_unit: str = Field(
        "",
        max_length=80,
        description=(
            "Only with category pelayanan-aparatur: code of the unit the complaint is about (default: the unit the "
            "reporter named, else the kelurahan of the location). Refused (422) with any other category."
        ),
    )
    note: str = Field("", max_length=2000)
