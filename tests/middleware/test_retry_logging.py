"""Retry warnings reach the application's logging, and nothing else: fresh interpreters,
because pytest configures logging itself."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

APP = textwrap.dedent(
    """
    import asyncio, logging, sys

    from tenacity import wait_none

    from agentkit import Agent
    from agentkit.exceptions import ModelError
    from agentkit.middleware import RetryMiddleware
    from agentkit.testing import FunctionModel, text

    calls = 0

    def flaky(request, info):
        global calls
        calls += 1
        if calls == 1:
            raise ModelError("Overloaded.", code="server_error", status_code=503, retryable=True)
        return text("fine")

    if sys.argv[1] == "configured":
        logging.basicConfig(format="%(name)s %(levelname)s %(message)s")
    retry = RetryMiddleware(wait=wait_none())
    agent = Agent(name="a", model=FunctionModel(flaky), middleware=[retry])
    print(asyncio.run(agent.run("q")).output_text)
    """
)


def _run_app(logging_setup: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", APP, logging_setup],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        check=True,
    )


def test_a_retry_prints_nothing_in_an_app_that_configured_no_logging() -> None:
    done = _run_app("unconfigured")
    assert (done.stdout, done.stderr) == ("fine\n", "")


def test_a_retry_is_one_readable_line_once_the_app_configures_logging() -> None:
    done = _run_app("configured")
    assert done.stdout == "fine\n"
    assert done.stderr == (
        "agentkit.retry WARNING retrying: target='model' attempt=1 delay=0.0 "
        "error='ModelError: Overloaded.' error_code='server_error' status_code=503\n"
    )
