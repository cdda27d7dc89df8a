"""The transition table, exhaustively: every (from, to) pair against the moves the flow allows."""

from datetime import UTC, datetime, timedelta

import pytest

from sigap.core.errors import TransitionRefused
from sigap.reports.states import (
    AWAITING_ACCEPTANCE,
    CLOSED_STATUSES,
    DISPUTE_WINDOW_DAYS,
    DONE_STATUSES,
    ENDED_STATUSES,
    NEXT,
    OPEN_STATUSES,
    TYPE,
    WORKING,
    Status,
    StatusType,
    can_dispute,
    check_transition,
    dispute_window_closed,
    is_open,
)

S = Status

# The allowed moves, written out independently of states.NEXT (so a change to the graph must be
# made consciously in both places).
PASS_ON = {S.KOORDINASI, S.DISPOSISI, S.FORWARDED, S.REJECTED, S.MERGED, S.AWAITING_REPORTER}
EXPECTED = {
    S.WAITING: {S.IN_PROGRESS} | PASS_ON,
    S.KOORDINASI: {S.IN_PROGRESS} | PASS_ON,
    S.DISPOSISI: {S.IN_PROGRESS} | PASS_ON,
    S.IN_PROGRESS: {S.AWAITING_VALIDATION} | PASS_ON,
    S.FOLLOWUP_REJECTED: {S.IN_PROGRESS, S.AWAITING_VALIDATION} | PASS_ON,
    S.REOPENED: {S.IN_PROGRESS, S.AWAITING_VALIDATION} | PASS_ON,
    S.AWAITING_REPORTER: {
        S.WAITING,
        S.KOORDINASI,
        S.DISPOSISI,
        S.IN_PROGRESS,
        S.FOLLOWUP_REJECTED,
        S.REOPENED,
        S.REJECTED,
        S.CLOSED_NO_RESPONSE,
    },
    S.AWAITING_VALIDATION: {S.DONE, S.FOLLOWUP_REJECTED},
    S.DONE: {S.REOPENED},
    S.REJECTED: set(),
    S.MERGED: set(),
    S.FORWARDED: set(),
    S.CLOSED_NO_RESPONSE: set(),
}

ALL_PAIRS = [(a, b) for a in Status for b in Status]


def test_every_status_has_a_row_and_a_type():
    assert set(NEXT) == set(Status) == set(EXPECTED) == set(TYPE)


@pytest.mark.parametrize("current,target", ALL_PAIRS, ids=[f"{a.value}->{b.value}" for a, b in ALL_PAIRS])
def test_transition_table(current, target):
    kwargs = {"before_photos": 1, "after_photos": 1, "reason": "alasan yang jelas"}
    if target in EXPECTED[current]:
        check_transition(current, target, **kwargs)
    else:
        with pytest.raises(TransitionRefused) as err:
            check_transition(current, target, **kwargs)
        assert err.value.code == "transition_refused"
        assert "tidak diizinkan" in err.value.message_id and "not allowed" in err.value.message_en


def test_closed_and_done_types():
    assert TYPE[S.DONE] == StatusType.DONE
    assert {s for s, t in TYPE.items() if t == StatusType.CLOSED} == {
        S.REJECTED,
        S.MERGED,
        S.FORWARDED,
        S.CLOSED_NO_RESPONSE,
    }


def test_the_status_sets_partition_every_status_exactly_once():
    sets = {"open": OPEN_STATUSES, "done": DONE_STATUSES, "closed": CLOSED_STATUSES}
    for status in Status:
        assert [name for name, members in sets.items() if status in members] == [TYPE[status].value], status
    assert set(ENDED_STATUSES) == set(Status) - set(OPEN_STATUSES) == set(DONE_STATUSES) | set(CLOSED_STATUSES)
    assert set(OPEN_STATUSES) == {s for s in Status if is_open(s)}
    assert DONE_STATUSES == (S.DONE,)


def test_the_status_sets_keep_the_order_of_status():
    """A query or index condition built from a set reads the same in every process (a migration compares it)."""
    for members in (OPEN_STATUSES, DONE_STATUSES, CLOSED_STATUSES, ENDED_STATUSES):
        assert list(members) == [s for s in Status if s in members]
        assert len(set(members)) == len(members)


def test_awaiting_acceptance_and_working_are_open_statuses():
    assert AWAITING_ACCEPTANCE.issubset(OPEN_STATUSES) and WORKING.issubset(OPEN_STATUSES)
    assert S.AWAITING_REPORTER not in AWAITING_ACCEPTANCE | WORKING


def test_a_done_report_can_be_disputed_up_to_the_last_instant_of_its_window():
    closed = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    edge = closed + timedelta(days=DISPUTE_WINDOW_DAYS)
    assert can_dispute(S.DONE, closed, edge) and not dispute_window_closed(closed, edge)
    past = edge + timedelta(microseconds=1)
    assert not can_dispute(S.DONE, closed, past) and dispute_window_closed(closed, past)
    assert not can_dispute(S.REOPENED, closed, closed) and not can_dispute("rejected", closed, closed)
    assert not can_dispute(S.DONE, None, closed) and not dispute_window_closed(None, past)


@pytest.mark.parametrize("before,after", [(0, 0), (1, 0), (0, 1)])
def test_asking_for_validation_without_before_and_after_photo_is_refused(before, after):
    with pytest.raises(TransitionRefused) as err:
        check_transition(S.IN_PROGRESS, S.AWAITING_VALIDATION, before_photos=before, after_photos=after)
    assert err.value.code == "proof_missing"


@pytest.mark.parametrize("target", [S.KOORDINASI, S.DISPOSISI, S.REJECTED, S.FORWARDED, S.AWAITING_REPORTER])
def test_passing_on_or_refusing_needs_a_reason(target):
    with pytest.raises(TransitionRefused) as err:
        check_transition(S.WAITING, target, reason="  ")
    assert err.value.code == "reason_required" and err.value.field == "reason"


def test_validator_rejection_needs_a_reason():
    with pytest.raises(TransitionRefused):
        check_transition(S.AWAITING_VALIDATION, S.FOLLOWUP_REJECTED, reason="")


def test_waiting_for_reporter_resumes_only_to_where_it_was():
    check_transition(S.AWAITING_REPORTER, S.IN_PROGRESS, resume_status="in_progress")
    with pytest.raises(TransitionRefused):
        check_transition(S.AWAITING_REPORTER, S.WAITING, resume_status="in_progress")
    check_transition(S.AWAITING_REPORTER, S.REJECTED, resume_status="in_progress", reason="tidak ada jawaban")


def _status_sets_built_outside_states() -> list[str]:
    """Comprehensions over ``Status`` filtered by a status's type, in any module but ``states.py``."""
    import ast
    from pathlib import Path

    import sigap

    root = Path(sigap.__file__).resolve().parent
    typed = {"is_open", "status_type", "TYPE", "StatusType"}
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[1:2] in (("migrations",), ("tests",)) or rel == Path("reports/states.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.comprehension):
                continue
            iterated = node.iter.id if isinstance(node.iter, ast.Name) else getattr(node.iter, "attr", "")
            names = {n.id for cond in node.ifs for n in ast.walk(cond) if isinstance(n, ast.Name)}
            if iterated == "Status" and names & typed:
                found.append(f"{rel}:{node.iter.lineno}")
    return found


def test_status_sets_are_named_once_in_states():
    """Open, done, closed: import ``OPEN_STATUSES`` and its siblings instead of filtering ``Status`` again."""
    assert _status_sets_built_outside_states() == []
