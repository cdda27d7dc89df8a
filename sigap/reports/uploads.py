"""The two forms in which an uploaded photo reaches the write path (``services.reports_create``, ``photo_add``).

``sigap.privacy.photos`` makes them: ``photo_check`` (in the request: the header only) gives a ``CheckedPhoto``,
stored as an encrypted original and de-identified later by the worker; ``photo_clean`` (the worker, or a
synchronous caller such as the demo loader) gives a ``CleanPhoto``, the officer copy itself. They live here so
the write path can take them without importing the privacy layer above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Region = tuple[str, int, int, int, int]  # kind ("face" | "plate"), x, y, w, h in the output image


@dataclass
class CleanPhoto:
    data: bytes = field(repr=False)  # officer copy: JPEG, no metadata, oriented, capped, faces/plates blurred
    width: int
    height: int
    sha256: str  # of ``data``
    content_type: str = "image/jpeg"
    meta: dict = field(default_factory=dict, repr=False)  # captured_at, gps (lat, lon): vault only
    original: bytes = field(default=b"", repr=False)  # the exact upload: encrypted vault only
    blurred_regions: list[Region] = field(default_factory=list)
    phash: int | None = None  # 64-bit perceptual hash of the picture before blurring (sigap.reports.proofcheck)


@dataclass
class CheckedPhoto:
    """An upload whose header passed every check (``photo_check``); nothing of it was decoded.

    ``original`` goes to the encrypted vault only; the worker makes the officer copy from it later."""

    width: int  # declared size, before orientation and capping
    height: int
    format: str
    meta: dict = field(default_factory=dict, repr=False)  # captured_at, gps (lat, lon): vault only
    original: bytes = field(default=b"", repr=False)
