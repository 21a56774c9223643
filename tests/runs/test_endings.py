"""Every way a run can end, and what it records."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from agentkit.agent import Agent
from agentkit.events import RunStatusEvent
from agentkit.exceptions import ModelError
from agentkit.limits import RunLimits
from agentkit.models.base import Model
from agentkit.models.events import ModelResponseDone, ModelStreamEvent, ModelTextDelta
from agentkit.models.request import ModelRequest
from agentkit.runner import Runner
from agentkit.testing import FunctionInfo, FunctionModel
from agentkit.usage import Usage

from .conftest import FnTool, ListToolset, Script, requests_of


class FailingModel(Model):
    model_name = "failing"

    def __init__(self, error: ModelError) -> None:
        self.error = error

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        if request.turn > 0:
            raise self.error
        yield ModelTextDelta("unreachable")


class CutShortModel(Model):
    model_name = "cut"

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        yield ModelTextDelta("The answer is")
        yield ModelResponseDone("r1", "length", Usage(1, 5, 3), "max_output_tokens")


class SlowModel(Model):
    model_name = "slow"

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        await asyncio.sleep(30)
        yield ModelTextDelta("too late")


async def test_text_answer_completes_with_usage_and_message() -> None:
    agent = Agent(name="a", model=FunctionModel(Script(["Hello there"])), tools=ListToolset())
    runner = Runner()
    result = await runner.run(agent, "hi")
    assert result.status == "completed"
    assert result.run.completed_at is not None and result.run.expires_at is None
    assert result.run.usage is not None and result.run.usage.total_tokens == 15
    stored = await runner.store.list_messages(result.thread_id)
    assert [(m.role, m.text) for m in stored] == [("user", "hi"), ("assistant", "Hello there")]
    assert [s.type for s in result.steps] == ["message_creation"]


async def test_max_turns_ends_incomplete_with_reason() -> None:
    loop_forever = FunctionModel(Script(lambda r: [(f"c{r.turn}", "noop", {})]))
    agent = Agent(
        name="a",
        model=loop_forever,
        tools=ListToolset(FnTool("noop", lambda: "ok")),
        limits=RunLimits(max_turns=3),
    )
    result = await Runner().run(agent, "go")
    assert result.status == "incomplete"
    assert result.run.incomplete_details is not None
    assert result.run.incomplete_details.reason == "max_turns"
    assert len(requests_of(loop_forever)) == 3


async def test_api_token_limit_ends_incomplete_and_keeps_partial_text() -> None:
    agent = Agent(name="a", model=CutShortModel(), tools=ListToolset())
    runner = Runner()
    result = await runner.run(agent, "q")
    assert result.status == "incomplete"
    assert result.run.incomplete_details is not None
    assert result.run.incomplete_details.reason == "max_output_tokens"
    assert result.messages[0].status == "incomplete"
    assert result.output_text == "The answer is"


async def test_model_error_fails_run_with_last_error() -> None:
    error = ModelError("Rate limit reached", code="rate_limit_exceeded", status_code=429)
    agent = Agent(name="a", model=FailingModel(error), tools=ListToolset())
    result = await Runner().run(agent, "q")
    assert result.status == "failed"
    assert result.last_error is not None
    assert (result.last_error.code, result.last_error.message) == (
        "rate_limit_exceeded",
        "Rate limit reached",
    )
    assert result.run.failed_at is not None


async def test_deadline_expires_run() -> None:
    agent = Agent(name="a", model=SlowModel(), tools=ListToolset(), limits=RunLimits(timeout=1))
    started = time.monotonic()
    result = await Runner().run(agent, "q")
    assert result.status == "expired"
    assert time.monotonic() - started < 10


async def test_a_sub_second_deadline_still_gives_the_run_that_long() -> None:
    async def answer(request: ModelRequest, info: FunctionInfo) -> str:
        await asyncio.sleep(0.05)  # a model takes a moment: the deadline can fire meanwhile
        return "quick"

    agent = Agent(name="a", model=FunctionModel(answer), limits=RunLimits(timeout=0.5))
    result = await Runner().run(agent, "q")
    assert result.status == "completed"
    assert result.output_text == "quick"


async def test_expires_at_is_never_sooner_than_the_timeout() -> None:
    agent = Agent(name="a", model=FunctionModel(Script(["ok"])), limits=RunLimits(timeout=1.5))
    started = time.time()
    result = await Runner().run(agent, "q", keep_events=True)
    first = next(e.run for e in result.events if isinstance(e, RunStatusEvent))
    assert first.expires_at is not None and first.expires_at >= started + 1.5


async def test_unexpected_adapter_exception_fails_run_as_server_error() -> None:
    class Broken(Model):
        async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
            raise RuntimeError("adapter bug")
            yield ModelTextDelta("")  # pragma: no cover

    result = await Runner().run(Agent(name="a", model=Broken(), tools=ListToolset()), "q")
    assert result.status == "failed"
    assert result.last_error is not None
    assert result.last_error.code == "server_error"
    assert "adapter bug" in result.last_error.message


async def test_stream_without_final_event_is_a_retryable_model_error() -> None:
    class NoDone(Model):
        async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
            yield ModelTextDelta("half")

    result = await Runner().run(Agent(name="a", model=NoDone(), tools=ListToolset()), "q")
    assert result.status == "failed"
    assert result.last_error is not None and result.last_error.code == "stream_interrupted"


@pytest.mark.parametrize("status", ["completed", "failed", "incomplete"])
async def test_every_ending_is_persisted(status: str) -> None:
    models: dict[str, Model] = {
        "completed": FunctionModel(Script(["ok"])),
        "failed": FailingModel(ModelError("x")),
        "incomplete": CutShortModel(),
    }
    runner = Runner()
    result = await runner.run(Agent(name="a", model=models[status], tools=ListToolset()), "q")
    stored = await runner.store.get_run(result.run.id)
    assert stored.status == status
    assert stored == result.run
