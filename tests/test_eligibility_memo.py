"""Memoised eligibility functions (eligibility/__init__.py `_memo`).

The memo must be invisible: the same answers give an equal result whether computed or
remembered; data loaded anew (a live reload) is judged afresh; answers are matched by value,
not by the dict they came in; the memo stays bounded.
"""

from __future__ import annotations

from datetime import date

import eligibility
from eligibility import engine
from eligibility.context import load_context

AS_OF = date(2026, 11, 26)
ANSWERS = {"role": "individual"}


def fresh_context():
    ctx, problems = load_context()
    assert problems == []
    return ctx


def test_a_remembered_result_equals_a_computed_one_and_new_data_is_judged_afresh() -> None:
    ctx = fresh_context()
    program = eligibility.get_program("internship")
    first = eligibility.assess(program, dict(ANSWERS), as_of=AS_OF, ctx=ctx)
    again = eligibility.assess(program, dict(ANSWERS), as_of=AS_OF, ctx=ctx)  # another dict, same value
    assert again is first
    assert first == engine.assess(program, ANSWERS, ctx, AS_OF)

    other = fresh_context()  # what a reload installs
    assert eligibility.assess(program, dict(ANSWERS), as_of=AS_OF, ctx=other) is not first


def test_different_answers_or_dates_are_not_confused() -> None:
    ctx = fresh_context()
    program = eligibility.get_program("internship")
    q_first = eligibility.next_question(program, {}, as_of=AS_OF, ctx=ctx)
    q_after = eligibility.next_question(program, {q_first.id: None}, as_of=AS_OF, ctx=ctx)
    assert q_after != q_first
    assert eligibility.progress(program, {}, as_of=AS_OF, ctx=ctx)[0] == 1
    early = eligibility.assess(program, ANSWERS, as_of=date(2019, 6, 1), ctx=ctx)
    late = eligibility.assess(program, ANSWERS, as_of=AS_OF, ctx=ctx)
    assert early.as_of != late.as_of


def test_unhashable_answers_still_work_and_the_memo_stays_bounded(monkeypatch) -> None:
    ctx = fresh_context()
    program = eligibility.get_program("internship")
    odd = {"role": "individual", "notes": ["a", "list"]}  # never from parse_answer, but allowed
    assert eligibility.assess(program, odd, as_of=AS_OF, ctx=ctx) == engine.assess(program, odd, ctx, AS_OF)
    monkeypatch.setattr(eligibility, "MEMO_LIMIT", 5)
    for age in range(20):
        eligibility.progress(program, {**ANSWERS, "age": age}, as_of=AS_OF, ctx=ctx)
    assert len(ctx.memo) <= 5
