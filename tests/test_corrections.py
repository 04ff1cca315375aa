"""不对 … after a questionnaire's result changes the answer the words name, not the newest one.

A loan for a small firm depends on two numbers (staff, new hires: 第五条（二）, 25% of the
staff). A correction that names the staff must change the staff; a bare number that could be
either is asked about, never guessed: a wrong guess flips the verdict.
"""

from __future__ import annotations

import asyncio

from test_understanding_review import Person, _engine, kb  # noqa: F401  (fixture)


async def _small_firm(p: Person, staff: str, hires: str) -> None:
    await p.say("测一测创业担保贷款")
    await p.say("小微企业")
    await p.say(staff)
    await p.say(hires)
    await p.say("签了")


def test_a_correction_that_names_the_staff_changes_the_staff(tmp_path, kb) -> None:  # noqa: F811
    async def scenario() -> tuple[str, str]:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await _small_firm(p, "五十个人", "十个")  # 10 of 50 = 20%: below 25%
        before = p.text
        after = await p.say("不对，在职职工一共四十人")  # 10 of 40 = 25%: meets it
        await engine.close()
        return before, after

    before, after = asyncio.run(scenario())
    assert "结果：不符合" in before
    assert "已改正" in after and "在职职工" in after and "40人" in after
    assert "新招用10人" in after and "结果：符合" in after


def test_a_bare_number_that_could_be_either_is_asked_about(tmp_path, kb) -> None:  # noqa: F811
    async def scenario() -> tuple[str, str]:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await _small_firm(p, "五十个人", "十个")
        asked = await p.say("不对 是十五个")
        answered = await p.say("新招用的是十五个")
        await engine.close()
        return asked, answered

    asked, answered = asyncio.run(scenario())
    assert "哪一项" in asked and "已改正" not in asked and "结果：" not in asked
    assert "已改正" in answered and "15人" in answered and "新招用15人" in answered
    assert "在职职工50人" in answered and "结果：符合" in answered  # 15 of 50 = 30%


def test_a_count_typed_to_has_it_ended_answers_both(tmp_path, kb) -> None:  # noqa: F811
    """第六条: 1200元 needs 见习期满留用率达到50%以上. "留用了四个" typed to 见习期已经满了吗
    says it has ended and how many were kept on; 还没到期 keeps the 1000元 rate."""
    async def scenario(answer: str) -> str:
        engine = await _engine(tmp_path / answer, kb)
        p = Person(engine)
        await p.say("见习补贴")
        await p.say("测一测我是否符合")
        await p.act(p.action_of("接收见习人员的单位"))
        await p.act(p.action_of("是"))
        await p.say("六个")
        await p.say("四个月")
        assert "见习期已经满了吗" in p.text
        text = await p.say(answer)
        await engine.close()
        return text

    kept = asyncio.run(scenario("四个"))
    assert "6人 × 4个月 × 1200元" in kept and "留用4人" in kept
    ongoing = asyncio.run(scenario("还没到期"))
    assert "6人 × 4个月 × 1000元" in ongoing
