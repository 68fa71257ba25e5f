"""A FAQ answers a question only when it speaks of what was asked, not only of the same service."""

from __future__ import annotations

from pathlib import Path

from knowledge.record import ServiceRecord
from knowledge.search.passages import best_passage, coverage
from knowledge.seedfile import load_file

SEED = Path(__file__).resolve().parents[2] / "knowledge" / "seed"


def seed(service_id: str) -> ServiceRecord:
    return load_file(SEED / f"{service_id}.yml")


def faq_cosines(record: ServiceRecord, value: float) -> list[float]:
    """An encoder that finds every FAQ of the service close: only the words can tell them apart."""
    return [value] * len(record.faqs)


def test_a_faq_sharing_only_the_services_name_is_no_answer() -> None:
    divorce = seed("divorce_registration")
    for question in ("จะจดหย่าค่ะ ต้องไปทั้งสองคนไหม", "จดหย่าต้องมีพยานไหม"):
        match = best_passage(divorce, question, faq_cosines(divorce, 0.9))
        assert match is None or match.kind != "faq", (question, match)
    match = best_passage(divorce, "หย่าแล้วต้องเปลี่ยนนามสกุลด้วยไหม", faq_cosines(divorce, 0.9))
    assert match is not None and match.faq is not None and "นามสกุล" in match.faq.question


def test_someone_going_instead_needs_a_faq_that_speaks_of_it() -> None:
    passport = seed("passport_new")
    match = best_passage(passport, "ให้แฟนไปยื่นแทนได้ป่ะ", faq_cosines(passport, 0.9))
    assert match is None or match.kind != "faq", match


def test_part_of_a_longer_asked_word_counts_only_as_that_part() -> None:
    # "บัตรคนพิการ" asked: an entry with "พิการ" has only part of it, one with the whole word all of it
    assert coverage({"บัตรคนพิการ"}, {"เบี้ย", "พิการ"}) < coverage({"บัตรคนพิการ"}, {"บัตรคนพิการ"}) == 1.0
    # "ค้ำ" inside "ผู้ค้ำประกัน" is still the whole of what was asked
    assert coverage({"ค้ำ"}, {"ผู้ค้ำประกัน"}) == 1.0
    disability = seed("disability_allowance")
    match = best_passage(disability, "พ่อยังไม่มีบัตรคนพิการ ขอเบี้ยคนพิการได้เลยมั้ยคะ", faq_cosines(disability, 0.8))
    assert match is not None and match.faq is not None and match.faq.question.startswith("ยังไม่มีบัตรคนพิการ")


def test_words_inside_a_service_name_ask_no_aspect() -> None:
    from knowledge.aspects import detect_aspect

    assert detect_aspect("ทำฟรีแลนซ์ ต้องยื่นภาษีไหม") is None  # a freelancer, not "free"
    assert detect_aspect("ลูกชายจะไปเกณฑ์ทหาร ต้องทำไง") is None  # the draft, not a criterion
    assert detect_aspect("ฟรีไหม") == "fee"
    assert detect_aspect("มีเกณฑ์อะไรบ้าง") == "eligibility"
