"""The agent: an assistant defined in code (model, instructions, tools, settings)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any, Generic

from agentkit.context import DepsT
from agentkit.events import RunEvent
from agentkit.exceptions import UserError
from agentkit.limits import RunLimits
from agentkit.middleware.base import Middleware
from agentkit.models.base import Model
from agentkit.models.names import ModelName, ModelSpec, parse_model_name, resolve_model
from agentkit.models.request import ModelSettings, ToolChoice
from agentkit.records import Thread, TruncationStrategy, UserInput
from agentkit.runner import Runner
from agentkit.runs.agent_tool import AgentTool
from agentkit.runs.handoffs import Handoff, handoff_graph
from agentkit.runs.protocol import AgentRunner
from agentkit.runs.result import OutputT, RunResult
from agentkit.stores.memory import MemoryStore
from agentkit.tool_choice.base import ToolChoicePolicy, as_policy
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition, check_tool_name
from agentkit.tools.output_type import OutputType
from agentkit.toolsets.base import Toolset
from agentkit.toolsets.combined import CombinedToolset, toolset_from
from agentkit.toolsets.function import FunctionToolset

__all__ = ["DEFAULT_RETAINED_THREADS", "Agent"]

DEFAULT_RETAINED_THREADS = 1000
"""How many threads the agent's own runner keeps (the most recently used; see `Agent.runner`)."""

ToolLike = Tool | ToolDefinition | Toolset | Callable[..., Any]


class Agent(Generic[DepsT, OutputT]):
    """An assistant: a model, instructions and tools, plus how runs of it behave.

    ``agent.run(...)`` and ``agent.iter_run(...)`` use an in-memory `Runner` that belongs to
    this agent; give a `Runner` (for example over a `SQLiteStore`) to persist elsewhere.
    ``Agent[DepsT, OutputT]``: the type of ``deps`` the tools receive, and of the final
    answer (``result.output``; ``str`` without an ``output_type``).

    Args:
        name: shown in logs; the default ``id`` is derived from it.
        instructions: the system prompt.
        model: a model by name (``"gpt-5.1"``, ``"openai:gpt-5.1"``, ``"azure:<deployment>"``,
            ``"chat:<model>"``; see `agentkit.models.resolve_model`), ``"test"`` for the
            offline `TestModel`, a model adapter (`ResponsesModel`...), or nothing for the
            model the environment configures. A name's form is checked here; its API is read
            from the environment (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
            ``AZURE_OPENAI_ENDPOINT``...) at the first run, which fails naming what is missing.
        tools: `@tool` functions, plain functions (wrapped with `@tool`), bare
            `ToolDefinition`s (answered by the caller in ``requires_action``) and toolsets.
        tool_choice: ``"auto"``, ``"none"``, ``"required"``, a tool name, or a policy.
        parallel_tool_calls: let the model call several tools per turn (None: the API's
            default).
        settings: sampling and output settings for every model call.
        middleware: wraps every run of this agent, outermost first.
        limits: turns, deadline, tool timeouts and concurrency.
        truncation: how much of the thread the model sees.
        output_type: the type of the final answer (a pydantic model, a dataclass,
            ``list[int]``, ``Literal[...]``...; an `OutputType` for options): asked for as
            structured output and validated into ``result.output``; an invalid answer is
            sent back to the model (``limits.max_model_retries`` times). None or ``str``:
            a text answer.
        handoffs: agents this one may transfer the conversation to (or `Handoff` s, to name
            or describe the transfer); each is offered to the model as a
            ``transfer_to_<name>`` tool. See `agentkit.runs.handoffs`; `add_handoffs` adds
            more later (for agents that hand back to each other).
        description: what the agent does, for other agents (handoffs, `as_tool`).
        id: the ``assistant_id`` recorded on runs (default ``asst_<name>``).
    """

    def __init__(
        self,
        *,
        name: str,
        model: ModelSpec = None,
        instructions: str = "",
        tools: Sequence[ToolLike] | Toolset = (),
        tool_choice: ToolChoicePolicy | ToolChoice | str = "auto",
        parallel_tool_calls: bool | None = None,
        settings: ModelSettings | None = None,
        middleware: Sequence[Middleware] = (),
        limits: RunLimits | None = None,
        truncation: TruncationStrategy | None = None,
        output_type: type[OutputT] | OutputType[OutputT] | None = None,
        handoffs: Sequence[Agent[Any, Any] | Handoff] = (),
        description: str = "",
        id: str | None = None,
    ) -> None:
        if not isinstance(model, Model | str | None):
            raise UserError(
                f"Agent {name!r}: model must be a name ('gpt-5.1', 'test', ...), a Model "
                f"(ResponsesModel, ChatCompletionsModel, TestModel, ...) or None, got "
                f"{type(model).__name__}"
            )
        self.name = name
        self.id = id or _assistant_id(name)
        self._model, self._model_name = _model_setting(model)
        self.instructions = instructions
        self.description = description
        self._own_tools = tools if isinstance(tools, Toolset) else toolset_from(tools)
        self._handoffs: tuple[Handoff, ...] = ()
        self.toolset: Toolset = self._own_tools
        self.add_handoffs(*handoffs)
        self._wired: tuple[ToolDefinition, ...] = ()
        self._wire_tools: list[dict[str, Any]] | None = None
        self.tool_choice = as_policy(tool_choice)
        self.parallel_tool_calls = parallel_tool_calls
        self.settings = settings or ModelSettings()
        self.middleware = tuple(middleware)
        self.limits = limits or RunLimits()
        self.truncation = truncation or TruncationStrategy()
        self.output: OutputType[OutputT] | None = _output_type(output_type)
        self._runner: Runner | None = None

    @property
    def handoffs(self) -> tuple[Handoff, ...]:
        """The transfers this agent may make, in the order its model sees them."""
        return self._handoffs

    def add_handoffs(self, *targets: Agent[Any, Any] | Handoff) -> None:
        """Let this agent transfer the conversation to ``targets`` too.

        Raises:
            UserError: a tool name is invalid or taken (two tools, or two handoffs, alike),
                or two different agents reachable through handoffs share an id.
        """
        added = tuple(t if isinstance(t, Handoff) else Handoff(t) for t in targets)
        previous = self._handoffs
        self._handoffs = (*previous, *added)
        try:
            handoff_graph(self)
            toolset = self._own_tools
            if self._handoffs:
                toolset = CombinedToolset([toolset, FunctionToolset(self._handoffs)])
            for tool_name in toolset.names():
                check_tool_name(tool_name, where=f"Agent {self.name!r}")
        except UserError:
            self._handoffs = previous  # nothing changes
            raise
        self.toolset = toolset
        self._wire_tools = None

    def as_tool(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        timeout: float | None = None,
    ) -> AgentTool:
        """This agent as a tool of another: each call runs it (see `AgentTool`)."""
        return AgentTool(self, name=name, description=description, timeout=timeout)

    def wire_tools(self) -> list[dict[str, Any]]:
        """The tool definitions in the Assistants API shape.

        Computed again only when the definitions change (an MCP server's tool list).
        """
        definitions = tuple(self.toolset.definitions())
        wired = self._wired
        if (
            self._wire_tools is None
            or len(definitions) != len(wired)
            or any(new is not old for new, old in zip(definitions, wired, strict=True))
        ):
            self._wired = definitions
            self._wire_tools = [d.to_assistants() for d in definitions]
        return self._wire_tools

    @property
    def model(self) -> Model:
        """The model adapter; for a name or nothing, the environment's, built on first use.

        Raises:
            UserError: the environment lacks what the model needs (the message names it).
        """
        if self._model is None:
            self._model = resolve_model(self._model_name)
        return self._model

    @model.setter
    def model(self, model: Model) -> None:
        self._model = model

    @property
    def uses_environment_model(self) -> bool:
        """Whether no model was given, so the first run builds the environment's."""
        return self._model is None and self._model_name is None

    def __repr__(self) -> str:
        if self._model is not None:
            name = self._model.model_name
        else:
            name = self._model_name.spec if self._model_name else "from the environment"
        return f"Agent(name={self.name!r}, model={name!r})"

    @property
    def runner(self) -> Runner:
        """The agent's own in-memory runner, created on first use.

        Its store keeps the `DEFAULT_RETAINED_THREADS` most recently used threads (with their
        messages, runs and steps) and forgets older ones, so that an agent run many times
        does not grow without bound. Its runs live in this process only and cannot be
        recovered after it ends; pass ``runner=Runner(store)`` to keep them.
        """
        if self._runner is None:
            self._runner = Runner(MemoryStore(max_threads=DEFAULT_RETAINED_THREADS))
        return self._runner

    def iter_run(
        self,
        input: UserInput | None = None,
        *,
        thread: Thread | str | None = None,
        deps: DepsT | None = None,
        runner: AgentRunner | None = None,
        **options: Any,
    ) -> AsyncGenerator[RunEvent, None]:
        """Start a run and stream its events; see `Runner.iter_run`."""
        return (runner or self.runner).iter_run(self, input, thread=thread, deps=deps, **options)

    async def run(
        self,
        input: UserInput | None = None,
        *,
        thread: Thread | str | None = None,
        deps: DepsT | None = None,
        runner: AgentRunner | None = None,
        **options: Any,
    ) -> RunResult[OutputT]:
        """Start a run, wait for it to end (or pause), and return the result."""
        return await (runner or self.runner).run(self, input, thread=thread, deps=deps, **options)

    def run_sync(
        self,
        input: UserInput | None = None,
        *,
        thread: Thread | str | None = None,
        deps: DepsT | None = None,
        runner: AgentRunner | None = None,
        **options: Any,
    ) -> RunResult[OutputT]:
        """`run`, for scripts and notebooks without an event loop: blocks until the run ends.

        Each call runs in a new event loop, closed when it returns, with the model clients it
        opened; threads and runs stay in the runner's store for the next call.

        Raises:
            UserError: called while an event loop is running (a notebook cell, async code):
                use ``await agent.run(...)`` there.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.run(input, thread=thread, deps=deps, runner=runner, **options))
        raise UserError(
            f"Agent {self.name!r}: run_sync() cannot run inside a running event loop (a "
            "notebook, an async function or framework); use `await agent.run(...)` instead"
        )


def _model_setting(model: ModelSpec) -> tuple[Model | None, ModelName | None]:
    """The model now (an adapter, or the offline one), or the name to resolve at first run."""
    if isinstance(model, str) and model != "test":
        return None, parse_model_name(model)  # the form is checked now, the environment later
    return (resolve_model(model) if model is not None else None), None


def _output_type(value: Any) -> OutputType[Any] | None:
    if value is None or value is str:
        return None
    return value if isinstance(value, OutputType) else OutputType(value)


def _assistant_id(name: str) -> str:
    slug = "".join(c if c.isalnum() else "_" for c in name.strip().lower()).strip("_")
    return f"asst_{slug or 'agent'}"
