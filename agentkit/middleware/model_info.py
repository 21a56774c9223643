"""What middleware may know about the model adapter a call goes to."""

from __future__ import annotations

from dataclasses import dataclass

from agentkit.calls import ModelCall

__all__ = ["ModelInfo", "model_info"]


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
