"""The fixed texts the bot says (dialog/data/texts.yaml): greeting, help, privacy notice,
menu buttons, questionnaire navigation. Staff may change the wording.

Why a checked contract: the engine looks each text up by its key and fills in `{placeholders}`
(`{days}` in the privacy notice …). A key renamed by mistake, a placeholder the engine does
not fill, or an unbalanced brace would otherwise surface as a crash in some resident's turn.
So the file is checked like the other staff YAML: at start-up, by `policybot check` and on
every live reload, with `file:line: message` problems; a broken file is never taken live.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

from knowledge.base import display_path
from knowledge.yamlsource import LineDict, Problem, load_yaml

PACKAGE_TEXTS = Path(__file__).parent / "data" / "texts.yaml"


def default_texts_file() -> Path:
    """$POLICYBOT_TEXTS when set (a staff copy, like POLICYBOT_DATA), else the shipped file."""
    return Path(os.environ.get("POLICYBOT_TEXTS") or PACKAGE_TEXTS)


# Every text the engine uses, with the placeholders it fills in (empty: the text is shown as
# written, so a brace in it is just a brace). A text may leave a placeholder out.
TEXT_FIELDS: dict[str, frozenset[str]] = {
    key: frozenset(fields) for key, fields in {
        "greeting": (), "privacy": ("days", "session_days"), "help": (), "menu_prompt": (),
        "ask_prompt": (), "menu_ask": (), "menu_find": (), "menu_list": (), "menu_contact": (),
        "back_to_menu": (), "check_me": (), "show_original": (), "nav_back": (), "nav_restart": (),
        "nav_exit": (), "unknown_answer": (), "resume_question": ("label", "step", "total"),
        "resume_continue": (), "resume_restart": (), "questionnaire_intro": ("label",),
        "finder_intro": (), "finder_result": (), "finder_more": ("programs",), "finder_none": (), "result_more": (),
        "digression_back": (), "exited": (), "list_prompt": (), "list_section": ("title",),
        "contact_intro": (), "phone_missing": (), "forget_confirm": (), "forget_yes": (), "forget_say_it": (),
        "forget_no": (), "forget_done": (), "forget_kept": (), "non_text": (), "empty": (),
        "too_long": ("limit",), "hello": (), "thanks": (), "number_hint": (),
        "number_hint_numbered": (), "busy": (), "not_a_question": (), "statement_heard": (), "complaint": (), "story_heard": (), "wait": (), "foreign": (), "pinyin_heard": ("text",), "tentative_verdict": ("count",),
        "late_answer": ("label", "result"), "sum_after_failed": ("label", "failed"), "sum_after_result": ("label", "sum"), "asked_while_answering": ("label", "help"),
        "topic_pick": ("word",), "nothing_more": (), "no_questionnaire": (), "goodbye_idle": (), "multi_intro": ("count",), "multi_intro_plain": ("count",),
        "multi_not_covered": (), "prefilled": ("facts",), "ruled_out": ("condition", "note"), "why_not": ("label", "failed"), "short_of_nothing": ("label",), "number_to_yesno": (), "staff_after_hires": (), "hires_rough_later": ("low", "high"), "hires_kept": ("answer",), "range_settled": ("low", "high", "unit"), "range_exact": (), "range_kept": ("low", "high", "unit"), "finder_role_unknown": (), "range_preview": ("low", "high", "unit", "verdict", "amounts"), "range_or_unknown": ("low", "high", "unit"), "range_asked": ("low", "high", "unit"), "correction_unchanged": (), "range_exact_now": ("low", "high", "unit"), "about_exact": ("said", "low", "high", "unit"), "stale_answer_button": (), "finder_continue": (), "corrected": ("question", "answer"), "what_if": ("question", "answer"), "correct_which": ("which",), "explain_question": (), "unknown_once": ("why",), "unknown_kept": (), "questionnaire_no_questions": ("label",), "list_programs": ("programs",),
        "contact_county": (),
        # What residents type about the conversation (dialog/flows/questions.py `_on_conversation`).
        "goodbye": (), "goodbye_exited": (), "overview": ("programs",), "simpler": ("answer",),
        "simpler_where": (), "already_said_found": ("said", "answer"), "already_said_missing": (),
        "third_person": ("who",), "third_person_ask": ("who",), "switch_to_self": (),
        # The web page's own words (dialog/channels/web.py puts them into the page).
        "page_big": (), "page_read": (), "page_stop": (), "page_more": (), "page_less": (),
        "page_forget": (), "page_restored": (), "page_welcome": (), "page_menu": (),
        "page_retry": (), "page_offline": (),
    }.items()
}


# A value of the type the engine fills each placeholder with: every text is filled in once
# when checked, so a format spec or conversion that would fail (`{days:天}`, `{label!x}`)
# is a problem at its line, not a crash in a resident's turn.
SAMPLE_VALUES: dict[str, object] = {
    "days": 180, "session_days": "7", "label": "就业见习补贴", "step": 2, "total": 5, "limit": 500,
    "title": "鼓励创业带动就业", "word": "贷款", "count": 2, "facts": "失业青年；19岁", "low": "20",
    "high": "24", "unit": "岁", "question": "您属于哪一类", "answer": "大龄",
    "programs": "就业见习补贴、创业担保贷款", "said": "100人", "which": "“在职职工人数”、“新招用人数”", "why": "可以看社保缴费记录。",
    "who": "儿子", "result": "结果：符合", "text": "见习补贴多少钱",
    "condition": "见习期3—12个月", "note": "（2个月，不足文件规定的3—12个月）", "failed": "不裁员或少裁员", "help": "文件没有规定“大龄”是多少岁。",
    "sum": "预计5人 × 12个月 × 1000元 = 60000元（6万元）", "verdict": "符合", "amounts": "4200元—4800元",
}


class InvalidTexts(Exception):
    """texts.yaml has problems; `.problems` lists them as file:line: message."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def check_texts(path: Path | None = None) -> tuple[dict[str, str] | None, list[Problem]]:
    """Load and check the texts (default: default_texts_file()); returns (texts, []) or
    (None, problems)."""
    path = path or default_texts_file()
    name = display_path(path)
    data, problems = load_yaml(path, name)
    if data is None:
        return None, problems
    if not isinstance(data, LineDict):
        return None, problems + [Problem(name, getattr(data, "line", 1) or 1, "文件应该是一行一行的“名称: 话术”")]
    texts: dict[str, str] = {}
    for key, value in data.items():
        line = data.line_of(key)
        if key not in TEXT_FIELDS:
            problems.append(Problem(name, line, f"没有“{key}”这条话术：冒号前面的名称不能改，只改后面的字"
                                                "（名称拼错了？）"))
            continue
        if not isinstance(value, str):
            problems.append(Problem(name, line, f"“{key}”应该是文字：看起来像数字、yes/no 或日期的话，"
                                                "整句加引号"))
            continue
        text = value.strip()
        if not text:
            problems.append(Problem(name, line, f"“{key}”是空的"))
            continue
        problems += _check_placeholders(name, line, key, text)
        texts[key] = text
    for key in TEXT_FIELDS:
        if key not in data:
            problems.append(Problem(name, data.line or 1, f"缺少“{key}”这条话术（每一条机器人都要用，"
                                                          "请从原来的文件里复制回来）"))
    return (None, problems) if problems else (texts, [])


def load_texts(path: Path | None = None) -> dict[str, str]:
    """The checked texts; raises InvalidTexts with every problem."""
    texts, problems = check_texts(path)
    if texts is None:
        raise InvalidTexts(problems)
    return texts


def _check_placeholders(name: str, line: int, key: str, text: str) -> list[Problem]:
    allowed = TEXT_FIELDS[key]
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    except ValueError as exc:
        if not allowed:
            return []  # shown as written: braces are just characters here
        return [Problem(name, line, f"“{key}”里的花括号没有配对：要显示花括号本身，"
                                       f"请写成 {{{{ 和 }}}}（技术细节：{exc}）")]
    if not allowed:
        if fields:
            return [Problem(name, line, f"“{key}”不能用 {{占位符}}：{{{fields[0]}}} 会原样显示给群众")]
        return []
    problems = []
    for field in fields:
        if field not in allowed:
            known = "、".join(f"{{{f}}}" for f in sorted(allowed))
            problems.append(Problem(name, line, f"“{key}”里的 {{{field}}} 不认识（这条话术能用的是 {known}）"))
    if not problems:
        try:
            text.format(**{field: SAMPLE_VALUES[field] for field in allowed})
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
            problems.append(Problem(name, line, f"“{key}”里的占位符填不进去：请照原样写，比如 {{label}}"
                                                f"（技术细节：{type(exc).__name__}: {exc}）"))
    return problems
