"""The one error type (``sigap.core.errors``): a stable code, both languages, the HTTP status, the field."""

from __future__ import annotations

import pytest

from sigap.core.errors import DomainError, NotFound, NoTupoksi, OutsideArea, PermissionDenied, TransitionRefused


@pytest.mark.parametrize(
    ("cls", "status", "code"),
    [
        (DomainError, 400, "error"),
        (NotFound, 404, "not_found"),
        (PermissionDenied, 403, "forbidden"),
        (TransitionRefused, 409, "transition_refused"),
        (OutsideArea, 422, "outside_area"),
        (NoTupoksi, 422, "no_tupoksi"),
    ],
)
def test_each_kind_has_its_status_and_default_code(cls, status, code):
    err = cls("Pesan.", "Message.")
    assert isinstance(err, DomainError)
    assert (err.status, err.code, err.field) == (status, code, None)
    assert err.as_dict() == {"code": code, "message": "Pesan.", "message_en": "Message."}
    assert str(err) == "Message."


def test_a_refusal_names_its_own_code_status_and_field_without_changing_the_class():
    err = TransitionRefused("Alasan wajib diisi.", "A reason is required.", code="reason_required", field="reason")
    assert (err.status, err.code, err.field) == (409, "reason_required", "reason")
    assert err.as_dict() == {
        "code": "reason_required",
        "message": "Alasan wajib diisi.",
        "message_en": "A reason is required.",
        "field": "reason",
    }
    assert TransitionRefused("a", "b").code == "transition_refused"  # the class default is untouched
    assert DomainError("a", "b", status=413).status == 413


def test_the_module_imports_nothing_from_django():
    """Pure modules (rules, clock, redaction) raise it, so it must not need Django."""
    import ast
    from pathlib import Path

    import sigap.core.errors as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not any(name and name.startswith("django") for name in imported)
