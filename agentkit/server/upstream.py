"""The model behind the server: an upstream Responses or Chat Completions endpoint, or none.

`model_source` decides, explicitly, where ``agentkit serve``'s runs are answered:

1. ``--upstream URL`` (or ``AGENTKIT_UPSTREAM_URL``): that server.
2. ``AZURE_OPENAI_ENDPOINT`` (with ``OPENAI_API_VERSION``): that Azure OpenAI resource, each
   assistant's model naming a deployment.
3. ``OPENAI_BASE_URL``: that server (a local one needs no key).
4. ``OPENAI_API_KEY``: api.openai.com.
5. None of these (or ``offline``): the offline `TestModel`.

The order of 2-4 is `agentkit.models.model_from_env`'s, so ``serve`` and the other commands
read the environment alike. The description names the source, for the startup banner.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from openai import AsyncAzureOpenAI, AsyncOpenAI, OpenAIError

from agentkit.exceptions import UserError
from agentkit.models.base import Model
from agentkit.models.chat_completions import ChatCompletionsModel
from agentkit.models.responses import ResponsesModel
from agentkit.server.config import ModelFactory, offline_model_factory

__all__ = ["ModelSource", "model_source", "upstream_model_factory"]

UpstreamAPI = Literal["responses", "chat"]

_OPENAI_URL = "https://api.openai.com/v1"


def upstream_model_factory(
    *,
    base_url: str | None,
    api_key: str | None,
    api: UpstreamAPI = "responses",
    model_override: str | None = None,
    client: AsyncOpenAI | None = None,
) -> tuple[ModelFactory, str, AsyncOpenAI]:
    """A model factory sending every run to one upstream server, sharing one client.

    Args:
        base_url: the upstream's ``/v1`` URL (None: api.openai.com).
        api_key: the upstream's key (local servers accept any; "not-needed" is sent).
        api: ``responses`` for `ResponsesModel`, ``chat`` for `ChatCompletionsModel`.
        model_override: send this model name upstream whatever the assistant names (the
            assistant's own name is still what clients see).
        client: use this client (an `AsyncAzureOpenAI`, say) instead of building one from
            ``base_url`` and ``api_key``.

    Returns:
        The factory, a one-line description for the startup banner, and the client (close
        it on shutdown).
    """
    if client is None:
        client = AsyncOpenAI(api_key=api_key or "not-needed", base_url=base_url)
    adapter = ChatCompletionsModel if api == "chat" else ResponsesModel
    shared = client

    def factory(model_name: str) -> Model:
        return adapter(model_override or model_name, client=shared)

    where = str(client.base_url).rstrip("/")
    upstream = f" as {model_override!r}" if model_override else ""
    description = f"{adapter.__name__} via {api} API at {where}{upstream}"
    return factory, description, client


@dataclass(frozen=True, slots=True)
class ModelSource:
    """Where runs are answered.

    Attributes:
        factory: builds each run's model.
        description: one line for the banner, naming the source.
        origin: what chose it (``--upstream``, ``AZURE_OPENAI_ENDPOINT``, ``OPENAI_BASE_URL``,
            ``OPENAI_API_KEY``), or ``offline``.
        client: the upstream client to close on shutdown (None offline).
    """

    factory: ModelFactory
    description: str
    origin: str
    client: AsyncOpenAI | None = None

    @property
    def offline(self) -> bool:
        """Whether runs are answered by the offline test model."""
        return self.client is None


def model_source(
    upstream: str | None,
    *,
    api: UpstreamAPI = "responses",
    model_override: str | None = None,
    offline: bool = False,
    environ: Mapping[str, str] | None = None,
) -> ModelSource:
    """The model source ``agentkit serve`` uses, in the order the module docstring gives.

    The upstream key is ``AGENTKIT_UPSTREAM_API_KEY``, else ``OPENAI_API_KEY`` (Azure:
    ``AZURE_OPENAI_API_KEY`` or ``AZURE_OPENAI_AD_TOKEN``).

    Raises:
        UserError: ``AZURE_OPENAI_ENDPOINT`` is set without ``OPENAI_API_VERSION``.
    """
    env = os.environ if environ is None else environ
    if offline:
        return _offline("--offline")
    chosen = _upstream_choice(upstream, env)
    if chosen is None:
        return _offline(
            "no upstream: pass --upstream URL, or set AZURE_OPENAI_ENDPOINT, OPENAI_BASE_URL "
            "or OPENAI_API_KEY"
        )
    origin, client = chosen
    factory, description, client = upstream_model_factory(
        base_url=None, api_key=None, api=api, model_override=model_override, client=client
    )
    return ModelSource(factory, f"{description} (from {origin})", origin, client)


def _upstream_choice(
    upstream: str | None, env: Mapping[str, str]
) -> tuple[str, AsyncOpenAI] | None:
    """What chose the upstream, and its client; None when nothing did."""
    key = env.get("AGENTKIT_UPSTREAM_API_KEY") or env.get("OPENAI_API_KEY") or "not-needed"
    if upstream:
        return "--upstream", AsyncOpenAI(base_url=upstream, api_key=key)
    if env.get("AZURE_OPENAI_ENDPOINT"):
        return "AZURE_OPENAI_ENDPOINT", _azure_client(env)
    if env.get("OPENAI_BASE_URL"):
        return "OPENAI_BASE_URL", AsyncOpenAI(base_url=env["OPENAI_BASE_URL"], api_key=key)
    if env.get("OPENAI_API_KEY"):
        return "OPENAI_API_KEY", AsyncOpenAI(base_url=_OPENAI_URL, api_key=key)
    return None


def _offline(why: str) -> ModelSource:
    description = f"offline TestModel, deterministic answers ({why})"
    return ModelSource(offline_model_factory, description, "offline")


def _azure_client(env: Mapping[str, str]) -> AsyncAzureOpenAI:
    version = env.get("OPENAI_API_VERSION")
    if not version:
        raise UserError("AZURE_OPENAI_ENDPOINT is set but OPENAI_API_VERSION is not")
    try:
        return AsyncAzureOpenAI(
            azure_endpoint=env["AZURE_OPENAI_ENDPOINT"],
            api_version=version,
            api_key=env.get("AZURE_OPENAI_API_KEY") or None,
            azure_ad_token=env.get("AZURE_OPENAI_AD_TOKEN") or None,
        )
    except OpenAIError as exc:  # no credentials
        raise UserError(f"AZURE_OPENAI_ENDPOINT is set, but: {exc}") from None
