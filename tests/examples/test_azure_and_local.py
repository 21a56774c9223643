"""Azure and local-server configuration, against FakeOpenAI served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import sys

from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall

from .run_example import EXAMPLES, ROOT


def clock(request: FakeRequest) -> FakeReply | str:
    outputs = request.tool_outputs()
    if outputs:
        return f"It is {next(iter(outputs.values()))}."
    return FakeReply.calls(FakeToolCall("get_time", {"city": "Oslo"}))


async def run_example(env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLES / "azure_and_local.py"),
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_azure_uses_the_deployment_and_the_api_version() -> None:
    fake = FakeOpenAI(clock)
    async with fake.serve() as base_url:
        out = await run_example(
            {
                "AZURE_OPENAI_ENDPOINT": base_url.removesuffix("/v1"),
                "OPENAI_API_VERSION": "2025-04-01-preview",
                "AZURE_OPENAI_API_KEY": "test-key",
                "AZURE_OPENAI_DEPLOYMENT": "my-deployment",
            }
        )

    assert out == "azure: completed: It is 12:00 in Oslo.\n"
    assert [request.api for request in fake.requests] == ["responses", "responses"]
    first = fake.requests[0]
    assert first.query == {"api-version": "2025-04-01-preview"}
    assert first.headers["api-key"] == "test-key"
    assert first.body["model"] == "my-deployment"
    assert first.body["parallel_tool_calls"] is True


async def test_a_local_server_gets_chat_completions_and_stateless_responses() -> None:
    fake = FakeOpenAI(clock)
    async with fake.serve() as base_url:
        out = await run_example({"OPENAI_BASE_URL": base_url, "LOCAL_MODEL": "llama3.1"})

    assert out == (
        "local chat: completed: It is 12:00 in Oslo.\n"
        "local responses: completed: It is 12:00 in Oslo.\n"
    )
    assert [request.api for request in fake.requests] == ["chat", "chat", "responses", "responses"]
    assert {request.body["model"] for request in fake.requests} == {"llama3.1"}
    replayed = fake.requests[3].body
    assert replayed["store"] is False
    assert "previous_response_id" not in replayed
    assert [item.get("type", item.get("role")) for item in replayed["input"]] == [
        "user",
        "function_call",
        "function_call_output",
    ]


async def test_nothing_configured_says_how_to_configure() -> None:
    out = await run_example({})

    assert out.startswith("Set AZURE_OPENAI_ENDPOINT (Azure) or OPENAI_BASE_URL")
