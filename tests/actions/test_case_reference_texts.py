"""Every reference the bot shows as an example passes its own check digit (issue 11: the bot's own
example CM69-1234-5678 failed it), in the action texts and in every domain response."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from actions import replies
from actions.case_status import reference_problem
from nlu.case_ref import check_case_ref

ROOT = Path(__file__).resolve().parents[2]
# Anything shaped like a reference: two letters, then ten digits with or without separators.
SHAPE = re.compile(r"\b[A-Z]{2}[\s-]?\d{2}[\s-]?\d{4}[\s-]?\d{3,4}\b")


def _domain_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for variants in (data.get("responses") or {}).values():
            texts += [str(v.get("text") or "") for v in variants]
    return texts


def _catalogue_texts() -> list[str]:
    texts = [reply.text for variants in replies.REPLIES.values() for reply in variants.values()]
    return texts + list(replies.PHRASES.values()) + list(replies.REFERENCE_PROBLEMS.values())


def test_every_example_reference_passes_its_check() -> None:
    shown = [m.group(0) for text in _catalogue_texts() + _domain_texts() for m in SHAPE.finditer(text)]
    assert replies.EXAMPLE_REFERENCE in shown  # the test sees the examples at all
    assert check_case_ref(replies.EXAMPLE_REFERENCE) == "valid"
    assert [ref for ref in shown if check_case_ref(ref) != "valid"] == []


def test_the_old_failing_example_is_caught_by_this_check() -> None:
    assert SHAPE.findall("เช่น CM69-1234-5678 ค่ะ") == ["CM69-1234-5678"]
    assert check_case_ref("CM69-1234-5678") == "bad_check"


def test_what_is_wrong_with_a_malformed_reference() -> None:
    assert "6 หลัก" in reference_problem("CM-69-0001")
    assert "11 หลัก" in reference_problem("CM69-1234-56789")
    assert "CM หรือ AP" in reference_problem("XY69-1234-5675")
    assert "CM หรือ AP" in reference_problem("6912345675")
    assert reference_problem("ไม่ทราบค่ะ") == ""
