"""`MaskingFilter` on an application's handler masks what agentkit's loggers would leak."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from agentkit.redaction import MaskingFilter

# Not registered with the suite's leak watch: these records carry them on purpose, and what
# is checked is what the handler writes.
KEY = "sk-app-handler-4567"
OTHER = "opaque-tenant-token-889"


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """What a handler on the ``agentkit`` logger, with the filter, writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter([OTHER]))
    logger = logging.getLogger("agentkit")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def test_a_child_loggers_message_and_arguments_are_masked(output: io.StringIO) -> None:
    logging.getLogger("agentkit.remote").warning(
        "could not cancel remote run %s: %s", "run_1", f"Error code: 401 - Bearer {KEY}"
    )

    assert output.getvalue() == "could not cancel remote run run_1: Error code: 401 - Bearer ***\n"


def test_a_traceback_is_masked_and_rendered_once(output: io.StringIO) -> None:
    def failing_tool(token: str) -> None:
        raise RuntimeError(f"upstream refused {OTHER} and {KEY}")

    try:
        failing_tool(KEY)
    except RuntimeError:
        logging.getLogger("agentkit.run").exception("run %s failed unexpectedly", "run_2")

    text = output.getvalue()
    assert text.startswith("run run_2 failed unexpectedly\nTraceback (most recent call last):")
    assert "RuntimeError: upstream refused *** and sk-***" in text
    assert KEY not in text and OTHER not in text
    assert text.count("Traceback") == 1
