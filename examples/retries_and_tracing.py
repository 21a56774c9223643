"""Retries, logs and budgets over a flaky fake OpenAI server (offline).

The fake server answers 429 (with Retry-After), then 500, then cuts the stream mid-way,
then answers. `RetryMiddleware` recovers; the user sees each word once.
"""

from __future__ import annotations

import asyncio

from tenacity import stop_after_attempt, wait_exponential_jitter

from agentkit import Agent
from agentkit.events import RetryEvent, TextDeltaEvent
from agentkit.middleware import RetryMiddleware, TracingMiddleware, UsageLimitsMiddleware
from agentkit.models import ResponsesModel
from agentkit.testing import FakeOpenAI, FakeReply

ANSWER = "Cats purr when they are content, and sometimes when they are stressed."


async def main() -> None:
    fake = FakeOpenAI(
        [
            FakeReply.error(429, "Slow down.", retry_after=0.05),
            FakeReply.error(500),
            FakeReply(text=ANSWER, chunk_size=6, cut_after=5),
            FakeReply(text=ANSWER, chunk_size=6),
        ]
    )
    # max_retries=0 on the client: the middleware does the retrying, not the SDK.
    model = ResponsesModel("gpt-4.1-mini", client=fake.client(max_retries=0))
    agent = Agent(
        name="cats",
        model=model,
        middleware=[
            TracingMiddleware(),
            RetryMiddleware(
                stop=stop_after_attempt(5), wait=wait_exponential_jitter(multiplier=0.01, max=0.1)
            ),
            UsageLimitsMiddleware(max_requests=5),
        ],
    )
    async for event in agent.iter_run("Why do cats purr?"):
        match event:
            case TextDeltaEvent(text=text):
                print(text, end="", flush=True)
            case RetryEvent(attempt=attempt, delay=delay, error=error):
                print(f"\n[retry after attempt {attempt}, waiting {delay:.2f}s: {error}]")
    print(f"\n{len(fake.requests)} requests reached the server")


if __name__ == "__main__":
    asyncio.run(main())
