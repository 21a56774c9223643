from __future__ import annotations

from collections.abc import AsyncIterator

import structlog
from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt, wait_fixed, wait_none

from agentkit.agent import Agent
from agentkit.events import RetryEvent, TextDeltaEvent
from agentkit.exceptions import ModelError
from agentkit.middleware import (
    RetryMiddleware,
    current_attempt,
    default_model_stop,
    wait_retry_after,
)
from agentkit.models import Model, ModelRequest, ModelResponseDone, ModelTextDelta, ResponsesModel
from agentkit.models.events import ModelStreamEvent
from agentkit.runner import Runner
from agentkit.testing import FakeOpenAI, FakeReply
from agentkit.usage import Usage


class FlakyModel(Model):
    """Streams ``first`` then breaks; later attempts stream ``then`` completely."""

    def __init__(self, first: str, then: str, error: Exception | None = None) -> None:
        self.first, self.then = first, then
        self.error = error or ModelError("cut", code="stream_interrupted", retryable=True)
        self.calls = 0
        self.attempts_seen: list[int] = []

    async def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        self.calls += 1
        self.attempts_seen.append(current_attempt())
        if self.calls == 1:
            yield ModelTextDelta(self.first)
            raise self.error
        yield ModelTextDelta(self.then)
        yield ModelResponseDone("resp", "stop", Usage(1, 1, 1))


def _state(error: BaseException) -> RetryCallState:
    state = RetryCallState(AsyncRetrying(), None, (), {})
    state.set_exception((type(error), error, None))
    return state


def test_retry_after_replaces_the_fallback_wait() -> None:
    wait = wait_retry_after(wait_fixed(5), max_wait=60)
    error = ModelError("429", code="rate_limit_exceeded", retryable=True, retry_after=2.5)
    assert wait(_state(error)) == 2.5


def test_without_retry_after_the_fallback_wait_applies() -> None:
    wait = wait_retry_after(wait_fixed(5), max_wait=60)
    assert wait(_state(ModelError("500", retryable=True))) == 5


def test_retry_after_is_capped_at_max_wait() -> None:
    wait = wait_retry_after(wait_fixed(5), max_wait=10)
    assert wait(_state(ModelError("429", retryable=True, retry_after=3600))) == 10


async def test_a_diverging_retry_keeps_the_shown_text_and_stores_the_new_answer() -> None:
    model = FlakyModel("Hello wor", "Hi there, friend.")
    agent = Agent(name="a", model=model, middleware=[RetryMiddleware(wait=wait_none())])
    result = await agent.run("hi", keep_events=True)

    deltas = "".join(e.text for e in result.events if isinstance(e, TextDeltaEvent))
    assert deltas == "Hello wor"
    assert result.output_text == "Hi there, friend."


async def test_each_retry_emits_a_retry_event() -> None:
    model = FlakyModel("Hel", "Hello")
    agent = Agent(name="a", model=model, middleware=[RetryMiddleware(wait=wait_fixed(0.001))])
    result = await agent.run("hi", keep_events=True)

    retries = [e for e in result.events if isinstance(e, RetryEvent)]
    assert retries == [
        RetryEvent("model", 1, 0.001, "ModelError: cut"),
    ]


async def test_each_retry_is_logged_with_the_error_code() -> None:
    agent = Agent(
        name="a", model=FlakyModel("", "ok"), middleware=[RetryMiddleware(wait=wait_none())]
    )
    with structlog.testing.capture_logs() as logs:
        await agent.run("hi")

    retries = [entry for entry in logs if entry["event"] == "retrying"]
    assert retries == [
        {
            "event": "retrying",
            "log_level": "warning",
            "target": "model",
            "attempt": 1,
            "delay": 0.0,
            "error": "ModelError: cut",
            "error_code": "stream_interrupted",
            "status_code": None,
        }
    ]


async def test_errors_that_are_not_model_errors_are_not_retried() -> None:
    model = FlakyModel("", "ok", error=ValueError("bug"))
    agent = Agent(name="a", model=model, middleware=[RetryMiddleware(wait=wait_none())])
    result = await agent.run("hi")

    assert result.status == "failed"
    assert model.calls == 1


async def test_inner_layers_see_the_attempt_number() -> None:
    model = FlakyModel("", "ok")
    retry = RetryMiddleware(stop=stop_after_attempt(2), wait=wait_none())
    await Agent(name="a", model=model, middleware=[retry]).run("hi")
    assert model.attempts_seen == [1, 2]


async def test_adapters_send_requests_with_the_sdk_retries_off() -> None:
    fake = FakeOpenAI([FakeReply.error(500), "never reached"])
    model = ResponsesModel("m", client=fake.client(max_retries=2))
    result = await Agent(name="a", model=model).run("hi", runner=Runner(middleware=[]))
    assert result.status == "failed"
    assert len(fake.requests) == 1


async def test_a_runner_retries_transient_model_errors_by_default() -> None:
    fake = FakeOpenAI([FakeReply.error(503, retry_after=0.01), "recovered"])
    model = ResponsesModel("m", client=fake.client(max_retries=2))
    result = await Agent(name="a", model=model).run("hi", runner=Runner(), keep_events=True)
    assert result.status == "completed"
    assert result.output_text == "recovered"
    assert len(fake.requests) == 2
    assert [e.kind for e in result.events].count("retry") == 1


def test_the_default_stop_ends_after_four_attempts() -> None:
    state = _state(ModelError("500", retryable=True))
    state.attempt_number = 3
    assert not default_model_stop()(state)
    state.attempt_number = 4
    assert default_model_stop()(state)


def test_the_default_wait_grows_and_is_bounded() -> None:
    middleware = RetryMiddleware()
    state = _state(ModelError("500", retryable=True))
    state.attempt_number = 1
    assert 0.5 <= middleware.wait(state) <= 1.5
    state.attempt_number = 30
    assert middleware.wait(state) <= 20
