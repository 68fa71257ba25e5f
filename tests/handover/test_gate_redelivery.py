"""A citizen's message recorded for a person is recorded once, also when the gateway's queue hands the
same event back (channels/worker.py): a gateway killed after the transcript line was committed but
before the worker stored its answer gets the event again, and the owner check runs again for it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from channels.queue import REDELIVERED
from handover.gate import HandoverGate
from handover.models import ACTIVE
from privacy import PersonalData, PrivacySettings
from tests.databases import throwaway_database
from tests.handover.test_gate import NOW, ask_for_person, handovers, lines, said, set_status


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with throwaway_database(request.param, tmp_path) as url:
        made = create_engine(url)
        try:
            yield made
        finally:
            made.dispose()


@pytest.fixture
def gate(engine: Engine) -> HandoverGate:
    return HandoverGate(engine, PersonalData(PrivacySettings.generate()), clock=lambda: NOW)


async def test_a_redelivered_event_adds_no_second_transcript_line(gate: HandoverGate, engine: Engine) -> None:
    await ask_for_person(gate)
    [row] = handovers(engine)
    waiting = said("รอนานไหมคะ")
    for event in (waiting, dataclasses.replace(waiting, extra={REDELIVERED: True})):
        held = await gate.before_rasa(event)
        assert held is not None and held[0].text is not None and "คิวที่ 1" in held[0].text
    set_status(engine, row.id, ACTIVE, claimed_at=NOW)
    owned = said("สวัสดีค่ะ")
    for event in (owned, dataclasses.replace(owned, extra={REDELIVERED: True})):
        assert await gate.before_rasa(event) == []  # the bot stays silent both times
    assert await gate.before_rasa(said("สวัสดีค่ะ")) == []  # the same words in a new message do count
    citizen = [x.text for x in lines(engine, row.id) if x.author == "citizen"]
    assert citizen[-3:] == ["รอนานไหมคะ", "สวัสดีค่ะ", "สวัสดีค่ะ"]
    assert citizen.count("รอนานไหมคะ") == 1
