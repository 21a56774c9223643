"""Images in messages sent to `agentkit serve` reach the upstream model (Responses and Chat)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

import openai
import pytest
from openai import AsyncOpenAI

from agentkit import Agent
from agentkit.records import ImageURLContent
from agentkit.remote import PollPolicy, RemoteRunner
from agentkit.server import ServerConfig, create_app, upstream_model_factory
from agentkit.testing import FakeOpenAI, TestModel
from tests.leak_watch import secret
from tests.remote.conftest import serve
from tests.server.conftest import KEYS, assistants_sdk, sdk_client

UPSTREAM_KEY = secret("sk-upstream-images")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
CAT = "https://example.com/cat.jpg"

CONTENT: list[Any] = [
    {"type": "text", "text": "What are "},
    {"type": "image_url", "image_url": {"url": CAT, "detail": "low"}},
    {"type": "text", "text": "and"},
    {"type": "image_url", "image_url": {"url": PNG_URL}},
]


@pytest.fixture
async def upstream(request: pytest.FixtureRequest) -> AsyncIterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI(lambda call: "A cat and a square.")
    async with fake.serve() as url:
        yield fake, url


def _config(db_path: str, url: str, api: Literal["responses", "chat"]) -> tuple[Any, Any]:
    factory, _, client = upstream_model_factory(base_url=url, api_key=UPSTREAM_KEY, api=api)
    config = ServerConfig(db_path=db_path, api_keys=KEYS, model_factory=factory, poll_after_ms=20)
    return config, client


@assistants_sdk
@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_image_parts_of_a_thread_message_reach_the_upstream_model(
    db_path: str, upstream: tuple[FakeOpenAI, str], api: Literal["responses", "chat"]
) -> None:
    fake, url = upstream
    config, upstream_client = _config(db_path, url, api)
    app = create_app(config)
    async with app.router.lifespan_context(app), sdk_client(app) as client:
        assistant = await client.beta.assistants.create(model="gpt-4o")
        thread = await client.beta.threads.create(messages=[{"role": "user", "content": CONTENT}])
        run = await client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=10
        )
        listed = await client.beta.threads.messages.list(thread_id=thread.id, order="asc")
    await upstream_client.close()

    assert run.status == "completed"
    shown = [part.model_dump(exclude_none=True) for part in listed.data[0].content]
    assert shown == [
        {"type": "text", "text": {"value": "What are ", "annotations": []}},
        {"type": "image_url", "image_url": {"url": CAT, "detail": "low"}},
        {"type": "text", "text": {"value": "and", "annotations": []}},
        {"type": "image_url", "image_url": {"url": PNG_URL, "detail": "auto"}},
    ]
    if api == "responses":
        sent = fake.requests[0].body["input"][0]["content"]
        images = [(p["image_url"], p["detail"]) for p in sent if p["type"] == "input_image"]
    else:
        sent = fake.requests[0].body["messages"][-1]["content"]
        images = [(p["image_url"]["url"], p["image_url"]["detail"]) for p in sent[1::2]]
    assert images == [(CAT, "low"), (PNG_URL, "auto")]


@assistants_sdk
@pytest.mark.parametrize(
    ("part", "param", "message"),
    [
        (
            {"type": "image_url", "image_url": {"url": "file:///etc/passwd"}},
            "content[1].image_url.url",
            "an http(s) URL or a data:image/ URL",
        ),
        (
            {"type": "image_url", "image_url": {"url": CAT, "detail": "huge"}},
            "content[1].image_url.detail",
            "'auto', 'low' or 'high'",
        ),
        (
            {"type": "image_file", "image_file": {"file_id": "file-abc"}},
            "content[1].image_file.file_id",
            "No file found with id 'file-abc'",
        ),
    ],
)
async def test_an_image_part_the_server_cannot_use_is_a_400_naming_it(
    client: AsyncOpenAI, part: dict[str, Any], param: str, message: str
) -> None:
    thread = await client.beta.threads.create()

    with pytest.raises(openai.BadRequestError) as caught:
        content: Any = [{"type": "text", "text": "Look"}, part]
        await client.beta.threads.messages.create(thread_id=thread.id, role="user", content=content)

    assert caught.value.param == param
    assert message in str(caught.value)
    listed = await client.beta.threads.messages.list(thread_id=thread.id)
    assert listed.data == []


@assistants_sdk
@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_an_uploaded_image_shown_by_file_id_reaches_the_upstream_as_its_bytes(
    db_path: str, upstream: tuple[FakeOpenAI, str], api: Literal["responses", "chat"]
) -> None:
    fake, url = upstream
    config, upstream_client = _config(db_path, url, api)
    app = create_app(config)
    async with app.router.lifespan_context(app), sdk_client(app) as client:
        uploaded = await client.files.create(file=("square.png", PNG), purpose="vision")
        assistant = await client.beta.assistants.create(model="gpt-4o")
        content: Any = [
            {"type": "text", "text": "What is this?"},
            {"type": "image_file", "image_file": {"file_id": uploaded.id}},
        ]
        thread = await client.beta.threads.create(messages=[{"role": "user", "content": content}])
        run = await client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=10
        )
    await upstream_client.close()

    assert run.status == "completed"
    if api == "responses":
        sent = fake.requests[0].body["input"][0]["content"]
        images = [p["image_url"] for p in sent if p["type"] == "input_image"]
    else:
        sent = fake.requests[0].body["messages"][-1]["content"]
        images = [p["image_url"]["url"] for p in sent if p["type"] == "image_url"]
    assert images == [PNG_URL]


@assistants_sdk
async def test_a_thread_whose_message_names_an_unknown_image_file_is_not_created(
    client: AsyncOpenAI,
) -> None:
    content: Any = [{"type": "image_file", "image_file": {"file_id": "file-missing"}}]
    with pytest.raises(openai.BadRequestError) as caught:
        await client.beta.threads.create(messages=[{"role": "user", "content": content}])
    assert caught.value.param == "messages[0].content[0].image_file.file_id"


async def test_a_remote_run_sends_its_images_through_the_assistants_wire(
    tmp_path: Path, upstream: tuple[FakeOpenAI, str]
) -> None:
    fake, url = upstream
    config, upstream_client = _config(str(tmp_path / "serve.db"), url, "responses")
    async with serve(create_app(config), lifespan="on") as served:
        client = AsyncOpenAI(base_url=f"{served}/v1", api_key="sk-alpha", max_retries=0)
        runner = RemoteRunner(client, poll=PollPolicy(default=0.02))
        agent = Agent(name="vision", model=TestModel())
        result = await runner.run(agent, ["What is this?", ImageURLContent.from_bytes(PNG)])
        await client.close()
    await upstream_client.close()

    assert result.status == "completed", result.last_error
    assert fake.requests[0].body["input"][0]["content"] == [
        {"type": "input_text", "text": "What is this?"},
        {"type": "input_image", "image_url": PNG_URL, "detail": "auto"},
    ]
