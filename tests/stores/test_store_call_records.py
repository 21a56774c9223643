"""Tool calls recorded one by one: fenced "started" marks and first-wins outcomes."""

from __future__ import annotations

import pytest

from agentkit.exceptions import NotFoundError
from agentkit.records import FunctionCall, FunctionToolCall, ToolCallError
from agentkit.stores import AssistantsStore
from agentkit.stores.base import CallRecord

from .conftest import leased_run, thread_with_run


def finished(call_id: str, output: str, error: ToolCallError | None = None) -> FunctionToolCall:
    return FunctionToolCall(
        id=call_id,
        function=FunctionCall(name="send", arguments='{"to": "ada"}', output=output),
        error=error,
        duration_ms=12.5,
    )


async def test_the_owner_marks_a_call_started(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)

    assert await store.mark_call_started(run.id, "step_1", "call_1", owner=held.owner)

    assert await store.call_records(run.id, "step_1") == [
        CallRecord("step_1", "call_1", True, None)
    ]


async def test_marking_a_call_again_changes_nothing(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    await store.mark_call_started(run.id, "step_1", "call_1", owner=held.owner)

    assert await store.mark_call_started(run.id, "step_1", "call_1", owner=held.owner)

    assert await store.call_records(run.id, "step_1") == [
        CallRecord("step_1", "call_1", True, None)
    ]


async def test_another_owner_cannot_mark_a_call(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)

    assert not await store.mark_call_started(run.id, "step_1", "call_1", owner="intruder")
    assert await store.call_records(run.id, "step_1") == []


@pytest.mark.parametrize("status", ["queued", "cancelling", "requires_action", "cancelled"])
async def test_no_call_is_marked_unless_the_run_is_in_progress(
    store: AssistantsStore, status: str
) -> None:
    thread, run, held = await leased_run(store, status)

    assert not await store.mark_call_started(run.id, "step_1", "call_1", owner=held.owner)


async def test_no_call_is_marked_after_a_cancel(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    cancelled = run.model_copy(update={"status": "cancelled"})
    assert await store.transition_run(cancelled, expected={"in_progress"})

    assert not await store.mark_call_started(run.id, "step_1", "call_1", owner=held.owner)


async def test_an_unowned_run_marks_no_call(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "in_progress")

    assert not await store.mark_call_started(run.id, "step_1", "call_1", owner="anyone")


async def test_marking_a_call_of_a_missing_run_is_refused(store: AssistantsStore) -> None:
    assert not await store.mark_call_started("run_missing", "step_1", "call_1", owner="me")


async def test_an_outcome_is_recorded_in_full(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    await store.mark_call_started(run.id, "step_1", "call_1", owner=held.owner)
    call = finished("call_1", "Error: no such user", ToolCallError(code="x", message="no user"))

    assert await store.record_call_outcome(run.id, "step_1", call)

    assert await store.call_records(run.id, "step_1") == [
        CallRecord("step_1", "call_1", True, call)
    ]


async def test_the_first_outcome_wins(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    first = finished("call_1", "interrupted")

    assert await store.record_call_outcome(run.id, "step_1", first)
    assert not await store.record_call_outcome(run.id, "step_1", finished("call_1", "late"))

    [record] = await store.call_records(run.id, "step_1")
    assert record.outcome == first and not record.started


async def test_an_outcome_is_recorded_after_a_cancel(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    await store.mark_call_started(run.id, "step_1", "call_1", owner=held.owner)
    cancelled = run.model_copy(update={"status": "cancelled"})
    assert await store.transition_run(cancelled, expected={"in_progress"})

    assert await store.record_call_outcome(run.id, "step_1", finished("call_1", "sent"))


async def test_the_recorded_outcome_is_a_copy(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    call = finished("call_1", "sent")
    await store.record_call_outcome(run.id, "step_1", call)

    call.function.output = "changed afterwards"

    [record] = await store.call_records(run.id, "step_1")
    assert record.outcome is not None and record.outcome.function.output == "sent"


async def test_records_are_per_step_in_the_order_first_recorded(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    owner = held.owner
    await store.mark_call_started(run.id, "step_1", "call_b", owner=owner)
    await store.record_call_outcome(run.id, "step_1", finished("call_a", "a"))
    await store.mark_call_started(run.id, "step_2", "call_b", owner=owner)
    await store.record_call_outcome(run.id, "step_1", finished("call_b", "b"))

    records = await store.call_records(run.id, "step_1")

    assert [(r.call_id, r.started, r.outcome is not None) for r in records] == [
        ("call_b", True, True),
        ("call_a", False, True),
    ]
    assert [r.call_id for r in await store.call_records(run.id, "step_2")] == ["call_b"]


async def test_records_of_an_unknown_run_are_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError):
        await store.call_records("run_missing", "step_1")
    with pytest.raises(NotFoundError):
        await store.record_call_outcome("run_missing", "step_1", finished("call_1", "x"))


async def test_another_projects_records_are_not_found(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    await store.record_call_outcome(run.id, "step_1", finished("call_1", "x"))
    other = store.scoped("other")

    with pytest.raises(NotFoundError):
        await other.call_records(run.id, "step_1")
    with pytest.raises(NotFoundError):
        await other.record_call_outcome(run.id, "step_1", finished("call_2", "x"))
    assert not await other.mark_call_started(run.id, "step_1", "call_3", owner=held.owner)


async def test_deleting_the_thread_deletes_the_records(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    await store.record_call_outcome(run.id, "step_1", finished("call_1", "x"))

    await store.delete_thread(thread.id)

    with pytest.raises(NotFoundError):
        await store.call_records(run.id, "step_1")
