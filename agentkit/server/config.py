"""How `agentkit serve` is configured: database, API keys and their projects, the model, limits."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from agentkit.exceptions import UserError
from agentkit.keep_alive import KEEP_ALIVE_SECONDS
from agentkit.models.base import Model
from agentkit.models.test import TestModel
from agentkit.toolsets.base import Toolset

if TYPE_CHECKING:
    from agentkit.code_interpreter import KernelPool
    from agentkit.file_search import EmbeddingsClient

__all__ = [
    "KEEP_ALIVE_SECONDS",
    "ModelFactory",
    "ServerConfig",
    "offline_model_factory",
    "parse_api_keys",
    "read_key_file",
]

ModelFactory = Callable[[str], Model]
"""Builds the model adapter for one run from the model name the assistant (or run) names."""


def offline_model_factory(model_name: str) -> Model:
    """The offline model: a `TestModel` that reports the requested model name."""
    model = TestModel()
    model.model_name = model_name
    return model


@dataclass(frozen=True)
class ServerConfig:
    """Everything `create_app` needs.

    Attributes:
        db_path: the SQLite file holding assistants, threads, messages, runs and steps.
        api_keys: API key -> project. Each key sees only its project's objects.
        model_factory: builds the model for each run from the requested model name:
            `upstream_model_factory` for a real API, `offline_model_factory` for the offline
            `TestModel` (chosen explicitly; `agentkit serve` says which in its banner).
        model_description: one line saying what answers, shown at startup.
        max_body_bytes: larger request bodies get 413.
        header_timeout: seconds a client has to send a request's headers (from its first
            byte, or from connecting) before the connection is answered 408 and closed.
        body_timeout: seconds a client has to send a request's body before it is answered
            408 and the connection closed.
        run_timeout: seconds from a run's creation to its ``expires_at``.
        sweep_interval: seconds between scans for runs past ``expires_at`` and for runs
            orphaned by a process that died (recovered then).
        lease_ttl: seconds a run's lease lasts unrenewed (renewed every second while the
            run is driven): after that, another server process on the same file recovers
            the run. A restarted server recovers its own dead predecessor's runs at once.
        poll_after_ms: the ``openai-poll-after-ms`` header sent on run retrieval.
        max_turns: model calls one run may make before it ends ``incomplete``.
        tools: tools the server runs itself. A run's function tool named like one of them
            runs on the server (with that tool's schema and rules, ``needs_approval``
            included) instead of pausing for the client to run it.
        files_dir: where uploaded and generated files' bytes go (default: beside the
            database, ``<db_path>.files``; with ``database_url``, a directory every
            ``serve`` process and worker shares).
        max_file_bytes: the largest file ``POST /v1/files`` accepts (streamed to disk; the
            API's 512 MB by default). ``max_body_bytes`` stays the limit of JSON bodies.
        kernel_pool: the code interpreter's kernels (`agentkit.code_interpreter.KernelPool`,
            left open at shutdown); default: the server's own, with the default limits.
        database_url: a ``postgresql://`` database to keep everything in instead of
            ``db_path``; runs are then executed by DBOS workers (the ``dbos`` extra), and
            any number of ``serve`` processes may share the database.
        worker_concurrency: with ``database_url``, runs this process drives at once as a
            DBOS worker (0: none, an API front only; the other ``serve`` processes over the
            database drive the runs: their agents come from the stored assistants, which
            ``agentkit worker`` does not build).
        embeddings: embeds vector store files and ``file_search`` queries (hybrid search,
            `agentkit.file_search.EmbeddingsClient`); None: full-text search only.
        ingest_concurrency: vector store files ingested at once, across every project.
    """

    db_path: str
    api_keys: Mapping[str, str]
    model_factory: ModelFactory
    model_description: str = ""
    max_body_bytes: int = 1024 * 1024
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    run_timeout: float = 600.0
    sweep_interval: float = 5.0
    lease_ttl: float = 30.0
    poll_after_ms: int = 200
    max_turns: int = 25
    tools: Toolset | None = None
    files_dir: str | None = None
    max_file_bytes: int = 512 * 1024 * 1024
    kernel_pool: KernelPool | None = None
    database_url: str | None = None
    worker_concurrency: int = 8
    embeddings: EmbeddingsClient | None = None
    ingest_concurrency: int = 4
    projects: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if not self.api_keys:
            raise UserError("ServerConfig: at least one API key is required (api_keys)")
        for key, project in self.api_keys.items():
            if not isinstance(key, str) or not key or not isinstance(project, str):
                raise UserError("ServerConfig.api_keys: keys and projects must be strings")
        if self.worker_concurrency < 0:
            raise UserError("ServerConfig.worker_concurrency must be 0 or more")
        if min(self.max_body_bytes, self.max_file_bytes, self.ingest_concurrency) < 1:
            raise UserError(
                "ServerConfig.max_body_bytes, max_file_bytes and ingest_concurrency must be at "
                "least 1"
            )
        if min(self.run_timeout, self.sweep_interval, self.header_timeout, self.body_timeout) <= 0:
            raise UserError(
                "ServerConfig.run_timeout, sweep_interval, header_timeout and body_timeout "
                "must be positive"
            )
        if not self.lease_ttl > 1:
            raise UserError("ServerConfig.lease_ttl must be more than 1 second")
        object.__setattr__(self, "projects", tuple(sorted(set(self.api_keys.values()))))


def parse_api_keys(
    specs: list[str] | tuple[str, ...] = (),
    environ: Mapping[str, str] | None = None,
    *,
    key_file: str | os.PathLike[str] | None = None,
) -> dict[str, str]:
    """API keys and their projects from ``AGENTKIT_API_KEYS``, a key file, and ``specs``.

    Each value is ``KEY=PROJECT`` or a bare ``KEY`` (project ``default``). The environment
    variable holds such values separated by commas, or names a key file (``@path``). A key
    file (`read_key_file`) holds one value a line, or a JSON object ``{"KEY": "PROJECT"}``.
    ``specs`` are the values given on the command line (``--api-key``, which ``ps`` shows to
    every user of the machine: prefer the environment or a file).

    Raises:
        UserError: an empty key, or an unreadable or malformed key file.
    """
    env = os.environ if environ is None else environ
    raw = env.get("AGENTKIT_API_KEYS", "").strip()
    keys: dict[str, str] = {}
    if raw.startswith("@"):
        keys.update(read_key_file(raw[1:]))
    elif raw:
        keys.update(_parse_specs(raw.split(","), "AGENTKIT_API_KEYS"))
    if key_file is not None:
        keys.update(read_key_file(key_file))
    keys.update(_parse_specs(specs, "--api-key"))
    return keys


def read_key_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """The keys in a key file: ``KEY[=PROJECT]`` lines (``#`` comments), or a JSON object.

    Raises:
        UserError: naming the file (never a key) when it is unreadable or malformed.
    """
    where = f"API key file {os.fspath(path)!r}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise UserError(f"{where}: {type(exc).__name__}: {exc.args[-1]}") from None
    if text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except ValueError:
            raise UserError(f"{where}: not valid JSON") from None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in data.items()
        ):
            raise UserError(f'{where}: expected {{"KEY": "PROJECT", ...}}')
        return dict(data)
    lines = [line.strip() for line in text.splitlines()]
    return _parse_specs([line for line in lines if line and not line.startswith("#")], where)


def _parse_specs(values: Iterable[str], where: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    for number, value in enumerate(values, 1):
        key, sep, project = value.strip().partition("=")
        if not key.strip():
            # Name the position, never the value: it may be most of a key.
            raise UserError(f"{where}: entry {number} has an empty key")
        keys[key.strip()] = project.strip() if sep else "default"
    return keys
