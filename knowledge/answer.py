"""Compose the reply a resident reads on a phone, from the retrieval result.

Order matters on a small screen. The FIRST line answers the kind of question asked
(knowledge/asking.py): how much -> the figure; can I -> 能 / 不能 / 要看条件 and the condition;
how or where to apply -> where and whom to ask; who receives -> the recipient; when -> the
period. Its words come from the staff's plain statements per benefit (benefits.yaml), else a
staff FAQ answer that answers that kind, else the clause's best sentence. A rule whose period
has ended is never stated as current: the first line then says it has ended and what applies
now, where the document says so. Then at most one verbatim quotation of the clause, then where
it comes from (document, clause, title), who leads it, and its period. The whole clause is one
tap away (查看原文); a reply never dumps it.

Below the confidence threshold the bot does not guess: it says the document does not cover
the question, offers the nearest topics, and gives the 12333 hotline.

Follow-ups: `Answerer.answer(question, about=clause_id)` answers a question that has no topic
of its own (去哪报名, 钱给谁, 啥时候到账) about the clause the conversation is on, and says
plainly when the document does not say that aspect (到账, 担保人) — it never retrieves an
unrelated clause for such a question.
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from knowledge.asking import (
    Asked,
    Aspect,
    Kind,
    chinese_number,
    correct_figures,
    heads_span_and_months,
    interns_and_kept,
    question_age,
    question_amount_range,
    read_question,
    says_any,
    spoken_count,
    staff_alone,
    staff_and_hire_spans,
    staff_and_hires,
)
from knowledge.asking import normalize as fold
from knowledge.base import FaqEntry, KnowledgeBase
from knowledge.benefits import Benefit, Statement, pick_benefit, words_named
from knowledge.documents import Clause, Period
from knowledge.homophones import Homophones
from knowledge.pinyin import Initialisms, PinyinReader, typed_in_letters
from knowledge.retrieval import Candidate, Retriever, SearchResult
from knowledge.semantic import lexical_only

HOTLINE = "12333"
_PHONE_GIVEN = re.compile(r"123(?:33|45)")  # a hotline the answer itself gives
# The share is what is asked (是不是返50%, 是60%吗, 按百分之五十返) — not the asker's own (留用率有60%,
# 留了70%, 裁员不到10%)
_RATE_ASKED = re.compile(r"(?:返还?|是|按|给|补)(?:的)?(?:\d+%|百分之)")
MAX_QUESTION_CHARS = 500
PINYIN_EVERYDAY = 20_000  # everyday words a pinyin message may use (jieba's most frequent; 0.3 s to build, once)
PINYIN_HEARD = "您打的是拼音，我按“{text}”来理解；不对的话请用汉字再打一遍。"  # dialog/data/texts.yaml pinyin_heard
# An FAQ entry written for the very aspect asked (培训收不收费) on the same article answers it from
# this similarity up (0..1, as faq_answer_min): the aspect's words, not the wording, make the match
FAQ_ASPECT_MIN = 0.15
ANSWER_CACHE_SIZE = 4096  # distinct (question, day, about) kept; about 4 MB at most
# The "when" cues of asking.yaml that ask for a date (not a length: 干几年, 多久)
_DATE_CUES = frozenset({"什么时候", "啥时候", "撒时候", "啥时间", "什么时间", "几时", "哪一年", "哪年", "哪天", "哪个月",
                        "几月份", "几号", "何时", "到哪年", "到什么时候", "截止", "期限", "有效期"})
_VERDICT = re.compile(r"^(?:能|不能|可以|有|要看条件)[：:，,]\s*")  # a yes/no line's opening verdict
_LABEL = re.compile(r"^[^：:，,。]{1,6}[：:]\s*")  # a line's short opening label (返给企业：)
_QUOTES = re.compile(r"[“”\"'‘’「」《》]")
# characters that may follow a word asked about without being part of it (稳岗返还到底是个啥, 两后生是撒)
_TERM_ENDS = frozenset("是的到究呢啊吗么嘛撒啥什咋怎指叫这那有和跟与及或还又都也就在里中上")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
# the end of a benefit's name that says it is money (就业见习补贴), not the activity (见习)
# 哪个贷得多, 哪个钱多, 哪个额度高: which of two gives more
_WHICH_MORE = re.compile(r"哪(?:个|样|种)[^，,。？?]{0,4}(?:多|高|大)(?![校学专])")
_AGE_KEY = re.compile(r"\d+岁")  # the key segmentation gives an age read as 大龄 (58岁)
_MONEY_NAME = re.compile(r"(?:补贴|补助|奖补|奖励|贷款|返还|保险金|津贴)$")
_PERSONS = re.compile(r"(?:人员|人|家庭|成员|户|生|青年|劳动力|劳动者|群体)$")
_TOGETHER = re.compile(r"一块儿?")  # 一块干, 一块儿弄: together — its 块 is no sum of money
_UNPAID_LEAD = re.compile(r"^(?:能|不能|可以|有|要看条件|扶持|支持)[：:，,]\s*")  # …or an unpaid one's (扶持：)
# 娃每月能拿一千二不 / 一千块到他手里不 / 给我发吗: a yes/no on whether the person (not a unit)
# gets the money — answered with who receives it when the document says (the 见习 money goes
# to the host unit).
_PERSONAL_RECEIPT = re.compile(r"(?:我|他|她|娃|孩子|儿子|女儿|本人|自己)[^，,。？?\s]{0,6}?(?:拿|领|到手|到他手|手里)"
                               r"|(?:给|发给|打给)(?:我|他|她|娃|孩子|儿子|女儿|本人)")
# A follow-up best matched by one of the refused question's CONTINUES_NEAR closest clauses goes
# on about it. benchmarks/measure_going_on.py (2026-11-30): in-scope training questions typed
# right after a refused one and not answered 10 / 12 / 15 of 171 with 1 / 2 / 3 (lexical test
# alone: 5); 扶贫小额信贷…续贷不 / 利息谁出 needs 2 (5.2 is its second clause). Kept at 1.
CONTINUES_NEAR = 1
# A word is generic when at least this share of the clauses uses it (or a document term it
# stands for): 岗位, 培训, 毕业, 企业 (老板) — 5, 7, 4, 11 of the 21 clauses; 人, 办理 (3),
# 生活费, 见习补贴, 利息 are not. A short piece whose one topic is such a word goes on about the
# refused question before it (岗位表在哪看 after 事业单位招聘). benchmarks/measure_going_on.py.
GENERIC_SHARE = 0.18
# Asking to do something is not a topic of its own: 去年毕业的能申请不 has one topic, 毕业.
_ACTIONS = frozenset({"申请", "办理", "办", "领", "领取", "报名", "报", "享受", "参加"})
# A question checking a sum (能贷两百万不) takes a candidate this close to the best when only
# that one has a cap in money and names a word of it the best does not (创业担保贷款 vs 融资担保)
SUM_CLOSE_RATIO = 0.7
# _ask_after_status_first: the candidate may score 0.4 of the best, whose status word
# (零就业家庭, rare and repeated in its clause) can outscore what is asked (贷) 2.5 times
STATUS_ASK_RATIO = 0.4
FOCUS_AMONG = 4  # _focus_first: 在家带娃的婆姨能参加培训不 has the training clause fourth
FOCUS_RATIO = 0.6
PAID_AMONG = 3  # _paid_first looks at the second and third candidates: the loan of 开农家乐能贷款不 is second
ELLIPSIS_CHARS = 8  # such a piece is short: 临夏的岗位多不 (7); 厂子要大量裁人政府会不会管 is a question
# "What is it": 见习是撒意思, 啥叫稳岗返还, 扶贫车间是干啥的 (not 为什么是)
_WHAT_IS = re.compile(r"[啥撒]意思|什么意思|是[啥撒]$|是什么$|[啥撒]叫|什么叫|(?<!为)什么是|干[啥撒]的|干什么的|[咋怎]么?回事")
# What the document says of it (文件上对这个是咋说的, 政策怎么规定的): the benefit's plain line
_DOCUMENT_SAYS = re.compile(r"(?:文件|政策|方案)[上里]?[^，,。？?]{0,6}(?:咋|怎么|怎样|如何)(?:说|讲|规定|写)"
                            r"|(?:咋|怎么|怎样|如何)(?:说|讲|规定)的(?:[？?呢呀哩]|$)")
# A condition with a threshold the asker may not meet (25%, 1年以上): within the cap is 要看条件
_THRESHOLD = re.compile(r"\d+(?:\.\d+)?%|\d+年以上|\d+人以上|\d+个月以上")
# Asking without a kind cue: 什么是就业见习, 扶贫车间是干啥的, …不/没 at its end (not 几: 想收几个见习的娃 says)
_ASKS = re.compile(r"[?？啥撒咋怎哪谁吗呢嘛]|什么|[不没]\s*$")
_PAUSES = re.compile(r"[\s,，。;；!！、]+")  # between the parts of a message (a ？ stays with its part)
# "Can he get it" with the benefit left out (他能领不, 我能申请吗, 符合不): the one just talked about
_ELLIPTICAL_ASK = re.compile(r"(?:能|可以|还能)(?:领|拿|申请|办|享受|参加)(?:不|吗|么|没|不了|到不)?[?？]?$"
                             r"|(?:符合不|符合吗|够不够|够条件不|行不行|算不算)[?？]?$")
# Someone receiving something (正在领失业金的, 领着低保呢): how the person stands, not what is asked
_RECEIVING = re.compile(r"(?:正在|正|还在|在|已经)领(?:着|了)?[\u4e00-\u9fff]{1,6}?(?:的|呢|期间|时候|着)")
_POINTS_BACK = re.compile(r"^(?:那|那么|那要是|那这个|那个|这个|这笔|这项|这种)(?!个人|个体|个税)")  # 那利息呢 / 这个补助要交啥材料
# Audiences (lexicon/audiences.yaml axes) that describe a person's situation: with an overview
# cue, a refused question naming one gets the overview (not 我们单位…: who receives money)
_SITUATIONS = frozenset({"status", "venture", "learning"})
# Which of the options just named (经营贷和消费贷 … 用哪个划算): about them, not a matter of its own
_COMPARES = re.compile(r"哪(?:个|种|样)|还是|[和跟与].{1,8}(?:比|哪)")  # the refused question weighed options
_WHICH_OF = re.compile(r"(?:用|选|办|挑|要)哪(?:个|种|样)|哪(?:个|种|样)(?:更|比较|最)?(?:划算|合算|好|合适|便宜|省钱|靠谱|低|高|强)")
# 第四条 / 第五条第（二）项 named in a question (`Answerer._titled`)
_ARTICLE = re.compile(r"第\s*(?P<article>[一二三四五六七八九十]{1,3}|\d{1,2})\s*条"
                      r"(?:\s*第?\s*[（(]\s*(?P<item>[一二三四五六七八九十]{1,3}|\d{1,2})\s*[）)]\s*项?"
                      r"|\s*第\s*(?P<item2>[一二三四五六七八九十]{1,3}|\d{1,2})\s*项)?")
_SOURCE = re.compile(r"(?:在|从)?(?:抖音|快手|微信|朋友圈|网上|群里|视频|直播间?|电视)(?:上|里)?"
                     r"(?:说|讲|看到|刷到|看见|看的|看了|刷的|刷了|看来的)")  # 抖音上看的: where it was heard
_PERSON_ENDINGS = ("户", "人", "员", "者")  # 贫困户, 老百姓 aside: a kind of person, not a matter
_SELF = frozenset({"自己", "自个", "自个儿", "本人", "我们", "咱们"})
# Who asks, as "…的" before what they may do: 技校毕业的能报不, 外地户口的可以办吗
_WHO = re.compile(r"^([^，,。？?\s]{1,10}?)的(?:人|娃)?(?=能|可以|可不可以|也能|也可以|还能|让|给)")
_ORGANISATIONS = ("单位", "企业")  # a recipient line naming one: the money is not the person's
_RATE = re.compile(r"(\d+(?:\.\d+)?)%")
# 搞十八个月 / 见习6个月: a length asked of the activity itself (not 补贴3个月能发下来不)
# (一个月 is "a month", the rate's: 见习一个月给娃多少钱)
# 没交满三年 / 还不到三年 / 没够三年 / 不满三年: fewer years than that (never that many)
# (the paying said: 干了不到两年 is work, not insurance)
_YEARS_UNDER = re.compile(r"(?:没|未|还没)(?:有)?(?:参保|交|缴)(?:了)?(?:满|够|到)?(?:失业保险|保险|社保)?"
                          r"(\d{1,2}|[一二两三四五六七八九十]{1,3})年"
                          r"|(?:参保|交|缴)(?:了|过)?(?:失业保险|保险|社保)?(?:还)?(?:没|不|未)(?:有)?(?:满|够|到)"
                          r"(\d{1,2}|[一二两三四五六七八九十]{1,3})年")
# 交了四年, 参保两年, 失业保险缴了5年: years of insurance said (not 干了三年: work, not insurance)
_YEARS_INSURED = re.compile(r"(?<![没未])(?:参保|交|缴)(?:了|过|够|满)?(?:失业保险|保险|社保)?(?:了)?(\d{1,2}|[一二两三四五六七八九十]{1,3})年(半|多)?(?!级|底|初|前|后)")
# 有证 / 有高级工证 / 考了个电焊证 / 拿到了证书: a certificate held (not 没证, 还没考证)
_HAS_CERTIFICATE = re.compile(r"(?<![没无])(?:有|拿到了?|取得了?|考了个?|考下了?|考到了?|考上了?)[^，,。没]{0,6}(?:证书|证)(?!吗|不|没)")
_NO_CERTIFICATE = re.compile(r"没(?:有)?(?:证|证书|考证|拿到证)|无证|还没考")
# 留了一半 / 留下一大半 / 都留下了 (half or more kept on) — 留了一小半 (under half): the share said as a part
_KEPT_PORTION = re.compile(r"(?:留用|留下来|留下|留住|留|转正)了?(?P<under>一小半|小半|少一半|不到一半|没到一半|不够一半|一半不到|一半都不到)"
                           r"|(?:留用|留下来|留下|留住|留|转正)了?(?P<over>一半多|一多半|一大半|大半|多半|一半|大部分|大多数|全部)"
                           r"(?!不到|都不到|不够|没到|给|补贴|钱)"  # (单位留一半 给娃一半: the money, not the interns)
                           r"|(?P<all>(?:都|全|全部)(?:留用|留下来|留下|留住|留|转正)了?)(?![不没住])")
_YEARS_AT_LEAST = re.compile(r"(\d+)年以上")  # a condition's minimum years (参加失业保险3年以上)


def _years_held(question: str, rule: str) -> tuple[str, int] | None:
    """(the years of insurance `question` says, as said: 2年 / 2年半; the least `rule` asks)
    — 交了两年失业保险 against 参加失业保险3年以上 -> ("2年", 3); None when either is missing."""
    bound = _YEARS_AT_LEAST.search(rule)
    under = _YEARS_UNDER.search(fold(question))
    if under is not None and bound is not None:
        # 没交满三年 / 还不到三年: less than that — under the rule when that is its least
        raw = under.group(1) or under.group(2)
        value = int(raw) if raw.isdigit() else chinese_number(raw)
        return (f"不到{value}年", int(bound.group(1))) if value is not None and value <= int(bound.group(1)) else None
    said = _YEARS_INSURED.search(fold(question))
    if said is None or bound is None:
        return None
    raw = said.group(1)
    value = int(raw) if raw.isdigit() else chinese_number(raw)
    return (f"{value}年{said.group(2) or ''}", int(bound.group(1))) if value is not None else None


def years_value(years: str) -> float:
    """2年 -> 2, 2年半 -> 2.5, 2年多 -> 2 (more than 2 is still under 3), 不到3年 -> 2.5."""
    if (under := re.match(r"不到(\d+)年", years)) is not None:
        return int(under.group(1)) - 0.5
    found = re.match(r"(\d+)年(半)?", years)
    return int(found.group(1)) + (0.5 if found.group(2) else 0) if found else 0.0
_MONTHS_SAID = re.compile(r"(?:搞|干|见习|实习|参加|做|待|弄)(?:个|了|上)?(?!一个月)(\d{1,2}|[一二两三四五六七八九十]{1,3})个月")
_MONTHS_RANGE = re.compile(r"(\d+)—(\d+)个月")  # a range of months a clause sets (3—12个月)
# 见习半年 / 实习一年半: a length in years said of the internship (in months: 6, 18); 打工干了两年 is
# the person's story, not the internship's length
_YEARS_SAID = re.compile(r"(?:见习|实习)(?:能|能不能|可以)?(?:干|搞|做|待)?(?:个|了|上)?(?:(半)年|(\d{1,2}|[一二两三四五六七八九十]{1,3})年(半)?)(?!以上|以内)")
# 合同签半年 / 签了八个月的合同 / 合同两年: a contract's length, near the word 合同
_CONTRACT_LENGTH = re.compile(r"(半年)|(\d{1,2}|[一二两三四五六七八九十]{1,3})个(?:多)?月|(\d{1,2}|[一二两三四五六七八九十]{1,3})年(半)?")
# 一个月三千 / 每月挣四千 / 工资两千五: a wage the person says of themself, not a sum they ask for
_WAGE_SAID = re.compile(r"(?:一个月|每个月|每月|月薪|工资|挣|赚)(?:能)?(?:挣|赚|拿|开|发)?(?:个)?(?:\d+|[一二两三四五六七八九十百千万]+)(?:块|元|千|万)?")
# 每人各贷 / 一人一份 / 各贷: a sum asked for each of several people (partners)
_EACH_OF_PARTNERS = re.compile(r"每人各|每个人各|一人一份|各贷|各自贷|每人能贷|每个人能贷")
_PARTNERS_SAID = re.compile(r"合伙|兄弟|弟兄|一起|两口子|夫妻|我们俩|我们几个|搭伙|共同|几个人")
_SIGNED_FOR = re.compile(r"签(?:了|的|个|上)?(?:半年|[\d一二两三四五六七八九十]+(?:个)?(?:多)?(?:年|月))")  # 只签半年, 签了两年
_LEASE = re.compile(r"租|房|门面|铺面|店面|场地|土地|签了?[\d一二两三四五六七八九十]+年的地")  # a lease or land, not labour
CONTRACT_NEAR = 6  # characters either side of 合同 in which its length is said
_CONTRACT_MINIMUM = re.compile(r"签订(\d+)年以上劳动合同")  # 第五条第（二）项: 签订1年以上劳动合同
LENGTH_NEAR = 6  # characters either side of a length in which the thing it is for is named
_LENGTH = re.compile(r"\d+(?:—\d+)?个?(?:年|月)以上|\d+—\d+个月")  # a length a rule sets: 1年以上, 3—12个月
_AGE_WORDS = re.compile(r"岁|年龄|大龄")  # a clause that speaks of age (见习 16—24岁, 9.3 大龄)
MONEY_UNITS = frozenset({"元", "万元", "%"})  # a clause's Quantity.unit that states a sum or rate
POPULAR_TOPICS = ("6", "5.2", "9.3")
COMPARE_AMONG = 4  # _named_clauses looks at the first four candidates for the two benefits weighed
COMPARE_LINE_CHARS = 90  # a compared benefit's line: two of them and the opening fit one phone screen
OVERVIEW_ITEMS = 3  # clauses listed for "what policies are there" (有撒政策)
OVERVIEW_RATIO = 0.6  # each within this share of the best clause's score  # 见习补贴, 创业担保贷款, 失业登记与就业援助

_AGE_NUMBER = re.compile(r"\d\s*岁")  # a clause that sets an age in years (16—24岁), not only 大龄
# 达到现有在职职工人数25%（超过100人的企业达到15%）: a share of new hires in the staff, and the
# share for firms above a size
def _months_of(half: str | None, years: str | None, and_half: str | None) -> int | None:
    """Months in a length said in years: ("半", None, None) -> 6; (None, "一", "半") -> 18;
    (None, "2", None) -> 24; None when the count is unreadable."""
    if half:
        return 6
    count = (int(years) if years.isdigit() else chinese_number(years)) if years else None
    return None if count is None else 12 * count + (6 if and_half else 0)


def _share_needed(rule: re.Match[str], staff: int) -> int:
    """The share of new hires in the staff (%) `_SHARE_RULE` asks of a firm of `staff` people:
    25, or 15 for a firm over 100 (第五条第（二）项)."""
    large = rule.group("over") is not None and staff > int(rule.group("over"))
    return int(rule.group("large") if large else rule.group("small"))


# A word naming a rule itself (6个月, 六个月失业保险金, 50%, 特殊标准), not the firm's situation
# (效益不好, 困难): the ended part named by it is what is asked
_RULE_WORD = re.compile(r"[\d零一二两三四五六七八九十百]|标准|%")
# Said of the person: no work now (没工作, 在家闲着, 在屋里呆了一年) — not 不想工作
_NO_WORK_SAID = re.compile(r"(?<!不想)(?:没工作|没有工作|没找上工作|没找到工作|待业|闲着|浪着|在家呆|在家待|在屋里呆|在屋里待|"
                           r"没活干|没事干|失业了|下岗了|没上班|找不到工作|找不上工作|莫工作)")
# …but not of one still at school or in work (在读大专 放暑假在家闲着, 以前没工作 现在在上班)
_STUDYING_OR_WORKING = re.compile(r"在读|上学|念书|读书|没毕业|暑假|寒假|放假|在上班|上着班|有工作|打着工|不是没工作|现在在")
# A word of a benefit that is only a length (两年, 11个月): the resident's own years, not the rule named
_LENGTH_ONLY = re.compile(r"[\d零一二两三四五六七八九十半几]+个?(?:年|月)半?")
# 给钱不 / 给不给钱 / 有钱没 / 发钱吗: whether money comes with it (asked as yes/no)
_ASKS_PAY = re.compile(r"给钱(?:不|吗|没|么)|给不给钱|发钱(?:不|吗|没)|发不发钱|有钱(?:没|不|吗)|有没有钱|有莫有钱")
_NAMES_SUM = re.compile(r"\d+(?:\.\d+)?万?元")  # a sum in the amount line (每人每月1000元)
# 想再招四个人 / 准备招5个 / 打算新招十个: hires planned, not yet made
_PLANNED_HIRES = re.compile(r"(?:想|要|准备|打算|计划)(?:再|新|今年)?招(?:用|收)?(\d+|[一二两俩三四五六七八九十百]+)\s*(?:个人|个|人|名)"
                            r"(?!.{0,6}(?:不招|不要了|算了))")  # (本来打算招五个人 现在不招了: no plan now)
_HOW_MANY_HIRES = re.compile(r"招(?:用)?(?:几个|多少)|几个才|多少人才|多少个才")  # 要新招几个才够
_TOTAL_ASKED = re.compile(r"一共|总共|总共能|能拿多少|能领多少|能补多少|给多少|补多少|多少钱")  # a total asked
_SHARE_RULE = re.compile(r"在职职工人数(?P<small>\d+)%(?:（超过(?P<over>\d+)人的企业达到(?P<large>\d+)%）)?")
_ASKER_TAKES_PART = re.compile(r"(?:我|俺)(?:自己|一个人|本人)?(?:去|想去|要去|在)(?:见习|实习)")
_THE_DOCUMENT = re.compile(r"文件|方案|这个政策|这些政策|3号|三号")  # the document itself, named
_PER_HEAD_MONTH = re.compile(r"每人每月(\d+)元")  # a rate per person per month (第六条's 1000元)
_MONTH_RANGE = re.compile(r"(\d+)—(\d+)个月")  # a length the clause allows (3—12个月)
_SHARE_NEEDED = re.compile(r"(\d+)%以上")  # 留用率达到50%以上: the share the raised rate needs
_RAISED_IF = re.compile(r"[；，]([^；，。]*?)的单位，?提高到每人每月")  # the condition of the raised rate
_AGE_CUE = re.compile(r"岁|年纪|年龄")  # a "who" cue of asking.yaml that asks an age (多大岁数, 几岁)
_AGE_TERM = re.compile(r"大龄|岁|年纪|年龄")  # 多大算 asks an age only beside one of these (not 企业规模多大算小微)
# 补多少, 补贴多少钱, 一个人补几个钱: a sum paid as a subsidy, not lent
_SUBSIDY_ASKED = re.compile(r"补(?:贴|助)?(?:给)?(?:多少|几|多钱)")
# a unit speaking of the people it takes on (我们单位收见习生, 招见习的尕娃, 厂里带了几个实习的)
# a calendar year a question names: 2020年 / 二〇二〇年 / 20年的时候 (15—39: a year, not 三年's length)
_YEAR_NAMED = re.compile(r"(?<![\d])(?:(?P<full>20\d{2})|二[〇零](?P<cn>[一二三][〇零一二三四五六七八九])|(?<![了过交干])(?P<short>1[5-9]|2\d|3\d))年(?![龄纪级多半以])")


# 2019年说的…现在还有不: the year is what was said then, the question is about now
_ASKS_NOW = re.compile(r"现在|如今|目前|眼下|这会儿|这阵子|今年|还算数|还管用|还作数|还有没|还有吗|还有不|还有么")  # (还能申请: a late claim for that year)


def _year_named(question: str) -> int | None:
    found = _YEAR_NAMED.search(question)
    if found is None:
        return None
    if found.group("full"):
        return int(found.group("full"))
    if found.group("cn"):
        return 2000 + int("".join(_CN_DIGIT[c] for c in found.group("cn")))
    return 2000 + int(found.group("short"))


_CN_DIGIT = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0"}


_EMPLOYER_TAKING = re.compile(r"(?:我们|咱们|俺们)(?:是)?(?:个|一个|一家)?(?:私立|民办|县|村|乡|镇|小)?(?:单位|店|厂|公司|企业|合作社|车间|饭馆|学校|医院|幼儿园)"
                              # 想当见习单位 / 作为见习单位: the unit speaking
                              r"|(?:当|做|作为|是)见习单位"
                              # 想招两个见习的尕娃, 想接两个见习老师: taking some on, counted or not
                              r"|(?:收|招|接收|接|带|雇|要)(?:了|上)?(?:[\d一二两俩三四五六七八九十几]+|几|些|点)?个?(?:见习|实习|学徒)")
_HIRING = re.compile(r"招了|招用|新招|雇了|雇的|吸纳|我们厂|我们公司|我们企业|厂里|公司里")  # an employer speaking
# (哪几种补贴, 几样, 几类, 去哪几个城市: which — a list, not a figure)
_ASKS_FIGURE = re.compile(r"多少|(?<!哪)几(?![种样类])|多大|多久|多长|哪天|什么时候|啥时候|何时|比例|标准|额度|最高|上限|时间|期限|年限|多高")
# Units of numbers in a question; "娃19了" / "我52了" is how people give an age.
_UNIT_IN_QUESTION = re.compile(r"(?<=\d)(?:岁|个月|年以上|万元|元|%|名|人)|(?<=[1-7]\d)了")
FIGURE_BONUS = 3.0  # about one well-matched word: a figure is what such a question wants
# A staff answer (or the clause's own sentence) replaces a benefit's generic yes/no line when it
# uses this much more of the question's words, weighed by rarity (_overlap): 30% more, so that a
# tie or a near tie keeps the benefit's plain line.
SPECIFIC_FAQ = 1.3
FAQ_NEAR_SAME = 0.95  # a staff phrasing this similar (0..1, word channel) is the question typed
# A benefit name up to this long runs into "文件没有写明<name><aspect>" (就业见习补贴: 6 characters,
# 最低生活保障（低保）: 10); a longer one or a clause title goes first: 关于<name>，文件没有写明<aspect>.
RUN_IN_NAME_CHARS = 10
_FIGURE = re.compile(r"\d|[一二三四五六七八九十百千万]+(?:个月|年|元|万|人|名|岁)")
_SENTENCE_END = "。；！？"
_NUMERAL = re.compile(r"[零〇一二两俩三四五六七八九十百千万亿]+(?:万元|万块|万|块钱|块|元|千|周岁|岁|个月|年|个人|个|人|名)?")  # 二十岁, 三个人: not topics
_BARE_FIGURE = re.compile(r"^[\d.%—\-万元个月年以上人名]{1,12}[。；]")  # "60%。" "3—12个月。"


@dataclass(frozen=True)
class AnswerSettings:
    """Decision thresholds, tuned on the dev set (README, "Retrieval quality")."""

    min_confidence: float = 0.3  # below: "the document does not cover this"
    faq_answer_min: float = 0.5  # FAQ similarity (0..1) above which its plain answer is used
    close_ratio: float = 0.85  # second candidate within this share of the best -> 您是不是想问
    # What the last part of a story asks (`_asked_part_first`) may lift a second clause this far
    # behind the best: the story's words (效益不好) weigh on the ranking by their number, the
    # part that asks (能返钱不) names the other clause's benefit by its own word
    asked_part_ratio: float = 0.75
    max_sentences: int = 2  # clause sentences a reply shows when no plain statement answers
    sentence_budget: int = 220  # characters of answer text before the citation lines
    quote_min: int = 60  # the shortest quotation shown under a plain answer
    alternative_budget: int = 80  # characters quoted from a close second clause
    # A word no document or lexicon uses still names a topic of its own when it is this rare in
    # general Chinese (jieba's log inverse frequency): 公积金 12.4, 护照 13.2, 养老院 15.3 do;
    # 最后 8.8, 别的 10.3, 手里 10.3 do not (README, "How answering works").
    unknown_topic_info: float = 11.0
    # A yes/no question whose words the best clause covers less than this share of (retrieval
    # coverage) does not get the clause's 有：/能： — it asks about something the clause does
    # not speak of (包吃住 of a factory, of 有组织转移就业). Of the 490 in-scope questions of the
    # studied eval sets (2026-11-30) 0.3 changed one first line (a graduate's question answered
    # from 返乡创业, itself a wrong pick); 0.4 also one right answer (寻个场地, colloquial words).
    yes_no_min_coverage: float = 0.3


@dataclass
class Answer:
    question: str
    answered: bool
    confidence: float
    clauses: list[str]  # ranked clause ids, up to 5
    faq: list[str]  # ids of the FAQ entries used or nearest
    reply: str
    clause: Clause | None = None  # the clause answered from
    faq_entry: FaqEntry | None = None
    sentences: list[str] = field(default_factory=list)
    alternative: Clause | None = None  # offered as 您是不是想问
    suggestions: list[Clause] = field(default_factory=list)  # nearest topics when not answered
    expired: list[str] = field(default_factory=list)  # period texts of the clause that have ended
    kind: str = Kind.OTHER.value  # what the question asks for (knowledge/asking.py Kind)
    benefit: str | None = None  # id of the benefits.yaml entry answered from
    about: str | None = None  # the clause id of the conversation when answered as a follow-up
    unstated: str | None = None  # the aspect asked that the document does not state (多久到账 …)
    first_line: str = ""  # the reply's first line: the plain answer to the kind asked
    # What the answer-or-refuse decision looked at (see `decision_of`); None for a follow-up
    # answered about the conversation's clause (never refused) or an empty question.
    decision: dict | None = None

    @property
    def refused(self) -> bool:
        """Whether the question was refused: not answered and no clause replied from. A reply
        saying what the document leaves to another department (benefits.yaml `referred`: the
        低保 standard) is not answered either, but it rests on its clause — not refused."""
        return not self.answered and self.clause is None

    def to_json(self) -> dict:
        out = {
            "question": self.question,
            "answered": self.answered,
            "confidence": round(self.confidence, 3),
            "clauses": self.clauses,
            "faq": self.faq,
            "reply": self.reply,
        }
        if self.decision is not None:
            out["decision"] = self.decision
        return out


def decision_of(result: SearchResult, min_confidence: float) -> dict:
    """The inputs and thresholds of the answer-or-refuse decision, for `policybot ask --json`.

    rule "calibrated": P(in scope) from the evidence (knowledge/refusal.py) against its
    threshold; "concepts": the same with the concept share (knowledge/concepts.py); rule "lexical-calibrated": the lexical path's decision on the coverage and word
    odds (no meaning channel for the question); rule "lexical": the coverage against
    `min_confidence` (no lexical decision in calibration.yaml);
    "similarity": the older cosine threshold and example margin (calibration.yaml without a
    decision block). `out_of_scope_topic` is staff's list overriding all of them."""
    out: dict = {"coverage": round(result.coverage, 4), "channels": list(result.channels)}
    if result.decision_rule == "lexical" and result.lexical_evidence is not None:
        # The lexical path's calibrated decision (no meaning channel for this question).
        out.update(rule="lexical-calibrated", evidence=result.lexical_evidence.as_dict(),
                   probability=round(result.in_scope_probability or 0.0, 4), threshold=result.decision_threshold)
    elif result.in_scope_probability is not None and result.evidence is not None:
        # "calibrated": the three-piece decision; "concepts": the concept decision took over
        # (the three pieces were unsure; the evidence then has uncovered_concepts).
        out.update(rule=result.decision_rule or "calibrated", evidence=result.evidence.as_dict(),
                   probability=round(result.in_scope_probability or 0.0, 4), threshold=result.decision_threshold)
    elif result.semantic_similarity is not None:
        out.update(rule="similarity", similarity=round(result.semantic_similarity, 4),
                   threshold=result.semantic_threshold)
    else:
        out.update(rule="lexical", threshold=min_confidence)
    if result.semantic_similarity is not None:
        out["closest_off_topic"] = result.off_topic_example
        out["off_topic_similarity"] = round(result.off_topic_similarity or -1.0, 4)
    if result.out_of_scope_topic:
        out["out_of_scope_topic"] = result.out_of_scope_topic
    return out


@dataclass
class _Body:
    """The answer text before the citation: plain lines, then one quotation."""

    lines: list[str]
    quote: str | None = None
    announced: set[str] = field(default_factory=set)  # period texts the lines already call ended
    faq_entry: FaqEntry | None = None
    benefit: Benefit | None = None
    unstated: Aspect | None = None
    sentences: list[str] = field(default_factory=list)


class Answerer:
    """Answers questions from a knowledge base. One per knowledge base; cheap to call."""

    def __init__(self, kb: KnowledgeBase, retriever: Retriever | None = None,
                 settings: AnswerSettings | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self.kb = kb
        self.retriever = retriever or Retriever(kb)
        self.settings = settings or AnswerSettings()
        self.today = today
        self._text_words: dict[str, frozenset[str]] = {}
        self._answers: OrderedDict[tuple[str, date, str | None], Answer] = OrderedDict()
        self._unknown_idf: float | None = None  # the retriever's IDF of a word no document has
        self._lexicon_cache: frozenset[str] | None = None
        self._benefit_cache: frozenset[str] | None = None
        self._statuses: frozenset[str] | None = None  # _status_words
        self._clause_words: list[frozenset[str]] | None = None  # each clause's words (`_generic`)
        self._clause_vocabulary: dict[str, str] = {}  # clause id -> its words, folded
        self._clause_said: dict[str, str] = {}  # clause id -> its words and the staff answers citing it
        self._homophones: Homophones | None = None  # built on first use (`spelled`)
        self._initialisms: Initialisms | None = None  # built on first use (`spelled`)
        self._pinyin: PinyinReader | None = None  # built on first use (`from_pinyin`)
        # A turn reads the same pieces of a message several times (the reader's splits, the
        # flows, the answer); `read` is a pure function of the text and this knowledge base (a
        # reload builds a new Answerer). benchmarks/README.md, "The lexical path's cost".
        self._read_memo = functools.lru_cache(maxsize=4096)(self._read)
        # the same pieces are spelled several times a turn too (7.7k calls for 1.5k messages)
        self._spelled_memo = functools.lru_cache(maxsize=4096)(self._spelled)

    def spelled(self, text: str) -> str:
        """`text` with residents' misspellings of policy words put right: the staff's list
        (lexicon/typos.yaml: 补帖 -> 补贴), policy names typed by their pinyin initials (jxbt ->
        就业见习补贴's 见习补贴: knowledge/pinyin.py Initialisms), then words typed by their sound
        (knowledge/homophones.py: 单保 -> 担保, 三只一扶 -> 三支一扶). Pure in `text`; the 4,096
        most recent texts are remembered."""
        return self._spelled_memo(text)

    def _spelled(self, text: str) -> str:
        if self._homophones is None:
            # the documents' words (terms, what synonyms stand for, benefits' names), not the
            # residents' (网上卖, 发钱: homophones of everyday words); two characters only for terms
            lex = self.kb.lexicon
            terms = [t for t, _ in lex.terms] + [right for _, right in lex.typos]
            words = terms + [m for g in lex.synonyms for m in g.means] + [b.name for b in self.kb.benefits]
            seg = self.retriever.segmenter
            # jieba loads its dictionary on the first cut; before that FREQ is empty and every
            # stretch would look like no word of the dictionary
            seg.tokenizer.check_initialized()

            def is_word(s: str) -> bool:
                return bool(seg.tokenizer.FREQ.get(s))

            self._homophones = Homophones(
                (fold(w) for w in words), known=lambda s: is_word(s) or self._known(s), is_word=is_word,
                tokens=seg.tokens, short=(fold(t) for t in terms))
        if self._initialisms is None:
            # jxbt, wgfh, gyxgw: the policies' names typed by their pinyin initials
            lex = self.kb.lexicon
            self._initialisms = Initialisms(
                fold(_PARENTHESES.sub("", w)) for w in [b.name for b in self.kb.benefits] + [t for t, _ in lex.terms])
        return self._homophones.fix(self._initialisms.read(self.kb.lexicon.fix_typos(text)))

    def from_pinyin(self, message: str) -> str | None:
        """The message read as Chinese when it is typed wholly in pinyin (jianxi butie duoshao qian
        -> 见习补贴多少钱; knowledge/pinyin.py), else None. The table is built only for such a
        message, never for one in characters."""
        if not typed_in_letters(message):
            return None
        if self._pinyin is None:
            lex, seg = self.kb.lexicon, self.retriever.segmenter
            asked = [q for e in self.kb.faq for q in e.questions] + list(self.kb.asking.cue_words)
            words = ([t for t, _ in lex.terms] + [w for g in lex.synonyms for w in (*g.word_parts, *g.means)]
                     + [w for b in self.kb.benefits for w in (b.name, *b.words)]
                     # other offices' matters as residents name them (危房改造, 高龄补贴): read, then refused;
                     # not their two-character words (地灾 would swallow 的在)
                     + [p for t in lex.out_of_scope for w in t.words for p in w.split("+") if len(p) >= 3]
                     + list(self.kb.asking.parties) + list(self.kb.asking.situations))
            documents = [w for c in self.kb.clauses.values() for w in seg.tokens(c.text)]
            def everyday() -> list[tuple[str, int]]:
                seg.tokenizer.check_initialized()
                common = sorted(((w, f) for w, f in seg.tokenizer.FREQ.items() if f > 0 and 2 <= len(w) <= 4),
                                key=lambda wf: -wf[1])
                chars = [(w, f) for w, f in seg.tokenizer.FREQ.items() if f > 0 and len(w) == 1]
                return common[:PINYIN_EVERYDAY] + chars

            self._pinyin = PinyinReader(asked, words, seg.tokens, everyday, documents)
        return self._pinyin.read(message)

    def answer(self, question: str, *, today: date | None = None, cache: bool = True,
               about: str | None = None, context: str | None = None) -> Answer:
        """The reply to one question, judged as of `today` (default: the clock's today).

        `context` is the conversation's previous question: a follow-up about a clause that
        grants several things (第九条第（三）项: 失业登记, 临时生活补助 …) is about the one the
        previous question named (有没有临时补助 → 多钱: the 临时生活补助).

        `about` is the id of the clause the conversation is on (the last answer's clause or
        the last result's program clause). When the question has no topic of its own beyond
        that clause (去哪报名, 钱给谁, 一共多少, 啥时候到账 — see `has_own_topic`), it is answered
        about that clause: the first line answers the kind asked, or says that the document does
        not state that aspect (到账, 担保人) and where to ask. A question with its own topic is
        answered as usual and `about` is ignored; an unknown clause id is ignored too.

        Residents ask the same few dozen questions over and over, so answers are remembered
        per (question, day, about) in a bounded cache; a reload builds a new Answerer, so a
        cached answer never outlives the data it came from. Answer objects are read-only.
        """
        asked = question = (question or "").strip()
        if not question:
            return Answer(question, False, 0.0, [], [], "请直接输入您想问的政策问题，比如“见习补贴每月多少钱？”")
        heard = self.from_pinyin(question)
        if heard is not None:  # jianxi butie duoshao qian: answered as 见习补贴多少钱, and said so
            inner = self.answer(heard, today=today, cache=cache, about=about, context=context)
            return replace(inner, question=asked[:MAX_QUESTION_CHARS], reply=PINYIN_HEARD.format(text=heard) + "\n" + inner.reply)
        question = self._prepared(question)
        named = self._named_clause(question)
        if named is not None:  # 第四条的钱咋领: asked about 第四条, by the words left
            question, about = named
        day = today or self.today()
        about = about if about in self.kb.clauses else None
        context = (context or "").strip() or None if about is not None else None
        key = (question, day, about, context)
        cached = self._answers.get(key) if cache else None
        if cached is not None:
            self._answers.move_to_end(key)
        else:
            cached = self._answer(question, day, about, context)
            self._answers[key] = cached
            if len(self._answers) > ANSWER_CACHE_SIZE:
                self._answers.popitem(last=False)
        # the question as asked (a typo fixed for reading is still the resident's own words)
        return cached if cached.question == asked[:MAX_QUESTION_CHARS] else replace(cached, question=asked[:MAX_QUESTION_CHARS])

    def to_embed(self, texts: Collection[str], *, about: str | None = None, today: date | None = None) -> list[str]:
        """Of these messages (as the flows will pass them to `answer`), the questions whose
        answer would embed a new question vector: not in the answer cache, not yet embedded.
        The server embeds them ahead of the turn (`retriever.embed`). Safe from any thread
        (reads only)."""
        day = today or self.today()
        out = []
        for text in texts:
            question = self._prepared((text or "").strip())
            if not question or (question, day, about, None) in self._answers or (
                    question, day, None, None) in self._answers:
                continue
            said = self._said_of_themselves(question)  # searched too when it is a list question
            for wanted in (question, said):
                if wanted and self.retriever.needs_embedding(wanted) and wanted not in out:
                    out.append(wanted)
        return out

    def _prepared(self, text: str) -> str:
        """The question as answered and embedded: cut to MAX_QUESTION_CHARS, misspellings put
        right (`spelled`: 建习补贴 -> 见习补贴), and where a rumour was heard (抖音上说…) read as
        听说 — the source is not what is asked (抖音 names 网上创业), the claim stays one."""
        question = self.spelled(text[:MAX_QUESTION_CHARS])
        return _SOURCE.sub("听说", question).strip() or question

    def _named_clause(self, question: str) -> tuple[str, str] | None:
        """(the question without the part named, that part's clause id) for a question naming
        one part of the document by number (第四条的钱咋领 -> ("的钱咋领", "4"); 第五条第（二）项说的
        贷款能贷多少 -> (…, "5.2")): answered about that clause as a follow-up is, its own topic
        words (贷款) still counting; 第四条 alone asks its title. None when it names none, several,
        or one the document lacks."""
        found = list(_ARTICLE.finditer(question))
        if len(found) != 1:
            return None
        ref = found[0]
        numbers = [spoken_count(g) for g in (ref.group("article"), ref.group("item") or ref.group("item2")) if g]
        clause_id = ".".join(str(n) for n in numbers) if all(numbers) else ""
        if clause_id not in self.kb.clauses:
            return None
        rest = (question[:ref.start()] + question[ref.end():]).strip()
        return (rest or self.kb.clauses[clause_id].title, clause_id)  # 第四条 alone: its title asked

    # ------------------------------------------------------------ what is asked

    def read(self, question: str) -> Asked:
        """What the question asks for (kind, aspects, amount): knowledge/asking.py (typos of
        lexicon/typos.yaml read as the right words). The 4,096 most recently read texts are
        remembered (an `Asked` is immutable)."""
        return self._read_memo(question)

    def _read(self, question: str) -> Asked:
        return read_question(self.spelled(question), self.kb.asking)

    def topic_words(self, question: str | Asked) -> list[str]:
        """The words of the question that name a topic of the documents: what is left after
        the question-kind cues (多少, 去哪, 发给谁 …), the aspects (到账, 担保人 …) and the
        filler words (一个月, 娃 …) of asking.yaml, and numbers, that a clause, an FAQ phrasing
        or the lexicon uses (a one-character word only when the lexicon has it: 贷), or that is
        rare in general Chinese (护照, 公积金: a topic the documents may not cover).
        去哪报名 -> []; 见习去哪报名 -> [见习]."""
        asked = question if isinstance(question, Asked) else self.read(question)
        if not asked.rest:
            return []
        filler = self.kb.asking.filler
        seg = self.retriever.segmenter
        out = []
        lexicon = self._lexicon_words()
        for word in seg.content_words(asked.rest):
            if word in filler or any(ch.isdigit() for ch in word) or _NUMERAL.fullmatch(word):
                continue  # 二十万, 十万块: an amount, not a topic
            if len(word) < 2:  # 贷 names a topic (the lexicon says so); 钱, 去, 办 do not
                if word in lexicon:
                    out.append(word)
                continue
            if (self._known(word) or word in lexicon or seg.colloquial_words(word)
                    or seg.informativeness(word) >= self.settings.unknown_topic_info):
                out.append(word)  # 护照, 公积金: a topic too, one the documents may not cover
        aged = [m for k, m in seg.colloquial_words(asked.question).items() if _AGE_KEY.fullmatch(k)]
        if aged:
            out.append(aged[0][0])  # 我五十八了还能找活么: the age says 大龄 (synonyms.yaml from_age)
        return list(dict.fromkeys(out))

    def _in_documents(self, word: str) -> bool:
        """Whether a clause's text uses the word (厦门, 苏州: places the plan itself names)."""
        return word in self._documents_text

    @functools.cached_property
    def _documents_text(self) -> str:
        return "\n".join(clause.text for clause in self.kb.clauses.values())

    def has_own_topic(self, question: str | Asked, about: str | None = None,
                      result: SearchResult | None = None) -> bool:
        """Whether the question names a topic of its own (see `topic_words`).

        With `about` (a clause id), only a topic beyond that clause counts: after an answer on
        the internship subsidy, 钱是给单位还是给见习的人 names 见习 and 单位, and the clause
        still ranks first (or within `close_ratio` of the first) for it, so it is still about
        that clause; 职业培训补贴多少 also uses words of 第六条 (which lists that subsidy) but
        ranks 第三条 first, so it has a topic of its own, and so has a question with a rare word
        no document uses (护照去哪办). `result` is the retrieval of the question when the
        caller has it (else it is searched). `answer(question, about=…)` answers about the
        clause exactly when this is False; the dialog may call it to decide what to keep.
        """
        asked = question if isinstance(question, Asked) else self.read(question)
        if asked.in_force and _THE_DOCUMENT.search(asked.question):
            return True  # 这个文件还管用不 after 见习补贴: the whole document's validity, not the clause's
        # asking to do something names nothing (今年能申请不 after 在岗培训: that clause's 申请)
        topics = [t for t in self.topic_words(asked) if t not in _ACTIONS]
        if about and asked.kind is Kind.APPLY:
            # 在临夏申请还是在厦门申请 after 技能提升补贴: where to apply for it, not 厦门's 劳务协作
            # 去银行办还是找人社局 after the loan: where to apply for it, not 第十条's 人社部门
            places, offices = self.kb.lexicon.places, self.kb.asking.offices
            topics = [t for t in topics if t not in places.home and t not in places.elsewhere and t not in offices]
        clause = self.kb.clauses.get(about) if about else None
        if clause is not None:
            # 按六个月失业保险金的 after 稳岗返还: 失业保险金 inside a phrase of the clause's own
            # benefit (六个月失业保险金, its 2019 standard) names no other benefit
            said = fold(asked.question)
            own = [fold(w) for b in self.kb.benefits_of(clause.id) for w in b.words if fold(w) in said]
            topics = [t for t in topics if not any(fold(t) in w and fold(t) != w for w in own)]
        if clause is None or not topics:
            return bool(topics)
        if self.names_no_matter(asked.question) and not self._names_other_benefit(topics, clause):
            return False  # 外地户口的能办不 after 创业担保贷款: who asks, about that clause's matter
        if all(t in self.kb.asking.parties for t in topics):
            # 那厂子呢 after an answer on 见习补贴: the same clause, asked for the unit; 钱返到
            # 公司账上还是我个人卡上 after 稳岗返还: who receives that clause's money
            return False
        places = self.kb.lexicon.places
        if (_POINTS_BACK.match(fold(asked.question))
                and all(t in self.kb.asking.parties or t in self.kb.asking.situations or t in places.home
                        or (t in places.elsewhere and not self._in_documents(t))
                        or self._in_status(t, asked.question) for t in topics)):
            # 那我老汉呢 他二十四 没工作 after 见习: another person, and how they stand (not 那我能去
            # 厦门打工不 after 扶贫车间: 厦门 is a place the plan itself names, 第二条第（四）项)
            return False
        if (_ELLIPTICAL_ASK.search(fold(asked.question)) and not self._names_other_benefit(topics, clause)
                and not self._names_benefit(asked.question, specific=True)
                and any(fold(t) in fold(clause.text) for t in topics)):
            # 我哥在工地干活 没交失业保险 他能领不 after 技能提升补贴: "can he get it" — the
            # facts (失业保险, the clause's own condition) are his, the benefit is the one just named
            return False
        if _ELLIPTICAL_ASK.search(fold(asked.question)):
            receiving = _RECEIVING.findall(fold(asked.question))
            if receiving and all(any(fold(t) in r for r in receiving) for t in topics):
                # 正在领失业金的还能领吗 after 生活费补贴: 失业金 is what the person is receiving,
                # what is asked is still the benefit just named
                return False
        vocabulary = self._vocabulary_of(clause)
        lexicon = self._lexicon_words()
        if any(fold(t) not in vocabulary and not self._known(t) and t not in lexicon
               and not self._in_lexicon_phrase(t, asked.question) for t in topics):
            return True  # 护照, 公积金: a word no document uses points away from the clause
        if (_POINTS_BACK.match(fold(asked.question)) and not self._names_other_benefit(topics, clause)
                and not self._names_benefit(asked.question, specific=True)
                and not any(len(t) >= 3 and t in lexicon for t in topics)  # 那创业担保贷款去哪办: a policy's name
                and all(fold(t) in self._said_of(clause) for t in topics)
                and not self._names_other_title(asked.question, clause, result)
                and not self._points_elsewhere(asked.question, clause, result)):
            # 那要回户口所在地不 after 失业登记 (第九条第（三）项): the answer just given said 不必回户口
            # 所在地 (a staff answer citing the clause), so the words point back at it
            return False
        result = result or self.retriever.search(asked.question)
        if not result.candidates:
            return False
        if any(c.clause.id == clause.id for c in result.candidates):
            ours = _with_first(result, clause)  # as if the conversation's clause ranked first
            if self._capped_first(asked, ours) is not ours:
                return True  # 见习完了想自己开个店能贷多少 after 见习: the sum asked is the loan's
        top = result.candidates[0]
        if top.clause.id != clause.id and self._names_title_of(top.clause, clause, asked.question):
            return True  # 那稳岗补贴呢 after 第三条第（二）项: 稳岗 is 第四条's title (援企稳岗促就业)
        if top.clause.id != clause.id and self._means_only(asked.question, top.clause, clause):
            return True  # 那创业园的场地要钱不 after 返乡创业: 创业园 is 第九条第（二）项's 孵化基地
        close = {c.clause.id for c in result.candidates if c.score >= self.settings.close_ratio * top.score}
        return clause.id not in close

    def _points_elsewhere(self, question: str, current: Clause, result: SearchResult | None) -> bool:
        """Whether the question's own retrieval leaves `current` out of its first three while its
        best clause's text uses a topic word the question says and `current`'s text does not
        (那能贷多少 after 免费经营场地, 第九条第（二）项: 贷 is 第五条第（二）项's; a staff answer
        on the premises that mentions a loan in passing does not make it that clause's)."""
        result = result or self.retriever.search(question)
        if not result.candidates or result.candidates[0].clause.id == current.id:
            return False
        best = result.candidates[0].clause
        # 那创业园的场地要钱不 after 返乡创业: a resident's word for a term only the best clause
        # has (创业园 -> 孵化基地, 第九条第（二）项) names that clause, though the current one has 场地 too
        if self._means_only(question, best, current):
            return True
        if any(c.clause.id == current.id for c in result.candidates[:3]):
            return False
        return any(fold(t) in fold(best.text) and fold(t) not in fold(current.text) for t in self.topic_words(question))

    def _means_only(self, question: str, best: Clause, current: Clause) -> bool:
        """Whether a resident's word in `question` stands for a term (4+ characters) that
        `best`'s text has and `current`'s lacks: 创业园 -> 孵化基地 (第九条第（二）项), not 第二条第（三）项."""
        meant = {fold(m) for means in self.retriever.segmenter.colloquial_words(question).values() for m in means}
        return any(len(m) >= 4 and m in fold(best.text) and m not in fold(current.text) for m in meant)

    def _names_other_title(self, question: str, current: Clause, result: SearchResult | None) -> bool:
        """Whether the question's own best clause is another one whose title it names (那贷款能贷
        多少 after 返乡创业, 第二条第（三）项, which mentions 小额担保贷款 in passing: 贷款 is the
        subject of 第五条第（二）项's title) — it does not point back at `current`."""
        result = result or self.retriever.search(question)
        top = result.candidates[0].clause if result.candidates else None
        return top is not None and top.id != current.id and self._names_title_of(top, current, question)

    def _names_title_of(self, best: Clause, current: Clause, question: str) -> bool:
        """Whether the question uses a word (2+ characters) of `best`'s title that `current`'s
        title does not have: it names the other clause's subject."""
        seg = self.retriever.segmenter
        best_title, current_title = fold(best.title), fold(current.title)
        words = set()
        for w in seg.content_words(question):
            words.add(fold(w))
            words.update(fold(p) for p in seg.parts(w))  # 稳岗补贴: 稳岗 + 补贴
        return any(len(w) >= 2 and w in best_title and w not in current_title for w in words)

    def goes_on(self, piece: str, leave_out: str | None = None) -> bool:
        """Whether a piece typed right after another question is a detail of that question's
        matter rather than a question of its own: it names no topic (see `has_own_topic`), or
        its meaning is closer to asking.yaml's `going_on` pieces (要带些啥材料, 网上能办吗, 要考试不)
        than to any knowledge unit (Retriever.goes_on; without the meaning channel only the
        first test applies). 结婚登记要带啥 / 两个人不在一个县能办吗: the second piece is still
        about the registration. `leave_out`: see Retriever.goes_on."""
        if not self.has_own_topic(piece):
            return True
        return bool(self.retriever.goes_on(self.spelled(piece.strip()), leave_out))

    def asks_here_instead(self, refused: str, message: str) -> bool:
        """Whether `refused` was asked about another place's policy (新疆那边给的见习补贴多少) and
        `message` asks the same about the area itself (咱这有没, 我们临夏呢: places.yaml `here`),
        naming no topic of its own.
        Asked as `f"{refused} {message}"`, the place is a contrast and the question is answered
        (knowledge/places.py)."""
        here = self._here_after_there(refused, message)
        # 咱这的创业贷款能贷多少 after 新疆那边的见习补贴: a question of its own, asked alone
        return here is not None and not self.has_own_topic(fold(message).replace(here, " "))

    def _here_after_there(self, refused: str, message: str) -> str | None:
        """The words of `message` asking about the area itself (places.yaml `here`) when
        `refused` asked about another place's policy, else None."""
        places = self.retriever.places
        here = places.here_in(message)
        return here if here is not None and places.find(refused) is not None else None

    def continues(self, refused: str, message: str, leave_out: str | None = None, *, in_message: bool = False) -> bool:
        """Whether `message`, typed right after `refused` (a question the documents do not
        cover), goes on about it rather than asking something of its own: it names no matter
        of its own (`names_no_matter`: 利息谁出, 一次性补助多钱), it goes on by its
        words or meaning (`goes_on`), or it is best matched by the very clause the refused
        question came closest to and does not name that clause's policy (助学贷款咋办, then
        利息政府出不: 第五条's 贴息 is about 创业担保贷款, not the student loan), or it points
        back with 那 (那补贴去阿达申请). A message that names the policy (创业贷款利息谁出) is a
        question of its own. `leave_out`: see Retriever.goes_on (benchmarks/measure_going_on.py).
        `in_message`: `message` is a later piece of the same message as `refused`; then a piece
        that names none of the plan's own matters (`names_plan_matter`, nobody out of work) goes
        on about it, and so does one that brings a notion the plan lacks after a refused piece
        that asks (`_detail_of_refused`: 公积金比例能降不 / 效益不好的时候能不能缓交)."""
        if self._here_after_there(refused, message) is not None:
            return False  # 新疆那边给的补贴 / 咱这有没 (or 咱这的贷款呢): asked about here, not there
        if (in_message and not (self.names_plan_matter(message) or self._names_status(message))
                and self.retriever.search(message).out_of_scope_topic is None):
            # one message, after a piece the documents do not cover: a piece that names none of
            # the plan's own matters (`names_plan_matter`: a benefit's words, a colloquial word
            # of the lexicon, a kind of person; someone out of work) asks about that piece's —
            # 公积金缴存比例能按5%吗 / 能不能申请缓缴, 劳务派遣许可证咋申请 / 注册资本要求多少;
            # 公积金咋提取 / 见习补贴多少, …新活不会干 / 政府能帮着培训不 (培训) and 厂子要是一下
            # 裁掉好多人 政府管不管 (厂子) are the plan's; 养老金一个月多少 / 公积金咋取出来 names
            # another listed matter of its own (refused by its own name). Benefit words at all, not
            # only specific ones: with specific ones (培训 set aside) a studied set lost a right answer.
            return True
        if in_message and self.asks(refused) and self._detail_of_refused(message):
            return True
        if self.names_no_matter(message) or self.goes_on(message, leave_out) or self._elliptical(message):
            return True  # 利息谁出 after 扶贫小额信贷能续贷不: no matter of its own, so that one's
        if (_WHICH_OF.search(fold(message)) and _COMPARES.search(fold(refused))
                and not self._names_benefit(message, specific=True)):
            return True  # 经营贷和消费贷哪个利息低 / 创业用哪个划算: which of the refused one's options
        before = self.retriever.search(refused)
        now = self.retriever.search(message)
        if not before.candidates or not now.candidates:
            return False
        clause = now.candidates[0].clause
        if self.names_policy_of(clause, message):
            return False
        # 那补贴去阿达申请 after 买拖拉机有补贴没: 那 points back at what was just asked
        near = {c.clause.id for c in before.candidates[:CONTINUES_NEAR]}
        if clause.id in near:
            return True
        # 那 points back unless something specific follows it (那种养殖的有扶持没: 养殖 is new)
        return bool(_POINTS_BACK.match(fold(message))) and all(self._generic(w) for w in self.topic_words(message))

    def asks(self, text: str) -> bool:
        """Whether `text` asks something: a kind of question (asking.yaml), a question word or
        mark, or a yes/no ending (…不, …没). 饭馆生意差了 后厨改做外卖 only says (not 几: 想收几个
        见习的娃 says too)."""
        return self.read(text).kind is not Kind.OTHER or bool(_ASKS.search(text))

    def _detail_of_refused(self, piece: str) -> bool:
        """Whether `piece`, a later piece of a message after one the documents do not cover (and
        that asks something), asks for a notion the plan does not have, so it goes on about the
        refused piece rather than asking the plan. All of:
        - nobody in it is out of work (audiences.yaml's status axis: 下岗了 is the plan's own
          matter; a firm's 效益不好 before 能不能缓交 is only the occasion of the 缓交);
        - the best clause covers less than RetrievalSettings.unsure_coverage of its information
          (the bar below which the retriever is unsure the document covers a question);
        - a word the clause leaves out is as rare in general Chinese as a topic of its own
          (AnswerSettings.unknown_topic_info) and is what the question asks for: it comes after
          the question's cue (能不能**缓交**, 有没有**减免**).
        After 公积金缴存比例, 经营困难的话能不能申请缓缴 asks about the 公积金; after 残保金怎么算,
        小微企业有没有减免 about the 残保金. …几个伙计不会新活 / 政府能帮着培训不 and 开个清真餐厅
        能贷款不 ask the plan. Only after a refused piece, where what came before makes the
        loose reading the likelier one."""
        if self._names_status(piece):
            return False
        result = self.retriever.search(piece)
        if result.out_of_scope_topic is not None or result.coverage >= self.retriever.settings.unsure_coverage:
            return False
        seg = self.retriever.segmenter
        rare = {w for w in result.missing if seg.informativeness(w) >= self.settings.unknown_topic_info}
        if not rare:
            return False
        asked = self.read(piece)
        folded = fold(piece)
        at = folded.rfind(asked.cue) if asked.cue else -1
        # 效益不好的时候能不能缓交: what is asked for (the words after the cue: 缓交) is what the
        # plan lacks. A rare word elsewhere is not enough: 开个清真餐厅能贷款不 (the asker's trade),
        # 厂子要是一下裁掉好多人 政府管不管 (好多) ask the plan.
        return at >= 0 and bool(rare & set(seg.content_words(folded[at + len(asked.cue):])))

    def names_no_matter(self, piece: str) -> bool:
        """Whether the piece names no matter of its own: once the actions (申请, 报), the parties
        (单位, 个人), asking.yaml's `details` (利息, 补助, 一次性, 以后的帮扶 — parts any matter has)
        and who the asker is (技校毕业的 before 能报不) are set aside, no topic word is left. In one
        message after a piece the documents do not cover (扶贫小额信贷能续贷不 / 利息谁出, 退伍安置
        工作不 / 一次性补助多钱), such a piece asks about that piece's matter. A piece naming a
        policy (见习补贴多少, 培训有补贴没) or any other thing (电焊, 养老保险) names a matter."""
        piece = self._without_askers(piece)  # 困难户 / 家里困难 say who asks, not 困难企业's matter
        if self._names_benefit(piece):
            return False
        if self._names_status(piece):
            return False  # 下岗的能给补助不: someone out of work is the plan's own matter
        details, parties = self.kb.asking.details, self.kb.asking.parties
        asked = self.read(piece)
        words = [w for w in self.topic_words(asked) if w not in _ACTIONS]
        if not words:
            return True
        who = _WHO.match(fold(asked.rest))
        asker = set(self.retriever.segmenter.content_words(who.group(1))) if who else set()
        # 贫困户自己要出不: a kind of person (…户, …人, …员) says who, not what
        return all(w in details or w in parties or w in asker or (len(w) >= 2 and w.endswith(_PERSON_ENDINGS))
                   or w in _SELF for w in words)

    def names_situation(self, text: str) -> bool:
        """Whether the text describes a person's situation the plan speaks of (audiences.yaml,
        the `_SITUATIONS` axes: 下岗了, 残疾, 想回来开个铺子, 想学手艺) — not who receives money."""
        folded = fold(text)
        return any(a.axis in _SITUATIONS and a.named_in(folded) for a in self.kb.lexicon.audiences)

    def _names_status(self, piece: str) -> bool:
        """Whether the piece says someone is out of work or in a job (audiences.yaml, the
        "status" axis: 失业了, 下岗, 在厂里上班) — the plan's own matter, never a detail."""
        text = fold(self.spelled(piece))
        return any(a.axis == "status" and a.named_in(text) for a in self.kb.lexicon.audiences)

    def _in_status(self, word: str, question: str) -> bool:
        """Whether `word` is said only inside how someone stands (audiences.yaml "status": 工作 of
        没工作): the question tells of a person, it names no topic by it."""
        text = fold(question)
        for audience in self.kb.lexicon.audiences:
            if audience.axis == "status" and audience.named_in(text):
                for phrase in audience.words:
                    if "+" not in phrase and word in phrase:
                        text = text.replace(phrase, " ")
        return word not in text

    def _names_other_benefit(self, words: list[str], clause: Clause) -> bool:
        """Whether one of `words` is a benefit's word of another clause and none of `clause`'s:
        利息 (第五条第（二）项's 贴息) asked after an answer on 返乡创业 (第二条第（三）项) points there."""
        own = {fold(w) for b in self.kb.benefits_of(clause.id) for w in (b.name, *b.words)}
        return any(fold(w) in self._benefit_words() and fold(w) not in own for w in words)

    def names_plan_matter(self, question: str) -> bool:
        """Whether the question says which of the plan's matters it is about besides its topic
        words: a benefit's words, a colloquial phrase of the lexicon (想学个 -> 培训) or a kind of
        person (audiences.yaml: 想学, 下岗)."""
        question = self.spelled(question)  # 莫工作 -> 没工作 (lexicon/typos.yaml)
        text = fold(question)
        return (self._names_benefit(question) or bool(self.retriever.segmenter.colloquial_words(question))
                or any(a.named_in(text) for a in self.kb.lexicon.audiences))

    def tells_only(self, text: str) -> bool:
        """Whether a message that asks nothing only tells of the people in it: no kind of
        question (`asks`), no situation the plan speaks of (`names_situation`), no benefit or
        term of the documents (`names_benefit`), and each topic word is what someone is doing
        (asking.yaml `situations`: 打工, 在家, 出去, 屋里), who (`parties`: 掌柜的) or a word no
        document uses. 我家掌柜的出去打工了 我一个人在家带三个娃 does; 我问的是创业贷款 and 我儿子
        大学毕业了在家闲着 (毕业: 高校毕业生) do not."""
        if self.asks(text) or self.names_situation(text) or self.names_benefit(text):
            return False
        asking = self.kb.asking
        return all(t in asking.situations or t in asking.parties or not self._known(t) for t in self.topic_words(text))

    def names_benefit(self, piece: str) -> bool:
        """Whether the piece names one of the plan's benefits specifically (unlike `_names_benefit`,
        which by default counts any benefit word): by a word that is not generic
        (benefits.yaml: 裁人 of 稳岗返还, 见习; not 培训, in a third of the clauses), or by a
        term of the documents (lexicon/terms.yaml: 创业担保贷款, 扶贫车间)."""
        text = fold(piece)
        return self._names_benefit(piece, specific=True) or any(
            len(t) >= 3 and fold(t) in text for t, _ in self.kb.lexicon.terms)

    def names_any_benefit(self, piece: str) -> bool:
        """Whether the piece uses any benefit's name or words (benefits.yaml, generic ones too:
        那个创业贷款咋申请 does; 二零一九年那个支持现在还有没 does not)."""
        return self._names_benefit(piece)

    def names_a_benefit(self, piece: str) -> bool:
        """Whether the piece names a benefit by a word of its own (benefits.yaml, not generic):
        帮我爸测一测公益性岗位 does, 我儿子二十三 没工作 帮他测一测 does not."""
        return self._names_benefit(piece, specific=True)

    def _names_benefit(self, piece: str, specific: bool = False) -> bool:
        """Whether the piece uses a benefit's name or words (benefits.yaml, 2+ characters) other
        than asking.yaml's details and parties: 厂子没裁人返钱不 names 稳岗返还 by 裁人, though the
        question-kind cues take 裁人返钱 from the words `topic_words` reads. `specific`: only
        words that are not generic (`_generic`: 培训 is in a third of the clauses)."""
        return any(not (specific and self._generic(w)) for w in self._benefit_words_in(piece, self._benefit_words()))

    def _benefit_words_in(self, piece: str, words: Iterable[str]) -> list[str]:
        """The benefit words among `words` (folded) that the piece uses, as `_names_benefit`
        counts them: 2+ characters, not asking.yaml's details or parties, not 自己 / 我们."""
        details, parties = self.kb.asking.details, self.kb.asking.parties
        text = fold(self.spelled(piece))
        return [w for w in words if len(w) >= 2 and w not in details and w not in parties and w not in _SELF
                and w in text]

    def _elliptical(self, piece: str) -> bool:
        """Whether the piece is short (ELLIPSIS_CHARS) and its one topic word (an action such as
        申请 aside) is generic (`_generic`) and no policy's name: 岗位表在哪看, 老板不给办咋弄 — typed
        after a question the documents do not cover, they are about its 岗位, its 办理, its 培训,
        not the documents' (see `continues`)."""
        if len(re.findall(r"\w", piece)) > ELLIPSIS_CHARS or self._names_benefit(piece, specific=True):
            return False  # 厂子没裁人返钱不: 裁人 is 稳岗返还's own; 要不要重新去培训 is still elliptical
        if self._names_status(piece):
            return False  # 我儿子失业了咋办: someone out of work (audiences.yaml) is the plan's own matter
        terms = self._long_terms
        if any(fold(m) in terms for means in self.retriever.segmenter.colloquial_words(piece).values() for m in means):
            return False  # 有没有组织去的: a resident's word for a policy term (有组织输转) names it
        words = [w for w in self.topic_words(piece) if w not in _ACTIONS]
        if len(words) != 1 or (len(words[0]) >= 3 and words[0] in self._lexicon_words()):
            return False  # 失业保险金怎么领 names a policy; 创业贷款咋申请, 培训补贴多少 name two things
        return self._generic(words[0])

    @functools.cached_property
    def _long_terms(self) -> frozenset[str]:
        """The lexicon's terms of 3+ characters (有组织, 失业登记), normalised."""
        return frozenset(fold(t) for t, _ in self.kb.lexicon.terms if len(t) >= 3)

    def _generic(self, word: str) -> bool:
        """Whether GENERIC_SHARE of the clauses use `word` or a document term it stands for
        (lexicon/synonyms.yaml: 老板 -> 企业)."""
        if self._clause_words is None:
            seg = self.retriever.segmenter
            self._clause_words = [frozenset(seg.words(c.text)) for c in self.kb.clauses.values()]
        clauses = self._clause_words
        if not clauses:
            return False
        forms = {word}
        for means in self.retriever.segmenter.colloquial_words(word).values():
            forms.update(means)
        used = max(sum(1 for words in clauses if f in words) for f in forms)
        return used >= GENERIC_SHARE * len(clauses)

    def names_policy_of(self, clause: Clause, message: str) -> bool:
        """Whether the message names the clause's policy: a benefit's name or one of its words of
        3+ characters (见习补贴, 创业担保贷款), a lexicon term of 3+ characters the clause uses
        (lexicon/terms: 创业担保贷款, 就业见习), or a lexicon word of 2+ characters that means
        such a term (见习 -> 就业见习, 创业贷款 -> 创业担保贷款; not 贷几万 -> 15万元)."""
        text = fold(self.spelled(message))
        for b in self.kb.benefits_of(clause.id):
            if any(len(w) >= 3 and fold(w) in text for w in (b.name, *b.words)):
                return True
        clause_text = fold(clause.text)
        terms = {fold(t) for t, _ in self.kb.lexicon.terms if len(t) >= 3 and fold(t) in clause_text}
        if any(t in text for t in terms):
            return True
        # 贷几万 -> 15万元 is an amount, not the policy's name: only means that are terms count
        return any(len(w) >= 2 and says_any((fold(w),), text) and any(fold(m) in terms for m in g.means)
                   for g in self.kb.lexicon.synonyms for w in g.words)  # (失业+登记: both words)

    def _aspect_topic_only(self, asked: Asked) -> bool:
        """Whether the question asks an aspect with a topic of its own (asking.yaml `topic`: 贷款
        for 还不上怎么办) and names nothing beyond that topic (贷, 贷款)."""
        topics = [a.topic for a in asked.aspects if a.topic]
        words = self.topic_words(asked)
        return bool(topics) and all(any(w in t for t in topics) for w in words)

    def _in_lexicon_phrase(self, word: str, question: str) -> bool:
        """Whether `word` is part of a lexicon phrase the question uses: 焊工 in 焊工证, which
        synonyms.yaml maps to 职业资格证书 — the question names a topic the document has, though
        the segmenter split the phrase."""
        text = fold(question)
        return any(word in w and w in text for w in self._lexicon_words() if len(w) > len(word))

    def _capped_first(self, asked: Asked, result: SearchResult) -> SearchResult:
        """`result`, or with a close candidate (within SUM_CLOSE_RATIO of the best) first when the
        question checks a sum of money (能贷两百万不, 贷五十万行不) or asks how much money
        (见习完了想自己开个店能贷多少) and that candidate has a benefit with a cap in money
        (benefits.yaml `max`), or for how much a sum in 元 in its amount line, while the best has
        none: 我们小公司能贷两百万不 is answered with 第五条（二）'s 300万 and its condition, not
        第五条（一）'s guarantee; 合作社收了中专毕业的娃学着干活 一个月补多少 with 第六条's 1000元,
        not 第二条第（四）项's 10000 people."""
        checks = asked.amount is not None and asked.kind in (Kind.YES_NO, Kind.AMOUNT)
        how_much = asked.kind is Kind.AMOUNT and asked.money
        if not (checks or how_much) or len(result.candidates) < 2 or result.out_of_scope_topic:
            return result

        def capped(clause: Clause, said: bool = False) -> bool:
            # a cap in money; for a candidate asked how much money, also a sum said (每人每月1000元)
            return any((b.max is not None and b.max.unit in MONEY_UNITS)
                       or (said and how_much and (st := b.statement(Kind.AMOUNT)) is not None and "元" in st.say)
                       for b in self.kb.benefits_of(clause.id))

        best = result.candidates[0]
        if capped(best.clause):
            return result  # (a sum the best says does not keep it first: 见习完了…能贷多少 is the loan's)
        best_text = fold(best.clause.text)
        if not checks and any(w in best_text for w in self.kb.asking.money if len(w) == 1 and w in fold(asked.question)):
            return result  # 返乡创业能贷多少: 第二条第（三）项 speaks of its own 小额担保贷款
        # 砖雕手艺能补多少钱: the best clause's benefit named is one the plan supports without
        # paying (benefits.yaml `unpaid`); a word as common as 补贴 does not make it another's
        unpaid = any(b.unpaid and self._benefit_words_in(asked.question, {fold(w) for w in (b.name, *b.words)})
                     for b in self.kb.benefits_of(best.clause.id))
        for c in result.candidates[1:]:
            if c.score < SUM_CLOSE_RATIO * best.score:
                break
            vocabulary = self._vocabulary_of(c.clause)
            # 贷 -> 创业担保贷款: a term of that clause the best one does not have
            terms = [t for t in result.expansions if fold(t) in vocabulary and fold(t) not in best_text]
            if capped(c.clause, said=True) and terms and not (unpaid and all(self._generic(t) for t in terms)):
                return _with_first(result, c.clause)
        return result

    def _paid_first(self, question: str, result: SearchResult) -> SearchResult:
        """`result`, or with another of its first PAID_AMONG candidates first when the question
        names the best clause only by benefits the plan supports without paying (benefits.yaml
        `unpaid`: 五小行业, 扶贫车间) and that candidate by a benefit of its own with a specific
        word (`_names_benefit_of`) the best clause's benefits do not use. In 开农家乐能贷款不 the
        农家乐 is what the resident would do (第二条第（二）项 names it among the 五小行业) and
        贷款 what is asked: 第五条第（二）项's 15万 loan. 开农家乐有补贴没 names no paid benefit and
        stays on 第二条第（二）项 (the document does not say there is money)."""
        if len(result.candidates) < 2 or result.out_of_scope_topic is not None:
            return result
        best = result.candidates[0].clause
        own = self.kb.benefits_of(best.id)
        named = [b for b in own if self._benefit_words_in(question, {fold(w) for w in (b.name, *b.words)})]
        if not named or not all(b.unpaid for b in named):
            return result
        best_names = [fold(b.name) for b in own]
        text = fold(question)
        # where the trade is said: what is asked comes after it (开农家乐 | 能贷款不); a word before
        # it is the story (…回来了，听说村里扶贫车间招人)
        said_at = max(text.rfind(w) for b in named for w in (fold(b.name), *map(fold, b.words)) if w in text)
        # what is asked names the paid benefit: a word of 3+ characters in its name (稳岗返还), or a
        # colloquial word standing for a term of 4+ in it (贷款 -> 创业担保贷款), not in a name of
        # the best clause's; its trades (铺子, 招人) and short parts (电子 of 电子厂) do not count
        segmenter = self.retriever.segmenter
        asked = [(fold(w), fold(w)) for w in segmenter.query(question)[0] if len(w) >= 3]
        asked += [(fold(w), fold(t)) for w, terms in segmenter.colloquial_words(question).items()
                  for t in terms if len(t) >= 4]
        asked = [(w, t) for w, t in asked if text.rfind(w) > said_at and not any(t in n for n in best_names)]
        rest = _TOGETHER.sub(" ", text[said_at:])  # 一块干 is "together", not 块 (元)
        if not asked or not any(m in rest for m in self.kb.asking.money):
            # (婆姨弄刺绣 想招几个妇女一块干 政府扶持这种不: no money asked — 一块干 is the story)
            return result
        def paid(c: Candidate) -> list[Benefit]:
            return [b for b in self.kb.benefits_of(c.clause.id) if not b.unpaid]

        later = result.candidates[1:PAID_AMONG]
        match = next((i for i, c in enumerate(later) if any(t in fold(b.name) for _, t in asked for b in paid(c))), None)
        if match is None:
            return result
        for c in later[:match]:
            if any(not self._generic(w) for w in self._benefit_words_in(question, {fold(w) for b in paid(c) for w in b.words})):
                # 打工回来了…弄个农家乐…寻个地方不: a paid benefit the story names (返乡创业: 回来)
                # ranked before the one the ask alone picks (经营场地 of 第九条第（二）项) goes first
                return _with_first(result, c.clause)
        return _with_first(result, later[match].clause)

    def _ask_after_status_first(self, question: str, result: SearchResult) -> SearchResult:
        """`result`, or with a candidate (among the first PAID_AMONG, within STATUS_ASK_RATIO of
        the best) first when the question says who the person is and then asks for money: every
        word the best clause shares with the question is a status said before the ask (who asks:
        asking.yaml `askers` and `more.who`, audiences.yaml — 残疾, 零就业家庭, 低保户), and the ask is
        a money word (asking.yaml `money`: 贷, 钱) standing for a term of 4+ characters
        (lexicon/synonyms.yaml: 贷 -> 创业担保贷款) that is in a paid benefit's name and text of
        that candidate and not in the best clause. In 我是残疾人 能不能多贷点 the status pulls
        第九条第（三）项 (就业困难人员) first; what is asked, 贷, is 第五条第（二）项's loan. 我家是零就业
        家庭 能贷多少 is the loan too, not 第三条第（三）项's living allowance for 零就业家庭成员. A
        topic said before the ask (听说有个银税互动 尕企业能贷上款) is no status: it stays first."""
        if len(result.candidates) < 2 or result.out_of_scope_topic is not None:
            return result
        text = fold(question)
        money = self.kb.asking.money
        if not any(m in text for m in money):
            return result  # no money asked: nothing to move (most questions stop here)
        best = result.candidates[0]
        best_text = fold(best.clause.text)
        best_names = [fold(b.name) for b in self.kb.benefits_of(best.clause.id)]
        segmenter = self.retriever.segmenter
        colloquial = segmenter.colloquial_words(question)
        asks = [(fold(w), fold(t)) for w, terms in colloquial.items()
                if any(m in w for m in money) and not any(self._generic(t) for t in terms)  # 掏钱 -> 补贴
                for t in terms
                if len(t) >= 4 and fold(t) not in best_text and not any(fold(t) in n for n in best_names)]
        if not asks:
            return result
        ask_at = min(text.find(w) for w, _ in asks)
        cues = self.kb.asking.cue_words
        own = {fold(w) for b in self.kb.benefits_of(best.clause.id) for w in (b.name, *b.words)}
        shared = [fold(w) for w in segmenter.query(question)[0] if len(w) >= 2 and fold(w) in best_text]
        shared += [fold(w) for w, terms in colloquial.items()
                   if any(fold(t) in best_text for t in terms)]  # 当老师 -> 特岗计划
        shared += self._benefit_words_in(question, own)
        shared = [w for w in shared if not any(w in c for c in cues)]  # 不能 of 能不能
        statuses = self._status_words()
        if not shared or any(text.rfind(w) >= ask_at or not any(w in st or st in w for st in statuses)
                             for w in shared):
            return result  # 低保户贷款能多给点吗: a status after the ask; 银税互动: no status
        for c in result.candidates[1:PAID_AMONG]:
            if c.score < STATUS_ASK_RATIO * best.score:
                break
            c_text = fold(c.clause.text)
            if any(t in fold(b.name) and t in c_text for _, t in asks
                   for b in self.kb.benefits_of(c.clause.id) if not b.unpaid):
                return _with_first(result, c.clause)
        return result

    def _status_words(self) -> frozenset[str]:
        """How residents say who they are (folded): asking.yaml `askers` and `more.who`, and the
        words of audiences.yaml's "status" axis (失业了, 在职) — not its other axes, which name
        what is wanted (回来+创业, 小卖部: 返乡创业能贷多少 stays on 第二条第（三）项)."""
        if self._statuses is None:
            asking, lexicon = self.kb.asking, self.kb.lexicon
            words = {*asking.askers, *(w for w, _ in (asking.more.who if asking.more else ()))}
            words |= {p for a in lexicon.audiences if a.axis == "status" for w in a.words for p in w.split("+")}
            self._statuses = frozenset(fold(w) for w in words if len(w) >= 2)
        return self._statuses

    def _focus_first(self, question: str, asked: Asked, result: SearchResult) -> SearchResult:
        """`result`, or with another of its first FOCUS_AMONG candidates (within FOCUS_RATIO of the
        best) first when a yes/no question's last word — what it asks for (农民工想学电焊，有培训没;
        俺是厂子里下岗的，能去培训不: 培训) — is in the name of a benefit of that candidate (职业培训补贴)
        and of none of the best clause's, and the question names none of the best clause's
        benefits by a word of its own: the best one matched the story (农民工, 下岗), not the ask."""
        if asked.kind is not Kind.YES_NO or len(result.candidates) < 2 or result.out_of_scope_topic is not None:
            return result
        last = next((p for p in reversed(_PAUSES.split(self.spelled(question))) if p.strip()), "")
        words = [fold(w) for w in self.retriever.segmenter.query(last)[0] if len(w) >= 2]
        if not words:
            return result
        focus = words[-1]
        best = result.candidates[0]
        own = self.kb.benefits_of(best.clause.id)
        if any(focus in fold(b.name) for b in own) or any(
                not self._generic(w) for w in self._benefit_words_in(question, {fold(w) for b in own for w in b.words})):
            return result
        for c in result.candidates[1:FOCUS_AMONG]:
            if c.score < FOCUS_RATIO * best.score:
                break
            if any(focus in fold(b.name) for b in self.kb.benefits_of(c.clause.id)):
                return _with_first(result, c.clause)
        return result

    def _longer_name_first(self, question: str, result: SearchResult) -> SearchResult:
        """`result`, or with a later candidate (of the first three) first when the question says
        a benefit word of it (4+ characters) that holds every benefit word of the first clause the
        question says: 按六个月失业保险金返还咋算 names 失业保险金 (第九条第（三）项) only inside
        六个月失业保险金, the 2019 refund standard of 第四条."""
        if len(result.candidates) < 2 or result.out_of_scope_topic is not None:
            return result

        def said(clause: Clause) -> list[str]:
            own = {fold(w) for b in self.kb.benefits_of(clause.id) for w in (b.name, *b.words)}
            return self._benefit_words_in(question, own)

        first = said(result.candidates[0].clause)
        for other in result.candidates[1:3]:
            words = said(other.clause)
            # the longer name adds a rule to the word (六个月 + 失业保险金), not a verb (开个 + 小卖部),
            # and another word of that clause stands beside it (返还): 被裁了 能领6个月的失业保险金吗
            # asks the unemployment benefit, not the 2019 refund standard
            longer = [w for w in words if len(w) >= 4 and first and all(f in w for f in first)
                      and all(_RULE_WORD.search(w.replace(f, "")) for f in first)]
            if longer and any(not any(w in x for x in longer) for w in words):
                return _with_first(result, other.clause)
        return result

    def _asked_part_first(self, question: str, result: SearchResult) -> SearchResult:
        """`result`, or with its second clause first when the two are close (asked_part_ratio)
        and the message tells a story before what it
        asks: its last part that asks by itself (facts may follow it), names a benefit of the second
        clause and none of the first's (`_names_benefit_of`), and clearly points at that clause
        when searched alone. In 他在新疆干了三年活
        厂子裁员他回来了 在老家能登记失业吗 the story's 裁员 pulls 第四条 (稳岗返还) first; what is
        asked, 在老家能登记失业吗, is 第九条第（三）项's 失业登记."""
        if len(result.candidates) < 2 or result.out_of_scope_topic is not None:
            return result
        best, second = result.candidates[:2]
        if second.score < self.settings.asked_part_ratio * best.score:
            return result
        parts = [p for p in _PAUSES.split(question) if p]
        # the last part that asks: facts may follow it (…能领失业金不 我交过保险 交了两年)
        last = next((p for p in reversed(parts) if self.asks(p)), "")
        if len(parts) < 2 or not last or not (self.topic_words(last) or self._names_benefit_of(second.clause, last)):
            return result  # (能返不 names 稳岗返还 by its own word 能返, though no topic word)
        if not self._names_benefit_of(second.clause, last) or self._names_benefit_of(best.clause, last):
            return result  # 考核过了有补贴吗 names no benefit: the story (学电焊) says which
        own = self.retriever.search(last)
        if (own.out_of_scope_topic is not None or not own.candidates
                or own.candidates[0].clause.id != second.clause.id
                or (len(own.candidates) > 1
                    and own.candidates[1].score >= self.settings.close_ratio * own.candidates[0].score)):
            return result
        return _with_first(result, second.clause)

    def _only_referred(self, question: str, benefit: Benefit | None, benefits: Sequence[Benefit]) -> bool:
        """Whether a question with no kind cue is about another office's programme the clause
        only names (benefits.yaml `referred` with a "who" line: 低保) and nothing else of the
        clause: it names the programme other than as who asks (低保户有啥政策: asking.yaml
        `askers`) and not to set it aside (除了低保 / 低保之外还有啥), no other benefit of the clause
        (低保户…临时生活补助), nobody out of work (我是低保户 失业了: the plan's own matter)."""
        if benefit is None or not benefit.refers(Kind.WHO) or benefit.statement(Kind.WHO) is None:
            return False
        text = self._without_askers(fold(question))  # 低保户有啥政策: who asks, not what
        named = [fold(w) for w in (benefit.name, *benefit.words) if fold(w) in text]
        if not named or any(f"除了{w}" in text or f"{w}之外" in text or f"{w}以外" in text or f"不算{w}" in text
                            for w in named):
            return False
        if self._names_status(question):
            return False
        return not _other_benefit_said(benefit, benefits, text)

    def _without_askers(self, text: str) -> str:
        """`text` with asking.yaml's `askers` (困难户, 家里困难, 低保户: who asks, longest first)
        blanked out."""
        for asker in self.kb.asking.askers:
            text = text.replace(asker, " ")
        return text

    def _names_benefit_of(self, clause: Clause, text: str) -> bool:
        """Whether `text` uses a word of one of the clause's benefits (benefits.yaml, 2+
        characters, not generic, not asking.yaml's details or parties): 登记 of 失业登记."""
        own = {fold(w) for b in self.kb.benefits_of(clause.id) for w in (b.name, *b.words)}
        return any(not self._generic(w) for w in self._benefit_words_in(text, own))

    def _checks_amount(self, asked: Asked, result: SearchResult) -> bool:
        """Whether the question checks a sum of money against a limit of the best clause: it
        names an amount (二十万, 10万块; knowledge/asking.py `question_amount`), asks yes/no or
        how much, the best clause has a benefit with a cap (benefits.yaml `max`), and the
        question uses that clause's words (its expansions, 贷 -> 创业担保贷款, or a benefit's
        names), and names no topic the clause does not use (助学贷款, 网贷 stay refused). The
        calibrated decision reads such a question as mostly an unknown number, so it would
        refuse; the limit answers it (第五条（二）: 个人最高15万元). Asking for more than the cap
        (asking.yaml `more`: 我腿有残疾 能不能多贷点钱) counts when a term of 4+ characters the
        question's words stand for is in a capped benefit's name (贷 -> 创业担保贷款)."""
        more = asked.more_for is not None
        if ((asked.amount is None and not more) or asked.kind not in (Kind.YES_NO, Kind.AMOUNT)
                or not result.candidates or result.out_of_scope_topic):
            return False  # 房贷想贷五十万: staff's out-of-scope list still decides
        clause = result.candidates[0].clause
        capped = [b for b in self.kb.benefits_of(clause.id) if b.max is not None]
        if not capped:
            return False
        if more and asked.amount is None and not self._names_term_of(capped, result.expansions):
            # 我腿有残疾 能不能多贷点钱: more than the cap of a benefit the ask names by a term of
            # its name (贷 -> 创业担保贷款), not by a word any benefit has (补贴)
            return False
        vocabulary = self._vocabulary_of(clause)
        lexicon = self._lexicon_words()
        if any(fold(t) not in vocabulary and t not in lexicon and not self._in_lexicon_phrase(t, asked.question)
               for t in self.topic_words(asked)):
            return False  # 助学贷款八千行不, 网贷十万: a loan the clause does not speak of
        text = fold(asked.question)
        named = any(fold(t) in vocabulary for t in result.expansions)
        return named or pick_benefit(capped, text) is not None

    def _known(self, word: str) -> bool:
        """Whether a clause or an FAQ phrasing uses the word: the retriever knows its IDF (an
        O(1) look-up, whatever the size of the library)."""
        if self._unknown_idf is None:
            self._unknown_idf = self.retriever.idf("\uffff\uffff")  # no document has this word
        return self.retriever.idf(word) < self._unknown_idf

    def _benefit_words(self) -> frozenset[str]:
        """Every benefit's name and words (benefits.yaml), folded."""
        if self._benefit_cache is None:
            self._benefit_cache = frozenset(fold(w) for c in self.kb.clauses for b in self.kb.benefits_of(c)
                                            for w in (b.name, *b.words))
        return self._benefit_cache

    def _lexicon_words(self) -> frozenset[str]:
        words = self._lexicon_cache
        if words is None:
            lex = self.kb.lexicon
            words = frozenset(fold(w) for w, _ in lex.terms) | frozenset(
                fold(w) for g in lex.synonyms for w in (*g.word_parts, *g.means))
            self._lexicon_cache = words
        return words

    def _said_of(self, clause: Clause) -> str:
        """What the answers on a clause say: its vocabulary and the staff answers citing it."""
        text = self._clause_said.get(clause.id)
        if text is None:
            answers = fold("\n".join(e.answer for e in self.kb.faq if clause.id in e.clauses))
            text = self._clause_said[clause.id] = self._vocabulary_of(clause) + "\n" + answers
        return text

    def _vocabulary_of(self, clause: Clause) -> str:
        """A clause's own words, its benefits' names and the FAQ phrasings that cite it."""
        text = self._clause_vocabulary.get(clause.id)
        if text is None:
            parts = [clause.title, clause.section_title, clause.text]
            for b in self.kb.benefits_of(clause.id):
                parts += [b.name, *b.words]
            parts += [q for e in self.kb.faq if clause.id in e.clauses for q in e.questions]
            text = self._clause_vocabulary[clause.id] = fold("\n".join(parts))
        return text

    # ------------------------------------------------------------ answering

    def _answer(self, question: str, day: date, about: str | None, context: str | None = None) -> Answer:
        question = correct_figures(question)  # 招了二十个 不对 是十五个: worked out with 十五个
        asked = self.read(question)
        topicless = not self.topic_words(asked)
        if about is not None and (topicless or self._aspect_topic_only(asked)) \
                and self.retriever.search(question).out_of_scope_topic is None:
            # 去哪报名: about the clause; 贷的款还不上咋办: an aspect whose own topic (贷款) is
            # all the question names is answered as such, whatever the conversation was on —
            # unless staff list what its words name (征信咋消: 征信修复, not the loan's 征信), or
            # it names another office's programme no document has (草原补奖啥时候发 after 贷款).
            return self._follow_up(question, asked, self.kb.clauses[about], day, context=context)
        result = self.retriever.search(question)
        answer = self._answer_searched(question, asked, day, about, result, context)
        answer.decision = decision_of(result, self.settings.min_confidence)
        return answer

    def _answer_searched(self, question: str, asked: Asked, day: date, about: str | None,
                         result: SearchResult, context: str | None = None) -> Answer:
        if about is not None and result.out_of_scope_topic is None and not self.has_own_topic(asked, about, result):
            # Its words are the conversation's clause's (钱是给单位还是给见习的人): answered from
            # that clause, with the staff FAQ of the question usable, and never refused — unless
            # it names a topic on staff's out-of-scope list (社保卡丢了咋补 after 失业登记).
            return self._follow_up(question, asked, self.kb.clauses[about], day, result, context)
        capped = self._capped_first(asked, result)
        # a sum checked against a capped benefit (_capped_first) already says which clause
        if capped is result:
            result = self._asked_part_first(question, self._ask_after_status_first(question, self._paid_first(question, result)))
            result = self._longer_name_first(question, result)
            result = self._focus_first(question, asked, result)
        else:
            result = capped
        ranked = [c.clause.id for c in result.candidates]
        topics = self.topic_words(asked)
        # The calibrated decision (retrieval.py, knowledge/refusal.py) decides when it ran; the
        # lexical coverage threshold when it did not (no meaning channel, or not embedded).
        refused = (not result.decided if result.decided is not None
                   else result.confidence < self.settings.min_confidence)
        if refused and self._checks_amount(asked, result):
            refused = False  # 贷二十万行不: an amount against a capped benefit the question names
        anchored = False
        if (refused or not result.candidates or not topics) and result.out_of_scope_topic is None:
            sums = [asked.amount] if asked.amount is not None else [float(n) for n in asked.numbers]
            named = next((c for a in sums if (c := self._clause_naming_sum(a)) is not None), None)
            if named is not None:
                anchored = True
                # 一千二是给谁的: no topic word, but one clause alone names that sum (1200元: 6).
                result = _with_first(result, named)
                ranked = [c.clause.id for c in result.candidates]
                refused = not result.candidates or result.candidates[0].clause.id != named.id
        if (refused and result.candidates and result.out_of_scope_topic is None
                and any(cue in fold(question) for cue in self.kb.asking.overview)
                and self.names_situation(question)):
            # 跑外卖跑不动了 想回来弄个铺子 公家能帮衬点啥: what there is for a situation the plan
            # speaks of (audiences.yaml) is listed, though no one clause answers all of it
            overview = self._overview(question, result, ranked, day)
            if overview is not None:
                return overview
        everyday = self.kb.lexicon.everyday if self.names_plan_matter(asked.question) else frozenset()
        if not result.candidates or refused or (
                topics and not any(self._known(t) or t in self._lexicon_words() or t in everyday
                                   or self._in_lexicon_phrase(t, asked.question) for t in topics)):
            # Every topic word is one no document or lexicon uses (护照去哪办): not covered,
            # however well 去 and 办 match. An everyday thing (挖掘机, 电焊: lexicon/everyday.yaml)
            # is the resident's context, not such a topic, when the question says what of the
            # plan it is about (想学个挖掘机 政府管不: training); 保姆一个月多少钱 stays refused.
            return self._not_covered(question, result, ranked)
        if not topics and not anchored and asked.in_force and "0" in self.kb.clauses:
            # 现在还管用不 with nothing before it: the document's own validity (its preface's
            # "when" line lists what has ended)
            result = _with_first(result, self.kb.clauses["0"])
            ranked = [c.clause.id for c in result.candidates]
            anchored = True
        if not topics and not anchored:
            if asked.kind in (Kind.YES_NO, Kind.OTHER) and self.names_situation(question):
                # 没活干了政府管不管: no policy named, but a situation the plan speaks of and a
                # yes/no or open ask — what there is for it, not "which policy?"
                overview = self._overview(question, result, ranked, day)
                if overview is not None:
                    return overview
            # 去哪报名, 那我自己呢 with no conversation to lean on: any clause would be a guess.
            return self._which_topic(question, asked, result, ranked)
        compared = self._compared(question, asked, result, ranked, day)
        if compared is not None:  # 先去上创业培训还是先申请贷款: a line on each
            return compared
        if topics and any(cue in fold(question) for cue in self.kb.asking.overview):
            overview = self._overview(question, result, ranked, day)
            if overview is not None:  # 我儿子大学毕业没找上工作 有撒政策: the policies, a line each
                return overview
        best = result.candidates[0]
        clause = best.clause
        alternative = None
        if len(result.candidates) > 1:
            second = result.candidates[1]
            # a near tie, unless the question names a benefit of the best clause and none of the
            # second's (在新疆打了三年工 能领失业金不: 失业金 is 第九条第（三）项's; 第三条第（四）项's
            # 技能提升补贴 shares only 失业保险 and 三年)
            if second.score >= self.settings.close_ratio * best.score and (
                    self._names_benefit_of(second.clause, question) or not self._names_benefit_of(clause, question)):
                alternative = second.clause
        # With a close second clause, both share the first screen: the best one gets less room.
        budget = self.settings.sentence_budget - (self.settings.alternative_budget if alternative else 0)
        # (the conversation's previous question, when it was on this clause, may name the benefit:
        # 那能贷多少 after a result on 小微企业创业担保贷款)
        body = self._body(question, asked, clause, day, result, budget,
                          context=context if about == clause.id else None)
        referred = _referred(body, asked)  # on the body's own first line, before any caution
        body = self._cautioned(question, body)
        text = self._render(body)
        if alternative is not None:
            quote = self.quote(alternative, question, self.settings.alternative_budget)
            text += f"\n您是不是想问{alternative.label()}（{_topic(alternative)}）？该条说：“{quote}”"
        reply = self.format_reply(text, clause, day, alternative, announced=body.announced)
        faq_ids = [body.faq_entry.id] if body.faq_entry else [e.id for e, _ in result.faq[:3]]
        return Answer(question, not referred, result.confidence, ranked, faq_ids, reply, clause,
                      body.faq_entry,
                      body.sentences, alternative, [], [p.text for p in clause.ended_periods(day)],
                      asked.kind.value, body.benefit.id if body.benefit else None, None,
                      body.unstated.say if body.unstated else None, body.lines[0] if body.lines else "")

    def _caution(self, question: str) -> str | None:
        """The caution of asking.yaml when the question tells of money asked of the resident
        before a benefit is given (先交两千手续费才放款, 交五百块钱才给安排公益岗), else None."""
        caution = self.kb.asking.caution
        return caution.say if caution is not None and caution.asked_in(fold(question)) else None

    def _cautioned(self, question: str, body: _Body) -> _Body:
        """`body` with the caution (`_caution`) as its first line, when the question calls for it;
        the caution takes the place of the line on the aspect it answers better (`instead_of`:
        文件没有写明…办理时收不收费)."""
        caution = self._caution(question)
        if caution is None:
            return body
        lines = body.lines
        rule = self.kb.asking.caution
        if body.unstated is not None and rule is not None and body.unstated.say == rule.instead_of:
            lines = lines[1:]
        return replace(body, lines=[caution, *lines])

    def _clause_naming_sum(self, amount: float | None) -> Clause | None:
        """The one clause whose quantities name this sum of money (元 / 万元), else None (no
        sum, or several clauses name it)."""
        if amount is None:
            return None
        scale = {"元": 1, "万元": 10_000}
        found = [c for c in self.kb.clauses.values()
                 if any(q.unit in scale and abs(q.value * scale[q.unit] - amount) < 1 for q in c.quantities)]
        return found[0] if len(found) == 1 else None

    def _follow_up(self, question: str, asked: Asked, clause: Clause, day: date,
                   result: SearchResult | None = None, context: str | None = None) -> Answer:
        """A question with no topic of its own, answered about the conversation's clause (and
        the benefit of it that `context`, the previous question, named)."""
        if asked.comparison is not None:  # 个人和企业哪个贷得多, asked about the loan just answered
            within = self._compared_within(question, asked, clause, [clause.id], day, 1.0)
            if within is not None:
                return replace(within, about=clause.id)
        body = self._body(question, asked, clause, day, result, self.settings.sentence_budget, follow_up=True,
                          context=context)
        referred = _referred(body, asked)
        body = self._cautioned(question, body)
        reply = self.format_reply(self._render(body), clause, day, None, announced=body.announced)
        faq_ids = [body.faq_entry.id] if body.faq_entry else []
        return Answer(question, not referred, 1.0, [clause.id], faq_ids, reply, clause, body.faq_entry,
                      body.sentences, None, [],
                      [p.text for p in clause.ended_periods(day)], asked.kind.value,
                      body.benefit.id if body.benefit else None, clause.id,
                      body.unstated.say if body.unstated else None, body.lines[0] if body.lines else "")

    def _which_topic(self, question: str, asked: Asked, result: SearchResult, ranked: list[str]) -> Answer:
        """A question that names no topic (去哪报名, 一个月多少钱) and no conversation to lean
        on: ask which policy it is about, with the nearest topics, instead of guessing one."""
        nearest = [c.clause for c in result.candidates[:3]]
        example_clause = self.kb.clauses.get(POPULAR_TOPICS[0]) or nearest[0]
        benefits = self.kb.benefits_of(example_clause.id)
        name = benefits[0].name if benefits else _topic(example_clause)
        asked_part = _PUNCT_TAIL.sub("", question)
        # 去哪报名 -> "就业见习补贴去哪报名"; a longer or topic-less line (那我自己呢, 我们厂今年没裁人
        # 能返多少) would make an odd example: a plain one instead
        example = name + asked_part if asked.kind is not Kind.OTHER and len(asked_part) <= 8 else f"{name}怎么申请"
        lines = [f"请问您问的是哪一项政策？请把政策名称一起告诉我，比如“{example}”。",
                 "文件里可能相关的有："]
        lines += [f"· {_topic(c)}（{c.label()}）" for c in nearest]
        lines.append(f"也可以拨打{HOTLINE}（人社服务热线）咨询。")
        return Answer(question, False, result.confidence, ranked, [e.id for e, _ in result.faq[:3]],
                      "\n".join(lines), suggestions=nearest, kind=asked.kind.value)

    # ------------------------------------------------------------ the first line

    def _body(self, question: str, asked: Asked, clause: Clause, day: date,
              result: SearchResult | None, budget: int, follow_up: bool = False,
              context: str | None = None) -> _Body:
        """The plain lines and the one quotation that answer `asked` from `clause`.

        In order of preference: an aspect the document does not state (到账) -> say so; a
        benefit whose period has ended -> say so and what applies now; a yes/no question with
        an amount -> compare it with the benefit's cap; the benefit's statement for the kind;
        an FAQ answer that answers the kind and is not stale; the clause's best sentences,
        with any ended period they state announced first.
        """
        kind = asked.kind
        benefits = self.kb.benefits_of(clause.id)
        terms = result.expansions if result is not None else list(self.retriever.segmenter.query(question)[1])
        named_in = question
        if kind is Kind.APPLY:
            # 去乡上办还是县上: the offices say where, not which benefit (县上 names the county's
            # relaxation of the loan's conditions, 第五条第（二）项)
            for office in sorted(self.kb.asking.offices, key=len, reverse=True):
                named_in = named_in.replace(office, " ")
        benefit = pick_benefit(benefits, named_in, terms, asked.amount)
        if (follow_up and context and benefit is not None and asked.amount is None
                and not any(len(w) >= 2 for w in words_named(benefit, question))):
            # 最多贷多少 after 合同签半年行不 on the firm's loan: 贷 names the individual loan as
            # well, but the benefit the conversation is on (named before) is the one asked about
            benefit = self._context_benefit(benefits, context) or benefit
        if benefit is None and benefits and context:
            # 多钱 after 有没有临时补助: the benefit the previous question named
            benefit = self._context_benefit(benefits, context)
        if benefit is None and benefits and (follow_up or kind is not Kind.OTHER):
            # Named by nothing: in a follow-up, the clause's main benefit; otherwise only a
            # clause's single standing benefit (a time-limited one would hide the rest).
            roots = [b for b in benefits if b.part_of is None]
            capped = [b for b in roots if b.max is not None]
            if ((asked.amount is not None or asked.more_for is not None
                 or self._names_term_of(capped[:1], terms))
                    and kind in (Kind.YES_NO, Kind.AMOUNT) and capped):
                # 贷十万行不, 能多贷点不, 我是低保户 能贷款吗, 能贷多少: the clause's first limit
                # (个人 15万), the others named after
                benefit = capped[0]
            elif follow_up or (len(roots) == 1 and roots[0].period is None):
                benefit = roots[0]
        topic = benefit.name if benefit else _topic(clause)

        unstated = next((a for a in asked.aspects if not a.stated_in(clause.text)), None)
        if unstated is not None and unstated.topic is None and benefit is not None and benefit.has_ended(day):
            # 乡村公益性岗位今年还有指标没: that the 2019—2020 places have ended comes first
            return self._ended(question, kind, clause, benefit, budget, money=asked.money, aspects=asked.aspects)
        if unstated is not None and result is not None and not follow_up:
            entry = self._faq_for_aspect(result, clause, unstated, day)
            if entry is not None:  # 培训要钱不: staff wrote what the document does say about the cost
                return self._with_quote([entry.answer], None, clause, question, budget, faq_entry=entry,
                                        benefit=benefit)
        if unstated is not None:
            if unstated.topic is not None:  # 还不上怎么办 after an answer on shop space: about loans
                return _Body([f"文件没有写明{unstated.topic}{unstated.say}。{self._where_to_ask(clause)}"],
                             None, unstated=unstated)
            # 文件没有写明见习补贴多久到账; a long name or a clause title does not run into the
            # aspect ("…6600个乡村公益性岗位的安排本人每月实际到手多少"): 关于…，文件没有写明…
            said = (f"文件没有写明{topic}{unstated.say}"
                    if benefit is not None and len(topic) <= RUN_IN_NAME_CHARS and not unstated.apart
                    else f"关于{topic}，文件没有写明{unstated.say}")  # a clause title (落实补贴促就业) too
            lines = [f"{said}。{self._where_to_ask(clause, benefit)}"]
            statement = benefit.statement(kind) if benefit and kind in (Kind.AMOUNT, Kind.RECIPIENT) else None
            if statement is None and benefit and asked.second in (Kind.AMOUNT, Kind.RECIPIENT):
                statement = benefit.statement(asked.second)  # 撒时候发 一个月一千还是一千二: the sum too
            if statement is None and benefit and "谁" in unstated.say:
                # 见习期间工资谁发: no rule on wages, but who pays what the document does name (the
                # unit pays the interns' 基本生活费 from the subsidy)
                statement = benefit.statement(Kind.PAYER)
            if statement is not None:
                lines.append(f"文件写的是：{statement.say}")
            return _Body(lines, statement.quote if statement else None, benefit=benefit, unstated=unstated)
        if asked.aspects:
            # The clause does say the aspect asked (投诉电话 in 第十条): its words answer, not a kind line.
            kind = Kind.OTHER
        if kind is Kind.LEAD and clause.lead_department:
            return self._lead(question, clause, benefit, day, budget)
        if kind is Kind.MEANING:
            meant = self._meaning(question, asked, clause, benefit, day, budget, result, follow_up)
            if meant is not None:
                return meant
            kind = Kind.OTHER  # no word of the clause named (这是啥意思 with nothing to lean on)

        if (benefit is not None and benefit.has_ended(day) and benefit.part_of
                and kind in (Kind.RECIPIENT, Kind.APPLY, Kind.PAYER) and benefit.statement(kind) is None
                and (follow_up or ((named := words_named(benefit, question))
                                   and all(_LENGTH_ONLY.fullmatch(w) for w in named)))):
            # 找谁 / 钱给谁 after an answer that an ended part has ended: the standing whole's line
            # (the ending was just said), not the same ended line again; so too 交了两年 … 技能提升补贴
            # 在哪儿申请: where to apply is the standing whole's (the ending follows, in the footer)
            parent = next((b for b in benefits if b.id == benefit.part_of and not b.has_ended(day)), None)
            benefit = parent or benefit
        # the ended part named only by the asker's situation (效益不好), the standing whole by name
        # (稳岗返还, here or said before 那能返多少钱)
        standing_named = (benefit is not None and benefit.part_of is not None and bool(benefit.situation)
                          and set(words_named(benefit, question)) <= set(benefit.situation)
                          and any(words_named(b, question) or (follow_up and context and words_named(b, context))
                                  for b in benefits if b.id == benefit.part_of))
        if (benefit is not None and benefit.has_ended(day) and benefit.part_of and follow_up and context
                and standing_named and not words_named(benefit, question) and not context.startswith(benefit.name)):
            # 我们厂八十来个人 after 厂子效益不好 … 还能拿稳岗返还不 (answered for the standing refund):
            # the ended part only the story before named is no more asked about now
            benefit = next((b for b in benefits if b.id == benefit.part_of and not b.has_ended(day)), benefit)
        if (benefit is not None and benefit.has_ended(day) and benefit.part_of
                and kind in (Kind.YES_NO, Kind.AMOUNT) and not _year_named(question)
                and (asked.amount is not None or standing_named)
                and not any(_RULE_WORD.search(w) or "多" in w for w in words_named(benefit, question))):
            # (so too 厂子效益不好 今年得裁掉十来个人 还能拿稳岗返还不: the refund named, the story's
            # 效益不好 no ask for the 2019 standard — unless more is asked of it: 能多返点不)
            # 去年效益不好裁了两个 交了六万多 能返还不: the resident's own sum is for the rule that
            # stands (60%), not for the ended 2019 standard their story's words (效益不好) name —
            # the ending is still said, in the footer
            parent = next((b for b in benefits if b.id == benefit.part_of and not b.has_ended(day)), None)
            benefit = parent or benefit
        if benefit is not None and benefit.has_ended(day):
            return self._ended(question, kind, clause, benefit, budget, money=asked.money, aspects=asked.aspects)

        outsider = (benefit.outsider_in(fold(self.spelled(question)))
                    if benefit is not None and kind not in (Kind.APPLY, Kind.LEAD, Kind.WHEN) else None)
        if outsider is not None:
            # 我被辞退了 交的失业险能退回来不: the benefit is not for this person (稳岗返还 goes to
            # the employer) — whose it is first, whatever was asked of it (benefits.yaml `not_for`)
            lines = [outsider.say.say]
            if outsider.say.say.startswith("要看") and asked.amount is not None and kind in (Kind.AMOUNT, Kind.YES_NO):
                # 去年交了12.5万 裁了三个人 返多少: whether 裁了三个 is 少裁员 is unsaid — the sum
                # worked out for when it is, after that
                worked = self._rate_line(asked.amount, clause, benefit)
                if worked is not None:
                    lines.append(worked[0])
            return self._with_quote(lines, outsider.say.quote, clause, question, budget, benefit=benefit)
        if (kind is Kind.YES_NO and benefit is not None and _ASKS_PAY.search(fold(question))
                and benefit.group_of(fold(self.spelled(question))) is None):  # (学校让去实习: the students' line)
            paid = benefit.statement(Kind.AMOUNT)
            if (paid is not None and _NAMES_SUM.search(paid.say) and not benefit.unpaid
                    and not paid.say.startswith("文件没有") and re.search(r"补贴|补助|返还", benefit.name)):
                # 见习给钱不: whether money comes is answered by how much (每人每月1000元 …); a
                # benefit whose sum the document leaves out keeps its yes/no line
                return self._with_quote(["有补贴：" + paid.say], paid.quote, clause, question, budget, benefit=benefit)
        share = self._hires_share(question, clause, benefit, budget) if kind in (Kind.YES_NO, Kind.WHO, Kind.AMOUNT, Kind.OTHER) else None
        if share is not None:  # 厂子一百二十个人 今年新招了十五个 能贷三百万不: the share worked out
            held = share.benefit
            if (kind is Kind.AMOUNT and held is not None and held.max is not None and share.lines
                    and held.max.text not in share.lines[0]):
                # 能贷多少: the cap first, then whether the counts said reach it
                share = replace(share, lines=[f"最高不超过{held.max.text}（{held.name}）。{share.lines[0]}", *share.lines[1:]])
            return share
        if benefit is not None and kind is Kind.YES_NO and asked.amount is not None and benefit.max is not None:
            # (一个月三千 想开面馆 能贷款不: a wage the person earns is no sum asked for — the
            # sum is read again without it, and none may be left)
            sought = self.read(_WAGE_SAID.sub(" ", fold(question))).amount if _WAGE_SAID.search(fold(question)) else asked.amount
            if sought is not None:
                return self._compare(replace(asked, amount=sought), benefit, benefits)
        kept = self._retention_said(question, kind, clause, benefit, budget) if benefit is not None else None
        if kept is not None:  # 五个见习的 期满留了两个 能按1200算不: 40% is under 50% — 不能
            return kept
        raised = self._above_refined_cap(asked, kind, benefit, benefits)
        if raised is not None:  # 合伙开店能贷五十万不: above 15万, by how much it may go higher unsaid
            return raised

        if benefit is not None and kind in (Kind.YES_NO, Kind.OTHER, Kind.WHO) and asked.amount is None:
            insured = self._years_against_minimum(question, benefit)
            if insured is not None:
                line, statement = insured
                return self._with_quote([line, statement.say], statement.quote, clause, question, budget, benefit=benefit)
        # (我们去年交了九万八 after 稳岗返还能返多少: the sum said in a follow-up is the one to apply)
        span = question_amount_range(fold(self.spelled(question))) if asked.amount is None else None
        if (asked.amount is not None or span is not None) and benefit is not None and (
                kind is Kind.AMOUNT or (follow_up and kind is Kind.OTHER)
                # 交了七八万 还能拿稳岗返还不: how much too (not 能返10万不: a sum hoped for, not paid)
                or (kind in (Kind.YES_NO, Kind.OTHER) and not asked.claim and re.search(r"交|缴", fold(question)))):
            # (去年交了七八万, a sum said as a guess: worked out at each end)
            applied = self._rate_applied(asked.amount if asked.amount is not None else span[0], question, clause,
                                         benefit, budget)
            if applied is not None:
                return applied
        if benefit is not None and kind is Kind.AMOUNT:
            applied = self._per_head_applied(question, clause, benefit, budget)
            if applied is not None:  # 那三个人见习六个月一共多少: 3 × 6 × 1000元
                return applied
        if (asked.rate is not None and not asked.claim and kind is Kind.YES_NO and benefit is not None
                and _RATE_ASKED.search(fold(question))):
            checked = self._rate_checked(asked.rate, benefit)
            if checked is not None:  # 稳岗返还是不是百分之五十: 不是, 60%
                return self._with_quote([checked[0]], checked[1].quote, clause, question, budget, benefit=benefit)
        if asked.rate is not None and asked.claim and kind in (Kind.YES_NO, Kind.OTHER):
            claimed = self._claimed_rate(asked.rate, question, clause, benefit, budget)
            if claimed is not None:
                return claimed
        if (asked.amount is not None and asked.claim and kind in (Kind.YES_NO, Kind.OTHER)
                and (benefit is None or benefit.max is None)):
            claimed = self._claimed_sum(asked.amount, question, clause, benefit, topic, budget)
            if claimed is not None:
                return claimed

        # (not when a sum or who receives it is asked — 是不是一个月一千 是给他本人吗 — nor when an
        # age said is within the clause's own range: that line answers)
        group = (benefit.group_of(fold(self.spelled(question)))
                 if (benefit is not None and kind in (Kind.YES_NO, Kind.WHO) and not benefit.has_ended(day)
                     and asked.amount is None and not {Kind.AMOUNT, Kind.RECIPIENT} & set(asked.kinds)
                     and not (asked.age is not None and benefit.ages is not None and benefit.ages.contains(asked.age)))
                 else None)
        if group is not None:
            # 大专毕业 二十六了 能见习吗, 我有残疾证 能算就业困难人员吗: one of the groups the clause
            # names (benefits.yaml `groups`) — its line first, not "要看条件" nor the 16—24 range
            condition = benefit.statement(Kind.YES_NO) or benefit.statement(Kind.WHO) if benefit is not None else None
            quote = group.say.quote or (condition.quote if condition is not None else None)
            return self._with_quote([group.say.say], quote, clause, question, budget, benefit=benefit)
        if (benefit is not None and benefit.ages is not None and benefit.age_outside is not None
                and asked.age is not None and (kind in (Kind.YES_NO, Kind.WHO, Kind.AMOUNT)
                                               or (follow_up and kind is Kind.OTHER))):
            # 那我娃呢 他二十岁 after an answer on 见习: the age given against the range. 娃十九了
            # 见习一个月给多钱 asks the sum: the sum first, then the age within the range; an age
            # outside it (娃二十六了) comes first, before a sum that is not for him.
            body = self._compare_age(asked.age, benefit, clause, question, budget)
            amount = benefit.statement(Kind.AMOUNT) if kind is Kind.AMOUNT else None
            if amount is not None:
                within = benefit.ages.contains(asked.age)
                lines = [amount.say, *body.lines] if within else [*body.lines[:1], amount.say, *body.lines[1:]]
                body = replace(body, lines=lines)
            return body

        loan = self._loan_for_subsidy(question, kind, benefit, benefits)
        if loan is not None:  # 招了十五个贫困户 一个人补多少: no subsidy; the loan is no "补"
            lent, said = loan
            return self._with_quote([f"文件没有写明补贴多少钱。和它最接近的是{lent.name}（是贷款，不是补贴）：{said.say}"],
                                    said.quote, clause, question, budget, benefit=lent)
        more = self._more(asked, kind, benefit, clause, question, budget)
        if more is not None:  # 我是残疾人 能不能多贷点: no group gets more; the standard
            return more

        aged = benefit or next((b for b in benefits if b.part_of is None), None)  # 贷款: the clause's first
        if (aged is not None and aged.ages is None and kind is Kind.WHO and asked.cue
                and (_AGE_CUE.search(asked.cue) or ("多大" in asked.cue and _AGE_TERM.search(question)))
                and not _AGE_NUMBER.search(clause.text)):
            # 大龄是指多大岁数: the clause sets no age — said so, and where it is decided
            term = ("多大岁数算“大龄”" if "大龄" in clause.text
                    else f"{aged.name}的年龄要求")
            condition = aged.statement(Kind.WHO) or aged.statement(Kind.YES_NO)
            said = f"；文件写的是：{_VERDICT.sub('', condition.say)}" if condition is not None else "。"
            lines = [f"文件没有写明{term}{said}", self._where_to_ask(clause, aged)]  # (what it does say of who)
            return self._with_quote(lines, condition.quote if condition else None, clause, question, budget,
                                    benefit=aged)
        if (aged is not None and aged.ages is None and asked.age is not None
                and kind in (Kind.YES_NO, Kind.WHO) and not _AGE_WORDS.search(clause.text)):
            # 六十了 还能贷款不: the clause sets no age — said so first, then its condition
            condition = aged.statement(Kind.YES_NO) or aged.statement(Kind.WHO)
            # (the condition's own verdict — 有：… — would read as "yes, there is a limit")
            line = f"文件没有写明{aged.name}有年龄限制。" + (_VERDICT.sub("", condition.say) if condition else "")
            return self._with_quote([line], condition.quote if condition else None, clause, question, budget,
                                    benefit=aged)

        # (我们签了半年的合同, said after the loan's condition: the length said is weighed too)
        contract = (self._contract_against_minimum(asked, clause)
                    if kind in (Kind.YES_NO, Kind.WHO) or (follow_up and kind is Kind.OTHER) else None)
        if contract is not None:  # 合同签半年行不: the length against 签订1年以上劳动合同
            line, holder = contract
            condition = holder.statement(Kind.YES_NO) or holder.statement(Kind.WHO)
            return self._with_quote([line], condition.quote if condition else None, clause, question, budget,
                                    benefit=holder)
        months = self._months_against_range(asked, clause)
        if months is not None and kind in (Kind.YES_NO, Kind.WHEN) and not asked.aspects:
            # 见习能不能搞十八个月: the length asked against the clause's range (3—12个月)
            return self._with_quote([months], None, clause, question, budget, benefit=benefit)

        if kind is Kind.WHEN and asked.start:
            # 撒时候开始的: the start, not the end (a benefit's "when" line leads with the end).
            return _Body([self._start_line(clause, benefit, topic)], None, benefit=benefit,
                         announced={p.text for p in clause.ended_periods(day)})
        if kind is Kind.WHEN and clause.number == "0":
            faq_entry = (self._faq_answer(result, clause, (Kind.WHEN,), day)
                         if result is not None and not follow_up else None)
            if faq_entry is None:  # 这文件还管用不 (then 哪些已经过期了): the document's validity, from every clause's periods
                return _Body([self._in_force_line(clause, day)], None)

        when = benefit.statement(Kind.WHEN) if benefit is not None else None
        if (kind is Kind.WHEN and asked.in_force and benefit is not None and benefit.period is None
                and not asked.aspects and (when is None or "到期" not in when.say)):
            # 创业贷款现在还有吗, 见习补贴现在还有吗: whether it still applies — the clause's own
            # periods answer (no end date set, or whose ended), not a staff answer on how to apply
            # that shares its words, nor a "when" line on how long it lasts (见习期3—12个月); a
            # "when" line that itself tells what has ended (技能提升补贴's 2020 relaxation) answers
            return self._from_clause(question, Kind.WHEN, clause, day, budget, benefit, False)

        receiver = benefit.statement(Kind.RECIPIENT) if benefit is not None else None
        if (kind is Kind.YES_NO and receiver is not None and _PERSONAL_RECEIPT.search(fold(question))
                and any(w in receiver.say for w in _ORGANISATIONS)):
            kind = Kind.RECIPIENT
        amount = benefit.statement(Kind.AMOUNT) if benefit is not None else None
        if (kind is Kind.YES_NO and amount is not None and receiver is not None and not follow_up
                and any(w in receiver.say for w in _ORGANISATIONS) and _EMPLOYER_TAKING.search(fold(question))
                and any(w in fold(question) for w in self.kb.asking.asks_money) and _FIGURE.search(amount.say)):
            # 我们单位收见习生 政府有补贴没: the unit asking is the one paid — yes, and how much
            # (not the young people's conditions, which answer a young person asking)
            return self._with_quote([f"有：{amount.say}"], amount.quote, clause, question, budget, benefit=benefit)
        if (kind is Kind.OTHER and not asked.aspects and amount is not None and receiver is not None
                and any(w in receiver.say for w in _ORGANISATIONS) and _EMPLOYER_TAKING.search(fold(question))
                and _FIGURE.search(amount.say)):
            # 我开了个小厂子 想招几个见习的娃: a unit that means to take some on is told what it gets
            # (the sum is paid to the unit), not the clause's sentence on who may be an intern
            return self._with_quote([amount.say], amount.quote, clause, question, budget, benefit=benefit)
        if kind is Kind.OTHER and not asked.aspects and self._only_referred(question, benefit, benefits):
            # 低保…乡上不给批 凭啥不给: another office's programme the clause only names; whatever
            # is asked of it, its conditions are not in the document — its "who" line says so
            kind = Kind.WHO
        statement = benefit.statement(kind) if benefit is not None and kind is not Kind.OTHER else None
        if (benefit is not None and benefit.unpaid and statement is None and kind in (Kind.OTHER, Kind.RECIPIENT)
                and any(w in fold(question) for w in self.kb.asking.asks_money)):
            # 扶贫车间有啥奖补: asked for money the document names none of — as for 有补贴没
            # below, not an answer on where the workshops are (补多少 says the sum is not written)
            said = benefit.statement(Kind.YES_NO) or benefit.summary
            if said is not None:
                lines = [f"文件没有写{topic}有补贴或给钱。文件写的是：{_UNPAID_LEAD.sub('', said.say)}"]
                return self._with_quote(lines, said.quote, clause, question, budget, benefit=benefit)
        if statement is None and benefit is not None and kind is Kind.WHO:
            # 怎么才能拿到 / 要啥条件 with no "who" line: the yes/no line states the condition.
            condition = benefit.statement(Kind.YES_NO)
            if condition is not None:
                statement = Statement(_VERDICT.sub("", condition.say), condition.quote)
        if statement is not None and kind is Kind.YES_NO and result is not None:
            # 当劳务经纪人政府扶持不: the benefit's yes/no line is about the clause's main thing
            # (有组织转移就业); a staff answer close to the question that uses more of its words
            # (劳务经纪人), weighed by rarity, is more to the point.
            faq_entry = self._faq_answer(result, clause, (Kind.YES_NO,), day)
            wanted = self._wanted_words(question)
            generic = SPECIFIC_FAQ * self._overlap(statement.say, wanted)
            close = faq_entry is not None and _similarity(result, faq_entry) >= FAQ_NEAR_SAME
            if faq_entry is not None and (close or self._overlap(faq_entry.answer, wanted) > generic):
                # (a staff question nearly the same as the one typed answers it, whatever the
                # benefit's line shares with it: 小额担保贷款跟创业担保贷款一样不)
                return self._with_quote([faq_entry.answer], None, clause, question, budget, faq_entry=faq_entry,
                                        benefit=benefit)
            sentences, scored = self._ranked_sentences(clause, question)
            best_sentence = sentences[scored[0][1]] if sentences else ""
            ended_in_it = any(p.text in best_sentence and p.has_ended(day) for p in clause.periods)
            # (in a follow-up — 那企业能贷不 after 能贷多少 — only for a word of its own that the
            # benefit's line lacks: 见习的时候有没有生活费 → 基本生活费, not the 能/不能 line)
            typed = self.retriever.segmenter.query(question)[0]  # its own words, not synonyms' additions
            own_word = not follow_up or any(len(w) >= 2 and w in best_sentence and w not in statement.say
                                            for w in typed)
            passing = benefit.refers(kind) and any(fold(w) in fold(best_sentence) for w in benefit.words)
            if passing:  # …unless the question asks another benefit the sentence states (低保户 … 就业援助)
                passing = not _other_benefit_said(benefit, benefits, fold(question), fold(best_sentence))
            # 想开个小卖部 能领见习补贴不: what the sentence shares with the question beyond the
            # line is the benefit's own name (见习补贴) — the line answers, not a sentence naming it
            beyond = {w for w in wanted if len(w) >= 2 and w in best_sentence and w not in statement.say}
            naming_only = (bool(beyond) and result.coverage >= self.settings.yes_no_min_coverage
                           and all(any(w in fold(n) for n in (benefit.name, *benefit.words)) for w in beyond))
            # 孵化基地能免费给场地不: the sentence's words beyond the line (孵化基地) name another
            # benefit of the clause that the question names less than the one picked (免费, 场地):
            # the picked benefit's line answers, not a sentence on the other one
            outnamed = bool(beyond) and any(
                other is not benefit
                and all(any(w in fold(n) or fold(n) in w for n in (other.name, *other.words)) for w in beyond)
                and len(words_named(other, question)) < len(words_named(benefit, question))
                for other in benefits)
            if (faq_entry is None and sentences and not ended_in_it and own_word and not passing and not naming_only
                    and not outnamed
                    and self._overlap(best_sentence, wanted) > generic):
                # No such staff answer: the clause's own sentence on it, verbatim, not a verdict —
                # unless that sentence states an ended rule: the benefit's line says what applies
                # now (失业保险交着呢 技能提升补贴能领不: 3 years, not the ended 1-year rule). Not for
                # another office's programme the clause only names, when the sentence names it in
                # passing (低保申请哩 村上说名额没有 -> 低保家庭等劳动者…就业困难人员): its line says the
                # document has no rules for it. A sentence on another thing (除了低保还有啥临时给点钱的
                # -> 临时生活补助), or on another benefit the question names (低保户…能申请就业援助吗),
                # is what was asked.
                return self._from_clause(question, Kind.OTHER, clause, day, budget, benefit, False)
        if (statement is not None and kind is Kind.YES_NO and not follow_up and result is not None
                and result.coverage < self.settings.yes_no_min_coverage and _VERDICT.match(statement.say)
                and not (benefit is not None and benefit.refers(kind))):  # (a referred line says so itself)
            # 苏州那边的电子厂包吃住不: the clause (有组织转移就业) does not speak of what is asked
            # (包吃住); its "有：" would answer another question. Say so, then what it does say.
            lines = [f"文件没有讲到您问的这一点。和它最接近的内容：{_VERDICT.sub('', statement.say)}"]
            return self._with_quote(lines, statement.quote, clause, question, budget, benefit=benefit)
        if (statement is not None and kind is Kind.YES_NO and benefit is not None and benefit.unpaid
                and _UNPAID_LEAD.match(statement.say) and any(w in fold(question) for w in self.kb.asking.asks_money)):
            # 扶贫车间建了有补贴没: the plan supports it (推进扶贫车间建设) but names no money for it
            # (benefits.yaml `unpaid`); "有：" would read as "yes, there is a subsidy"
            lines = [f"文件没有写{topic}有补贴或给钱。文件写的是：{_UNPAID_LEAD.sub('', statement.say)}"]
            return self._with_quote(lines, statement.quote, clause, question, budget, benefit=benefit)
        if statement is not None:
            lines = [statement.say]
            other = benefit.statement(asked.second) if benefit is not None and asked.second else None
            if other is not None and other.say not in statement.say:
                lines.append(other.say)  # 在哪里申请？钱从哪里出？ — both parts answered
            # A staff line on where to apply / who pays / when with no quotation of its own: the
            # clause's best-matching sentence would be about the amount, not what was asked.
            given_only = statement.quote is None and kind in (Kind.APPLY, Kind.PAYER, Kind.WHEN)
            return self._with_quote(lines, statement.quote, clause, question, budget, benefit=benefit,
                                    quote_only_given=given_only)

        kinds = asked.kinds if kind is not Kind.OTHER else (Kind.OTHER,)
        faq_entry = self._faq_answer(result, clause, kinds, day) if result is not None else None
        if (faq_entry is not None and kind is Kind.OTHER and benefit is not None and benefit.summary is not None
                and any(len(w) >= 3 for w in words_named(benefit, question))
                and not any(w in fold(faq_entry.answer) for w in (*benefit.words, fold(benefit.name)))):
            # 两后生输转到哪些地方: the staff answer on 两后生 says nothing of the places the question
            # names a benefit by (哪些地方: the destinations) — that benefit's own line answers
            faq_entry = None
        if faq_entry is None and result is not None and kind is not Kind.OTHER and (not benefits or benefit is None):
            # No plain statements for this clause (or none for what was asked: 就业扶贫专岗 beside
            # 第二条第（一）项's grassroots programmes): a close staff answer beats a generic line,
            # unless it opens with a bare figure that answers another kind (稳岗返还怎么申请 -> "60%。").
            faq_entry = self._faq_answer(result, clause, (Kind.OTHER,), day, bare_figure_ok=False)
        if (faq_entry is not None and asked.aspects and kind is Kind.OTHER
                and not any(a.stated_in(faq_entry.answer) for a in asked.aspects)):
            faq_entry = None  # 培训在哪学: the staff answer on the amount does not say where; the clause does
        if faq_entry is not None:
            return self._with_quote([faq_entry.answer], None, clause, question, budget, faq_entry=faq_entry,
                                    benefit=benefit)
        if asked.aspects and kind is Kind.OTHER:
            # 在哪培训 about 第三条第（三）项, 这钱拿来干啥 about 第六条: the clause states the
            # aspect (its providers, 用于 …); the sentence that states it answers — cut to the
            # part that does — not the benefit's amount line or the clause's first sentences
            aspect = asked.aspects[0]
            marks = aspect.stated_by or aspect.words
            query = f"{question} {' '.join(marks)}"
            stated = [_strip_item_marker(x) for x in clause.sentences if any(m in x for m in marks)]
            if not stated:
                return self._from_clause(query, Kind.OTHER, clause, day, budget, benefit, False)
            text = stated[0] if len(stated[0]) <= budget else self._window(stated[0], self._wanted_words(query), budget)
            ended = [p for p in clause.periods if p.text in text and p.has_ended(day)]
            lines = [text]
            if ended:
                lines.insert(0, f"注意：文中“{ended[0].text}”的规定已于{_day(ended[0].end)}到期；现在是否还有，"  # type: ignore[arg-type]
                                f"请向{clause.lead_department or '当地人社部门'}或拨打{HOTLINE}核实。")
            return _Body(lines, None, {p.text for p in ended}, benefit=benefit, sentences=[text])
        summary = benefit.summary if kind is Kind.OTHER and benefit is not None else None
        if summary is None and kind is Kind.OTHER and benefit is not None and (
                follow_up or not asked.rest.strip() or self._names_only(asked, benefit) or _WHAT_IS.search(question)
                or _DOCUMENT_SAYS.search(question)):
            # 那留下一半人的呢: what the benefit named gives, in its plain words
            if _WHAT_IS.search(question):
                # 见习是撒意思, 稳岗返还是撒意思: who takes part or qualifies, then what it gives
                said = [benefit.lines[k] for k in (Kind.WHO, Kind.AMOUNT) if k in benefit.lines]
                if said:
                    return self._with_quote(["".join(dict.fromkeys(x.say for x in said))], said[0].quote,
                                            clause, question, budget, benefit=benefit)
            summary = next((benefit.lines[k] for k in (Kind.AMOUNT, Kind.YES_NO, Kind.WHO, Kind.RECIPIENT)
                            if k in benefit.lines), None)
            if summary is not None and follow_up and self._names_beyond(question, summary.say, clause, benefit):
                summary = None  # 那去厦门呢 after 去苏州打工: the clause's sentence naming 厦门, not the count line
        if summary is not None:
            return self._with_quote([summary.say], summary.quote, clause, question, budget, benefit=benefit)

        if (not benefits or benefit is None) and not follow_up and not (kind is Kind.WHEN and asked.cue in _DATE_CUES):
            # nothing the clause gives to name in a generic line: its own words — but not for a
            # date asked (三支一扶撒时候报名): its sentences name none, the when line says so (a
            # length — 回乡镇基层干几年 — is no date asked)
            kind = Kind.OTHER
        return self._from_clause(question, kind, clause, day, budget, benefit, follow_up, money=asked.money)

    def _names_beyond(self, question: str, line: str, clause: Clause, benefit: Benefit | None = None) -> bool:
        """Whether the question's own words (2+ characters, not filler) name something the clause's
        text holds and `line` does not (厦门 in 那去厦门呢, against the transfer's count line). A
        word of `benefit`'s own (医保 of the medical insurance paid while unemployed, which the
        clause's text also has in 州医保局) is what the line is about, not beyond it."""
        filler = self.kb.asking.filler
        typed = self.retriever.segmenter.query(question)[0]
        own = set(benefit.words) if benefit is not None else set()
        return any(len(w) >= 2 and w not in filler and w not in own and w in clause.text and w not in line
                   for w in typed)

    def _loan_for_subsidy(self, question: str, kind: Kind, benefit: Benefit | None,
                          benefits: Sequence[Benefit]) -> tuple[Benefit, Statement] | None:
        """(the loan, its amount line) when `question` asks how much is paid as a subsidy (补多少,
        补贴多少) — no word of borrowing or interest in it — and the benefit picked is a loan (its
        name: 贷款): a loan is no subsidy, so the reply says the document names no such sum first.
        An employer speaking (`_HIRING`: 招了, 雇了, 我们厂 …) is offered the clause's loan for
        businesses (its name: 企业) rather than the personal one."""
        if kind is not Kind.AMOUNT or benefit is None or "贷" not in benefit.name:
            return None
        text = fold(question)
        if not _SUBSIDY_ASKED.search(text) or any(w in text for w in ("贷", "借", "息")):  # (贴息补多少: the loan's)
            return None
        if _HIRING.search(text):
            benefit = next((b for b in benefits if "贷" in b.name and "企业" in b.name), benefit)
        said = benefit.statement(Kind.AMOUNT)
        return (benefit, said) if said is not None else None

    def _ended(self, question: str, kind: Kind, clause: Clause, benefit: Benefit, budget: int,
               *, money: bool = False, aspects: Sequence[Aspect] = ()) -> _Body:
        """Expiry first: the benefit's period has ended; what applies now, where the document
        says so; then what the rule was, for the kind asked, marked as past (`money`: a sum was
        asked and the clause names none — said too). When the rule states one of the `aspects`
        asked (能一起领: 不可同时领取), the first line leads with it, marked as ended."""
        period = benefit.period
        assert period is not None and period.end is not None
        ended = f"{benefit.name}只在{period.text}执行，已于{_day(period.end)}到期。"
        now = (benefit.now.say if benefit.now is not None
               else f"现在是否还有，请向{clause.lead_department or '当地人社部门'}或拨打{HOTLINE}核实。")
        line = ended + now
        held = _years_held(question, now) if kind in (Kind.YES_NO, Kind.OTHER, Kind.WHO) else None
        if held is not None:
            # 交了两年失业保险 考了证 能领不: the years said against what applies now (3年以上),
            # first; then that the relaxation (1年以上) has ended
            years, least = held
            verdict = (f"现在不能：参保{years}，还不到现在要求的{least}年以上" if years_value(years) < least
                       else f"参保{years}，达到现在要求的{least}年以上")
            line = f"{verdict}。{ended}"
        asked_rate = self.read(question).rate if kind is Kind.YES_NO and _RATE_ASKED.search(fold(question)) else None
        now_rates = {float(r) for r in _RATE.findall(now)}
        if asked_rate is not None and now_rates and asked_rate not in now_rates:
            # 稳岗返还是不是返50%: the 50% was the ended rule's; what applies now says another
            line = f"现在不是{asked_rate:g}%：" + line
        lines = [line]
        statement = benefit.statement(kind) if kind is not Kind.OTHER else None
        year = _year_named(question)
        if (year is not None and period.start is not None and period.start.year <= year <= period.end.year
                and not (_ASKS_NOW.search(question) and "当时" not in question)):
            # 俺2020年参保一年多 考了证 当时能领不: that year was within the period — the rule as
            # it was then first, then that it has ended, and that a late claim is not written of
            rule = (statement or benefit.statement(Kind.YES_NO) or benefit.statement(Kind.AMOUNT))
            then = rule.say if rule is not None else f"“{next((x.quote for x in benefit.lines.values() if x.quote), benefit.name)}”"
            then = then.removeprefix("当时").rstrip("。")
            insured = self._years_against_minimum(question, benefit) if rule is not None else None
            said = ""
            if insured is not None:  # 参保一年多 against the 1年以上 of then
                said = insured[0].replace("现在要求的", "当时要求的").replace("现在还不能", "当时还不能")
            lines = [f"{year}年在这项规定的执行期内（{period.text}），当时的规定是：{then}。{said}",
                     f"{ended}{now}过了期限还能不能补申请，文件没有写，请问{clause.lead_department or '当地人社部门'}或拨打{HOTLINE}。"]
            quote = rule.quote if rule is not None else next((x.quote for x in benefit.lines.values() if x.quote), None)
            return self._with_quote(lines, quote, clause, question, budget, benefit=benefit, announced={period.text})
        stating = next((st for st in (statement, benefit.statement(Kind.YES_NO), benefit.statement(Kind.AMOUNT))
                        if st is not None and any(a.stated_in(st.say) for a in aspects)), None)
        if stating is not None:
            # 培训生活费跟失业金能一起拿不: the rule states exactly what was asked — in the first line
            statement = stating
            lines = [f"已到期的规定：{statement.say.rstrip('。')}（{ended.rstrip('。')}）。", now]
        elif statement is not None:
            lines.append(f"当时的规定：{statement.say}")
        elif kind is Kind.AMOUNT and money and not any(q.unit in MONEY_UNITS for q in clause.quantities):
            # 一个月多少钱 after 公益性岗位: what was asked is not written — said first, then the end
            lines.insert(0, "文件没有写具体给多少钱。")
        quote = statement.quote if statement is not None else None
        if quote is None:  # the rule as it was, in the clause's words (its amount first)
            quote = next((s.quote for k in (Kind.AMOUNT, *benefit.lines) if (s := benefit.lines.get(k)) and s.quote),
                         None)
        return self._with_quote(lines, quote, clause, question, budget, benefit=benefit, announced={period.text})

    def _compare(self, asked: Asked, benefit: Benefit, benefits: list[Benefit]) -> _Body:
        """能贷300万吗: the amount asked against the benefit's cap (both in 元)."""
        cap = benefit.max
        assert cap is not None and asked.amount is not None
        condition = benefit.statement(Kind.YES_NO) or benefit.statement(Kind.WHO)
        higher = [b.statement(Kind.AMOUNT) for b in benefits
                  if b.part_of == benefit.id and b.max is None and b.statement(Kind.AMOUNT) is not None
                  and "提高" in b.statement(Kind.AMOUNT).say]  # type: ignore[union-attr]
        if (asked.amount <= cap.value and higher and _EACH_OF_PARTNERS.search(fold(asked.question))
                and _PARTNERS_SAID.search(fold(asked.question))):
            # 两口子合伙开饭馆 是不是每人各贷十五万: a cap per partner is not written — the cap
            # of one, and that a partnership's may be raised (by how much unsaid)
            line = (f"文件没有写合伙的每人各能贷{_money(asked.amount)}：{benefit.name}最高不超过{cap.text}；"
                    f"{_LABEL.sub('', _VERDICT.sub('', higher[0].say))}")  # type: ignore[union-attr]
            return _Body([line], higher[0].quote, benefit=benefit)  # type: ignore[union-attr]
        if asked.amount <= cap.value:
            said = condition.say.removeprefix("要看条件：") if condition is not None else ""
            if _THRESHOLD.search(said):
                # 十二个人新招了三个 能贷三百万不: the cap holds only past a threshold (25%, 1年以上)
                line = f"要看条件：{_money(asked.amount)}在额度之内，{benefit.name}最高不超过{cap.text}。{said}"
            else:
                line = f"能，{_money(asked.amount)}在额度之内：{benefit.name}最高不超过{cap.text}。"
                if condition is not None:
                    line += condition.say
            # 我想开个厂子 个人能贷一百五十万不: the smaller benefit the question also names (个人:
            # 15万) cannot give that sum — said first, then the larger one's condition
            # (by a word of its own name the larger's name lacks: 个人, not 创业 of both names)
            smaller = next((b for b in benefits if b is not benefit and b.max is not None and b.part_of is None
                            and b.max.value < asked.amount
                            and any(w in b.name and w not in benefit.name for w in words_named(b, asked.question))), None)
            if smaller is not None:
                line = (f"{smaller.name}不行：最高不超过{smaller.max.text}，{_money(asked.amount)}超过了。"
                        f"{benefit.name}最高不超过{cap.text}，{_money(asked.amount)}在额度之内，"
                        + (f"要看条件：{said}" if _THRESHOLD.search(said) else (condition.say if condition else "")))
            return _Body([line], condition.quote if condition else None, benefit=benefit)
        line = f"不能：{_money(asked.amount)}超过了额度，{benefit.name}最高不超过{cap.text}。"
        # A refinement of this benefit that may go higher (合伙创业的可适当提高), in its own words.
        # (not another refinement's amount line — the interest's "文件没有写贴息多少")
        higher = [b.statement(Kind.AMOUNT) for b in benefits
                  if b.part_of == benefit.id and b.max is None and b.statement(Kind.AMOUNT) is not None
                  and "提高" in b.statement(Kind.AMOUNT).say]  # type: ignore[union-attr]
        if higher:
            line += f"另：{higher[0].say}"  # type: ignore[union-attr]
        larger = [b for b in benefits if b.max is not None and b.max.value >= asked.amount and b is not benefit]
        if larger:
            line += f"（{larger[0].name}最高不超过{larger[0].max.text}，条件不同。）"  # type: ignore[union-attr]
        return _Body([line], benefit.statement(Kind.AMOUNT).quote if benefit.statement(Kind.AMOUNT) else None,
                     benefit=benefit)

    def _above_refined_cap(self, asked: Asked, kind: Kind, benefit: Benefit | None,
                           benefits: list[Benefit]) -> _Body | None:
        """合伙开店能贷五十万不: a sum (元) asked of a refinement with no cap of its own (合伙创业的
        可适当提高, `part_of` the 15万 individual loan) that is above the cap it refines — 要看, with
        both the cap and how the refinement goes beyond it (the document does not say how far).
        None when anything else is asked, or the sum is within the cap (then the refinement's own
        yes/no line answers: 合伙能贷十万不 → 能适当提高…)."""
        if benefit is None or kind is not Kind.YES_NO or asked.amount is None or benefit.max is not None:
            return None
        parent = next((b for b in benefits if b.id == benefit.part_of), None)
        amount = benefit.statement(Kind.AMOUNT)
        if parent is None or parent.max is None or amount is None or asked.amount <= parent.max.value:
            return None
        line = f"要看：{_money(asked.amount)}超过了{parent.name}最高{parent.max.text}；{amount.say}"
        return _Body([line], amount.quote, benefit=benefit)

    def _names_only(self, asked: Asked, benefit: Benefit) -> bool:
        """Whether the question's topic words are all names of the benefit (想问问见习补贴): then
        its plain line answers, not the clause's opening sentences."""
        words = self.topic_words(asked)
        return bool(words) and all(any(w in name or name in w for name in (benefit.name, *benefit.words))
                                   for w in words)

    def _claimed_sum(self, amount: float, question: str, clause: Clause, benefit: Benefit | None, topic: str,
                     budget: int) -> _Body | None:
        """听说见习补贴涨到一千五了 / 返乡创业给一万块补贴是真的吗: a sum (元) the question states that
        the clause does not name is corrected first — 文件里没有1500元的说法 — then what the
        document does say (the benefit's amount line), or that it names no sum. None (answer as
        usual) when the clause names that sum, when it names only rates (60% of 20万: the sum is
        the base, not a claim) or when a loan is asked of a clause naming no sum at all (能贷十万不:
        a cap question, not a rumour)."""
        scale = {"元": 1, "万元": 10_000}
        sums = [q.value * scale[q.unit] for q in clause.quantities if q.unit in scale]
        rates = [q for q in clause.quantities if q.unit == "%"]
        if any(abs(v - amount) < 1 for v in sums) or (rates and not sums):
            return None
        if any(q.unit in scale and abs(q.value * scale[q.unit] - amount) < 1
               for c in self.kb.clauses.values() for q in c.quantities):
            return None  # the document names that sum elsewhere: not a rumour to correct
        if not sums and "贷" in question:
            return None
        return self._correction(_money(amount), question, clause, benefit, budget,
                                otherwise=f"文件没有写{topic}的具体金额。{self._where_to_ask(clause)}")

    def _correction(self, said: str, question: str, clause: Clause, benefit: Benefit | None, budget: int,
                    otherwise: str) -> _Body:
        """文件里没有<said>的说法 first, then what the document says (the benefit's amount line
        and its quotation), or `otherwise` when the benefit has no amount line."""
        lines = [f"文件里没有{said}的说法。"]
        statement = benefit.statement(Kind.AMOUNT) if benefit is not None else None
        if statement is None:
            return self._with_quote([*lines, otherwise], None, clause, question, budget, benefit=benefit)
        lines.append(statement.say if statement.say.startswith("文件") else f"文件写的是：{statement.say}")
        return self._with_quote(lines, statement.quote, clause, question, budget, benefit=benefit)

    @staticmethod
    def _rate_checked(rate: float, benefit: Benefit) -> tuple[str, Statement] | None:
        """稳岗返还是不是返50% / 是返60%吗: a share asked yes-or-no against the one the benefit's
        yes/no (else amount) line names — 不是 / 是, then that line. None when the line names no
        share or several."""
        statement = benefit.statement(Kind.YES_NO) or benefit.statement(Kind.AMOUNT)
        rates = {float(r) for r in _RATE.findall(statement.say)} if statement is not None else set()
        if statement is None or len(rates) != 1:
            return None
        (stated,) = rates
        said = _VERDICT.sub("", statement.say)
        verdict = f"是{stated:g}%" if abs(stated - rate) < 0.01 else f"不是{rate:g}%，是{stated:g}%"
        return f"{verdict}：{said}", statement

    def _claimed_rate(self, rate: float, question: str, clause: Clause, benefit: Benefit | None,
                      budget: int) -> _Body | None:
        """听说稳岗返还现在是百分之九十了: a percentage the question states that the clause does not
        name, when the clause names rates, is corrected first (文件里没有90%的说法), then the
        benefit's amount line. None when the clause names that rate or none at all."""
        rates = [q.value for q in clause.quantities if q.unit == "%"]
        if not rates or any(abs(r - rate) < 0.01 for r in rates):
            return None
        return self._correction(f"{rate:g}%", question, clause, benefit, budget, otherwise=self._where_to_ask(clause))

    def _rate_applied(self, amount: float, question: str, clause: Clause, benefit: Benefit, budget: int) -> _Body | None:
        """去年交了二十万 能返多少: a benefit paid as one rate of a sum (its amount line names exactly
        one N%, and the clause names no sums) applied to the sum the question gives, in 元 —
        第四条: 60% of 20万元 -> 约12万元. None otherwise."""
        worked = self._rate_line(amount, clause, benefit)
        if worked is None:
            return None
        line, statement = worked
        said = question_amount_range(fold(self.spelled(question)))
        if said is not None:  # 交了十七八万: each end worked out (60% of 17万 and of 18万)
            rate = _RATE.search(statement.say)  # the one rate `_rate_line` found
            if rate is not None:
                low, high = (_money(round(n * float(rate.group(1)) / 100)) for n in said)
                line = (f"按文件写的{rate.group(0)}算，您说交了{_money(said[0])}—{_money(said[1])}，"
                        f"可返还约{low}—{high}（以人社部门核定为准）。")
        return self._with_quote([line + statement.say], statement.quote, clause, question, budget, benefit=benefit)

    def _rate_line(self, amount: float, clause: Clause, benefit: Benefit) -> tuple[str, Statement] | None:
        """("按文件写的60%算，约12万元（以人社部门核定为准）。", the amount statement) for a sum in 元
        and a benefit paid as one rate of a sum (see `_rate_applied`); None otherwise."""
        statement = benefit.statement(Kind.AMOUNT)
        if statement is None or any(q.unit in ("元", "万元") for q in clause.quantities):
            return None
        rates = set(_RATE.findall(statement.say))
        if len(rates) != 1:
            return None
        rate = float(rates.pop())
        return f"按文件写的{rate:g}%算，约{_money(round(amount * rate / 100))}（以人社部门核定为准）。", statement

    def _hires_share(self, question: str, clause: Clause, benefit: Benefit | None, budget: int) -> _Body | None:
        """厂子一百二十个人 今年新招了十五个 能贷三百万不: a benefit whose condition is a share of new
        hires in the staff (its yes/no line: 达到现有在职职工人数25%（超过100人的企业达到15%）,
        第五条第（二）项) worked out for the counts the question gives — whether the headcount
        part is met, then the whole condition (the contracts and who counts are not checked
        here). None when the benefit has no such line or the question not both counts."""
        condition = benefit.statement(Kind.YES_NO) if benefit is not None else None
        said = fold(self.spelled(question))
        counts = staff_and_hires(said)
        rule = _SHARE_RULE.search(condition.say) if condition is not None else None
        if rule is None and (counts is not None or staff_and_hire_spans(said) is not None):
            # 尕饭馆 二十来个伙计 今年又招了七八个 能贷款不: staff and hires said are the firm's —
            # the clause's benefit whose condition is that share (the firm loan), not the personal one
            sharing = next((b for b in self.kb.benefits_of(clause.id)
                            if (st := b.statement(Kind.YES_NO)) is not None and _SHARE_RULE.search(st.say)), None)
            if sharing is not None:
                benefit, condition = sharing, sharing.statement(Kind.YES_NO)
                rule = _SHARE_RULE.search(condition.say)  # type: ignore[union-attr]
        if condition is None or rule is None:
            return None
        spans = staff_and_hire_spans(said)
        if spans is not None and (counts is None or spans != ((counts[0],) * 2, (counts[1],) * 2)):
            # 四五十个人 新招了十二个 / 一百二十人 新招了十七八个: each end worked out, one verdict
            # only when every end agrees; 五十来个人 (about 50) is read as 50 when both ends agree
            line, agree = self._share_over_spans(rule, *spans)
            if counts is None or not agree:
                return self._with_quote([line, condition.say], condition.quote, clause, question, budget,
                                        benefit=benefit)
        planned = _PLANNED_HIRES.search(said) if counts is None else None
        if planned is not None and (staff := staff_alone(said)) and (k := spoken_count(planned.group(1))):
            # 公司十五个人 今年想再招四个人 能贷三百万不: the hires planned join the staff (4 of 19),
            # as the questionnaire counts them; the fewest that reach the share if these do not
            total = staff + k
            needed = _share_needed(rule, total)
            met = 100 * k >= needed * total
            line = (f"{'按人数算够了' if met else '按人数算不够'}：现在在职职工{staff}人，再新招用{k}人后在职{total}人，"
                    f"新招的占{100 * k / total:.1f}%，要达到{needed}%")
            if not met:
                more = next(j for j in range(k + 1, 100 * total + 1) if 100 * j >= _share_needed(rule, staff + j) * (staff + j))
                line += f"；新招用{more}人（在职共{staff + more}人）就够了"
            return self._with_quote([line + "。", condition.say], condition.quote, clause, question, budget,
                                    benefit=benefit)
        if counts is None:
            staff = staff_alone(said) if _HOW_MANY_HIRES.search(said) else None
            if not staff:
                return None
            # 我们厂现在20个人 要新招几个才够: the fewest hires that reach the share, each joining
            # the staff (7 of 27 for 20 people)
            more = next(k for k in range(1, 100 * staff + 1) if 100 * k >= _share_needed(rule, staff + k) * (staff + k))
            line = (f"按人数算：现在在职职工{staff}人，今年至少要新招用{more}人（新招用{more}人、在职职工共{staff + more}人，"
                    f"达到{_share_needed(rule, staff + more)}%），并签订1年以上劳动合同。")
            return self._with_quote([line, condition.say], condition.quote, clause, question, budget, benefit=benefit)
        staff, hired = counts  # (the staff counted with this year's hires, as the questionnaire asks)
        share = 100 * hired / staff
        needed = _share_needed(rule, staff)
        whose = f"超过{rule.group('over')}人的企业" if needed != int(rule.group("small")) else "企业"
        met = share >= needed
        cap = f"，{benefit.name}最高不超过{benefit.max.text}" if benefit.max is not None else ""  # type: ignore[union-attr]
        line = (f"{'按人数算够了' if met else '按人数算不够'}：您说新招用{hired}人、在职职工{staff}人，"
                f"新招的占{share:.1f}%，{whose}要达到{needed}%{cap}。")
        if not met:  # 还差几个: the fewest more hires, each one counted in the staff too
            more = next(k for k in range(1, 100 * staff + 1)
                        if 100 * (hired + k) >= _share_needed(rule, staff + k) * (staff + k))
            line += f"还差：再新招用{more}人（新招用共{hired + more}人、在职职工共{staff + more}人）就够了。"
        return self._with_quote([line, condition.say], condition.quote, clause, question, budget, benefit=benefit)

    @staticmethod
    def _share_over_spans(rule: re.Match[str], staff: tuple[int, int], hired: tuple[int, int]) -> tuple[str, bool]:
        """(the headcount line of `_hires_share`, whether every end agrees) for counts said as
        ranges (staff and hires as (fewest, most)): 够 / 不够 when every end agrees, else which
        end passes and which fails."""
        def said(span: tuple[int, int]) -> str:
            return f"{span[0]}" if span[0] == span[1] else f"{span[0]}—{span[1]}"

        def met(h: int, n: int) -> bool:
            return 100 * h >= _share_needed(rule, n) * n

        # the share asked changes past 100 staff: every end, and both sides of that line, are tried
        line_at = int(rule.group("over")) if rule.group("over") is not None else None
        sides = (line_at, line_at + 1) if line_at is not None else ()
        sizes = sorted({*staff, *(n for n in sides if staff[0] <= n <= staff[1])})
        ends = [(h, n) for h in hired for n in sizes]
        worst = min(ends, key=lambda e: 100 * e[0] / e[1] - _share_needed(rule, e[1]))  # furthest under
        best = max(ends, key=lambda e: 100 * e[0] / e[1] - _share_needed(rule, e[1]))
        needed = sorted({_share_needed(rule, n) for n in sizes})
        need = (f"要达到{needed[0]}%" if len(needed) == 1 else
                f"超过{line_at}人的企业要达到{needed[0]}%，{line_at}人及以下的要达到{needed[1]}%")
        shares = f"{min(100 * h / n for h, n in ends):.1f}%—{max(100 * h / n for h, n in ends):.1f}%"
        if all(met(*e) for e in ends) or not any(met(*e) for e in ends):
            return (f"{'按人数算够了' if met(*best) else '按人数算不够'}：您说新招用{said(hired)}人、在职职工{said(staff)}人，"
                    f"新招的占{shares}，{need}。"), True
        return (f"要看具体人数：您说新招用{said(hired)}人、在职职工{said(staff)}人，{need}；"
                f"按新招用{best[0]}人、在职职工{best[1]}人算够（{100 * best[0] / best[1]:.1f}%），"
                f"按新招用{worst[0]}人、在职职工{worst[1]}人算不够（{100 * worst[0] / worst[1]:.1f}%），请按实际人数核对。"), False

    def _per_head_applied(self, question: str, clause: Clause, benefit: Benefit, budget: int) -> _Body | None:
        """那三个人见习六个月一共多少: a benefit paid per person per month (its amount line names
        每人每月N元; 第六条: 1000元, and 1200元 where its condition is met) for the people and
        months the question gives — months beyond the clause's range (3—12个月) counted up to its
        end, said so. None when the line names no such rate or the question not both counts."""
        text = fold(self.spelled(question))
        said = heads_span_and_months(text)
        single = False
        if said is None and _TOTAL_ASKED.search(text):
            # 见习八个月的话 单位一共能拿多少: no count of people — worked out for each one
            length = _MONTHS_SAID.search(text)
            years = _YEARS_SAID.search(text) if length is None else None
            months = (int(length.group(1)) if length.group(1).isdigit() else chinese_number(length.group(1))) \
                if length is not None else (_months_of(*years.groups()) if years is not None else None)
            said, single = (((1, 1), months), True) if months else (None, False)
        if said is None or _ASKER_TAKES_PART.search(question):
            return None  # (我一个人去见习三个月 能拿多少: the unit's money is no pay of the intern's)
        paid = self._per_head_rates(clause, benefit)
        if paid is None:
            return None
        statement, rates = paid
        (low, high), months = said
        span = _MONTH_RANGE.search(clause.text)
        note = ""
        if span is not None and months > int(span.group(2)):
            note = f"（文件写的期限是{span.group(0)}，按{span.group(2)}个月算）"
            months = int(span.group(2))
        elif span is not None and months == 1 and not re.search(r"一共|总共", text):
            note = "（这是一个月的；见习期是" + span.group(0) + "）"  # 一个月补多少: the sum a month, no length said
        elif span is not None and months < int(span.group(1)):
            note = f"（注意：文件写的期限是{span.group(0)}，不足{span.group(1)}个月的文件没有写怎么算）"
        condition = _RAISED_IF.search(statement.say) if len(rates) > 1 else None
        kept = interns_and_kept(text) if condition is not None else None
        share = _SHARE_NEEDED.search(condition.group(1)) if condition is not None else None
        count = kept[1] if kept is not None else None
        heads = f"{low}" if low == high else f"{low}—{high}"  # 七八个: each end worked out

        def total(rate: int) -> str:
            sums = dict.fromkeys(_money(n * months * rate) for n in (low, high))
            return "—".join(sums)

        if share is not None and count is not None and count <= low:
            # 收了十个 留了四个: the retention said decides the rate (40% is under 50%: 1000元)
            rates_at = {n: rates[1] if 100 * count / n >= int(share.group(1)) else rates[0] for n in (low, high)}
            kept_share = "—".join(dict.fromkeys(f"{100 * count / n:.0f}%" for n in (high, low)))
            if rates_at[low] == rates_at[high]:
                rate = rates_at[low]
                why = f"留用{count}人，留用率{kept_share}，{'达到' if rate == rates[1] else '没达到'}{share.group(1)}%"
                lines = [f"按每人每月{rate}元算（{why}）：{heads}人 × {months}个月 × {rate}元 = {total(rate)}{note}。"]
            else:  # 收了七八个 留了四个: 4 of 8 reach 50%, 4 of 7 more so; 4 of 9 would not
                lines = [f"要看见习的实际人数：留用{count}人，见习{n}人时留用率{100 * count / n:.0f}%，按每人每月"
                         f"{rates_at[n]}元算：{n}人 × {months}个月 × {rates_at[n]}元 = {_money(n * months * rates_at[n])}{note}。"
                         for n in (low, high)]
        else:
            people = "每名见习人员" if single else f"{heads}人 × "
            lines = [f"按每人每月{rates[0]}元算：{people}{months}个月 × {rates[0]}元 = {total(rates[0])}{note}。"]
            if condition is not None:
                lines.append(f"{condition.group(1)}的按每人每月{rates[1]}元算，为{total(rates[1])}。")
        lines.append(statement.say)
        return self._with_quote(lines, statement.quote, clause, question, budget, benefit=benefit)

    def _per_head_rates(self, clause: Clause, benefit: Benefit) -> tuple[Statement, list[int]] | None:
        """(the amount line, its rates per person per month in 元: [1000, 1200]) of `benefit` —
        a refinement (见习期满留用率达到50%以上: 1200元) read from the whole's line, which names
        both rates and the condition between them; None when the line names no such rate."""
        whole = next((b for b in self.kb.benefits_of(clause.id) if b.id == benefit.part_of), benefit)
        statement = whole.statement(Kind.AMOUNT) or benefit.statement(Kind.AMOUNT)
        rates = [int(r) for r in _PER_HEAD_MONTH.findall(statement.say)] if statement is not None else []
        return (statement, rates) if statement is not None and rates else None

    def _raised_rate(self, clause: Clause, benefit: Benefit) -> tuple[Statement, list[int], int] | None:
        """(the amount line, its rates per person per month in 元 — [1000, 1200] —, the share in %
        kept on that raises the rate — 50, 第六条: 留用率达到50%以上) of `benefit`, or None when
        its line names no raised rate with such a share."""
        paid = self._per_head_rates(clause, benefit)
        if paid is None:
            return None
        statement, rates = paid
        condition = _RAISED_IF.search(statement.say) if len(rates) > 1 else None
        share = _SHARE_NEEDED.search(condition.group(1)) if condition is not None else None
        return (statement, rates, int(share.group(1))) if share is not None else None

    def _retention_portion(self, portion: re.Match[str], question: str, kind: Kind, clause: Clause,
                           benefit: Benefit, budget: int) -> _Body | None:
        """见习单位留了一半人 补贴咋算 / 见习的都留下了: a share kept on said as a part (一半, 一大半,
        都 — half or more; 一小半 — under half) against the share the raised rate needs (50%):
        the rate that applies first. None when the benefit has no such raised rate."""
        raised = self._raised_rate(clause, benefit)
        if raised is None:
            return None
        statement, rates, needed = raised
        raised_asked = benefit.part_of is not None  # the refinement (1200元) named: 能 / 不能, else the subsidy: 有
        words = portion.group(0)
        if portion.lastgroup == "under":
            verdict = f"每人每月{rates[0]}元" if kind is Kind.AMOUNT else ("不能" if raised_asked else "有")
            first = (f"{verdict}：{words}，留用率不到{needed}%，按每人每月{rates[0]}元；"
                     f"留用率达到{needed}%以上的单位才提高到每人每月{rates[1]}元。")
        else:
            verdict = f"每人每月{rates[1]}元" if kind is Kind.AMOUNT else ("能" if raised_asked else "有")
            first = f"{verdict}：{words}，留用率达到{needed}%以上，见习补贴按每人每月{rates[1]}元。"
        return self._with_quote([first, statement.say], statement.quote, clause, question, budget, benefit=benefit)

    def _retention_said(self, question: str, kind: Kind, clause: Clause, benefit: Benefit,
                        budget: int) -> _Body | None:
        """收了五个见习的 期满留了两个 能按1200算不: the interns and those kept on, said, against
        the retention share the raised rate needs (第六条: 留用率达到50%以上的单位, 每人每月1200元
        instead of 1000元): 能 / 不能 and the rate that applies, then the benefit's amount line.
        None unless the benefit (or the whole it refines) has such a raised rate and the question
        says both counts; a sum over months asked (一共多少) is left to `_per_head_applied`."""
        if kind not in (Kind.YES_NO, Kind.AMOUNT):
            return None
        text = fold(self.spelled(question))
        said = interns_and_kept(text)
        over_months = heads_span_and_months(text)
        portion = _KEPT_PORTION.search(text) if said is None else None
        if portion is not None and over_months is None:
            return self._retention_portion(portion, question, kind, clause, benefit, budget)
        if said is None or (kind is Kind.AMOUNT and over_months is not None
                            and (over_months[1] > 1 or re.search(r"一共|总共", text))):
            return None  # (一个月补多少 asks the rate a month, not a sum over one month)
        raised = self._raised_rate(clause, benefit)
        if raised is None:
            return None
        statement, rates, needed = raised
        (low, high), count = said
        reached = {n: 100 * count / n >= needed for n in (low, high)}
        heads = f"{low}" if low == high else f"{low}—{high}"
        shares = "—".join(dict.fromkeys(f"{100 * count / n:.0f}%" for n in (high, low)))
        facts = f"见习{heads}人、期满留用{count}人，留用率{shares}"
        # the raised rate asked (能按1200算不) is 能 / 不能; the subsidy itself (补贴有没有) is paid either way
        raised_asked = benefit.part_of is not None  # the refinement (1200元) named, not the subsidy
        if reached[low] and reached[high]:
            verdict = f"每人每月{rates[1]}元" if kind is Kind.AMOUNT else ("能" if raised_asked else "有")
            first = f"{verdict}：{facts}，达到{needed}%以上，见习补贴按每人每月{rates[1]}元。"
        elif not reached[low] and not reached[high]:
            verdict = f"每人每月{rates[0]}元" if kind is Kind.AMOUNT else ("不能" if raised_asked else "有")
            first = (f"{verdict}：{facts}，没达到{needed}%，{'仍' if raised_asked else ''}按每人每月{rates[0]}元；"
                     f"留用率达到{needed}%以上的单位才提高到每人每月{rates[1]}元。")
        else:  # 十几个 留了七个: up to 14 interns 7 is 50%; from 15 it is not
            most = 100 * count // needed
            first = (f"要看见习的实际人数：{facts}；见习{most}人及以下的，留用率达到{needed}%，按每人每月{rates[1]}元；"
                     f"见习{most + 1}人及以上的，按每人每月{rates[0]}元。")
        return self._with_quote([first, statement.say], statement.quote, clause, question, budget, benefit=benefit)

    @staticmethod
    def _years_against_minimum(question: str, benefit: Benefit) -> tuple[str, Statement] | None:
        """交了四年 / 参保两年 against the years of insurance a benefit's current condition asks
        (技能提升补贴: 参加失业保险3年以上, its yes/no line): the first line says whether the years
        said reach it, then that condition. None when either is missing."""
        said = _YEARS_INSURED.search(fold(question))
        statement = benefit.statement(Kind.YES_NO)
        bound = _YEARS_AT_LEAST.search(statement.say) if statement is not None else None
        if said is None or bound is None or statement is None:
            return None
        raw = said.group(1)
        value = int(raw) if raw.isdigit() else chinese_number(raw)
        if value is None:
            return None
        years = f"{value}年{said.group(2) or ''}"  # 三年半 -> 3年半, 两年多 -> 2年多
        least = int(bound.group(1))
        if value >= least:
            # 参保三年半 有高级工证 能领不: both conditions said met — 能, where to apply after
            folded = fold(question)
            if "证" in statement.say and _HAS_CERTIFICATE.search(folded) and not _NO_CERTIFICATE.search(folded):
                return f"能：参保{years}，达到现在要求的{least}年以上，又取得了证书，两项条件都符合（以参保地审核为准）。", statement
            if "证" in statement.say and _NO_CERTIFICATE.search(folded):
                return f"现在还不能：参保{years}已达到{least}年以上，但还要取得证书，取得后才能申请。", statement
            return f"参保{years}，达到现在要求的{least}年以上。", statement
        return f"参保{years}，还不到现在要求的{least}年以上。", statement

    def _months_against_range(self, asked: Asked, clause: Clause) -> str | None:
        """A number of months the question says (十八个月, 6个月, 半年, 一年半) against a range of
        months the clause sets (组织失业青年参加3—12个月的就业见习): the first line, or None when
        either is missing."""
        folded = fold(asked.question)
        bounds = _MONTHS_RANGE.search(clause.text)
        said = _MONTHS_SAID.search(folded)
        value = None
        if said is not None:
            raw = said.group(1)
            value = int(raw) if raw.isdigit() else chinese_number(raw)
        elif (years := _YEARS_SAID.search(folded)) is not None:
            value = _months_of(years.group(1), years.group(2), years.group(3))
        if value is None or bounds is None:
            return None
        low, high = int(bounds.group(1)), int(bounds.group(2))
        text = bounds.group(0)
        if low <= value <= high:
            return f"文件写的是{text}：{value}个月在这个范围内。"
        side = "超过了" if value > high else "不到"
        limit = high if value > high else low
        return f"文件写的是{text}：{value}个月{side}{limit}个月，不在这个范围内。"

    def _context_benefit(self, benefits: Sequence[Benefit], context: str) -> Benefit | None:
        """The benefit the conversation's previous question named: the one whose full name it
        starts with (the dialog puts the benefit a follow-up was answered on first: 小微企业创业担保
        贷款 合同签半年行不), else the one it names (`pick_benefit`), else None."""
        return (next((b for b in benefits if context.startswith(b.name)), None)
                or pick_benefit(benefits, context, list(self.retriever.segmenter.query(context)[1]), None))

    def _contract_against_minimum(self, asked: Asked, clause: Clause) -> tuple[str, Benefit] | None:
        """合同签半年行不 / 签了两年合同够不: a contract length the question says against the
        shortest the clause sets (第五条第（二）项: 签订1年以上劳动合同, a condition of the firm's
        loan): (the first line, the benefit whose condition it is), or None when the question
        names no contract with a length or the clause sets none."""
        folded = fold(asked.question)
        minimum = _CONTRACT_MINIMUM.search(clause.text)
        # (那要是只签半年呢 after the contract was spoken of: 签 and a length name it too)
        anchor = "合同" if "合同" in folded else (
            "签" if _SIGNED_FOR.search(folded) and not _LEASE.search(folded) else None)  # (门面房签了三年: a lease)
        if minimum is None or anchor is None:
            return None
        at = folded.find(anchor)
        near = folded[max(0, at - CONTRACT_NEAR):at + len(anchor) + CONTRACT_NEAR]
        said = _CONTRACT_LENGTH.search(near)  # 厂子开了三年了 … 合同签的半年: the 半年, not the 三年
        if said is None:
            return None
        if said.group(1):
            months, words = 6, "半年"
        elif said.group(2):
            count = said.group(2)
            months = int(count) if count.isdigit() else chinese_number(count)
            words = f"{months}个月"
        else:
            months = _months_of(None, said.group(3), said.group(4))
            words = f"{said.group(3)}年{said.group(4) or ''}" if said.group(3).isdigit() else said.group(0)
        if months is None:
            return None
        holder = next((b for b in self.kb.benefits_of(clause.id)
                       if any(st is not None and "劳动合同" in st.say
                              for st in (b.statement(Kind.YES_NO), b.statement(Kind.WHO)))), None)
        if holder is None:
            return None
        least = int(minimum.group(1))
        cap = f"（最高不超过{holder.max.text}）" if holder.max is not None else ""
        if months >= 12 * least:
            return (f"够：合同签{words}，达到文件要求的“签订{least}年以上劳动合同”（这是{holder.name}{cap}的条件之一，"
                    f"人数比例也要够）。"), holder
        return (f"不够：合同签{words}，不到文件要求的{least}年以上。{holder.name}{cap}要求与新招用人员"
                f"签订{least}年以上劳动合同。"), holder

    @staticmethod
    def _names_term_of(benefits: Sequence[Benefit], terms: Iterable[str]) -> bool:
        """Whether a term of 4+ characters the question's words stand for (贷款 -> 创业担保贷款)
        is in one of the benefits' names."""
        names = [fold(b.name) for b in benefits]
        return any(len(t) >= 4 and any(fold(t) in n for n in names) for t in terms)

    def _more(self, asked: Asked, kind: Kind, benefit: Benefit | None, clause: Clause, question: str,
              budget: int) -> _Body | None:
        """The reply to asking more for a group (asking.yaml `more`: 我是残疾人 能不能多贷点), or
        None: "文件没有写明残疾人可以多贷。" then the benefit's amount line (个人创业担保贷款最高不超过
        15万元…合伙创业的可适当提高). None when no group is named (留下一大半 补贴能多给点不 is
        answered by the benefit's own yes/no line: 留用率50%以上 1200元), no benefit with an amount
        line is picked, or the clause's text names the group (its own words answer then)."""
        if not asked.more_for or benefit is None or kind not in (Kind.YES_NO, Kind.AMOUNT, Kind.OTHER):
            return None
        amount = benefit.statement(Kind.AMOUNT)
        if amount is None or asked.more_for in fold(clause.text):
            return None
        verb = "贷" if "贷" in fold(question) else "给"
        return self._with_quote([f"文件没有写明{asked.more_for}可以多{verb}。", amount.say], amount.quote,
                                clause, question, budget, benefit=benefit)

    def _compare_age(self, age: int, benefit: Benefit, clause: Clause, question: str, budget: int) -> _Body:
        """我25岁能参加见习吗: the age given against the benefit's age range (16—24岁)."""
        ages = benefit.ages
        assert ages is not None and benefit.age_outside is not None
        condition = benefit.statement(Kind.YES_NO) or benefit.statement(Kind.WHO)
        group = re.search(re.escape(ages.text) + r"(失业[^，、。；]{1,4})", condition.say) if condition else None
        if (ages.contains(age) and group is not None and _NO_WORK_SAID.search(fold(question))
                and not _STUDYING_OR_WORKING.search(fold(question))):
            # 我19岁 在家闲着 能去见习不: the age and the want of work said are the group's own
            # (16—24岁失业青年): 能, then the rest of the condition
            line = (f"能：{age}岁、没有工作，属于{ages.text}{group.group(1)}。"
                    + condition.say.removeprefix("要看条件："))  # type: ignore[union-attr]
            quote = condition.quote if condition else None
        elif ages.contains(age):
            line = f"{age}岁在{ages.text}之内。" + (condition.say if condition else "")
            quote = condition.quote if condition else None
        else:
            line = f"{age}岁{benefit.age_outside.say}"
            quote = benefit.age_outside.quote or (condition.quote if condition else None)
        return self._with_quote([line], quote, clause, question, budget, benefit=benefit)

    def _from_clause(self, question: str, kind: Kind, clause: Clause, day: date, budget: int,
                     benefit: Benefit | None, follow_up: bool, *, money: bool = False) -> _Body:
        """No plain statement for this kind: the kind's generic line, or the clause's best
        sentences (verbatim), with an ended period they state announced first.

        money: the question asks a sum of money (Asked.money: 能补多少钱). A clause that names no
        sum (元, 万元) or rate (%) — only counts such as 6600个 or durations — does not answer
        it: the first line says the document does not state the amount."""
        topic = benefit.name if benefit else self._asked_topic(question, clause)
        if kind is Kind.APPLY:
            line = (f"文件没有写{topic}的具体申请手续。可向当地人社部门（公共就业服务机构）咨询申请，"
                    f"{self._lead_phrase(clause)}也可拨打{HOTLINE}。")
            return self._with_quote([line], self._sentence_with(clause, ("申请", "办理", "申领", "报名")),
                                    clause, question, budget, benefit=benefit, quote_only_given=True)
        if kind is Kind.PAYER:
            line = f"文件没有写明{topic}的钱从哪里出。{self._where_to_ask(clause, benefit)}"
            return self._with_quote([line], None, clause, question, budget, benefit=benefit)
        if kind is Kind.WHEN:
            if self.read(question).in_force and all(p.kind in ("point", "from") for p in clause.periods):
                # 这事现在还有没有 about a clause that sets no end (no period, or only a start: 从2019年
                # 1月1日起): no end, and what it says (quoted) is the answer — not only "no period"
                since = next((p.text for p in clause.periods if p.kind == "from"), None)
                where = self._where_to_ask(clause, benefit).removeprefix("可以")
                line = (f"文件写的是{since}执行，" if since else "文件") + f"没有给{topic}写截止日期，也没有说已经停止；现在具体怎么办，{where}"
                return self._with_quote([line], None, clause, question, budget, benefit=benefit)
            lasting = self._length_said(clause, question)
            if lasting is not None:
                # 新招的合同得签几年: a length the clause sets for something the question names
                # (签订1年以上劳动合同), not the policy's own period
                return self._with_quote([f"文件写的是：{lasting}"], None, clause, question, budget, benefit=benefit)
            return _Body([self._when_line(clause, topic, day, benefit)], None, benefit=benefit,
                         announced={p.text for p in clause.ended_periods(day)})
        if kind is Kind.AMOUNT and money and not any(q.unit in MONEY_UNITS for q in clause.quantities):
            line = f"文件没有写明{topic}的具体金额。{self._where_to_ask(clause, benefit)}"
            return self._with_quote([line], None, clause, question, budget, benefit=benefit)
        if kind is Kind.AMOUNT and not clause.quantities:
            line = f"文件没有写明{topic}的具体金额或数量。"
            return self._with_quote([line], None, clause, question, budget, benefit=benefit)
        if kind is Kind.RECIPIENT and follow_up:
            line = f"文件没有单独写明{topic}发给谁。"
            return self._with_quote([line], None, clause, question, budget, benefit=benefit)
        query = question if not follow_up else f"{clause.title}{question}"
        sentences = self.best_sentences(clause, query, budget)
        text = "".join(sentences)
        lines = [text]
        ended = [p for p in clause.periods if p.text in text and p.has_ended(day)]
        if ended:
            p = ended[0]
            note = (f"“{p.text}”的规定已于{_day(p.end)}到期；现在是否还有，"  # type: ignore[arg-type]
                    f"请向{clause.lead_department or '当地人社部门'}或拨打{HOTLINE}核实。")
            if self._answers_outside(clause, query, ended):
                # 想学个厨师有补贴没: the sentence that answers (职业培训补贴) is current; the ended
                # one beside it (生活费补贴, 2019—2020) is said as ended after it, not first
                lines.append(f"其中{note}")
            else:
                lines.insert(0, f"注意：文中{note}")
        return _Body(lines, None, {p.text for p in ended}, benefit=benefit, sentences=sentences)

    def _answers_outside(self, clause: Clause, query: str, periods: Sequence[Period]) -> bool:
        """Whether the clause's best-matching sentence for `query` lies outside every one of
        `periods` (names none of them): what answers is not the part that ended."""
        sentences, scored = self._ranked_sentences(clause, query)
        return bool(scored) and not any(p.text in sentences[scored[0][1]] for p in periods)

    def _with_quote(self, lines: list[str], quote: str | None, clause: Clause, question: str, budget: int,
                    *, faq_entry: FaqEntry | None = None, benefit: Benefit | None = None,
                    announced: Collection[str] = (), quote_only_given: bool = False) -> _Body:
        """Plain lines and one verbatim quotation: the given one, else the clause's words that
        answer best; none when the lines already hold it."""
        used = sum(len(line) for line in lines)
        room = max(self.settings.quote_min, budget - used)
        if quote is None and not quote_only_given:
            # The benefit's names help pick its sentence (去哪报名 about 见习 -> the 见习 sentence).
            query = f"{question} {benefit.name}" if benefit is not None else question
            quote = self._relevant_quote(clause, query, room)
        if quote is not None and len(quote) > max(room, len(quote) if quote_only_given else 0) + 40:
            quote = self._window(quote, self._wanted_words(question), room)
        if quote is not None and any(fold(quote.strip("…")) in fold(line) for line in lines):
            quote = None
        return _Body(lines, quote, set(announced), faq_entry, benefit)

    def _render(self, body: _Body) -> str:
        text = "\n".join(line.strip() for line in body.lines if line.strip())
        if body.quote:
            text += f"\n原文：“{body.quote}”"
        return text

    def _asked_topic(self, question: str, clause: Clause) -> str:
        """What a generic line names when no benefit was named: the question's own topic words
        when short (贷款阿达申请 -> 贷款), else the clause's title."""
        cues = self.kb.asking.cue_words
        words = [w for w in self.topic_words(question) if not any(w in cue for cue in cues)]  # not 申请
        named = "".join(words[:2])
        return named if words and len(named) <= 8 else _topic(clause)

    def _where_to_ask(self, clause: Clause, benefit: Benefit | None = None) -> str:
        """Where to ask what the document does not say: the benefit's own place (benefits.yaml
        `ask`: 低保 -> 所在乡镇（街道）或12345), else the local 人社 office with the clause's lead."""
        if benefit is not None and benefit.ask:
            return benefit.ask
        lead = self._lead_phrase(clause).rstrip("；")
        return f"可以向当地人社部门咨询{f'（{lead}）' if lead else ''}，也可拨打{HOTLINE}。"

    def _lead(self, question: str, clause: Clause, benefit: Benefit | None, day: date, budget: int) -> _Body:
        """见习补贴谁牵头, 扶贫车间归哪个部门管 (Kind.LEAD): the departments the clause lists (the
        first leads: 第一条's 列第一位者为牵头单位), or — where the clause says 按职责分工 — that
        each works within its remit; where residents go (the benefit's `apply` line, verbatim,
        else the hotline); and for an ended benefit, that it has ended."""
        topic = (benefit.name if benefit is not None and len(benefit.name) <= RUN_IN_NAME_CHARS
                 else f"这一项（{_topic(clause)}）的工作")
        others = clause.other_departments
        listed = "、".join(others[:3]) + ("等" if len(others) > 3 else "")
        county = "，各县（市）政府负责落实" if clause.county_clause else ""
        if "按职责分工" in clause.text and others:
            said = f"文件写明{topic}由{clause.lead_department}、{listed}按职责分工负责{county}。"
        else:
            said = f"文件写明{topic}由{clause.lead_department}牵头{f'，会同{listed}' if others else ''}{county}。"
        apply = benefit.statement(Kind.APPLY) if benefit is not None else None
        lines = [said + (f"办理：{apply.say}" if apply is not None else f"具体怎么办，可以拨打{HOTLINE}咨询。")]
        announced: set[str] = set()
        ended = benefit if benefit is not None and benefit.has_ended(day) else None
        if ended is not None and ended.period is not None and ended.period.end is not None:
            lines.append(f"{ended.name}只在{ended.period.text}执行，已于{_day(ended.period.end)}到期。")
            announced.add(ended.period.text)
        return self._with_quote(lines, None, clause, question, budget, benefit=benefit, announced=announced)

    def _meaning(self, question: str, asked: Asked, clause: Clause, benefit: Benefit | None, day: date,
                 budget: int, result: SearchResult | None, follow_up: bool) -> _Body | None:
        """零就业家庭是撒意思, 啥叫稳岗返还 (Kind.MEANING): a staff answer written for what a word
        means (its phrasings ask it: 两后生到底是啥意思); else, for the name of one of the clause's
        benefits, what it is in a line (its summary, else to whom and what it gives); else, for a
        word the clause only uses (零就业家庭 in 第三条第（三）项), that the document does not
        explain it, where to ask, and the sentence that uses it — with its period when that has
        ended. None when the question names no word of the clause."""
        if result is not None and not follow_up:
            entry = self._faq_answer(result, clause, (Kind.MEANING,), day)
            if entry is not None:
                return self._with_quote([entry.answer], None, clause, question, budget, faq_entry=entry,
                                        benefit=benefit)
        term = self._term_in(asked, clause)
        if term is None or self._longer_word_asked(asked, term):
            return None
        # the benefit it names (稳岗返还), else the clause's benefits whose names hold it (创业担保贷款:
        # 个人 and 小微企业); not a word for whom one is (零就业家庭 of the training living allowance)
        exact = [b for b in self.kb.benefits_of(clause.id) if term in self._names_of(b) or _activity_of(term, b)]
        named = ([benefit] if benefit is not None and benefit in exact else exact[:1] if len(exact) == 1 else
                 [b for b in self.kb.benefits_of(clause.id)
                  if b.part_of is None and fold(_PARENTHESES.sub("", b.name)).endswith(term)])
        named = [b for b in named if not self._group_term(term, b)]
        if len(named) == 1 and named[0].has_ended(day):
            return self._ended(question, Kind.OTHER, clause, named[0], budget)
        said = [(b, st) for b in named[:3] if (st := self._what_it_is(b)) is not None]
        if len(said) == 1:
            (one, statement), = said
            who = one.statement(Kind.WHO)
            if who is not None and _activity_of(term, one) and not any(w in who.say for w in _ORGANISATIONS):
                # 见习是撒意思: the activity (who takes part, for how long), then the money it brings
                # (not 稳岗, whose "who" are the firms: the benefit's own line says what it is)
                lines = [f"{term}：{self._plain(who)}", f"{_PARENTHESES.sub('', one.name)}：{self._plain(statement)}"]
                return self._with_quote(lines, statement.quote or who.quote, clause, question, budget, benefit=one)
            return self._with_quote([f"{_PARENTHESES.sub('', one.name)}：{self._plain(statement)}"],
                                    statement.quote or self._any_quote(one), clause, question, budget, benefit=one)
        if said:  # 创业担保贷款是个啥: 个人的 and 小微企业的, a line each
            lines = [f"文件里的“{term}”有{len(said)}种："]
            lines += [f"{i}. {_PARENTHESES.sub('', b.name)}：{self._plain(st)}" for i, (b, st) in enumerate(said, 1)]
            return self._with_quote(lines, None, clause, question, budget, benefit=said[0][0], quote_only_given=True)
        sentence = next((s for s in self.best_sentences(clause, f"{question} {term}") if term in fold(s)),
                        next((s for s in clause.sentences if term in fold(s)), None))
        what = "具体指哪些人、怎么认定" if _PERSONS.search(term) else "具体指什么"
        lines = [f"文件没有解释“{term}”{what}。{self._where_to_ask(clause, benefit)}"]
        ended = [p for p in clause.ended_periods(day) if sentence is not None and p.text in sentence]
        if ended and ended[0].end is not None:
            lines.append(f"文件里提到它的这句话，所说的政策已于{_day(ended[0].end)}到期：")
        elif sentence is not None:
            lines.append("文件里提到它的是这一句：")
        return self._with_quote(lines, _strip_item_marker(sentence) if sentence else None, clause, question, budget,
                                benefit=benefit, announced={p.text for p in ended}, quote_only_given=True)

    @staticmethod
    def _what_it_is(benefit: Benefit) -> Statement | None:
        """The line saying what a benefit is: its summary, else to whom and what it gives."""
        return benefit.summary or next((st for k in (Kind.RECIPIENT, Kind.YES_NO, Kind.AMOUNT, Kind.WHO)
                                        if (st := benefit.statement(k)) is not None), None)

    @staticmethod
    def _plain(statement: Statement) -> str:
        return _LABEL.sub("", _VERDICT.sub("", statement.say))  # 返给企业：… -> …

    @staticmethod
    def _any_quote(benefit: Benefit) -> str | None:
        return next((st.quote for k in (Kind.WHO, Kind.YES_NO, Kind.AMOUNT, Kind.RECIPIENT)
                     if (st := benefit.statement(k)) is not None and st.quote), None)

    def _term_in(self, asked: Asked, clause: Clause) -> str | None:
        """The longest run of the question's own words (its cue words left out) that the clause's
        text or one of its benefits' names uses (稳岗返还, not only its 稳岗), at least two
        characters and not a generic word (这个, 政策); None if none."""
        rest = _QUOTES.sub("", fold(asked.rest or ""))
        text = fold(clause.text) + "|" + "|".join(
            fold(_PARENTHESES.sub("", b.name)) for b in self.kb.benefits_of(clause.id))
        for size in range(len(rest), 1, -1):
            for start in range(len(rest) - size + 1):
                piece = rest[start:start + size]
                if " " not in piece and piece in text and not self._generic(piece):
                    return piece
        return None

    @staticmethod
    def _longer_word_asked(asked: Asked, term: str) -> bool:
        """Whether the word asked runs on past `term` (低保边缘户 past 低保): what is asked is
        another word, which the clause neither uses nor explains."""
        rest = _QUOTES.sub("", fold(asked.rest or ""))
        at = rest.find(term)
        follows = rest[at + len(term):at + len(term) + 1] if at >= 0 else ""
        return bool(follows) and _CJK_CHAR.match(follows) is not None and follows not in _TERM_ENDS

    @staticmethod
    def _names_of(benefit: Benefit) -> set[str]:
        return {fold(w) for w in (_PARENTHESES.sub("", benefit.name), benefit.name, *benefit.words)}

    def _group_term(self, term: str, benefit: Benefit) -> bool:
        """Whether `term` names the people a benefit is for (零就业家庭 of 培训期间的生活费补贴),
        not the benefit itself: it is in its lines on who and to whom, not in its short name."""
        if term in fold(_PARENTHESES.sub("", benefit.name)):
            return False
        return any(st is not None and term in fold(st.say)
                   for st in (benefit.statement(Kind.WHO), benefit.statement(Kind.RECIPIENT)))

    @staticmethod
    def _lead_phrase(clause: Clause) -> str:
        return f"牵头部门是{clause.lead_department}；" if clause.lead_department else ""

    def _length_said(self, clause: Clause, question: str) -> str | None:
        """The part of a clause sentence that sets a length of time (1年以上, 3—12个月) for a
        thing the question names (合同 of 新招的合同得签几年), or None: the comma-separated
        part holding the length, with the question's word."""
        wanted = {w for w in self._wanted_words(question) if len(w) >= 2 and not _LENGTH.search(w)}
        for sentence in clause.sentences:
            for part in re.split(r"[，,；;]", sentence):
                for m in _LENGTH.finditer(part):
                    near = part[max(0, m.start() - LENGTH_NEAR):m.end() + LENGTH_NEAR]  # 签订1年以上劳动合同
                    if any(w in near for w in wanted):
                        return part.strip("。") + "。"
        return None

    def _when_line(self, clause: Clause, topic: str, day: date, benefit: Benefit | None = None) -> str:
        """What the clause says about time: each period, ended or not; or that it names none.

        For a benefit with no period of its own (扶贫车间 in 第二条第（二）项), the clause's ended
        period belongs to another of its benefits (the 6600 乡村公益性岗位 of 2019—2020): the
        line says the benefit names no end, and whose period has ended — never that the
        benefit asked about has."""
        if benefit is not None and benefit.period is None:
            ended = [p for p in clause.periods if p.kind != "point" and p.has_ended(day)]
            if ended:
                notes = []
                for p in ended:
                    owners = [b.name for b in self.kb.benefits_of(clause.id)
                              if b.period is not None and b.period.text == p.text and b is not benefit]
                    whose = f"说的是{'、'.join(owners)}，" if owners else ""
                    notes.append(f"本条里“{p.text}”的规定{whose}已于{_day(p.end)}到期")  # type: ignore[arg-type]
                ask = benefit.ask or f"请向当地人社部门核实或拨打{HOTLINE}。"
                return f"文件没有写{topic}的截止日期（{'；'.join(notes)}）。{topic}现在是否还在执行，{ask}"
        parts = []
        for p in clause.periods:
            if p.kind == "point":
                continue
            if p.has_ended(day):
                parts.append(f"“{p.text}”的规定已于{_day(p.end)}到期")  # type: ignore[arg-type]
            elif p.kind == "from":
                parts.append(f"{p.text}执行，没有写截止日期")
            else:
                parts.append(f"执行期限是{p.text}")
        if not parts:
            return f"文件没有写明{topic}的执行期限或办理时间。{self._where_to_ask(clause, benefit)}"
        return f"{_topic(clause)}：" + "；".join(parts) + "。"

    def _start_line(self, clause: Clause, benefit: Benefit | None, topic: str) -> str:
        """When the benefit (its own period) or the clause (its periods) began; the document's
        date of issue when neither names a start. 第六条: “从2019年1月1日起”."""
        if benefit is not None and benefit.period is not None:
            periods = [benefit.period]
        else:
            periods = [p for p in clause.periods if p.kind != "point" and p.start is not None]
        parts = []
        for p in periods:
            part = f"文中“{p.text}”的规定从{_day(p.start)}开始执行"  # type: ignore[arg-type]
            if p.has_ended(self.today()):
                part += f"，已于{_day(p.end)}到期"  # type: ignore[arg-type]
            elif p.end is None:
                part += "，没有写截止日期"
            parts.append(part)
        if parts:
            return f"{topic}：" + "；".join(parts) + "。"
        doc = self.kb.document_of(clause)
        if clause.number == "0" and doc.issued:  # 文件哪天印发的: the date first
            return (f"{doc.number or doc.title}是{_day(doc.issued)}印发的；文件没有单独写从哪天开始执行，"
                    f"也没有写整体的截止日期。")
        issued = f"，{_day(doc.issued)}印发" if doc.issued else ""
        return (f"文件没有单独写{topic}从哪天开始执行；整个方案是{doc.number or doc.title}{issued}，"
                f"没有写截止日期。{self._where_to_ask(clause)}")

    def _in_force_line(self, clause: Clause, day: date) -> str:
        """Whether the document as a whole still applies: it names no end of its own; the
        time-limited rules of its clauses that have ended by `day`, by end date; the rest has no
        end date stated. Read from the parsed periods (clause 3.2 and 4: 2019年1月1日至12月31日)."""
        doc = self.kb.document_of(clause)
        by_end: dict[date, list[str]] = {}
        for c in doc.clauses:
            for p in c.periods:
                if p.has_ended(day) and p.end is not None and _topic(c) not in by_end.get(p.end, []):
                    by_end.setdefault(p.end, []).append(_topic(c))
        issued = f"（{_day(doc.issued)}印发）" if doc.issued else ""
        line = f"{doc.number or doc.title}{issued}没有写整体的截止日期。"
        if by_end:
            line += "其中限期执行的规定已经到期：" + "；".join(
                f"{'、'.join(topics)}里的限期规定已于{_day(end)}到期" for end, topics in sorted(by_end.items())) + "。"
        return line + f"其余没写截止日期的内容现在是否照此执行，请向当地人社部门核实或拨打{HOTLINE}。"

    def _sentence_with(self, clause: Clause, words: tuple[str, ...]) -> str | None:
        return next((s for s in (_strip_item_marker(x) for x in clause.sentences) if any(w in s for w in words)), None)

    def _faq_answer(self, result: SearchResult, clause: Clause, kinds: tuple[Kind, ...] = (Kind.OTHER,),
                    day: date | None = None, bare_figure_ok: bool = True) -> FaqEntry | None:
        """The staff FAQ answer to use: one that matches the question closely enough, rests on
        the clause being cited, answers one of the kinds asked (its first sentence does: a
        figure for "how much", 能/有/不 … for "can I"), and does not state an ended period's
        rule without saying it has ended. None: the clause's own sentences are quoted instead."""
        for entry, similarity in result.faq:
            if similarity < self.settings.faq_answer_min:
                return None
            if clause.id not in entry.clauses:
                continue
            if not any(self._faq_answers_kind(entry, k) for k in kinds):
                continue
            if not bare_figure_ok and _BARE_FIGURE.match(entry.answer.strip()):
                continue
            if day is not None and (_states_ended(entry.answer, clause, day) or _ends_early(entry.answer, clause, day)
                                    or self._names_ended_benefit(entry.answer, clause, day)):
                continue
            return entry
        return None

    def _faq_for_aspect(self, result: SearchResult, clause: Clause, aspect: Aspect, day: date) -> FaqEntry | None:
        """A staff answer written for an aspect the clause does not state (培训收不收费: what the
        document says about the cost instead — the training subsidies): close enough to the
        question, one of its phrasings asking the aspect, resting on a clause of the same article
        (第三条's 3.1 and 3.3), and not stating an ended rule as current. None otherwise."""
        article = clause.id.split(".")[0]
        for entry, similarity in result.faq:
            if similarity < FAQ_ASPECT_MIN:
                return None
            if (any(c.split(".")[0] == article for c in entry.clauses)
                    and any(aspect.asked_in(fold(q)) for q in entry.questions)
                    and not (_states_ended(entry.answer, clause, day) or self._names_ended_benefit(entry.answer, clause, day))):
                return entry
        return None

    def _names_ended_benefit(self, text: str, clause: Clause, day: date) -> bool:
        """Whether a staff answer names a benefit of the clause whose period has ended (培训期间的
        生活费补贴) without saying it has ended (到期): its rule would read as current."""
        return "到期" not in text and any(
            b.has_ended(day) and any(len(w) >= 3 and fold(w) in fold(text) for w in (b.name, *b.words))
            for b in self.kb.benefits_of(clause.id))

    def _faq_answers_kind(self, entry: FaqEntry, kind: Kind) -> bool:
        if kind is Kind.OTHER:
            return True
        rule = self.kb.asking.rule(kind)
        if kind is Kind.MEANING:  # written for what a word means: one of its phrasings asks it
            return rule is not None and any(
                any(c in fold(q) and not any(c in n and n in fold(q) for n in rule.not_cues) for c in rule.cues)
                for q in entry.questions)
        first = re.split(f"[{_SENTENCE_END}]", entry.answer.strip(), maxsplit=1)[0]
        words = rule.answered_by if rule else ()
        if kind is Kind.YES_NO:
            return first.startswith(words) if words else True
        if kind is Kind.AMOUNT and _FIGURE.search(first):
            return True
        return any(w in first for w in words)

    # ------------------------------------------------------------ pieces

    def _ranked_sentences(self, clause: Clause, question: str) -> tuple[list[str], list[tuple[float, int]]]:
        """The clause's answer sentences and their (score, index), best first.

        A sentence scores the IDF of the question's words it uses (a rare word weighs more),
        plus a bonus when the question asks for a figure (多少, 几, 标准 …) and the sentence has
        one, and another when it names the unit of a number in the question ("我26岁" wants the
        sentence with an age range). A sub-item's lead sentence is its heading (shown in the
        citation line), not an answer.
        """
        sentences = [_strip_item_marker(s) for s in clause.sentences
                     if s.strip() and _strip_item_marker(s).rstrip("。") != clause.title]
        wanted = self._wanted_words(question)
        asks_figure = bool(_ASKS_FIGURE.search(question))
        units = {"岁" if u == "了" else u for u in _UNIT_IN_QUESTION.findall(question)}
        scored = []
        for i, sentence in enumerate(sentences):
            score = self._overlap(sentence, wanted)
            if asks_figure and _FIGURE.search(sentence):
                score += FIGURE_BONUS
            if units and any(unit in sentence for unit in units):
                score += FIGURE_BONUS
            scored.append((score, i))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return sentences, scored

    def best_sentences(self, clause: Clause, question: str, budget: int | None = None) -> list[str]:
        """The 1-3 sentences of the clause that answer best, in document order, within
        `budget` characters (a sentence longer than that is cut around its best part)."""
        budget = budget or self.settings.sentence_budget
        sentences, scored = self._ranked_sentences(clause, question)
        if not sentences:
            return [clause.body[:budget]]
        wanted = self._wanted_words(question)
        chosen: dict[int, str] = {}
        used = 0
        for score, i in scored:
            if len(chosen) >= self.settings.max_sentences or (chosen and score <= 0):
                break
            sentence = sentences[i]
            if not chosen and len(sentence) > budget:
                sentence = self._window(sentence, wanted, budget)
            if chosen and used + len(sentence) > budget:
                continue
            chosen[i] = sentence
            used += len(sentence)
        return [chosen[i] for i in sorted(chosen)]

    def _relevant_quote(self, clause: Clause, query: str, budget: int) -> str | None:
        """`quote`, or None when no sentence of the clause shares a word with `query`."""
        sentences, scored = self._ranked_sentences(clause, query)
        if not sentences or scored[0][0] <= 0:
            return None
        return self.quote(clause, query, budget)

    def quote(self, clause: Clause, question: str, budget: int) -> str:
        """The clause's words that answer best, as one quotation of at most `budget` characters."""
        sentences, scored = self._ranked_sentences(clause, question)
        if not sentences:
            return clause.body[:budget]
        best = sentences[scored[0][1]]
        return best if len(best) <= budget else self._window(best, self._wanted_words(question), budget)

    def _wanted_words(self, question: str) -> set[str]:
        own, extra = self.retriever.segmenter.query(self.retriever.lexical_text(question))
        return set(own) | set(extra)

    def _overlap(self, text: str, wanted: set[str]) -> float:
        words = self._text_words.get(text)
        if words is None:  # clause sentences recur in every answer: segment each once
            words = frozenset(self.retriever.segmenter.words(text))
            if len(self._text_words) < 50_000:
                self._text_words[text] = words
        return sum(self.retriever.idf(w) for w in wanted & words)

    def _window(self, sentence: str, wanted: set[str], budget: int) -> str:
        """Cut a long sentence to its best-matching comma-separated part and its neighbours,
        marking the cuts with …, so that the quotation stays verbatim and short."""
        parts = [p for p in re.split(r"(?<=[，；：、])", sentence) if p]
        scores = [self._overlap(p, wanted) for p in parts]
        best = max(range(len(parts)), key=lambda i: (scores[i], -i))
        lo = hi = best
        length = len(parts[best])
        while True:
            grew = False
            for j in (hi + 1, lo - 1):  # prefer the words that follow: figures come after the subject
                if 0 <= j < len(parts) and not (lo <= j <= hi) and length + len(parts[j]) <= budget:
                    length += len(parts[j])
                    lo, hi = min(lo, j), max(hi, j)
                    grew = True
                    break
            if not grew:
                break
        text = "".join(parts[lo:hi + 1])
        if len(text) > budget:
            text = text[:budget]
        return ("…" if lo > 0 else "") + text.rstrip("，；：、") + ("…" if hi < len(parts) - 1 else "")

    def citation(self, clause: Clause) -> str:
        doc = self.kb.document_of(clause)
        title = clause.title if clause.title != clause.section_title or clause.number == "0" else clause.section_title
        return f"依据：{doc.number or doc.title} {clause.label()}（{title}）"

    def departments_line(self, clause: Clause) -> str | None:
        if not clause.lead_department:
            return None
        line = f"牵头部门：{clause.lead_department}"
        if clause.other_departments:
            line += f"（会同{'、'.join(clause.other_departments[:2])}{'等' if len(clause.other_departments) > 2 else ''}）"
        if clause.county_clause:
            line += "；各县（市）政府负责落实"
        return line

    def period_lines(self, clause: Clause, day: date, body: str = "",
                     announced: Collection[str] = ()) -> list[str]:
        """The validity of what the reply says, judged against `day`.

        A clause can mix open-ended and time-limited rules (第四条: the 60% refund has no end
        date, the 2019 special standard ran to 2019-12-31). A period is the reply's own only
        when the reply quotes it; a period of the clause that the reply does not quote is
        still mentioned when it has ended, as "本条另有…", so that nobody reads it as current.
        A period whose end the reply's first lines already `announced` is not repeated.
        """
        periods = [p for p in clause.periods if p.kind != "point"]
        if clause.number == "0":
            return []
        quoted = [p for p in periods if p.text in body] if body else periods
        if body:
            # 生活费补贴…不可同时领取失业保险金: a sentence about a time-limited benefit (its own
            # words, 3+ characters) is under that benefit's period, though it does not state it
            named = {b.period.text for b in self.kb.benefits_of(clause.id)
                     if b.period is not None and any(len(w) >= 3 and w in body for w in b.words)}
            quoted += [p for p in periods if p.text in named and p not in quoted]
        start = next((p for p in periods if p.kind == "from"), None)
        if start is not None and body and not self._under_start(clause, start.text, body.split("原文：")[0]):
            start = None  # 求职创业补贴 in 第六条: 从2019年1月1日起 is the widened 见习 scope's, not its
        if quoted:
            lines = []
        elif start is not None:  # 第六条: the widened internship scope runs 从2019年1月1日起
            lines, quoted = [], [start]  # the loop below words it
        else:
            lines = ["有效期：文件未写明截止日期"]
        for p in periods:
            ended = p.has_ended(day)
            end = _day(p.end) if p.end else ""
            if p.text in announced and ended:
                continue
            if p in quoted and ended and "到期" in body.split("原文：")[0]:
                # the answer itself says which part ended and what holds now (60%: no end date;
                # 3年以上 again): not "现在是否还有这项政策…核实", which would undo it
                lines.append(f"另：本条中“{p.text}”的限期规定已于{end}到期。")
            elif p in quoted and ended:
                lines.append(f"注意：文中“{p.text}”的规定已于{end}到期；"
                             f"现在是否还有这项政策，请向{clause.lead_department or '当地人社部门'}或拨打{HOTLINE}核实。")
            elif p in quoted and p.kind == "from":
                lines.append(f"有效期：{p.text}执行，文件未写明截止日期")
            elif p in quoted:
                lines.append(f"有效期：{p.text}")
            elif ended:
                lines.append(f"另：本条中“{p.text}”的限期规定已于{end}到期。")
        if lines[:1] == ["有效期：文件未写明截止日期"] and any(line.startswith("另：") for line in lines):
            # not "no end date" beside "ended": what the reply says has none, another part ended
            lines[0] = "有效期：上面说的内容，文件未写明截止日期"
        return lines

    def _under_start(self, clause: Clause, start: str, body: str) -> bool:
        """Whether `body` speaks of what the sentence of `clause` holding the start date `start`
        is about: a word (2+ characters) of a benefit that sentence names. True when no benefit
        is named there (the date is then the clause's)."""
        sentence = next((x for x in re.split(r"(?<=[。；])", clause.text) if start in x), "")
        governed = [b for b in self.kb.benefits_of(clause.id) if any(len(w) >= 2 and w in sentence for w in b.words)]
        return not governed or any(len(w) >= 2 and w in body for b in governed for w in (b.name, *b.words))

    def format_reply(self, body: str, clause: Clause, day: date, alternative: Clause | None,
                     announced: Collection[str] = ()) -> str:
        """The answer text, then 依据 (document, clause, title), the lead department, the
        period lines and 12333. `announced`: ended periods the answer text already names."""
        lines = [body.strip(), "", self.citation(clause)]
        dept = self.departments_line(clause)
        if dept:
            lines.append(dept)
        lines += self.period_lines(clause, day, body, announced)
        if alternative is not None and "您是不是想问" not in body:
            lines.append(f"您是不是想问：{_topic(alternative)}？")
        if not _PHONE_GIVEN.search(body):  # the answer already says whom to call (12333打不通 -> 12345)
            lines.append(f"更多问题可拨打{HOTLINE}（人社服务热线）。")
        return "\n".join(lines)

    def _said_of_themselves(self, question: str) -> str:
        """A "what policies are there" question without its cue (我儿子大学毕业了 有撒政策 ->
        我儿子大学毕业了); "" when it has no cue of asking.yaml `overview`."""
        folded = fold(question)
        cue = next((c for c in self.kb.asking.overview if c in folded), "")
        return folded.replace(cue, " ").strip() if cue else ""

    def overview(self, description: str, *, today: date | None = None,
                 exclude: Collection[str] = ()) -> Answer | None:
        """What policies there are for a person who described themselves (那我呢 我五十了 在村里放羊
        -> description 我五十了 在村里放羊): the `_overview` list, without the answer-or-refuse
        decision (the person asks what there is, not about one topic); None when no clause is
        close enough. `exclude`: clause ids not to list (还有别的扶持吗 after the loan's answer:
        the loan's clause was just said). Not cached."""
        text = self.spelled((description or "").strip()[:MAX_QUESTION_CHARS])
        if not text:
            return None
        with lexical_only({text}):  # candidates to list, no refusal: the lexical channels suffice
            result = self.retriever.search(text)
        if not result.candidates:
            return None
        return self._overview(text, result, [c.clause.id for c in result.candidates], today or self.today(),
                              exclude=frozenset(exclude))

    def _overview(self, question: str, result: SearchResult, ranked: list[str], day: date,
                  exclude: frozenset[str] = frozenset()) -> Answer | None:
        """"What policies are there" for a person or a situation (asking.yaml `overview`): the
        closest clauses (up to OVERVIEW_ITEMS, each within OVERVIEW_RATIO of the best score), a
        line each — the topic, where it is, and what its main benefit gives or that it has ended
        (benefits.yaml) — then how to ask on; one such clause is said as the closest. The
        preface, the closing paragraph and clauses whose age ranges exclude the age said are
        not listed; None when nothing is left."""
        said = self._said_of_themselves(question)
        if said:  # what the person said of themselves ranks; 有啥帮扶 would pull in 就业帮扶
            again = self.retriever.search(said, record=False)  # embedded ahead with the question (to_embed)
            result = again if again.candidates else result
            ranked = [c.clause.id for c in result.candidates]
        asked = fold(self.spelled(question))
        # 厂子裁员了 回来能干啥: not the clauses whose main benefit is not for this person (稳岗
        #返还 goes to the employer; benefits.yaml `not_for`) — the window starts after them
        candidates = [c for c in result.candidates if not self._not_for_asker(c.clause, asked)] or result.candidates
        candidates = [c for c in candidates if c.clause.id not in exclude]
        if not candidates:
            return None
        best = candidates[0]
        age = question_age(question)
        picks = [c.clause for c in candidates[:OVERVIEW_ITEMS + 2]
                 if c.score >= OVERVIEW_RATIO * best.score and c.clause.number not in ("0", "11")
                 and not self._outside_ages(c.clause, age)]
        if any(w in fold(question) for w in self.kb.asking.asks_money):
            # 失业了能领啥钱: the clauses that give something (benefits.yaml), not 加强预警's monitoring
            picks = [c for c in picks if any(not b.unpaid for b in self.kb.benefits_of(c.id))] or picks
        picks = picks[:OVERVIEW_ITEMS]
        if not picks:
            return None
        doc = self.kb.document_of(best.clause)
        if len(picks) == 1:
            name, gives = self._overview_line(picks[0], day, question, result.expansions)
            lines = [f"{doc.number or doc.title}里和您说的情况最相关的是{picks[0].label()}（{name}）：", gives]
        else:
            lines = [f"{doc.number or doc.title}里和您说的情况有关的政策有这{len(picks)}项："]
            for i, clause in enumerate(picks, 1):
                name, gives = self._overview_line(clause, day, question, result.expansions)
                lines.append(f"{i}. {name}（{clause.label()}）：{gives}")
        lines.append("想细问哪一项，直接问我就行（比如“这个钱给谁”“去哪申请”）；不清楚的可拨打"
                     f"{HOTLINE}（人社服务热线）。")
        reply = "\n".join(lines)
        return Answer(question, True, result.confidence, ranked, [], reply, clause=picks[0],
                      kind="overview", first_line=lines[0] + lines[1])

    def _not_for_asker(self, clause: Clause, asked: str) -> bool:
        """Whether the clause's main benefit says (`not_for`) it is not for the one asking."""
        roots = [b for b in self.kb.benefits_of(clause.id) if b.part_of is None]
        return bool(roots) and roots[0].outsider_in(asked) is not None

    def _compared(self, question: str, asked: Asked, result: SearchResult, ranked: list[str],
                  day: date) -> Answer | None:
        """Two benefits weighed (asking.yaml `comparing`: 先…还是先…, 哪个划算, 能不能既…又…) when
        the question names benefits of two clauses among its first candidates (`_named_clauses`):
        what the documents leave unsaid first — 文件没有写明创业培训和个人创业担保贷款先办哪个 —
        unless one of the two clauses says it (不可同时领取: answered from that clause), then a
        line on each (the comparison's `lines`: where to apply for "which first", the amount for
        "which is better"), each with its clause. None when it is not such a question."""
        comparison = asked.comparison
        if (comparison is None or len(result.candidates) < 2
                or (comparison.asked_as and not set(asked.kinds) & set(comparison.asked_as))
                or any(cue in fold(question) for cue in self.kb.asking.overview)):
            return None  # 这两样都能享受些啥: what there is, listed by the overview
        within = self._compared_within(question, asked, result.candidates[0].clause, ranked, day,
                                       result.confidence)  # 个人和企业 of one clause
        if within is not None:
            return within
        named = self._named_clauses(question, result)
        if len(named) < 2:
            return None
        pair = named[:2]
        if any(comparison.stated_in(c.text) for c in pair):
            return None
        # 能一起享受不 各是多少: the sums first, whatever the comparison's own lines
        prefer = ((Kind.AMOUNT,) if Kind.AMOUNT in asked.kinds else ()) + comparison.lines
        items = [self._overview_line(c, day, question, result.expansions, limit=COMPARE_LINE_CHARS,
                                     prefer=prefer) for c in pair]
        if comparison.heading:  # 有啥区别: each one said is the answer
            lines = [f"{items[0][0]}和{items[1][0]}{comparison.heading}"]
        else:
            lines = [f"文件没有写明{items[0][0]}和{items[1][0]}{comparison.say}。", "两项文件分别是这样写的："]
        lines += [f"{i}. {name}（{c.label()}）：{gives}" for i, (c, (name, gives)) in enumerate(zip(pair, items, strict=True), 1)]
        lines.append(self._where_to_ask(pair[0]))
        ranked = [c.id for c in pair] + [r for r in ranked if r not in {c.id for c in pair}]
        reply = self.format_reply("\n".join(lines), pair[0], day, None)
        return Answer(question, True, result.confidence, ranked, [], reply, clause=pair[0], alternative=pair[1],
                      kind=asked.kind.value, first_line=lines[0])

    def _compared_within(self, question: str, asked: Asked, clause: Clause, ranked: list[str],
                         day: date, confidence: float) -> Answer | None:
        """Two benefits of one clause weighed (个人和企业哪个贷得多: 第五条第（二）项's 15万元 and
        300万元 loans): each named by a word of its own (benefits.yaml `words`, not shared with the
        other), a line each from the comparison's `lines` (the amount first when asked). None
        when the best clause has no two such benefits."""
        comparison = asked.comparison
        text = fold(question)
        own = [b for b in self.kb.benefits_of(clause.id) if b.part_of is None and not b.unpaid]
        said = {b.id: {w for w in map(fold, b.words) if len(w) >= 2 and w in text
                       and not any(w in map(fold, o.words) for o in own if o is not b)} for b in own}
        pair = sorted((b for b in own if said[b.id]), key=lambda b: min(text.find(w) for w in said[b.id]))[:2]
        if comparison is None or len(pair) < 2 or comparison.stated_in(clause.text):
            return None
        prefer = ((Kind.AMOUNT,) if Kind.AMOUNT in asked.kinds else ()) + comparison.lines
        items = []
        for b in pair:
            st = next((st for k in prefer if (st := b.statement(k)) is not None), None) or self._what_it_is(b)
            if st is None:
                return None
            items.append((_PARENTHESES.sub("", b.name), self._plain(st)))
        names = [name for name, _ in items]
        caps = [b.max for b in pair]
        if (_WHICH_MORE.search(text) and caps[0] is not None and caps[1] is not None
                and caps[0].unit == caps[1].unit and caps[0].value != caps[1].value):
            # 哪个贷得多: the caps the document gives answer it — the larger first
            high, low = sorted(zip(names, caps, strict=True), key=lambda nc: -nc[1].value)
            lines = [f"{high[0]}的额度更高：最高{high[1].text}；{low[0]}最高{low[1].text}。文件分别是这样写的："]
        elif comparison.heading:
            lines = [f"{names[0]}和{names[1]}{comparison.heading}"]
        else:
            lines = [f"文件没有写明{names[0]}和{names[1]}{comparison.say}。", "两项文件分别是这样写的："]
        lines += [f"{i}. {name}：{gives}" for i, (name, gives) in enumerate(items, 1)]
        lines.append(self._where_to_ask(clause))
        reply = self.format_reply("\n".join(lines), clause, day, None)
        return Answer(question, True, confidence, ranked, [], reply, clause=clause,
                      kind=asked.kind.value, first_line=lines[0], benefit=pair[0].id)

    def _named_clauses(self, question: str, result: SearchResult) -> list[Clause]:
        """The clauses among the first COMPARE_AMONG candidates that the question names by a
        benefit word of their own (benefits.yaml, not generic) or a colloquial word standing for
        a benefit's name (贷款 -> 创业担保贷款), best first; a word naming benefits of two clauses
        (饭馆: 五小行业 and the loan) counts for the better-ranked one only."""
        taken: set[str] = set()
        meant = self.retriever.segmenter.colloquial_words(question)
        text = fold(question)
        candidates = [c.clause for c in result.candidates[:COMPARE_AMONG]]
        context = {fold(w) for c in candidates for b in self.kb.benefits_of(c.id) if b.unpaid for w in (b.name, *b.words)}
        typed = {fold(w) for w in self.retriever.segmenter.query(question)[0] if len(w) >= 3} - context
        found: list[tuple[int, Clause, set[str]]] = []  # (where it is first said, the clause, its words)
        for clause in candidates:
            # what is weighed is what one gets; a trade the plan supports without money (农家乐 of
            # 五小行业, benefits.yaml `unpaid`) is what the resident does
            benefits = [b for b in self.kb.benefits_of(clause.id) if not b.unpaid]
            words = {fold(w) for b in benefits for w in (b.name, *b.words)}
            own = set(self._benefit_words_in(question, words))  # 培训 too: the comparison says two things
            own |= {fold(w) for w, terms in meant.items()
                    if any(len(t) >= 4 and fold(t) in fold(b.name) for t in terms for b in benefits)}
            # a rare word of the clause's own text no other candidate has (三支一扶: 第二条第（一）项)
            own |= {w for w in typed if w in fold(clause.text)
                    and not any(w in fold(o.text) for o in candidates if o is not clause)}
            fresh = {w for w in own - taken if not any(w in t for t in taken)}
            if fresh:
                found.append((min((text.find(w) for w in fresh if w in text), default=len(text)), clause, fresh))
            taken |= own
        # a clause whose every word another named clause also gives is not a second thing: 找场地
        # 还帮贷款 are both in 第二条第（三）项's 协助落实一处场地，帮助办理一笔小额担保贷款
        # (in what that clause's benefits give, benefits.yaml: 第六条's text names 职业培训补贴 among
        # eight subsidies, but its 见习 gives no training)
        terms = {fold(w): [fold(t) for t in ts] for w, ts in meant.items()}  # 找场地 -> 经营场地, 场地

        def covered(word: str, clause: Clause) -> bool:
            gives = self._gives(clause)
            return word in gives or any(t in gives and not self._generic(t) for t in terms.get(word, ()))

        def names(clause: Clause) -> set[str]:
            return {fold(w) for b in self.kb.benefits_of(clause.id) for w in (_PARENTHESES.sub("", b.name), *b.words)}

        def own_word(word: str, clause: Clause, other: Clause) -> bool:
            # a name or word of one of the clause's own benefits (失业金: 失业保险金) is a thing of
            # its own, though the other clause's text says it in passing (第四条: 6个月的…失业保险金)
            # (a name, 3+ characters: not a plain word such as 场地, which 第二条第（三）项 says too)
            return len(word) >= 3 and word in names(clause) and word not in names(other)

        found = [f for f in found
                 if not any(o is not f and all(covered(w, o[1]) and not own_word(w, f[1], o[1]) for w in f[2])
                            for o in found)]
        # in the order the question says them: 先去上创业培训，还是先去申请创业担保贷款 — training first
        return [clause for _, clause, _ in sorted(found[:2], key=lambda f: f[0])] + [c for _, c, _ in found[2:]]

    def _gives(self, clause: Clause) -> str:
        """What the clause's benefits are called and give, in one folded text: their names, words
        and plain lines (benefits.yaml)."""
        return fold(" ".join(part for b in self.kb.benefits_of(clause.id)
                             for part in (b.name, *b.words, *(s.say for s in b.lines.values()))))

    def _outside_ages(self, clause: Clause, age: int | None) -> bool:
        """Whether the age said is outside every age range the clause's benefits name (a
        60-year-old is not shown the 16—24岁 internship in a list); False with no age or range."""
        ranges = [b.ages for b in self.kb.benefits_of(clause.id) if b.ages is not None and b.ages.upper is not None]
        return age is not None and bool(ranges) and all(not r.contains(age) for r in ranges)

    def _overview_line(self, clause: Clause, day: date, question: str = "", terms: Collection[str] = (),
                       limit: int = 60, prefer: Sequence[Kind] = ()) -> tuple[str, str]:
        """(name, what it gives) for a clause in a list: the benefit the question names (else
        the clause's main one), its plain line of the first `prefer` kind it has, else its
        summary (else its plain line for who, yes/no or the amount), or that it has ended; for
        a clause with no benefits described, its title and the start of its first sentence."""
        roots = [b for b in self.kb.benefits_of(clause.id) if b.part_of is None]
        benefits = self.kb.benefits_of(clause.id)
        named = pick_benefit(benefits, question, terms) if question else None
        if named is not None and named.refers(Kind.WHO) and not self._only_referred(question, named, benefits):
            named = None  # 低保户失业了有啥帮扶: who asks; the plan's help for the out of work is listed
        standing = [b for b in roots if not b.has_ended(day)]
        if named is None and len(standing) >= 3:  # 第九条第（三）项: several things, name them
            names = [_PARENTHESES.sub("", b.name) for b in standing]  # 扶持“五小行业”, not its list of trades
            return _topic(clause), _cut("有" + "、".join(names) + "等", limit)
        benefit = named or next(iter(standing), roots[0] if roots else None)
        if benefit is None:
            first = next((t for t in clause.sentences if _topic(clause) not in t), "")  # not the item's title
            return _topic(clause), _cut(first, limit)
        name = _PARENTHESES.sub("", benefit.name)  # the list line says what it gives; the name stays short
        if benefit.has_ended(day) and benefit.period is not None and benefit.period.end is not None:
            return name, f"已于{_day(benefit.period.end)}到期"
        # who it is for first: the person asks what there is for them, not yet how much — unless
        # the question names the benefit (我儿子…想去见习): then what it gives (每人每月1000元)
        statement = (next((benefit.lines[k] for k in prefer if k in benefit.lines), None)
                     or (benefit.lines.get(Kind.AMOUNT) if named is not None else None) or benefit.summary
                     or next((benefit.lines[k] for k in (Kind.WHO, Kind.YES_NO, Kind.AMOUNT, Kind.RECIPIENT)
                              if k in benefit.lines), None))
        return name, _cut(statement.say if statement else _topic(clause), limit)

    def _own_fees(self, topic: str | None) -> bool:
        """Whether the listed topic's refusal goes without the fee caution (`own_fees`)."""
        return topic is not None and any(t.topic == topic and t.own_fees for t in self.kb.lexicon.out_of_scope)

    def _not_covered(self, question: str, result: SearchResult, ranked: list[str]) -> Answer:
        """The refusal: the document does not say, 12333 / 12345. The nearest clauses are
        offered only when the bot is unsure whether the document covers the question (it shares
        words with them); a question judged off-topic (the calibrated decision, the meaning
        channel or the staff list of out-of-scope topics) gets no list of unrelated clause
        titles — 推进发展促就业 is no help to someone owed wages — only the menu button."""
        judged_off_topic = bool(result.off_topic or result.out_of_scope_topic or result.decided is False)
        if judged_off_topic:
            nearest: list[Clause] = []
        else:
            nearest = [c.clause for c in result.candidates[:3]]
        if not nearest and not judged_off_topic:  # nothing in common at all: what residents ask most
            nearest = [self.kb.clauses[cid] for cid in POPULAR_TOPICS if cid in self.kb.clauses]
        doc = self.kb.seed.number or "这份就业政策文件"
        caution = self._caution(question)
        if result.out_of_scope_topic:
            lines = [f"抱歉，{result.out_of_scope_topic}方面的问题，{doc}里没有讲到，我不能乱说。"]
        else:
            lines = [f"抱歉，这份就业政策文件（{doc}）里没有讲到这个问题，我不能乱说。"]
        if caution is not None and not self._own_fees(result.out_of_scope_topic):
            # 开店保证金 is the platform's own rule (out_of_scope.yaml `own_fees`): the caution
            # against paying for the document's policies does not fit it; a paid course that
            # wants 好处费 first still gets it
            lines.insert(0, caution)
        if nearest:
            lines.append("文件里和它最接近的内容有：")
            lines += [f"· {_topic(c)}（{c.label()}）" for c in nearest]
        lines.append(f"这个问题建议拨打{HOTLINE}（人社服务热线）或12345（政务服务热线）咨询。")
        if judged_off_topic:
            lines.append("想了解这份文件讲了哪些政策，可以回到菜单看看。")
        return Answer(question, False, result.confidence, ranked, [e.id for e, _ in result.faq[:3]],
                      "\n".join(lines), suggestions=nearest)


def _activity_of(term: str, benefit: Benefit) -> bool:
    """Whether `term` is the activity a benefit pays for: its name ends in the term and a money
    word (就业见习 and 见习 of 就业见习补贴)."""
    name = fold(_PARENTHESES.sub("", benefit.name))
    head = _MONEY_NAME.search(name)
    return head is not None and head.start() > 0 and name[:head.start()].endswith(term)


def _strip_item_marker(sentence: str) -> str:
    return re.sub(r"^（[一二三四五六七八九十]+）", "", sentence)


def _referred(body: _Body, asked: Asked) -> bool:
    """Whether the reply tells what the document leaves to another department (benefits.yaml
    `referred`: the 低保 standard, how to apply for 临时救助): "文件没有写…" and where to ask —
    said, but not an answer (`Answer.answered` is False; the reply, the clause and its citation
    stand). Only when the reply's first line says so of that benefit: its statement for the
    kind, or the aspect it does not state (除了低保还有啥临时给点钱的没 is answered from the
    clause: not about 低保)."""
    b = body.benefit
    if b is None or not body.lines:
        return False
    if body.unstated is not None:
        return body.unstated.topic is None and b.refers(asked.kind, aspect=True)
    # a question with no kind cue about such a programme got its "who" line (`Answerer._body`,
    # `_only_referred`); the body then opens with that line
    kind = Kind.WHO if asked.kind is Kind.OTHER and b.refers(Kind.WHO) else asked.kind
    statement = b.statement(kind)
    return b.refers(kind) and statement is not None and body.lines[0] == statement.say


def _other_benefit_said(benefit: Benefit, benefits: Sequence[Benefit], *texts: str) -> bool:
    """Whether a word (2+ characters) of another of the clause's `benefits` occurs in every one of
    the folded `texts` (the question; the question and the sentence to be quoted)."""
    return any(len(w) >= 2 and all(fold(w) in t for t in texts)
               for b in benefits if b is not benefit for w in b.words)


def _topic(clause: Clause) -> str:
    return clause.title.rstrip("。")


_PARENTHESES = re.compile(r"（[^（）]*）")


def _cut(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters with an ellipsis, at the last pause (，；、) in
    its second half when there is one: "可以参加3—1…" would misread 3—12个月."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    pause = max(head.rfind(mark) for mark in "，；、：")
    return (head[:pause] if pause >= limit // 2 else head) + "…"


_PUNCT_TAIL = re.compile(r"[\s\W_]+$", re.UNICODE)


def _money(value: float) -> str:
    """A sum in 元 as a resident writes it: 200000 -> 20万元, 5000 -> 5000元, 15000 -> 1.5万元."""
    if value >= 10_000:
        return f"{value / 10_000:g}万元"
    return f"{value:g}元"


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _states_ended(text: str, clause: Clause, day: date) -> bool:
    """Whether `text` names one of the clause's ended periods without saying it has ended
    (a staff answer written before the end date would state an expired rule as current)."""
    ended: list[Period] = clause.ended_periods(day)
    return any(p.text in text for p in ended) and "到期" not in text


def _ends_early(text: str, clause: Clause, day: date) -> bool:
    """Whether `text` says a period of the clause has ended (到期) that has not ended by `day`
    (a staff answer written today, judged as of an earlier date with `--today`)."""
    return "到期" in text and any(
        p.end is not None and not p.has_ended(day) and p.kind in ("range", "years") and _day(p.end) in text
        for p in clause.periods)


def _similarity(result: SearchResult, entry: FaqEntry) -> float:
    """How close (0..1) `entry`'s best phrasing is to the question, as retrieval ranked it."""
    return next((similarity for e, similarity in result.faq if e.id == entry.id), 0.0)


def _with_first(result: SearchResult, clause: Clause) -> SearchResult:
    """`result` with `clause` ranked first (a zero-score candidate when it was not ranked)."""
    from dataclasses import replace

    from knowledge.retrieval import Candidate

    rest = [c for c in result.candidates if c.clause.id != clause.id]
    first = next((c for c in result.candidates if c.clause.id == clause.id), None)
    if first is None:
        first = Candidate(clause, 0.0)
    return replace(result, candidates=[first, *rest])
