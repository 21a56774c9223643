"""Clients of models given by name: one per (event loop, endpoint, key), closed with the loop."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref

import pytest
from openai import AsyncOpenAI

from agentkit import Agent
from agentkit.models import Endpoint, ResponsesModel
from agentkit.models.clients import cached_clients, client_for
from agentkit.testing import FakeOpenAI
from tests.leak_watch import secret

KEY = secret("sk-clients-0123456789")
OTHER_KEY = secret("sk-clients-9876543210")


def _endpoint(url: str = "http://127.0.0.1:9/v1", key: str = KEY) -> Endpoint:
    return Endpoint("openai", base_url=url, api_key=key)


async def test_adapters_on_one_loop_share_the_client_of_their_endpoint() -> None:
    first = ResponsesModel("gpt-5.1", endpoint=_endpoint())
    second = ResponsesModel("gpt-4.1", endpoint=_endpoint())

    assert first.client is second.client
    assert cached_clients(asyncio.get_running_loop()) == 1


async def test_another_key_or_server_gets_a_client_of_its_own() -> None:
    base = client_for(_endpoint())

    others = {client_for(_endpoint(key=OTHER_KEY)), client_for(_endpoint("http://other/v1"))}

    assert base not in others and len(others) == 2
    assert cached_clients(asyncio.get_running_loop()) == 3


def test_each_loop_gets_its_own_client_and_closes_it_when_it_shuts_down() -> None:
    async def clients() -> tuple[AsyncOpenAI, AsyncOpenAI]:
        return client_for(_endpoint()), client_for(_endpoint())

    first, again = asyncio.run(clients())
    second, _ = asyncio.run(clients())

    assert first is again and first is not second
    assert first.is_closed() and second.is_closed()


async def test_aclose_closes_this_loops_client_and_the_next_call_opens_another() -> None:
    model = ResponsesModel("gpt-5.1", endpoint=_endpoint())
    before = model.client

    await model.aclose()

    assert before.is_closed()
    assert model.client is not before and not model.client.is_closed()


def test_a_loop_closed_without_shutting_down_is_not_kept_alive() -> None:
    loop = asyncio.new_event_loop()

    async def touch() -> None:
        client_for(_endpoint())

    loop.run_until_complete(touch())
    loop.close()  # no shutdown_asyncgens(): its clients were never closed
    gone = weakref.ref(loop)
    del loop

    asyncio.run(touch())  # a new loop's first client clears out closed loops
    gc.collect()

    assert gone() is None


def test_runs_in_several_threads_each_with_its_loop_share_one_agent() -> None:
    fake = FakeOpenAI(lambda request: f"Hello, {request.last_user_text}.")
    results: dict[str, str] = {}
    with fake.serve_in_thread() as url:
        agent = Agent(name="a", model=ResponsesModel("gpt-5.1", endpoint=_endpoint(url)))

        def run(name: str) -> None:
            results[name] = agent.run_sync(name).output_text

        threads = [threading.Thread(target=run, args=(name,)) for name in ("Ada", "Bo", "Cy")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

    assert results == {"Ada": "Hello, Ada.", "Bo": "Hello, Bo.", "Cy": "Hello, Cy."}


@pytest.mark.filterwarnings("error")
async def test_a_client_is_closed_when_the_test_loop_ends_even_if_nobody_closes_it() -> None:
    # pytest-asyncio's loop shuts down its generators at the end of the test: with the
    # suite's warnings as errors, an unclosed connection would fail the run.
    fake = FakeOpenAI(["Hi."])
    async with fake.serve() as url:
        result = await Agent(name="a", model=ResponsesModel("m", endpoint=_endpoint(url))).run("x")
    assert result.output_text == "Hi."
