"""Calling the openai SDK's deprecated Assistants resources without its deprecation warning.

Every ``client.beta.assistants`` / ``client.beta.threads`` method warns when it is called.
agentkit supports these backends (Foundry classic, `agentkit serve`, compatible servers), so
its users should not see that warning. The SDK warns synchronously, when the method is
*called* (before the returned coroutine or stream is awaited), so the warning filter is only
ever active around synchronous code and never leaks into other tasks across an ``await``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["assistants_api"]

# The two messages the SDK uses on its Assistants resources (runs/threads, and assistants).
_MESSAGE = r"(The Assistants API is deprecated in favor of the Responses API|deprecated$)"


@contextmanager
def assistants_api() -> Iterator[None]:
    """Silence exactly the SDK's Assistants deprecation warning while calling its methods.

    Use it around the call only, never around an ``await``::

        with assistants_api():
            pending = client.beta.threads.create()
        thread = await pending
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MESSAGE, category=DeprecationWarning)
        yield
