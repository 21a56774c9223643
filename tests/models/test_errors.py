from __future__ import annotations

import email.utils
import time

import pytest

from agentkit.exceptions import ModelError
from agentkit.models import ChatCompletionsModel, Model, ResponsesModel
from agentkit.models.errors import model_error_from, parse_retry_after
from agentkit.testing import FakeOpenAI, FakeReply

from .streams import collect, make_request

ADAPTERS = [ResponsesModel, ChatCompletionsModel]


async def failure(model: Model) -> ModelError:
    with pytest.raises(ModelError) as info:
        await collect(model, make_request())
    return info.value


@pytest.mark.parametrize("adapter", ADAPTERS)
async def test_429_with_retry_after_is_retryable_after_that_delay(adapter: type[Model]) -> None:
    fake = FakeOpenAI([FakeReply.error(429, "Slow down.", retry_after=2.5)])

    error = await failure(adapter("gpt-test", client=fake.client()))  # type: ignore[call-arg]

    assert (error.code, error.status_code, error.retryable, error.retry_after) == (
        "rate_limit_exceeded",
        429,
        True,
        2.5,
    )


async def test_retry_after_ms_wins_over_retry_after() -> None:
    reply = FakeReply.error(429, headers={"retry-after-ms": "250", "retry-after": "9"})
    fake = FakeOpenAI([reply])

    error = await failure(ResponsesModel("gpt-test", client=fake.client()))

    assert error.retry_after == 0.25


async def test_429_out_of_quota_is_not_retryable() -> None:
    fake = FakeOpenAI([FakeReply.error(429, "No credit.", code="insufficient_quota")])

    error = await failure(ResponsesModel("gpt-test", client=fake.client()))

    assert (error.code, error.retryable) == ("insufficient_quota", False)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (403, "permission_denied"),
        (404, "not_found"),
        (422, "unprocessable_entity"),
    ],
)
@pytest.mark.parametrize("adapter", ADAPTERS)
async def test_client_errors_are_not_retryable(
    adapter: type[Model], status: int, code: str
) -> None:
    fake = FakeOpenAI([FakeReply.error(status, "Bad.", headers={"retry-after": "1"})])

    error = await failure(adapter("gpt-test", client=fake.client()))  # type: ignore[call-arg]

    assert (error.code, error.status_code, error.retryable, error.retry_after) == (
        code,
        status,
        False,
        None,
    )


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_retryable(status: int) -> None:
    fake = FakeOpenAI([FakeReply.error(status)])

    error = await failure(ChatCompletionsModel("gpt-test", client=fake.client()))

    assert (error.code, error.status_code, error.retryable) == ("server_error", status, True)


@pytest.mark.parametrize("adapter", ADAPTERS)
async def test_connection_dropped_before_answering_is_a_retryable_connection_error(
    adapter: type[Model],
) -> None:
    fake = FakeOpenAI([FakeReply(text="never sent", drop_after=0)])

    error = await failure(adapter("gpt-test", client=fake.client()))  # type: ignore[call-arg]

    assert (error.code, error.retryable) == ("connection_error", True)


@pytest.mark.parametrize("adapter", ADAPTERS)
async def test_connection_dropped_mid_stream_is_a_retryable_interruption(
    adapter: type[Model],
) -> None:
    fake = FakeOpenAI([FakeReply(text="Sunny in Paris, all day long.", chunk_size=2, drop_after=5)])

    async with fake.serve() as base_url:
        client = fake.client(base_url=base_url, http_client=None)
        error = await failure(adapter("gpt-test", client=client))  # type: ignore[call-arg]
        await client.close()

    assert (error.code, error.retryable) == ("stream_interrupted", True)


async def test_timeout_is_retryable() -> None:
    fake = FakeOpenAI([FakeReply(text="late", delay=5)])

    async with fake.serve() as base_url:
        client = fake.client(base_url=base_url, http_client=None, timeout=0.2)
        error = await failure(ResponsesModel("gpt-test", client=client))
        await client.close()

    assert (error.code, error.retryable) == ("timeout", True)


def test_retry_after_http_date_is_seconds_from_now() -> None:
    date = email.utils.formatdate(time.time() + 30, usegmt=True)

    delay = parse_retry_after({"retry-after": date})

    assert delay is not None
    assert 20 < delay <= 30


def test_unparseable_retry_after_is_none() -> None:
    assert parse_retry_after({"retry-after": "soon"}) is None


def test_unexpected_exceptions_are_not_retryable() -> None:
    error = model_error_from(RuntimeError("boom"))

    assert (error.code, error.retryable) == ("unexpected_error", False)
