"""Which model the CLI runs with: flags, environment, the agent's own, or offline."""

from __future__ import annotations

import pytest

from agentkit.cli.model_options import ModelOptions, choose_model
from agentkit.exceptions import UserError
from agentkit.models import ChatCompletionsModel, ResponsesModel
from agentkit.testing import FunctionModel, TestModel, text

OFFLINE = FunctionModel(lambda request, info: text("hi"))
KEY = {"OPENAI_API_KEY": "sk-test"}


def test_an_offline_agent_with_nothing_configured_stays_offline_and_says_so() -> None:
    choice = choose_model(OFFLINE, ModelOptions(), environ={})

    assert choice.model is OFFLINE
    assert choice.offline
    assert choice.description.startswith("offline, no model API configured: using FunctionModel")


def test_offline_flag_replaces_a_real_model_with_a_test_model() -> None:
    choice = choose_model(ResponsesModel("gpt-5.1"), ModelOptions(offline=True), environ=KEY)

    assert isinstance(choice.model, TestModel)
    assert choice.offline


def test_a_configured_environment_replaces_an_offline_model() -> None:
    choice = choose_model(OFFLINE, ModelOptions(), environ={**KEY, "AGENTKIT_MODEL": "gpt-x"})

    assert isinstance(choice.model, ResponsesModel)
    assert (choice.model.model_name, choice.owned, choice.offline) == ("gpt-x", True, False)


def test_api_and_base_url_flags_pick_chat_completions_on_a_local_server() -> None:
    options = ModelOptions(model="llama3.1", api="chat", base_url="http://127.0.0.1:11434/v1")

    choice = choose_model(OFFLINE, options, environ={})

    assert isinstance(choice.model, ChatCompletionsModel)
    assert str(choice.model.client.base_url) == "http://127.0.0.1:11434/v1/"
    assert choice.model.model_name == "llama3.1"


def test_api_flag_alone_keeps_the_agents_model_name() -> None:
    choice = choose_model(ResponsesModel("gpt-4.1"), ModelOptions(api="chat"), environ=KEY)

    assert isinstance(choice.model, ChatCompletionsModel)
    assert choice.model.model_name == "gpt-4.1"


def test_azure_environment_uses_the_deployment() -> None:
    environ = {
        "AZURE_OPENAI_ENDPOINT": "https://example.openai.azure.com",
        "OPENAI_API_VERSION": "2025-04-01-preview",
        "AZURE_OPENAI_API_KEY": "k",
    }

    choice = choose_model(OFFLINE, ModelOptions(model="my-deployment"), environ=environ)

    assert (choice.model.provider, choice.model.model_name) == ("azure", "my-deployment")


def test_an_agent_with_a_real_model_keeps_it_when_the_environment_has_a_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")  # the adapter builds its client from it
    model = ResponsesModel("gpt-4.1")

    choice = choose_model(model, ModelOptions(), environ=KEY)

    assert choice.model is model
    assert not choice.owned


def test_a_model_flag_without_any_api_is_a_user_error() -> None:
    with pytest.raises(UserError, match="--model and --api need a model API"):
        choose_model(OFFLINE, ModelOptions(model="gpt-5.1"), environ={})


def test_a_real_model_without_a_key_fails_early_with_the_way_out() -> None:
    with pytest.raises(UserError, match="cannot reach a model API.*or pass --offline"):
        choose_model(ResponsesModel("gpt-5.1"), ModelOptions(), environ={})
