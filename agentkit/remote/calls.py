"""The Assistants-wire calls a remote run makes, through the openai SDK.

Each call silences the SDK's deprecation warning at the moment the SDK method is called (see
`assistants_api`) and, for the non-streaming calls, returns the response headers too, so the
caller can honour ``openai-poll-after-ms`` on every response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from openai import AsyncOpenAI, omit

from agentkit.models.client import JsonEvents, post_for_events
from agentkit.remote.sdk import assistants_api

if TYPE_CHECKING:  # the Assistants types take ~0.4 s to import; the SDK loads them when used
    from openai._response import AsyncAPIResponse
    from openai.types.beta.thread import Thread as SdkThread
    from openai.types.beta.threads.message import Message as SdkMessage
    from openai.types.beta.threads.run import Run as SdkRun
    from openai.types.beta.threads.runs.run_step import RunStep as SdkRunStep

__all__ = ["AssistantsCalls", "Headers", "RawEvents"]

T = TypeVar("T")
Headers = Mapping[str, str]
RawEvents = JsonEvents
"""The service's Assistants stream as it came: each item ``{"event": name, "data": {...}}``."""

_ASSISTANTS_V2 = {"OpenAI-Beta": "assistants=v2"}


class AssistantsCalls:
    """The threads, messages, runs and steps calls of one client."""

    def __init__(self, client: AsyncOpenAI) -> None:
        self.client = client
        # Whether the service has POST /threads/runs (found out at the first 404).
        self.thread_and_run = True

    async def create_thread(self, metadata: Mapping[str, str] | None = None) -> SdkThread:
        """``POST /threads``."""
        with assistants_api():
            pending = self.client.beta.threads.create(metadata=dict(metadata or {}))
        return await pending

    async def delete_thread(self, thread_id: str) -> None:
        """``DELETE /threads/{id}``."""
        with assistants_api():
            pending = self.client.beta.threads.delete(thread_id)
        await pending

    async def add_message(self, thread_id: str, text: str | list[dict[str, Any]]) -> SdkMessage:
        """``POST /threads/{id}/messages`` with a user message (text, or content parts)."""
        content: Any = text
        with assistants_api():
            pending = self.client.beta.threads.messages.create(
                thread_id, role="user", content=content
            )
        return await pending

    async def retrieve_message(self, thread_id: str, message_id: str) -> SdkMessage:
        """``GET /threads/{id}/messages/{id}``."""
        with assistants_api():
            pending = self.client.beta.threads.messages.retrieve(message_id, thread_id=thread_id)
        return await pending

    async def stream_run(self, thread_id: str, params: Mapping[str, Any]) -> RawEvents:
        """``POST /threads/{id}/runs`` with ``stream: true``."""
        return await self._stream(f"/threads/{thread_id}/runs", params)

    async def stream_thread_and_run(self, params: Mapping[str, Any]) -> RawEvents:
        """``POST /threads/runs`` with ``stream: true``: a new thread and its run at once."""
        return await self._stream("/threads/runs", params)

    async def stream_submit(
        self, thread_id: str, run_id: str, outputs: Sequence[Mapping[str, str]]
    ) -> RawEvents:
        """``POST …/submit_tool_outputs`` with ``stream: true``: all outputs at once."""
        path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
        return await self._stream(path, {"tool_outputs": _outputs(outputs)})

    async def stream_approvals(
        self, thread_id: str, run_id: str, approvals: Sequence[Mapping[str, Any]]
    ) -> RawEvents:
        """``POST …/submit_tool_outputs`` with Foundry's ``tool_approvals``, streamed."""
        path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
        return await self._stream(path, {"tool_approvals": list(approvals)})

    async def _stream(self, path: str, body: Mapping[str, Any]) -> RawEvents:
        # The SDK's typed stream builds its model of every event, which agentkit would convert
        # again into its own records: the events' JSON is read as it came, converted once.
        return await post_for_events(self.client, path, body, headers=_ASSISTANTS_V2)

    async def submit_approvals(
        self, thread_id: str, run_id: str, approvals: Sequence[Mapping[str, Any]]
    ) -> tuple[SdkRun, Headers]:
        """``POST …/submit_tool_outputs`` with Foundry's ``tool_approvals``, with the headers."""
        runs = self.client.beta.threads.runs.with_streaming_response
        return await _with_headers(
            lambda: runs.submit_tool_outputs(run_id, thread_id=thread_id, **_approvals(approvals))
        )

    async def create_run(self, thread_id: str, params: Mapping[str, Any]) -> tuple[SdkRun, Headers]:
        """``POST /threads/{id}/runs``, with the response headers."""
        runs = self.client.beta.threads.runs.with_streaming_response
        return await _with_headers(lambda: runs.create(thread_id, **params))

    async def create_thread_and_run(self, params: Mapping[str, Any]) -> tuple[SdkRun, Headers]:
        """``POST /threads/runs``: a new thread and its run at once, with the headers."""
        threads = self.client.beta.threads.with_streaming_response
        return await _with_headers(lambda: threads.create_and_run(**params))

    async def retrieve_run(self, thread_id: str, run_id: str) -> tuple[SdkRun, Headers]:
        """``GET /threads/{id}/runs/{id}``, with the response headers."""
        runs = self.client.beta.threads.runs.with_streaming_response
        return await _with_headers(lambda: runs.retrieve(run_id, thread_id=thread_id))

    async def submit(
        self, thread_id: str, run_id: str, outputs: Sequence[Mapping[str, str]]
    ) -> tuple[SdkRun, Headers]:
        """``POST …/submit_tool_outputs``: all outputs at once, with the response headers."""
        runs = self.client.beta.threads.runs.with_streaming_response
        return await _with_headers(
            lambda: runs.submit_tool_outputs(
                run_id, thread_id=thread_id, tool_outputs=_outputs(outputs)
            )
        )

    async def cancel(self, thread_id: str, run_id: str) -> tuple[SdkRun, Headers]:
        """``POST …/cancel``, with the response headers."""
        runs = self.client.beta.threads.runs.with_streaming_response
        return await _with_headers(lambda: runs.cancel(run_id, thread_id=thread_id))

    async def list_run_messages(self, thread_id: str, run_id: str) -> list[SdkMessage]:
        """The messages the run wrote, oldest first (``GET …/messages?run_id=…``)."""
        with assistants_api():
            pages = self.client.beta.threads.messages.list(
                thread_id, run_id=run_id, order="asc", limit=100
            )
        return [message async for message in pages]

    async def list_steps(self, thread_id: str, run_id: str) -> list[SdkRunStep]:
        """Every step of the run, oldest first."""
        with assistants_api():
            pages = self.client.beta.threads.runs.steps.list(
                run_id, thread_id=thread_id, order="asc", limit=100
            )
        return [step async for step in pages]


def _approvals(approvals: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    # Foundry's body has tool_approvals and no tool_outputs: the SDK's required parameter is
    # left out (omit), and the approvals travel in the body as they are.
    return {"tool_outputs": omit, "extra_body": {"tool_approvals": list(approvals)}}


def _outputs(outputs: Sequence[Mapping[str, str]]) -> list[Any]:
    return [{"tool_call_id": o["tool_call_id"], "output": o["output"]} for o in outputs]


async def _with_headers(call: Callable[[], Any]) -> tuple[T, Headers]:
    with assistants_api():
        manager = call()
    async with manager as response:
        typed: AsyncAPIResponse[T] = response
        parsed: Awaitable[T] = typed.parse()
        return await parsed, dict(typed.headers)
