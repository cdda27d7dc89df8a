"""Cutting a reporter's text at whole words: a number is never left as a fragment the redaction door would miss."""

from __future__ import annotations

import pytest

from sigap.core.clip import clip_end, clip_start

NIK = "3174051203850007"


@pytest.mark.parametrize("limit", range(8, 60))
def test_the_end_kept_never_holds_part_of_a_number(limit):
    text = f"gang mawar rt 03 dekat warung, nik saya {NIK} rumah cat hijau"
    out = clip_end(text, limit)
    assert len(out) <= limit and out.startswith("…")
    assert NIK in out or NIK[-5:] not in out
    for word in out[1:].split():
        assert word in text.split()  # every word whole


@pytest.mark.parametrize("limit", range(8, 60))
def test_the_start_kept_never_holds_part_of_a_number(limit):
    text = f"nik saya {NIK} gang mawar rt 03 dekat warung rumah cat hijau"
    out = clip_start(text, limit)
    assert len(out) <= limit and out.endswith("…")
    assert NIK in out or NIK[:5] not in out
    for word in out[:-1].split():
        assert word in text.split()


def test_a_text_within_the_limit_is_left_as_it_is():
    assert clip_start("di jl mawar", 20) == "di jl mawar" and clip_end("di jl mawar", 11) == "di jl mawar"


GROUPED = "3175 0741 0890 0003"


@pytest.mark.parametrize("limit", range(8, 70))
def test_a_number_written_in_groups_is_kept_whole_or_not_at_all(limit):
    """A second review's finding: cut at a space, "…0890 0003" kept a NIK's last groups (birth date, serial)."""
    text = f"gang mawar rt 03, nik saya {GROUPED} rumah cat hijau dekat warung"
    end, start = clip_end(text, limit), clip_start(text, limit)
    assert len(end) <= limit and len(start) <= limit
    for out in (end, start):
        assert GROUPED in out or not any(group in out for group in ("0741", "0890", "0003")), out
