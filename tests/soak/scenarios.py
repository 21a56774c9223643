"""What the misbehaving fake server and the tools do in the soak, chosen per run by a seed.

Each run's user message names its scenario (``soak 17 rate_limited``). The fake server's
script reads it, counts the attempts of each turn, and answers or misbehaves accordingly;
the tools misbehave as their names say. Everything random comes from one seeded `Random`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tenacity import stop_after_attempt, wait_none

from agentkit import Agent, RunLimits, tool
from agentkit.middleware import RetryMiddleware
from agentkit.models import ResponsesModel
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition

OUTPUT_CAP = 2_000
TOOL_TIMEOUT = 0.3


@tool
def lookup(i: int) -> str:
    """Look an item up."""
    return f"item {i}"


@tool
async def slow(i: int) -> str:
    """Take a while."""
    await asyncio.sleep(0.05)
    return f"slow {i}"


@tool
async def hang(i: int) -> str:
    """Never finish (the tool timeout ends it)."""
    await asyncio.Event().wait()
    return "unreachable"


@tool
def sleepy(i: int) -> str:
    """A sync tool slower than the tool timeout: its thread is abandoned, then ends."""
    time.sleep(TOOL_TIMEOUT + 0.2)
    return f"sleepy {i}"


@tool
def boom(i: int) -> str:
    """Always raise."""
    raise RuntimeError(f"boom {i}")


@tool
def big(i: int) -> str:
    """An output far over the run's cap."""
    return "x" * (OUTPUT_CAP * 50)


TOOLS: list[Tool] = [lookup, slow, hang, sleepy, boom, big]
ASKED = ToolDefinition(
    name="ask_human",
    description="A question the caller answers.",
    parameters={"type": "object", "properties": {"i": {"type": "integer"}}, "required": ["i"]},
)

# scenario -> (first-turn calls, how the first attempt misbehaves)
_CALLS: dict[str, list[FakeToolCall]] = {
    "slow_tool": [FakeToolCall("slow", {"i": 1})],
    "hang_tool": [FakeToolCall("hang", {"i": 1})],
    "sleepy_tool": [FakeToolCall("sleepy", {"i": 1})],
    "raising_tool": [FakeToolCall("boom", {"i": 1})],
    "tool_budget": [FakeToolCall("boom", {"i": 1})],
    "malformed": [FakeToolCall("lookup", '{"i": 1')],
    "invalid": [FakeToolCall("lookup", {"i": "one", "j": 2})],
    "unknown": [FakeToolCall("no_such_tool", {"i": 1})],
    "oversized": [FakeToolCall("big", {"i": 1})],
    "cancel_in_tool": [FakeToolCall("hang", {"i": 1})],
    "parallel": [
        FakeToolCall("lookup", {"i": 1}),
        FakeToolCall("boom", {"i": 2}),
        FakeToolCall("hang", {"i": 3}),
        FakeToolCall("slow", {"i": 4}),
        FakeToolCall("big", {"i": 5}),
    ],
    "ask": [FakeToolCall("ask_human", {"i": 1})],
}
_FIRST_ATTEMPT_FAULTS: dict[str, FakeReply] = {
    "rate_limited": FakeReply.error(429, "Slow down.", retry_after=0.01),
    "server_error": FakeReply.error(503, "Overloaded."),
    "dropped": FakeReply(text="never sent", drop_after=0),
    "dropped_mid": FakeReply(text="The answer is long enough to stream.", drop_after=3),
    "cut": FakeReply(text="The answer is long enough to stream.", cut_after=3, chunk_size=4),
}
SCENARIOS = [
    "ok",
    *_FIRST_ATTEMPT_FAULTS,
    "always_500",
    "stream_error",
    "incomplete",
    "cancel",
    "expire",
    *_CALLS,
]
_ALWAYS: dict[str, FakeReply] = {
    "always_500": FakeReply.error(500, "Down for good."),
    "stream_error": FakeReply(text="partial", stream_error=("bad_request", "Refused mid-way.")),
    "incomplete": FakeReply(text="Cut sh", incomplete="max_output_tokens"),
    "cancel": FakeReply(text="too late", delay=0.5),
    "expire": FakeReply(text="too late", delay=3.0),
}


class SoakScript:
    """The fake model: answers by scenario, turn and attempt; seeded small latencies."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.attempts: defaultdict[tuple[str, int], int] = defaultdict(int)

    def __call__(self, request: FakeRequest) -> FakeReply:
        tag = request.last_user_text
        scenario = tag.split()[-1]
        turn = len(request.tool_outputs())
        attempt = self.attempts[(tag, turn)]
        self.attempts[(tag, turn)] = attempt + 1
        if scenario in _ALWAYS:
            return _ALWAYS[scenario]
        if attempt == 0 and turn == 0 and scenario in _FIRST_ATTEMPT_FAULTS:
            return _FIRST_ATTEMPT_FAULTS[scenario]
        delay = self.rng.choice((0.0, 0.0, 0.005, 0.02))
        if turn == 0 and scenario in _CALLS:
            return FakeReply.calls(*_CALLS[scenario], delay=delay)
        if scenario == "tool_budget" or (turn == 0 and scenario != "ask"):
            calls = _CALLS.get(scenario, [FakeToolCall("lookup", {"i": turn})])
            return FakeReply.calls(*calls, delay=delay)
        return FakeReply(text=f"Done after {turn} tool results.", delay=delay, chunk_size=16)


@dataclass
class Agents:
    """The soak's agents: streamed and not, and one whose runs expire after a second."""

    streamed: Agent[None]
    plain: Agent[None]
    expiring: Agent[None]

    def pick(self, scenario: str, rng: random.Random) -> Agent[None]:
        if scenario == "expire":
            return self.expiring
        return self.streamed if rng.random() < 0.7 else self.plain


def retry() -> RetryMiddleware:
    """Tiny waits: the soak tests the behaviour of retries, not their patience."""
    return RetryMiddleware(stop=stop_after_attempt(3), wait=wait_none(), max_retry_after=0.05)


def make_agents(fake_url: str, client_options: dict[str, Any] | None = None) -> Agents:
    """The agents over one shared client to the fake server at ``fake_url``."""
    import httpx2
    from openai import AsyncOpenAI

    http = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=200), timeout=30)
    client = AsyncOpenAI(
        base_url=fake_url, api_key="soak", max_retries=0, http_client=http, **client_options or {}
    )
    limits = RunLimits(
        tool_timeout=TOOL_TIMEOUT, max_tool_output_chars=OUTPUT_CAP, timeout=60, max_model_retries=2
    )

    def agent(name: str, stream: bool, run_limits: RunLimits) -> Agent[None]:
        model = ResponsesModel("gpt-soak", client=client, stream=stream)
        return Agent(
            name=name, model=model, tools=[*TOOLS, ASKED], limits=run_limits, middleware=[retry()]
        )

    return Agents(
        streamed=agent("soak-streamed", True, limits),
        plain=agent("soak-plain", False, limits),
        expiring=agent("soak-expiring", True, RunLimits(timeout=1, tool_timeout=TOOL_TIMEOUT)),
    )


def fake_server(seed: int) -> FakeOpenAI:
    """The misbehaving server."""
    # Recording thousands of requests would hide a real leak.
    return FakeOpenAI(SoakScript(seed), record=False)
