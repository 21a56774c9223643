"""`FakeOpenAI`'s Conversations API, through the openai SDK over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI

from agentkit.testing import FakeOpenAI


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeOpenAI, AsyncOpenAI]]:
    fake = FakeOpenAI(lambda request: f"You said {request.last_user_text!r}.")
    async with fake.serve() as url:
        client = AsyncOpenAI(
            base_url=url, api_key="sk-fake", max_retries=0, _strict_response_validation=True
        )
        yield fake, client
        await client.close()


async def test_a_conversation_is_created_read_updated_and_deleted(
    served: tuple[FakeOpenAI, AsyncOpenAI],
) -> None:
    _, client = served

    created = await client.conversations.create(
        items=[{"role": "user", "content": "Hi"}], metadata={"topic": "greeting"}
    )
    read = await client.conversations.retrieve(created.id)
    updated = await client.conversations.update(created.id, metadata={"topic": "weather"})
    deleted = await client.conversations.delete(created.id)

    assert (read.id, read.metadata) == (created.id, {"topic": "greeting"})
    assert updated.metadata == {"topic": "weather"}
    assert (deleted.id, deleted.deleted) == (created.id, True)
    with pytest.raises(openai.NotFoundError, match="No conversation found"):
        await client.conversations.retrieve(created.id)


async def test_items_are_added_listed_in_pages_read_and_deleted(
    served: tuple[FakeOpenAI, AsyncOpenAI],
) -> None:
    _, client = served
    conversation = await client.conversations.create()
    said: list[Any] = [{"role": "user", "content": f"message {n}"} for n in range(5)]

    added = await client.conversations.items.create(conversation.id, items=said)
    first_page = await client.conversations.items.list(conversation.id, order="asc", limit=2)
    every = [item.id async for item in client.conversations.items.list(conversation.id, limit=2)]
    ids = [str(item.id) for item in added.data]
    one = await client.conversations.items.retrieve(ids[0], conversation_id=conversation.id)
    after = await client.conversations.items.delete(ids[0], conversation_id=conversation.id)

    assert [item.id for item in first_page.data] == ids[:2] and first_page.has_more
    assert every == list(reversed(ids))  # newest first by default, all pages
    assert one.type == "message" and one.content[0].text == "message 0"  # type: ignore[union-attr]
    assert after.id == conversation.id
    remaining = await client.conversations.items.list(conversation.id, order="asc")
    assert [item.id for item in remaining.data] == ids[1:]


async def test_a_response_in_a_conversation_sees_and_extends_it(
    served: tuple[FakeOpenAI, AsyncOpenAI],
) -> None:
    fake, client = served
    conversation = await client.conversations.create(items=[{"role": "user", "content": "Hi"}])

    response = await client.responses.create(
        model="m", input="And now?", conversation=conversation.id
    )

    assert response.conversation is not None and response.conversation.id == conversation.id
    assert [item["content"][0]["text"] for item in fake.requests[0].context] == ["Hi"]
    kept = fake.conversations.items(conversation.id)
    assert [(item["role"], item["content"][0]["text"]) for item in kept] == [
        ("user", "Hi"),
        ("user", "And now?"),
        ("assistant", "You said 'And now?'."),
    ]


async def test_a_response_is_refused_for_an_unknown_conversation_or_with_previous_response(
    served: tuple[FakeOpenAI, AsyncOpenAI],
) -> None:
    fake, client = served
    conversation = await client.conversations.create()

    with pytest.raises(openai.NotFoundError, match="No conversation found with id 'conv_x'"):
        await client.responses.create(model="m", input="hi", conversation="conv_x")
    with pytest.raises(openai.BadRequestError, match="Cannot use both"):
        await client.responses.create(
            model="m", input="hi", conversation=conversation.id, previous_response_id="resp_1"
        )
    assert fake.requests == []


@pytest.mark.parametrize(
    ("items", "param"),
    [
        ([], "items"),
        ([{"content": "no role or type"}], "items[0]"),
        ([{"role": "user", "content": "x"}] * 21, "items"),
    ],
)
async def test_bad_items_are_a_400_naming_the_parameter(
    served: tuple[FakeOpenAI, AsyncOpenAI], items: list[dict[str, str]], param: str
) -> None:
    _, client = served
    conversation = await client.conversations.create()

    with pytest.raises(openai.BadRequestError) as caught:
        await client.conversations.items.create(conversation.id, items=items)  # type: ignore[arg-type]

    assert caught.value.param == param
