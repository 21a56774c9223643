"""Typed output: the format sent on each wire, validation, the retry budget, the fallback tool.

Every run here talks to `FakeOpenAI` over HTTP (the in-process ASGI transport), through the
real adapters.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from agentkit import Agent, RunLimits, tool
from agentkit.events import FinalOutputEvent
from agentkit.exceptions import OutputUnavailableError
from agentkit.models import ChatCompletionsModel, ResponsesModel
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall


class Weather(BaseModel):
    city: str
    temp_c: float
    note: str | None = None


WEATHER_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "temp_c": {"type": "number"},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "required": ["city", "temp_c", "note"],
    "additionalProperties": False,
}


async def test_responses_sends_the_schema_as_text_format_and_validates_the_answer() -> None:
    fake = FakeOpenAI(['{"city": "Oslo", "temp_c": 3.5, "note": null}'])
    agent = Agent(
        name="w", model=ResponsesModel("gpt-test", client=fake.client()), output_type=Weather
    )

    result = await agent.run("Weather in Oslo?", keep_events=True)

    assert fake.bodies[0]["text"] == {
        "format": {
            "type": "json_schema",
            "name": "Weather",
            "schema": WEATHER_SCHEMA,
            "strict": True,
        }
    }
    assert result.output == Weather(city="Oslo", temp_c=3.5)
    assert result.output_text == '{"city": "Oslo", "temp_c": 3.5, "note": null}'
    [event] = [e for e in result.events if isinstance(e, FinalOutputEvent)]
    assert event.message_id == result.messages[-1].id


async def test_chat_sends_a_wrapped_schema_as_response_format_for_a_list() -> None:
    fake = FakeOpenAI(['{"result": [3, 1, 2]}'])
    agent = Agent(
        name="n",
        model=ChatCompletionsModel("gpt-test", client=fake.client()),
        output_type=list[int],
    )

    result = await agent.run("Three numbers?")

    assert fake.bodies[0]["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "list",
            "schema": {
                "type": "object",
                "properties": {"result": {"type": "array", "items": {"type": "integer"}}},
                "required": ["result"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    }
    assert result.output == [3, 1, 2]


async def test_an_invalid_answer_goes_back_with_the_error_and_the_next_one_is_taken() -> None:
    fake = FakeOpenAI(['{"city": "Oslo"}', '{"city": "Oslo", "temp_c": 4, "note": null}'])
    agent = Agent(
        name="w", model=ChatCompletionsModel("gpt-test", client=fake.client()), output_type=Weather
    )

    result = await agent.run("Weather in Oslo?")

    assert result.status == "completed"
    assert result.output == Weather(city="Oslo", temp_c=4)
    retry = fake.requests[1].items
    assert retry[-2] == {"role": "assistant", "content": '{"city": "Oslo"}'}
    assert retry[-1]["role"] == "user"
    assert "temp_c: Field required" in retry[-1]["content"]
    # Both answers stay in the thread as written; the output is the last one.
    assert [m.text for m in result.messages] == [
        '{"city": "Oslo"}',
        '{"city": "Oslo", "temp_c": 4, "note": null}',
    ]


async def test_when_the_retry_budget_runs_out_the_run_fails_with_invalid_output() -> None:
    fake = FakeOpenAI(["not json", '{"city": 7}', "unused"])
    agent = Agent(
        name="w",
        model=ResponsesModel("gpt-test", client=fake.client()),
        output_type=Weather,
        limits=RunLimits(max_model_retries=1),
    )

    result = await agent.run("Weather in Oslo?")

    assert result.status == "failed"
    assert len(fake.requests) == 2
    assert result.last_error is not None
    assert result.last_error.code == "invalid_output"
    message = result.last_error.message
    assert "did not match the output type 'Weather' (2 invalid answers)" in message
    assert "city: Input should be a valid string" in result.last_error.message
    with pytest.raises(OutputUnavailableError, match="is failed .invalid_output: the answer"):
        _ = result.output


async def test_a_typed_agent_can_call_tools_before_it_answers() -> None:
    @tool
    def temperature(city: str) -> float:
        """The temperature in a city."""
        return 3.5

    fake = FakeOpenAI(
        [
            FakeReply.calls(FakeToolCall("temperature", {"city": "Oslo"})),
            '{"city": "Oslo", "temp_c": 3.5, "note": "from the tool"}',
        ]
    )
    agent = Agent(
        name="w",
        model=ResponsesModel("gpt-test", client=fake.client()),
        tools=[temperature],
        output_type=Weather,
    )

    result = await agent.run("Weather in Oslo?")

    assert result.output.note == "from the tool"
    assert [c.function.output for c in result.tool_calls] == ["3.5"]
    assert all("text" in body for body in fake.bodies)


def answer_through_the_tool(request: FakeRequest) -> FakeReply:
    return FakeReply.calls(FakeToolCall("final_answer", {"result": ["a", "b"]}))


@pytest.mark.parametrize("api", ["chat", "responses"])
async def test_without_structured_output_the_answer_comes_through_a_final_answer_tool(
    api: str,
) -> None:
    fake = FakeOpenAI(answer_through_the_tool)
    adapter = ChatCompletionsModel if api == "chat" else ResponsesModel
    model = adapter("local-model", client=fake.client(), structured_output=False)
    agent = Agent(name="w", model=model, output_type=list[str])

    result = await agent.run("Two letters?")

    body = fake.bodies[0]
    assert "response_format" not in body and "text" not in body
    assert body["tool_choice"] == "required"
    [answer_tool] = body["tools"]
    definition = answer_tool.get("function", answer_tool)
    assert definition["name"] == "final_answer"
    assert definition["parameters"]["properties"] == {
        "result": {"type": "array", "items": {"type": "string"}}
    }
    assert result.output == ["a", "b"]
    assert result.steps[-1].type == "message_creation"  # no tool step for the answer
    assert result.tool_calls == []


async def test_the_fallback_keeps_the_agents_own_tools_and_a_named_choice_stays() -> None:
    @tool
    def letters() -> str:
        """Some letters."""
        return "ab"

    seen: list[dict[str, Any]] = []

    def script(request: FakeRequest) -> FakeReply:
        seen.append(dict(request.body))
        if not request.tool_outputs():
            return FakeReply.calls(FakeToolCall("letters"))
        return FakeReply.calls(FakeToolCall("final_answer", {"result": ["a", "b"]}))

    fake = FakeOpenAI(script)
    model = ChatCompletionsModel("local", client=fake.client(), structured_output=False)
    agent = Agent(name="w", model=model, tools=[letters], output_type=list[str])

    result = await agent.run("Letters?")

    assert [t["function"]["name"] for t in seen[0]["tools"]] == ["letters", "final_answer"]
    assert result.output == ["a", "b"]
    assert [c.function.name for c in result.tool_calls] == ["letters"]


async def test_json_arguments_of_the_answer_are_validated_like_any_answer() -> None:
    replies = [
        FakeReply.calls(FakeToolCall("final_answer", {"result": "no list"})),
        FakeReply.calls(FakeToolCall("final_answer", {"result": ["x"]})),
    ]
    fake = FakeOpenAI(replies)
    model = ChatCompletionsModel("local", client=fake.client(), structured_output=False)
    agent = Agent(name="w", model=model, output_type=list[str])

    result = await agent.run("Letters?")

    assert result.output == ["x"]
    feedback = fake.requests[1].items[-1]
    assert feedback["role"] == "user" and "Input should be a valid list" in feedback["content"]
    assert json.loads(fake.requests[1].items[-2]["content"]) == {"result": "no list"}
