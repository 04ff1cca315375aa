"""The words the understanding step reads with (dialog/data/understanding.yaml), checked.

Staff extend the words without code: quit / menu / back … phrasings, greetings, the cues that
make a message a question, bare topic words. Like texts.yaml, the file is checked at start-up,
by `policybot check` and on every live reload, with `file:line: message` problems in Chinese;
a broken file is never taken live.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from dialog.understanding.normalize import bare
from knowledge.base import display_path
from knowledge.yamlsource import LineDict, LineList, Problem, load_yaml

PACKAGE_VOCABULARY = Path(__file__).parent.parent / "data" / "understanding.yaml"

# Every intent the engine acts on; the file may not invent others (the engine would not act).
INTENTS = ("quit", "menu", "restart", "back", "help", "forget", "contacts", "list", "ask", "finder",
           "test_topic", "more", "resume_go", "explain", "wait", "original")
_INTENT_FIELDS = ("exact", "contains", "patterns")
_SMALL_TALK = ("greetings", "thanks", "filler", "address", "bare_answers", "closings", "plans")
_TOP_LEVEL = ("intents", "small_talk", "question_cues", "topic_words", "multi_splitters", "corrections", "test_cues",
              "personal_markers", "what_if", "this_topic", "particles_kept", "interjections", "introductions",
              "shared_question", "broad_asks", "self_descriptions", "third_person", "already_said",
              "eligibility_asks", "asked_other", "asides", "each_asks", "hesitations", "complaints", "confirm_forget",
              "acknowledgements")
_ELIGIBILITY_ASKS = ("what", "qualify", "amounts", "checks", "subjects", "businesses", "as_business", "policy_words",
                     "fillers", "still")


def default_vocabulary_file() -> Path:
    """$POLICYBOT_UNDERSTANDING when set (a staff copy), else the file next to texts.yaml."""
    env = os.environ.get("POLICYBOT_UNDERSTANDING")
    if env:
        return Path(env)
    texts = os.environ.get("POLICYBOT_TEXTS")
    if texts and (Path(texts).parent / "understanding.yaml").exists():
        return Path(texts).parent / "understanding.yaml"
    return PACKAGE_VOCABULARY


@dataclass(frozen=True)
class Intent:
    """One navigation intent: whole-message phrasings, phrasings a short message may contain,
    and regular expressions matched against the whole (bare) message."""

    name: str
    exact: frozenset[str] = frozenset()
    contains: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    intents: tuple[Intent, ...]
    greetings: frozenset[str]
    thanks: frozenset[str]
    filler: frozenset[str]
    address: frozenset[str]
    bare_answers: frozenset[str]
    cues_anywhere: tuple[str, ...]
    cues_final: tuple[str, ...]
    topic_words: frozenset[str]
    multi_splitters: tuple[str, ...]
    corrections: tuple[str, ...] = ()
    correction_phrases: tuple[str, ...] = ()
    test_cues: tuple[str, ...] = ()
    personal_markers: tuple[str, ...] = ()
    what_if_starts: tuple[str, ...] = ()
    what_if_ends: tuple[str, ...] = ()
    # words that stand for one another in a what-if (大学 / 中专): the one said before gives way
    what_if_replaces: tuple[tuple[str, ...], ...] = ()
    this_topic: tuple[str, ...] = ()
    asked_other: tuple[str, ...] = ()  # 不是这个 我问的是贷款: the questionnaire is not what was asked
    # Particles of answer_words.yaml that change what a command means (停了 is not 停): kept
    # when a message is compared with the navigation words. Single characters.
    particles_kept: frozenset[str] = frozenset()
    # 哎呀, 哦, 呃 …: said before a correction or a what-if ("哎呀不对 是二十五"), they change nothing.
    interjections: tuple[str, ...] = ()
    asides: tuple[str, ...] = ()  # 对了 before a question in a questionnaire: "by the way", not 对 (yes)
    each_asks: tuple[str, ...] = ()  # 各是多少 after naming two things: asked with them, not alone
    hesitations: tuple[str, ...] = ()  # 那个 啥 (voice input's pauses): a part of only these asks nothing
    # Saying where one is from before a question ("我是东乡的"): regular expressions matched
    # against a whole (bare) part of the message.
    introductions: tuple[re.Pattern[str], ...] = ()
    # One question about two topics ("在职培训补贴和见习补贴都是多少"): the words joining the
    # topics and the words that say the question goes to each (都, 分别 …).
    shared_joiners: tuple[str, ...] = ()
    shared_markers: tuple[str, ...] = ()
    # Leaving words (算了, 再见, 不问了): a message made only of these with thanks / ok words
    # closes the conversation ("好的 谢谢 算了"); it is not a question.
    closings: frozenset[str] = frozenset()
    plans: frozenset[str] = frozenset()  # 行 明白了 我回去跟会计说: what one will do next, no question
    # A broad ask (有啥好政策, 能帮我啥): regular expressions matched at the end of a (bare) part.
    broad_asks: tuple[re.Pattern[str], ...] = ()
    # Saying who one is or how one types (我不识字, 让娃娃打的): searched in a (bare) part.
    self_descriptions: tuple[re.Pattern[str], ...] = ()
    # Saying the bot did not help (一点用都没有, 说了半天也说不清楚): searched in a message that asks
    # nothing; the reply is an apology and the ways on, not "noted".
    complaints: tuple[re.Pattern[str], ...] = ()
    # Typed answers to "delete everything about you?": whole (bare) messages that delete (删吧,
    # 确定删除), keep (不删, 算了), or agree to anything (嗯, 是的: asked to say 确定删除 outright).
    forget_yes: frozenset[str] = frozenset()
    forget_no: frozenset[str] = frozenset()
    forget_unsure: frozenset[str] = frozenset()
    # 嗯, 好的, 对: agreeing with what the bot just said (再回答一次“不清楚”…), not an answer of 是
    acknowledgements: frozenset[str] = frozenset()
    # Asking for someone else (替我儿子问的): the words before, the person (word -> how the bot
    # names them after 您), the words after.
    proxy_starts: tuple[str, ...] = ()
    proxy_who: tuple[tuple[str, str], ...] = ()
    proxy_ends: tuple[str, ...] = ()
    # What a person says of themself after 我/俺 (我四十了, 我也没工作): a message that names a
    # family member (我男人残疾) and says this of the asker is about the asker.
    self_states: tuple[str, ...] = ()
    # "I already said that" (我刚才说过了): regular expressions matched against the whole
    # (bare) message.
    already_said: tuple[re.Pattern[str], ...] = ()
    # Asking to be tested (我闺女能领啥, 我们厂子够不够条件, 稳岗返还 帮我算算): the cores at the end
    # of the message (regular expressions: what / qualify / amounts) and the words the rest may
    # be made of (checks, subjects, businesses, fillers); see Reader.eligibility_ask.
    ask_what: tuple[re.Pattern[str], ...] = ()
    ask_qualify: tuple[re.Pattern[str], ...] = ()
    ask_amounts: tuple[re.Pattern[str], ...] = ()
    ask_checks: tuple[str, ...] = ()
    ask_subjects: tuple[str, ...] = ()
    ask_businesses: tuple[str, ...] = ()
    ask_as_business: tuple[str, ...] = ()  # how a business answers "个人还是单位" (单位)
    ask_policy_words: tuple[str, ...] = ()  # words of a policy's name (补贴, 贷款): not a statement
    ask_fillers: tuple[str, ...] = ()
    ask_still: tuple[str, ...] = ()  # 现在还能领不: whether it still applies, asked of the document
    source: str = field(default="", compare=False)


class InvalidVocabulary(Exception):
    """understanding.yaml has problems; `.problems` lists them as file:line: message."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def _empty() -> LineDict:
    empty = LineDict()
    empty.key_lines = {}
    return empty


def _words(value: object, name: str, line: int, what: str, problems: list[Problem]) -> list[tuple[str, int]]:
    """A list of words with their lines; a problem for anything else, and for a word that is
    only punctuation or spaces (it would match every message once punctuation is dropped)."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(name, line, f"“{what}”应该是一个列表，比如 [算了, 不问了]"))
        return []
    out = []
    for i, item in enumerate(value):
        item_line = value.line_of(i) if isinstance(value, LineList) else line
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            problems.append(Problem(name, item_line, f"“{what}”里的第{i + 1}项不是文字"))
            continue
        text = str(item).strip()
        if not text or (not what.endswith("patterns") and not bare(text)):
            problems.append(Problem(name, item_line, f"“{what}”里的第{i + 1}项是空的（只有标点或空格的词会匹配所有消息）"))
            continue
        out.append((text, item_line))
    return out


def _section(data: LineDict, key: str, fields: tuple[str, ...], name: str, problems: list[Problem]) -> LineDict:
    """A `key:` mapping of word lists (`fields`), or an empty one with a problem when it is not."""
    section = data.get(key) or _empty()
    if not isinstance(section, LineDict):
        problems.append(Problem(name, data.line_of(key), f"“{key}”应该写 {' / '.join(fields)} 列表"))
        return _empty()
    for field_name in section:
        if field_name not in fields:
            problems.append(Problem(name, section.line_of(field_name),
                                    f"{key} 下不认识的“{field_name}”（可用：{'、'.join(fields)}）"))
    return section


def _bare_words(section: LineDict, field_name: str, what: str, name: str, problems: list[Problem]) -> tuple[str, ...]:
    """The words of one list, compared without punctuation, longest first."""
    words = _words(section.get(field_name), name, section.line_of(field_name), what, problems)
    return tuple(sorted((bare(t) for t, _ in words), key=lambda w: (-len(w), w)))


def _word_groups(section: LineDict, field_name: str, what: str, name: str,
                 problems: list[Problem]) -> tuple[tuple[str, ...], ...]:
    """A list of word lists (each a group of words that stand for one another), each group's
    words compared without punctuation, longest first; a problem for a group of fewer than two."""
    value = section.get(field_name)
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(Problem(name, section.line_of(field_name), f"“{what}”应该是一组一组的词，比如 - [大学, 中专]"))
        return ()
    groups = []
    for i, item in enumerate(value):
        line = value.line_of(i) if isinstance(value, LineList) else section.line_of(field_name)
        words = _words(item, name, line, f"{what}第{i + 1}组", problems)
        if len(words) < 2:
            problems.append(Problem(name, line, f"“{what}”的第{i + 1}组至少要写两个可以互相替换的词"))
            continue
        groups.append(tuple(sorted((bare(t) for t, _ in words), key=lambda w: (-len(w), w))))
    return tuple(groups)


def _single_characters(data: LineDict, key: str, name: str, problems: list[Problem]) -> list[str]:
    """A list of single characters (particles); a problem for a longer word."""
    out = []
    for text, line in _words(data.get(key), name, data.line_of(key), key, problems):
        if len(bare(text)) != 1:
            problems.append(Problem(name, line, f"“{key}”里的“{text}”应该是一个字（语气词）"))
            continue
        out.append(bare(text))
    return out


def _compiled(text: str, line: int, name: str, problems: list[Problem]) -> re.Pattern[str] | None:
    """A staff regular expression, refused when it does not compile or matches an empty message
    (it would then match every message)."""
    try:
        pattern = re.compile(text)
    except re.error as exc:
        problems.append(Problem(name, line, f"正则表达式写错了：{text}（{exc}）"))
        return None
    if pattern.search("") is not None:
        problems.append(Problem(name, line, f"正则表达式“{text}”连空消息都能匹配，会匹配所有消息"))
        return None
    return pattern


def check_vocabulary(path: Path | None = None) -> tuple[Vocabulary | None, list[Problem]]:
    """Load and check the file (default: default_vocabulary_file()): (vocabulary, []) or
    (None, problems). Problems: YAML syntax, unknown sections or intents, non-list values,
    empty words (or only punctuation), regular expressions that do not compile or match an
    empty message, one phrasing under two intents."""
    path = path or default_vocabulary_file()
    name = display_path(path)
    data, problems = load_yaml(path, name)
    if problems:
        return None, problems
    if not isinstance(data, LineDict):
        return None, [Problem(name, getattr(data, "line", 1) or 1, "文件应该是“名称: 内容”的格式（一个映射）")]
    for key in data:
        if key not in _TOP_LEVEL:
            problems.append(Problem(name, data.line_of(key), f"不认识的部分“{key}”（可用：{'、'.join(_TOP_LEVEL)}）"))

    intents: list[Intent] = []
    owner: dict[str, tuple[str, int]] = {}
    raw_intents = data.get("intents") or _empty()
    if not isinstance(raw_intents, LineDict):
        problems.append(Problem(name, data.line_of("intents"), "“intents”应该是“意图名: 说法”的映射"))
        raw_intents = _empty()
    for intent_name, spec in raw_intents.items():
        line = raw_intents.line_of(intent_name)
        if intent_name not in INTENTS:
            problems.append(Problem(name, line, f"不认识的意图“{intent_name}”（可用：{'、'.join(INTENTS)}）"))
            continue
        if not isinstance(spec, LineDict):
            problems.append(Problem(name, line, f"意图“{intent_name}”应该写 exact / contains / patterns 列表"))
            continue
        for key in spec:
            if key not in _INTENT_FIELDS:
                problems.append(Problem(name, spec.line_of(key), f"意图“{intent_name}”下不认识的“{key}”（可用：exact、contains、patterns）"))
        exact = _words(spec.get("exact"), name, spec.line_of("exact"), f"{intent_name}.exact", problems)
        contains = _words(spec.get("contains"), name, spec.line_of("contains"), f"{intent_name}.contains", problems)
        patterns = [p for text, item_line in _words(spec.get("patterns"), name, spec.line_of("patterns"),
                                                    f"{intent_name}.patterns", problems)
                    if (p := _compiled(text, item_line, name, problems)) is not None]
        for text, item_line in exact + contains:
            key = bare(text)
            if key in owner and owner[key][0] != intent_name:
                problems.append(Problem(name, item_line, f"“{text}”同时写在了“{owner[key][0]}”（第{owner[key][1]}行）和“{intent_name}”里，只能属于一个意图"))
            owner.setdefault(key, (intent_name, item_line))
        intents.append(Intent(intent_name, frozenset(bare(t) for t, _ in exact),
                              tuple(bare(t) for t, _ in contains), tuple(patterns)))

    small = _section(data, "small_talk", _SMALL_TALK, name, problems)
    talk = {k: frozenset(_bare_words(small, k, f"small_talk.{k}", name, problems)) for k in _SMALL_TALK}
    cues = _section(data, "question_cues", ("anywhere", "final"), name, problems)
    anywhere = tuple(t for t, _ in _words(cues.get("anywhere"), name, cues.line_of("anywhere"), "question_cues.anywhere", problems))
    final = tuple(t for t, _ in _words(cues.get("final"), name, cues.line_of("final"), "question_cues.final", problems))
    topics = frozenset(bare(t) for t, _ in _words(data.get("topic_words"), name, data.line_of("topic_words"), "topic_words", problems))
    splitters = tuple(t for t, _ in _words(data.get("multi_splitters"), name, data.line_of("multi_splitters"),
                                           "multi_splitters", problems))
    corrections = _section(data, "corrections", ("starts", "phrases"), name, problems)
    what_if = _section(data, "what_if", ("starts", "ends", "replaces"), name, problems)
    markers = tuple(t for t, _ in _words(data.get("personal_markers"), name, data.line_of("personal_markers"),
                                         "personal_markers", problems))
    test_cues = _bare_words(data, "test_cues", "test_cues", name, problems)
    shared = _section(data, "shared_question", ("joiners", "markers"), name, problems)
    vocabulary = Vocabulary(
        tuple(intents), talk["greetings"], talk["thanks"], talk["filler"], talk["address"], talk["bare_answers"],
        anywhere, final, topics, splitters,
        corrections=_bare_words(corrections, "starts", "corrections.starts", name, problems),
        correction_phrases=_bare_words(corrections, "phrases", "corrections.phrases", name, problems),
        test_cues=test_cues, personal_markers=markers,
        what_if_starts=_bare_words(what_if, "starts", "what_if.starts", name, problems),
        what_if_ends=_bare_words(what_if, "ends", "what_if.ends", name, problems),
        what_if_replaces=_word_groups(what_if, "replaces", "what_if.replaces", name, problems),
        this_topic=_bare_words(data, "this_topic", "this_topic", name, problems),
        asked_other=_bare_words(data, "asked_other", "asked_other", name, problems),
        particles_kept=frozenset(_single_characters(data, "particles_kept", name, problems)),
        interjections=_bare_words(data, "interjections", "interjections", name, problems),
        asides=_bare_words(data, "asides", "asides", name, problems),
        each_asks=_bare_words(data, "each_asks", "each_asks", name, problems),
        hesitations=_bare_words(data, "hesitations", "hesitations", name, problems),
        shared_joiners=_bare_words(shared, "joiners", "shared_question.joiners", name, problems),
        shared_markers=_bare_words(shared, "markers", "shared_question.markers", name, problems),
        introductions=tuple(p for text, item_line in _words(data.get("introductions"), name, data.line_of("introductions"),
                                                            "introductions.patterns", problems)
                            if (p := _compiled(text, item_line, name, problems)) is not None),
        source=name)
    proxy = _section(data, "third_person", ("starts", "who", "ends", "self_states"), name, problems)
    confirm = _section(data, "confirm_forget", ("delete", "keep", "unsure"), name, problems)
    who = []
    for text, item_line in _words(proxy.get("who"), name, proxy.line_of("who"), "third_person.who", problems):
        word, sep, said = text.partition("=")
        if not bare(word) or (sep and not bare(said)):
            problems.append(Problem(name, item_line, f"“third_person.who”里的“{text}”应该写成 儿子 或 娃=孩子"))
            continue
        who.append((bare(word), bare(said) or bare(word)))
    vocabulary = replace(
        vocabulary, closings=talk["closings"], plans=talk["plans"],
        broad_asks=_patterns(data, "broad_asks", name, problems),
        self_descriptions=_patterns(data, "self_descriptions", name, problems),
        complaints=_patterns(data, "complaints", name, problems),
        forget_yes=frozenset(_bare_words(confirm, "delete", "confirm_forget.delete", name, problems)),
        forget_no=frozenset(_bare_words(confirm, "keep", "confirm_forget.keep", name, problems)),
        forget_unsure=frozenset(_bare_words(confirm, "unsure", "confirm_forget.unsure", name, problems)),
        acknowledgements=frozenset(_bare_words(data, "acknowledgements", "acknowledgements", name, problems)),
        proxy_starts=_bare_words(proxy, "starts", "third_person.starts", name, problems),
        proxy_who=tuple(sorted(who, key=lambda pair: len(pair[0]), reverse=True)),
        proxy_ends=_bare_words(proxy, "ends", "third_person.ends", name, problems),
        self_states=_bare_words(proxy, "self_states", "third_person.self_states", name, problems),
        already_said=_patterns(data, "already_said", name, problems))
    asks = _section(data, "eligibility_asks", _ELIGIBILITY_ASKS, name, problems)
    vocabulary = replace(
        vocabulary,
        ask_what=_patterns(asks, "what", name, problems), ask_qualify=_patterns(asks, "qualify", name, problems),
        ask_amounts=_patterns(asks, "amounts", name, problems),
        ask_checks=_bare_words(asks, "checks", "eligibility_asks.checks", name, problems),
        ask_subjects=_bare_words(asks, "subjects", "eligibility_asks.subjects", name, problems),
        ask_businesses=_bare_words(asks, "businesses", "eligibility_asks.businesses", name, problems),
        ask_as_business=_bare_words(asks, "as_business", "eligibility_asks.as_business", name, problems),
        ask_policy_words=_bare_words(asks, "policy_words", "eligibility_asks.policy_words", name, problems),
        ask_fillers=_bare_words(asks, "fillers", "eligibility_asks.fillers", name, problems),
        ask_still=_bare_words(asks, "still", "eligibility_asks.still", name, problems))
    return (None, problems) if problems else (vocabulary, [])


def _patterns(data: LineDict, key: str, name: str, problems: list[Problem]) -> tuple[re.Pattern[str], ...]:
    """A top-level list of regular expressions, each checked by `_compiled`."""
    return tuple(p for text, line in _words(data.get(key), name, data.line_of(key), f"{key}.patterns", problems)
                 if (p := _compiled(text, line, name, problems)) is not None)


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The checked vocabulary; raises InvalidVocabulary with every problem."""
    vocabulary, problems = check_vocabulary(path)
    if vocabulary is None:
        raise InvalidVocabulary(problems)
    return vocabulary
