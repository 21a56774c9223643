"""``agentkit serve`` on SQLite killed (``kill -9``) mid-model-stream and after an
acknowledged ``submit_tool_outputs``: restarted, it continues every run."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2

from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall
from tests.leak_watch import secret

from .agents import STREAMED_ANSWER
from .conftest import integrity_ok

AGENTKIT = str(Path(sys.executable).with_name("agentkit"))
CLIENT_KEY = secret("sk-durability-client")
UPSTREAM_KEY = secret("sk-durability-upstream")
APPROVE = {
    "type": "function",
    "function": {"name": "approve", "parameters": {"type": "object", "properties": {}}},
}


class Upstream:
    """The model: calls ``approve`` (taking 0.4 s), then streams its answer (about 0.5 s)."""

    def __init__(self) -> None:
        self.fake = FakeOpenAI(self.answer)
        self.follow_up = asyncio.Event()

    def answer(self, request: FakeRequest) -> FakeReply:
        if not request.tool_outputs():
            return FakeReply.calls(FakeToolCall("approve", {}), delay=0.4)
        self.follow_up.set()
        return FakeReply(text=STREAMED_ANSWER, chunk_size=8, event_delay=0.015)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Serve:
    """``agentkit serve`` in its own process, on one database and one upstream."""

    def __init__(self, db: Path, upstream: str) -> None:
        self.db, self.upstream = db, upstream
        self.process: asyncio.subprocess.Process | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[httpx2.AsyncClient]:
        port = free_port()
        env = {
            **os.environ,
            "AGENTKIT_API_KEYS": f"{CLIENT_KEY}=alpha",
            "AGENTKIT_UPSTREAM_API_KEY": UPSTREAM_KEY,
        }
        command = ["serve", "--db", str(self.db), "--port", str(port), "--upstream", self.upstream]
        self.process = await asyncio.create_subprocess_exec(
            AGENTKIT,
            *command,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        headers = {"Authorization": f"Bearer {CLIENT_KEY}"}
        base = f"http://127.0.0.1:{port}/v1"
        async with httpx2.AsyncClient(base_url=base, headers=headers, timeout=10) as http:
            try:
                await self._until_up(http)
                yield http
            finally:
                await self.kill()

    async def _until_up(self, http: httpx2.AsyncClient) -> None:
        async with asyncio.timeout(30):
            while True:
                try:
                    if (await http.get("/assistants")).status_code == 200:
                        return
                except httpx2.TransportError:
                    await asyncio.sleep(0.05)

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            os.kill(self.process.pid, signal.SIGKILL)
            await self.process.wait()


async def run_until(http: httpx2.AsyncClient, path: str, statuses: set[str]) -> dict[str, Any]:
    async with asyncio.timeout(20):
        while True:
            run: dict[str, Any] = (await http.get(path)).json()
            if run["status"] in statuses:
                return run
            await asyncio.sleep(0.02)


async def test_serve_killed_twice_continues_the_run_after_each_restart(tmp_path: Path) -> None:
    rng = random.Random(16_5)
    model = Upstream()
    async with model.fake.serve() as upstream:
        for attempt in range(2):
            db = tmp_path / f"{attempt}.db"
            serve = Serve(db, upstream)
            model.follow_up.clear()
            async with serve.running() as http:
                assistant = (
                    await http.post("/assistants", json={"model": "gpt-test", "tools": [APPROVE]})
                ).json()
                body = {
                    "assistant_id": assistant["id"],
                    "thread": {"messages": [{"role": "user", "content": "may I?"}]},
                }
                created = (await http.post("/threads/runs", json=body)).json()
                path = f"/threads/{created['thread_id']}/runs/{created['id']}"
                await asyncio.sleep(rng.uniform(0.05, 0.3))  # the first model call takes 0.4 s
            async with serve.running() as http:  # restarted: continues the run
                paused = await run_until(http, path, {"requires_action", "failed", "expired"})
                assert paused["status"] == "requires_action", paused
                [call] = paused["required_action"]["submit_tool_outputs"]["tool_calls"]
                outputs = {"tool_outputs": [{"tool_call_id": call["id"], "output": "yes"}]}
                submitted = await http.post(f"{path}/submit_tool_outputs", json=outputs)
                assert submitted.status_code == 200  # acknowledged
                await asyncio.wait_for(model.follow_up.wait(), 20)
                await asyncio.sleep(rng.uniform(0.0, 0.3))  # mid-stream: it lasts about 0.5 s
            async with serve.running() as http:
                ended = await run_until(http, path, {"completed", "failed", "expired", "cancelled"})
                messages = (
                    await http.get(f"/threads/{created['thread_id']}/messages?order=asc")
                ).json()
            assert ended["status"] == "completed", ended
            texts = [(m["role"], m["content"][0]["text"]["value"]) for m in messages["data"]]
            assert texts == [("user", "may I?"), ("assistant", STREAMED_ANSWER)]
            assert model.fake.requests[-1].tool_outputs() == {call["id"]: "yes"}
            integrity_ok(db)
