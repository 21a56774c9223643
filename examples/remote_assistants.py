"""Run an agent on a remote Assistants-wire service, with the tools running here.

Offline: it starts `agentkit serve` on 127.0.0.1 (its offline TestModel answers, SQLite in a
temporary directory) and drives it with `RemoteRunner`, streamed and then polled. Point the
`AsyncOpenAI` client at Foundry classic or any compatible server to do the same for real.
"""

from __future__ import annotations

import asyncio
import socket
import tempfile
from pathlib import Path

import uvicorn
from openai import AsyncOpenAI

from agentkit.agent import Agent
from agentkit.remote import PollPolicy, RemoteRunner
from agentkit.server.app import create_app
from agentkit.server.config import ServerConfig, offline_model_factory
from agentkit.testing import TestModel
from agentkit.tools import tool


@tool
def get_weather(city: str) -> str:
    """The current weather in a city.

    Args:
        city: the city name.
    """
    return f"sunny and 21 C in {city}"


async def main() -> None:
    agent = Agent(
        name="weather-bot",
        model=TestModel(),  # only its model name is sent; the service runs the model
        instructions="Answer weather questions with the get_weather tool.",
        tools=[get_weather],
    )
    with tempfile.TemporaryDirectory() as tmp:
        config = ServerConfig(
            model_factory=offline_model_factory,
            db_path=str(Path(tmp) / "serve.db"),
            api_keys={"sk-local": "demo"},
        )
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning"))
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
        try:
            async with AsyncOpenAI(base_url=url, api_key="sk-local") as client:
                for mode in ("stream", "poll"):
                    runner = RemoteRunner(client, mode=mode, poll=PollPolicy(default=0.05))
                    result = await runner.run(agent, "What is the weather in Oslo?")
                    for call in result.tool_calls:
                        print(f"[{mode}] tool {call.function.name}({call.function.arguments})")
                        print(f"[{mode}]   -> {call.function.output} ({call.duration_ms} ms)")
                    print(f"[{mode}] {result.status}: {result.output_text}")
        finally:
            server.should_exit = True
            await serving
            sock.close()


if __name__ == "__main__":
    asyncio.run(main())
