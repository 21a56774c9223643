"""The adapters the environment asks for: `model_from_env`, and models given by name.

Both read the environment in the conventions of the openai client and the CLI (see
`agentkit.models.endpoint`) and build adapters that talk to an `Endpoint` through a client
per event loop (`agentkit.models.clients`). This module imports the openai SDK.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from agentkit.exceptions import UserError
from agentkit.models.base import Model
from agentkit.models.chat_completions import ChatCompletionsModel
from agentkit.models.endpoint import Endpoint, azure_endpoint, openai_endpoint
from agentkit.models.names import DEFAULT_MODEL, HOW_TO_CONFIGURE, ModelName
from agentkit.models.responses import ResponsesModel

__all__ = ["model_for_name", "model_from_env"]


def model_from_env(
    model_name: str | None = None, *, environ: Mapping[str, str] | None = None
) -> Model:
    """Build the model adapter the environment describes.

    In order of precedence:

    1. ``AZURE_OPENAI_ENDPOINT`` (with ``OPENAI_API_VERSION``, and ``AZURE_OPENAI_API_KEY`` or
       ``AZURE_OPENAI_AD_TOKEN``): Azure OpenAI; the deployment is ``model_name``,
       ``AZURE_OPENAI_DEPLOYMENT`` or ``AGENTKIT_MODEL``.
    2. ``OPENAI_API_KEY`` or ``OPENAI_BASE_URL`` (local servers need no key): OpenAI or that
       server; the model is ``model_name``, ``AGENTKIT_MODEL`` or `DEFAULT_MODEL`.

    ``AGENTKIT_API=chat`` selects `ChatCompletionsModel` instead of `ResponsesModel`. Use
    `describe_model` to tell the user which one was chosen.

    Raises:
        UserError: none of these variables is set (for the offline model, say so: pass
            ``model="test"`` or a `TestModel`), or a variable Azure needs is missing.
    """
    env = os.environ if environ is None else environ
    if env.get("AZURE_OPENAI_ENDPOINT"):
        name = model_name or env.get("AZURE_OPENAI_DEPLOYMENT") or env.get("AGENTKIT_MODEL")
        if not name:
            raise UserError(
                "model_from_env: AZURE_OPENAI_ENDPOINT is set, so a deployment name is needed: "
                "pass model_name or set AZURE_OPENAI_DEPLOYMENT"
            )
        return _adapter(name, azure_endpoint(env, needed_by="model_from_env"), env)
    if env.get("OPENAI_API_KEY") or env.get("OPENAI_BASE_URL"):
        name = model_name or env.get("AGENTKIT_MODEL") or DEFAULT_MODEL
        return _adapter(name, openai_endpoint(env), env)
    raise UserError(f"no model API is configured: {HOW_TO_CONFIGURE}")


def model_for_name(name: ModelName, environ: Mapping[str, str] | None = None) -> Model:
    """The adapter for a model given by name, on the endpoint the environment configures.

    ``openai:`` and ``azure:`` choose the provider; otherwise Azure when
    ``AZURE_OPENAI_ENDPOINT`` is set, else OpenAI (or ``OPENAI_BASE_URL``'s server).
    ``responses:`` and ``chat:`` choose the API; otherwise ``AGENTKIT_API``, else Responses.

    Raises:
        UserError: a variable the endpoint needs is missing; the message names it.
    """
    env = os.environ if environ is None else environ
    who = f"model={name.spec!r}"
    provider = name.provider
    if provider is None:
        provider = "azure" if env.get("AZURE_OPENAI_ENDPOINT") else "openai"
    if provider == "azure":
        endpoint = azure_endpoint(env, needed_by=who)
    else:
        endpoint = openai_endpoint(env, needed_by=who)
    return _adapter(name.name, endpoint, env, api=name.api)


def _adapter(
    model_name: str, endpoint: Endpoint, env: Mapping[str, str], *, api: str | None = None
) -> Model:
    chosen = (api or env.get("AGENTKIT_API") or "responses").strip().lower()
    if chosen in ("chat", "chat_completions", "chat.completions"):
        return ChatCompletionsModel(model_name, endpoint=endpoint)
    if chosen == "responses":
        return ResponsesModel(model_name, endpoint=endpoint)
    raise UserError(f"AGENTKIT_API must be 'responses' or 'chat', not {chosen!r}")
