"""The model adapter interface: one method from a frozen request to a stream of events."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator

from agentkit.models.events import ModelStreamEvent
from agentkit.models.request import ModelRequest

__all__ = ["Model", "describe_model"]


class Model(ABC):
    """Base class of model adapters, like an httpx transport: implement `stream`.

    `stream` yields text deltas and tool calls as they arrive and ends with exactly one
    `ModelResponseDone`. Failures raise `ModelError` with ``retryable`` set when trying
    again could help (rate limits, 5xx, timeouts, dropped connections).

    Attributes:
        model_name: the model (or deployment) name sent to the API.
        provider: a short name for logs and traces (``openai``, ``azure``, ``test``).
        structured_output: whether the server honours the request's ``output`` format
            (structured outputs). When False, the engine asks for a typed answer through a
            ``final_answer`` tool instead (`agentkit.models.answer_tool`). Configuration,
            never guessed from errors.
    """

    model_name: str = "unknown"
    provider: str = "unknown"
    structured_output: bool = True

    @abstractmethod
    def stream(self, request: ModelRequest) -> AsyncIterator[ModelStreamEvent]:
        """Make one model call and stream its events."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release resources the adapter owns (not a client it was given)."""


def describe_model(model: Model) -> str:
    """One line naming the adapter, the model and where it sends requests."""
    describe = getattr(model, "describe", None)
    if callable(describe):
        return str(describe())
    return f"{type(model).__name__} {model.model_name!r} ({model.provider})"
