"""Per-operation cost of each store, and of the store work of one typical run.

Run: ``.venv/bin/python -m tests.stores.bench_store_ops [N]``. Prints microseconds per call
(best of 5 rounds)
for MemoryStore, SQLiteStore, and SQLiteStore with every call sent to its worker thread (what
any thread-per-connection design, aiosqlite included, pays at least once per call).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from agentkit.records import (
    FunctionCall,
    FunctionToolCall,
    Message,
    Run,
    RunStep,
    Thread,
    ToolCallsStepDetails,
)
from agentkit.stores import AssistantsStore, MemoryStore, SQLiteStore


def _step(run: Run) -> RunStep:
    call = FunctionToolCall(id="call_1", function=FunctionCall(name="add", arguments='{"a":1}'))
    return RunStep(
        run_id=run.id,
        thread_id=run.thread_id,
        assistant_id=run.assistant_id,
        type="tool_calls",
        step_details=ToolCallsStepDetails(tool_calls=[call]),
    )


async def one_run(store: AssistantsStore, thread: Thread) -> None:
    """The store calls of a run with one tool call: 9 writes, no reads."""
    run = await store.create_run(Run(thread_id=thread.id, assistant_id="asst_1"), {"turn": 0})
    run.status = "in_progress"
    await store.save_run(run)
    step = _step(run)
    await store.save_step(step)
    run.status = "requires_action"
    await store.save_run(run, {"turn": 1})
    step.status = "completed"
    await store.save_step(step)
    run.status = "in_progress"
    await store.transition_run(run, expected={"requires_action"})
    await store.add_message(Message.of_text(thread.id, "assistant", "3"), require_idle=False)
    run.status = "completed"
    await store.save_run(run, {"turn": 2})
    await store.update_thread(thread)


async def per_call(n: int, call: Callable[[], Awaitable[object]], rounds: int = 5) -> float:
    """The best of ``rounds`` averages over ``n // rounds`` calls (other load only adds time)."""
    await call()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(max(n // rounds, 1)):
            await call()
        best = min(best, (time.perf_counter() - start) / max(n // rounds, 1))
    return best * 1e6


async def measure(store: AssistantsStore, n: int) -> dict[str, float]:
    thread = await store.create_thread(Thread())
    run = await store.create_run(Run(thread_id=thread.id, assistant_id="asst_1"), {"turn": 0})
    step = _step(run)
    await store.save_step(step)
    for i in range(20):
        await store.add_message(Message.of_text(thread.id, "user", str(i)), require_idle=False)

    async def create_run() -> None:
        idle = await store.create_thread(Thread())
        await store.create_run(Run(thread_id=idle.id, assistant_id="asst_1"), {})

    costs = {
        "create_thread": await per_call(n, lambda: store.create_thread(Thread())),
        "create_thread+create_run": await per_call(n, create_run),
        "save_run": await per_call(n, lambda: store.save_run(run)),
        "save_run(state)": await per_call(n, lambda: store.save_run(run, {"turn": 1})),
        "transition_run": await per_call(n, lambda: store.transition_run(run, expected={"queued"})),
        "save_step(new)": await per_call(n, lambda: store.save_step(_step(run))),
        "save_step(update)": await per_call(n, lambda: store.save_step(step)),
        "get_run": await per_call(n, lambda: store.get_run(run.id)),
        "list_messages(20)": await per_call(n, lambda: store.list_messages(thread.id)),
    }
    idle = await store.create_thread(Thread())
    costs["one run (9 writes)"] = await per_call(max(n // 10, 10), lambda: one_run(store, idle))
    return costs


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        memory = await measure(MemoryStore(), n)
        async with SQLiteStore(Path(tmp) / "fast.db") as store:
            sqlite = await measure(store, n)
        async with SQLiteStore(Path(tmp) / "hop.db") as hop_store:
            await hop_store.open()
            worker = hop_store._db._worker  # measuring the design choice, not a public API
            fast, worker.fast = worker.fast, None
            hopping = await measure(hop_store, n)
            worker.fast = fast
    print(f"{'µs per call':28}{'memory':>10}{'sqlite':>10}{'sqlite, worker only':>22}")
    for name, cost in memory.items():
        print(f"{name:28}{cost:10.1f}{sqlite[name]:10.1f}{hopping[name]:22.1f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
