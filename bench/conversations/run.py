"""Single questions and multi-turn conversations against the real bot, judged by checks written beforehand.

    .venv/bin/python -m bench.conversations.run --set bench/conversations/authors [--set DIR ...] [--write]

Starts the real action server and Rasa server (tests/e2e/dialogue_servers.py, newest model in models/)
on free loopback ports with throw-away state, then, for each set: every line of `questions.tsv` as a
fresh conversation, and every conversation of `conversations.yml` (and of `complaints.yml`, reported
as its own row) turn by turn, over Rasa's input
channel for the conversation's channel (`line` / `web` / `sms`: rasa_plugins/channels.py, as the
gateway calls them, with the gateway token and metadata; questions go over `line` unless
`--question-channel` says otherwise). After each message the tracker is read over Rasa's HTTP API
(`GET /conversations/{id}/tracker`) for slots, events and the active loop; the checks live in
bench/conversations/judge.py.

Writes results/conversations/<set>.md (every failed turn, in Thai) and <set>.json; `--write` also
replaces the conversations section of bench/README.md. `--rasa-url URL --token T` skips starting
servers and talks to a running Rasa (started with --enable-api).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import (  # noqa: E402
    ACTIONS_START_TIMEOUT,
    RASA_START_TIMEOUT,
    ManagedProcess,
    action_server,
    free_port,
    http_json,
    newest_model,
    rasa_server,
)

from bench.conversations.judge import (  # noqa: E402
    Failure,
    Turn,
    check_turn,
    find_button,
    score_question,
)
from bench.conversations.sets import Conversation, EvalSet, Question, load_set, referenced_ids  # noqa: E402
from knowledge.life_events import EVENT_IDS  # noqa: E402

README = ROOT / "bench" / "README.md"
RESULTS = ROOT / "results" / "conversations"
START, END = "<!-- conversations:start -->", "<!-- conversations:end -->"
TOKEN_HEADER = "X-Gateway-Token"


def seed_service_ids() -> set[str]:
    ids = set()
    for path in (ROOT / "knowledge" / "seed").glob("*.yml"):
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("id:"):
                ids.add(line.split(":", 1)[1].strip().strip("'\""))
                break
    return ids


def code_state() -> str:
    """The commit the bot's code is at, and whether the work tree has uncommitted changes."""
    import subprocess

    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "actions",
                "bot",
                "nlu",
                "knowledge",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes in actions/ bot/ nlu/ knowledge/" if dirty else "")


def complaint_labels() -> list[str]:
    """The complaint category labels (the category menu's buttons), if the project's code loads."""
    try:
        from actions.replies import COMPLAINT_CATEGORIES

        return list(COMPLAINT_CATEGORIES.values())
    except Exception:  # the check then only sees no labels
        return []


# -- talking to Rasa ---------------------------------------------------------------------------------
@dataclass
class Bot:
    """Rasa's gateway input channels (line / sms / web) or REST channel, and its tracker API."""

    base: str
    token: str
    api_token: str = ""  # RASA_AUTH_TOKEN for the tracker API, when Rasa is started with one
    sign: Any = None  # metadata -> metadata with the gateway's signed identity (privacy/identity.py)
    seal: Any = None  # number -> sealed number, as the SMS gateway sends it (metadata extra.n)

    def send(self, channel: str, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": sender, "message": message}
        if channel == "rest":
            url = f"{self.base}/webhooks/rest/webhook"
            headers: dict[str, str] = {}
        else:
            url = f"{self.base}/webhooks/{channel}/webhook"
            body["metadata"] = self.sign(metadata) if self.sign is not None else metadata
            headers = {TOKEN_HEADER: self.token} if self.token else {}
        status, replies = _post(url, body, headers)
        if status != 200 or not isinstance(replies, list):
            raise RuntimeError(f"{url} answered {status}: {str(replies)[:300]}")
        return replies

    def tracker(self, sender: str) -> dict[str, Any]:
        quoted = urllib.parse.quote(sender, safe=":")  # Sanic does not decode %3A in the path
        token = f"&token={urllib.parse.quote(self.api_token)}" if self.api_token else ""
        url = f"{self.base}/conversations/{quoted}/tracker?include_events=ALL{token}"
        status, body = http_json("GET", url)
        if status != 200 or not isinstance(body, dict):
            raise RuntimeError(f"tracker of {sender}: {status} {str(body)[:300]}")
        return body


def _post(url: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
    import urllib.error
    import urllib.request

    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def message_for(say: str, previous: Turn | None) -> tuple[str, dict[str, Any], str | None]:
    """(text Rasa gets, extra metadata, problem) for a `say:` line; [button]/[location]/[photo] expand."""
    stripped = say.strip()
    if stripped.startswith("[button]"):
        label = stripped[len("[button]") :].strip()
        button = find_button(previous.buttons, label) if previous is not None else None
        if button is None:
            offered = [b.title for b in previous.buttons] if previous is not None else []
            return label, {"kind": "text"}, f"no button {label!r} in the previous reply (had {offered})"
        return button.payload, {"kind": "postback"}, None
    if stripped.startswith("[location]"):
        rest = stripped[len("[location]") :].strip()
        lat, lon = 13.7563, 100.5018
        if rest:
            lat_s, _, lon_s = rest.partition(",")
            lat, lon = float(lat_s), float(lon_s)
        location = {"latitude": lat, "longitude": lon, "address": None, "title": None}
        text = "/share_location" + json.dumps({"latitude": lat, "longitude": lon})
        return text, {"kind": "location", "location": location}, None
    if stripped.startswith("[photo]"):
        # A LINE message id is digits; the runner's stand-in content API serves any id.
        return "/share_image", {"kind": "image", "media_id": str(uuid.uuid4().int)[:18]}, None
    return say, {"kind": "text"}, None


@dataclass
class Conversant:
    """One conversation with the bot: sends a message and observes the turn."""

    bot: Bot
    channel: str
    sender: str
    slots: dict[str, Any] = field(default_factory=dict)
    seen_events: int = 0
    last: Turn | None = None

    def turn(self, say: str) -> tuple[Turn, str | None]:
        text, extra, problem = message_for(say, self.last)
        metadata = {
            "channel": self.channel,
            "user_id": self.sender,
            "locale": "th",
            "event_id": uuid.uuid4().hex,
            **extra,
        }
        if self.channel == "sms" and self.bot.seal is not None:
            # The SMS gateway sends the citizen's number sealed, so the bot can offer SMS updates.
            metadata["extra"] = {"n": self.bot.seal(_sms_number(self.sender))}
        replies = self.bot.send(self.channel, self.sender, text, metadata)
        tracker = self.bot.tracker(self.sender)
        events = tracker.get("events") or []
        slots = dict(tracker.get("slots") or {})
        loop = (tracker.get("active_loop") or {}).get("name")
        turn = Turn(
            said=say if text == say else f"{say} → {text}",
            replies=replies,
            slots_before=self.slots,
            slots_after=slots,
            events=events[self.seen_events :],
            active_loop=loop,
            requested_slot=slots.get("requested_slot"),
        )
        self.slots, self.seen_events, self.last = slots, len(events), turn
        return turn, problem


def new_sender(channel: str, label: str) -> str:
    return f"{channel}:bench-{label}-{uuid.uuid4().hex[:8]}"


# -- running a set -----------------------------------------------------------------------------------
def reply_summary(turn: Turn, limit: int = 400) -> str:
    text = turn.text.replace("\n", " / ")
    if len(text) > limit:
        text = text[:limit] + "…"
    buttons = [b.title for b in turn.buttons]
    return text + (f"  [ปุ่ม: {' | '.join(buttons)}]" if buttons else "")


def run_questions(bot: Bot, questions: list[Question], channel: str, life_slot: str) -> list[dict[str, Any]]:
    rows = []
    for question in questions:
        conversant = Conversant(bot, channel, new_sender(channel, "q"))
        turn, _ = conversant.turn(question.text)
        score = score_question(turn, question.expect, life_slot)
        rows.append(
            {
                "line": question.line,
                "question": question.text,
                "expect": question.expect_raw,
                "kind": question.expect.kind,
                "at1": score.at1,
                "at3": score.at3,
                "got": score.got,
                "reply": reply_summary(turn),
            }
        )
    return rows


def run_conversation(
    bot: Bot, conversation: Conversation, life_slot: str, labels: list[str]
) -> list[dict[str, Any]]:
    conversant = Conversant(bot, conversation.channel, new_sender(conversation.channel, conversation.id))
    rows = []
    for number, spec in enumerate(conversation.turns, start=1):
        turn, problem = conversant.turn(spec.say)
        failures: list[Failure] = check_turn(turn, spec.expect, life_slot, labels)
        if problem:
            failures.insert(0, Failure("say", spec.say, problem))
        rows.append(
            {
                "turn": number,
                "say": turn.said,
                "expect": spec.expect,
                "ok": not failures,
                "failures": [asdict(f) for f in failures],
                "reply": reply_summary(turn),
                "slots": {
                    k: turn.slots_after.get(k)
                    for k in ("service_id", "service_aspect", life_slot, "requested_slot")
                },
            }
        )
    return rows


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def conversation_figures(conversations: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    turns = [t for rows in conversations.values() for t in rows]
    right = [cid for cid, rows in conversations.items() if all(t["ok"] for t in rows)]
    failed_checks = Counter(f["check"] for t in turns for f in t["failures"])
    return {
        "n": len(conversations),
        "fully_right": len(right),
        "fully_right_share": ratio(len(right), len(conversations)),
        "turns": len(turns),
        "turns_passed": sum(t["ok"] for t in turns),
        "turn_pass_rate": ratio(sum(t["ok"] for t in turns), len(turns)),
        "failed_checks": dict(failed_checks.most_common()),
    }


def summarise(
    name: str,
    questions: list[dict[str, Any]],
    conversations: dict[str, list[dict[str, Any]]],
    complaints: dict[str, list[dict[str, Any]]] | None = None,
) -> dict:
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({q["kind"] for q in questions}):
        rows = [q for q in questions if q["kind"] == kind]
        by_kind[kind] = {
            "n": len(rows),
            "recall@1": ratio(sum(q["at1"] for q in rows), len(rows)),
            "recall@3": ratio(sum(q["at3"] for q in rows), len(rows)),
        }
    return {
        "set": name,
        "questions": {
            "n": len(questions),
            "recall@1": ratio(sum(q["at1"] for q in questions), len(questions)),
            "recall@3": ratio(sum(q["at3"] for q in questions), len(questions)),
            "by_kind": by_kind,
        },
        "conversations": conversation_figures(conversations),
        "complaints": conversation_figures(complaints or {}),
    }


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def failed_turn_lines(conversations: dict[str, list[dict]]) -> list[str]:
    lines = []
    for conv_id, rows in conversations.items():
        for row in rows:
            if row["ok"]:
                continue
            lines.append(f"- **{conv_id}** turn {row['turn']}: “{row['say']}”")
            lines.append(f"  - expected: `{json.dumps(row['expect'], ensure_ascii=False)}`")
            for failure in row["failures"]:
                lines.append(f"  - failed `{failure['check']}`: {failure['why']}")
            lines.append(f"  - bot: {row['reply']}")
            lines.append(f"  - slots after: `{json.dumps(row['slots'], ensure_ascii=False)}`")
    return lines


def markdown_report(
    summary: dict,
    questions: list[dict],
    conversations: dict[str, list[dict]],
    meta: dict,
    complaints: dict[str, list[dict]] | None = None,
) -> str:
    q, c = summary["questions"], summary["conversations"]
    lines = [
        f"# Conversations benchmark: set `{summary['set']}`",
        "",
        f"{meta['when']}, model `{meta['model']}`, code {meta.get('code', '?')}, "
        f"questions over `{meta['question_channel']}`.",
        "",
        "## Single questions",
        "",
        "| expect | n | recall@1 | recall@3 |",
        "|---|---:|---:|---:|",
        f"| **all** | {q['n']} | {fmt(q['recall@1'])} | {fmt(q['recall@3'])} |",
    ]
    for kind, row in q["by_kind"].items():
        lines.append(f"| {kind} | {row['n']} | {fmt(row['recall@1'])} | {fmt(row['recall@3'])} |")
    misses = [row for row in questions if not row["at1"]]
    lines += ["", f"### Missed at 1 ({len(misses)})", ""]
    if misses:
        lines += ["| line | question | expected | bot | @3 | reply |", "|---:|---|---|---|---|---|"]
        for row in misses:
            reply = row["reply"].replace("|", "\\|")
            lines.append(
                f"| {row['line']} | {row['question']} | {row['expect']} | {row['got']} | "
                f"{'yes' if row['at3'] else 'no'} | {reply} |"
            )
    lines += [
        "",
        "## Conversations",
        "",
        f"Fully right: **{c['fully_right']} / {c['n']}** ({fmt(c['fully_right_share'])}); "
        f"turns passed {c['turns_passed']} / {c['turns']} ({fmt(c['turn_pass_rate'])}).",
        "",
        "Failed checks: " + (", ".join(f"{k} {v}" for k, v in c["failed_checks"].items()) or "none") + ".",
        "",
        "### Failed turns",
        "",
        *failed_turn_lines(conversations),
    ]
    k = summary.get("complaints") or {}
    if k.get("n"):
        lines += [
            "",
            "## Complaint and case conversations (complaints.yml)",
            "",
            f"Fully right: **{k['fully_right']} / {k['n']}** ({fmt(k['fully_right_share'])}); "
            f"turns passed {k['turns_passed']} / {k['turns']} ({fmt(k['turn_pass_rate'])}).",
            "",
            "Failed checks: "
            + (", ".join(f"{a} {b}" for a, b in k["failed_checks"].items()) or "none")
            + ".",
            "",
            "### Failed turns",
            "",
            *failed_turn_lines(complaints or {}),
        ]
    return "\n".join(lines) + "\n"


def readme_section(summaries: list[dict], meta: dict, command: str) -> str:
    lines = [
        START,
        "## Conversations: single questions and multi-turn dialogues (issue 10)",
        "",
        f"Measured by `{command}` ({meta['when']}, model `{meta['model']}`, code {meta.get('code', '?')}).",
        "The real action server and Rasa server; each question is a fresh conversation over Rasa's `line`",
        "channel, each conversation is sent turn by turn over its own channel (`line` / `web` / `sms`), and",
        "slots are read from the tracker after every turn. Checks are written in the set before running",
        "(`bench/conversations/<set>/questions.tsv`, `conversations.yml`; judge:",
        "`bench/conversations/judge.py`); every failed turn is listed in `results/conversations/<set>.md`.",
        "",
        "| set | questions | recall@1 | recall@3 | service @1 | life event @1 | out of scope @1 "
        "| conversations fully right | turns passed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summaries:
        q, c, kinds = s["questions"], s["conversations"], s["questions"]["by_kind"]

        def kind_at1(kind: str, kinds: dict = kinds) -> str:
            row = kinds.get(kind)
            return f"{fmt(row['recall@1'])} ({row['n']})" if row else "—"

        lines.append(
            f"| {s['set']} | {q['n']} | **{fmt(q['recall@1'])}** | **{fmt(q['recall@3'])}** | "
            f"{kind_at1('service')} | {kind_at1('life_event')} | {kind_at1('out_of_scope')} | "
            f"**{c['fully_right']} / {c['n']}** ({fmt(c['fully_right_share'])}) | "
            f"{c['turns_passed']} / {c['turns']} ({fmt(c['turn_pass_rate'])}) |"
        )
        k = s.get("complaints") or {}
        if k.get("n"):
            lines.append(
                f"| {s['set']} complaints | — | — | — | — | — | — | "
                f"**{k['fully_right']} / {k['n']}** ({fmt(k['fully_right_share'])}) | "
                f"{k['turns_passed']} / {k['turns']} ({fmt(k['turn_pass_rate'])}) |"
            )
    lines += [
        "",
        "Targets (issue 10, on the independent `citizen` set): recall@1 >= 0.92 and recall@3 >= 0.98 on",
        ">= 200 questions; >= 90% of >= 60 conversations fully right. `authors` is the project's own",
        "development set (written by the developers, so expect it to read higher than real citizens).",
        END,
    ]
    return "\n".join(lines)


def write_readme(section: str) -> None:
    text = README.read_text("utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    README.write_text(text, "utf-8")


def check_ids(evalset: EvalSet) -> list[str]:
    services, events = referenced_ids(evalset)
    known = seed_service_ids()
    problems = [f"unknown service id {s}" for s in sorted(services - known)]
    problems += [f"unknown life event id {e}" for e in sorted(events - set(EVENT_IDS))]
    return problems


# -- servers -----------------------------------------------------------------------------------------
# What a `[photo]` turn's image is: the smallest bytes the photo checks take as a JPEG.
BENCH_PHOTO = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


class PhotoContent:
    """A stand-in for LINE's content API on loopback, so a `[photo]` turn is fetched and kept as on
    LINE (the action server downloads the image by its message id)."""

    def __init__(self) -> None:
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not self.path.endswith("/content"):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(BENCH_PHOTO)))
                self.end_headers()
                self.wfile.write(BENCH_PHOTO)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _privacy_keys() -> Any:
    """Fresh PERSONAL_DATA_KEYS for the action server, so the runner can sign identities as the gateway
    does; None in a checkout without privacy settings."""
    try:
        from privacy import PrivacySettings

        return PrivacySettings.generate()
    except (ImportError, AttributeError):
        return None


def _sms_number(sender: str) -> str:
    """A Thai mobile number of the bench's own for an SMS conversation (081 and 7 digits of its id)."""
    return "+6681" + str(int(uuid.uuid5(uuid.NAMESPACE_URL, sender).hex, 16))[-7:]


def _sealer(privacy: Any) -> Any:
    """Sealing as the SMS gateway does it (privacy.PersonalData), where the project has it."""
    if privacy is None:
        return None
    try:
        from privacy import PersonalData
    except ImportError:
        return None
    return PersonalData(privacy).seal


def _signer(privacy: Any) -> Any:
    """The gateway's identity signature (privacy/identity.py), where the project has one."""
    if privacy is None:
        return None
    try:
        from privacy.identity import GatewayIdentity
    except ImportError:
        return None
    return GatewayIdentity(privacy).sign


class Servers:
    def __init__(self, workdir: Path, model: Path) -> None:
        self.workdir = workdir
        self.model = model
        action_port = free_port()
        self.actions = action_server(workdir, action_port, f"sqlite:///{workdir / 'govbot.db'}")
        self.photos = PhotoContent()
        self.privacy = _privacy_keys()
        self.actions.env.update(
            {
                **(self.privacy.to_environ() if self.privacy is not None else {}),
                "CASES_SECRET_KEY": secrets.token_hex(32),
                "CASES_PHOTO_DIR": str(workdir / "photos"),
                "LINE_DATA_API_BASE": self.photos.base,
                "LINE_CHANNEL_ACCESS_TOKEN": "bench-" + secrets.token_hex(8),
            }
        )
        self.port = free_port()
        env = {"RASA_TRACKER_DB": str(workdir / "tracker.db")}
        self.rasa: ManagedProcess = rasa_server(
            workdir, self.port, action_port, "bot/endpoints.yml", model, env
        )

    def start(self) -> Bot:
        self.photos.start()
        self.actions.start(ACTIONS_START_TIMEOUT)
        self.rasa.start(RASA_START_TIMEOUT)
        return Bot(
            f"http://127.0.0.1:{self.port}",
            self.rasa.env["GATEWAY_RASA_TOKEN"],
            self.rasa.env.get("RASA_AUTH_TOKEN", ""),
            _signer(self.privacy),
            _sealer(self.privacy),
        )

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()
        self.photos.stop()


def evaluate(
    bot: Bot, evalset: EvalSet, question_channel: str, life_slot: str, labels: list[str], quiet: bool = False
) -> tuple[list[dict], dict[str, list[dict]], dict[str, list[dict]]]:
    started = time.monotonic()
    questions = run_questions(bot, list(evalset.questions), question_channel, life_slot)
    conversations = {}
    for conversation in evalset.conversations:
        conversations[conversation.id] = run_conversation(bot, conversation, life_slot, labels)
    complaints = {}
    for conversation in evalset.complaints:
        complaints[conversation.id] = run_conversation(bot, conversation, life_slot, labels)
    if not quiet:
        print(
            f"{evalset.name}: {len(questions)} questions, {len(conversations)} conversations, "
            f"{len(complaints)} complaint conversations in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )
    return questions, conversations, complaints


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--set", dest="sets", action="append", required=True, help="set directory (repeatable)"
    )
    parser.add_argument("--write", action="store_true", help="update the section in bench/README.md")
    parser.add_argument("--question-channel", default="line", choices=("line", "web", "sms", "rest"))
    parser.add_argument("--life-event-slot", default="life_event")
    parser.add_argument("--rasa-url", help="use a running Rasa (with --enable-api) instead of starting one")
    parser.add_argument("--token", default=os.environ.get("GATEWAY_RASA_TOKEN", ""), help="with --rasa-url")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--complaints-only", action="store_true", help="run only each set's complaints.yml (quick check)"
    )
    args = parser.parse_args(argv)

    evalsets = [load_set(Path(s)) for s in args.sets]
    if args.complaints_only:
        evalsets = [EvalSet(e.name, e.path, (), (), e.complaints) for e in evalsets]
    for evalset in evalsets:
        for problem in check_ids(evalset):
            print(f"warning: {evalset.name}: {problem}", file=sys.stderr)
    labels = complaint_labels()
    model_name = "(running server)"
    servers: Servers | None = None
    workdir = tempfile.TemporaryDirectory(prefix="bench-conversations-")
    try:
        if args.rasa_url:
            bot = Bot(args.rasa_url.rstrip("/"), args.token, os.environ.get("RASA_AUTH_TOKEN", ""))
        else:
            model = newest_model()
            model_name = model.name
            servers = Servers(Path(workdir.name), model)
            print(f"starting action server and Rasa ({model.name}) ...", file=sys.stderr)
            bot = servers.start()
        when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        meta = {
            "when": when,
            "model": model_name,
            "code": code_state(),
            "question_channel": args.question_channel,
        }
        summaries = []
        args.out.mkdir(parents=True, exist_ok=True)
        for evalset in evalsets:
            questions, conversations, complaints = evaluate(
                bot, evalset, args.question_channel, args.life_event_slot, labels
            )
            summary = summarise(evalset.name, questions, conversations, complaints)
            summaries.append(summary)
            report = markdown_report(summary, questions, conversations, meta, complaints)
            (args.out / f"{evalset.name}.md").write_text(report, "utf-8")
            detail = {
                "meta": meta,
                "summary": summary,
                "questions": questions,
                "conversations": conversations,
                "complaints": complaints,
            }
            (args.out / f"{evalset.name}.json").write_text(
                json.dumps(detail, ensure_ascii=False, indent=1), "utf-8"
            )
            print_summary(summary)
            print(f"report: {args.out / (evalset.name + '.md')}")
    except Exception:
        if servers is not None:
            print("--- action server log ---\n" + servers.actions.log_tail(), file=sys.stderr)
            print("--- Rasa log ---\n" + servers.rasa.log_tail(), file=sys.stderr)
        raise
    finally:
        if servers is not None:
            servers.stop()
        workdir.cleanup()
    if args.write:
        command = (
            ".venv/bin/python -m bench.conversations.run "
            + " ".join(f"--set {Path(s).as_posix()}" for s in args.sets)
            + " --write"
        )
        write_readme(readme_section(summaries, meta, command))
        print(f"updated {README}")
    return 0


def print_summary(summary: dict) -> None:
    q, c = summary["questions"], summary["conversations"]
    print(f"== {summary['set']} ==")
    print(f"questions {q['n']}: recall@1 {fmt(q['recall@1'])}  recall@3 {fmt(q['recall@3'])}")
    for kind, row in q["by_kind"].items():
        print(f"  {kind:<13} n={row['n']:<4} @1 {fmt(row['recall@1'])}  @3 {fmt(row['recall@3'])}")
    print(
        f"conversations {c['n']}: fully right {c['fully_right']} ({fmt(c['fully_right_share'])}); "
        f"turns {c['turns_passed']}/{c['turns']} ({fmt(c['turn_pass_rate'])})"
    )
    if c["failed_checks"]:
        print("  failed checks: " + ", ".join(f"{k} {v}" for k, v in c["failed_checks"].items()))
    k = summary.get("complaints") or {}
    if k.get("n"):
        print(
            f"complaint conversations {k['n']}: fully right {k['fully_right']} "
            f"({fmt(k['fully_right_share'])}); "
            f"turns {k['turns_passed']}/{k['turns']} ({fmt(k['turn_pass_rate'])})"
        )
        if k["failed_checks"]:
            print("  failed checks: " + ", ".join(f"{a} {b}" for a, b in k["failed_checks"].items()))


if __name__ == "__main__":
    raise SystemExit(main())
