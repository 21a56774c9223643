"""Streaming with the openai SDK's event handler against ``agentkit serve``.

``runs.stream`` runs the assistant until it calls ``display_quiz``; the handler sees the tool
call, the client answers it, and ``submit_tool_outputs_stream`` streams the rest of the run.
This is Assistants API client code as it was written for OpenAI; only ``base_url`` and
``api_key`` point at a local ``agentkit serve`` (offline ``TestModel``).

Run it: ``python examples/assistants_api/streaming_quiz.py``.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from openai import AsyncAssistantEventHandler, AsyncOpenAI
from openai.types.beta.threads import Text, TextDelta
from openai.types.beta.threads.run_submit_tool_outputs_params import ToolOutput
from openai.types.beta.threads.runs import ToolCall
from openai.types.shared_params import FunctionDefinition

from agentkit.server import BackgroundServer, ServerConfig, offline_model_factory

QUIZ: FunctionDefinition = {
    "name": "display_quiz",
    "description": "Displays a quiz to the student, and returns the student's response.",
    "parameters": {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "questions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"question_text": {"type": "string"}},
                    "required": ["question_text"],
                },
            },
        },
        "required": ["title", "questions"],
    },
}


class EventHandler(AsyncAssistantEventHandler):
    async def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        print(delta.value, end="", flush=True)

    async def on_text_done(self, text: Text) -> None:
        print()

    async def on_tool_call_created(self, tool_call: ToolCall) -> None:
        print(f"[tool call] {tool_call.type}", flush=True)


def answer(arguments: dict[str, Any]) -> str:
    return json.dumps(["I don't know." for _ in arguments["questions"]])


async def tutorial(client: AsyncOpenAI) -> str:
    """Stream a run, answer its tool call, stream the rest; return the final status."""
    assistant = await client.beta.assistants.create(
        name="Math Tutor",
        instructions="You are a personal math tutor.",
        model="gpt-4o",
        tools=[{"type": "function", "function": QUIZ}],
    )
    thread = await client.beta.threads.create(
        messages=[{"role": "user", "content": "Quiz me on derivatives."}]
    )
    async with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant.id, event_handler=EventHandler()
    ) as stream:
        await stream.until_done()
        run = stream.current_run
    assert run is not None and run.required_action is not None
    tool_outputs: list[ToolOutput] = [
        {"tool_call_id": call.id, "output": answer(json.loads(call.function.arguments))}
        for call in run.required_action.submit_tool_outputs.tool_calls
    ]
    async with client.beta.threads.runs.submit_tool_outputs_stream(
        thread_id=thread.id,
        run_id=run.id,
        tool_outputs=tool_outputs,
        event_handler=EventHandler(),
    ) as stream:
        await stream.until_done()
        final = await stream.get_final_run()
    print("run:", final.status)
    return final.status


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = ServerConfig(
            model_factory=offline_model_factory,
            db_path=str(Path(folder) / "agentkit.db"),
            api_keys={"sk-local": "default"},
        )
        with BackgroundServer(config) as server:
            async with AsyncOpenAI(base_url=server.base_url, api_key="sk-local") as client:
                await tutorial(client)


if __name__ == "__main__":
    asyncio.run(main())
