"""The model behind the server: an upstream Responses or Chat Completions endpoint."""

from __future__ import annotations

from typing import Literal

from openai import AsyncOpenAI

from agentkit.models.base import Model
from agentkit.models.chat_completions import ChatCompletionsModel
from agentkit.models.responses import ResponsesModel
from agentkit.server.config import ModelFactory

__all__ = ["upstream_model_factory"]


def upstream_model_factory(
    *,
    base_url: str | None,
    api_key: str | None,
    api: Literal["responses", "chat"] = "responses",
    model_override: str | None = None,
) -> tuple[ModelFactory, str, AsyncOpenAI]:
    """A model factory sending every run to one upstream server, sharing one client.

    Args:
        base_url: the upstream's ``/v1`` URL (None: api.openai.com).
        api_key: the upstream's key (local servers accept any; "not-needed" is sent).
        api: ``responses`` for `ResponsesModel`, ``chat`` for `ChatCompletionsModel`.
        model_override: send this model name upstream whatever the assistant names (the
            assistant's own name is still what clients see).

    Returns:
        The factory, a one-line description for the startup banner, and the client (close
        it on shutdown).
    """
    client = AsyncOpenAI(api_key=api_key or "not-needed", base_url=base_url)
    adapter = ChatCompletionsModel if api == "chat" else ResponsesModel

    def factory(model_name: str) -> Model:
        return adapter(model_override or model_name, client=client)

    where = base_url or "https://api.openai.com/v1"
    upstream = f" as {model_override!r}" if model_override else ""
    description = f"{adapter.__name__} via {api} API at {where}{upstream}"
    return factory, description, client
