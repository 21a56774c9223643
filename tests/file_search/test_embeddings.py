from __future__ import annotations

import pytest
from tenacity import stop_after_attempt

from agentkit.exceptions import ModelError, UserError
from agentkit.file_search import EmbeddingsClient
from agentkit.middleware import RetryMiddleware
from agentkit.testing import FakeOpenAI
from agentkit.testing.fake_openai.concept_vectors import concept_vector


def no_wait_retry(sleeps: list[float], attempts: int = 4) -> RetryMiddleware:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return RetryMiddleware(stop=stop_after_attempt(attempts), sleep=sleep)


async def test_texts_are_sent_in_batches_and_vectors_come_back_in_order() -> None:
    fake = FakeOpenAI()
    client = EmbeddingsClient("embed-model", client=fake.client(), batch_size=64)
    texts = [f"text number {i}" for i in range(150)]

    vectors = await client.embed(texts)

    # Two batches are in flight at once, so they may arrive in either order.
    assert sorted(len(body["input"]) for body in fake.embeddings.bodies) == [22, 64, 64]
    assert {body["encoding_format"] for body in fake.embeddings.bodies} == {"float"}
    assert vectors[0] == pytest.approx(concept_vector("text number 0"))
    assert vectors[149] == pytest.approx(concept_vector("text number 149"))


async def test_dimensions_are_asked_for() -> None:
    fake = FakeOpenAI()
    client = EmbeddingsClient("text-embedding-3-small", client=fake.client(), dimensions=64)

    (vector,) = await client.embed(["short"])

    assert len(vector) == 64 and fake.embeddings.bodies[0]["dimensions"] == 64


async def test_rate_limits_are_retried_with_the_model_call_policy() -> None:
    fake = FakeOpenAI()
    fake.embeddings.fail_next(
        429, "slow down", code="rate_limit_exceeded", headers={"retry-after": "2"}
    )
    fake.embeddings.fail_next(503, "overloaded", times=1)
    sleeps: list[float] = []
    client = EmbeddingsClient("m", client=fake.client(), retry=no_wait_retry(sleeps))

    vectors = await client.embed(["retry me"])

    assert vectors == [pytest.approx(concept_vector("retry me"))]
    assert len(fake.embeddings.bodies) == 3
    assert sleeps[0] == 2.0  # the server's Retry-After
    assert len(sleeps) == 2


async def test_retries_stop_where_the_policy_says() -> None:
    fake = FakeOpenAI()
    fake.embeddings.fail_next(500, "broken", times=5)
    sleeps: list[float] = []
    client = EmbeddingsClient("m", client=fake.client(), retry=no_wait_retry(sleeps, attempts=3))

    with pytest.raises(ModelError, match="500") as caught:
        await client.embed(["x"])

    assert caught.value.code == "server_error" and len(fake.embeddings.bodies) == 3


async def test_client_errors_are_not_retried_and_leak_no_key() -> None:
    fake = FakeOpenAI()
    fake.embeddings.fail_next(401, "Incorrect API key provided.", code="invalid_api_key")
    secret = "sk-test-very-secret-key-123"
    client = EmbeddingsClient("m", client=fake.client(api_key=secret), retry=no_wait_retry([]))

    with pytest.raises(ModelError) as caught:
        await client.embed(["x"])

    assert caught.value.code == "authentication_error"
    assert len(fake.embeddings.bodies) == 1
    assert secret not in str(caught.value) and secret not in repr(caught.value)


async def test_azure_deployments_work() -> None:
    fake = FakeOpenAI()
    client = EmbeddingsClient("my-embedding-deployment", client=fake.azure_client())

    (vector,) = await client.embed(["azure text"])

    assert vector == pytest.approx(concept_vector("azure text"))
    assert fake.embeddings.bodies[0]["model"] == "my-embedding-deployment"


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(UserError, match="batch_size"):
        EmbeddingsClient("m", batch_size=0)
