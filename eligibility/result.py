"""What a resident gets back: verdict, checklist, amount, what-if, how to apply, contacts.

`to_text()` is written for a phone: the first lines carry the verdict and the amount, so a
reader who stops there still has the answer. `to_dict()` is the same content as JSON-able
data for the web chat, the dialog engine and `policybot assess --json`. `to_chat_text()` is
the compact version for chat channels (~600 characters: one line per condition, one citation
line instead of quoted sentences, at most 3 steps, one contact line).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from eligibility.model import (
    ELIGIBLE,
    EXPIRED,
    MET,
    NOT_ELIGIBLE,
    NOT_MET,
    TO_VERIFY,
    WHO_LABELS,
    Estimate,
    cn_date,
)
from eligibility.staffdata import MATERIALS_DEFAULT

DISCLAIMER = "结果仅供参考，以经办机构审核为准。"
UNDECIDED = "undecided"  # the id of the headline part while the first answer (个人还是单位) is unknown
# Marks every Chinese font has (√ × ？): emoji show as empty boxes on some phones and browsers.
_MARK = {MET: "√", NOT_MET: "×"}
_INFO_MARK = "·"  # a check that changes the amount, not the verdict: never a × in a 符合 result


def _mark(c: Check) -> str:
    if not c.required and c.status != MET:
        return _INFO_MARK
    return _MARK.get(c.status, "？")
_STATUS_WORDS = {MET: "符合", NOT_MET: "不符合"}
_INFO_WORDS = {MET: "达到", NOT_MET: "未达到"}  # a check that changes the amount, not the verdict


@dataclass(frozen=True)
class Check:
    """One condition as judged: status met / not_met / unknown, with its clause and sentence."""

    id: str
    text: str
    status: str
    clause: str
    clause_label: str
    sentence: str
    note: str = ""
    group: str | None = None
    required: bool = True
    asked: bool = True  # False: its question was never asked (an earlier answer settled things)
    elsewhere: bool = False  # reads no answer: a criterion set outside the document (always unknown)


@dataclass(frozen=True)
class PartResult:
    id: str
    label: str
    verdict: str
    gives: str
    checks: tuple[Check, ...] = ()
    estimates: tuple[Estimate, ...] = ()
    what_if: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    period: str = ""  # e.g. 2019年1月1日至2020年12月31日
    expired_note: str = ""  # for 已到期: until when it ran, what it gave, what it would have meant
    then_verdict: str | None = None  # for 已到期: the verdict on the last day it ran
    main: bool = True
    not_in_force: bool = False  # judged before the provision started: 不符合, with the reason in notes

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["estimates"] = [e.to_dict() for e in self.estimates]
        return data


@dataclass(frozen=True)
class ContactLine:
    name: str
    role: str  # 牵头单位 / 配合单位 / 县（市）政府 / 服务热线
    phone: str  # as shown: the number, or （电话待工作人员填写）
    address: str = ""


@dataclass(frozen=True)
class Result:
    program_id: str
    program_label: str
    who: str
    as_of: date
    document: str  # 临州府发〔2019〕3号
    references: tuple[str, ...]  # 第六条, …
    main: PartResult
    extras: tuple[PartResult, ...] = ()
    steps: tuple[str, ...] = ()
    where: str = ""
    materials: tuple[str, ...] = ()
    contacts: tuple[ContactLine, ...] = ()
    disclaimer: str = DISCLAIMER
    unused_facts: tuple[str, ...] = field(default=())  # answers ignored because a skip rule applies

    @property
    def verdict(self) -> str:
        return self.main.verdict

    @property
    def checks(self) -> tuple[Check, ...]:
        return self.main.checks

    @property
    def amount(self) -> float | None:
        """The headline amount (first estimate of the main part), in 元; its kind is
        `amount_kind`. None when the document gives none, when the verdict is 不符合 (what
        they could get then is in the what-if), when a cap (最高…) belongs to a 需核实 result,
        and when an ended provision would not have applied either."""
        return _amount_of(self.main)

    @property
    def amount_kind(self) -> str | None:
        """"estimate" (what is expected to be paid), "maximum" (a cap: 最高可贷15万元) or None
        when there is no amount."""
        return self.main.estimates[0].kind if self.amount is not None else None

    @property
    def what_if(self) -> tuple[str, ...]:
        return self.main.what_if

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program_id,
            "label": self.program_label,
            "who": self.who,
            "as_of": self.as_of.isoformat(),
            "verdict": self.verdict,
            "verdict_text": verdict_text(self.main),
            "amount": self.amount,
            "amount_kind": self.amount_kind,
            "document": self.document,
            "references": list(self.references),
            "main": self.main.to_dict(),
            "extras": [p.to_dict() for p in self.extras],
            "how_to_apply": {
                "steps": list(self.steps) if self._open_steps() is not None else [],
                "ended": self._ended_line(),
                "where": self.where,
                "materials": list(self.materials) or [MATERIALS_DEFAULT],
            },
            "contacts": [asdict(c) for c in self.contacts],
            "disclaimer": self.disclaimer,
            "unused_facts": list(self.unused_facts),
        }

    def to_text(self) -> str:
        """Plain Chinese for a phone screen; verdict and amount first."""
        label = self.main.label
        lines = [f"【{label}】" if label.startswith(self.program_label) or label == self.program_label
                 else f"【{self.program_label}】{label}"]
        lines.append(f"结果：{verdict_text(self.main)}（按{cn_date(self.as_of)}的规定判断）")
        lines += _headline(self.main)
        lines.append("")
        lines += _part_body(self.main)
        shown = {(c.id, c.status) for c in _visible(self.main)}
        alike, others = _split_alike(self.main, self.extras)
        if alike:
            lines += ["", _alike_line(alike, self.main)]
        for extra in others:
            lines.append("")
            lines.append(f"▶ {extra.label}：{verdict_text(extra)}")
            lines += _headline(extra, indent="  ")
            lines += ["  " + line for line in _part_body(extra, above=shown)]
        ended = self._ended_line()
        if ended:
            lines += ["", ended]
        if self.steps and self._open_steps() is not None:
            lines += ["", f"怎么申请{self._open_steps()}："]
            lines += [f"{i}. {step}" for i, step in enumerate(self.steps, 1)]
        if self._open_steps() is not None:
            lines.append(f"需要材料：{'；'.join(self.materials) if self.materials else MATERIALS_DEFAULT}")
            if self.where:
                lines.append(f"办理地点：{self.where}")
        lines += ["", "联系："]
        others_names = [c.name for c in self.contacts if c.role == "配合单位"]
        for c in self.contacts:
            if c.role == "配合单位":
                continue
            if c.role == "服务热线":
                lines.append(f"电话 {c.phone} {c.name}")
            else:
                lines.append(f"{c.name}（{c.role}）{c.phone}" + (f"，{c.address}" if c.address else ""))
            if c.role == "牵头单位" and others_names:
                lines.append(f"配合单位：{'、'.join(others_names)}")
        lines += ["", f"依据：{self.document} {'、'.join(self.references)}", self.disclaimer]
        return "\n".join(lines)

    def to_chat_text(self) -> str:
        """A compact rendering for chat channels (about 600 characters for typical results).

        Verdict with the date, the amount with its formula, one short line per condition that
        was asked or decides (of alternatives, only the one that applies), one citation line
        instead of quoted sentences, hints, at most 3 steps, one contact line, the disclaimer.
        `to_text()` keeps the full version with every quoted sentence (for the CLI and 查看原文).
        """
        label = self.main.label
        head = label if label.startswith(self.program_label) else f"{self.program_label}·{label}"
        lines = [f"【{head}】", f"结果：{verdict_text(self.main)}（按{cn_date(self.as_of)}的规定判断）"]
        lines += _chat_amount(self.main)
        lines += _chat_checks(_visible(self.main))
        lines += [f"说明：{n}" for n in self.main.notes]
        alike, others = _split_alike(self.main, self.extras)
        if alike:
            lines.append(_alike_line(alike, self.main))
        for extra in others:
            lines.append(f"▶ {extra.label}：{verdict_text(extra)}{_why(extra)}{_chat_extra_amount(extra)}")
        lines += [f"提示：{w}" for w in self.main.what_if]
        lines.append(self._ended_line())
        if self.steps and self._open_steps() is not None:
            steps = [_PAREN.sub("", step) for step in self.steps[:3]]  # the asides; the disclaimer covers 以经办机构为准
            lines.append(f"怎么申请{self._open_steps()}：" + " ".join(f"{i}.{step}" for i, step in enumerate(steps, 1)))
        lines.append(_chat_contacts(self.contacts))
        lines.append(f"依据：{self.document} {'、'.join(self.references)}（可点“查看原文”看条文）")
        lines.append(self.disclaimer)
        return "\n".join(line for line in lines if line)


    def _open_steps(self) -> str | None:
        """None when no how-to-apply steps may be shown (the headline part has ended and no
        other part is still open); otherwise what follows 怎么申请: "" for the whole program,
        （仅适用于仍在执行的…） when only an extra is still open."""
        if self.main.verdict != EXPIRED:
            return ""
        live = [e.label for e in self.extras if e.verdict in (ELIGIBLE, TO_VERIFY)]
        return f"（仅适用于仍在执行的{'、'.join(live)}）" if live else None

    def _ended_line(self) -> str:
        """For an ended headline part: it is no longer taken, and whom to ask about what there is
        now (the county's 人社部门 and the hotline from the contacts); "" otherwise."""
        if self.main.verdict != EXPIRED:
            return ""
        hotline = next((c for c in self.contacts if c.role == "服务热线"), None)
        call = f"，或拨打{hotline.phone}（{hotline.name}）" if hotline else ""
        return f"怎么办：{self.main.label}已到期，本文件的这项规定不再执行；现在有没有相关岗位或政策，请咨询所在县（市）人社部门{call}。"


_PAREN = re.compile(r"（(?!市）)[^（）]*）")  # keeps 县（市）


def _amount_of(part: PartResult) -> float | None:
    """The amount a part's result may show as its own (see Result.amount)."""
    if not part.estimates or part.estimates[0].value is None:
        return None
    first = part.estimates[0]
    settled = part.then_verdict if part.verdict == EXPIRED else part.verdict
    if settled == ELIGIBLE or (settled == TO_VERIFY and not first.maximum):
        return first.value
    return None


def verdict_text(part: PartResult) -> str:
    """The verdict as read: 符合 / 不符合 / 需核实 / 已到期. The engine no longer judges an ended
    provision for the past (then_verdict None: 已到期 alone); the longer forms remain for a
    PartResult built with a then_verdict (已到期，当时也不符合)."""
    if part.verdict != EXPIRED or part.then_verdict is None:
        return part.verdict
    if part.then_verdict == ELIGIBLE:
        unasked = any(c.required and c.status not in (MET, NOT_MET) and not c.asked for c in part.checks)
        return "已到期，按您的回答当时符合已问到的条件" if unasked else "已到期，当时符合"
    if part.then_verdict == NOT_ELIGIBLE:
        return "已到期，当时也不符合"
    return "已到期，当时是否符合需核实"


def _visible(part: PartResult) -> list[Check]:
    """The checks to show: those asked, and those that decide. A check whose question was never
    asked (an earlier answer settled the verdict), or that is decided outside the document,
    is shown only when the part is 需核实 (then it is part of why)."""
    if part.verdict == EXPIRED and part.then_verdict is None:
        return []  # not judged for the past: no √/× from answers about now
    settled = part.then_verdict if part.verdict == EXPIRED else part.verdict
    return [c for c in part.checks
            if c.status in (MET, NOT_MET) or (c.asked and not c.elsewhere) or (settled == TO_VERIFY and c.required)]


def _word(c: Check) -> str:
    if c.status in (MET, NOT_MET):
        return (_STATUS_WORDS if c.required else _INFO_WORDS)[c.status]
    return "待核实" if c.asked else "未回答"


def _failing(part: PartResult) -> list[Check]:
    return [c for c in part.checks if c.required and c.status == NOT_MET]


def _split_alike(main: PartResult, extras: tuple[PartResult, ...]) -> tuple[list[PartResult], list[PartResult]]:
    """Extras that fail for the very reason the headline part fails (not a 失业人员: then none
    of the benefits for 失业人员 apply) are said in one line, not one block each."""
    failed = {c.id for c in _failing(main)} if main.verdict == NOT_ELIGIBLE else set()
    alike = [e for e in extras if failed and e.verdict == NOT_ELIGIBLE and _failing(e)
             and {c.id for c in _failing(e)} <= failed]
    return alike, [e for e in extras if e not in alike]


def _alike_line(alike: list[PartResult], main: PartResult) -> str:
    reasons = "、".join(dict.fromkeys(c.text for e in alike for c in _failing(e)))
    return f"▶ {'、'.join(e.label for e in alike)}：同样不符合（{reasons}：不符合，见上）"


def _why(part: PartResult) -> str:
    """Why an extra is 不符合 or 需核实, as "（条件：不符合）" — never glued to the condition."""
    if part.verdict == NOT_ELIGIBLE:
        failing = _failing(part)
        return f"（{failing[0].text}：不符合）" if failing else ""
    if part.verdict == TO_VERIFY:
        pending = [c for c in _visible(part) if c.required and c.status not in (MET, NOT_MET)]
        return f"（{pending[0].text}：{_word(pending[0])}）" if pending else ""
    return ""


def _chat_extra_amount(part: PartResult) -> str:
    if part.verdict == NOT_ELIGIBLE:
        return ""
    return "".join(f"；{line.strip()}" for line in _amount_lines(part))


def _chat_amount(part: PartResult) -> list[str]:
    if part.verdict == NOT_ELIGIBLE or part.id == UNDECIDED:
        return []
    if not part.estimates and part.verdict != EXPIRED:
        return ["金额：文件未规定金额，以经办机构为准"]
    return _headline(part)


def _chat_check(c: Check) -> str:
    mark = _mark(c)
    word = "" if c.required else (_INFO_WORDS.get(c.status, "待核实") + "，")
    if c.required and not c.asked and c.status not in (MET, NOT_MET):
        word = "未回答，"
    elif c.required and c.status not in (MET, NOT_MET) and not c.note and not c.elsewhere:
        word = "待核实，"  # answered 不清楚: said, so nobody reads the ？ as a question left out
    note = c.note if len(c.note) <= 40 else c.note[:39] + "…"
    detail = f"（{word}{note}）" if note or word else ""
    if word and not note:
        detail = f"（{word[:-1]}）"
    return f"{mark} {c.text}{detail}"


def _chat_checks(checks: list[Check]) -> list[str]:
    """One short line per condition; of a group of alternatives only the one that applies (or
    the one in doubt), or a single line saying none applies."""
    out: list[str] = []
    done: set[str] = set()
    for c in checks:
        if not c.group:
            out.append(_chat_check(c))
            continue
        if c.group in done:
            continue
        done.add(c.group)
        members = [m for m in checks if m.group == c.group]
        met = [m for m in members if m.status == MET]
        unknown = [m for m in members if m.status not in (MET, NOT_MET)]
        if met or unknown:
            out += [_chat_check(m) for m in (met or unknown)]
        else:
            why = "；".join(f"{m.text}：{m.note}" for m in members if m.note)
            out.append(f"× {c.group}：不属于文件所列的任何一类" + (f"（{why}）" if why else ""))
    return out


def _chat_contacts(contacts: tuple[ContactLine, ...]) -> str:
    from eligibility.staffdata import PHONE_MISSING

    parts = []
    lead = next((c for c in contacts if c.role == "牵头单位"), None)
    if lead:
        parts.append(f"{lead.name}（牵头单位）" + (f" {lead.phone}" if lead.phone != PHONE_MISSING else ""))
    hotline = next((c for c in contacts if c.role == "服务热线"), None)
    parts.append(f"{hotline.name if hotline else '人社服务热线'} {hotline.phone if hotline else '12333'}")
    return "联系：" + "；".join(parts)


def _amount_lines(part: PartResult, indent: str = "") -> list[str]:
    """One line per estimate: "label：预计 formula". A cap (最高…) is said as a cap, and only
    for a 符合 result (or what an ended provision gave then); a 需核实 result gets no figure
    as its amount."""
    out: list[str] = []
    settled = part.then_verdict if part.verdict == EXPIRED else part.verdict
    if settled == NOT_ELIGIBLE:
        return out  # an ended provision that would not have applied either: no figures
    for est in part.estimates:
        if est.maximum:
            if part.verdict == ELIGIBLE:
                out.append(f"{indent}{est.label}：{est.formula}")
            elif part.verdict == TO_VERIFY:
                out.append(f"{indent}{est.label}：审核通过后由经办机构核定")
            elif part.verdict == EXPIRED and settled == ELIGIBLE:
                out.append(f"{indent}{est.label}（当时的规定）：{est.formula}")
        elif est.value is None:
            out.append(f"{indent}{est.label}：{est.formula}")
        elif part.verdict == ELIGIBLE:
            out.append(f"{indent}{est.label}：预计{est.formula}")
        elif part.verdict == TO_VERIFY:
            out.append(f"{indent}{est.label}：如审核通过，预计{est.formula}")
        elif part.verdict == EXPIRED:
            out.append(f"{indent}{est.label}（当时的标准）：{est.formula}")
    return out


def _headline(part: PartResult, indent: str = "") -> list[str]:
    """The amount (or why there is none) right under the verdict."""
    out = []
    if part.verdict == EXPIRED and part.expired_note:
        out.append(indent + part.expired_note)
    if part.verdict == NOT_ELIGIBLE:
        return out
    return out + _amount_lines(part, indent)


def _part_body(part: PartResult, above: set[tuple[str, str]] | None = None) -> list[str]:
    """Checklist, what it gives, notes, hints. `above`: checks shown in an earlier part; a
    failing one is repeated in one line (so the label and the lines agree), others are not."""
    out = []
    quoted: set[str] = set()
    lines: list[str] = []
    for c in _visible(part):
        mark = _mark(c)
        alt = f"（{c.group}之一）" if c.group else ""
        if (c.id, c.status) in (above or set()):
            if c.status == NOT_MET and c.required:
                lines.append(f"{mark} {c.text}{alt}：{_word(c)}（见上）")
            continue
        lines.append(f"{mark} {c.text}{alt}：{_word(c)}" + (f"——{c.note}" if c.note else ""))
        if c.sentence in quoted:
            lines.append(f"   依据{c.clause_label}（同上）")
        else:
            lines.append(f"   依据{c.clause_label}：“{c.sentence}”")
            quoted.add(c.sentence)
    if lines:
        out += ["条件核对：", *lines]
    if part.verdict != EXPIRED and part.verdict != NOT_ELIGIBLE or not part.checks:
        out.append(f"可享受：{part.gives}")
    for note in part.notes:
        out.append(f"说明：{note}")
    for w in part.what_if:
        out.append(f"提示：{w}")
    return out


def verdict_order(verdict: str) -> int:
    """Best first: 符合, 需核实, 已到期, 不符合."""
    return {ELIGIBLE: 0, TO_VERIFY: 1, EXPIRED: 2, NOT_ELIGIBLE: 3}[verdict]


def who_label(who: str) -> str:
    return WHO_LABELS.get(who, who)
