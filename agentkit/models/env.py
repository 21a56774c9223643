"""`model_from_env`: the adapter the environment asks for (imports the openai SDK)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from openai import AsyncAzureOpenAI, AsyncOpenAI

from agentkit.exceptions import UserError
from agentkit.models.base import Model
from agentkit.models.chat_completions import ChatCompletionsModel
from agentkit.models.names import DEFAULT_MODEL, HOW_TO_CONFIGURE
from agentkit.models.responses import ResponsesModel

__all__ = ["model_from_env"]


def model_from_env(
    model_name: str | None = None, *, environ: Mapping[str, str] | None = None
) -> Model:
    """Build the model adapter the environment describes.

    In order of precedence:

    1. ``AZURE_OPENAI_ENDPOINT`` (with ``OPENAI_API_VERSION``, and ``AZURE_OPENAI_API_KEY`` or
       ``AZURE_OPENAI_AD_TOKEN``): an `AsyncAzureOpenAI` client; the deployment is
       ``model_name``, ``AZURE_OPENAI_DEPLOYMENT`` or ``AGENTKIT_MODEL``.
    2. ``OPENAI_API_KEY`` or ``OPENAI_BASE_URL`` (local servers need no key): an `AsyncOpenAI`
       client; the model is ``model_name``, ``AGENTKIT_MODEL`` or `DEFAULT_MODEL`.

    ``AGENTKIT_API=chat`` selects `ChatCompletionsModel` instead of `ResponsesModel`. Use
    `describe_model` to tell the user which one was chosen.

    Raises:
        UserError: none of these variables is set (for the offline model, say so: pass
            ``model="test"`` or a `TestModel`).
    """
    env = os.environ if environ is None else environ
    if env.get("AZURE_OPENAI_ENDPOINT"):
        return _azure(model_name, env)
    if env.get("OPENAI_API_KEY") or env.get("OPENAI_BASE_URL"):
        return _openai(model_name, env)
    raise UserError(f"no model API is configured: {HOW_TO_CONFIGURE}")


def _adapter(model_name: str, client: AsyncOpenAI, env: Mapping[str, str]) -> Model:
    api = env.get("AGENTKIT_API", "responses").strip().lower()
    model: ChatCompletionsModel | ResponsesModel
    if api in ("chat", "chat_completions", "chat.completions"):
        model = ChatCompletionsModel(model_name, client=client)
    elif api == "responses":
        model = ResponsesModel(model_name, client=client)
    else:
        raise UserError(f"AGENTKIT_API must be 'responses' or 'chat', not {api!r}")
    model.owns_client = True  # built here for it: its aclose() closes the client
    return model


def _openai(model_name: str | None, env: Mapping[str, str]) -> Model:
    name = model_name or env.get("AGENTKIT_MODEL") or DEFAULT_MODEL
    client = AsyncOpenAI(
        # Local servers (Ollama, llama.cpp) accept any key, and the SDK insists on one.
        api_key=env.get("OPENAI_API_KEY") or "not-needed",
        base_url=env.get("OPENAI_BASE_URL") or None,
    )
    return _adapter(name, client, env)


def _azure(model_name: str | None, env: Mapping[str, str]) -> Model:
    name = model_name or env.get("AZURE_OPENAI_DEPLOYMENT") or env.get("AGENTKIT_MODEL")
    if not name:
        raise UserError(
            "model_from_env: AZURE_OPENAI_ENDPOINT is set, so a deployment name is needed: "
            "pass model_name or set AZURE_OPENAI_DEPLOYMENT"
        )
    version = env.get("OPENAI_API_VERSION")
    if not version:
        raise UserError(
            "model_from_env: AZURE_OPENAI_ENDPOINT is set but OPENAI_API_VERSION is not"
        )
    client = AsyncAzureOpenAI(
        azure_endpoint=env["AZURE_OPENAI_ENDPOINT"],
        api_version=version,
        api_key=env.get("AZURE_OPENAI_API_KEY") or None,
        azure_ad_token=env.get("AZURE_OPENAI_AD_TOKEN") or None,
    )
    return _adapter(name, client, env)
