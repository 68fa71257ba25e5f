"""Issue 14, finding 3, replayed against the real Rasa and action server (tests/e2e/dialogue_servers.py):

- Rasa's HTTP API (tracker events, tracker read) refuses calls without RASA_AUTH_TOKEN;
- the action server refuses calls without Rasa's bearer token;
- a REST sender named `line:U…` is not that LINE user and does not see their case, nor does an
  unsigned, forged or expired identity sent through the `line` input channel; the same user with the
  gateway's signature does (the control that shows the check is not simply always "no");
- the slots a look-up by digits leaves, written into a citizen's tracker (even with the token), do not
  show the case: only the digits do (tests/security/test_finding3_grant.py replays it on both databases).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from dialogue_servers import (
    ACTION_SERVER_TOKEN,
    ChannelClient,
    DialogueStack,
    RestClient,
    dialogue_stack,
    http_json,
)

from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.models import Agency
from cases.photos import PhotoStore
from cases.registry import CaseTools, NewCase, NewContact, StatusChange, change_status, create_case
from db.migrate import upgrade
from privacy import PersonalData, PrivacySettings
from privacy.identity import MAX_AGE_SECONDS, GatewayIdentity

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

KEYS = PrivacySettings.generate()  # PERSONAL_DATA_KEYS of the action server (and of the "gateway")
LINE_USER = "line:U" + "9f3c" * 8
STATUS = "กำลังดำเนินการ"
ASK_DIGITS = "4 ตัวท้าย"


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DialogueStack, str]]:
    workdir = tmp_path_factory.mktemp("finding3")
    database_url = f"sqlite:///{workdir / 'govbot.db'}"
    upgrade(database_url)
    reference = _file_line_case(database_url, workdir)
    action_env = {**KEYS.to_environ(), "CASES_PHOTO_DIR": str(workdir / "photos")}
    with dialogue_stack(workdir, database_url, action_env=action_env) as running:
        yield running, reference


def _file_line_case(database_url: str, workdir: Path) -> str:
    """A case filed on LINE by LINE_USER (phone ending 5678), in progress."""
    engine = make_cases_engine(database_url)
    tools = CaseTools(vault=PersonalData(KEYS), photos=PhotoStore(workdir / "photos"))
    try:
        with make_cases_sessionmaker(engine)() as session, session.begin():
            session.add(Agency(id="dla", name="กรมการปกครอง"))
            contact = NewContact("line", sender_id=LINE_USER, phone="081-234-5678")
            case = create_case(
                session, "dla", NewCase(kind="application", service_id="id_card", contacts=(contact,)), tools
            )
            change_status(
                session, case, StatusChange("in_progress", "officer", next_step_due=dt.date(2027, 1, 5))
            )
            return case.reference
    finally:
        engine.dispose()


def _line(stack: DialogueStack) -> ChannelClient:
    return ChannelClient(stack.rasa_port, stack.token, KEYS)


def test_rest_sender_named_like_a_line_user_does_not_see_their_case(stack: tuple[DialogueStack, str]) -> None:
    running, reference = stack
    rest = RestClient(running.rasa_port)
    replies = texts(rest.say(LINE_USER, f"เรื่อง {reference} ถึงไหนแล้วคะ"))
    assert STATUS not in replies and ASK_DIGITS in replies, replies
    # The control: the same user through the gateway's door, signed, is the owner.
    owner = texts(_line(running).say(LINE_USER, f"เรื่อง {reference} ถึงไหนแล้วคะ"))
    assert f"เรื่อง {reference}: {STATUS}" in owner, owner


@pytest.mark.parametrize("how", ["unsigned", "forged", "expired"])
def test_the_line_channel_without_a_genuine_fresh_signature_is_anonymous(
    stack: tuple[DialogueStack, str], how: str
) -> None:
    """Even with the gateway's channel token (a co-tenant who read it), the identity needs the key."""
    running, reference = stack
    sender = LINE_USER
    claim = {"channel": "line", "user_id": sender, "locale": "th", "kind": "text"}
    if how == "forged":
        claim = GatewayIdentity(PrivacySettings.generate()).sign(claim)
    elif how == "expired":
        claim = GatewayIdentity(KEYS, clock=lambda: time.time() - MAX_AGE_SECONDS - 60).sign(claim)
    client = _line(running)
    # A fresh conversation, so nothing of the owner's turn above is in play.
    client.say(sender, "/restart", signed=False)
    replies = texts(client.say(sender, f"เรื่อง {reference} ถึงไหนแล้วคะ", claim, signed=False))
    assert STATUS not in replies and ASK_DIGITS in replies, replies
    client.say(sender, "ยกเลิก")  # leave the digits question for the next test


def _api(port: int, method: str, path: str, body: Any = None, token: str | None = None) -> int:
    query = f"?token={urllib.parse.quote(token)}" if token is not None else ""
    status, _ = http_json(method, f"http://127.0.0.1:{port}{path}{query}", body)
    return status


def test_rasas_http_api_needs_the_token(stack: tuple[DialogueStack, str]) -> None:
    running, reference = stack
    port, quoted = running.rasa_port, urllib.parse.quote(LINE_USER, safe=":")
    unlock = [{"event": "slot", "name": "phone_last4", "value": reference}]
    events = f"/conversations/{quoted}/tracker/events"
    assert _api(port, "POST", events, unlock) == 401
    assert _api(port, "POST", events, unlock, token="guess") == 401
    assert _api(port, "GET", f"/conversations/{quoted}/tracker") == 401
    assert _api(port, "POST", "/model/parse", {"text": "สวัสดี"}) == 401
    # The control: the operator's token opens it.
    assert (
        _api(port, "GET", f"/conversations/{quoted}/tracker", token=running.rasa.env["RASA_AUTH_TOKEN"])
        == 200
    )


def test_slots_written_into_the_tracker_do_not_unlock_a_case(stack: tuple[DialogueStack, str]) -> None:
    """What a right last-4 proves is a grant in the cases database (cases/grants.py), never a slot:
    even the operator's token, writing the slots a look-up by digits leaves, unlocks nothing."""
    running, reference = stack
    citizen = "web:finding3-slot-writer"
    token = running.rasa.env["RASA_AUTH_TOKEN"]
    client = _line(running)
    client.say(citizen, "สวัสดีค่ะ")
    unlock = [
        {"event": "slot", "name": name, "value": reference} for name in ("phone_last4", "last_case_ref")
    ]
    quoted = urllib.parse.quote(citizen, safe=":")
    assert (
        _api(running.rasa_port, "POST", f"/conversations/{quoted}/tracker/events", unlock, token=token) == 200
    )
    replies = texts(client.say(citizen, f"เรื่อง {reference} ถึงไหนแล้วคะ"))
    assert STATUS not in replies and ASK_DIGITS in replies, replies
    # The control: the digits themselves do unlock it, for this citizen.
    answered = texts(client.say(citizen, "5678"))
    assert f"เรื่อง {reference}: {STATUS}" in answered, answered


def _call_actions(port: int, path: str, authorization: str | None) -> int:
    body = {"next_action": "action_submit_case_status", "sender_id": LINE_USER, "tracker": {}, "domain": {}}
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if path == "/webhook" else None,
        headers=headers,
        method="POST" if path == "/webhook" else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_action_server_answers_only_rasas_token(stack: tuple[DialogueStack, str]) -> None:
    running, _ = stack
    port = running.action_port
    for path in ("/webhook", "/actions"):
        assert _call_actions(port, path, None) == 401
        assert _call_actions(port, path, "Bearer wrong-token") == 401
        assert _call_actions(port, path, ACTION_SERVER_TOKEN) == 401  # not a bearer header
    assert _call_actions(port, "/actions", f"Bearer {ACTION_SERVER_TOKEN}") == 200
    status, _ = http_json("GET", f"http://127.0.0.1:{port}/health")
    assert status == 200
