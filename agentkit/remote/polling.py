"""How long to wait between polls: the service's ``openai-poll-after-ms``, jittered, bounded.

The run is retrieved at once after it is created or its outputs are submitted (a fast
service has often finished the step by then). After that, each wait follows the last
response's ``openai-poll-after-ms``; the SDK's own ``poll()`` reads the header once and then
keeps that interval, agentkit reads it on every retrieve, so a service can slow clients down
or speed them up at any time. Without the header, waits start small and double.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from agentkit.exceptions import UserError

__all__ = ["POLL_AFTER_HEADER", "PollPolicy"]

POLL_AFTER_HEADER = "openai-poll-after-ms"


@dataclass(frozen=True)
class PollPolicy:
    """The wait before the next poll.

    Attributes:
        default: the longest wait when responses have no (valid) ``openai-poll-after-ms``:
            waits start at ``initial`` and double up to it.
        initial: the first wait when the response has no (valid) ``openai-poll-after-ms``
            (never more than ``default``).
        jitter: the wait is spread uniformly over ``±jitter`` of itself, so that many clients
            polling one service do not fall into step.
        min_interval: never poll faster than this.
        max_interval: never wait longer than this, whatever the header says.
        rng: the source of jitter (seed it for reproducible waits).
        sleep: how to wait (tests may record the waits).
    """

    default: float = 1.0
    initial: float = 0.05
    jitter: float = 0.1
    min_interval: float = 0.01
    max_interval: float = 30.0
    rng: random.Random = field(default_factory=random.Random, compare=False)
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.jitter < 1:
            raise UserError("PollPolicy.jitter must be at least 0 and below 1")
        if not 0 <= self.min_interval <= self.max_interval:
            raise UserError("PollPolicy needs 0 <= min_interval <= max_interval")
        if self.initial < 0 or self.default < 0:
            raise UserError("PollPolicy.initial and PollPolicy.default must not be negative")

    def _backoff(self, waited: int) -> float:
        return min(self.initial * 2.0 ** min(waited, 32), self.default)

    def interval(self, headers: Mapping[str, str], waited: int | None = None) -> float:
        """Seconds to wait before the next poll, given the last response's headers.

        Args:
            headers: the last response's headers.
            waited: how many times this poll loop has waited already, for the back-off
                without a header (None: as if many times, so ``default``).
        """
        base = _header_seconds(headers.get(POLL_AFTER_HEADER))
        if base is None:
            base = self.default if waited is None else self._backoff(waited)
        spread = base * self.rng.uniform(-self.jitter, self.jitter)
        return min(max(base + spread, self.min_interval), self.max_interval)


def _header_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        millis = float(value)
    except ValueError:
        return None
    return millis / 1000 if millis >= 0 else None
