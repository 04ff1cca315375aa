"""Read one typed message in the context of the conversation: what did the person mean?

The reader decides nothing and changes nothing: it returns an `Understanding` and the engine's
flows act on it. Order matters, and is the same on every channel:

1. empty, slash commands, a numbered option (WeChat / terminal), a label of the last reply;
2. navigation in any wording, at any time (算了 / 返回菜单 / 上一步 / 联系方式 / 测一测 …), and
   every button label the bot shows anywhere, even as the first message;
3. inside a questionnaire: "I don't know" is an answer; a message that is a question (吗, 有没有,
   啥 … with content) is a side question, never stored as an answer — unless another part of
   it answers the pending question ("交着哩 这钱啥时候返"): then both (an answer with `parts`);
   otherwise the pending question's parser reads it (yes/no by meaning, choices by meaning,
   numbers and years);
4. outside: a bare number, symbols and emoji, Latin letters (pinyin/English), greetings and
   thanks (also a greeting followed by a story), a bare topic word, several questions in one
   message (cut at ? / 吗, at connectors, at a mere space between two questions, or one
   question asked of two policies: A和B都是多少), a follow-up that leans on the last answer,
   or a question.

Interjections (哎呀, 哦) before a correction or a what-if are skipped; sentence-final particles
are the one list of eligibility/data/answer_words.yaml (`Reader.particles`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from dialog.understanding.normalize import bare, prepare, without_particles
from dialog.understanding.vocabulary import Vocabulary
from knowledge.asking import is_what_to_do_cry, spoken_count

_ASKING_ENDS = "么嘛不"  # a question's final 吗 as residents type it (能听见么, 听得见不)

# What a message can be. The engine routes on `Understanding.kind`.
KINDS = (
    "empty",          # nothing typed
    "command",        # /start, /forget … (text keeps the slash)
    "button",         # a button pressed by typing its label or number: `action`
    "navigate",       # `intent`: quit, menu, restart, back, help, forget, contacts, list, ask,
                      # finder, test_topic, more, resume_go
    "answer",         # the pending question's answer: `answer` (eligibility.ParsedAnswer); `parts`:
                      # a side question asked in the same message, answered first
    "unclear_answer",  # meant as an answer but not readable: `answer.error` is the re-ask hint
    "side_question",  # a question typed during a questionnaire
    "number",         # a bare number outside a questionnaire
    "non_question",   # emoji, punctuation, a lone 我 or 嗯
    "foreign",        # pinyin or English
    "greeting",
    "thanks",
    "topic_word",     # one broad word (钱, 贷款, 补贴): offer the topics
    "multi",          # several questions: `parts`
    "follow_up",      # a short question about the last answer or result
    "question",       # a question with a topic of its own
    "closing",        # only thanks / ok / leaving words ("好的 谢谢 算了"): the conversation ends here
    "overview",       # a broad ask (有啥好政策, 能帮我啥), maybe after saying who one is: what the bot
                      # covers; `intent` "answer_first" when a statement names a topic of its own
    "simpler",        # 看不懂 / 说简单些 right after an answer or result: that answer again, plainly
    "already_said",   # "我刚才说过了" in a questionnaire: the fact from earlier, or the question again
    "proxy",          # "替我儿子问的": asking for someone else, `who` (儿子, 孩子 …); nothing else said
)
# navigate "finder" / "test_topic" may carry `who` (我闺女能领啥 → 女儿) and `whom` (我们厂子够不够
# 条件 → "我们厂子"): whom the test is for (see Reader.eligibility_ask).

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# "什么都没有", "啥也不是" are answers, not questions.
# Question words that do not ask: 什么都 / 啥也; 多少有点; a few after a verb (裁了几个人, 招过几
# 回); not much (没裁多少, 没几个; not 有没有几个); 正在领失业金呢 / 正领着失业金呢 / 人在新疆摘棉花呢
# (呢 of something going on); if
# some day (要是哪天); want to do something (想摆摊干点啥).
# 撒 typed for 啥 (dialect and pinyin: 享受撒政策, 撒时候, 干撒呢): read as 啥 where it asks — not in
# 撒化肥 / 撒种子, where it is the verb
_SA_AS_SHA = re.compile(r"撒(?=政策|补贴|补助|钱|扶持|好处|待遇|帮扶|东西|意思|时候|条件|手续|材料|要求|人|样)"
                        r"|(?:(?<=享受)|(?<=[干是有给领办说叫要能为些]))撒(?=$|[呢吗啊呀哩嘛\s，,。？?！!])")
_WISH_FIRST = re.compile(r"^(?:我|俺|咱|他|她)?(?:想|想要|打算|准备|要)(?:学|干|做|找|去|开|弄|搞)")  # 想学个手艺
_NOT_A_QUESTION = re.compile(r"(什么|啥|哪个|哪样|哪)(都|也)|多少(有点|有些|算是)|(?<=[了过])几(?![十百千万])"
                             # 没有没有 一个都没裁: a denial said twice (its 有没有 asks nothing)
                             r"|(?:没有){2,}|(?:不是){2,}"
                             # 没啥文化, 没什么本事, 没撒手艺: "not much", not "what"
                             r"|(?<!有)(?:没|没有)(?:啥|撒|什么)(?=文化|本事|手艺|技术|学历|能耐|钱|收入|事干|活干|活路|门路|办法)"
                             # 想带几个徒弟, 打算招几个人: "a few" in a plan, not "how many"
                             r"|(?:想|打算|准备|计划)[^\s,，。?？哪啥什谁多么吗不没能知问]{1,3}几(?![十百千万])"
                             r"(?![^\s,，。?？]{0,3}(?:才|就|够|算|合适))"  # 再招几个人才够条件 asks
                             # 村里几户人合起来办了个合作社: "several" in a story told, not "how many"
                             r"|几[个户家人名位]{1,2}[^\s,，。?？几多哪啥吗呢不没]{2,8}了"
                             # 村里几户想把地流转出去, 几个人打算合伙: several who want to, not how many
                             r"|(?<!要)(?<!最少)(?<!至少)(?<!最多)几[个户家人名位]{1,2}(?=想|打算|准备|都想|一起|合伙|合起来)"
                             r"(?![^\s,，。?？]{0,8}(?:才|就能|够|合适))"  # 几个人合伙才能贷款 asks
                             r"|(?<!有)没有?[^\s,，。?？、]{0,2}(?:多少|几)"
                             # 手里没啥本钱, 没什么文化: "not much" of what one has, not "what" (没了啥时候还能贷)
                             r"|(?<![有了])没有?(?:啥|什么|撒)(?=本钱|钱|文化|技术|手艺|经验|积蓄|存款|底子|学历|本事)"
                             r"|(?:正在|还在|正|在)[^\s,，。?？哪啥什谁几多么吗不没能]{1,8}呢"
                             r"|着[^\s,，。?？哪啥什谁几多么吗不没能]{0,4}呢"
                             r"|(?<=要是|如果|万一|假如)哪|想[^\s,，。?？]{0,6}点(?:啥|什么)")
# 去县上问补贴咋申请，窗口的人说不清: a question asked of someone else (去/到/找 somewhere, 问 …),
# told as a story with more after it — context of what follows, not asked of the bot
_REPORTED_ASK = re.compile(r"(?:我|俺|我们|我家|他|她|娃|我娃)?(?:也|前天|昨天|今天|上午|上周|上个月|去年)?(?:去|到|找)[^\s,，。?？哪啥什谁]{1,6}问[了过]?[^\s,，。?？哪啥谁]{0,8}"
                           r"(?:咋|怎么|怎样|如何)[^\s,，。?？吗呢]{1,4}")
_QUESTION_MARK = re.compile(r"[?]")
_NUMBER_SAID = r"[\d零〇一二两三四五六七八九十百千万.]+(?:万|千|块|元|个|人|岁|年|名)*"
_NOT_THIS_NUMBER = re.compile(rf"^不是\s*{_NUMBER_SAID}[\s,，。]*(?:是|而是|应该是)\s*({_NUMBER_SAID}.*)$")
# "am I eligible" said with a test cue (测一测我是否符合, the button's own words): part of the request
_SELF_CHECK = re.compile(r"(?:我|俺|我们|咱)?(?:是否|是不是|能不能|够不够|符不符合)(?:符合|够格|享受|条件)?(?:条件)?(?:吗|不)?$")
# 见习期间有工资没有 / 有工资木有: "has it X or not" split around X — a question, whatever step it is typed at
_HAS_X_OR_NOT = re.compile(r"有[^没木莫么有]{1,6}(?:没有|木有|莫有|么有)$")
_JUST_A_BIT = re.compile(r"一下|一哈|一测|下子")  # 帮我测 + 一下: what is left of the request, no topic
# 测一测我是否符合 稳岗返还: the button's words said first, then the policy's name
_SELF_CHECK_AFTER_CUE = re.compile(r"^(?:我|俺|我们|咱)?(?:是否|是不是|能不能|够不够|符不符合)(?:符合|够格|享受|条件)?(?:条件)?")
_REQUEST = re.compile(r"能不能|可不可以|行不行|能否|可以吗|行吗|好吗|吗$|不$")
# A Chinese keyboard's / key types 、; a backslash is the other slip: 、admin, \\forget are commands.
_SLASH_KEY = re.compile(r"^[、\\](?=\s*[A-Za-z])")
_PARTS = re.compile(r"(?:[\s,，。!！?？;；、]|(?<!\d)\.|\.(?!\d))+")
# The same without 、 — the items of a list (把能办的事、补多少钱、找谁办列个单子) are one question's —
# unless what follows 、 begins anew (怎么掌握情况、又怎么帮他们: 又, 还, 再 …)
_PAUSES_NOT_LIST = re.compile(r"(?:[\s,，。!！?？;；]|(?<!\d)\.|\.(?!\d)|、(?=又|还|再|也|另外|同时|并且))+")
_UNKNOWN_IN = re.compile(r"不知道|不清楚|不晓得|不确定|知不道|说不清|搞不清|弄不清")
# 几 asks (几个月, 能领几年) unless it is part of a number (十几, 二十几, 几十, 好几年).
# 几 asks (招了几个, 几岁) except in a number (十几, 好几) or after a group (我们几个, 亲戚几个,
# 朋友几个, 兄弟几个: "a few of us", a statement)
# 我想问一下户口迁移的事情: a request to be told about something asks, though no question word does
_ASKS_ABOUT = re.compile(r"(?:想|要|来)(?:问|咨询|打听)")
# 那几年 / 这几天: "those few years", not "how many"
_JI = re.compile(r"(?<![一二两三四五六七八九十百千万\d好们戚友弟妹那这])几(?![十百千万])")
# A-not-A asks yes or no whatever the verb or adjective (管不管, 搞不搞, 扶持不扶持, 高不高): the
# cue list names only the common ones (能不能, 有没有). Not a particle repeated (不了不了, 不弄了
# 不弄了: "no, no"), nor 一…不一 (一年不一定).
_NOT_A_VERB = "了着过的得地呢吧啊不没莫一"
# Nor the idioms 动不动, 时不时, 爱理不理, nor an alternative that does not matter (去不去都行).
_A_NOT_A = re.compile(rf"(?<!爱)(?:([^\W\d_{_NOT_A_VERB}动时])[不没莫么]\1|([^\W\d_{_NOT_A_VERB}动时])[^\W\d_{_NOT_A_VERB}][不没莫么]\2)"
                      r"(?![就都也的])")
# Linxia's final 莫 / 莫有 / 没有 (能领莫, 还有指标没有): a question's end
_DIALECT_FINALS = ("莫", "莫有", "没有")
# A final 没 / 没有 / 莫 that says "no" (我没有, 还没, 啥都莫有), not "…or not?" (交了没有, 能领莫)
_SAYS_NO = re.compile(r"(?:我|俺|咱|都|还|也|就|真|并|从来|确实|根本|一点|一个)(?:没|没有|莫|莫有|么)$|[什怎那这多要]么$")
_SPLIT_AFTER = re.compile(r"(?<=[?!。;])|(?<=[吗呢么])(?=[\s,，、;；])")
# After 那个 / 这个: the rest of a word with 个 (个人, 个体户, 个税, 个转企), not a pointer's 个
_GE_WORDS = ("人", "体", "税", "转企")
MIN_PART = 4  # characters of a part of a multi-question message
# After 说成 / 写成: the value said wrongly (说成5个了, 说成了4个); without a number right after
# it, 写成 is no correction (合同上写成临时工了).
_WRONG_VALUE = re.compile(r"了?\s*[\d零〇一二两三四五六七八九十百千万.]+(?:个|人|名|位|岁|年|个月|月|天|元|块|万|千)*了?")
_WAIT_FILLERS = "嗯恩哦噢好的行那我先去就啊呀吧了一下"
_SAID_BEFORE = re.compile(r"(?:我)?(?:刚才|刚刚|前面|上面|之前)$")  # …，刚才 left at the end
# The number of an item in a typed list (1见习补贴多少 2…; 1. / 2、/ 一、/ （1）), at the start or
# after a pause; not a number of the question (见习1个月, 交了2年: no pause before it).
_ITEM_VALUES = "123456789一二三四五六七八九"
_PREFACE = 8  # characters before the first item (请问下, 你好 我想问几个事)
_ITEM_NUMBER = re.compile(r"(?:(?:^|(?<=[\s,，。;；?？!！]))[（(]?|[（(])(?:(?P<n>[1-9一二三四五六七八九])[.、．:：)）]"
                          r"|(?P<d>[1-9])(?=[\u4e00-\u9fff])(?![个月年岁天万千百块元人号名位家户次间亩头只周倍期批张条项]))")
# Where a question ends when the next one follows with no pause and no connector (voice input,
# 见习补贴多少钱贷款能贷多少): a how-much or how-long that closes a question. Not a how or a
# where-to: its object may follow (去哪办失业登记, 咋办失业登记).
_ENDS_A_QUESTION = re.compile(r"多少钱|多少|几个月|几年|多久|多长时间")
# Not after a pointer or a number word (那几个月, 这多少, 十几年: a time, not an ask) …
_POINTING = ("那", "这", "头", "前", "后", "好", "十", "几")
_QUESTION_MARKS = re.compile(r"[?？]")
# … nor when what follows goes on with the same question: what is counted (多少岁以下的, 几年职工
# 能领), a predicate (多久还能参加), a particle (多少啊), or a sum (多少钱的补贴, 多少一个月)
_GOES_ON = ("岁", "年", "天", "次", "亩", "斤", "周", "号", "名", "位", "家", "户", "月", "还", "能", "可以",
            "职工", "单位", "企业", "以上", "以下", "以内", "的", "呢", "啊", "呀", "哇", "吧", "了", "钱", "块",
            "元", "个", "人", "一", "每", "合适", "才", "就", "够", "算")
_PAUSE = " ,，。.!！、~～:：;；"  # stripped around the words left after a marker
MIN_PAUSED = 3  # characters of a question cut from the next one by a mere space or comma
# A statement that asks for something to be done (想参加见习, 打算办失业登记): before 另外 / 顺便问
# it is a request of its own, not the context of the question after the connector.
_WANTS = re.compile(r"(?<!不)想(?!问|了解|知道|咨询|打听|请教)|打算|准备|要办|要申请|要报")
# Connectors that may begin the question itself at the start of a piece (还有名额没), so only a
# connector after a pause inside a piece counts for them; the others (…失业登记；另外…) open a new
# matter wherever they stand.
_MAY_BEGIN_A_QUESTION = ("还有", "以及")
# 我弟, 俺妹, 她姐: a sibling by one character, only with an owner (not 妹夫, 哥们, 姐妹)
_SIBLING = r"(?:我|俺|他|她)(?:家的|家)?(?:弟|妹|哥|姐)(?![夫们嫂子妹弟哥姐])"
_SELF_TURN = ("我自己", "俺自己", "我本人", "我也", "俺也", "我想", "俺想", "我能", "俺能", "我可以", "那我自己")  # the asker again
_PERSON_FIRST = ("他", "她", "我", "俺", "娃", "孩子", "儿子", "女儿", "丫头")  # a statement about someone
_OWNERS = ("我们家", "我家", "俺家", "我", "俺")  # 我儿子, 俺家丫头: whose family member a message names
# 我 / 俺自己 / 我本人, then 也 / 今年 / 现在…: the asker as the subject of a part
_SELF_SUBJECT = re.compile(r"(?:我|俺)(?:自己|本人)?(?:也|今年|都|现在|已经|还|才|早就|一直)*(?![们家的])")
_OWN_AGE = re.compile(r"[零〇一二两三四五六七八九十百\d]+(?:岁|了|多|出头|来岁)+")
_NOT_ME = re.compile(r"(?:不是|不)(?:我|俺)(?:自己|本人)?(?:问|问的|的|要|用)?")


_EACH_TAIL = re.compile(r"[？?，,。！!；;\s]+")  # the last part of a message, for `each_asks`
_CJK_PAIR = re.compile(r"(?=([\u3400-\u9fff]{2}))")
ASIDE_MIN_LENGTH = 8  # characters of a yes/no reply ending in 不/没 (not 呢/哩: 在厂子里干着呢 is an
# answer) before it may be a question of its own
ASIDE_NEW_PAIRS = 5   # … and character pairs it has that the question's prompt does not


def _asks_beside(question: Any, plain: str) -> bool:
    """Whether a reply to a yes/no question is long and mostly about other things than the
    question's own words (more than ASIDE_NEW_PAIRS character pairs the prompt lacks)."""
    if question is None or getattr(question, "kind", None) != "yesno" or len(plain) < ASIDE_MIN_LENGTH:
        return False
    prompt = set(_CJK_PAIR.findall(getattr(question, "prompt", "") or ""))
    return len(set(_CJK_PAIR.findall(plain)) - prompt) > ASIDE_NEW_PAIRS


_ORDINALS = "一二三四五六七八九"
# 第一个 / 头一个 / 第2项: an option picked by its place in the list (numbered channels).
# Not 第三条: that is how the document numbers its own clauses.
_ORDINAL = re.compile(r"(?:第|头)([一二三四五六七八九]|[1-9])(?:个|项|种|样)?")

ABOUT_OTHER_HEAD = 8  # characters of 那我儿子呢 / 那俺家丫头呢 in which someone else is named
# 算了 七个 / 算了是五个: "no, make it seven" — a figure put right after 算了, not leaving
_NEVER_MIND_FIGURE = re.compile(r"^(?:算了|算啦|罢了)(?:是|应该是|就|还是)?"
                                r"(?P<figure>[0-9一二两俩三四五六七八九十百千万]+(?:个人|个|人|名|岁|年|个月|万|元|块)?)$")
# how a resident points at one option of a list: 见习那个, 测稳岗的, 我选创业贷款, 就这个失业登记吧
_PICK_WORDS = re.compile(r"^(?:我要|我选|选|测一测|测一下|测|就|要)|(?:那个|这个|那项|这项|那一个|这一个|那一项|的那个|的|吧|呢)+$")


@dataclass(frozen=True)
class Conversation:
    """What the reader needs to know of the conversation (the engine builds it per turn).

    `question` is the pending questionnaire question (None outside questionnaires), `buttons`
    the (label, action) pairs of the last reply, `labels` every button label the bot shows
    anywhere mapped to its action, `numbered` whether the channel numbers buttons (WeChat,
    terminal), `has_topic` whether an answer or result was just given (follow-ups and 测一测
    lean on it), `resume_pending` whether the "continue or restart?" prompt is waiting.
    """

    question: Any = None
    buttons: tuple[tuple[str, str], ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    numbered: bool = False
    awaiting_number: bool = False
    has_topic: bool = False
    topic_clause: str | None = None  # the clause of that answer, when there is one
    resume_pending: bool = False
    as_of: date | None = None


_NUMERAL_OR_DIGITS = r"[一二三四五六七八九十]{1,3}|\d{1,2}"
# 第四条 / 第5条 / 看看第五条第（二）项 / 第五条二项讲的啥 / 第三条(一)说的是什么: a part of the document
# named by its number, and nothing else asked
_CLAUSE_REFERENCE = re.compile(
    r"^(?:我想|我要|想|请|麻烦)?(?:看看|看一下|看一哈|看|打开|查看|点开|说说|讲讲)?(?:文件的?|方案的?)?"
    r"第\s*(?P<article>" + _NUMERAL_OR_DIGITS + r")\s*条"
    r"(?:\s*第?\s*[（(]?\s*(?P<item>" + _NUMERAL_OR_DIGITS + r")\s*[）)]?\s*项?)?"
    r"(?:的?(?:内容|原文|全文))?(?:是?(?:讲|说|写)的?是?)?(?:啥|撒|什么|些啥|些什么|内容)?"
    r"(?:呢|嘞|吗|哩|啊|呀)?[\s?？。!！]*$")


# A short cry of "what to do" (阿么办 / 咋办呀 / 怎么办呢) before the matter it is about; 补多少 /
# 去哪办 ask something of their own and stay questions
def clause_reference(text: str) -> str | None:
    """The button action showing the part of the document a message names by number alone:
    第四条 -> "s:4" (an article: its clause, or its items to pick from), 第五条第（二）项 / 第五条
    二项讲的啥 -> "c:5.2"; None when the message names none or asks something more (第四条的钱
    咋领 is a question about that clause, answered as one)."""
    found = _CLAUSE_REFERENCE.match(text.strip())
    if found is None:
        return None
    numbers = [str(spoken_count(g)) for g in (found.group("article"), found.group("item")) if g]
    if any(n in ("None", "0") for n in numbers):
        return None
    return f"c:{numbers[0]}.{numbers[1]}" if len(numbers) == 2 else f"s:{numbers[0]}"


@dataclass(frozen=True)
class Understanding:
    """What a message means. `text` is the prepared message (NFKC, cleaned) that flows act
    on; `raw` is the message as typed (stripped), which is what the log and staff reports keep."""

    kind: str
    text: str
    action: str | None = None
    intent: str | None = None
    answer: Any = None  # eligibility.ParsedAnswer for answer / unclear_answer
    parts: tuple[str, ...] = ()
    raw: str = ""
    correction: str | None = None  # after 不对 / 说错了 …: the words that may correct an earlier answer
    correction_explicit: bool = False  # 说错了 said outright: earlier questions come before the current one
    what_if: str | None = None  # 那要是 … 呢: the changed fact to judge again, right after a result
    heard: str | None = None  # a message typed in pinyin: the Chinese it was read as (见习补贴多少钱)
    who: str | None = None  # 替我儿子问的 → "儿子": whom the person asks for (with any kind)
    whom: str | None = None  # 我们厂子能领啥 → "我们厂子 单位": the words naming whom a test is for
    # (and what the message said of them: 我儿子今年二十三 没工作 他能领啥 → "我儿子 今年二十三 没工作")


@dataclass(frozen=True)
class EligibilityAsk:
    """A request to be tested, read by `Reader.eligibility_ask`.

    `kind` is "finder" (能领啥: every programme) or "check" (够不够条件, 帮我算算能拿多少: one
    programme); `topic` the policy named beside it ("稳岗返还"), None for the one just answered;
    `who` the family member asked for (the name the bot uses: 女儿); `whom` the words that name
    the person's business or family member ("我们厂子", "我闺女"; the questionnaires' 个人/单位
    question reads them)."""

    kind: str
    topic: str | None = None
    who: str | None = None
    whom: str | None = None


ParseAnswer = Callable[..., Any]  # (question, text, as_of=...) -> ParsedAnswer


class Reader:
    """Reads messages with a vocabulary (dialog/data/understanding.yaml).

    `parse_answer(question, text, as_of=date)` reads an answer to a questionnaire question
    (eligibility.parse_answer); `has_own_topic(text) -> bool` tells whether a question names
    a policy topic of its own (the answerer knows the clauses), so that 去哪报名 leans on the
    last answer while 创业贷款去哪申请 does not.
    """

    def __init__(self, vocabulary: Vocabulary, parse_answer: ParseAnswer,
                 has_own_topic: Callable[[str, str | None], bool] | None = None,
                 answer_particles: Callable[[], Sequence[str]] | None = None,
                 from_pinyin: Callable[[str], str | None] | None = None) -> None:
        self.vocabulary = vocabulary
        self.parse_answer = parse_answer
        self.has_own_topic = has_own_topic or (lambda text, about=None: True)
        # a message typed wholly in pinyin, read as Chinese (knowledge/pinyin.py via the answerer)
        self.from_pinyin = from_pinyin or (lambda text: None)
        # The one list of sentence-final particles (eligibility/data/answer_words.yaml, taken
        # live on reload): a callable, so a reload of the answer words reaches the reader.
        self.answer_particles = answer_particles or _answer_particles
        self._particles: tuple[Sequence[str] | None, str] = (None, "")
        self._proxy_cache: tuple[Vocabulary, tuple[re.Pattern[str], ...]] | None = None
        self._ask_cache: tuple[Vocabulary, tuple[re.Pattern[str], re.Pattern[str]]] | None = None
        self._small_talk_cache: tuple[Vocabulary, tuple[dict[str, str], int]] | None = None
        self._family_patterns: tuple[Vocabulary | None, dict[str, re.Pattern[str] | None]] = (None, {})

    @property
    def particles(self) -> str:
        """The single-character particles a command may end with ("退出吧"): the answer words'
        particles less the vocabulary's `particles_kept` (了, 的 …: 停了 is not 停)."""
        listed = self.answer_particles()
        if listed is not self._particles[0]:
            kept = self.vocabulary.particles_kept
            self._particles = (listed, "".join(p for p in listed if len(p) == 1 and p not in kept))
        return self._particles[1]

    # ------------------------------------------------------------------ entry point

    def read(self, raw: str, conv: Conversation) -> Understanding:
        heard = self.from_pinyin(raw.strip()) if raw and not _CJK.search(raw) and _LATIN.search(raw) else None
        u = self._read(heard or _SA_AS_SHA.sub("啥", raw or ""), conv)
        if heard is not None:
            if u.kind in ("foreign", "non_question", "empty"):
                heard = None  # nothing came of it: the helping hand for letters
                u = self._read(raw, conv)
            else:
                u = replace(u, heard=heard)
        free = u.kind in ("answer", "unclear_answer", "question", "side_question", "non_question", "follow_up")
        correction = self.correction(u.text) if free else None
        return replace(u, raw=(raw or "").strip(), correction=correction[0] if correction else None,
                       correction_explicit=bool(correction and correction[1]),
                       what_if=self.what_if(u.text) if free else None)

    def what_if(self, text: str) -> str | None:
        """"那要是二十五岁呢" → "二十五岁": a changed fact to judge again; None when the message
        does not start like a what-if or nothing is left. Interjections before it are skipped."""
        plain = bare(self._without_interjections(text))
        for start in self.vocabulary.what_if_starts:
            if plain.startswith(start):
                rest = plain[len(start):]
                for end in self.vocabulary.what_if_ends:
                    if rest.endswith(end):
                        rest = rest[: -len(end)]
                        break
                rest = rest.strip(self.particles + "他她我")
                if len(rest) < 2 or self.small_talk(rest) is not None:  # 那好吧, 要是行的话
                    return None
                return rest
        return None

    def with_changed_fact(self, before: str, fact: str) -> str:
        """The question `before` with a what-if's fact put in: the words of `before` that the
        fact's words stand in for (understanding.yaml what_if.replaces: 大学 for 中专, 合伙 for
        一个人) taken out, the fact added — 我二十四 大学毕业 能见习不 + 是中专毕业的 → 我二十四 毕业
        能见习不 是中专毕业的."""
        plain = bare(fact)
        for group in self.vocabulary.what_if_replaces:
            if any(w in plain for w in group):
                for word in group:  # longest first: 没交过 before 交过
                    before = before.replace(word, "")
        return f"{before} {fact}"

    def correction(self, text: str) -> tuple[str, bool] | None:
        """(the words that may correct an earlier answer, explicit): "我刚才人数说错了，是9个" →
        ("我刚才人数，是9个", True) — an explicit phrase anywhere; "不对 我是大龄" → ("我是大龄",
        False) — a marker at the start, which yields to the current question when the words
        answer it. None when nothing is left to read."""
        t = self._without_interjections(text)
        for phrase in self.vocabulary.correction_phrases:
            i = t.find(phrase)
            if i >= 0:
                end = i + len(phrase)
                if phrase.endswith("成"):  # 刚才说成5个了: the wrong value goes with the phrase
                    wrong = _WRONG_VALUE.match(t, end)
                    if wrong is None:
                        continue  # 合同上写成临时工了: not a number put right
                    end = wrong.end()
                rest = (t[:i] + t[end:]).strip(_PAUSE)
                rest = _SAID_BEFORE.sub("", rest).strip(_PAUSE) or rest
                return (rest, True) if len(bare(rest)) >= 1 else None
        never_mind = _NEVER_MIND_FIGURE.match(bare(t))
        if never_mind is not None:  # 算了 七个: the figure put right
            return never_mind.group("figure"), False
        said = _NOT_THIS_NUMBER.match(t)
        if said is not None:  # 不是五万 是八千: a number put right (不是我，是我儿子 is not one)
            return said.group(1).strip(_PAUSE), False
        if t.startswith("我"):
            t = t[1:]
        plain = bare(t)
        for marker in self.vocabulary.corrections:
            if plain.startswith(marker) and len(plain) - len(marker) >= 2:
                rest = _cut(t, len(marker)).strip(_PAUSE)
                return (rest, False) if rest else None
        return None

    def _without_interjections(self, text: str) -> str:
        """The prepared text without leading interjections ("哎呀，不对 是二十五" → "不对 是二十五"),
        or the text itself when nothing else is left."""
        t = prepare(text)
        while True:
            plain = bare(t)
            word = next((w for w in self.vocabulary.interjections if plain.startswith(w) and len(plain) > len(w)), None)
            if word is None:
                return t
            t = _cut(t, len(word)).lstrip(_PAUSE)

    def without_correction_marker(self, text: str) -> str:
        """`text` without a leading 不对 / 更正 … ("不对，我刚才 是8个人" → "我刚才 是8个人")."""
        t = self._without_interjections(text)
        plain = bare(t)
        for marker in self.vocabulary.corrections:
            if plain.startswith(marker):
                return _cut(t, len(marker)).strip(_PAUSE) or t
        return t

    def _read(self, raw: str, conv: Conversation) -> Understanding:
        text = _SLASH_KEY.sub("/", prepare(raw), count=1)
        plain = bare(text)
        if not text:
            return Understanding("empty", text)
        if text.startswith("/"):
            return Understanding("command", text)
        pressed = self._pressed(text, plain, conv)
        if pressed is not None:
            return Understanding("button", text, action=pressed)
        in_questionnaire = conv.question is not None
        intent = self.intent(text, loose=False)
        if intent is None and self._closing(plain, in_questionnaire):
            return Understanding("closing", text)
        if intent is None and not in_questionnaire:
            intent = self.intent(text)
        if intent is not None and (intent != "resume_go" or conv.resume_pending):
            if intent == "explain" and not in_questionnaire and _after_answer(conv):
                return Understanding("simpler", text)  # 看不懂 right after an answer: say it plainly
            if intent in ("finder", "test_topic") and not in_questionnaire:  # 帮我们企业看看能领点啥
                who, whom = self.whom(text)
                return Understanding("navigate", text, intent=intent, who=who, whom=whom)
            return Understanding("navigate", text, intent=intent)
        label = conv.labels.get(plain) or self._like_label(plain, conv)
        if label is not None and conv.labels.get(plain) is None and in_questionnaire:
            # 还没参加 looks like the option 没有参加 (three characters shared) but the answer's
            # own words read it as 准备参加: any reading of the words beats a look-alike label
            parsed = self.parse_answer(conv.question, text, as_of=conv.as_of)
            if parsed.ok and parsed.value is not None:
                label = None
        if label is not None:
            return Understanding("button", text, action=label)
        who, rest = self.proxy(text)
        if who is not None and (in_questionnaire or self.test_topic(text) is None):  # 给我娃测一下: a test
            if not bare(rest):
                return Understanding("proxy", text, who=who)
            # "替我娃问的 他没工作": in a questionnaire the rest is the answer; elsewhere the rest
            # is what is asked (替我爸问的 他六十了 能贷款不 asks as 他六十了 能贷款不)
            return replace(self._read(rest, conv), who=who)
        if in_questionnaire:
            said, rest = self.already_said(text)
            if said:
                if not bare(rest):
                    return Understanding("already_said", text)
                text, plain = rest, bare(rest)  # "我说了 二十二": the rest is read as typed alone
            if self.overview(text) is False:  # 有啥好政策 mid-questionnaire: the overview, then the question
                return Understanding("overview", text)
            return self._in_questionnaire(text, plain, conv)
        asked = self.eligibility_ask(text)
        if asked is not None:  # 我闺女能领啥 / 我们厂子够不够条件 / 稳岗返还 帮我看看够不够
            return Understanding("navigate", text, intent="finder" if asked.kind == "finder" else "test_topic",
                                 parts=(asked.topic,) if asked.topic else (), who=asked.who, whom=asked.whom)
        topic = self.test_topic(text)
        if topic is not None:  # 给我姑娘测一下: for her
            who, whom = self.whom(text)
            return Understanding("navigate", text, intent="test_topic", parts=topic, who=who, whom=whom)
        return self._outside(text, plain, conv)

    def _like_label(self, plain: str, conv: Conversation) -> str | None:
        """A label typed in other words ("看一下原文" for 查看原文): at least 3 characters, most
        of the label's characters in a message hardly longer than it."""
        if not plain or len(plain) > 8:
            return None
        labels = [(bare(label), action) for label, action in conv.buttons] + list(conv.labels.items())
        best = None
        asks = self.strong_question(plain)
        for label, action in labels:
            if len(label) < 3 or (asks and not self.strong_question(label)):
                continue  # 啥叫零就业家庭 asks what the option 零就业家庭成员 is: no press of it
            common = sum(min(plain.count(ch), label.count(ch)) for ch in set(label))
            close = common >= 3 and common / len(label) >= 0.6 and common / len(plain) >= 0.6
            if close and (best is None or common > best[0]):
                best = (common, action)
        return best[1] if best else None

    # ------------------------------------------------------------------ pieces

    def _pressed(self, text: str, plain: str, conv: Conversation) -> str | None:
        """A label of the last reply typed (or its number on a numbered channel)."""
        if not conv.buttons:
            return None
        if conv.numbered and not conv.awaiting_number:
            ordinal = _ORDINAL.fullmatch(plain) if plain else None  # 第一个, 头一个, 第2项
            number = text if text.isdigit() else (ordinal.group(1) if ordinal else None)
            n = (int(number) if number.isdigit() else _ORDINALS.index(number) + 1) if number else 0
            if 1 <= n <= len(conv.buttons):
                return conv.buttons[n - 1][1]
        for label, action in conv.buttons:
            if text == label or (plain and plain == bare(label)):
                return action
            # 测一测：创业担保贷款 typed as 创业担保贷款: the part after the colon names it
            _, colon, tail = label.partition("：")
            if colon and len(bare(tail)) >= 4 and plain == bare(tail):
                return action
        return self._picked(plain, conv)

    def _picked(self, plain: str, conv: Conversation) -> str | None:
        """One of a list of named options (测一测：就业见习补贴 …) picked in a few words: 见习那个 /
        测稳岗的 / 第二个 — a part of exactly one option's name, or its place in the list."""
        options = [(bare(tail), action) for label, action in conv.buttons
                   if (tail := label.partition("：")[2]) and len(bare(tail)) >= 4]
        if len(options) < 2 or not plain or len(plain) > 10:
            return None
        ordinal = _ORDINAL.fullmatch(plain)
        if ordinal is not None:  # 第二个: the second option listed
            n = int(ordinal.group(1)) if ordinal.group(1).isdigit() else _ORDINALS.index(ordinal.group(1)) + 1
            return options[n - 1][1] if 1 <= n <= len(options) else None
        core = _PICK_WORDS.sub("", plain)
        if len(core) < 2 or not _PICK_WORDS.search(plain):
            return None  # 见习 alone is a topic word, asked as a question
        named = [action for tail, action in options if core in tail]
        return named[0] if len(named) == 1 else None

    def _only_waiting(self, text: str) -> bool:
        """Whether the message only asks to wait (稍等 / 我问下财务, with 嗯 / 好的 around it):
        nothing is left once the wait words are taken out. 我刚问下会计 交着的 answers."""
        wait = next((i for i in self.vocabulary.intents if i.name == "wait"), None)
        if wait is None:
            return False
        t = bare(text)
        covered = [False] * len(t)  # phrases may overlap (稍等我问问会计: 稍等, 等我问问, 问问会计)
        for phrase in {*wait.exact, *wait.contains}:
            start = t.find(phrase)
            while start >= 0:
                covered[start:start + len(phrase)] = [True] * len(phrase)
                start = t.find(phrase, start + 1)
        rest = "".join(ch for ch, c in zip(t, covered, strict=True) if not c)
        return any(covered) and not rest.strip(_WAIT_FILLERS)

    def intent(self, text: str, loose: bool = True) -> str | None:
        """The navigation intent a message expresses, if any: a whole-message phrasing or a
        pattern; with `loose`, also a message of up to 16 characters containing a strong
        phrasing (算了 不测了, 哦不对 乱了 从头再来一遍). Inside a questionnaire the loose form
        is tried only after the message failed to read as an answer ("从头到尾没上过班" is one)."""
        plain, short = bare(text), without_particles(text, self.particles)
        if not plain:
            return None
        # 稍等 / 我查一下 means "wait" only inside a questionnaire (_only_waiting); outside one,
        # 我查一下见习补贴咋申请 is a question
        intents = [i for i in self.vocabulary.intents if i.name != "wait"]
        for intent in intents:
            if plain in intent.exact or short in intent.exact:
                return intent.name
        for intent in intents:
            if any(p.search(plain) for p in intent.patterns):
                return intent.name
        if loose and len(plain) <= 16:
            for intent in intents:
                if any(c in plain for c in intent.contains):
                    return intent.name
        return None

    def test_topic(self, text: str) -> tuple[str, ...] | None:
        """A request to be tested: () for the topic just answered ("帮我测一下能领不"), (name,)
        for a named policy ("测一测创业担保贷款" → ("创业担保贷款",), "稳岗返还我们也想测一下");
        None when there is no test cue, or the message asks something ("是怎么测算的")."""
        plain = bare(text)
        for cue in self.vocabulary.test_cues:
            i = plain.find(cue)
            if i >= 0:
                rest = plain[:i] + _SELF_CHECK_AFTER_CUE.sub("", plain[i + len(cue):])
                for other in self.vocabulary.test_cues:  # 测一测 + 我符不符合: both are the request
                    rest = rest.replace(other, "")
                rest = _SELF_CHECK.sub("", rest)  # 见习补贴 测一测我是否符合: the button's words, no question
                # 稳岗返还是怎么测算的 / 帮我算一下利息多少 ask something; 能不能测测 is a request.
                if self.strong_question(_REQUEST.sub("", rest)):
                    return None
                rest = _JUST_A_BIT.sub("", rest).strip(self.particles + "了的我你您给帮想要也就那再")
                return (rest,) if len(rest) >= 2 and self.has_own_topic(rest) else ()
        return None

    def is_question(self, text: str) -> bool:
        """A question by its form: a question mark, a cue anywhere (吗, 多少, 有没有, 啥 …) or
        a final cue (…不, …呢) — "什么都没有" is not one."""
        t = _NOT_A_QUESTION.sub("", prepare(text))
        if _QUESTION_MARK.search(t) or _JI.search(t):
            return True
        if any(cue in t for cue in self.vocabulary.cues_anywhere):
            return True
        return self.ends_like_question(t)

    def asks_by_form(self, text: str) -> bool:
        """`is_question`, or a form it leaves to the reading as one question (it does not split
        at them): an A-not-A (政府管不管), a dialect final (能领莫, 还有指标没有) at the end of
        any part (能领莫 我五十了), a part before the last that asks (能贷款不 三百万). For telling a
        message that asks from one that only tells."""
        if self.is_question(text) or self._ends_in_dialect(text):
            return True
        if any(len(bare(p)) > 2 and self.is_question(p) for p in self.parts(text)[:-1]):
            return True  # 能贷款不 三百万: the question first, a figure after it
        return bool(_A_NOT_A.search(_NOT_A_QUESTION.sub("", prepare(text))))

    def _ends_in_dialect(self, text: str) -> bool:
        """Whether a part of the message ends with a dialect question final (培训补贴有莫)."""
        t = _NOT_A_QUESTION.sub("", prepare(text))
        return any(len(b := bare(p)) > 2 and b.endswith(_DIALECT_FINALS) and not _SAYS_NO.search(b)
                   for p in self.parts(t))

    def ends_like_question(self, text: str) -> bool:
        t = bare(text)
        return any(t.endswith(cue) for cue in self.vocabulary.cues_final) and len(t) > 2 and not _SAYS_NO.search(t)

    def strong_question(self, text: str) -> bool:
        """A question mark or a cue anywhere: these are questions even when the words could
        also be read as an answer (有没有年龄限制 is not 有)."""
        t = _NOT_A_QUESTION.sub("", prepare(text))
        return bool(_QUESTION_MARK.search(t) or _JI.search(t)) or any(cue in t for cue in self.vocabulary.cues_anywhere)

    def _in_questionnaire(self, text: str, plain: str, conv: Conversation) -> Understanding:
        question = conv.question
        if not plain:  # "？" / "。。" / an emoji: not an answer (never 不清楚), ask again
            return Understanding("navigate", text, intent="explain")
        head = plain[:ABOUT_OTHER_HEAD]
        if plain.startswith("那") and "呢" in head and (who := self.someone_else(head)) is not None:
            # 那我儿子呢 他二十岁 在家闲着: the same test for him (what follows 呢 is his situation),
            # not an answer of 20 to the question pending
            return Understanding("navigate", text, intent="for_other", who=who,
                                 whom=text.split("呢", 1)[1].strip(" ，,。") or None)
        other = self.asked_other(text)
        if other is not None:  # 不是这个 我问的是贷款: not 否 — the questionnaire was not what was asked
            return Understanding("side_question", other, intent="quit")
        if _NEVER_MIND_FIGURE.match(bare(text)):
            # 算了 七个: "no — seven", putting a number right (read as a correction), not leaving
            return Understanding("unclear_answer", text, answer=self.parse_answer(question, text, as_of=conv.as_of))
        pieces = self.parts(text)
        if (len(pieces) >= 2 and self.intent(pieces[0]) == "quit"
                and not any(self.strong_question(p) for p in pieces[1:])):
            # "算了 我先问问会计去": leaving, with a reason — not an answer to read in the reason
            return Understanding("navigate", text, intent="quit")
        if self._only_waiting(text):
            # 嗯嗯稍等我问下财务: not 是 (嗯嗯) — the answer comes after asking someone
            return Understanding("navigate", text, intent="wait")
        parsed = self.parse_answer(question, text, as_of=conv.as_of)
        strong = self.strong_question(text)
        if getattr(parsed, "unknown", False):
            # "我也不知道有没有" is 不清楚; "我不知道啥叫就业困难人员，能说说吗" asks something.
            if strong and len(_UNKNOWN_IN.sub("", plain)) >= 8:
                return Understanding("side_question", text)
            return Understanding("answer", text, answer=parsed)
        if len(plain) >= 3 and strong:
            both = self._answer_and_question(text, conv)
            return both if both is not None else self._side_question(text)
        if parsed.ok and _asks_beside(question, plain) and bare(text).endswith(("不", "没")):
            # 见习期间要给见习的娃买保险不, to "是否都属于见习对象": the final 不 asks about
            # something else (保险); it is not the answer 不 (否)
            return self._side_question(text)
        if parsed.ok:
            return Understanding("answer", text, answer=parsed)
        if (getattr(question, "kind", None) == "choice" and self.ends_like_question(text)
                and self.correction(text) is None and self.intent(text) is None):
            # 要钱不, to "运营方还是想自主创业的个人": no option, a question of its own (answered,
            # then the options again) — not "没能确定您选的是哪一项"
            return self._side_question(text)
        corrected = self.correction(text)
        if corrected is not None and corrected[1] and len(bare(corrected[0])) >= 2:
            # 点错了 我是个人 想去见习: not only "back" (点错了) — the words after it put an earlier
            # answer right (read as a correction by the questionnaire)
            return Understanding("unclear_answer", text, answer=parsed)
        intent = self.intent(text)  # the loose form, now that it is not an answer
        if intent is not None and intent != "resume_go":
            return Understanding("navigate", text, intent=intent)
        topic = self.test_topic(text)
        if topic:  # inside a questionnaire only a named policy switches; 测一下 alone is nothing new
            return Understanding("navigate", text, intent="test_topic", parts=topic)
        if getattr(parsed, "range", None) is not None:
            return Understanding("answer", text, answer=parsed)
        if len(plain) > 3 and (self.ends_like_question(text) or _HAS_X_OR_NOT.search(plain)):
            return Understanding("side_question", text)
        if self.small_talk(plain) == "thanks" or self._thanks_then_plan(text):
            # 谢谢丫头 / 收到 我转给人事 看看: no answer yet — the question waits, as for 稍等
            return Understanding("navigate", text, intent="wait")
        # A statement with no question form ("还在念大学哩") is an answer we could not read: the
        # question is asked again with how to answer it, never answered from the document.
        return Understanding("unclear_answer", text, answer=parsed)

    def asked_other(self, text: str) -> str | None:
        """What a resident asks instead of the questionnaire they are in: "不是这个 我问的是贷款" →
        "贷款"; the words after an `asked_other` marker (understanding.yaml), without a leading
        不是/不对, when they name a topic of their own. None when no marker is typed or nothing
        with a topic follows it ("不是这个" alone is read as usual)."""
        plain = bare(text)
        markers = sorted((m for m in self.vocabulary.asked_other if m in plain), key=lambda w: (-len(w), w))
        if not markers:
            return None
        rest = plain
        for marker in markers:
            rest = rest.replace(marker, " ")
        rest = re.sub(r"^\s*(不是|不对)\s*", "", rest).strip()  # 不是 我想问…; not the 不 of 不能贷款吗
        return rest if len(rest) >= 2 and self.has_own_topic(rest) else None

    def _side_question(self, text: str) -> Understanding:
        """A question typed in a questionnaire; with `intent` "quit" when another part of the
        message leaves it ("先不测了 见习补贴发给谁", "换个问题 贷款能贷多少"): then the
        questionnaire is left and the question answered as any other."""
        pieces = self.parts(text)
        said = [p for p in pieces if not self.strong_question(p)]
        leaving = bool(said) and self.intent(" ".join(said)) in ("quit", "menu")
        asked = " ".join(p for p in pieces if self.strong_question(p)) if leaving else text
        return Understanding("side_question", asked, intent="quit" if leaving else None)

    def _answer_and_question(self, text: str, conv: Conversation) -> Understanding | None:
        """An answer and a side question in one message ("交着哩 这钱啥时候能返下来", "8个，
        见习期最长多久"): the parts that ask (a strong cue) are the side question, kept in
        `parts`; the others, when they answer the pending question, are the answer (`text`).
        None when no part answers it (then the whole is a side question)."""
        pieces = self.parts(text)
        asked = [p for p in pieces if self.strong_question(p)]
        # 对了 工伤认定去哪办: "by the way" before the question answers nothing
        said = [p for p in pieces if not self.strong_question(p)
                and without_particles(p, self.particles) not in self.vocabulary.asides]
        if not asked or not said:
            return None
        answer_text = " ".join(said)
        parsed = self.parse_answer(conv.question, answer_text, as_of=conv.as_of)
        if not parsed.ok or getattr(parsed, "unknown", False) or parsed.value is None:
            return None
        return Understanding("answer", answer_text, answer=parsed, parts=(" ".join(asked),))

    def _outside(self, text: str, plain: str, conv: Conversation) -> Understanding:
        v = self.vocabulary
        if plain.isdigit():
            return Understanding("number", text)
        if not plain:
            return Understanding("non_question", text)
        short = without_particles(text, self.particles)
        talk = self.small_talk(plain)
        if talk is not None:
            return Understanding(talk, text)
        if self._thanks_then_plan(text):  # 行 明白了 我回去跟会计说
            return Understanding("thanks", text)
        if not _CJK.search(text) and _LATIN.search(text):
            return Understanding("foreign", text)
        rest = self._after_greeting(text)
        if rest is not None:
            if not bare(rest) or bare(rest) in v.filler or without_particles(rest, self.particles) in v.filler:
                return Understanding("greeting", text)
            return self._outside(rest, bare(rest), conv)
        said, rest = self.already_said(text)
        if said and not bare(rest):  # "我说过了" with no questionnaire waiting: a helping hand
            return Understanding("non_question", text)
        overview = self.overview(text)
        if overview is not None:
            return Understanding("overview", text, intent="answer_first" if overview else None)
        if plain in v.topic_words or short in v.topic_words:
            return Understanding("topic_word", text)
        place = clause_reference(text)
        if place is not None:  # 第四条 / 第五条第二项讲的啥, typed after the list: that part shown
            return Understanding("button", text, action=place)
        parts = self.split(text)
        if len(parts) >= 2:
            return Understanding("multi", text, parts=tuple(parts[:3]))
        if conv.has_topic and self.is_question(text):
            pointed = self._without_pointer(text)
            if pointed is not None:  # 这个政策现在还有没有 → 现在还有没有, about the last topic
                return Understanding("follow_up", pointed)
            # A topic beyond the last answer's clause makes it a new question (留下来一多半人的话呢
            # after 见习补贴 uses that clause's own words: a follow-up)
            own = self.has_own_topic(text, conv.topic_clause) if conv.topic_clause else self.has_own_topic(text)
            if not own:
                return Understanding("follow_up", text)
        return Understanding("question", text)

    def _thanks_then_plan(self, text: str) -> bool:
        """Whether the message thanks or says it understood (small_talk.thanks), then tells what
        the person will do next (small_talk.plans) and asks nothing: 行 明白了 我回去跟会计说.
        好的 见习补贴多少 asks; 好的 我想贷款 names no plan — both are read as usual."""
        plain = bare(text)
        first = next((w for w in sorted(self.vocabulary.thanks, key=lambda w: (-len(w), w)) if plain.startswith(w)), None)
        if first is None:
            return False
        rest = plain[len(first):]
        return any(p in rest for p in self.vocabulary.plans) and not self.is_question(rest)

    def small_talk(self, plain: str) -> str | None:
        """"closing", "greeting", "thanks" or "non_question" when the (bare) message is made
        only of greetings, thanks, leaving words, filler words, forms of address and particles —
        "谢谢你啊 娃娃", "好的 知道了", "喂 在不在", "好的 谢谢 算了" — else None. A leaving word
        makes it a closing; otherwise the first greeting or thanks decides."""
        used = self._small_talk_words(plain)
        if not used:
            # 村委会让我来这上面问问, 我不识字: who they are or who sent them, nothing asked yet
            rest = plain
            for pattern in self.vocabulary.self_descriptions:
                rest = pattern.sub("", rest)
            if plain and rest != plain and (not rest.strip(self.particles + "了的") or self._small_talk_words(rest)):
                return "non_question"
            return None
        if "closing" in used:
            return "closing"
        for kind in used:
            if kind in ("greeting", "thanks"):
                return kind
        return "non_question"

    def _closing(self, plain: str, in_questionnaire: bool) -> bool:
        """Whether the (bare) message only thanks and leaves ("好的 谢谢 算了", "行 不问了 再见").
        In a questionnaire one leaving word alone is not enough (没事 may answer the question;
        the plain quit words are navigation already): it takes two words or more."""
        used = self._small_talk_words(plain)
        if not used or "closing" not in used:
            return False
        # In a questionnaire a yes/ok word (对, 好的) may be the answer: "对 就这样" answers 是;
        # only thanks and leaving words count there ("好的 谢谢 算了": 谢谢 + 算了).
        return not in_questionnaire or sum(kind in ("closing", "thanks") for kind in used) >= 2

    def _small_talk_table(self) -> tuple[dict[str, str], int]:
        """Each small-talk phrase of the vocabulary -> its kind, and the longest phrase's length;
        built once per vocabulary (a reload gives the reader a new one), not per message."""
        v = self.vocabulary
        if self._small_talk_cache is not None and self._small_talk_cache[0] is v:
            return self._small_talk_cache[1]
        kinds = {**{w: "non_question" for w in v.filler | v.address | v.bare_answers},
                 **{w: "closing" for w in v.closings},
                 **{w: "thanks" for w in v.thanks}, **{w: "greeting" for w in v.greetings}}
        # 能听见吗 said with the dialect's question particle: 能听见么, 在嘛
        kinds.update({w[:-1] + q: kind for w, kind in list(kinds.items()) if w.endswith("吗") for q in _ASKING_ENDS
                      if w[:-1] + q not in kinds})
        table = (kinds, max((len(w) for w in kinds), default=0))
        self._small_talk_cache = (v, table)
        return table

    def _small_talk_words(self, plain: str) -> list[str] | None:
        """The kinds of the small-talk words that make up the whole (bare) message, in order
        (particles between them skipped), or None when some of it is not small talk."""
        kinds, longest = self._small_talk_table()
        particles = self.particles + "了的"
        # cover[i]: the kinds used to cover plain[:i] with known phrases, or None.
        cover: list[list[str] | None] = [[]] + [None] * len(plain)
        for i in range(len(plain)):
            if cover[i] is None:
                continue
            if plain[i] in particles and cover[i + 1] is None:
                cover[i + 1] = cover[i]
            for j in range(i + 1, min(len(plain), i + longest) + 1):
                kind = kinds.get(plain[i:j])
                if kind is not None and cover[j] is None:
                    cover[j] = cover[i] + [kind]
        return cover[len(plain)] if plain else None

    # ------------------------------------------------------------------ about the conversation

    def proxy(self, text: str) -> tuple[str | None, str]:
        """(whom the person asks for, the rest of the message): "替我儿子问的 他没工作" → ("儿子",
        "他没工作"); (None, text) when no part of it says so. The person is named as the
        vocabulary says (娃 → 孩子)."""
        forms = self._proxy_forms()
        if not forms:
            return None, text
        who, kept = None, []
        for part in self.parts(text):
            plain = without_particles(part, self.particles)
            found = None if who is not None else next((m for f in forms if (m := f.fullmatch(plain))), None)
            if found is not None:
                who = dict(self.vocabulary.proxy_who).get(found.group("who"), found.group("who"))
            else:
                kept.append(part)
        if who is None:
            return None, text
        # "不是我，是我儿子": the first part only says whom it is not about
        return who, " ".join(p for p in kept if not _NOT_ME.fullmatch(without_particles(p, self.particles)))

    def person_pointer(self, text: str) -> tuple[str, str] | None:
        """A follow-up that turns the last question to another person: "那我儿子呢 二十二 去年大学
        毕业了" → ("我儿子", "二十二 去年大学毕业了"); "那老二呢" → ("老二", ""); "换成我媳妇呢" →
        ("我媳妇", ""). The person is one of understanding.yaml `third_person.who`, with its owner
        as typed; the rest is what the message says of them (may ask a question of its own).
        None when the message does not begin so."""
        pattern = self._pointer_pattern()
        said = prepare(text)
        found = pattern.match(said) if pattern is not None else None
        if found is None:
            return None
        return found.group("person"), said[found.end():].strip(" ,，。?？!！;；")

    def without_person(self, piece: str) -> str:
        """The piece without the person it begins with and the age said of them — 我五十了能参加培训
        不 → 能参加培训不; 我弟十五 → ""; 他三十 残疾 → 残疾 — so that what the piece asks can be
        asked of someone else. 我们厂… keeps its 我们 (an owner, not a person)."""
        pattern = self._person_first_pattern()
        said = prepare(piece)
        found = pattern.match(said) if pattern is not None else None
        return said[found.end():].strip(" ,，。") if found is not None else said

    def _person_first_pattern(self) -> re.Pattern[str] | None:
        """A person first (我弟, 我们家老二, 他) and the age said of them; per vocabulary."""
        return self._family_pattern("person_first", lambda who: re.compile(
            rf"(?:那|那么)?(?:(?:我们|我家|俺家|咱家|我|俺|咱|他|她)?(?:家的|的)?(?:大|小)?(?:{who})"
            rf"|{_SIBLING}|(?:我|俺|他|她)(?!们|家))\s*"
            r"(?:(?:今年|都|也|已经|才|是)*(?:[1-9]\d|[一二两三四五六七八九]?十[一二三四五六七八九]?)多?(?:周岁|岁)?了?)?"))

    def _family_pattern(self, name: str, build: Callable[[str], re.Pattern[str]]) -> re.Pattern[str] | None:
        """A pattern built from `third_person.who` (the alternation handed to `build`), remembered
        per vocabulary under `name`; None when the vocabulary names no family members."""
        v = self.vocabulary
        if self._family_patterns[0] is not v:
            self._family_patterns = (v, {})
        patterns = self._family_patterns[1]
        if name not in patterns:
            patterns[name] = build(_alternatives(w for w, _ in v.proxy_who)) if v.proxy_who else None
        return patterns[name]

    def _conditional(self, piece: str) -> bool:
        """Whether the piece is a what-if closed as one (要是我们只招了三个呢, 如果没交的话): a
        what-if start and a what-if end — not 如果我是大学生 (the start of a question)."""
        plain = bare(piece)
        return self.what_if(piece) is not None and any(plain.endswith(e) for e in self.vocabulary.what_if_ends)

    def _one_matter(self, pieces: list[str]) -> bool:
        """Whether what follows a turn to a person or a condition asks at most one thing and does
        not turn to the asker (我自己能贷款不)."""
        asked = sum(1 for p in pieces if self.is_question(p))
        return asked <= 1 and not any(bare(p).startswith(_SELF_TURN) for p in pieces)

    def _only_hesitation(self, part: str) -> bool:
        """Whether the part is only words of hesitation (understanding.yaml `hesitations`: 那个 啥)."""
        rest = bare(part)
        words = self.vocabulary.hesitations  # longest first
        while rest:
            word = next((w for w in words if rest.startswith(w)), None)
            if word is None:
                return False
            rest = rest[len(word):]
        return bool(words) and bool(bare(part))

    def _only_points(self, part: str) -> bool:
        """Whether the part only turns to a person (那我儿子呢, 那老二呢), saying nothing of them."""
        pointed = self.person_pointer(part)
        return pointed is not None and not pointed[1]

    def _pointer_pattern(self) -> re.Pattern[str] | None:
        """A turn to a person (那我儿子呢, 换成我媳妇呢), the person named; per vocabulary."""
        return self._family_pattern("pointer", lambda who: re.compile(
            r"(?:(?:算了|好的|好|行|哦|噢|嗯|那个)[\s,，。!！]*)?"  # 算了 那我儿子呢: a word closing the last matter
            r"(?:那|那么|那要是|要是|如果是|如果|换成|换了|换做|换作)?\s*(?:是)?"
            rf"(?P<person>(?:我们|我|俺|咱|他|她)?(?:家的|家|的)?(?:大|小|二|三)?(?:{who})|{_SIBLING})"
            r"(?:呢|嘞|哩|的话|咋样|怎么样|咋办|怎么办|阿么办)(?=[\s,，。?？!！;；]|$)[\s,，。?？!！;；]*"))

    def someone_else(self, text: str) -> str | None:
        """Whom a message is about when it names one of the person's family or friends as its
        subject (我儿子失业在家, 俺家丫头06年的, 我娃大学毕业了): the name to address them by (丫头 →
        女儿; understanding.yaml `third_person.who`), else None."""
        plain = bare(text)
        for word, name in self.vocabulary.proxy_who:
            if any(owner + word in plain for owner in _OWNERS):
                return None if self.states_own(text) else name
        return None

    def states_own(self, text: str) -> bool:
        """Whether a part of the message says the asker's own case (俺也没工作, 我是低保户, 我四十了
        没工作: 我/俺, then one of `third_person.self_states`, an age before it allowed), so that
        "我男人残疾 我四十了没工作" is about the asker, not the husband; an age alone is not."""
        states = self.vocabulary.self_states
        for part in self.parts(text):
            found = _SELF_SUBJECT.match(bare(part))
            if found is None:
                continue
            rest = bare(part)[found.end():]
            # an age alone (我五十多了, beside 我儿子二十二 大学毕业了) is no case of one's own: a
            # state is (我四十了没工作, 俺也下岗了)
            aged = _OWN_AGE.match(rest)
            after = rest[aged.end():] if aged else rest
            if any(after.startswith(w) or (aged and w in after) for w in states):
                return True
        return False

    def eligibility_ask(self, text: str) -> EligibilityAsk | None:
        """A request to be tested, outside questionnaires (understanding.yaml `eligibility_asks`):
        "what can … get" at the end (我闺女能领啥补贴, 我们厂子能享受哪些) → kind "finder"; "does
        … qualify" (他够不够条件, 我们单位行不行) or "work out how much" with a request to work it
        out (帮我们单位算一下能拿多少) → kind "check", for the policy named beside it (稳岗返还
        帮我看看够不够) or the one just answered. The rest of the message must be made only of
        whom it is for (我们, 他, 我女儿, 我们厂子), a request (帮我看看, 算算), fillers (也, 这情况)
        and, for a "check", at most one policy name; a "check" must say whom or ask to look
        (够不够条件 alone is no request), and "能拿多少" without 算/看 asks the document. A
        "finder" ask must say whom; what it says of them (我儿子今年二十三 没工作 他能领啥) is kept
        in `whom` for the finder to read, unless it names a policy (`policy_words`: 见习补贴 我能
        领啥 asks the document). One for oneself that is a broad ask (我能享受啥政策) stays one
        (the overview). None otherwise."""
        v = self.vocabulary
        if not (v.ask_what or v.ask_qualify or v.ask_amounts):
            return None
        if any(w in bare(text) for w in v.ask_still):  # 俺是零就业家庭 现在还能领不: the document answers
            return None
        who, rest = self.proxy(text)
        who = who or self.someone_else(text)
        # the parts joined by "|": a policy's name never runs across a pause ("见习补贴 你看…")
        plain = "|".join(bare(p) for p in self.parts(rest)).rstrip(self.particles + "|")
        cores = [(m.start(), order, kind, m)
                 for order, (kind, patterns) in enumerate((("finder", v.ask_what), ("check", v.ask_qualify),
                                                           ("amount", v.ask_amounts)))
                 for p in patterns if (m := p.search(plain)) is not None and m.end() == len(plain) > m.start()]
        if not cores:
            return None
        _start, _order, kind, found = min(cores, key=lambda c: c[:2])  # the longest core (条件够不够)
        markers = self._ask_forms()[0]
        head = plain[:found.start()]
        runs, said, checked, whom = [], False, False, None
        i, run = 0, ""
        while i < len(head):
            if head[i] == "|":
                runs.append(run)
                run = ""
                i += 1
                continue
            m = markers.match(head, i)
            if m is None:
                run += head[i]
                i += 1
                continue
            runs.append(run)
            run = ""
            said = said or m.lastgroup in ("business", "family", "subject")
            checked = checked or m.lastgroup == "check"
            if m.lastgroup in ("business", "family") and whom is None:
                whom = self._said_of(m.group(0), m.lastgroup == "business")
            i = m.end()
        runs.append(run)
        left = [r for r in runs if r and not self._only_fillers(r)]
        if kind == "finder" and left:  # what they said of themselves, never a policy's name
            if any(w in r for r in left for w in v.ask_policy_words) or any(self.is_question(r) for r in left):
                return None
            whom = " ".join([whom or "", *left]).strip()
            left = []
        if len(left) > 1:
            return None
        topic = left[0] if left else None
        if topic is not None and (self.strong_question(topic) or not self.has_own_topic(topic)):
            return None
        if kind == "check" and not (said or checked) or kind == "amount" and not checked:
            return None
        if kind == "check" and topic is not None and "贷" in found.group(0):
            # 我是贫困户能贷不: the verb names what is asked (the loan); the words before say who
            return EligibilityAsk("check", "贷款", who, " ".join(w for w in (whom, topic) if w))
        if kind == "finder" and (not said or (whom is None and who is None and self.overview(text) is not None)):
            return None
        return EligibilityAsk("finder" if kind == "finder" else "check", topic, who, whom)

    def whom(self, text: str) -> tuple[str | None, str | None]:
        """(the family member, the words naming whom and what the message states of them) a
        message asks for: "帮我闺女问下 她能领啥" → ("女儿", "我闺女"); "帮我们企业看看能领点啥"
        → (None, "我们企业 单位"); "我刚毕业 能领点啥" → (None, "我刚毕业")."""
        who = self.proxy(text)[0] or self.someone_else(text)
        found = self._ask_forms()[1].search(bare(text))
        named = self._said_of(found.group(0), found.lastgroup == "business") if found else ""
        parts = self.parts(text)
        if any(self.is_question(p) for p in parts):
            stated = self.statements(text)  # said before the ask: its context (not 测一测 itself)
        else:  # 我们学校接收见习生，帮我测一测见习补贴: the parts that are no request to test
            stated = " ".join(p for p in parts if len(parts) > 1 and self.test_topic(p) is None)
        return who, " ".join(w for w in (named, stated) if w) or None

    def _said_of(self, words: str, business: bool) -> str:
        """The words naming whom a test is for, as the questionnaires read them: a business
        with the vocabulary's word for one (`as_business`: "我们饭馆" → "我们饭馆 单位"), so
        that 个人/单位 is answered whatever the business is called."""
        extra = self.vocabulary.ask_as_business[:1] if business else ()
        return " ".join((words, *extra))

    def _only_fillers(self, run: str) -> bool:
        """Whether a (bare) run of a request is made only of filler words (也, 这情况) and
        pointers at the last topic (这个政策): nothing of its own."""
        words = (set(self.vocabulary.ask_fillers) | {bare(w) for w in self.vocabulary.this_topic}
                 | set(self.particles) | set(self.vocabulary.particles_kept))
        longest = max((len(w) for w in words), default=0)
        covered = [True] + [False] * len(run)
        for i in range(len(run)):
            if covered[i]:
                for j in range(i + 1, min(len(run), i + longest) + 1):
                    if run[i:j] in words:
                        covered[j] = True
        return covered[len(run)]

    def _ask_forms(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """(the words a request to be tested is made of — a named group each: business, family,
        check, subject —, a business with its owner or a family member: 我们厂子, 俺家的店,
        我闺女), per vocabulary."""
        v = self.vocabulary
        cached = self._ask_cache
        if cached is not None and cached[0] is v:
            return cached[1]
        owners = _alternatives(("我们", "俺们", "咱们", "我家", "俺家", "咱家", "我", "俺", "咱", "本"))
        none = "(?!)"
        # 我们厂子, 俺家的店, 我们村合作社, 俺家的小饭馆: a few words may name it (not a plan: 我想开个店)
        business = (rf"(?:{owners})(?:的|家的|开的|这个|这|那个|家)?(?:(?![想要开打算准备])[\u4e00-\u9fff]){{0,3}}?"
                    rf"(?:{_alternatives(v.ask_businesses)})" if v.ask_businesses else none)
        family = rf"(?:{owners})?(?:的|家的|家)?(?:{_alternatives(w for w, _ in v.proxy_who)})" if v.proxy_who else none
        markers = re.compile(rf"(?P<business>{business})|(?P<family>{family})"
                             rf"|(?P<check>{_alternatives(v.ask_checks) or none})"
                             rf"|(?P<subject>{_alternatives(v.ask_subjects) or none})")
        forms = (markers, re.compile(rf"(?P<business>{business})|(?P<family>{family})"))
        self._ask_cache = (v, forms)
        return forms

    def _proxy_forms(self) -> tuple[re.Pattern[str], ...]:
        """The forms of "asking for someone else" (替我儿子问的, 问的是我娃, 不是我 是我儿子),
        built from the vocabulary's words; remembered per vocabulary."""
        v = self.vocabulary
        cached = self._proxy_cache
        if cached is not None and cached[0] is v:
            return cached[1]
        forms: tuple[re.Pattern[str], ...] = ()
        if v.proxy_who and v.proxy_starts:
            who = _alternatives(w for w, _ in v.proxy_who)
            ends = _alternatives(v.proxy_ends) if v.proxy_ends else "(?!)"
            mine = r"(?:我|俺|我们|俺们|咱)?(?:家|家的|的)?"
            forms = (
                re.compile(rf"(?:我|俺)?(?:是|就是)?(?:{_alternatives(v.proxy_starts)}){mine}(?P<who>{who})的?(?:{ends})?的?(?:呢|哩|嘞)?"),  # 我给孙子问呢
                re.compile(rf"(?:不是我)?(?:我|俺)?(?:{ends})?是{mine}(?P<who>{who})(?:的情况|的事)?"),
            )
        self._proxy_cache = (v, forms)
        return forms

    def already_said(self, text: str) -> tuple[bool, str]:
        """(whether the message says "I already said that", the rest of it): "我刚才说过了" →
        (True, ""); "我说了么 二十二" → (True, "二十二"); (False, text) otherwise."""
        if not self.vocabulary.already_said:
            return False, text
        kept, said = [], False
        for part in self.parts(text):
            plain = bare(part)
            if not said and any(p.fullmatch(plain) for p in self.vocabulary.already_said):
                said = True
            else:
                kept.append(part)
        return (True, " ".join(kept)) if said else (False, text)

    def overview(self, text: str) -> bool | None:
        """A broad ask ("有撒好政策", "能帮我啥"), alone or after words about who the person is or
        how they type ("我不识字 让娃娃打的 有撒好政策"): False. True when a statement beside it
        names a topic of its own ("我是返乡的 有啥好政策": answered when the document has an
        answer). None when there is no broad ask, or another part asks something."""
        others = self._beside_broad_ask(text)
        if others is None:
            return None
        topical = False
        for other in others:
            if self._about_oneself(other):
                continue
            if self.is_question(other):
                return None
            topical = topical or self.has_own_topic(other)
        return topical

    def situation_beside_broad_ask(self, text: str) -> str | None:
        """What a message says of the person beside its broad ask — 我是放羊的 六十了 有啥补贴没 →
        "我是放羊的 六十了" — when it asks nothing else; None when there is no broad ask, another
        part asks something, or nothing else is said."""
        others = self._beside_broad_ask(text)
        if not others or any(self.is_question(o) for o in others):
            return None
        said = " ".join(o for o in others if o)
        return said or None

    def _beside_broad_ask(self, text: str) -> list[str] | None:
        """The (bare) parts of the message beside its first broad ask, or None without one."""
        v = self.vocabulary
        if not v.broad_asks:
            return None
        broad = False
        others: list[str] = []
        for part in self.parts(text):
            plain = bare(part)
            found = next((m for p in v.broad_asks if (m := p.search(plain)) is not None and m.end() > m.start()), None)
            if found is not None and not broad:
                broad = True
                if found.start() > 0:
                    others.append(plain[:found.start()])
            else:
                others.append(plain)
        return others if broad else None

    def complains(self, text: str) -> bool:
        """Whether the message says the bot did not help (understanding.yaml `complaints`:
        你们这个一点用都没有, 答非所问, 你说了半天也说不清楚 — said of the bot, not of oneself or
        another office), searched in the bare message (no spaces or punctuation)."""
        plain = bare(text)
        return any(p.search(plain) for p in self.vocabulary.complaints)

    def _about_oneself(self, plain: str) -> bool:
        """Whether a (bare) piece only says who the person is or how they type (我不识字, 让娃娃
        打的, 我是东乡的, 替我儿子问的), or is small talk (你好, 我想问问)."""
        if not plain or self._small_talk_words(plain):
            return True
        v = self.vocabulary
        if any(p.search(plain) for p in v.self_descriptions) or any(p.fullmatch(plain) for p in v.introductions):
            return True
        return self.proxy(plain)[0] is not None

    def _without_pointer(self, text: str) -> str | None:
        """The question without the words pointing at the last topic ("这个政策", "这笔钱"), when
        it has such words and something is left; else None."""
        t = prepare(text)
        for pointer in self.vocabulary.this_topic:
            at = t.find(pointer)
            if at >= 0 and pointer.endswith("个") and t[at + len(pointer):].startswith(_GE_WORDS):
                continue  # 那个人呢 / 那个体户呢 after a question on firms: 那 + 个人 / 个体户, not a pointer
            if at >= 0:
                rest = t.replace(pointer, "", 1).strip(" ,，")
                return rest if len(bare(rest)) >= 2 else None
        return None

    def _after_greeting(self, text: str) -> str | None:
        """The rest of a message that starts with a greeting ("你好 我想问下见习的事"), or None."""
        t = text.lstrip()
        for greeting in sorted(self.vocabulary.greetings, key=lambda w: (-len(w), w)):
            if len(greeting) >= 2 and t.lower().startswith(greeting):
                rest = t[len(greeting):].lstrip(" ,，。.!！~～、")
                return rest
        return None

    def without_introduction(self, text: str) -> str | None:
        """The message without the parts that only say where the person is from ("我是东乡的
        想问问开面馆能不能贷款" → "想问问开面馆能不能贷款"), or None when it has no such part
        or nothing else."""
        parts = self.parts(text)
        kept = [p for p in parts if not any(i.fullmatch(bare(p)) for i in self.vocabulary.introductions)]
        return " ".join(kept) if kept and len(kept) < len(parts) else None

    def statements(self, text: str) -> str:
        """The parts of a message that state something (the questions left out): "我儿子十九了
        没工作，能去见习吗" → "我儿子十九了 没工作". Facts are read from these only, so the
        words of a question ("能贷款不", "培训补贴有莫") are never taken as an answer. An A-not-A
        part keeps its statement (没活干了政府管不管 still says 没活干了)."""
        return " ".join(p for p in self.parts(text) if not self.is_question(p) and not self._ends_in_dialect(p))

    def parts(self, text: str) -> list[str]:
        """The message cut at punctuation and spaces (not at the point of 2.4)."""
        return [p for p in _PARTS.split(prepare(text)) if p]

    def split(self, text: str) -> list[str]:
        """The questions of a message that asks several (up to three are kept by the caller):
        split after a question mark or a final 吗/呢 followed by a pause, and before a
        connector (另外, 还有 …). Parts shorter than MIN_PART characters join their neighbour."""
        numbered = _numbered(text)
        if len(numbered) >= 2:
            return numbered  # 1见习补贴多少 2稳岗返还比例 3小微企业贷款最多多少: each item is asked
        pieces = self.parts(text)
        if len(pieces) > 1 and self._only_hesitation(pieces[0]):
            # 那个 啥 我娃在厦门打工 想回来 有啥活干: the pauses of speech first are no question
            kept = pieces[1:]
            while len(kept) > 1 and self._only_hesitation(kept[0]):
                kept = kept[1:]
            return self.split(" ".join(kept))
        if ((self.person_pointer(text) is not None or (len(pieces) > 1 and self._conditional(pieces[0])))
                and len(self._split_connectors(text)) < 2 and self._one_matter(pieces[1:])):
            # (要是我们只招了三个呢 厂里一共三十来个人 还能办那个三百万的贷款吗: the condition, then
            # what is asked under it — one question; not when two things are asked after it, or
            # the asker turns to themself: 那我儿子呢？我自己能贷款不)
            # 那老二呢 十九 在外头打工呢 厂子倒了回来了: all of it is said or asked of 老二 (a 呢
            # inside is no question's end); only a connector (另外 …) opens another matter
            return [text]
        last = [p for p in _EACH_TAIL.split(text) if p.strip()]
        if len(last) >= 2 and without_particles(last[-1], self.particles) in self.vocabulary.each_asks:
            return [text]  # 稳岗返还和见习补贴能一起享受不？各是多少: one question of both
        pieces = [p for p in _SPLIT_AFTER.split(text) if p and p.strip()]
        out: list[tuple[str, bool]] = []  # (part, whether a connector such as 另外 came before it)
        for piece in pieces:
            for sub, connected in self._split_connectors(piece):
                unpaused = self._split_unpaused(sub)
                out += [(u, connected and i == 0) for i, u in enumerate(unpaused)]
        if len(out) > 1 and is_what_to_do_cry(bare(out[0][0])):
            # 阿么弄呢 厂子效益不好 …: a cry of "what to do" first is part of what follows
            out = [(out[0][0].strip() + " " + out[1][0], out[1][1]), *out[2:]]
        merged: list[tuple[str, bool]] = []
        for part, connected in out:
            cleaned = part.strip(" ,，、;；。")
            if not cleaned:
                continue
            if merged and ((not self.is_question(cleaned) and (
                    len(bare(cleaned)) < MIN_PART or cleaned.startswith(_PERSON_FIRST)))
                    or (not connected and self._only_points(merged[-1][0])
                        and not bare(cleaned).startswith(_SELF_TURN))):
                # short, or a statement about the person after a question ("那我娃呢 他二十岁"):
                # context of that question, not a question of its own; and whatever follows "那我
                # 儿子呢" (二十二 去年毕业了 / 他三十 残疾 能干公益岗不) is what is said or asked of him
                merged[-1] = (merged[-1][0] + " " + cleaned, merged[-1][1])
            else:
                merged.append((cleaned, connected))
        questions: list[str] = []
        context: list[str] = []

        def connected_after(at: int) -> bool:
            return at < len(merged) - 1 and merged[at + 1][1]

        for at, (p, connected) in enumerate(merged):
            if len(bare(p)) < 2:
                continue
            after = merged[at + 1] if at < len(merged) - 1 else None
            if after is not None and self._reported_ask(p, None if after[1] else after[0]):
                context.append(p)  # 去县上问补贴咋申请，窗口的人说不清 / 政府有没有公开流程
            elif self.is_question(p) or (connected_after(at) and _ASKS_ABOUT.search(p) and self.has_own_topic(p)):
                # (我想问一下户口迁移的事情 | 还有就是…: a request to be told, then a connector)
                if connected and context and _WANTS.search(" ".join(context)):
                    # 孙子毕业了想参加见习；顺便问下助学贷款能缓还不: what came before 另外 / 顺便问 is
                    # a request of its own too — asked alone, and still the context of the question
                    # after it (我想参加见习；另外一个月给多少生活费: the 见习's 生活费)
                    questions.append(" ".join(context))
                # statements before a question are its context: "正在领失业金呢 还能拿培训的生活费不"
                questions.append(" ".join([*context, p]))
                context = []
            elif self.has_own_topic(p):
                context.append(p)
        if questions and context and _WISH_FIRST.match(context[0]) and not any(c for _p, c in merged[-len(context):]):
            # 我五十多了还能参加培训吗，想学个手艺: what the person wants, said after the question and
            # with no connector, is its context, not a question of its own
            questions[-1] = " ".join([questions[-1], *context])
            context = []
        questions += context  # a topic after the last question ("…多少钱？还有创业贷款") is asked too
        if len(questions) >= 2:
            return questions
        paused = self._split_at_pauses(text)
        if len(paused) >= 2:
            return paused
        shared = self._split_shared(text)
        return shared if len(shared) >= 2 else [text]

    def _split_shared(self, text: str) -> list[str]:
        """One question asked of two topics ("在职培训补贴和见习补贴都是多少" → "在职培训补贴是
        多少", "见习补贴是多少"): the topics joined by a joiner (和, 跟 …) before a marker (都,
        分别 …) and a question after it; each topic must be one of its own (a policy, not
        "我和我老婆"). [] when the message is not like that."""
        t = prepare(text)
        for marker in self.vocabulary.shared_markers:
            at = t.find(marker)
            if at <= 0:
                continue
            left, asked = t[:at], t[at + len(marker):].strip(_PAUSE)
            if not asked or not self.is_question(asked):
                continue
            for joiner in self.vocabulary.shared_joiners:
                first, sep, second = left.partition(joiner)
                first, second = first.strip(_PAUSE), second.strip(_PAUSE)
                if sep and len(bare(first)) >= 2 and len(bare(second)) >= 2 \
                        and self.has_own_topic(first) and self.has_own_topic(second):
                    # 我儿子是二级残疾，护理补贴和生活补贴各给多少: what the first topic's part is
                    # preceded by (the story) is the second's context too
                    cut = max(first.rfind(c) for c in _PAUSE)
                    story = first[:cut].strip(_PAUSE) + " " if cut > 0 else ""
                    return [first + asked, story + second + asked]
        return []

    def _split_at_pauses(self, text: str) -> list[str]:
        """Questions typed one after another with only a space or a comma between them
        ("下了岗去哪报到 失业金能领多久"): the message cut at its pauses, each piece that asks
        something by its form (a cue: 哪, 能不能, 多少 …) ending a part, statements before it
        ("我下岗了") kept with it, a piece of under MIN_PAUSED characters joined to the one
        before. Fewer than two such questions: [] (one question with its context)."""
        parts: list[str] = []
        pending: list[str] = []
        pieces = [p for p in _PAUSES_NOT_LIST.split(prepare(text)) if p]
        for at, piece in enumerate(pieces):
            if parts and not pending and len(bare(piece)) < MIN_PAUSED:
                parts[-1] = parts[-1] + " " + piece
            elif (self.is_question(piece) and len(bare(" ".join([*pending, piece]))) >= MIN_PAUSED
                  and not (at == 0 and len(pieces) > 1 and is_what_to_do_cry(bare(piece)))
                  and not (at < len(pieces) - 1 and self._only_points(piece)  # 我儿子呢 今年二十二 …
                           and not bare(pieces[at + 1]).startswith(_SELF_TURN))
                  and not (at < len(pieces) - 1 and self._reported_ask(piece, pieces[at + 1]))):  # 去县上问咋申请，…
                # (阿么办 厂子效益不好 …: a short cry of "what to do" first is part of what follows)
                parts.append(" ".join([*pending, piece]))
                pending = []
            else:
                pending.append(piece)
        if pending and parts:
            parts[-1] = " ".join([parts[-1], *pending])
        return parts if len(parts) >= 2 else []

    def _split_unpaused(self, text: str) -> list[str]:
        """Two questions typed as one run (见习补贴多少钱贷款能贷多少 → 见习补贴多少钱, 贷款能贷
        多少): cut after a word that closes a question (_ENDS_A_QUESTION) when both sides ask
        by their form and name a topic of their own; else [text]."""
        for m in _ENDS_A_QUESTION.finditer(text):
            left, right = text[:m.end()], text[m.end():]
            # the next words ask by themselves, up to their first pause, not by the message's final
            # question mark (多少城里和农村的劳动力做培训？ counts people) nor by a later part (多少
            # 补贴 学费能退不: 补贴 is what 多少 counts); 那几个月 / 这多少 point at a time, not ask
            if (len(bare(left)) >= MIN_PART and len(bare(right)) >= MIN_PART and bare(right[:1])
                    and not right.startswith(_GOES_ON) and not left[:m.start()].endswith(_POINTING)
                    and self.is_question(_QUESTION_MARKS.sub("", (self.parts(right) or [right])[0]))
                    and self.has_own_topic(left) and self.has_own_topic(right)):
                return [left, *self._split_unpaused(right)]
        return [text]

    def _split_connectors(self, text: str) -> list[tuple[str, bool]]:
        """The text split before its connectors (understanding.yaml multi_splitters: 另外, 顺便问),
        each part with whether a connector came right before it."""
        parts: list[tuple[str, bool]] = [(text, False)]
        # the longest first: 还有个事 before 还有 (else 还有个事 贴息咋算 would leave 个事)
        for word in sorted(self.vocabulary.multi_splitters, key=lambda w: (-len(w), w)):
            next_parts: list[tuple[str, bool]] = []
            for part, connected in parts:
                i = part.find(word)
                if i < 0:
                    next_parts.append((part, connected))
                    continue
                # a connector after a pause or a question ("…吗 另外"), not inside one (还有名额没),
                # nor the start of 还有没有 / 还有不 (a question of its own words)
                left, right = part[:i], part[i + len(word):]
                if i > 0 and len(bare(left)) >= MIN_PART and not right.startswith(("没", "不", "无")) \
                        and (not bare(part[i - 1]) or part[i - 1] in "吗呢么" or self._unpaused(left, right)):
                    next_parts += [(part[:i], connected), (part[i + len(word):], True)]
                elif i == 0 and word not in _MAY_BEGIN_A_QUESTION and len(bare(right)) >= MIN_PART \
                        and not right.startswith(("没", "不", "无")):
                    next_parts.append((right, True))  # …失业登记；另外…: the piece itself begins with it
                else:
                    next_parts.append((part, connected))
            parts = next_parts
        return parts

    def _reported_ask(self, piece: str, after: str | None) -> bool:
        """Whether the piece tells of a question asked of someone else (去县上问补贴咋申请) and
        then what came of it — in the piece (，窗口的人自己都说不清) or, when the piece ends with the
        told question, in `after`, the next piece (None: there is none, or a connector such as 另外
        begins it) — rather than asking anything: 去县上问见习咋申请，另外培训补贴给多少 asks both."""
        t = prepare(piece)
        told = _REPORTED_ASK.match(t)
        if told is None:
            return False
        rest = t[told.end():].strip(_PAUSE)
        if rest:
            return not self.is_question(rest)
        return after is not None and not self.is_question(after)

    def _unpaused(self, left: str, right: str) -> bool:
        """Whether a connector typed without any pause (voice input) stands between two questions
        that each ask by their form: 见习补贴多少钱还有去苏州打工政府组织不. Tested only where a
        connector stands and no pause or question word comes before it: each test reads and
        searches the halves (measured in benchmarks/README.md, "The lexical path's cost")."""
        return (len(bare(right)) >= MIN_PART and (self.is_question(left) or _ASKS_ABOUT.search(left) is not None)
                and self.is_question(right) and self.has_own_topic(left) and self.has_own_topic(right))


def _numbered(text: str) -> list[str]:
    """The items of a numbered list of questions (1见习补贴多少 2稳岗返还比例, 一、…二、…), each
    without its number, when the numbers run 1, 2 (, 3 …) at the start and after pauses and
    each item has words (MIN_PART); else []."""
    marks = list(_ITEM_NUMBER.finditer(text))
    values = [_ITEM_VALUES.index(m.group("n") or m.group("d")) % 9 + 1 for m in marks]
    if len(marks) < 2 or values != list(range(1, len(marks) + 1)) or len(bare(text[:marks[0].start()])) > _PREFACE:
        return []  # 请问下 1…: a short preface may stand before the list
    items = [text[m.end():(marks[i + 1].start() if i + 1 < len(marks) else len(text))].strip(_PAUSE)
             for i, m in enumerate(marks)]
    return items if all(len(bare(item)) >= MIN_PART for item in items) else []


def _after_answer(conv: Conversation) -> bool:
    """Whether the last reply was an answer or a result: it offered 查看原文 (o:), or the tests
    of the policies a list of results named (p:, pf: after 测一测's finder)."""
    return any(action.startswith(("o:", "p:", "pf:")) for _label, action in conv.buttons)


def _alternatives(words: Any) -> str:
    """A regular-expression alternation of `words`, longest first (escaped)."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _answer_particles() -> Sequence[str]:
    """The particles of the answer words in force (eligibility/data/answer_words.yaml)."""
    from eligibility.answers import current_words

    return current_words().particles


def _cut(text: str, count: int) -> str:
    """`text` after its first `count` letters or digits (punctuation and spaces between them
    skipped): the prepared form of cutting a word found in the bare form."""
    seen, i = 0, 0
    while i < len(text) and seen < count:
        if bare(text[i]):
            seen += 1
        i += 1
    return text[i:]
