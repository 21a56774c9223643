from __future__ import annotations

import json

import jsonschema
import pytest

from agentkit.agent import Agent
from agentkit.exceptions import UserError
from agentkit.models import (
    AllowedTools,
    ModelRequest,
    ModelResponseDone,
    ModelTextDelta,
    ModelToolCall,
    NamedToolChoice,
    ToolCallItem,
    ToolOutputItem,
    UserMessageItem,
)
from agentkit.records import ToolCallsStepDetails
from agentkit.runner import Runner
from agentkit.testing import TestModel
from agentkit.tools import tool
from agentkit.tools.definition import ToolDefinition

QUIZ = ToolDefinition(
    name="display_quiz",
    parameters={
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "questions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "question_text": {"type": "string"},
                        "question_type": {"enum": ["MULTIPLE_CHOICE", "FREE_RESPONSE"]},
                        "choices": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["question_text", "question_type"],
                },
            },
        },
        "required": ["title", "questions"],
    },
)
CLOCK = ToolDefinition(name="now", parameters={"type": "object", "properties": {}})
ASK = (UserMessageItem("Make a quiz"),)


def request(*items: object, **options: object) -> ModelRequest:
    return ModelRequest(instructions="Tutor.", items=items or ASK, **options)  # type: ignore[arg-type]


async def events_of(model: TestModel, req: ModelRequest) -> list[object]:
    return [event async for event in model.stream(req)]


async def test_first_turn_calls_every_tool_with_schema_valid_arguments() -> None:
    events = await events_of(TestModel(), request(*ASK, tools=(QUIZ, CLOCK)))

    calls = [e for e in events if isinstance(e, ModelToolCall)]
    assert [(c.call_id, c.name) for c in calls] == [
        ("call_test_1", "display_quiz"),
        ("call_test_2", "now"),
    ]
    jsonschema.validate(json.loads(calls[0].arguments), QUIZ.parameters)
    done = events[-1]
    assert isinstance(done, ModelResponseDone) and done.finish_reason == "tool_calls"


async def test_next_turn_answers_with_the_outputs_by_tool_name() -> None:
    items = (
        *ASK,
        ToolCallItem("call_test_1", "display_quiz", "{}"),
        ToolCallItem("call_test_2", "now", "{}"),
        ToolOutputItem("call_test_1", '{"answers": ["a"]}'),
        ToolOutputItem("call_test_2", "noon"),
    )

    events = await events_of(TestModel(), request(*items, tools=(QUIZ, CLOCK)))

    text = "".join(e.text for e in events if isinstance(e, ModelTextDelta))
    assert text == '{"display_quiz": {"answers": ["a"]}, "now": "noon"}'
    assert sum(isinstance(e, ModelTextDelta) for e in events) > 1
    assert isinstance(events[-1], ModelResponseDone) and events[-1].finish_reason == "stop"


async def test_configured_text_is_the_final_answer() -> None:
    items = (*ASK, ToolCallItem("c", "now", "{}"), ToolOutputItem("c", "noon"))

    events = await events_of(TestModel(text="Done!"), request(*items, tools=(CLOCK,)))

    assert "".join(e.text for e in events if isinstance(e, ModelTextDelta)) == "Done!"


async def test_without_tools_it_answers_from_the_last_user_message() -> None:
    events = await events_of(TestModel(), request(UserMessageItem("hello there")))

    assert (
        "".join(e.text for e in events if isinstance(e, ModelTextDelta)) == "You said: hello there"
    )


async def test_a_new_user_message_starts_a_new_round_of_calls() -> None:
    items = (
        *ASK,
        ToolCallItem("call_test_1", "now", "{}"),
        ToolOutputItem("call_test_1", "noon"),
        UserMessageItem("again"),
    )

    events = await events_of(TestModel(), request(*items, tools=(CLOCK,)))

    assert events[0] == ModelToolCall("call_test_2", "now", "{}")


async def test_one_call_per_turn_when_parallel_calls_are_off() -> None:
    items = (
        *ASK,
        ToolCallItem("call_test_1", "display_quiz", "{}"),
        ToolOutputItem("call_test_1", "ok"),
    )

    events = await events_of(
        TestModel(), request(*items, tools=(QUIZ, CLOCK), parallel_tool_calls=False)
    )

    assert [e.name for e in events if isinstance(e, ModelToolCall)] == ["now"]


@pytest.mark.parametrize(
    ("choice", "names"),
    [
        ("none", []),
        (NamedToolChoice("now"), ["now"]),
        (AllowedTools(("display_quiz",)), ["display_quiz"]),
    ],
)
async def test_tool_choice_limits_the_calls(choice: object, names: list[str]) -> None:
    events = await events_of(TestModel(), request(*ASK, tools=(QUIZ, CLOCK), tool_choice=choice))

    assert [e.name for e in events if isinstance(e, ModelToolCall)] == names


async def test_required_tool_choice_calls_again_after_outputs() -> None:
    items = (*ASK, ToolCallItem("call_test_1", "now", "{}"), ToolOutputItem("call_test_1", "noon"))

    events = await events_of(TestModel(), request(*items, tools=(CLOCK,), tool_choice="required"))

    assert events[0] == ModelToolCall("call_test_2", "now", "{}")


async def test_call_tools_restricts_which_tools_are_called() -> None:
    events = await events_of(TestModel(call_tools=["now"]), request(*ASK, tools=(QUIZ, CLOCK)))

    assert [e.name for e in events if isinstance(e, ModelToolCall)] == ["now"]


async def test_same_request_gives_the_same_events() -> None:
    req = request(*ASK, tools=(QUIZ, CLOCK))

    assert await events_of(TestModel(seed=3), req) == await events_of(TestModel(seed=3), req)


async def test_usage_counts_one_request_and_some_tokens() -> None:
    events = await events_of(TestModel(), request())

    done = events[-1]
    assert isinstance(done, ModelResponseDone)
    assert done.usage.requests == 1 and done.usage.input_tokens > 0 and done.usage.output_tokens > 0


def test_call_tools_must_be_all_or_a_list() -> None:
    with pytest.raises(UserError, match="call_tools"):
        TestModel(call_tools="some")


def test_pytest_does_not_collect_it() -> None:
    assert TestModel.__test__ is False


async def test_call_ids_are_unique_across_runs_and_stable_within_one() -> None:
    first = await events_of(TestModel(), request(*ASK, tools=(CLOCK,), run_id="run_a"))
    again = await events_of(TestModel(), request(*ASK, tools=(CLOCK,), run_id="run_a"))
    other = await events_of(TestModel(), request(*ASK, tools=(CLOCK,), run_id="run_b"))

    ids = [
        [e.call_id for e in events if isinstance(e, ModelToolCall)]
        for events in (first, again, other)
    ]
    assert ids[0] == ids[1]
    assert ids[0] != ids[2]
    assert all(len(i) <= 64 and i.startswith("call_test_") for i in ids[0] + ids[2])


async def test_two_runs_on_one_thread_record_different_call_ids() -> None:
    @tool
    def now() -> str:
        """The time."""
        return "noon"

    agent = Agent(name="clock", model=TestModel(), tools=[now])
    runner = Runner()
    first = await runner.run(agent, "one")
    second = await runner.run(agent, "two", thread=first.run.thread_id)

    ids = [
        call.id
        for result in (first, second)
        for step in await runner.store.list_steps(result.run.id)
        if isinstance(step.step_details, ToolCallsStepDetails)
        for call in step.step_details.tool_calls
    ]
    assert len(ids) == 2 and ids[0] != ids[1]
