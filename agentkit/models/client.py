"""What the two openai-SDK adapters share: where requests go (client or endpoint), call ids."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, TypeAlias

from openai import AsyncAzureOpenAI, AsyncOpenAI, AsyncStream

from agentkit.exceptions import UserError
from agentkit.models.base import Model
from agentkit.models.clients import build_client, client_for, close_client
from agentkit.models.endpoint import Endpoint, openai_endpoint

__all__ = ["JsonEvents", "OpenAIClientModel", "new_call_id", "post_for_events", "wire_body"]


def new_call_id() -> str:
    """A call id for a server that sent none (Ollama), short enough for Responses (64 chars)."""
    return f"call_{secrets.token_hex(12)}"


def wire_body(wire: dict[str, Any]) -> dict[str, Any]:
    """The request body, sent as it is (the settings' ``extra_body`` fields win).

    The adapters build every field in wire shape, post it with ``client.post`` and read the
    reply's JSON themselves: the SDK's typed request transform and response models, which
    cost more CPU than the rest of a call, are skipped. The body is the one the SDK would
    send (``tests/models/test_prebuilt.py`` compares them).
    """
    body = {key: value for key, value in wire.items() if key != "extra_body"}
    body.update(wire.get("extra_body") or {})
    return body


JsonEvents: TypeAlias = AsyncStream[dict[str, Any]]
"""A server-sent event stream read as JSON: each item the event's data, as it came."""


async def post_for_events(
    client: AsyncOpenAI,
    path: str,
    body: Mapping[str, Any],
    *,
    headers: Mapping[str, str] | None = None,
) -> JsonEvents:
    """``POST path`` with ``stream: true`` in the body; the events' JSON, as it came.

    Raises:
        openai.APIError: as the SDK raises it (a status error before the stream opens).
    """
    events: JsonEvents = await client.post(
        path,
        body={**body, "stream": True},
        cast_to=object,
        options={"headers": dict(headers)} if headers else {},
        stream=True,
        stream_cls=JsonEvents,
    )
    return events


class OpenAIClientModel(Model):
    """Base of the adapters that talk through an `AsyncOpenAI` (or `AsyncAzureOpenAI`) client.

    Given a ``client``, requests go through it. Otherwise they go to an `Endpoint`: the one
    given, or, read at the first request, OpenAI's from ``OPENAI_API_KEY`` and
    ``OPENAI_BASE_URL`` (so constructing needs no key). An endpoint's clients are made per
    event loop and shared by every adapter on that loop (`agentkit.models.clients`), so the
    adapter works from any loop, ``run_sync`` included; they close when their loop shuts
    down, or at `aclose`.

    Attributes:
        owns_client: whether `aclose` closes the given client (True when `model_from_env`
            built it for this adapter).

    Requests go through clients with the SDK's own retries off (``max_retries=0``):
    retrying is `RetryMiddleware`'s job (a `Runner` has one by default), so every retry is
    visible as an event and in traces, and retries never multiply.
    """

    api: str = "openai"

    def __init__(
        self,
        model_name: str,
        *,
        client: AsyncOpenAI | None = None,
        endpoint: Endpoint | None = None,
    ) -> None:
        if client is not None and endpoint is not None:
            raise UserError(f"{type(self).__name__}: give a client or an endpoint, not both")
        self.model_name = model_name
        self._client = client
        self._requests_client: AsyncOpenAI | None = None
        self.endpoint = endpoint
        self.owns_client = False
        azure = isinstance(client, AsyncAzureOpenAI) or (endpoint and endpoint.kind == "azure")
        self.provider = "azure" if azure else "openai"

    @property
    def client(self) -> AsyncOpenAI:
        """The SDK client requests go through: the given one, or the running loop's.

        Raises:
            UserError: no client was given and the environment names no API key.
        """
        if self._client is None:
            if self.endpoint is None:
                self.endpoint = openai_endpoint(needed_by=f"{type(self).__name__}")
            return client_for(self.endpoint)
        if self._requests_client is None:
            self._requests_client = self._client.with_options(max_retries=0)
        return self._requests_client

    def describe(self) -> str:
        """One line saying which API, model and server this adapter talks to."""
        if self._client is not None:
            where = str(self._client.base_url)
        elif self.endpoint is not None:
            where = str(build_client(self.endpoint).base_url)  # as the SDK spells it
        else:
            where = "OPENAI_BASE_URL"
        return (
            f"{type(self).__name__} {self.model_name!r} via {self.api} at {where} ({self.provider})"
        )

    async def aclose(self) -> None:
        """Close the client this adapter owns, or the running loop's client for its endpoint."""
        if self._client is None:
            if self.endpoint is not None:
                await close_client(self.endpoint)
        elif self.owns_client:
            await self._client.close()
            self._client = None
            self._requests_client = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_name!r}, provider={self.provider!r})"
