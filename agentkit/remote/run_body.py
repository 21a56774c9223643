"""What a remote run is created with: the agent's settings as run fields, the user's input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agentkit.exceptions import UserError
from agentkit.records import Message, TextContent, UserInput
from agentkit.remote.flavors import RemoteFlavor
from agentkit.tool_choice.base import TurnInfo

if TYPE_CHECKING:
    from agentkit.agent import Agent

__all__ = ["check_remote_agent", "run_params", "user_message"]


def check_remote_agent(agent: Agent[Any, Any]) -> None:
    """Refuse an agent a remote service cannot run for us (handoffs, an output type)."""
    if agent.handoffs:
        raise UserError(
            f"Agent {agent.name!r} has handoffs, which RemoteRunner cannot run: the service "
            "fixes a run's assistant. Run it with agentkit.Runner."
        )
    if agent.output is not None:
        raise UserError(
            f"Agent {agent.name!r} has an output_type, which RemoteRunner cannot run: the "
            "service ends the run, so an invalid answer could not go back to the model. Run "
            "it with agentkit.Runner."
        )


def run_params(
    agent: Agent[Any, Any],
    assistant_id: str,
    flavor: RemoteFlavor,
    additional_instructions: str | None,
    metadata: Mapping[str, str] | None,
) -> dict[str, Any]:
    """The run-create body's fields from the agent (its messages are added by the caller)."""
    # The service fixes tool_choice for the whole run: only turn 1's resolution is sent.
    info = TurnInfo(
        turn=1, tool_history=(), last_turn_calls=(), tool_names=tuple(agent.toolset.names())
    )
    params: dict[str, Any] = {
        "assistant_id": assistant_id,
        "tool_choice": flavor.wire_tool_choice(agent.tool_choice.resolve(info)),
    }
    settings = agent.settings
    optional = {
        "additional_instructions": additional_instructions,
        "metadata": dict(metadata) if metadata else None,
        "parallel_tool_calls": agent.parallel_tool_calls,
        "temperature": settings.temperature,
        "top_p": settings.top_p,
        "max_completion_tokens": settings.max_output_tokens,
    }
    params.update({k: v for k, v in optional.items() if v is not None})
    if agent.truncation.type != "auto":
        params["truncation_strategy"] = agent.truncation.model_dump()
    return params


def user_message(input: UserInput) -> dict[str, Any]:
    """The user's input as a message of the run-create body (new thread or additional)."""
    if isinstance(input, str):
        return {"role": "user", "content": input}
    # The create-message body spells a text part {"type": "text", "text": str}.
    parts = [
        {"type": "text", "text": p.text.value} if isinstance(p, TextContent) else p.wire()
        for p in Message.of_input("", input).content
    ]
    return {"role": "user", "content": parts}
