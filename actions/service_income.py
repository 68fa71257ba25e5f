"""The income a citizen gives against a record's income limit: answer first, applied to what they said.

"รายได้ปีละ 8 หมื่น สมัครได้ไหม" on "รายได้ไม่เกิน 100,000 บาทต่อปี" is ได้ค่ะ; "เงินเดือนเดือนละ 20,000 ต้องยื่น
ไหม" on "เงินเดือนอย่างเดียวเกิน 120,000 บาทต่อปี (โสด) หรือเกิน 220,000 บาท (มีคู่สมรส)" is ต้องค่ะ, either
way. Citizens say amounts in words as often as in digits ("หมื่นห้า", "2 แสน", "15k"), by the month or the
year; the record's limits are by the year (a month's are turned into a year's).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from actions.replies import (
    HOUSEHOLD_COUNT_PATTERN,
    HOUSEHOLD_PATTERN,
    HOUSEHOLD_WORDS_PATTERN,
    INCOME_ASKED_WORDS,
    INCOME_LIMIT_PATTERN,
    INCOME_OVER_BOUNDS,
    JOINED_PARTS_WORD,
    MONTH_WORDS,
    MONTHLY_WORDS,
    NUMBER_UNIT_WORDS,
    NUMBER_WORDS,
    PER_PERSON_WORD,
    TAX_FREE_PATTERN,
    WHOLE_YEAR_WORD,
    YEARLY_WORDS,
    reply_for,
)
from knowledge.record import ServiceRecord
from nlu.normalize import normalize_text

MONTHS = 12
_UNITS = "|".join(NUMBER_UNIT_WORDS)
_DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?"
_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# "หมื่นนึง" is ten thousand: one after a unit word is "a", not the next unit down
_TAIL = "|".join(sorted((w for w in NUMBER_WORDS if NUMBER_WORDS[w] > 1), key=len, reverse=True))
# "20,000", "2 หมื่น", "หมื่นห้า", "1.5 แสน", "สองหมื่นห้าพัน", "15k"
_GROUP = rf"(?:{_DIGITS}|{_WORD})?(?:{_UNITS})"
_AMOUNT = re.compile(
    rf"(?P<words>(?:{_GROUP})+(?:{_TAIL}|\d(?!\d))?)|(?P<k>\d+(?:\.\d+)?)k|(?P<plain>{_DIGITS})"
)
_GROUPS = re.compile(rf"(?P<lead>{_DIGITS}|{_WORD})?(?P<unit>{_UNITS})")
_LIMIT = re.compile(INCOME_LIMIT_PATTERN)
_CASE = re.compile(r"\s*\((?P<case>[^()\d]{2,20})\)")  # "120,000 บาทต่อปี (โสด)"


@dataclass(frozen=True)
class Limit:
    """One bound of a record's income rule: `op` is "<=" (at most: eligibility) or ">" (over: a duty)."""

    op: str
    yearly: float
    at: int  # where the record states it
    per_person: bool = False  # "ต่อคนต่อปี": a household's income over it may still be under it per head
    case: str = ""  # "(โสด)", "(มีคู่สมรส)": whom the bound is for, when the record says right after it


def _say(key: str, channel: str, **values: str) -> str:
    return reply_for(key, channel).text.format(**values)


def _number(word: str) -> float:
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word.replace(",", ""))


def amount_of(match: re.Match[str]) -> float:
    """The amount a match of _AMOUNT says: each unit word scales the number before it, and a bare
    number after the last is the next unit down ("หมื่นห้า" is 15,000, "สองหมื่นห้าพัน" 25,000)."""
    if match.group("k"):
        return float(match.group("k")) * 1000
    if match.group("plain"):
        return _number(match.group("plain"))
    words = match.group("words")
    total, last_unit, end = 0.0, 1, 0
    for group in _GROUPS.finditer(words):
        last_unit = NUMBER_UNIT_WORDS[group.group("unit")]
        total += (_number(group.group("lead")) if group.group("lead") else 1.0) * last_unit
        end = group.end()
    tail = words[end:]
    return total + (_number(tail) * last_unit / 10 if tail else 0.0)


def income_amount(folded: str) -> re.Match[str] | None:
    """Where a text without spaces gives an income's amount: the first amount after the income word,
    else the last before it ("2 หมื่นต่อเดือน รายได้แค่นี้"); None without an income word or an amount
    an income could be ("อายุ 8", a count of children)."""
    at = min((folded.find(w) for w in INCOME_ASKED_WORDS if w in folded), default=-1)
    if at < 0:
        return None
    amounts = [m for m in _AMOUNT.finditer(folded) if m.group(0).strip()]
    found = next((m for m in amounts if m.start() >= at), amounts[-1] if amounts else None)
    return found if found is not None and amount_of(found) >= MIN_INCOME else None


def income_said(question: str) -> float | None:
    """The citizen's income a year, when the question gives an income with an amount; a month's amount
    ("เดือนละ", "ต่อเดือน", or a salary) is twelve times over. None when no income or no amount."""
    folded = "".join(normalize_text(question or "").lower().split())
    found = income_amount(folded)
    if found is None:
        return None
    amount = amount_of(found)
    # the period said right before the amount ("เดือนละ 20,000 ทั้งปี" is a month's, every month), else
    # right after it ("15,000 บาทต่อเดือน"), else a salary is a month's
    before = folded[max(0, found.start() - PERIOD_REACH) : found.start()]
    after = folded[found.end() : found.end() + PERIOD_REACH]
    salary = any(w in folded for w in MONTH_WORDS)
    for said in (before, after):
        nearest = _nearest_period(said, at_end=said is before)
        # "เงินเดือน 15,000 ทั้งปี": a salary the whole year is still a month's amount
        if nearest is not None and not (salary and nearest == WHOLE_YEAR_WORD):
            return amount * MONTHS if nearest in MONTHLY_WORDS else amount
    return amount * MONTHS if salary else amount


def _nearest_period(text: str, at_end: bool) -> str | None:
    """The period word nearest the amount: the last one before it, or the first one after it."""
    places = [(text.rfind(w) if at_end else text.find(w), w) for w in (*MONTHLY_WORDS, *YEARLY_WORDS)]
    found = [(at, w) for at, w in places if at >= 0]
    if not found:
        return None
    return (max(found) if at_end else min(found))[1]


MIN_INCOME = 1000.0  # less is no income a limit speaks of
PERIOD_REACH = 14  # "ปีละ 8 หมื่น", "15,000 บาทต่อเดือน": the period is said right next to the amount


def income_limits(record: ServiceRecord, question: str = "") -> list[Limit]:
    """The income bounds the eligibility (else the overview) states, each a year's ("เกิน 220,000 บาท"
    after a bound by the year is by the year too)."""
    text = normalize_text(record.eligibility or record.description or "")
    limits: list[Limit] = []
    monthly = False
    for found in _LIMIT.finditer(text):
        period = found.group("period") or ""
        if period:
            monthly = any(w in period for w in MONTHLY_WORDS)
        amount = float(found.group("amount").replace(",", ""))
        op = ">" if found.group("bound") in INCOME_OVER_BOUNDS else "<="
        yearly = amount * MONTHS if monthly else amount
        case = _CASE.match(text, found.end())
        limits.append(
            Limit(op, yearly, found.start(), PER_PERSON_WORD in period, case.group("case") if case else "")
        )
    # "เงินเดือนอย่างเดียวเกิน 120,000 … และผู้มีเงินได้ประเภทอื่นเกิน 60,000": the part about the kind of
    # income the citizen named, when the rule has one
    named = [w for w in INCOME_ASKED_WORDS if w in "".join(normalize_text(question).split())]
    parts = _parts(text)
    own = [p for p in parts if any(w in "".join(text[p[0] : p[1]].split()) for w in named[-1:])]
    if own:
        limits = [limit for limit in limits if any(start <= limit.at < end for start, end in own)]
    return limits


def _parts(text: str) -> list[tuple[int, int]]:
    """Where each part of a rule joined with และ starts and ends."""
    bounds = [0, *(m.start() for m in re.finditer(JOINED_PARTS_WORD, text)), len(text)]
    return list(itertools.pairwise(bounds))


def income_verdict(record: ServiceRecord, question: str, channel: str, modal: str | None) -> str | None:
    """ได้ค่ะ / ไม่ได้ค่ะ for a can-question against an income ceiling, ต้องค่ะ / ไม่ต้องค่ะ for a must-question
    against the income over which something is a duty; None when the question gives no income, the
    record states no limit, or the limits split on something the citizen did not say (single or married)."""
    yearly = income_said(question)
    from actions.service_verdicts import asks_tax_paid  # it reads incomes with this module

    if yearly is not None and asks_tax_paid(question):
        # paying is not filing: only the record's tax-free income answers it, never a filing bound
        return tax_paid_verdict(record, yearly, channel)
    limits = income_limits(record, question)
    if yearly is None or not limits:
        return None
    income = f"{yearly:,.0f}"
    ceilings = [limit for limit in limits if limit.op == "<="]
    duties = [limit.yearly for limit in limits if limit.op == ">"]
    if modal == "must" and duties:
        if yearly > max(duties):  # over the bound of every case (single or married)
            return _say("answer_income_over_duty", channel, income=income, limit=f"{max(duties):,.0f}")
        if yearly <= min(duties):
            return _say("answer_income_under_duty", channel, income=income, limit=f"{min(duties):,.0f}")
        return _split_duty(limits, yearly, channel)
    if modal != "must" and ceilings:
        ceiling = ceilings[0]
        if ceiling.per_person:  # a household's income per head: how many, when the citizen says
            people = household_size(question)
            if people is not None:
                each = f"{yearly / people:,.0f}"
                key = (
                    "answer_income_each_within"
                    if yearly / people <= ceiling.yearly
                    else "answer_income_each_over"
                )
                return _say(
                    key, channel, income=income, people=str(people), each=each, limit=f"{ceiling.yearly:,.0f}"
                )
            if yearly > ceiling.yearly:
                return None  # over per head only if it is one person's: not said
        key = "answer_income_within" if yearly <= ceiling.yearly else "answer_income_over"
        return _say(key, channel, income=income, limit=f"{ceiling.yearly:,.0f}")
    return None


_TAX_FREE = re.compile(TAX_FREE_PATTERN)


def tax_paid_verdict(record: ServiceRecord, yearly: float, channel: str) -> str | None:
    """ "เงินเดือน 15,000 ต้องเสียภาษีไหม" on "ผู้มีรายได้จากเงินเดือนไม่เกินประมาณ 26,000 บาทต่อเดือน … จึง
    ไม่ต้องเสียภาษี": ไม่ต้องค่ะ at or under that salary; over it, that it depends on the allowances (the
    record's bound is approximate). None when the record states no such salary."""
    texts = [record.description, record.eligibility, *(f.answer for f in record.faqs)]
    found = next((m for t in texts if (m := _TAX_FREE.search(normalize_text(t or ""))) is not None), None)
    if found is None:
        return None
    bound = float(found.group("amount").replace(",", ""))
    monthly = yearly / MONTHS
    key = "answer_tax_free_salary" if monthly <= bound else "answer_tax_over_free_salary"
    return _say(key, channel, income=f"{monthly:,.0f}", limit=f"{bound:,.0f}")


def _split_duty(limits: list[Limit], yearly: float, channel: str) -> str | None:
    """ "เงินเดือน 18,000 ต้องยื่นไหม" between "เกิน 120,000 (โสด)" and "เกิน 220,000 (มีคู่สมรส)": a duty in
    the case of the lower bound, said with that case and the other's bound; None when the record does not
    name the cases."""
    duties = sorted((limit for limit in limits if limit.op == ">"), key=lambda limit: limit.yearly)
    lower, upper = duties[0], duties[-1]
    if not lower.case or not upper.case or lower.case == upper.case:
        return None
    return _say(
        "answer_income_over_duty_if",
        channel,
        income=f"{yearly:,.0f}",
        case=lower.case,
        limit=f"{lower.yearly:,.0f}",
        other_case=upper.case,
        other=f"{upper.yearly:,.0f}",
    )


_HOUSEHOLD = re.compile(HOUSEHOLD_PATTERN)


# "รายได้ครอบครัวปีละ 150,000 มี 3 คน": a household named anywhere, its count told apart from it (not
# "มีลูก 2 คน", the children alone)
_HOUSEHOLD_NAMED = re.compile(HOUSEHOLD_WORDS_PATTERN)
_HOUSEHOLD_COUNT = re.compile(HOUSEHOLD_COUNT_PATTERN)


def household_size(question: str) -> int | None:
    """How many people share the income ("ครอบครัวมี 3 คน", "บ้านเรา 4 คน", "รายได้ครอบครัวปีละ 150,000
    มี 3 คน"), when the question says."""
    folded = "".join(normalize_text(question or "").split())
    found = _HOUSEHOLD.search(folded)
    if found is None and _HOUSEHOLD_NAMED.search(folded):
        found = _HOUSEHOLD_COUNT.search(folded)
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None
