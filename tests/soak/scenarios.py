"""What the misbehaving fake server and the tools do in the soak, and how each run must end.

Each run's user message names its scenario (``soak 17 rate_limited``). The fake server's
script reads it, counts the attempts of each turn, and answers or misbehaves accordingly;
the tools misbehave as their names say. Every scenario also states its expected outcome:
the run's status and error, each tool output, the model requests per turn and the final
text, which the fake model builds from the tool outputs it received. Everything random
comes from one seeded `Random`.
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tenacity import stop_after_attempt, wait_none

from agentkit import Agent, RunLimits, tool
from agentkit.mcp import MCPToolset
from agentkit.middleware import RetryMiddleware
from agentkit.models import ResponsesModel
from agentkit.records import RunStatus
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition
from agentkit.toolsets import Toolset
from tests.mcp.conftest import sdk_command

OUTPUT_CAP = 2_000
# Only the tools meant to time out have a short timeout. On the soak's crowded event loop a
# timer can fire a second late, so a 50 ms tool under a 0.3 s limit may still time out.
TOOL_TIMEOUT = 0.3
RELEASE = threading.Event()
"""Set when a soak's runs are done: the abandoned `sleepy` threads may then end."""
MODEL_ATTEMPTS = 3
HUMAN_ANSWER = "the human says yes"


@tool
def lookup(i: int) -> str:
    """Look an item up."""
    return f"item {i}"


@tool
async def slow(i: int) -> str:
    """Take a while."""
    await asyncio.sleep(0.05)
    return f"slow {i}"


@tool(timeout=TOOL_TIMEOUT)
async def hang(i: int) -> str:
    """Never finish (the tool timeout ends it)."""
    await asyncio.Event().wait()
    return "unreachable"


@tool(timeout=TOOL_TIMEOUT)
def sleepy(i: int) -> str:
    """A sync tool that outlives its timeout: its thread is abandoned, and ends with the soak."""
    RELEASE.wait(timeout=120)
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

# What the model sees for each kind of tool outcome (regular expressions, matched in full).
TIMED_OUT = r"Error: Tool '{}' did not finish within 0\.3 seconds\."
RAISED = r"Error: the tool 'boom' failed\. Try a different approach\."
TRUNCATED = r"x{1935}\n\[agentkit: output truncated, 98000 of 100000 characters removed\]"
ECHO = "<the fake model's echo of the tool outputs it received>"


def echo(outputs: list[str]) -> str:
    """The final text the fake model writes: a prefix of every tool output it received."""
    return "Done: " + " | ".join(output[:16] for output in outputs)


@dataclass(frozen=True)
class Scenario:
    """One way a run can go, and how it must end.

    Attributes:
        status: the run's final status; for ``cancel`` scenarios, if the run exists at all.
        calls: the model's tool calls on its first turn (later turns answer with text).
        outputs: a regular expression each recorded tool output must match, in call order.
        first_attempt: the reply to the first model request instead of the scripted one.
        always: the reply to every model request.
        attempts: model requests expected, by the number of tool outputs they carried
            (None: it depends on the timing).
        error: for failed runs, ``last_error``'s code and a regular expression its message
            matches.
        reason: for incomplete runs, ``incomplete_details.reason``.
        final: the last assistant message's text (``ECHO``: the fake's `echo` of the run's
            recorded outputs); None when the run writes no assistant message.
        stream_only: a fault of the SSE stream itself, so only the streaming agent meets it.
        cancel: the caller cancels the run soon after starting it.
        repeat: the model makes the same calls on every turn, until the run ends.
    """

    status: RunStatus
    calls: tuple[FakeToolCall, ...] = (FakeToolCall("lookup", {"i": 0}),)
    outputs: tuple[str, ...] = ("item 0",)
    first_attempt: FakeReply | None = None
    always: FakeReply | None = None
    attempts: Mapping[int, int] | None = field(default_factory=lambda: {0: 1, 1: 1})
    error: tuple[str, str] | None = None
    reason: str | None = None
    final: str | None = ECHO
    stream_only: bool = False
    cancel: bool = False
    repeat: bool = False


_LONG = "The answer is long enough to stream."
_RETRIED = {0: 2, 1: 1}
_NOTHING: dict[str, Any] = {"calls": (), "outputs": (), "final": None}


def _one_call(name: str, output: str) -> Scenario:
    return Scenario("completed", calls=(FakeToolCall(name, {"i": 1}),), outputs=(output,))


SCENARIOS: dict[str, Scenario] = {
    "ok": Scenario("completed"),
    "rate_limited": Scenario(
        "completed", first_attempt=FakeReply.error(429, "Slow down.", retry_after=0.01),
        attempts=_RETRIED,
    ),
    "server_error": Scenario(
        "completed", first_attempt=FakeReply.error(503, "Overloaded."), attempts=_RETRIED
    ),
    "dropped": Scenario(
        "completed", first_attempt=FakeReply(text="never sent", drop_after=0), attempts=_RETRIED
    ),
    "dropped_mid": Scenario(
        "completed", first_attempt=FakeReply(text=_LONG, drop_after=3), attempts=_RETRIED,
        stream_only=True,
    ),
    "cut": Scenario(
        "completed", first_attempt=FakeReply(text=_LONG, cut_after=3, chunk_size=4),
        attempts=_RETRIED, stream_only=True,
    ),
    "always_500": Scenario(
        "failed", always=FakeReply.error(500, "Down for good."), attempts={0: MODEL_ATTEMPTS},
        error=("server_error", r"The model API answered 500: .*Down for good\."), **_NOTHING,
    ),
    "stream_error": Scenario(
        "failed", always=FakeReply(text="partial", stream_error=("bad_request", "Refused.")),
        attempts={0: 1}, error=("bad_request", r"Refused\."), stream_only=True, **_NOTHING,
    ),
    "incomplete": Scenario(
        "incomplete", always=FakeReply(text="Cut sh", incomplete="max_output_tokens"),
        attempts={0: 1}, reason="max_output_tokens", calls=(), outputs=(), final="Cut sh",
    ),
    "cancel": Scenario(
        "cancelled", always=FakeReply(text="too late", delay=0.5), attempts=None, cancel=True,
        **_NOTHING,
    ),
    "expire": Scenario(  # the deadline may pass before the request is sent
        "expired", always=FakeReply(text="too late", delay=3.0), attempts=None, **_NOTHING
    ),
    "slow_tool": _one_call("slow", "slow 1"),
    "hang_tool": _one_call("hang", TIMED_OUT.format("hang")),
    "sleepy_tool": _one_call("sleepy", TIMED_OUT.format("sleepy")),
    "raising_tool": _one_call("boom", RAISED),
    "tool_budget": Scenario(
        "failed", calls=(FakeToolCall("boom", {"i": 1}),), outputs=(RAISED,) * 3,
        attempts={0: 1, 1: 1, 2: 1}, repeat=True, final=None,
        error=("tool_error", r"the tool 'boom' failed 3 times in a row; .*boom 1"),
    ),
    "malformed": Scenario(
        "completed", calls=(FakeToolCall("lookup", '{"i": 1'),),
        outputs=(r"Error: The arguments for tool 'lookup' are not valid JSON .*",),
    ),
    "invalid": Scenario(
        "completed", calls=(FakeToolCall("lookup", {"i": "one", "j": 2}),),
        outputs=(r"(?s)Error: Invalid arguments for tool 'lookup':\n- i: .*\n- j: .*",),
    ),
    "unknown": _one_call("no_such_tool", r"Error: There is no tool named 'no_such_tool'\. .*"),
    "oversized": _one_call("big", TRUNCATED),
    "cancel_in_tool": Scenario(
        "cancelled", calls=(FakeToolCall("hang", {"i": 1}),), outputs=(), attempts=None,
        cancel=True, final=None,
    ),
    "parallel": Scenario(
        "completed",
        calls=(
            FakeToolCall("lookup", {"i": 1}), FakeToolCall("boom", {"i": 2}),
            FakeToolCall("hang", {"i": 3}), FakeToolCall("slow", {"i": 4}),
            FakeToolCall("big", {"i": 5}),
        ),
        outputs=("item 1", RAISED, TIMED_OUT.format("hang"), "slow 4", TRUNCATED),
        attempts={0: 1, 5: 1},
    ),
    "ask": _one_call("ask_human", HUMAN_ANSWER),
    # Through an MCP server process (the official SDK's), shared by every run.
    "mcp_tool": Scenario(
        "completed", calls=(FakeToolCall("mcp_add", {"a": 1, "b": 2}),), outputs=("3",)
    ),
    "mcp_cancel": Scenario(
        "cancelled", calls=(FakeToolCall("mcp_hang", {"marker": "/dev/null"}),), outputs=(),
        attempts=None, cancel=True, final=None,
    ),
}  # fmt: skip


class SoakScript:
    """The fake model: answers by scenario, turn and attempt; seeded small latencies.

    ``attempts[(tag, outputs)]`` counts the requests of each run (by its user message) that
    carried that many tool outputs.
    """

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.attempts: defaultdict[tuple[str, int], int] = defaultdict(int)

    def __call__(self, request: FakeRequest) -> FakeReply:
        tag = request.last_user_text
        scenario = SCENARIOS[tag.split()[-1]]
        outputs = list(request.tool_outputs().values())
        attempt = self.attempts[(tag, len(outputs))]
        self.attempts[(tag, len(outputs))] = attempt + 1
        if scenario.always is not None:
            return scenario.always
        if attempt == 0 and not outputs and scenario.first_attempt is not None:
            return scenario.first_attempt
        delay = self.rng.choice((0.0, 0.0, 0.005, 0.02))
        if scenario.calls and (scenario.repeat or not outputs):
            return FakeReply.calls(*scenario.calls, delay=delay)
        return FakeReply(text=echo(outputs), delay=delay, chunk_size=16)


@dataclass
class Agents:
    """The soak's agents: streamed and not, and one whose runs expire after a second."""

    streamed: Agent[None]
    plain: Agent[None]
    expiring: Agent[None]

    def pick(self, name: str, rng: random.Random) -> Agent[None]:
        if name == "expire":
            return self.expiring
        if SCENARIOS[name].stream_only:
            return self.streamed
        return self.streamed if rng.random() < 0.7 else self.plain


def retry() -> RetryMiddleware:
    """Tiny waits: the soak tests the behaviour of retries, not their patience."""
    return RetryMiddleware(
        stop=stop_after_attempt(MODEL_ATTEMPTS), wait=wait_none(), max_retry_after=0.05
    )


def make_agents(fake_url: str, client_options: dict[str, Any] | None = None) -> Agents:
    """The agents over one shared client to the fake server at ``fake_url``."""
    import httpx2
    from openai import AsyncOpenAI

    http = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=200), timeout=30)
    client = AsyncOpenAI(
        base_url=fake_url, api_key="soak", max_retries=0, http_client=http, **client_options or {}
    )
    # Deadlines count wall-clock time, and in the soak most of a run's time is its wait for
    # the one event loop that hundreds of runs (and tracemalloc) share: tens of seconds on a
    # loaded machine. Tight limits would expire ordinary runs and time out ordinary tools at
    # random; timeouts are the subject of the `expire`, `hang_tool` and `sleepy_tool`
    # scenarios, which never finish in time however slow the machine is.
    limits = RunLimits(
        tool_timeout=60, max_tool_output_chars=OUTPUT_CAP, timeout=600, max_model_retries=2
    )

    # One MCP server for every agent's runs; the runner stops it when it closes.
    mcp = MCPToolset(sdk_command(), name="soak", strict=False, stderr=subprocess.DEVNULL)
    mcp_tools = mcp.filtered(lambda d: d.name in ("add", "hang")).prefixed("mcp")

    def agent(name: str, stream: bool, run_limits: RunLimits) -> Agent[None]:
        model = ResponsesModel("gpt-soak", client=client, stream=stream)
        tools: list[Tool | ToolDefinition | Toolset] = [*TOOLS, ASKED, mcp_tools]
        return Agent(name=name, model=model, tools=tools, limits=run_limits, middleware=[retry()])

    return Agents(
        streamed=agent("soak-streamed", True, limits),
        plain=agent("soak-plain", False, limits),
        expiring=agent("soak-expiring", True, RunLimits(timeout=1)),
    )


def fake_server(script: SoakScript) -> FakeOpenAI:
    """The misbehaving server."""
    # Recording thousands of requests would hide a real leak.
    return FakeOpenAI(script, record=False)
