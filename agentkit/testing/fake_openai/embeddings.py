"""`FakeEmbeddings`: the fake server's ``POST …/embeddings`` (and Azure's deployment path).

Vectors come from `concept_vector`: deterministic, and close for paraphrases the concept
lexicon knows (see `agentkit.testing.fake_openai.concept_vectors`). The endpoint checks its
input as OpenAI does (a string, a list of strings, or token arrays; nothing empty; at most
2,048 inputs), honours ``dimensions`` and ``encoding_format`` (``float`` or ``base64``),
and reports usage in word-count "tokens". Queue failures with `fail_next` to test retries.
"""

from __future__ import annotations

import base64
import json
import struct
from collections import deque
from typing import Any

from agentkit.testing.fake_openai.concept_vectors import concept_vector

__all__ = ["FakeEmbeddings"]

_MAX_INPUTS = 2048
Answer = tuple[int, dict[str, Any], dict[str, str]]


class FakeEmbeddings:
    """The embeddings endpoint of a `FakeOpenAI` (its ``embeddings`` attribute).

    Args:
        dimensions: the vector size when a request does not ask for one.
        record: keep every request body in `bodies` (off for benchmarks).

    Attributes:
        bodies: every request body received, in order.
    """

    def __init__(self, dimensions: int = 256, *, record: bool = True) -> None:
        self.dimensions = dimensions
        self.record = record
        self.bodies: list[dict[str, Any]] = []
        self._failures: deque[Answer] = deque()

    def fail_next(
        self,
        status: int = 500,
        message: str = "FakeOpenAI: embeddings failed as scripted.",
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests with this error instead of vectors."""
        for _ in range(times):
            self._failures.append((status, _error(status, message, code), dict(headers or {})))

    def answer(self, raw_body: bytes) -> Answer:
        """The status, JSON body and headers to answer ``raw_body`` with."""
        try:
            body = json.loads(raw_body or b"{}")
        except json.JSONDecodeError:
            return 400, _error(400, "The body is not JSON.", "invalid_json"), {}
        if isinstance(body, dict) and self.record:
            self.bodies.append(body)
        if self._failures:
            return self._failures.popleft()
        texts, problem = _inputs(body.get("input") if isinstance(body, dict) else None)
        if problem:
            return 400, _error(400, problem, "invalid_value"), {}
        dimensions = body.get("dimensions") or self.dimensions
        if not isinstance(dimensions, int) or not 1 <= dimensions <= 3072:
            return 400, _error(400, "'dimensions' must be from 1 to 3072.", "invalid_value"), {}
        as_base64 = body.get("encoding_format") == "base64"
        data = [
            {
                "object": "embedding",
                "index": index,
                "embedding": _encoded(concept_vector(text, dimensions), as_base64),
            }
            for index, text in enumerate(texts)
        ]
        tokens = sum(max(1, len(text.split())) for text in texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return 200, {"object": "list", "data": data, "model": body.get("model"), "usage": usage}, {}


def _inputs(value: Any) -> tuple[list[str], str]:
    """The texts to embed, or why the input is invalid."""
    if (
        isinstance(value, str)
        or isinstance(value, list)
        and value
        and all(isinstance(item, int) for item in value)
    ):
        value = [value]
    if not isinstance(value, list) or not value:
        return [], "'input' must be a non-empty string or array."
    if len(value) > _MAX_INPUTS:
        return [], f"'input' may hold at most {_MAX_INPUTS} items, not {len(value)}."
    texts: list[str] = []
    for position, item in enumerate(value):
        if isinstance(item, list) and item and all(isinstance(token, int) for token in item):
            item = " ".join(f"token{token}" for token in item)
        if not isinstance(item, str) or not item:
            return [], f"'input[{position}]' must be a non-empty string or token array."
        texts.append(item)
    return texts, ""


def _encoded(vector: list[float], as_base64: bool) -> list[float] | str:
    if not as_base64:
        return vector
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def _error(status: int, message: str, code: str | None) -> dict[str, Any]:
    kind = "server_error" if status >= 500 else "invalid_request_error"
    return {"error": {"message": message, "type": kind, "code": code, "param": None}}
