"""The transition table, exhaustively: every (from, to) pair against the moves the flow allows."""

import pytest

from sigap.core.errors import TransitionRefused
from sigap.reports.states import NEXT, TYPE, Status, StatusType, check_transition

S = Status

# The allowed moves, written out independently of states.NEXT (so a change to the graph must be
# made consciously in both places).
PASS_ON = {S.COORDINATION, S.DISPOSITION, S.FORWARDED, S.REJECTED, S.MERGED, S.AWAITING_REPORTER}
EXPECTED = {
    S.WAITING: {S.IN_PROGRESS} | PASS_ON,
    S.COORDINATION: {S.IN_PROGRESS} | PASS_ON,
    S.DISPOSITION: {S.IN_PROGRESS} | PASS_ON,
    S.IN_PROGRESS: {S.AWAITING_VALIDATION} | PASS_ON,
    S.FOLLOWUP_REJECTED: {S.IN_PROGRESS, S.AWAITING_VALIDATION} | PASS_ON,
    S.REOPENED: {S.IN_PROGRESS, S.AWAITING_VALIDATION} | PASS_ON,
    S.AWAITING_REPORTER: {
        S.WAITING,
        S.COORDINATION,
        S.DISPOSITION,
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


@pytest.mark.parametrize("before,after", [(0, 0), (1, 0), (0, 1)])
def test_asking_for_validation_without_before_and_after_photo_is_refused(before, after):
    with pytest.raises(TransitionRefused) as err:
        check_transition(S.IN_PROGRESS, S.AWAITING_VALIDATION, before_photos=before, after_photos=after)
    assert err.value.code == "proof_missing"


@pytest.mark.parametrize("target", [S.COORDINATION, S.DISPOSITION, S.REJECTED, S.FORWARDED, S.AWAITING_REPORTER])
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
