"""Serving a `FakeOpenAI` from a thread of its own, for code without an event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentkit.testing.fake_openai.app import FakeOpenAI

__all__ = ["serve_in_thread"]

_STARTUP_SECONDS = 10.0


@dataclass
class _Serving:
    ready: threading.Event = field(default_factory=threading.Event)
    url: str = ""
    error: BaseException | None = None
    loop: asyncio.AbstractEventLoop | None = None
    stop: asyncio.Event | None = None


@contextmanager
def serve_in_thread(fake: FakeOpenAI, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``fake`` over HTTP on its own loop in a daemon thread; yields the base URL.

    Raises:
        RuntimeError: the server did not start within 10 seconds.
    """
    serving = _Serving()

    async def serve() -> None:
        serving.loop, serving.stop = asyncio.get_running_loop(), asyncio.Event()
        async with fake.serve(host) as url:
            serving.url = url
            serving.ready.set()
            await serving.stop.wait()

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported to the caller, who waits on `ready`
            serving.error = exc
            serving.ready.set()

    thread = threading.Thread(target=run, name="fake-openai-thread", daemon=True)
    thread.start()
    if not serving.ready.wait(_STARTUP_SECONDS) or serving.error is not None:
        raise RuntimeError(f"FakeOpenAI did not start: {serving.error!r}")
    try:
        yield serving.url
    finally:
        if serving.loop is not None and serving.stop is not None:
            serving.loop.call_soon_threadsafe(serving.stop.set)
        thread.join(_STARTUP_SECONDS)
