"""How a worker publishes a run's events: batched into few stream rows, the last one marking
the segment's end (no separate close), pieces of a streamed answer written as they come."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest

from agentkit import Runner
from agentkit.durable import DBOSWorker
from agentkit.durable.event_codec import decode_batch, encode_batch
from agentkit.events import RunStatusEvent, TextDeltaEvent

from . import agents

pytestmark = pytest.mark.asyncio(loop_scope="module")

_CLOSED = "__DBOS_STREAM_CLOSED__"


def stream_rows(url: str, run_id: str) -> list[Any]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            'SELECT value FROM dbos.streams WHERE workflow_uuid = %s ORDER BY "offset"',
            (run_id,),
        ).fetchall()
    return [json.loads(value) for (value,) in rows]


async def test_a_quick_run_is_published_in_few_rows_the_last_marking_the_end(
    worker: DBOSWorker, runner: Runner, dbos_url: str
) -> None:
    events = [event async for event in runner.iter_run(agents.calc, "add")]
    run_id = events[0].run.id  # type: ignore[union-attr]

    rows = stream_rows(dbos_url, run_id)

    assert _CLOSED not in json.dumps(rows)
    assert [row["end"] for row in rows] == [False] * (len(rows) - 1) + [True]
    published = [event for row in rows for event in decode_batch(row)[0]]
    # The reader adds the run's first status (it has it from the store) to what was published.
    assert published == events[1:]
    assert len(rows) * 3 <= len(published)


async def test_a_streamed_answer_is_published_while_it_streams(
    worker: DBOSWorker, runner: Runner, dbos_url: str
) -> None:
    events = [event async for event in runner.iter_run(agents.talker, "talk")]
    run_id = events[0].run.id  # type: ignore[union-attr]

    rows = [decode_batch(row)[0] for row in stream_rows(dbos_url, run_id)]

    # The answer streams for a second in 20 pieces: written as they come, not with the end.
    with_text = [row for row in rows if any(isinstance(e, TextDeltaEvent) for e in row)]
    assert len(with_text) >= 4
    assert not any(isinstance(e, RunStatusEvent) and e.run.is_terminal for e in with_text[0])
    assert isinstance(events[-1], RunStatusEvent) and events[-1].run.status == "completed"


async def test_rows_written_before_the_end_marker_are_read_as_batches() -> None:
    delta = TextDeltaEvent("msg_1", "hi")
    row = encode_batch([delta], end=True)

    assert decode_batch(row) == ([delta], True)
    assert decode_batch(row["events"]) == ([delta], False)  # a plain list: an older worker's
