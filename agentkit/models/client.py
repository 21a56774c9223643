"""What the two openai-SDK adapters share: the client, created lazily, and call ids."""

from __future__ import annotations

import secrets
from typing import Any

from openai import AsyncAzureOpenAI, AsyncOpenAI

from agentkit.models.base import Model

__all__ = ["OpenAIClientModel", "new_call_id", "prebuilt"]


def new_call_id() -> str:
    """A call id for a server that sent none (Ollama), short enough for Responses (64 chars)."""
    return f"call_{secrets.token_hex(12)}"


def prebuilt(
    params: dict[str, Any], *fields: str, required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``params`` with ``fields`` sent as agentkit built them, past the SDK's request transform.

    The adapters build these fields (the conversation, the tools) in wire shape already. The
    SDK would walk each item against the union of every item type it knows on every call,
    which costs more CPU than the rest of the call put together; sent through ``extra_body``
    they reach the server unchanged (a test compares both bodies). A list the SDK's signature
    requires stays there empty, and the ``extra_body`` value replaces it. Fields the caller
    put in ``extra_body`` win.
    """
    sent = {key: params[key] for key in fields if key in params}
    if not sent:
        return params
    rest = {key: value for key, value in params.items() if key not in sent}
    rest.update({key: [] for key in required if key in sent})
    rest["extra_body"] = {**sent, **params.get("extra_body", {})}
    return rest


class OpenAIClientModel(Model):
    """Base of the adapters that talk through an `AsyncOpenAI` (or `AsyncAzureOpenAI`) client.

    Without a client, an `AsyncOpenAI()` is built on first use from the ``OPENAI_*`` environment
    variables, so importing and constructing need no API key; `aclose` closes only that client.

    Attributes:
        owns_client: whether `aclose` closes the client (True for one the adapter built, or
            that `model_from_env` built for it).

    Requests go through a copy of the client with the SDK's own retries off
    (``max_retries=0``): retrying is `RetryMiddleware`'s job (a `Runner` has one by default), so
    every retry is visible as an event and in traces, and retries never multiply.
    """

    api: str = "openai"

    def __init__(self, model_name: str, *, client: AsyncOpenAI | None = None) -> None:
        self.model_name = model_name
        self._client = client
        self._requests_client: AsyncOpenAI | None = None
        self.owns_client = client is None
        self.provider = "azure" if isinstance(client, AsyncAzureOpenAI) else "openai"

    @property
    def client(self) -> AsyncOpenAI:
        """The SDK client requests go through: the given one (or a new one), retries off."""
        if self._requests_client is None:
            if self._client is None:
                self._client = AsyncOpenAI()
            self._requests_client = self._client.with_options(max_retries=0)
        return self._requests_client

    def describe(self) -> str:
        """One line saying which API, model and server this adapter talks to."""
        where = str(self._client.base_url) if self._client is not None else "OPENAI_BASE_URL"
        return (
            f"{type(self).__name__} {self.model_name!r} via {self.api} at {where} ({self.provider})"
        )

    async def aclose(self) -> None:
        if self.owns_client and self._client is not None:
            await self._client.close()
            self._client = None
            self._requests_client = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_name!r}, provider={self.provider!r})"
