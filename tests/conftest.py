"""Suite-wide fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog


@pytest.fixture(autouse=True)
def _unconfigured_structlog() -> Iterator[None]:
    # `capture_logs` leaves structlog marked as configured, which would make later tests log
    # as if the host application had set structlog up (retries printed to stdout).
    yield
    structlog.reset_defaults()
