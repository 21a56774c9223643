"""Models given by name: the form checked at construction, the environment read at the first run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agentkit import Agent, tool
from agentkit.exceptions import UserError
from agentkit.models import (
    ChatCompletionsModel,
    ModelName,
    ResponsesModel,
    describe_model,
    parse_model_name,
    resolve_model,
)
from agentkit.testing import FakeOpenAI, FakeReply, FakeToolCall
from tests.leak_watch import secret

KEY = secret("sk-by-name-0123456789")
AZURE_KEY = secret("az-by-name-0123456789")

_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_API_VERSION",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "AZURE_OPENAI_DEPLOYMENT",
    "AGENTKIT_API",
    "AGENTKIT_MODEL",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A process environment that configures no model API (tests set what they need)."""
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch


@tool
def get_weather(city: str) -> str:
    """Today's weather in a city."""
    return f"18 degrees and sunny in {city}"


def _weather_script() -> list[FakeReply | str]:
    return [FakeReply.calls(FakeToolCall("get_weather", {"city": "Oslo"})), "Sunny in Oslo."]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("gpt-5.1", ModelName("gpt-5.1", "gpt-5.1")),
        ("openai:gpt-5.1", ModelName("openai:gpt-5.1", "gpt-5.1", provider="openai")),
        ("azure:prod-gpt", ModelName("azure:prod-gpt", "prod-gpt", provider="azure")),
        ("responses:qwen3", ModelName("responses:qwen3", "qwen3", api="responses")),
        ("chat:qwen3:8b", ModelName("chat:qwen3:8b", "qwen3:8b", api="chat")),
        ("openai:ft:gpt-4.1::1", ModelName("openai:ft:gpt-4.1::1", "ft:gpt-4.1::1", "openai")),
    ],
)
def test_each_form_of_name_is_parsed(spec: str, expected: ModelName) -> None:
    assert parse_model_name(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("qwen3:8b", r"'qwen3' is not a prefix agentkit knows .* e\.g\. 'chat:qwen3:8b'"),
        ("openai:", "names no model after 'openai':"),
        ("gpt 5", "one word with no spaces"),
        ("", "one word with no spaces"),
    ],
)
def test_a_malformed_name_is_an_error_when_the_agent_is_built(
    env: pytest.MonkeyPatch, spec: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        Agent(name="a", model=spec)


def test_building_an_agent_by_name_reads_no_environment(env: pytest.MonkeyPatch) -> None:
    agent = Agent(name="a", model="azure:prod-gpt")

    assert repr(agent) == "Agent(name='a', model='azure:prod-gpt')"
    assert not agent.uses_environment_model


@pytest.mark.parametrize(
    ("spec", "variables", "missing"),
    [
        ("gpt-5.1", {}, "model='gpt-5.1' needs OPENAI_API_KEY"),
        ("openai:gpt-5.1", {"AZURE_OPENAI_ENDPOINT": "https://r"}, "needs OPENAI_API_KEY"),
        ("azure:prod-gpt", {"OPENAI_API_KEY": KEY}, "needs AZURE_OPENAI_ENDPOINT"),
        ("azure:prod-gpt", {"AZURE_OPENAI_ENDPOINT": "https://r"}, "needs OPENAI_API_VERSION"),
        (
            "gpt-5.1",
            {"AZURE_OPENAI_ENDPOINT": "https://r", "OPENAI_API_VERSION": "2025-04-01-preview"},
            "needs AZURE_OPENAI_API_KEY",
        ),
    ],
)
async def test_a_missing_variable_fails_the_first_run_naming_it(
    env: pytest.MonkeyPatch, spec: str, variables: dict[str, str], missing: str
) -> None:
    for name, value in variables.items():
        env.setenv(name, value)
    agent = Agent(name="a", model=spec)

    with pytest.raises(UserError, match=missing) as caught:
        await agent.run("hi")

    assert "model='test'" in str(caught.value)
    assert KEY not in str(caught.value)
    assert await agent.runner.store.active_runs() == []


@pytest.mark.parametrize(
    ("spec", "api", "path"),
    [
        ("gpt-5.1", "responses", "/v1/responses"),
        ("openai:gpt-5.1", "responses", "/v1/responses"),
        ("chat:gpt-5.1", "chat", "/v1/chat/completions"),
    ],
)
async def test_a_model_by_name_runs_against_the_server_in_openai_base_url(
    env: pytest.MonkeyPatch, spec: str, api: str, path: str
) -> None:
    fake = FakeOpenAI(_weather_script())
    async with fake.serve() as url:
        env.setenv("OPENAI_BASE_URL", url)
        env.setenv("OPENAI_API_KEY", KEY)
        agent = Agent(name="a", model=spec, tools=[get_weather])
        result = await agent.run("Weather in Oslo?")

    assert (result.status, result.output_text) == ("completed", "Sunny in Oslo.")
    first, second = fake.requests
    assert (first.api, first.path, first.body["model"]) == (api, path, "gpt-5.1")
    assert first.headers["authorization"] == f"Bearer {KEY}"
    assert second.tool_outputs() == {"call_1": "18 degrees and sunny in Oslo"}


async def test_agentkit_api_chooses_chat_completions_for_a_bare_name(
    env: pytest.MonkeyPatch,
) -> None:
    fake = FakeOpenAI(["Hello."])
    async with fake.serve() as url:
        env.setenv("OPENAI_BASE_URL", url)  # a local server: no key needed
        env.setenv("AGENTKIT_API", "chat")
        agent = Agent(name="a", model="qwen3")
        result = await agent.run("hi")

    assert result.output_text == "Hello."
    assert isinstance(agent.model, ChatCompletionsModel)
    assert (fake.requests[0].path, fake.requests[0].body["model"]) == (
        "/v1/chat/completions",
        "qwen3",
    )


async def test_an_azure_deployment_by_name_goes_to_the_azure_endpoint(
    env: pytest.MonkeyPatch,
) -> None:
    fake = FakeOpenAI(["From Azure."])
    async with fake.serve() as url:
        env.setenv("AZURE_OPENAI_ENDPOINT", url.removesuffix("/v1"))
        env.setenv("OPENAI_API_VERSION", "2025-04-01-preview")
        env.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)
        env.setenv("OPENAI_API_KEY", KEY)  # ignored: the name says Azure
        agent = Agent(name="a", model="azure:prod-gpt")
        result = await agent.run("hi")

    assert result.output_text == "From Azure."
    request = fake.requests[0]
    assert (request.path, request.query, request.body["model"]) == (
        "/openai/responses",
        {"api-version": "2025-04-01-preview"},
        "prod-gpt",
    )
    assert request.headers["api-key"] == AZURE_KEY
    assert agent.model.provider == "azure"


def test_what_describes_a_model_by_name_never_shows_its_key(env: pytest.MonkeyPatch) -> None:
    model = resolve_model("gpt-5.1", {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://h/v1"})

    assert isinstance(model, ResponsesModel)
    shown = [repr(model), describe_model(model), repr(model.endpoint), str(model.endpoint)]
    where = "http://h/v1/"
    assert describe_model(model) == f"ResponsesModel 'gpt-5.1' via responses at {where} (openai)"
    assert not [text for text in shown if KEY in text]
