"""An agent used as a tool (`Agent.as_tool`): each call is a run of it, linked to the call.

The sub-agent runs on a new thread, through the runner driving the calling run (so in the
same store), with the caller's ``deps``. When it ends, the tool emits a `SubRunEvent`; the
calling run (`observe_sub_runs`) adds the sub-run's usage to its own and links the run from
the call in its step (``FunctionToolCall.sub_run``). Cancelling the calling run cancels the
call, and with it the sub-agent's run. A sub-run that does not complete is a tool error the
model sees.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from agentkit.context import RunContext
from agentkit.events import SubRunEvent, UsageEvent
from agentkit.exceptions import ToolExecutionError, ToolValidationError
from agentkit.records import FunctionToolCall, SubRunLink, ToolCallsStepDetails
from agentkit.runs.result import RunResult
from agentkit.runs.state import RunState
from agentkit.tools.base import Tool
from agentkit.tools.definition import ToolDefinition, check_tool_name
from agentkit.tools.invocation import parse_arguments

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["AgentTool", "observe_sub_runs"]

_INPUT = {
    "type": "object",
    "properties": {"input": {"type": "string", "description": "What to ask the agent."}},
    "required": ["input"],
    "additionalProperties": False,
}


class AgentTool(Tool):
    """``agent`` offered as a tool taking one ``input`` string and answering its final output.

    Args:
        agent: the agent each call runs.
        name: the tool name (default: the agent's name, made a valid tool name).
        description: what the tool does, for the calling model (default: the agent's
            ``description``).
        timeout: seconds a call (the whole sub-run) may take; None: the calling agent's
            ``tool_timeout``.
    """

    def __init__(
        self,
        agent: Agent[Any, Any],
        *,
        name: str | None = None,
        description: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.agent = agent
        self.timeout = timeout
        tool_name = check_tool_name(name or _slug(agent.name), where=f"{agent!r}.as_tool()")
        about = description or agent.description or f"Ask the agent {agent.name!r}."
        self._definition = ToolDefinition(tool_name, about, _INPUT, strict=True)

    @property
    def definition(self) -> ToolDefinition:
        return self._definition

    @property
    def source(self) -> str:
        return f"{self.agent!r}.as_tool()"

    async def invoke(self, arguments: str, ctx: RunContext[Any] | None = None) -> str:
        """Run the agent on the ``input`` argument and return its final output (text or JSON).

        Raises:
            ToolArgumentsError, ToolValidationError: the arguments are not ``{"input": str}``.
            ToolExecutionError: the sub-agent's run did not complete (failed, paused...).
        """
        data = parse_arguments(arguments, tool_name=self.name)
        question = data.get("input")
        if not isinstance(question, str):
            problem = [("input", "a string is required")]
            raise ToolValidationError(
                f"Invalid arguments for tool {self.name!r}: 'input' must be a string.",
                tool_name=self.name,
                errors=problem,
            )
        ctx = ctx or RunContext(deps=None)
        runner = ctx.runner or self.agent.runner
        metadata = {"agentkit_parent_run_id": ctx.run_id, "agentkit_parent_call_id": ctx.call_id}
        result = await runner.run(
            self.agent, question, deps=ctx.deps, metadata={k: v for k, v in metadata.items() if v}
        )
        ctx.emit(SubRunEvent(ctx.call_id or "", result.run, result.usage))
        if result.status != "completed":
            raise _failed(self.agent.name, self.name, result)
        return result.output_text


def _failed(agent_name: str, tool_name: str, result: RunResult[Any]) -> ToolExecutionError:
    error = result.last_error
    why = f"{result.status} ({error.code})" if error else result.status
    detail = f": {error.message}" if error else ""
    return ToolExecutionError(
        f"The agent {agent_name!r} (run {result.run.id}) ended {why}{detail}",
        tool_name=tool_name,
        # The code, not the message: error text can hold what the model must not see.
        model_text=f"Error: the agent {agent_name!r} could not answer: its run ended {why}.",
    )


def _slug(name: str) -> str:
    slug = "".join(c if c.isalnum() or c in "_-" else "_" for c in name.strip())
    return slug[:64] or "agent"


def observe_sub_runs(state: RunState) -> None:
    """Let the run take in the sub-runs its tools report: their usage, and the link to each."""
    forward = state.ctx.emit

    def emit(event: Any) -> None:
        if isinstance(event, SubRunEvent):
            _take_in(state, event)
            forward(event)
            forward(UsageEvent(event.usage, state.usage))
            return
        forward(event)

    state.ctx = replace(state.ctx, emit=emit)


def _take_in(state: RunState, event: SubRunEvent) -> None:
    state.usage = state.usage + event.usage
    step = state.pending_step
    if step is None or not isinstance(step.step_details, ToolCallsStepDetails):
        return
    run = event.run
    link = SubRunLink(run_id=run.id, thread_id=run.thread_id, assistant_id=run.assistant_id)
    calls: list[FunctionToolCall] = [
        call.model_copy(update={"sub_run": link}) if call.id == event.call_id else call
        for call in step.step_details.tool_calls
    ]
    state.pending_step = step.model_copy(
        update={"step_details": ToolCallsStepDetails(tool_calls=calls)}
    )
