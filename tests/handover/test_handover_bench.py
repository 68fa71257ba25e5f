"""The handover benchmark's properties at CI size: the real gateway process (`python -m channels`),
10 citizens opening their handovers through signed LINE webhooks and the gateway's Rasa call, two
agents claiming and replying through the staff API, the gateway SIGKILLed mid-run. While staff own
the conversations the bot says nothing and Rasa is never asked; every citizen message reaches the
agent's transcript exactly once (also those LINE redelivered across the kill); after close each
conversation is the bot's again and its rating is stored. The same code as bench/handover/run.py."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench.handover.run import WHILE_OWNED, handover_run, owner_kept

HANDOVERS = 10


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_owner_kept_across_a_gateway_kill(backend: str, tmp_path: Path) -> None:
    args = argparse.Namespace(handovers=HANDOVERS, agents=2, replies=20, rate=10.0, line_latency=0.01)

    run = await handover_run(backend, "api", True, args, tmp_path)

    assert run["killed_after_replies"] is not None
    assert run["opened_by_citizens"] == HANDOVERS
    assert run["told_position"] == HANDOVERS  # each citizen's reply said "คิวที่ N"
    assert run["citizen_messages_while_owned"] == WHILE_OWNED * HANDOVERS
    assert run["webhook_redeliveries"] > 0  # some messages met the dead gateway and came again
    assert (run["transcript_lost"], run["transcript_duplicated"]) == (0, 0)
    assert (run["rasa_calls_while_owned"], run["owned_texts_reaching_rasa"]) == (0, 0)
    assert run["bot_replies_while_owned"] == 0
    assert (run["resumed"], run["ratings_stored"], run["rating_thanked"]) == (HANDOVERS,) * 3
    assert (run["lost"], run["duplicated"], run["out_of_order"], run["failed"]) == (0, 0, 0, 0)
    assert run["replies_committed"] == 20
    assert owner_kept(run)
