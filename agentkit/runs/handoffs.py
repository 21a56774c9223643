"""Handoffs: an agent transfers the conversation to another agent, within the same thread.

An agent's handoffs are offered to its model as tools, ``transfer_to_<name>``. When the
model calls one, the call answers ``Transferred to <name>.`` and, once every call of that
step is answered, the run goes on with the other agent: its instructions, model, tools,
settings and limits (the run's middleware stay). The run records the new instructions and
model, and keeps its ``assistant_id`` (and its ``tools`` as it began); every
message and step records the agent that wrote it as its ``assistant_id``, so the thread
shows who said what, and the next run on the thread continues with the agent that has the
conversation (the writer of its last message, if the started agent can reach it through
handoffs). A run paused after a handoff resumes with the agent it was handed to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentkit.context import RunContext
from agentkit.events import HandoffEvent
from agentkit.exceptions import UserError
from agentkit.records import FunctionToolCall, Run, ToolCallsStepDetails
from agentkit.runs.state import RunState
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition, check_tool_name

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["ACTIVE_AGENT", "Handoff", "handoff_graph", "resume_active_agent", "take_handoff"]

ACTIVE_AGENT = "agentkit.active_agent"
"""The key in ``ctx.state`` (saved with the run) naming the agent the run was handed to."""

_NO_ARGUMENTS = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}


class Handoff(Tool):
    """A transfer to ``agent``, offered to the model as a tool without arguments.

    Args:
        agent: the agent that takes the conversation.
        name: the tool name (default ``transfer_to_<agent name>``).
        description: when to transfer, for the model (default: from the agent's
            ``description``).
    """

    def __init__(
        self, agent: Agent[Any, Any], *, name: str | None = None, description: str | None = None
    ) -> None:
        self.agent = agent
        tool_name = name or f"transfer_to_{_slug(agent.name)}"[:64]
        check_tool_name(tool_name, where=f"Handoff to {agent.name!r}")
        about = description or (
            f"Hand the conversation to {agent.name}"
            + (f": {agent.description}" if agent.description else ".")
        )
        self._definition = ToolDefinition(tool_name, about, _NO_ARGUMENTS, strict=True)

    @property
    def definition(self) -> ToolDefinition:
        return self._definition

    @property
    def source(self) -> str:
        return f"Handoff to {self.agent!r}"

    async def invoke(self, arguments: str, ctx: RunContext[Any] | None = None) -> str:
        """Confirm the transfer; the run switches agents when the step closes."""
        return f"Transferred to {self.agent.name}."


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "_-" else "_" for c in name.strip().lower()) or "agent"


def handoff_graph(agent: Agent[Any, Any]) -> dict[str, Agent[Any, Any]]:
    """Every agent ``agent`` can reach through handoffs (itself included), by id.

    Raises:
        UserError: two different agents of the graph have the same id.
    """
    found: dict[str, Agent[Any, Any]] = {}
    todo = [agent]
    while todo:
        current = todo.pop()
        known = found.get(current.id)
        if known is current:
            continue
        if known is not None:
            raise UserError(
                f"two agents reachable through handoffs have the id {current.id!r} "
                f"({known.name!r} and {current.name!r}); give one another id"
            )
        found[current.id] = current
        todo.extend(h.agent for h in current.handoffs)
    return found


async def take_handoff(state: RunState) -> None:
    """Hand the run to the agent of the step's first answered handoff call, if there is one.

    Called once every call of the step has its output; further handoff calls of the same
    step are told the conversation went elsewhere.
    """
    step = state.pending_step
    assert step is not None and isinstance(step.step_details, ToolCallsStepDetails)
    taken: tuple[FunctionToolCall, Handoff] | None = None
    calls = []
    for call in step.step_details.tool_calls:
        tool = state.agent.toolset.get(call.function.name)
        if isinstance(tool, Handoff) and call.error is None and call.function.output is not None:
            if taken is None:
                taken = (call, tool)
            else:
                told = f"Not transferred: the conversation went to {taken[1].agent.name}."
                call = call.model_copy(
                    update={"function": call.function.model_copy(update={"output": told})}
                )
        calls.append(call)
    if taken is None:
        return
    state.pending_step = step.model_copy(
        update={"step_details": ToolCallsStepDetails(tool_calls=calls)}
    )
    switch_agent(state, taken[1].agent, call_id=taken[0].id)


def switch_agent(state: RunState, target: Agent[Any, Any], *, call_id: str | None) -> None:
    """Go on with ``target``: the run's instructions and model become its own.

    The run's ``assistant_id`` and ``tools`` stay as the run began.
    """
    previous = state.agent
    state.agent = target
    state.run = state.run.model_copy(
        update={
            "instructions": _instructions(state.run, previous, target),
            "model": target.model.model_name,
        }
    )
    state.ctx.state[ACTIVE_AGENT] = target.id
    state.ctx.emit(HandoffEvent(previous.id, target.id, target.name, call_id))


def _instructions(run: Run, previous: Agent[Any, Any], target: Agent[Any, Any]) -> str:
    # The run's additional instructions (appended to the agent's) stay with the run.
    extra = ""
    if previous.instructions and run.instructions.startswith(previous.instructions):
        extra = run.instructions[len(previous.instructions) :].strip()
    return f"{target.instructions}\n\n{extra}".strip() if extra else target.instructions


async def resume_active_agent(state: RunState, *, resumed: bool) -> None:
    """Start (or resume) the run with the agent that has the conversation.

    A resumed run goes on with the agent it was handed to; a new run with the agent that
    wrote the thread's last message, when the started agent reaches it through handoffs.
    """
    graph = handoff_graph(state.agent)
    if len(graph) == 1:
        return
    if resumed:
        wanted = state.ctx.state.get(ACTIVE_AGENT)
    else:
        messages = await state.store.list_messages(state.run.thread_id)
        writers = [m.assistant_id for m in messages if m.role == "assistant" and m.assistant_id]
        wanted = writers[-1] if writers else None
    target = graph.get(wanted) if isinstance(wanted, str) else None
    if target is None or target is state.agent:
        return
    if resumed:
        state.agent = target  # the stored run already has its instructions, model and tools
    else:
        switch_agent(state, target, call_id=None)
