"""No API key in any log: plain tracebacks without locals, masked lines, one log per failure."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import structlog

from agentkit.models.base import Model
from agentkit.server import BackgroundServer, ServerConfig, create_app
from agentkit.server.logs import configure_serve_logging
from tests.leak_watch import secret
from tests.server.conftest import KEYS, create_quiz_assistant, http_client

REPO = Path(__file__).parents[2]
# Plugins the inner session does not need: loading them is most of its time.
_LEAN = [f"-pno:{name}" for name in ("cacheprovider", "hypothesispytest", "asyncio", "anyio")]


def broken_factory(model_name: str) -> Model:
    upstream_key = secret("sk-upstream-in-a-local")  # a local a traceback must not show
    raise RuntimeError(f"no model for {model_name} (key of {len(upstream_key)} chars)")


async def _fail_one_request(config: ServerConfig) -> httpx2.Response:
    app = create_app(config)
    async with app.router.lifespan_context(app), http_client(app) as http:
        assistant_id = await create_quiz_assistant(http)
        return await http.post("/v1/threads/runs", json={"assistant_id": assistant_id})


async def test_an_unexpected_error_is_a_json_500_logged_once_without_locals(
    db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # structlog unconfigured, Rich installed: its default renderer would show every local.
    config = ServerConfig(db_path=db_path, api_keys=KEYS, model_factory=broken_factory)
    response = await _fail_one_request(config)
    out, err = capsys.readouterr()
    logged = out + err
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "server_error"
    assert logged.count("request failed") == 1
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: no model for gpt-4o" in logged
    for secret_value in (*KEYS, "sk-upstream-in-a-local"):
        assert secret_value not in logged
    assert "locals" not in logged


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_the_asgi_server_does_not_log_the_failure_a_second_time(db_path: str) -> None:
    handler = _Collect()
    records = handler.records
    uvicorn_log = logging.getLogger("uvicorn.error")
    uvicorn_log.addHandler(handler)
    config = ServerConfig(db_path=db_path, api_keys=KEYS, model_factory=broken_factory)
    try:
        with BackgroundServer(config) as server:
            headers = {"Authorization": "Bearer sk-alpha"}
            base = server.base_url
            assistant = httpx2.post(f"{base}/assistants", json={"model": "m"}, headers=headers)
            response = httpx2.post(
                f"{base}/threads/runs",
                json={"assistant_id": assistant.json()["id"]},
                headers=headers,
            )
    finally:
        uvicorn_log.removeHandler(handler)
    assert (response.status_code, response.headers["content-type"]) == (500, "application/json")
    assert [r.getMessage() for r in records if r.levelno >= logging.ERROR] == []


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = [(name, list(lg.handlers), lg.level, lg.propagate) for name, lg in _loggers()]
    yield
    for name, handlers, level, propagate in saved:
        logger = root if name == "" else logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
    structlog.reset_defaults()


def _loggers() -> list[tuple[str, logging.Logger]]:
    return [("", logging.getLogger()), *((n, logging.getLogger(n)) for n in ("uvicorn",))]


@pytest.mark.usefixtures("restored_logging")
def test_serve_logging_masks_keys_and_renders_plain_tracebacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Not registered with the session's watch: this test logs them on purpose, to see them masked.
    client_key = "sk-client-of-serve"
    upstream_key = "upstream-key-without-prefix"
    logging.config.dictConfig(configure_serve_logging([client_key, upstream_key]))

    def fail() -> None:
        local_secret = client_key  # noqa: F841 - a local that a renderer with locals would show
        raise ValueError(f"upstream said: Bearer {upstream_key}")

    try:
        fail()
    except ValueError:
        structlog.get_logger("agentkit.server").error("failed", key=client_key, exc_info=True)
        logging.getLogger("agentkit.run").exception("run failed with %s", upstream_key)
        logging.getLogger("uvicorn.error").warning("client sent api-key: %s", client_key)
    err = capsys.readouterr().err
    assert err.count("Traceback (most recent call last)") == 2
    assert err.count("ValueError: upstream said: Bearer ***") == 2
    assert "client sent api-key: ***" in err
    assert "key=***" in err
    assert client_key not in err and upstream_key not in err
    assert "local_secret" not in err


def test_the_session_watch_fails_a_run_that_logs_or_prints_a_registered_key(
    tmp_path: Path,
) -> None:
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import no_key_in_any_log, pytest_runtest_logreport, "
        "pytest_sessionfinish\n"
    )
    (tmp_path / "test_leaks.py").write_text(
        textwrap.dedent(
            """
            import logging, sys
            import pytest
            from tests.leak_watch import secret

            KEY = secret("sk-leaky-0123456789")

            def test_a_logged_key():
                logging.getLogger("some.lib").debug("not created: below the level %s", KEY)
                logging.getLogger("some.lib").warning("calling with %s", KEY)

            def test_clean():
                print("nothing secret", file=sys.stderr)

            @pytest.fixture
            def noisy_teardown():
                yield
                print("bye", KEY, file=sys.stderr)

            def test_z_last(noisy_teardown):
                pass
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(tmp_path), "-q", *_LEAN],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    reported = sorted({line for line in output.splitlines() if "chars) in " in line})
    assert reported == [
        "sk-l…(19 chars) in log record some.lib:WARNING",
        "sk-l…(19 chars) in test_leaks.py::test_a_logged_key (Captured log call)",
        "sk-l…(19 chars) in test_leaks.py::test_z_last (Captured stderr teardown)",
    ]
