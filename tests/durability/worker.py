"""A process that drives one run on a SQLite file until it ends or the test kills it.

Usage: ``python -m tests.durability.worker SCENARIO DB EFFECTS [ARG]``. It prints, one a line
and flushed: ``RUN <run_id>`` once the run exists, the scenario's marker, ``FINISHED
<call_id>`` for every tool call that finished (the event comes after the engine recorded the
outcome), and ``END <status>`` when the run ends or pauses. Scenarios:

- ``batch``: `batch_agent`; ``TOOLS`` when the parallel tool batch starts.
- ``stream URL``: `stream_agent` against a FakeOpenAI at URL; ``DELTA`` at the first text.
- ``submit RUN_ID``: submits ``{"call_approve": "yes"}`` to the paused run of
  `approval_agent`; ``SUBMITTING`` just before; its ``RUN`` line is the acknowledgement
  (printed once the resume is recorded).
- ``job``: `job_agent`, lease heartbeat 0.2 s; ``TOOLS`` when the first piece starts.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator
from pathlib import Path

from agentkit import Runner
from agentkit.events import (
    RunEvent,
    RunStatusEvent,
    TextDeltaEvent,
    ToolCallFinishedEvent,
    ToolCallStartedEvent,
)
from agentkit.stores import SQLiteStore

from .agents import approval_agent, batch_agent, fake_client, job_agent, stream_agent


def say(line: str) -> None:
    print(line, flush=True)


async def follow(
    events: AsyncGenerator[RunEvent, None], marker: type | None = None, word: str = ""
) -> None:
    status, marked = "", False
    async for event in events:
        if isinstance(event, RunStatusEvent):
            if not status:
                say(f"RUN {event.run.id}")
            status = event.status
        elif isinstance(event, ToolCallFinishedEvent):
            say(f"FINISHED {event.call_id}")
        if marker is not None and isinstance(event, marker) and not marked:
            marked = True
            say(word)
    say(f"END {status}")


async def main(scenario: str, db: str, effects: str, arg: str = "") -> None:
    side = Path(effects)
    heartbeat = 0.2 if scenario == "job" else 1.0
    async with Runner(SQLiteStore(db), heartbeat=heartbeat) as runner:
        if scenario == "batch":
            await follow(
                runner.iter_run(batch_agent(), "go", deps=side), ToolCallStartedEvent, "TOOLS"
            )
        elif scenario == "stream":
            async with fake_client(arg) as client:
                events = runner.iter_run(stream_agent(client), "go", deps=side)
                await follow(events, TextDeltaEvent, "DELTA")
        elif scenario == "job":
            await follow(
                runner.iter_run(job_agent(), "go", deps=side), ToolCallStartedEvent, "TOOLS"
            )
        else:
            say("SUBMITTING")
            events = runner.iter_submit_tool_outputs(
                approval_agent(), arg, {"call_approve": "yes"}, deps=side
            )
            await follow(events)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
