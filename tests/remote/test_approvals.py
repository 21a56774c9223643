"""Approvals in remote runs, against `agentkit serve` over real HTTP.

Both kinds: agentkit's own tool with ``needs_approval`` (the service asked for its output),
and the service's tool that needs approval (the service pauses with Foundry's
``submit_tool_approval``, and the decisions go back as ``tool_approvals``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

import pytest
from openai import AsyncOpenAI

from agentkit import Agent, ToolDefinition, tool
from agentkit.exceptions import InvalidRunStateError
from agentkit.records import ToolApproval
from agentkit.remote import FOUNDRY_CLASSIC, OPENAI, PollPolicy, RemoteRunner
from agentkit.remote.approving import approvals_wire
from agentkit.remote.objects import run_from
from agentkit.server.app import create_app
from agentkit.server.config import ServerConfig, offline_model_factory
from agentkit.testing import TestModel
from agentkit.toolsets import FunctionToolset
from tests.leak_watch import secret

from .conftest import serve

SERVE_KEY = secret("sk-remote-approvals-key")
RAN: list[str] = []


@tool(needs_approval=True)
def send_email(to: str) -> str:
    """Send an email."""
    RAN.append(f"local:{to}")
    return f"sent to {to}"


@tool(needs_approval=True)
def purge_cache(region: str) -> str:
    """Purge a CDN cache (runs on the server)."""
    RAN.append(f"server:{region}")
    return f"purged {region}"


@pytest.fixture
async def serve_client(tmp_path: Path) -> AsyncIterator[AsyncOpenAI]:
    RAN.clear()
    config = ServerConfig(
        model_factory=offline_model_factory,
        db_path=str(tmp_path / "serve.db"),
        api_keys={SERVE_KEY: "proj"},
        poll_after_ms=20,
        tools=FunctionToolset([purge_cache]),
    )
    async with serve(create_app(config), lifespan="on") as url:
        client = AsyncOpenAI(base_url=f"{url}/v1", api_key=SERVE_KEY, max_retries=0)
        yield client
        await client.close()


@pytest.mark.parametrize("mode", ["stream", "poll"])
async def test_agentkits_own_tool_waits_for_approval_then_runs(
    serve_client: AsyncOpenAI, mode: Literal["stream", "poll"]
) -> None:
    agent = Agent(name="mailer", model=TestModel(), tools=[send_email])
    runner = RemoteRunner(serve_client, mode=mode, poll=PollPolicy(default=0.02))

    paused = await runner.run(agent, "Mail the team")
    [waiting] = paused.pending_approvals
    with pytest.raises(InvalidRunStateError, match="waits for approvals, not for tool outputs"):
        await runner.submit_tool_outputs(agent, paused.run.id, {waiting.id: "sent"})
    edit = ToolApproval.approved(waiting.id, arguments={"to": "team@example.com"})
    result = await runner.submit_tool_approvals(agent, paused.run.id, [edit])

    assert paused.status == "requires_action"
    assert paused.run.required_action is not None
    assert paused.run.required_action.type == "submit_tool_approval"
    assert result.status == "completed", result.last_error
    assert RAN == ["local:team@example.com"]
    assert "sent to team@example.com" in result.output_text


async def test_a_denied_local_call_tells_the_model_and_never_runs(
    serve_client: AsyncOpenAI,
) -> None:
    agent = Agent(name="mailer", model=TestModel(), tools=[send_email])
    runner = RemoteRunner(serve_client, poll=PollPolicy(default=0.02))

    paused = await runner.run(agent, "Mail the team")
    [waiting] = paused.pending_approvals
    result = await runner.submit_tool_approvals(
        agent, paused.run.id, [ToolApproval.denied(waiting.id, "not today")]
    )

    assert result.status == "completed"
    assert RAN == []
    assert "the user denied it. Reason: not today" in result.output_text


@pytest.mark.parametrize("mode", ["stream", "poll"])
async def test_the_services_approval_request_is_shown_and_answered_with_tool_approvals(
    serve_client: AsyncOpenAI, mode: Literal["stream", "poll"]
) -> None:
    # The agent names the tool; the server runs it (ServerConfig.tools) after approval.
    server_side = ToolDefinition(
        name="purge_cache", parameters={"type": "object", "properties": {}}
    )
    agent = Agent(name="ops", model=TestModel(), tools=[server_side])
    runner = RemoteRunner(serve_client, mode=mode, poll=PollPolicy(default=0.02))

    paused = await runner.run(agent, "Purge the cache")
    [waiting] = paused.pending_approvals
    result = await runner.submit_tool_approvals(agent, paused.run.id, {waiting.id: True})

    assert waiting.function.name == "purge_cache"
    assert result.status == "completed", result.last_error
    assert len(RAN) == 1 and RAN[0].startswith("server:")


def test_foundry_mcp_approval_calls_become_function_calls_named_by_server() -> None:
    run = run_from(
        {
            "id": "run_1",
            "thread_id": "thread_1",
            "agent_id": "asst_1",
            "status": "requires_action",
            "required_action": {
                "type": "submit_tool_approval",
                "submit_tool_approval": {
                    "tool_calls": [
                        {
                            "id": "call_mcp",
                            "type": "mcp",
                            "name": "delete_repo",
                            "arguments": '{"repo": "x"}',
                            "server_label": "github",
                        }
                    ]
                },
            },
        },
        FOUNDRY_CLASSIC,
    )

    assert run.required_action is not None
    [call] = run.required_action.tool_calls
    assert (call.id, call.function.name, call.function.arguments) == (
        "call_mcp",
        "github.delete_repo",
        '{"repo": "x"}',
    )


def test_foundry_gets_only_its_own_approval_fields() -> None:
    decisions = {"c": ToolApproval.denied("c", "no")}

    assert approvals_wire(decisions, FOUNDRY_CLASSIC) == [{"tool_call_id": "c", "approve": False}]
    assert approvals_wire(decisions, OPENAI) == [
        {"tool_call_id": "c", "approve": False, "reason": "no"}
    ]
