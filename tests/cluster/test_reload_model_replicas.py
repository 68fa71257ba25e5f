"""`make reload-model` on `make cluster` swaps every Rasa replica, each asked directly (through HAProxy
only one would swap and the others would go on answering with the old model); a cluster that was
killed (its files left behind) does not hide the single Rasa of `make run`.

The Rasa servers are small fakes of the three calls scripts/reload_model.py makes (GET /, GET /status,
PUT /model), on loopback; the real swap is tests/e2e/test_model_reload_e2e.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "t0ken"  # a test value


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reload_model", ROOT / "scripts" / "reload_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeRasa(ThreadingHTTPServer):
    def __init__(self, model: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.model = model
        self.puts: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeRasa

    def log_message(self, *args: Any) -> None:
        return None

    def _send(self, status: int, body: Any = None) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _authorised(self) -> bool:
        return self.path.endswith(f"?token={TOKEN}")

    def do_GET(self) -> None:
        if self.path == "/":
            self._send(200, "Hello from Rasa")
        elif self.path.startswith("/status") and self._authorised():
            self._send(200, {"model_file": self.server.model})
        else:
            self._send(401, {"message": "no"})

    def do_PUT(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if not (self.path.startswith("/model") and self._authorised()):
            self._send(401, {"message": "no"})
            return
        self.server.puts.append(body["model_file"])
        self.server.model = body["model_file"]
        self._send(204)


@pytest.fixture
def rasas() -> Iterator[list[FakeRasa]]:
    servers = [FakeRasa("models/old.tar.gz") for _ in range(3)]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def _running_cluster(directory: Path, urls: list[str], haproxy_pid: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pids.json").write_text(json.dumps({"haproxy": haproxy_pid, "rasa-1": 1, "rasa-2": 2}))
    (directory / "rasa-urls").write_text("".join(u + "\n" for u in urls))


def test_every_replica_of_a_running_cluster_is_reloaded(rasas: list[FakeRasa], tmp_path: Path) -> None:
    single, *replicas = rasas
    model = tmp_path / "govbot-new.tar.gz"
    model.write_bytes(b"model")
    cluster = tmp_path / "cluster"
    # Our own pid stands for the cluster's live HAProxy.
    _running_cluster(cluster, [r.url for r in replicas], os.getpid())
    env = {"CLUSTER_DIR": str(cluster), "RASA_AUTH_TOKEN": TOKEN, "RASA_URL": single.url}
    assert _script().main(["--model", str(model)], env) == 0
    assert [r.puts for r in replicas] == [[str(model.resolve())]] * 2
    assert single.puts == []  # the cluster's replicas, not RASA_URL (HAProxy in the cluster)

    # Again: both already serve it, nothing loaded twice.
    assert _script().main(["--model", str(model)], env) == 0
    assert [len(r.puts) for r in replicas] == [1, 1]


def test_a_replica_that_refuses_fails_the_reload_and_the_others_still_swap(
    rasas: list[FakeRasa], tmp_path: Path
) -> None:
    model = tmp_path / "govbot-new.tar.gz"
    model.write_bytes(b"model")
    env = {"RASA_URLS": ",".join(r.url for r in rasas), "RASA_AUTH_TOKEN": TOKEN}
    first = rasas[0]  # cannot load the model: answers 400
    first.RequestHandlerClass = type("Refusing", (_Handler,), {"do_PUT": lambda self: self._send(400, {})})
    assert _script().main(["--model", str(model)], env) == 1
    assert first.puts == [] and first.model == "models/old.tar.gz"
    assert [r.puts for r in rasas[1:]] == [[str(model.resolve())]] * 2


def test_a_killed_clusters_leftover_files_do_not_hide_make_runs_rasa(
    rasas: list[FakeRasa], tmp_path: Path
) -> None:
    single, *replicas = rasas
    model = tmp_path / "govbot-new.tar.gz"
    model.write_bytes(b"model")
    cluster = tmp_path / "cluster"
    gone = subprocess.Popen(["true"])  # a pid that no longer runs: HAProxy of a SIGKILLed cluster
    gone.wait()
    _running_cluster(cluster, [r.url for r in replicas], gone.pid)
    env = {"CLUSTER_DIR": str(cluster), "RASA_AUTH_TOKEN": TOKEN, "RASA_URL": single.url}
    assert _script().main(["--model", str(model)], env) == 0
    assert single.puts == [str(model.resolve())]
    assert [r.puts for r in replicas] == [[], []]
