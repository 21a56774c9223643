from __future__ import annotations

import pytest

from agentkit.models import ChatCompletionsModel, ModelResponseDone, ModelToolCall, ResponsesModel
from agentkit.testing import FakeOpenAI, FakeReply, FakeToolCall
from agentkit.usage import Usage

from .streams import WEATHER, collect, make_request

CALL = FakeReply.calls(FakeToolCall("get_weather", {"city": "Oslo"}, call_id="call_z"))


@pytest.mark.parametrize("stream", [True, False])
async def test_chat_goes_to_the_deployment_path_with_api_version(stream: bool) -> None:
    fake = FakeOpenAI([CALL])
    model = ChatCompletionsModel("my-deployment", client=fake.azure_client(), stream=stream)

    events = await collect(model, make_request(tools=(WEATHER,)))

    request = fake.requests[0]
    assert (request.path, dict(request.query)) == (
        "/openai/deployments/my-deployment/chat/completions",
        {"api-version": "2025-04-01-preview"},
    )
    assert request.headers["api-key"] == "test"
    assert events[0] == ModelToolCall("call_z", "get_weather", '{"city": "Oslo"}')
    assert model.provider == "azure"


@pytest.mark.parametrize("stream", [True, False])
async def test_responses_go_to_the_openai_path_with_api_version(stream: bool) -> None:
    fake = FakeOpenAI(["Cold."])
    model = ResponsesModel("my-deployment", client=fake.azure_client(), stream=stream)

    events = await collect(model, make_request())

    request = fake.requests[0]
    assert (request.path, dict(request.query), request.body["model"]) == (
        "/openai/responses",
        {"api-version": "2025-04-01-preview"},
        "my-deployment",
    )
    assert isinstance(events[-1], ModelResponseDone)
    assert events[-1].usage.requests == 1
    assert model.provider == "azure"


async def test_openai_client_reports_the_openai_provider() -> None:
    fake = FakeOpenAI([FakeReply(text="hi", input_tokens=1, output_tokens=1)])
    model = ResponsesModel("gpt-test", client=fake.client())

    events = await collect(model, make_request())

    assert events[-1] == ModelResponseDone("resp_1", "stop", Usage(1, 1, 1))
    assert model.provider == "openai"
