"""What middleware may know about the model adapter a call goes to."""

from __future__ import annotations

from dataclasses import dataclass

import openai

from agentkit.middleware.base import ModelCall
from agentkit.models.client import OpenAIClientModel

__all__ = ["ModelInfo", "client_retries", "model_info"]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The adapter's model name and provider (None when the call names no adapter).

    Attributes:
        name: the model (or deployment) name, e.g. ``gpt-4.1``.
        provider: ``openai``, ``azure``, ``test``...
    """

    name: str | None = None
    provider: str | None = None


def model_info(call: ModelCall) -> ModelInfo:
    """The name and provider of the adapter ``call`` goes to."""
    if call.model is None:
        return ModelInfo()
    return ModelInfo(call.model.model_name, call.model.provider)


def client_retries(call: ModelCall) -> int:
    """How many times the adapter's openai client retries on its own (0 if not an SDK model)."""
    model = call.model
    if not isinstance(model, OpenAIClientModel):
        return 0
    try:
        return int(model.client.max_retries)
    except openai.OpenAIError:  # no API key: the call itself will say so
        return 0
