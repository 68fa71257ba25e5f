"""The staff-edited list of sensitive topics loads, names real agencies with hotlines, and matches
phrases without spaces, whatever else the message says; a broken edit is refused at start-up."""

from __future__ import annotations

import pytest

from handover.sensitive import SensitiveTopics, SensitiveTopicsError
from knowledge.agencies import AgencyDirectory

DIRECTORY = AgencyDirectory.load()
TOPICS = SensitiveTopics.load(DIRECTORY)


@pytest.mark.parametrize(
    ("text", "topic", "hotline"),
    [
        ("ไม่ไหวแล้ว อยากฆ่า ตัวตาย", "self_harm", "1323"),
        ("ถูกสามีทำร้ายทุกวันค่ะ", "violence", "1300"),
        ("ความรุนแรงในครอบครัว แจ้งที่ไหน", "violence", "1300"),
    ],
)
def test_the_file_matches_its_phrases(text: str, topic: str, hotline: str) -> None:
    found = TOPICS.match(text)
    assert found is not None and (found.id, found.agency.hotline) == (topic, hotline)


@pytest.mark.parametrize("text", ["ทำบัตรประชาชนใหม่", "/affirm", "", "ต่อใบขับขี่"])
def test_ordinary_questions_and_payloads_do_not_match(text: str) -> None:
    assert TOPICS.match(text) is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"topics": [{"id": "x", "hotline_agency": "no_such_agency", "phrases": ["อยากตาย"]}]},
        {"topics": [{"id": "x", "hotline_agency": "dmh", "phrases": []}]},
        {"topics": [{"id": "x", "hotline_agency": "dmh", "phrases": ["ตา"]}]},
    ],
)
def test_a_broken_edit_is_refused(data: object) -> None:
    with pytest.raises(SensitiveTopicsError):
        SensitiveTopics.parse(data, DIRECTORY)
