"""Message round trip over Rasa's REST channel, and the time to train the full model.

    .venv/bin/python -m bench.rest_roundtrip [--messages 300] [--train] [--write]

Starts Rasa (newest model in models/, the default SQLite tracker store of bot/endpoints.yml) on a
free loopback port and sends a greeting, which needs no custom action, N times over one keep-alive
connection. The baseline, measured in the same run and the same way, is `GET /` on the same Rasa
server: the HTTP floor of Rasa's own web stack. `--train` also times `rasa train --force` of the
full model into a temporary directory. `--write` puts the figures into bench/README.md between the
dialogue markers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import base_env, free_port, newest_model, rasa_server  # noqa: E402

from bench.readme import write_section  # noqa: E402

README = ROOT / "bench" / "README.md"
START, END = "<!-- dialogue:start -->", "<!-- dialogue:end -->"
TARGET_P50_MS = 20.0
TARGET_TRAIN_S = 180.0
MESSAGE = "สวัสดีค่ะ"
SENDERS = 50  # conversations rotate so no tracker grows unrealistically long


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def timed_requests(port: int, count: int, method: str, path: str, body_for) -> list[float]:  # type: ignore[no-untyped-def]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples: list[float] = []
    try:
        for i in range(count):
            body = body_for(i)
            headers = {"Content-Type": "application/json"} if body else {}
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            samples.append((time.perf_counter() - start) * 1000.0)
            if response.status != 200:
                raise RuntimeError(f"{method} {path} -> {response.status}: {payload[:200]!r}")
    finally:
        conn.close()
    return samples


def greeting(i: int) -> bytes:
    return json.dumps({"sender": f"bench-{i % SENDERS}", "message": MESSAGE}).encode("utf-8")


def parse_body(_: int) -> bytes:
    return json.dumps({"text": MESSAGE}).encode("utf-8")


def measure_roundtrip(messages: int) -> dict[str, float]:
    model = newest_model()
    with tempfile.TemporaryDirectory(prefix="bench-dialogue-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        env = {"RASA_TRACKER_DB": str(workdir / "tracker.db")}
        rasa = rasa_server(workdir, port, free_port(), "bot/endpoints.yml", model, env)
        rasa.start(240)
        try:
            first = timed_requests(port, 1, "POST", "/webhooks/rest/webhook", greeting)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/webhooks/rest/webhook", body=greeting(0), headers={})
            reply = json.loads(conn.getresponse().read())
            conn.close()
            if not reply or not reply[0].get("text"):
                raise RuntimeError(f"the greeting got no answer: {reply}")
            timed_requests(port, 30, "POST", "/webhooks/rest/webhook", greeting)  # warm-up
            timed_requests(port, 30, "GET", "/", lambda _: None)
            base = timed_requests(port, messages, "GET", "/", lambda _: None)
            # Rasa's HTTP API needs the token (dialogue_servers starts Rasa with RASA_AUTH_TOKEN).
            parse_path = "/model/parse?token=" + urllib.parse.quote(rasa.env["RASA_AUTH_TOKEN"])
            parse = timed_requests(port, messages, "POST", parse_path, parse_body)
            msg = timed_requests(port, messages, "POST", "/webhooks/rest/webhook", greeting)
        finally:
            rasa.stop()
    return {
        "load": os.getloadavg()[0],
        "model": model.name,
        "messages": messages,
        "first_ms": first[0],
        "msg_p50": statistics.median(msg),
        "msg_p95": percentile(msg, 0.95),
        "msg_mean": statistics.fmean(msg),
        "parse_p50": statistics.median(parse),
        "parse_p95": percentile(parse, 0.95),
        "base_p50": statistics.median(base),
        "base_p95": percentile(base, 0.95),
    }


def measure_training() -> float:
    with tempfile.TemporaryDirectory(prefix="bench-train-") as out:
        start = time.perf_counter()
        subprocess.run(
            [
                str(ROOT / ".venv-rasa/bin/rasa"),
                "train",
                "--config",
                "config.yml",
                "--domain",
                "bot/domain",
                "--data",
                "bot/data",
                "--out",
                out,
                "--force",
                "--quiet",
            ],
            cwd=ROOT,
            env=base_env({}),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - start


def render(result: dict[str, float], train_s: float | None) -> str:
    ratio = result["msg_p50"] / result["base_p50"] if result["base_p50"] else float("nan")
    ok = "met" if result["msg_p50"] < TARGET_P50_MS else "NOT met"
    lines = [
        START,
        "## Dialogue",
        "",
        "Measured by `.venv/bin/python -m bench.rest_roundtrip --train --write` "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, this 2-core machine, shared: "
        f"1-minute load average {result['load']:.1f} at the end of the run).",
        "",
        f"Message round trip over Rasa's REST channel, greeting (no custom action), "
        f"{int(result['messages'])} messages on one keep-alive connection, SQLite tracker store with "
        f"masking, model `{result['model']}`:",
        "",
        "| | p50 ms | p95 ms |",
        "|---|---:|---:|",
        f"| REST message round trip, Thai text `{MESSAGE}` | {result['msg_p50']:.1f} "
        f"| {result['msg_p95']:.1f} |",
        f"| NLU alone: `POST /model/parse` of the same text | {result['parse_p50']:.1f} "
        f"| {result['parse_p95']:.1f} |",
        f"| baseline: `GET /` on the same Rasa server | {result['base_p50']:.1f} "
        f"| {result['base_p95']:.1f} |",
        "",
        f"Dialogue share (message p50 minus NLU p50: policies, tracker store, HTTP): "
        f"{result['msg_p50'] - result['parse_p50']:.1f} ms. "
        f"Ratio message/baseline p50: {ratio:.1f}x. Target p50 < {TARGET_P50_MS:.0f} ms: **{ok}** "
        f"(mean {result['msg_mean']:.1f} ms; the first message of a cold server took "
        f"{result['first_ms']:.0f} ms).",
    ]
    if train_s is not None:
        train_ok = "met" if train_s < TARGET_TRAIN_S else "NOT met"
        lines += [
            "",
            f"Training the full model (`rasa train --force`, config.yml pipeline and policies): "
            f"{train_s:.0f} s; target under {TARGET_TRAIN_S:.0f} s: **{train_ok}**.",
        ]
    lines.append(END)
    return "\n".join(lines)


def write_readme(section: str) -> None:
    write_section("dialogue", section, README)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--train", action="store_true", help="also time a full `rasa train`")
    parser.add_argument("--write", action="store_true", help="write the figures into bench/README.md")
    args = parser.parse_args()
    result = measure_roundtrip(args.messages)
    train_s = measure_training() if args.train else None
    section = render(result, train_s)
    print(section)
    if args.write:
        write_readme(section)


if __name__ == "__main__":
    main()
