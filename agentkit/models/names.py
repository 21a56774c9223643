"""`resolve_model`: the adapter an agent's ``model=`` setting stands for.

An agent's model is a `Model` object, the name ``"test"`` (the offline `TestModel`), or
nothing, which means "whatever the environment configures" (`model_from_env`), decided at
the agent's first run. Nothing falls back to the offline model silently: without a
configured API, that first run fails with an error naming the environment variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import agentkit.models as models
from agentkit.exceptions import UserError
from agentkit.models.base import Model
from agentkit.models.test import TestModel

__all__ = [
    "API_VARIABLES",
    "DEFAULT_MODEL",
    "HOW_TO_CONFIGURE",
    "ModelSpec",
    "api_configured",
    "resolve_model",
]

DEFAULT_MODEL = "gpt-5.1"
"""The model `model_from_env` names when the environment names none."""


HOW_TO_CONFIGURE = (
    "set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server), or AZURE_OPENAI_ENDPOINT "
    "with OPENAI_API_VERSION; or run offline with model='test'"
)
"""How to make `model_from_env` find a model, for error messages."""


def api_configured(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the environment names a model API `model_from_env` can use."""
    env = os.environ if environ is None else environ
    return any(env.get(name) for name in API_VARIABLES)


API_VARIABLES = ("AZURE_OPENAI_ENDPOINT", "OPENAI_API_KEY", "OPENAI_BASE_URL")
"""The variables that configure a model API, any one is enough."""

ModelSpec = Model | str | None
"""What ``Agent(model=...)`` accepts."""

_OFFLINE = "test"


def resolve_model(spec: ModelSpec) -> Model:
    """The model adapter for ``spec``.

    Raises:
        UserError: no API is configured for ``None``, or the name is not one agentkit knows.
    """
    if isinstance(spec, Model):
        return spec
    if spec is None:
        # Through the package, which loads the SDK-backed module on first use.
        return models.model_from_env()
    if spec == _OFFLINE:
        return TestModel()
    raise UserError(
        f"model={spec!r}: give a Model (ResponsesModel, ChatCompletionsModel, ...), "
        f"{_OFFLINE!r} for the offline TestModel, or nothing to use the configured environment"
    )
