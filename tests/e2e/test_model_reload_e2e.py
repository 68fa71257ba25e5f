"""End to end: a running Rasa loads a new model (`make reload-model`) without dropping a conversation.

The real action server and Rasa (SQL tracker store, as `make run` starts them) serve model A; a
citizen is midway through the complaint form (a 👎 typed inside it does not leave the form); then
scripts/reload_model.py swaps Rasa to model B while other citizens keep writing. Every message sent
during the swap is answered, /status names model B afterwards, and the citizen's next message carries
on with the same form and slots.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import (  # noqa: E402
    RASA_AUTH_TOKEN,
    DialogueStack,
    RestClient,
    dialogue_stack,
    http_json,
    newest_model,
)

from db.migrate import upgrade  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DialogueStack, Path, Path]]:
    workdir = tmp_path_factory.mktemp("reload-e2e")
    url = f"sqlite:///{workdir / 'govbot.db'}"
    upgrade(url)
    source = newest_model()
    model_a, model_b = workdir / "govbot-model-a.tar.gz", workdir / "govbot-model-b.tar.gz"
    shutil.copyfile(source, model_a)
    shutil.copyfile(source, model_b)
    with dialogue_stack(workdir, url, model=model_a) as stack:
        yield stack, model_a, model_b


def served_model(stack: DialogueStack) -> str:
    status, body = http_json("GET", f"{stack.rasa_url}/status?token={urllib.parse.quote(RASA_AUTH_TOKEN)}")
    assert status == 200, body
    return str(body["model_file"])


def form_state(bot: RestClient, sender: str) -> tuple[str | None, dict[str, Any]]:
    tracker = bot.tracker(sender)
    return (tracker.get("active_loop") or {}).get("name"), tracker["slots"]


def reload_script(stack: DialogueStack, model: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "RASA_AUTH_TOKEN": RASA_AUTH_TOKEN, "RASA_URL": stack.rasa_url}
    return subprocess.run(
        [str(ROOT / ".venv/bin/python"), "scripts/reload_model.py", "--model", str(model)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_form_carries_on_across_a_model_reload_and_no_message_fails(
    running: tuple[DialogueStack, Path, Path],
) -> None:
    stack, model_a, model_b = running
    bot = RestClient(stack.rasa_port)
    assert served_model(stack) == model_a.name
    citizen = "reload-citizen"
    bot.say(citizen, "/file_complaint")
    bot.say(citizen, "ไฟถนนดับ")
    bot.say(citizen, "ไฟถนนดับทั้งซอยมาสามวันแล้วค่ะ")
    loop, before = form_state(bot, citizen)
    assert loop == "complaint_form" and before["requested_slot"] == "complaint_location", before
    # a 👎 (the button's payload) inside the form: the form goes on and asks its step again
    inside = bot.say(citizen, "/feedback_negative")
    assert inside, "no answer inside the form"
    loop, still = form_state(bot, citizen)
    assert loop == "complaint_form" and still["requested_slot"] == "complaint_location", still

    # other citizens keep writing while the model is swapped
    results: list[tuple[str, int, Any]] = []
    stop = threading.Event()

    def keep_writing(sender: str, text: str) -> None:
        while not stop.is_set():
            status, body = http_json(
                "POST",
                f"{stack.rasa_url}/webhooks/rest/webhook",
                {"sender": sender, "message": text},
                timeout=300,
            )
            results.append((sender, status, body))

    writers = [
        threading.Thread(target=keep_writing, args=(f"reload-other-{n}", text), daemon=True)
        for n, text in enumerate(("ทำพาสปอร์ตใช้เอกสารอะไรบ้าง", "สวัสดีค่ะ", "ต่อภาษีรถยนต์ออนไลน์ได้ไหม"))
    ]
    for writer in writers:
        writer.start()
    time.sleep(1.0)
    sent_before = len(results)
    reloaded = reload_script(stack, model_b)
    time.sleep(1.0)
    stop.set()
    for writer in writers:
        writer.join(timeout=320)
    assert reloaded.returncode == 0, reloaded.stdout + reloaded.stderr + stack.logs()
    assert f"now serves {model_b.name}" in reloaded.stdout
    assert served_model(stack) == model_b.name
    assert len(results) > sent_before, "no message was sent during the reload"
    failed = [
        (s, status) for s, status, body in results if status != 200 or not isinstance(body, list) or not body
    ]
    assert failed == [], failed

    # the citizen carries on: the same form, the slots kept, the next step asked
    after_reload = form_state(bot, citizen)
    assert after_reload[0] == "complaint_form"
    assert after_reload[1]["complaint_category"] == "streetlight"
    assert after_reload[1]["complaint_description"] == before["complaint_description"]
    nxt = bot.say(citizen, "ซอยพหลโยธิน 24 เขตจตุจักร")
    assert nxt, "no answer after the reload"
    loop, now = form_state(bot, citizen)
    assert loop == "complaint_form", now
    assert now["complaint_location"] and now["requested_slot"] not in (None, "complaint_location"), now
    assert now["complaint_category"] == "streetlight"

    # a second run is a no-op, and a wrong token is refused without touching the model
    again = reload_script(stack, model_b)
    assert again.returncode == 0 and "already serves" in again.stdout
    env = {"PATH": "/usr/bin:/bin", "RASA_AUTH_TOKEN": "not-the-token", "RASA_URL": stack.rasa_url}
    refused = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "scripts/reload_model.py", "--model", str(model_a)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1 and "refused" in refused.stdout
    assert served_model(stack) == model_b.name
