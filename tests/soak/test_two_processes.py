"""Soak: two processes share one SQLite file; every paused run is resumed exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from agentkit.stores import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("AGENTKIT_SOAK_PROCESS_RUNS", "150"))


async def _process(role: str, db: Path) -> dict[str, int]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.soak.two_processes", role, str(db), str(RUNS),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=300)
    assert process.returncode == 0, stderr.decode()[-2000:]
    outcome: dict[str, int] = json.loads(stdout.decode().strip().splitlines()[-1])
    return outcome


@pytest.mark.slow
@pytest.mark.timeout(400)
async def test_runs_paused_by_one_process_are_resumed_once_by_either(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    pauser, answerer = await asyncio.gather(_process("pause", db), _process("answer", db))
    assert pauser["won"] + answerer["won"] == RUNS
    async with SQLiteStore(db) as store:
        assert await store.active_runs() == []
        threads = await store.list_threads(limit=10_000)
        assert len(threads) == RUNS
        for thread in threads:
            [run] = await store.list_runs(thread.id)
            assert run.status == "completed"
            messages = await store.list_messages(thread.id)
            assert [m.role for m in messages] == ["user", "assistant"]
            assert messages[1].text in ("approved by pauser", "approved by answerer")
            steps = await store.list_steps(run.id)
            assert [(s.type, s.status) for s in steps] == [
                ("tool_calls", "completed"),
                ("message_creation", "completed"),
            ]
