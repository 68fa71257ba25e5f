"""End to end: `python -m bench.conversations.run` on a tiny set against the real action server and Rasa.

Two questions and one two-turn conversation over the `line` channel, chosen so the outcome does not
depend on retrieval quality (a button payload and a greeting): this checks the runner (servers,
input channel with token and metadata, tracker read-back, judging, report files), not the bot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.conversations.run import main

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

QUESTIONS = 'service:passport_new\t/ask_service{"service_id":"passport_new"}\nout_of_scope:\tสวัสดีค่ะ\n'
CONVERSATIONS = """\
- id: e1
  channel: line
  note: a service button, then a greeting
  turns:
    - say: '/ask_service{"service_id":"passport_new","service_aspect":"fee"}'
      expect: {service: passport_new, aspect: fee}
    - say: "สวัสดีค่ะ"
      expect: {out_of_scope: true, contains_any: ["สวัสดี"]}
"""


def test_runner_on_two_questions_and_one_conversation(tmp_path: Path) -> None:
    evalset = tmp_path / "tiny"
    evalset.mkdir()
    (evalset / "questions.tsv").write_text(QUESTIONS, "utf-8")
    (evalset / "conversations.yml").write_text(CONVERSATIONS, "utf-8")
    out = tmp_path / "out"

    assert main(["--set", str(evalset), "--out", str(out)]) == 0

    detail = json.loads((out / "tiny.json").read_text("utf-8"))
    summary = detail["summary"]
    assert summary["questions"]["n"] == 2
    assert summary["questions"]["recall@1"] == 1.0, detail["questions"]
    assert summary["conversations"]["fully_right"] == 1, detail["conversations"]
    turns = detail["conversations"]["e1"]
    assert turns[0]["slots"]["service_id"] == "passport_new"
    assert turns[1]["reply"].startswith("สวัสดี")
    assert "Conversations benchmark" in (out / "tiny.md").read_text("utf-8")
