"""One stack for every run: defaults that a level's own layer replaces, in a fixed order."""

from __future__ import annotations

from typing import Any

import pytest
from openai import AsyncOpenAI

from agentkit import Agent, Middleware, RunContext, Runner
from agentkit.calls import ModelCall, ModelHandler, ModelResponse, RunCall, RunHandler
from agentkit.exceptions import ModelError
from agentkit.middleware import (
    RetryMiddleware,
    ToolRetryMiddleware,
    TracingMiddleware,
    middleware_stack,
)
from agentkit.middleware.stack import RemoteMiddlewareWarning
from agentkit.records import Run
from agentkit.remote import RemoteRunner
from agentkit.testing import TestModel


class Named(Middleware):
    def __init__(self, name: str) -> None:
        self.name = name


def _names(stack: tuple[Middleware, ...]) -> list[str]:
    return [getattr(layer, "name", type(layer).__name__) for layer in stack]


def test_the_order_is_defaults_runner_agent_run_then_tool_retries() -> None:
    stack = middleware_stack([Named("runner")], [Named("agent")], [Named("run")])
    assert _names(stack) == [
        "RetryMiddleware",
        "runner",
        "agent",
        "run",
        "ToolRetryMiddleware",
    ]


@pytest.mark.parametrize("level", ["runner", "agent", "run"])
def test_a_retry_middleware_at_any_level_replaces_the_default(level: str) -> None:
    own = RetryMiddleware()
    levels: dict[str, list[Middleware]] = {"runner": [], "agent": [], "run": []}
    levels[level].append(own)
    stack = middleware_stack(levels["runner"], levels["agent"], levels["run"])
    assert [layer for layer in stack if isinstance(layer, RetryMiddleware)] == [own]


def test_an_own_tool_retry_layer_replaces_the_default_one() -> None:
    own = ToolRetryMiddleware()
    stack = middleware_stack([], [], [own])
    assert [layer for layer in stack if isinstance(layer, ToolRetryMiddleware)] == [own]


def test_no_default_model_retries_when_the_runner_was_given_a_list() -> None:
    stack = middleware_stack([], [], default_retries=False)
    assert not any(isinstance(layer, RetryMiddleware) for layer in stack)


async def test_a_runner_given_an_empty_list_does_not_retry_model_calls() -> None:
    class Fails(Middleware):
        calls = 0

        async def wrap_model_call(
            self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
        ) -> ModelResponse:
            Fails.calls += 1
            raise ModelError("busy", code="rate_limit_exceeded", retryable=True)

    agent = Agent(name="a", model=TestModel(), middleware=[Fails()])
    result = await Runner(middleware=[]).run(agent, "hi")
    assert result.status == "failed"
    assert Fails.calls == 1


class RunWrapper(Middleware):
    async def wrap_run(self, ctx: RunContext[Any], call: RunCall, next: RunHandler) -> Run:
        return await next(call)


async def test_remote_runs_warn_about_stages_they_cannot_apply() -> None:
    # Nothing listens on port 9: the warning comes before the first request, then the run fails.
    client = AsyncOpenAI(api_key="unused", base_url="http://127.0.0.1:9/v1", max_retries=0)
    runner = RemoteRunner(client)
    agent = Agent(name="a", model=TestModel(), middleware=[RunWrapper(), TracingMiddleware()])
    with pytest.warns(RemoteMiddlewareWarning) as caught, pytest.raises(ModelError):
        await runner.run(agent, "hi")
    await client.close()
    messages = [str(w.message) for w in caught]
    assert any("RunWrapper.wrap_run does not apply to remote runs" in m for m in messages)
    assert any("TracingMiddleware.wrap_model_call" in m for m in messages)
