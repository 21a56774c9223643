"""`model_from_env`: the adapter the environment asks for, or the offline `TestModel`."""

from __future__ import annotations

import os
from collections.abc import Mapping

from agentkit.exceptions import UserError
from agentkit.models.base import Model

__all__ = ["DEFAULT_MODEL", "describe_model", "model_from_env"]

DEFAULT_MODEL = "gpt-5.1"


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
    3. Nothing: the offline `agentkit.testing.TestModel`.

    ``AGENTKIT_API=chat`` selects `ChatCompletionsModel` instead of `ResponsesModel`. Use
    `describe_model` to tell the user which one was chosen.
    """
    env = os.environ if environ is None else environ
    if env.get("AZURE_OPENAI_ENDPOINT"):
        return _azure(model_name, env)
    if env.get("OPENAI_API_KEY") or env.get("OPENAI_BASE_URL"):
        return _openai(model_name, env)
    from agentkit.testing import TestModel

    return TestModel()


def describe_model(model: Model) -> str:
    """One line naming the adapter, the model and where it sends requests."""
    describe = getattr(model, "describe", None)
    if callable(describe):
        return str(describe())
    return f"{type(model).__name__} {model.model_name!r} ({model.provider})"


def _adapter(model_name: str, client: object, env: Mapping[str, str]) -> Model:
    from openai import AsyncOpenAI

    from agentkit.models.chat_completions import ChatCompletionsModel
    from agentkit.models.responses import ResponsesModel

    assert isinstance(client, AsyncOpenAI)
    api = env.get("AGENTKIT_API", "responses").strip().lower()
    if api in ("chat", "chat_completions", "chat.completions"):
        return ChatCompletionsModel(model_name, client=client)
    if api != "responses":
        raise UserError(f"AGENTKIT_API must be 'responses' or 'chat', not {api!r}")
    return ResponsesModel(model_name, client=client)


def _openai(model_name: str | None, env: Mapping[str, str]) -> Model:
    from openai import AsyncOpenAI

    name = model_name or env.get("AGENTKIT_MODEL") or DEFAULT_MODEL
    client = AsyncOpenAI(
        # Local servers (Ollama, llama.cpp) accept any key, and the SDK insists on one.
        api_key=env.get("OPENAI_API_KEY") or "not-needed",
        base_url=env.get("OPENAI_BASE_URL") or None,
    )
    return _adapter(name, client, env)


def _azure(model_name: str | None, env: Mapping[str, str]) -> Model:
    from openai import AsyncAzureOpenAI

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
