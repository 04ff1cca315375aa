"""Small building blocks the program modules are written with.

Each returns a test `Facts -> True / False / None` where None means "unknown": an answer was
不清楚, or the criterion is set outside this document. Keeping the three-valued logic here
means a program module reads like the policy text, not like plumbing.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from eligibility.model import Choice, Facts, Question, Test, When, format_number

YES_NO_HELP = "可以回答：是 / 否 / 不清楚"


def yes(question_id: str) -> Test:
    """Met when the answer is yes; unknown when not answered."""
    return lambda f: None if f.get(question_id) is None else bool(f.get(question_id))


def no(question_id: str) -> Test:
    """Met when the answer is no (e.g. "not drawing 失业保险金")."""
    return lambda f: None if f.get(question_id) is None else not f.get(question_id)


def one_of(question_id: str, *values: Any) -> Test:
    return lambda f: None if f.get(question_id) is None else f.get(question_id) in values


def set_elsewhere(note: str) -> Test:
    """A criterion the document leaves to other rules: always unknown, with the reason."""
    return lambda f: (None, note)


def between(question_id: str, low_param: str, high_param: str, unit: str) -> Test:
    """low <= answer <= high (both inclusive, as 16—24岁 and 3—12个月 are)."""

    def test(f: Facts) -> tuple[bool | None, str]:
        value, low, high = f.get(question_id), f.p(low_param), f.p(high_param)
        if low is None or high is None:
            return False, "当时尚无此规定"
        if value is None:
            return None, ""
        inside = low <= value <= high
        return inside, f"{format_number(value)}{unit}，要求{format_number(low)}—{format_number(high)}{unit}"

    return test


def ratio_reached(part: int | float, whole: int | float, percent: int | float) -> bool:
    """part / whole >= percent%, computed exactly so that 25% of 100 is 25, not 24.999…"""
    if whole <= 0:
        return False
    return Fraction(str(part)) * 100 >= Fraction(str(percent)) * Fraction(str(whole))


def yesno(qid: str, prompt: str, help: str = "", short: str = "", ask_if: When | None = None, ask_during: str | None = None,
          changeable: bool = False, unknown_goes_on: bool = False, prefill: bool = True) -> Question:
    """A yes/no question; `changeable` when a "no" is something the person can still change
    (取得证书, 签订合同): only then is a what-if offered on it. `unknown_goes_on`: 不清楚 still
    leads to the questions that depend on it (see Question.unknown_goes_on). `prefill=False`:
    always asked, never settled from an earlier message (Question.prefill)."""
    return Question(qid, prompt, "yesno", help=help or YES_NO_HELP, short=short, ask_if=ask_if or {}, ask_during=ask_during,
                    changeable=changeable, unknown_goes_on=unknown_goes_on, prefill=prefill)


def choice(qid: str, prompt: str, options: list[tuple[str, str]], help: str = "", short: str = "", ask_if: When | None = None,
           changeable: bool = False, prefill: bool = True, unknown_goes_on: bool = False,
           prefill_not: tuple[Any, ...] = ()) -> Question:
    """A choice question; `unknown_goes_on` as for `yesno`: 不清楚 is a condition to verify
    (少裁员 or not), so the questions that ask_if one of its values are still asked.
    `prefill_not`: values taken only from an answer to it, never from an earlier message."""
    return Question(qid, prompt, "choice", tuple(Choice(v, label) for v, label in options), help=help, short=short,
                    ask_if=ask_if or {}, changeable=changeable, prefill=prefill, unknown_goes_on=unknown_goes_on,
                    prefill_not=prefill_not)


def focus(options: list[tuple[str, str]], qid: str = "focus") -> Question:
    """The hidden question naming the part a resident asked about: (part id, label) pairs. It
    is never asked; the dialog fills it from the message that led to the questionnaire (the
    choices' words are in answer_words.yaml), and the result's headline is then that part."""
    return Question(qid, "您想了解的是哪一项？", "choice", tuple(Choice(v, label) for v, label in options), hidden=True)


def number(
    qid: str,
    prompt: str,
    unit: str,
    minimum: float,
    maximum: float,
    *,
    integer: bool = True,
    help: str = "",
    ask_if: When | None = None,
    ask_during: str | None = None,
    at_least_ok: bool = True,
    adds_hires: bool = False,
    of_year: int | None = None,
    counts_hires: bool = False,
) -> Question:
    """`at_least_ok=False` when a rule on this number has an upper limit (年龄16—24岁, 3—12个月,
    超过100人): "二十多岁" is then re-asked instead of being stored as 20. `adds_hires`: a
    headcount that includes this year's hires (原来二十个人，今年又招了五个 -> 25). `of_year`: the
    figure is of that year counted from the judging date (-1: 上年度); another year named in the
    answer is asked again (Question.of_year). `counts_hires`: the number of this year's hires
    (Question.counts_hires)."""
    return Question(
        qid, prompt, "number", unit=unit, minimum=minimum, maximum=maximum, integer=integer,
        help=help, ask_if=ask_if or {}, ask_during=ask_during, at_least_ok=at_least_ok,
        adds_hires=adds_hires, of_year=of_year, counts_hires=counts_hires,
    )
