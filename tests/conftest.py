"""Suite-wide fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog

from tests.leak_watch import WATCH, LeakWatch
from tests.postgres.fixtures import (  # noqa: F401 - fixtures for every test package
    _postgres_cleaner,
    clean_postgres_url,
    postgres_cluster,
    postgres_store_url,
)


@pytest.fixture(autouse=True)
def _unconfigured_structlog() -> Iterator[None]:
    # `capture_logs` leaves structlog marked as configured, which would make later tests log
    # as if the host application had set structlog up (retries printed to stdout).
    yield
    structlog.reset_defaults()


@pytest.fixture(scope="session", autouse=True)
def no_key_in_any_log() -> Iterator[LeakWatch]:
    """Fail the session if a key registered with `tests.leak_watch.secret` was logged.

    Every log record of the session, and every test's captured stderr, stdout and log, is
    searched for every registered key (what the last test's teardown writes is checked by
    `pytest_sessionfinish`).
    """
    with WATCH.recording_log_records():
        yield WATCH
    if leaks := WATCH.leaks():
        pytest.fail("API keys were logged:\n" + "\n".join(leaks), pytrace=False)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    WATCH.add_report(report)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if leaks := WATCH.leaks():
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("API keys were logged:\n" + "\n".join(leaks), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
