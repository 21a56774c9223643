from __future__ import annotations

import base64
import struct

import numpy as np
import openai
import pytest

from agentkit.testing import FakeOpenAI
from agentkit.testing.fake_openai.concept_vectors import concept_vector, stem


def cosine(a: str, b: str) -> float:
    return float(np.dot(concept_vector(a), concept_vector(b)))


def test_vectors_are_unit_length_and_the_same_every_time() -> None:
    vector = concept_vector("Refunds are processed within five days")

    assert vector == concept_vector("Refunds are processed within five days")
    assert np.linalg.norm(vector) == pytest.approx(1.0)
    assert len(vector) == 256 and len(concept_vector("x", 64)) == 64


def test_inflections_share_a_stem() -> None:
    assert {stem(w) for w in ("refund", "refunds", "refunded", "refunding")} == {"refund"}
    assert stem("cancellation") == stem("cancel")


def test_a_paraphrase_is_closer_than_an_unrelated_text_with_no_shared_word() -> None:
    policy = "Items can be reimbursed within 30 days"

    paraphrase = cosine("How do I get my money back?", policy)
    unrelated = cosine("How do I get my parcel delivered?", policy)

    assert paraphrase > 0.2
    assert paraphrase > unrelated + 0.2


def test_shared_words_make_texts_close() -> None:
    assert cosine("tomato watering schedule", "watering tomatoes twice a week") > 0.4


async def test_the_sdk_reads_float_and_base64_vectors() -> None:
    fake = FakeOpenAI()
    client = fake.client()
    # The SDK validates a base64 answer against its float schema before decoding it, so its
    # default format only works without strict validation, with OpenAI as with the fake.
    lenient = fake.client(_strict_response_validation=False)

    as_float = await client.embeddings.create(
        model="m", input=["one", "two"], encoding_format="float"
    )
    as_base64 = await lenient.embeddings.create(model="m", input="one")  # the SDK's default

    assert [item.index for item in as_float.data] == [0, 1]
    assert as_float.data[0].embedding == pytest.approx(concept_vector("one"))
    assert as_base64.data[0].embedding == pytest.approx(concept_vector("one"), abs=1e-6)
    assert fake.embeddings.bodies[1]["encoding_format"] == "base64"
    assert as_float.usage.prompt_tokens == 2


async def test_dimensions_are_honoured() -> None:
    client = FakeOpenAI().client()

    response = await client.embeddings.create(
        model="m", input="abc", dimensions=32, encoding_format="float"
    )

    assert len(response.data[0].embedding) == 32


async def test_azure_deployment_path_is_served() -> None:
    fake = FakeOpenAI()
    client = fake.azure_client()

    response = await client.embeddings.create(
        model="my-deployment", input="hello", encoding_format="float"
    )

    assert response.data[0].embedding == pytest.approx(concept_vector("hello"))
    assert fake.requests == []  # embeddings never consume the model script


@pytest.mark.parametrize(
    ("body_input", "message"),
    [
        ("", "'input[0]' must be a non-empty string"),
        ([], "'input' must be a non-empty string or array"),
        (["ok", ""], "'input[1]'"),
        (["x"] * 2049, "at most 2048 items"),
    ],
)
async def test_invalid_input_is_a_400_as_openai_answers(body_input: object, message: str) -> None:
    client = FakeOpenAI().client()

    with pytest.raises(openai.BadRequestError) as caught:
        await client.embeddings.create(model="m", input=body_input)  # type: ignore[arg-type]

    assert message in caught.value.message
    assert caught.value.code == "invalid_value"


async def test_token_arrays_are_accepted() -> None:
    client = FakeOpenAI().client()

    response = await client.embeddings.create(
        model="m", input=[[1, 2, 3], [4]], encoding_format="float"
    )

    assert len(response.data) == 2


async def test_scripted_failures_come_first() -> None:
    fake = FakeOpenAI()
    fake.embeddings.fail_next(
        429, "slow down", code="rate_limit_exceeded", headers={"retry-after": "1"}
    )
    client = fake.client()

    with pytest.raises(openai.RateLimitError, match="slow down") as caught:
        await client.embeddings.create(model="m", input="a")
    response = await client.embeddings.create(model="m", input="a", encoding_format="float")

    assert caught.value.response.headers["retry-after"] == "1"
    assert len(response.data) == 1


def test_base64_is_little_endian_float32() -> None:
    status, payload, _ = FakeOpenAI().embeddings.answer(
        b'{"model": "m", "input": "abc", "encoding_format": "base64", "dimensions": 4}'
    )

    raw = base64.b64decode(payload["data"][0]["embedding"])
    assert status == 200
    assert list(struct.unpack("<4f", raw)) == pytest.approx(concept_vector("abc", 4))
