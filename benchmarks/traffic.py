"""Realistic benchmark traffic: distinct residents who word everything differently.

One place for the load that bench_engine.py (in process) and bench_http.py (over HTTP) send.
The words are in benchmarks/traffic.yaml; this module only combines them:

- free questions: subject × question kind × (a sentence about oneself) × prefix × suffix ×
  dialect forms × one pinyin typo × numbers in Arabic or Chinese numerals (十九, 两万四, 03年);
  thousands of distinct strings from a seed (`python benchmarks/traffic.py` prints how many);
- questionnaires walked to the END by typed answers, as residents type them (交着呢, 一个没裁,
  2.4w, 十九, 03年出生的 …), with side questions in the middle, going back, corrections
  (不对 …), "I don't know", and leaving (算了). A typed answer the bot does not take (it asks
  the same question again) is retyped as the option's number, then the button is tapped, so
  every questionnaire that is not left ends in its result;
- follow-ups on the last answer (去哪报名, 啥时候到账), what-ifs after a result, small talk.

Everything is deterministic for a seed: each resident draws from its own `random.Random`, and
what it says depends only on that and on the bot's replies.

Transport: `converse(send, rng, stats, words)` talks through `send(text, action, kind)`, an
async function (`kind` names the message: question, follow_up, typed_answer, button … for the
caller's statistics) that returns the bot's replies as JSON-like dicts (`{"text": str, "buttons":
[[{"label": str, "action": str}]]}`, as `POST /api/chat` and `Reply.to_json()` give them) or
None when the request failed (the conversation then stops).

`python benchmarks/traffic.py [--seed N] [--residents N]` prints what a seed produces and checks
that no generated question is a sentence of the eval sets (../shared/eval, benchmarks/eval).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
WORDS_FILE = HERE / "traffic.yaml"
STEP_RE = re.compile(r"（第(\d+)步(?:/共|，最多)(\d+)步）")  # 共N步 when exact, 最多N步 otherwise
UNIT_RE = re.compile(r"请输入数字（单位：([^）]*)）")
RESULT_MARK = "结果："
MAX_MESSAGES = 18  # per resident: under the bot's default rate limit (20 a minute, burst 20)

Replies = list[dict[str, Any]]
Send = Callable[[str, str | None, str], Awaitable[Replies | None]]
Step = tuple[int, int, str]


# --------------------------------------------------------------------------- numbers

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """0 <= n < 10^8 in Chinese numerals as written in a chat: 19 -> 十九, 205 -> 二百零五,
    24000 -> 两万四千. Raises ValueError outside the range."""
    if not 0 <= n < 100_000_000:
        raise ValueError(f"out of range: {n}")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        text = _section(high) + "万"
        if low:
            text += ("零" if low < 1000 else "") + _section(low)
        return text
    return _section(n)


def _section(n: int) -> str:
    """1..9999 with 千百十; 2 before 千 and 百 as 两 (两千, 两百), inner zeros as one 零."""
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero and out:
                out += "零"
            out += ("两" if digit == 2 and unit in ("千", "百") else _DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


def chinese_wan(n: int) -> str:
    """An amount the way people say it: 24000 -> 两万四, 300000 -> 三十万, 15500 -> 一万五千五百."""
    high, low = divmod(n, 10_000)
    if high and low and low % 1000 == 0:
        return chinese_number(high).replace("二", "两", 1 if high == 2 else 0) + "万" + _DIGITS[low // 1000]
    text = chinese_number(n)
    return "两" + text[1:] if text.startswith("二万") else text


def number_forms(n: int, today: date) -> dict[str, str]:
    """The placeholders a template may use for the number n (an age for the year forms)."""
    birth = today.year - n
    wan = f"{n / 10_000:.1f}".rstrip("0").rstrip(".") if n >= 10_000 else f"{n / 10_000:.2f}".rstrip("0")
    return {"n": str(n), "cn": chinese_number(n), "w": wan, "cw": chinese_wan(n),
            "yy": f"{birth % 100:02d}", "yyyy": str(birth), "cyy": "".join(_DIGITS[int(d)] for d in f"{birth % 100:02d}")}


# --------------------------------------------------------------------------- words


@dataclass(frozen=True)
class Words:
    """benchmarks/traffic.yaml, parsed (see that file for what each part is)."""

    raw: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]


@lru_cache(maxsize=4)
def load_words(path: Path = WORDS_FILE) -> Words:
    """The traffic vocabulary; raises FileNotFoundError / yaml.YAMLError on a broken file."""
    return Words(yaml.safe_load(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- statistics


@dataclass
class TrafficStats:
    """What the simulated residents sent, shared by all residents of a run (one event loop)."""

    sent: Counter[str] = field(default_factory=Counter)  # by kind of message
    texts: Counter[str] = field(default_factory=Counter)  # typed texts (buttons not counted)
    questionnaires_started: int = 0
    questionnaires_finished: int = 0  # reached a result
    questionnaires_left: int = 0  # 算了 …
    typed_answers: int = 0
    typed_understood: int = 0  # the bot moved on (or showed the result) after a typed answer
    typed_entry_missed: int = 0  # a typed 测一测 … that did not start the questionnaire
    conversations: int = 0

    @property
    def messages(self) -> int:
        return sum(self.sent.values())

    @property
    def distinct(self) -> int:
        return len(self.texts)

    def summary(self) -> str:
        typed = sum(self.texts.values())
        understood = self.typed_understood / self.typed_answers if self.typed_answers else float("nan")
        kinds = ", ".join(f"{k} {v}" for k, v in self.sent.most_common())
        return (f"{self.conversations} residents, {self.messages} messages ({kinds}); "
                f"{self.distinct} distinct typed texts of {typed} typed "
                f"({self.distinct / max(typed, 1):.0%}); questionnaires: {self.questionnaires_started} started, "
                f"{self.questionnaires_finished} to the result, {self.questionnaires_left} left; typed answers "
                f"taken at the first try {understood:.0%} of {self.typed_answers}")


# --------------------------------------------------------------------------- free questions


class Phrasing:
    """Draws free questions, follow-ups and small talk from the vocabulary with one rng."""

    def __init__(self, words: Words, rng: random.Random, today: date | None = None) -> None:
        self.words, self.rng = words, rng
        self.today = today or date.today()

    def _number(self, name: str) -> str:
        r = self.rng
        value = {"age": r.randint(16, 58), "staff": r.randint(3, 80), "years": r.randint(1, 12),
                 "months": r.randint(1, 12), "loan": r.choice([5, 10, 20, 30, 50, 100, 200, 300]) * 10_000,
                 "yy": r.randint(1, 11)}[name]
        form = r.choice(self.words["numbers"][name])
        return form.format(**number_forms(value, self.today))

    def _fill(self, template: str, **known: str) -> str:
        names = set(re.findall(r"{(\w+)}", template))
        values = {name: known.get(name) or self._number(name) for name in names}
        return template.format(**values)

    def question(self) -> str:
        """One free question (a new wording almost every time)."""
        r, w = self.rng, self.words
        subject = r.choice(w["subjects"])
        kind = r.choice(subject["kinds"])
        text = self._fill(r.choice(w["kinds"][kind]), s=r.choice(subject["say"]))
        if r.random() < 0.3:
            text = self._fill(r.choice(w["contexts"])) + text
        text = r.choice(w["prefixes"]) + text + r.choice(w["suffixes"])
        return self.spoken(text)

    def spoken(self, text: str) -> str:
        """Dialect forms, one pinyin typo, a stray space: as typed on a phone."""
        r, w = self.rng, self.words
        for standard, forms in w["dialect"].items():
            if standard in text and r.random() < 0.5:
                text = text.replace(standard, r.choice(forms), 1)
        if r.random() < 0.2:
            present = [k for k in w["typos"] if k in text]
            if present:
                key = r.choice(present)
                text = text.replace(key, r.choice(w["typos"][key]), 1)
        if r.random() < 0.1 and len(text) > 4:
            at = r.randint(2, len(text) - 2)
            text = text[:at] + " " + text[at:]
        return text

    def follow_up(self) -> str:
        return self.spoken(self.rng.choice(self.words["follow_ups"]) + self.rng.choice(["", "", "？", "呢", "啊"]))

    def what_if(self) -> str:
        return self._fill(self.rng.choice(self.words["what_ifs"]))

    def pick(self, key: str) -> str:
        return self.rng.choice(self.words[key])


def questions(n: int, seed: int = 1, words: Words | None = None) -> list[str]:
    """n distinct free questions for a seed (fewer if the vocabulary runs out after 50n draws)."""
    phrasing = Phrasing(words or load_words(), random.Random(seed))
    out: dict[str, None] = {}
    for _ in range(50 * n):
        if len(out) >= n:
            break
        out[phrasing.question()] = None
    return list(out)


# --------------------------------------------------------------------------- replies


def pending_step(replies: Replies) -> Step | None:
    """(step, total, question text) of the questionnaire question in the replies, if any."""
    for reply in replies:
        match = STEP_RE.search(reply.get("text", ""))
        if match:
            question = reply["text"][match.end():].split("\n", 1)[0]
            return int(match.group(1)), int(match.group(2)), question
    return None


def buttons(replies: Replies, prefix: str = "") -> list[dict[str, str]]:
    return [b for r in replies for row in r.get("buttons", []) for b in row if b["action"].startswith(prefix)]


def has_result(replies: Replies) -> bool:
    return any(RESULT_MARK in r.get("text", "") or "可能适用下面这些政策" in r.get("text", "") for r in replies)


def number_unit(replies: Replies) -> str | None:
    """The unit of a number question (元, 岁 …; "" when none is named), None if none is asked."""
    for reply in replies:
        match = UNIT_RE.search(reply.get("text", ""))
        if match:
            return match.group(1)
        if "请输入数字" in reply.get("text", ""):
            return ""
    return None


# --------------------------------------------------------------------------- typed answers


class Answering:
    """Typed answers to a questionnaire question, from the vocabulary."""

    def __init__(self, words: Words, rng: random.Random, today: date | None = None) -> None:
        self.words, self.rng = words, rng
        self.today = today or date.today()
        self._yesno = [(re.compile(e["cue"]), e) for e in words["yesno"]]

    def typed(self, question: str, replies: Replies) -> tuple[str, int | None]:
        """(text, index of the option meant or None) for the pending question."""
        r = self.rng
        unit = number_unit(replies)
        if unit is not None:
            return self.number(question, unit), None
        options = [b for b in buttons(replies, "a:") if b["label"] != "不清楚"]
        labels = [b["label"] for b in options]
        if {"是", "否"} <= set(labels):
            yes = r.random() < 0.7
            entry = next(e for cue, e in self._yesno if cue.search(question))
            return r.choice(entry["yes" if yes else "no"]), labels.index("是" if yes else "否")
        if not options:
            return self.pick_unknown(), None
        index = r.randrange(len(options))
        return self.choice_text(labels[index]), index

    def choice_text(self, label: str) -> str:
        table: dict[str, list[str]] = self.words["choices"]
        said = table.get(label)
        if said is None:
            keys = sorted((k for k in table if k in label), key=len, reverse=True)
            said = table[keys[0]] if keys else [label, label[:6]]
        return self.rng.choice(said)

    def number(self, question: str, unit: str) -> str:
        entries = self.words["number_answers"]
        entry = next((e for e in entries if e["unit"] == unit and re.search(e.get("cue", "."), question)),
                     entries[-1])
        low, high = entry["range"]
        value = self.rng.randint(low, high)
        if unit == "元":  # amounts are round: 24000, 15500
            value = max(low, round(value, -3 if self.rng.random() < 0.7 else -2))
        return self.rng.choice(entry["forms"]).format(**number_forms(value, self.today))

    def number_plain(self, unit: str) -> str:
        """The retry for a number: digits only, in range."""
        entry = next((e for e in self.words["number_answers"] if e["unit"] == unit), self.words["number_answers"][-1])
        return str(self.rng.randint(*entry["range"]))

    def pick_unknown(self) -> str:
        return self.rng.choice(self.words["unknowns"])


# --------------------------------------------------------------------------- a resident


class Conversation:
    """One resident's conversation (see the module docstring); `run()` plays it."""

    def __init__(self, send: Send, rng: random.Random, words: Words, stats: TrafficStats,
                 budget: int = MAX_MESSAGES, today: date | None = None) -> None:
        self._send, self.rng, self.words, self.stats = send, rng, words, stats
        self.budget = budget
        self.phrasing = Phrasing(words, rng, today)
        self.answering = Answering(words, rng, today)
        self.replies: Replies = []
        self.failed = False

    async def say(self, kind: str, text: str, action: str | None = None) -> bool:
        """Send one message; False when the budget is spent or the request failed."""
        if self.budget <= 0 or self.failed:
            return False
        self.budget -= 1
        self.stats.sent[kind] += 1
        if action is None:
            self.stats.texts[text] += 1
        replies = await self._send(text, action, kind)
        if replies is None:
            self.failed = True
            return False
        self.replies = replies
        return True

    async def tap(self, kind: str, button: dict[str, str]) -> bool:
        return await self.say(kind, button["label"], button["action"])

    async def run(self) -> None:
        r = self.rng
        self.stats.conversations += 1
        opening = r.random()
        if opening < 0.35 and not await self.say("start", "/start"):
            return
        if 0.35 <= opening < 0.6 and not await self.say("small_talk", self.phrasing.pick("greetings")):
            return
        for _ in range(r.choice((1, 1, 2, 2, 3))):
            if not await self.say("question", self.phrasing.question()):
                return
            if r.random() < 0.35 and not await self.say("follow_up", self.phrasing.follow_up()):
                return
            if r.random() < 0.1 and not await self.say("small_talk", self.phrasing.pick("small_talk_mid")):
                return
        if r.random() < 0.75:
            finished = await self.questionnaire()
            if finished and r.random() < 0.45:
                text = self.phrasing.what_if() if r.random() < 0.3 else self.phrasing.follow_up()
                if not await self.say("follow_up", text):
                    return
        if r.random() < 0.5:
            await self.say("small_talk", self.phrasing.pick("thanks"))

    # ------------------------------------------------------------------ questionnaires

    async def questionnaire(self) -> bool:
        """The questionnaire the last answer offers (测一测), else the policy finder and then a
        program it lists; True when a result was reached."""
        offer = next(iter(buttons(self.replies, "p:")), None)
        if offer is not None:
            if not await self.enter("test_entries", offer):
                return False
            return await self.walk()
        finder = {"label": "测一测我能享受哪些政策", "action": "m:find"}
        if not await self.enter("finder_entries", finder) or not await self.walk():
            return False
        programs = buttons(self.replies, "pf:") or buttons(self.replies, "p:")
        if not programs:
            return True  # the finder's result said nothing applies
        choice = self.rng.choice(programs[:3])
        name = choice["label"].split("：", 1)[-1].rstrip("…")
        if self.rng.random() < 0.4 and await self.say("typed_entry", f"测一测{name}") and pending_step(self.replies):
            self.stats.questionnaires_started += 1
            return await self.walk()
        if self.failed or not await self.tap("button", choice):
            return False
        self.stats.questionnaires_started += 1
        return await self.walk()

    async def enter(self, entries: str, button: dict[str, str]) -> bool:
        """Start a questionnaire by typing (else by the button); False when it did not start."""
        if self.rng.random() < 0.75:
            if not await self.say("typed_entry", self.phrasing.pick(entries)):
                return False
            if pending_step(self.replies) is None:
                self.stats.typed_entry_missed += 1
                if not await self.tap("button", button):
                    return False
        elif not await self.tap("button", button):
            return False
        if pending_step(self.replies) is None:
            return False
        self.stats.questionnaires_started += 1
        return True

    async def walk(self) -> bool:
        """Answer until the result; True when it was reached."""
        r = self.rng
        previous: tuple[Step, Replies] | None = None
        for _ in range(40):  # bounded: a questionnaire has at most ~10 questions
            step = pending_step(self.replies)
            if step is None:
                if has_result(self.replies):
                    self.stats.questionnaires_finished += 1
                    return True
                return False
            roll = r.random()
            if roll < 0.10:  # a side question; the bot answers it and asks again
                text = self.phrasing.pick("side_questions") if r.random() < 0.6 else self.phrasing.question()
                if not await self.say("side_question", text):
                    return False
                continue
            if roll < 0.13:
                if not await self.say("quit", self.phrasing.pick("quits")):
                    return False
                self.stats.questionnaires_left += 1
                return False
            if roll < 0.19 and previous is not None:
                if r.random() < 0.5:
                    ok = await self.say("back", self.phrasing.pick("backs"))
                else:
                    text, _ = self.answering.typed(previous[0][2], previous[1])
                    ok = await self.say("correction", self.phrasing.pick("corrections") + text)
                if not ok:
                    return False
                continue
            previous = (step, self.replies)
            if not await self.answer(step):
                return False
        return False

    async def answer(self, step: Step) -> bool:
        """Type an answer to the pending question: as residents do, then the option's number,
        then the button."""
        r = self.rng
        if r.random() < 0.05:
            text, index = self.answering.pick_unknown(), None
        elif r.random() < 0.12:
            options = buttons(self.replies, "a:")
            if options:
                return await self.tap("button", r.choice(options))
            text, index = self.answering.typed(step[2], self.replies)
        else:
            text, index = self.answering.typed(step[2], self.replies)
        asked = self.replies
        self.stats.typed_answers += 1
        if not await self.say("typed_answer", text):
            return False
        if pending_step(self.replies) != step:
            self.stats.typed_understood += 1
            return True
        unit = number_unit(asked)
        retry = self.answering.number_plain(unit) if unit is not None else (
            str(index + 1) if index is not None else "不清楚")
        if not await self.say("retyped_answer", retry):
            return False
        if pending_step(self.replies) != step:
            return True
        options = buttons(self.replies, "a:")
        if not options:
            return await self.say("retyped_answer", "不清楚")
        chosen = options[index] if index is not None and index < len(options) else r.choice(options)
        return await self.tap("button", chosen)


async def converse(send: Send, rng: random.Random, stats: TrafficStats, words: Words | None = None,
                   budget: int = MAX_MESSAGES) -> None:
    """One resident's whole conversation through `send` (see the module docstring)."""
    await Conversation(send, rng, words or load_words(), stats, budget).run()


def message_stream(seed: int, words: Words | None = None):
    """Endless free questions, follow-ups and small talk for a seed (for the fixed-reply floors,
    which ignore what they are sent but should receive the same kind of bodies)."""
    phrasing = Phrasing(words or load_words(), random.Random(seed))
    while True:
        roll = phrasing.rng.random()
        yield (phrasing.question() if roll < 0.6 else phrasing.follow_up() if roll < 0.8
               else phrasing.pick("thanks"))


# --------------------------------------------------------------------------- self-check


def eval_sentences() -> set[str]:
    """Every `q:` of the eval sets next to the project (for the overlap check), normalised."""
    root = HERE.parent
    files = list((root.parent / "shared" / "eval").glob("*.yaml")) + list((HERE / "eval").glob("*.yaml"))
    out: set[str] = set()
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*-?\s*(?:q|text|say):\s*(.+)", line)
            if match:
                out.add(_bare(match.group(1)))
    return out


def _bare(text: str) -> str:
    return re.sub(r"[\s\"'？?！!。，,、~～]", "", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--draws", type=int, default=5000, help="free questions drawn (default 5000)")
    parser.add_argument("--show", type=int, default=25, help="print this many examples")
    args = parser.parse_args()
    phrasing = Phrasing(load_words(), random.Random(args.seed))
    drawn = [phrasing.question() for _ in range(args.draws)]
    distinct = set(drawn)
    print(f"seed {args.seed}: {args.draws} free questions drawn, {len(distinct)} distinct "
          f"({len(distinct) / args.draws:.0%})")
    again = Phrasing(load_words(), random.Random(args.seed))
    same = all(again.question() == q for q in drawn[:200])
    print(f"deterministic for the seed: {same}")
    known = eval_sentences()
    overlap = sorted(q for q in distinct if _bare(q) in known)
    print(f"identical to an eval-set sentence: {len(overlap)}" + (f": {overlap[:10]}" if overlap else ""))
    for q in drawn[: args.show]:
        print("  ", q)
    return 1 if overlap or not same else 0


if __name__ == "__main__":
    sys.exit(main())
