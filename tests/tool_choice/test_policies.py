"""Tool-choice policies as pure functions of the run so far."""

from __future__ import annotations

import pytest

from agentkit.exceptions import UserError
from agentkit.models import AllowedTools, NamedToolChoice
from agentkit.records import FunctionCall, FunctionToolCall, ToolCallError
from agentkit.tool_choice import (
    AllowedToolsPolicy,
    FixedToolChoice,
    RequiredUntil,
    StopAtTools,
    StopOnFirstTool,
    ToolFirst,
    TurnInfo,
    as_policy,
)

TOOLS = ("search", "fetch", "answer")


def _call(name: str, output: str = "out", *, failed: bool = False) -> FunctionToolCall:
    error = ToolCallError(code="tool_raised", message="boom") if failed else None
    return FunctionToolCall(
        id=f"call_{name}",
        function=FunctionCall(name=name, arguments="{}", output=output),
        error=error,
    )


def _turn(*history: FunctionToolCall, last: int = 0) -> TurnInfo:
    last_calls = history[len(history) - last :] if last else ()
    return TurnInfo(
        turn=len(history) + 1, tool_history=history, last_turn_calls=last_calls, tool_names=TOOLS
    )


@pytest.mark.parametrize("choice", ["auto", "none", "required"])
def test_fixed_choices_apply_on_the_first_turn(choice: str) -> None:
    assert as_policy(choice).resolve(_turn()) == choice


def test_a_tool_name_becomes_a_named_choice() -> None:
    assert as_policy("search").resolve(_turn()) == NamedToolChoice("search")


@pytest.mark.parametrize("choice", ["required", "search"])
def test_forcing_choices_reset_to_auto_after_a_tool_was_used(choice: str) -> None:
    assert as_policy(choice).resolve(_turn(_call("search"))) == "auto"


def test_none_stays_none_after_a_tool_was_used() -> None:
    assert as_policy("none").resolve(_turn(_call("search"))) == "none"


def test_without_reset_required_stays_required() -> None:
    policy = FixedToolChoice("required", reset=False)
    assert policy.resolve(_turn(_call("search"), _call("fetch"))) == "required"


def test_tool_first_forces_the_tool_until_it_was_called() -> None:
    policy = ToolFirst("fetch")
    assert policy.resolve(_turn()) == NamedToolChoice("fetch")
    assert policy.resolve(_turn(_call("search"))) == NamedToolChoice("fetch")
    assert policy.resolve(_turn(_call("search"), _call("fetch"))) == "auto"


def test_required_until_n_calls_then_auto() -> None:
    policy = RequiredUntil(2)
    assert policy.resolve(_turn()) == "required"
    assert policy.resolve(_turn(_call("search"))) == "required"
    assert policy.resolve(_turn(_call("search"), _call("fetch"))) == "auto"


def test_allowed_tools_keeps_only_offered_names() -> None:
    policy = AllowedToolsPolicy(["search", "missing"], mode="required")
    assert policy.resolve(_turn()) == AllowedTools(("search",), "required")


def test_allowed_tools_can_change_per_turn() -> None:
    policy = AllowedToolsPolicy(lambda info: ["search"] if info.turn == 1 else ["answer"])
    assert policy.resolve(_turn()) == AllowedTools(("search",), "auto")
    assert policy.resolve(_turn(_call("search"))) == AllowedTools(("answer",), "auto")


def test_allowed_tools_with_no_offered_name_means_none() -> None:
    assert AllowedToolsPolicy(["missing"]).resolve(_turn()) == "none"


def test_stop_on_first_tool_returns_the_first_successful_output() -> None:
    policy = StopOnFirstTool()
    info = _turn(_call("search", "bad", failed=True), _call("fetch", "page"), last=2)
    assert policy.final_output(info) == "page"
    assert policy.final_output(_turn()) is None


def test_stop_on_first_tool_goes_on_when_every_call_failed() -> None:
    info = _turn(_call("search", failed=True), last=1)
    assert StopOnFirstTool().final_output(info) is None


def test_stop_at_tools_stops_only_at_the_named_tools() -> None:
    policy = StopAtTools(("answer",))
    assert policy.final_output(_turn(_call("search"), last=1)) is None
    assert policy.final_output(_turn(_call("search"), _call("answer", "42"), last=2)) == "42"


def test_stop_at_tools_ignores_calls_of_earlier_turns() -> None:
    info = _turn(_call("answer", "42"), _call("search"), last=1)
    assert StopAtTools(("answer",)).final_output(info) is None


def test_stop_policies_delegate_the_choice() -> None:
    policy = StopAtTools(("answer",), then=RequiredUntil(1))
    assert policy.resolve(_turn()) == "required"
    assert StopOnFirstTool(then="search").resolve(_turn()) == NamedToolChoice("search")


@pytest.mark.parametrize(
    "build",
    [
        lambda: ToolFirst(""),
        lambda: RequiredUntil(0),
        lambda: AllowedToolsPolicy("search"),
        lambda: StopAtTools("answer"),  # type: ignore[arg-type]
        lambda: StopAtTools(()),
    ],
)
def test_misconfigured_policies_are_refused(build: object) -> None:
    with pytest.raises(UserError):
        build()  # type: ignore[operator]
