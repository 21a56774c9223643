"""Which model a command uses: ``--model``, ``--api``, ``--base-url``, ``--offline`` and env.

Precedence, from strongest:

1. ``--offline``: the agent's own test model (`TestModel`, `FunctionModel`), else a `TestModel`.
2. ``--model``, ``--api`` or ``--base-url``: a model built by `model_from_env`, with the flags
   laid over the environment (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
   ``AZURE_OPENAI_ENDPOINT`` + ``OPENAI_API_VERSION``); an API must be configured.
3. A configured environment replaces the agent's model when the agent has a test model, or
   when ``AGENTKIT_MODEL`` or ``AGENTKIT_API`` is set.
4. Otherwise the agent's own model: offline (and said so) when it is a test model. An agent
   given no model runs on the configured environment, or offline on a `TestModel` (said so):
   the command line chooses the offline model, never the library.
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard, TypeVar

import click
import openai

from agentkit.agent import Agent
from agentkit.exceptions import UserError
from agentkit.models import (
    Model,
    api_configured,
    describe_model,
    model_from_env,
)
from agentkit.models.client import OpenAIClientModel
from agentkit.testing import FunctionModel, TestModel

__all__ = [
    "ModelChoice",
    "ModelOptions",
    "agents_model",
    "choose_model",
    "is_offline",
    "model_options",
    "with_model",
]

F = TypeVar("F", bound=Callable[..., Any])

_HOW_TO_CONFIGURE = (
    "set OPENAI_API_KEY, OPENAI_BASE_URL (a local server) or AZURE_OPENAI_ENDPOINT "
    "+ OPENAI_API_VERSION"
)


@dataclass(frozen=True, slots=True)
class ModelOptions:
    """The model flags as given on the command line."""

    model: str | None = None
    api: str | None = None
    base_url: str | None = None
    offline: bool = False


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """The model to run with, whether it is offline, and one line describing it.

    Attributes:
        owned: the command built this model, so it closes it at the end.
    """

    model: Model
    offline: bool
    description: str
    owned: bool = False


def model_options(command: F) -> F:
    """Add the model flags to a click command; it receives them as ``models=ModelOptions``."""

    @functools.wraps(command)
    def wrapper(
        *args: Any,
        model: str | None,
        api: str | None,
        base_url: str | None,
        offline: bool,
        **kwargs: Any,
    ) -> Any:
        options = ModelOptions(model=model, api=api, base_url=base_url, offline=offline)
        return command(*args, models=options, **kwargs)

    decorated: Any = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


_OPTIONS = (
    click.option(
        "--model",
        "model",
        metavar="NAME",
        help="Model (or Azure deployment) to use instead of the agent's; env AGENTKIT_MODEL.",
    ),
    click.option(
        "--api",
        "api",
        type=click.Choice(["responses", "chat"]),
        help="Responses API (default) or Chat Completions; env AGENTKIT_API.",
    ),
    click.option(
        "--base-url",
        "base_url",
        metavar="URL",
        help="An OpenAI-compatible server, e.g. http://localhost:11434/v1; env OPENAI_BASE_URL.",
    ),
    click.option(
        "--offline",
        is_flag=True,
        help="Use no model API: the agent's test model, or a TestModel.",
    ),
)


def is_offline(model: Model | None) -> TypeGuard[TestModel | FunctionModel]:
    """Whether ``model`` is one of agentkit's offline test models."""
    return isinstance(model, TestModel | FunctionModel)


def choose_model(
    agent_model: Model | None, options: ModelOptions, environ: Mapping[str, str] | None = None
) -> ModelChoice:
    """Decide the model a command runs with (see the module docstring for the rules).

    Args:
        agent_model: the agent's own model, or None when it was given none.
        options: the command's model flags.
        environ: the environment (default: ``os.environ``).

    Raises:
        UserError: a flag asks for a real model but no API is configured, or the agent's own
            model cannot build its client.
    """
    env = dict(os.environ if environ is None else environ)
    if options.offline:
        offline: Model = agent_model if is_offline(agent_model) else TestModel()
        return ModelChoice(offline, True, f"offline (--offline): {describe_model(offline)}")
    if options.base_url:
        env["OPENAI_BASE_URL"] = options.base_url
    if options.api:
        env["AGENTKIT_API"] = options.api
    configured = api_configured(env)
    flags = options.model or options.api or options.base_url
    if flags and not configured:
        raise UserError(f"--model and --api need a model API: {_HOW_TO_CONFIGURE}, or --base-url")
    env_override = env.get("AGENTKIT_MODEL") or env.get("AGENTKIT_API")
    follows_env = agent_model is None or is_offline(agent_model)
    if flags or (configured and (follows_env or env_override)):
        model = model_from_env(_model_name(agent_model, options, env), environ=env)
        return ModelChoice(model, False, describe_model(model), owned=True)
    if agent_model is None:
        agent_model = TestModel()
    if is_offline(agent_model):
        note = (
            f"offline, no model API configured: using {describe_model(agent_model)}. "
            f"To use a real model, {_HOW_TO_CONFIGURE}."
        )
        return ModelChoice(agent_model, True, note)
    _check_client(agent_model)
    return ModelChoice(agent_model, False, describe_model(agent_model))


def _model_name(
    agent_model: Model | None, options: ModelOptions, env: Mapping[str, str]
) -> str | None:
    # `--api chat` alone keeps the agent's model name; a name from the environment wins.
    if options.model or agent_model is None or is_offline(agent_model):
        return options.model
    if env.get("AGENTKIT_MODEL") or env.get("AZURE_OPENAI_DEPLOYMENT"):
        return None
    return agent_model.model_name


def _check_client(model: Model) -> None:
    # The agent's adapter builds its client from the environment on first use: fail now, in
    # one line, rather than inside the first run.
    if not isinstance(model, OpenAIClientModel):
        return
    try:
        model.client  # noqa: B018 - builds the client, or raises
    except (openai.OpenAIError, UserError) as exc:
        raise UserError(
            f"{describe_model(model)} cannot reach a model API: {exc} "
            f"({_HOW_TO_CONFIGURE}, or pass --offline)"
        ) from exc


def agents_model(agent: Agent[Any], options: ModelOptions) -> Model | None:
    """The agent's own model for `choose_model`: None when the environment decides.

    A model given by name is built from the environment; when the environment cannot serve
    it, that is an error only if the command would use it (not with ``--offline``).
    """
    if agent.uses_environment_model:
        return None
    try:
        return agent.model
    except UserError as exc:
        if options.offline:
            return None
        raise UserError(f"{exc} (or pass --offline)") from exc


def with_model(agent: Agent[Any], choice: ModelChoice) -> Agent[Any]:
    """``agent`` itself when it keeps its model, else a copy running on the chosen one."""
    if choice.model is agents_model(agent, ModelOptions(offline=True)):
        return agent
    copied = copy.copy(agent)
    copied.model = choice.model
    return copied
