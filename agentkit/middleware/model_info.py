"""What middleware may know about the model adapter a call goes to."""

from __future__ import annotations

from dataclasses import dataclass

import openai

from agentkit.middleware.base import ModelCall
from agentkit.models.base import Model
from agentkit.models.client import OpenAIClientModel

__all__ = ["ModelInfo", "client_retries", "model_info"]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The adapter's model name and provider, when the engine says which adapter it is.

    Attributes:
        name: the model (or deployment) name, e.g. ``gpt-4.1``.
        provider: ``openai``, ``azure``, ``test``...
    """

    name: str | None = None
    provider: str | None = None


def _model_of(call: ModelCall) -> Model | None:
    # The engine passes the adapter on the call as ``ModelCall.model`` (requested field);
    # until then nothing is known beyond the run's model name.
    model = getattr(call, "model", None)
    return model if isinstance(model, Model) else None


def model_info(call: ModelCall) -> ModelInfo:
    """The name and provider of the adapter ``call`` goes to (empty when unknown)."""
    model = _model_of(call)
    if model is None:
        return ModelInfo()
    return ModelInfo(model.model_name, model.provider)


def client_retries(call: ModelCall) -> int:
    """How many times the adapter's openai client retries on its own (0 if not an SDK model)."""
    model = _model_of(call)
    if not isinstance(model, OpenAIClientModel):
        return 0
    try:
        return int(model.client.max_retries)
    except openai.OpenAIError:  # no API key: the call itself will say so
        return 0
