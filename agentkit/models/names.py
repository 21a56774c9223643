"""`resolve_model`: the adapter an agent's ``model=`` setting stands for.

An agent's model is a `Model` object; a name; the name ``"test"`` (the offline `TestModel`);
or nothing, which means "whatever the environment configures" (`model_from_env`). A name is
a model on the API the environment configures, in the CLI's conventions:

- ``"gpt-5.1"``: Azure when ``AZURE_OPENAI_ENDPOINT`` is set, else OpenAI (or the server
  ``OPENAI_BASE_URL`` names), through ``AGENTKIT_API``'s API (Responses by default);
- ``"openai:gpt-5.1"``: OpenAI (``OPENAI_API_KEY``; ``OPENAI_BASE_URL`` optional);
- ``"azure:my-deployment"``: Azure OpenAI (``AZURE_OPENAI_ENDPOINT``,
  ``OPENAI_API_VERSION``, ``AZURE_OPENAI_API_KEY``);
- ``"responses:qwen3"``, ``"chat:qwen3"``: the environment's endpoint, through that API.

The form is checked when the agent is built (`parse_model_name`); the environment is read
at its first run, which fails naming the missing variable. Nothing falls back to the offline
model silently.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import agentkit.models as models
from agentkit.exceptions import UserError
from agentkit.models.base import Model
from agentkit.models.test import TestModel

__all__ = [
    "API_VARIABLES",
    "DEFAULT_MODEL",
    "HOW_TO_CONFIGURE",
    "ModelName",
    "ModelSpec",
    "api_configured",
    "parse_model_name",
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
_PROVIDERS = ("openai", "azure")
_APIS = ("responses", "chat")


@dataclass(frozen=True, slots=True)
class ModelName:
    """A model given by name, its form checked (see the module docstring).

    Attributes:
        spec: the name as given (``"azure:my-deployment"``).
        name: the model (or deployment) name sent to the API.
        provider: ``openai`` or ``azure`` when the name says so; None: the environment's.
        api: ``responses`` or ``chat`` when the name says so; None: ``AGENTKIT_API``'s.
    """

    spec: str
    name: str
    provider: Literal["openai", "azure"] | None = None
    api: Literal["responses", "chat"] | None = None


def parse_model_name(spec: str) -> ModelName:
    """Check the form of a model name (the environment is not read).

    Raises:
        UserError: the name is empty, has spaces, or starts with a prefix agentkit does not
            know (a model name containing ``:``, like Ollama's ``qwen3:8b``, needs one).
    """
    prefix, colon, rest = spec.partition(":")
    name = rest if colon else spec
    provider: Literal["openai", "azure"] | None = None
    api: Literal["responses", "chat"] | None = None
    if colon and prefix in _PROVIDERS:
        provider = "openai" if prefix == "openai" else "azure"
    elif colon and prefix in _APIS:
        api = "responses" if prefix == "responses" else "chat"
    elif colon:
        raise UserError(
            f"model={spec!r}: {prefix!r} is not a prefix agentkit knows "
            f"({', '.join(_PROVIDERS + _APIS)}); a model whose name contains ':' needs one, "
            f"e.g. 'chat:{spec}' or 'openai:{spec}'"
        )
    if colon and not name:
        raise UserError(f"model={spec!r} names no model after {prefix!r}:, e.g. '{prefix}:gpt-5.1'")
    if not name.strip() or any(c.isspace() for c in name):
        raise UserError(
            f"model={spec!r}: a model name is one word with no spaces, e.g. 'gpt-5.1', "
            f"'openai:gpt-5.1', 'azure:my-deployment' or 'chat:qwen3'"
        )
    return ModelName(spec, name, provider, api)


def resolve_model(spec: ModelSpec | ModelName, environ: Mapping[str, str] | None = None) -> Model:
    """The model adapter for ``spec``, reading the environment for names and for None.

    Raises:
        UserError: the name's form is wrong, or the environment lacks a variable its API
            needs (the message names it); for None, no API is configured.
    """
    if isinstance(spec, Model):
        return spec
    if spec is None:
        # Through the package, which loads the SDK-backed module on first use.
        return models.model_from_env(environ=environ)
    if spec == _OFFLINE:
        return TestModel()
    name = spec if isinstance(spec, ModelName) else parse_model_name(spec)
    return models.model_for_name(name, environ)
