"""Schemas shared by every interface app (citizen, officer, later Open311)."""

from __future__ import annotations

from ninja import Schema

from .states import COLOUR, Status, status_type


class CodeName(Schema):
    code: str
    name: str


def code_name(ref) -> dict | None:
    """A category, unit or region (anything with ``code`` and ``name``) as every API shows it; None for none."""
    return {"code": ref.code, "name": ref.name} if ref is not None else None


class StatusOut(Schema):
    code: str
    label: str
    type: str
    colour: str


def status_out(code: str) -> dict:
    status = Status(code)
    return {
        "code": status.value,
        "label": str(status.label),
        "type": status_type(status).value,
        "colour": COLOUR[status],
    }
