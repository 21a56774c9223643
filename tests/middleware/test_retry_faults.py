"""Fault injection over HTTP: the fake server fails, RetryMiddleware recovers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from tenacity import stop_after_attempt, stop_after_delay, wait_none

from agentkit.agent import Agent
from agentkit.context import RunContext
from agentkit.events import RetryEvent, RunEvent, TextDeltaEvent
from agentkit.middleware import Middleware, ModelCall, ModelHandler, ModelResponse, RetryMiddleware
from agentkit.models import ChatCompletionsModel, Model, ResponsesModel
from agentkit.runner import Runner
from agentkit.runs.result import RunResult, RunResultBuilder
from agentkit.testing import FakeOpenAI, FakeReply

ANSWER = "The quick brown fox jumps over the lazy dog, twice over."
MODELS = [ResponsesModel, ChatCompletionsModel]


class RawText(Middleware):
    """Placed inside the retry middleware: records what each attempt streamed."""

    def __init__(self) -> None:
        self.attempts: list[list[str]] = []

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        seen: list[str] = []
        self.attempts.append(seen)

        def on_text(text: str) -> None:
            seen.append(text)
            call.on_text(text)

        return await next(replace(call, on_text=on_text))


def _agent(model_cls: type[Model], fake: FakeOpenAI, *layers: Middleware) -> Agent[Any]:
    model = model_cls("gpt-test", client=fake.client())  # type: ignore[call-arg]
    return Agent(name="faulty", model=model, middleware=layers)


def _retry(**options: Any) -> RetryMiddleware:
    return RetryMiddleware(
        stop=options.pop("stop", stop_after_attempt(5)), wait=wait_none(), **options
    )


async def _run(agent: Agent[Any], runner: Runner | None = None) -> RunResult:
    builder = RunResultBuilder(keep_events=True)
    async for event in agent.iter_run("Tell me about the fox.", runner=runner):
        builder.add(event)
    return builder.result()


def _deltas(events: list[RunEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDeltaEvent))


def _retries(events: list[RunEvent]) -> list[RetryEvent]:
    return [e for e in events if isinstance(e, RetryEvent)]


@pytest.mark.parametrize("model_cls", MODELS)
async def test_every_fault_is_retried_and_the_run_completes(model_cls: type[Model]) -> None:
    fake = FakeOpenAI(
        [
            FakeReply.error(429, "Slow down.", retry_after=0.01),
            FakeReply.error(500),
            FakeReply(text=ANSWER, drop_after=0),
            FakeReply(text=ANSWER, chunk_size=4, cut_after=6),
            FakeReply(text=ANSWER, chunk_size=4),
        ]
    )
    result = await _run(_agent(model_cls, fake, _retry()))

    assert result.status == "completed", result.last_error
    assert result.output_text == ANSWER
    assert len(fake.requests) == 5
    assert [e.attempt for e in _retries(result.events)] == [1, 2, 3, 4]


@pytest.mark.parametrize("model_cls", MODELS)
async def test_a_stream_cut_mid_way_shows_each_token_once(model_cls: type[Model]) -> None:
    fake = FakeOpenAI(
        [
            FakeReply(text=ANSWER, chunk_size=4, cut_after=6),
            FakeReply(text=ANSWER, chunk_size=4, drop_after=9),
            FakeReply(text=ANSWER, chunk_size=5),
        ]
    )
    raw = RawText()
    result = await _run(_agent(model_cls, fake, _retry(), raw))

    assert result.status == "completed", result.last_error
    assert raw.attempts[0], "the first attempt must have streamed text before the cut"
    assert len(raw.attempts) == len(fake.requests) == 3
    assert _deltas(result.events) == result.output_text == ANSWER


@pytest.mark.parametrize("model_cls", MODELS)
async def test_retry_after_is_honoured(model_cls: type[Model]) -> None:
    fake = FakeOpenAI([FakeReply.error(429, retry_after=0.05), ANSWER])
    result = await _run(_agent(model_cls, fake, _retry()))

    assert [e.delay for e in _retries(result.events)] == [0.05]
    assert result.output_text == ANSWER


async def test_a_long_retry_after_is_capped() -> None:
    fake = FakeOpenAI([FakeReply.error(503, retry_after=3600), ANSWER])
    result = await _run(_agent(ResponsesModel, fake, _retry(max_retry_after=0.01)))

    assert [e.delay for e in _retries(result.events)] == [0.01]
    assert result.status == "completed"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_not_retried(status: int) -> None:
    fake = FakeOpenAI([FakeReply.error(status, "No."), ANSWER])
    result = await _run(_agent(ResponsesModel, fake, _retry()))

    assert result.status == "failed"
    assert len(fake.requests) == 1
    assert _retries(result.events) == []


async def test_insufficient_quota_is_not_retried() -> None:
    fake = FakeOpenAI([FakeReply.error(429, code="insufficient_quota"), ANSWER])
    result = await _run(_agent(ResponsesModel, fake, _retry()))

    assert result.status == "failed"
    assert result.last_error is not None and result.last_error.code == "insufficient_quota"
    assert len(fake.requests) == 1


async def test_tenacity_stop_objects_bound_the_attempts() -> None:
    fake = FakeOpenAI([FakeReply.error(500)] * 5)
    retry = _retry(stop=stop_after_attempt(3) | stop_after_delay(30))
    result = await _run(_agent(ResponsesModel, fake, retry))

    assert result.status == "failed"
    assert result.last_error is not None and result.last_error.code == "server_error"
    assert len(fake.requests) == 3
    assert len(_retries(result.events)) == 2


async def test_without_retry_middleware_a_500_fails_the_run_at_once() -> None:
    fake = FakeOpenAI([FakeReply.error(500), ANSWER])
    result = await _run(_agent(ResponsesModel, fake), Runner(middleware=[]))

    assert result.status == "failed"
    assert len(fake.requests) == 1
