"""A worker process killed (``kill -9``) mid-tool-batch, mid-model-stream and mid-submit;
another process recovers its run. Nothing finished runs twice, nothing acknowledged is lost.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from pathlib import Path

from agentkit import Runner
from agentkit.records import Run, ToolCallsStepDetails
from agentkit.stores import SQLiteStore
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall

from .agents import (
    STREAMED_ANSWER,
    approval_agent,
    batch_agent,
    effects,
    fake_client,
    stream_agent,
)
from .conftest import Worker, integrity_ok

INTERRUPTED = "interrupted"


async def tool_calls(runner: Runner, run_id: str) -> dict[str, tuple[str, str | None]]:
    """Every tool call of the run: output and error code, by call id."""
    found = {}
    for step in await runner.store.list_steps(run_id):
        if isinstance(step.step_details, ToolCallsStepDetails):
            for call in step.step_details.tool_calls:
                code = call.error.code if call.error else None
                found[call.id] = (call.function.output or "", code)
    return found


async def recover_run(runner: Runner, agent: object, run_id: str, deps: Path) -> Run:
    await runner.recover([agent], deps=deps)  # type: ignore[list-item]
    return await runner.store.get_run(run_id)


async def test_killed_mid_tool_batch_no_finished_call_runs_twice(tmp_path: Path) -> None:
    rng = random.Random(16_1)
    for attempt in range(3):
        db, side = tmp_path / f"{attempt}.db", tmp_path / f"{attempt}.txt"
        worker = await Worker.start("batch", str(db), str(side))
        try:
            run_id = (await worker.until("RUN")).split()[1]
            await worker.until("TOOLS")
            await asyncio.sleep(rng.uniform(0.0, 0.3))
        finally:
            await worker.kill()
        lines = await worker.rest()
        finished = {line.split()[1] for line in lines if line.startswith("FINISHED")}
        async with Runner(SQLiteStore(db)) as runner:
            run = await recover_run(runner, batch_agent(), run_id, side)
            calls = await tool_calls(runner, run_id)
            messages = await runner.store.list_messages(run.thread_id)
        ran = Counter(line.split()[1] for line in effects(side))
        context = f"attempt {attempt}: {lines}, ran {ran}, calls {calls}"
        assert not any(line.startswith("END") for line in lines), context  # killed mid-run
        assert run.status == "completed", context
        assert [m.role for m in messages] == ["user", "assistant"], context
        for call_id in finished:  # finished before the kill: kept, never run again
            assert ran[call_id] == 1 and calls[call_id][1] is None, context
        for call_id, (output, code) in calls.items():
            if call_id.startswith("call_send"):
                assert ran[call_id] <= 1, context
                assert code == INTERRUPTED or (output.startswith("sent") and ran[call_id] == 1)
            else:  # idempotent: run again if it was in flight
                assert (output, code) == ("4 recipients", None), context
                assert 1 <= ran[call_id] <= 2, context
        integrity_ok(db)


def slow_answers(request: FakeRequest) -> FakeReply:
    if not request.tool_outputs():
        return FakeReply.calls(FakeToolCall("send", {"i": 0}, call_id="call_send_0"))
    return FakeReply(text=STREAMED_ANSWER, chunk_size=8, event_delay=0.015)


async def test_killed_mid_model_stream_the_answer_is_written_once(tmp_path: Path) -> None:
    rng = random.Random(16_2)
    fake = FakeOpenAI(slow_answers)
    async with fake.serve() as url:
        for attempt in range(2):
            db, side = tmp_path / f"{attempt}.db", tmp_path / f"{attempt}.txt"
            worker = await Worker.start("stream", str(db), str(side), url)
            try:
                run_id = (await worker.until("RUN")).split()[1]
                await worker.until("DELTA")
                await asyncio.sleep(rng.uniform(0.0, 0.4))
            finally:
                await worker.kill()
            assert not any(line.startswith("END") for line in await worker.rest())
            async with Runner(SQLiteStore(db)) as runner, fake_client(url) as client:
                run = await recover_run(runner, stream_agent(client), run_id, side)
                messages = await runner.store.list_messages(run.thread_id)
            assert run.status == "completed", f"attempt {attempt}"
            assert [(m.role, m.text) for m in messages] == [
                ("user", "go"),
                ("assistant", STREAMED_ANSWER),
            ]
            assert effects(side) == ["send call_send_0"]
            integrity_ok(db)


async def test_killed_mid_submit_an_acknowledged_submit_takes_effect(tmp_path: Path) -> None:
    rng = random.Random(16_3)
    for attempt in range(4):
        db, side = tmp_path / f"{attempt}.db", tmp_path / f"{attempt}.txt"
        async with Runner(SQLiteStore(db)) as runner:
            paused = await runner.run(approval_agent(), "may I?", deps=side)
        assert paused.status == "requires_action"
        worker = await Worker.start("submit", str(db), str(side), paused.run.id)
        try:
            await worker.until("SUBMITTING")
            await asyncio.sleep(rng.uniform(0.0, 0.25))
        finally:
            await worker.kill()
            lines = await worker.rest()
        acknowledged = any(line.startswith("RUN") for line in lines)
        async with Runner(SQLiteStore(db)) as runner:
            run = await recover_run(runner, approval_agent(), paused.run.id, side)
            if run.status == "requires_action":
                assert not acknowledged, f"attempt {attempt}: an acknowledged submit was lost"
                run = (
                    await runner.submit_tool_outputs(
                        approval_agent(), run.id, {"call_approve": "yes"}, deps=side
                    )
                ).run
            calls = await tool_calls(runner, run.id)
            [*_, answer] = await runner.store.list_messages(run.thread_id)
        assert run.status == "completed", f"attempt {attempt}: {lines}"
        assert calls["call_approve"] == ("yes", None)
        assert answer.text.startswith("Approved (yes), then ")
        sent = effects(side).count("send call_send_after")
        assert sent <= 1 and (sent == 1 or calls["call_send_after"][1] == INTERRUPTED)
        integrity_ok(db)
