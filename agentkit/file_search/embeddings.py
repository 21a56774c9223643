"""`EmbeddingsClient`: vectors from any OpenAI-compatible ``/v1/embeddings``, batched and retried.

It talks through the openai SDK, so it works with OpenAI, Azure OpenAI (pass an
`openai.AsyncAzureOpenAI`; the model is the deployment name), Ollama, vLLM and llama.cpp
(pass an `openai.AsyncOpenAI` with their ``base_url``). Texts go in batches of
``batch_size`` (64 chunks of at most 4,096 tokens stay under OpenAI's 300,000 tokens per
request), with up to ``concurrency`` batches in flight. Vectors are asked for as floats,
which every compatible server speaks.

Failures are retried exactly as model calls are: the SDK's own retries are off, errors
become `agentkit.exceptions.ModelError` (`agentkit.models.errors.model_error_from`) and the
``retry`` policy — a `agentkit.middleware.RetryMiddleware`, default settings unless given —
decides, honouring ``Retry-After``. What is left after the retries is raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from openai import AsyncOpenAI

from agentkit.context import RunContext
from agentkit.exceptions import ModelError, UserError
from agentkit.middleware.retry import RetryMiddleware, retry_with_events
from agentkit.models.errors import model_error_from

__all__ = ["EmbeddingsClient"]


class EmbeddingsClient:
    """Turns texts into vectors with an embeddings endpoint.

    Args:
        model: the embedding model (Azure: the deployment name), e.g.
            ``text-embedding-3-small``; Ollama: ``nomic-embed-text``.
        client: the SDK client; by default an `openai.AsyncOpenAI` built from the
            ``OPENAI_*`` environment variables on first use.
        dimensions: ask for vectors of this size (``text-embedding-3`` models only).
        batch_size: texts per request.
        concurrency: requests in flight at once.
        retry: the retry policy (``stop``, ``wait``, ``retry_on``) for failed requests.
    """

    def __init__(
        self,
        model: str,
        *,
        client: AsyncOpenAI | None = None,
        dimensions: int | None = None,
        batch_size: int = 64,
        concurrency: int = 2,
        retry: RetryMiddleware | None = None,
    ) -> None:
        if batch_size < 1 or concurrency < 1:
            raise UserError("EmbeddingsClient: batch_size and concurrency must be at least 1.")
        self.model = model
        self.dimensions = dimensions
        self.batch_size = batch_size
        self.retry = retry if retry is not None else RetryMiddleware()
        self._client = client
        self._requests: AsyncOpenAI | None = None
        self._slots = asyncio.Semaphore(concurrency)

    @property
    def client(self) -> AsyncOpenAI:
        """The SDK client requests go through, with the SDK's own retries off."""
        if self._requests is None:
            self._requests = (self._client or AsyncOpenAI()).with_options(max_retries=0)
        return self._requests

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order.

        Raises:
            ModelError: the endpoint failed and the retry policy gave up, or its answer did
                not hold one vector per text.
        """
        size = self.batch_size
        batches = [texts[start : start + size] for start in range(0, len(texts), size)]
        if len(batches) == 1:
            return await self._embed_batch(batches[0])
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [
                    group.create_task(self._embed_batch(batch), name=f"embeddings-{number}")
                    for number, batch in enumerate(batches)
                ]
        except BaseExceptionGroup as failures:
            # The first batch that failed says why; the others were cancelled because of it.
            raise failures.exceptions[0] from None
        return [vector for task in tasks for vector in task.result()]

    async def _embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        async def attempt(number: int) -> list[list[float]]:
            async with self._slots:
                return await self._request(texts)

        return await retry_with_events(
            attempt,
            ctx=RunContext(deps=None),
            target="embeddings",
            stop=self.retry.stop,
            wait=self.retry.wait,
            retry_on=self.retry.retry_on,
            sleep=self.retry.sleep,
        )

    async def _request(self, texts: Sequence[str]) -> list[list[float]]:
        options: dict[str, Any] = {"encoding_format": "float"}
        if self.dimensions is not None:
            options["dimensions"] = self.dimensions
        try:
            response = await self.client.embeddings.create(
                model=self.model, input=list(texts), **options
            )
        except Exception as exc:
            raise model_error_from(exc) from exc
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != len(texts):
            raise ModelError(
                f"The embeddings endpoint returned {len(data)} vectors for {len(texts)} texts.",
                code="invalid_response",
            )
        return [list(item.embedding) for item in data]

    async def aclose(self) -> None:
        """Close the client this object built itself (a given client is the caller's)."""
        if self._client is None and self._requests is not None:
            await self._requests.close()
        self._requests = None
