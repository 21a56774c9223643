"""Point an agent at Azure OpenAI, or at a local OpenAI-compatible server.

Configuration only: the agent is the same whichever model adapter it is given.

- Azure OpenAI: an `AsyncAzureOpenAI` client with your endpoint and ``api_version``; the
  model name is your *deployment* name.
- Local servers (Ollama, llama.cpp's llama-server, vLLM, LM Studio): an `AsyncOpenAI` client
  with ``base_url`` (e.g. ``http://localhost:11434/v1`` for Ollama) and any API key. Chat
  Completions works everywhere; their Responses endpoints keep no state (Ollama) or convert
  to Chat Completions (llama.cpp), so replay the conversation each turn.

Run it against Azure::

    export AZURE_OPENAI_ENDPOINT=https://my-resource.openai.azure.com
    export OPENAI_API_VERSION=2025-04-01-preview AZURE_OPENAI_API_KEY=...
    AZURE_OPENAI_DEPLOYMENT=my-gpt-deployment python examples/azure_and_local.py

or against Ollama::

    export OPENAI_BASE_URL=http://localhost:11434/v1
    LOCAL_MODEL=llama3.1 python examples/azure_and_local.py
"""

from __future__ import annotations

import asyncio
import os

from openai import AsyncAzureOpenAI, AsyncOpenAI

from agentkit import Agent, tool
from agentkit.models import ChatCompletionsModel, Model, ResponsesModel


@tool
def get_time(city: str) -> str:
    """The local time in a city."""
    return f"12:00 in {city}"


def azure_client() -> AsyncAzureOpenAI:
    """A client for your Azure OpenAI resource."""
    return AsyncAzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_version=os.environ["OPENAI_API_VERSION"],
        api_key=os.environ["AZURE_OPENAI_API_KEY"],
    )


def azure_model(client: AsyncAzureOpenAI) -> Model:
    """Azure OpenAI's Responses API; the model name is the deployment name."""
    return ResponsesModel(os.environ["AZURE_OPENAI_DEPLOYMENT"], client=client)


def local_client(base_url: str) -> AsyncOpenAI:
    """A client for a local server: it needs no key, but the SDK wants one."""
    return AsyncOpenAI(base_url=base_url, api_key="not-needed")


def local_chat_model(client: AsyncOpenAI, model_name: str) -> Model:
    """Chat Completions on a local server: the API every local server speaks."""
    # Older local servers know `max_tokens` only, not OpenAI's `max_completion_tokens`.
    return ChatCompletionsModel(model_name, client=client, max_tokens_param="max_tokens")


def local_responses_model(client: AsyncOpenAI, model_name: str) -> Model:
    """The Responses API on a local server: stateless, so the whole conversation is replayed."""
    return ResponsesModel(model_name, client=client, continuation="replay", store=False)


def agent_on(model: Model) -> Agent:
    return Agent(
        name="Clock",
        instructions="Answer with the local time, using get_time.",
        model=model,
        tools=[get_time],
        # llama.cpp turns parallel calls off unless asked; OpenAI and vLLM default to on.
        parallel_tool_calls=True,
    )


async def ask(label: str, model: Model) -> None:
    result = await agent_on(model).run("What time is it in Oslo?")
    print(f"{label}: {result.status}: {result.output_text}")


async def main() -> None:
    configured = False
    if os.environ.get("AZURE_OPENAI_ENDPOINT"):
        configured = True
        async with azure_client() as azure:
            await ask("azure", azure_model(azure))
    if base_url := os.environ.get("OPENAI_BASE_URL"):
        configured = True
        name = os.environ.get("LOCAL_MODEL", "llama3.1")
        async with local_client(base_url) as local:
            await ask("local chat", local_chat_model(local, name))
            await ask("local responses", local_responses_model(local, name))
    if not configured:
        print(
            "Set AZURE_OPENAI_ENDPOINT (Azure) or OPENAI_BASE_URL (a local server); "
            "see this file's docstring."
        )


if __name__ == "__main__":
    asyncio.run(main())
