"""The shapes every interface app shares: a reference row as ``{"code", "name"}``, a status as its code, label,
type and colour."""

from types import SimpleNamespace

from sigap.reports.schemas import code_name, status_out


def test_a_reference_row_is_its_code_and_name():
    unit = SimpleNamespace(code="kel:31.75.07.1002", name="Kelurahan Pondok Bambu", kind="kelurahan")
    assert code_name(unit) == {"code": "kel:31.75.07.1002", "name": "Kelurahan Pondok Bambu"}
    assert code_name(None) is None


def test_a_status_is_its_code_label_type_and_colour():
    assert status_out("followup_rejected") == {
        "code": "followup_rejected",
        "label": "TL Ditolak",
        "type": "open",
        "colour": "yellow",
    }
