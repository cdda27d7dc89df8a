"""Derived data (``sigap.reports.derived``): every set-based rebuild is registered, runs in order, each in its own
transaction, and can be run alone. Each rebuild's own result is tested with its module (test_duplicates,
test_visibility, test_summaries, test_desk)."""

from __future__ import annotations

from importlib import import_module

import pytest

from sigap.reports import derived


def test_every_registered_rebuild_exists_and_the_names_are_unique():
    names = [name for name, _path in derived.REBUILDS]
    assert names == ["duplicate_features", "report_visibility", "report_visibility_copies", "summaries", "triage_hints"]
    for _name, path in derived.REBUILDS:
        module, _, attr = path.rpartition(".")
        assert callable(getattr(import_module(module), attr))


@pytest.mark.django_db
def test_rebuild_all_runs_each_in_order_and_only_the_ones_asked_for(monkeypatch):
    ran: list[str] = []
    for name, path in derived.REBUILDS:
        module, _, attr = path.rpartition(".")
        monkeypatch.setattr(import_module(module), attr, lambda name=name: ran.append(name))
    said: list[str] = []
    derived.rebuild_all(say=said.append)
    assert (
        ran
        == said
        == ["duplicate_features", "report_visibility", "report_visibility_copies", "summaries", "triage_hints"]
    )
    ran.clear()
    derived.rebuild_all(only={"summaries", "duplicate_features"})
    assert ran == ["duplicate_features", "summaries"]


@pytest.mark.django_db
def test_the_operators_command_lists_and_runs_the_rebuilds(monkeypatch):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("derived", "list", stdout=out)
    assert out.getvalue().split() == [name for name, _ in derived.REBUILDS]
    ran: list[str] = []
    for name, path in derived.REBUILDS:
        module, _, attr = path.rpartition(".")
        monkeypatch.setattr(import_module(module), attr, lambda name=name: ran.append(name))
    out = StringIO()
    call_command("derived", "rebuild", "--only", "triage_hints", "--only", "summaries", stdout=out)
    assert ran == ["summaries", "triage_hints"]
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == ["summaries", "triage_hints"]
    with pytest.raises(CommandError, match="unknown rebuild nope"):
        call_command("derived", "rebuild", "--only", "nope")
    assert ran == ["summaries", "triage_hints"]
