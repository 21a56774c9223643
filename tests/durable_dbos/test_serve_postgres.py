"""``agentkit serve --database postgresql://...``: two serve processes over one database serve
the same threads, and a paused run whose process was killed is resumed through the other."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest

from tests.leak_watch import secret

AGENTKIT = str(Path(sys.executable).with_name("agentkit"))
KEY = secret("sk-serve-postgres")
HEADERS = {"Authorization": f"Bearer {KEY}", "OpenAI-Beta": "assistants=v2"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Serve:
    """One ``agentkit serve`` process on the test database."""

    def __init__(self, url: str, name: str, log: Path, files_dir: Path) -> None:
        self.name = name
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/v1"
        self._log = log.open("ab")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "AZURE"))}
        env["AGENTKIT_API_KEYS"] = f"{KEY}=team"
        self.process = subprocess.Popen(
            [
                *(AGENTKIT, "serve", "--database", url, "--port", str(self.port), "--offline"),
                *("--files-dir", str(files_dir)),
            ],
            stdout=self._log,
            stderr=self._log,
            env=env,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx2.get(f"{self.base}/assistants", headers=HEADERS).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            assert time.monotonic() < deadline, f"serve {name} did not start"
            time.sleep(0.1)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx2.request(method, self.base + path, json=body, headers=HEADERS, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@pytest.fixture
def two_serves(dbos_url: str, tmp_path: Path) -> Iterator[tuple[Serve, Serve]]:
    # One shared files directory, as on several machines with a shared volume.
    first = Serve(dbos_url, "a", tmp_path / "a.log", tmp_path / "files")
    second = Serve(dbos_url, "b", tmp_path / "b.log", tmp_path / "files")
    yield first, second
    first.stop()
    second.stop()


def _until_status(serve: Serve, path: str, statuses: set[str]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while (run := serve.call("GET", path))["status"] not in statuses:
        assert time.monotonic() < deadline, f"run stayed {run['status']}"
        time.sleep(0.1)
    return dict(run)


def _driver_of(url: str, run_id: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT executor_id FROM dbos.workflow_status WHERE workflow_uuid = %s", (run_id,)
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_two_serve_processes_serve_the_same_threads_and_survive_a_kill(
    two_serves: tuple[Serve, Serve], dbos_url: str
) -> None:
    a, b = two_serves
    tool = {
        "type": "function",
        "function": {
            "name": "lookup",
            "parameters": {"type": "object", "properties": {"key": {"type": "string"}}},
        },
    }
    assistant = a.call("POST", "/assistants", {"model": "gpt-test", "tools": [tool]})
    thread = b.call("POST", "/threads", {"messages": [{"role": "user", "content": "find x"}]})
    run = a.call("POST", f"/threads/{thread['id']}/runs", {"assistant_id": assistant["id"]})
    path = f"/threads/{thread['id']}/runs/{run['id']}"

    paused = _until_status(b, path, {"requires_action"})
    # The process whose worker holds the paused run dies; the other one resumes it.
    pid_of = {a.process.pid: a, b.process.pid: b}
    holder = next(s for pid, s in pid_of.items() if f":{pid}:" in _driver_of(dbos_url, run["id"]))
    survivor = b if holder is a else a
    holder.kill()
    calls = paused["required_action"]["submit_tool_outputs"]["tool_calls"]
    outputs = [{"tool_call_id": c["id"], "output": "x is 42"} for c in calls]
    survivor.call("POST", path + "/submit_tool_outputs", {"tool_outputs": outputs})

    done = _until_status(survivor, path, {"completed", "failed", "cancelled", "expired"})
    assert done["status"] == "completed"
    messages = survivor.call("GET", f"/threads/{thread['id']}/messages?order=asc")["data"]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert "x is 42" in messages[-1]["content"][0]["text"]["value"]


def test_files_go_through_any_serve_process_and_vector_stores_are_refused_clearly(
    two_serves: tuple[Serve, Serve],
) -> None:
    a, b = two_serves
    upload = httpx2.post(
        a.base + "/files",
        headers=HEADERS,
        data={"purpose": "assistants"},
        files={"file": ("sales.csv", b"month,total\n1,10\n", "text/csv")},
    )
    assert upload.status_code == 200, upload.text
    file_id = upload.json()["id"]

    assert [f["id"] for f in b.call("GET", "/files")["data"]] == [file_id]
    content = httpx2.get(f"{b.base}/files/{file_id}/content", headers=HEADERS)
    assert content.content == b"month,total\n1,10\n"
    assert b.call("DELETE", f"/files/{file_id}")["deleted"] is True
    missing = httpx2.get(f"{a.base}/files/{file_id}", headers=HEADERS)
    assert missing.status_code == 404
    # Vector stores need SQLite: a clear 501, not a crash.
    refused = httpx2.post(f"{a.base}/vector_stores", headers=HEADERS, json={"name": "kb"})
    assert refused.status_code == 501
    assert "SQLite" in refused.json()["error"]["message"]
