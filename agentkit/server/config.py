"""How `agentkit serve` is configured: database, API keys and their projects, the model, limits."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agentkit.exceptions import UserError
from agentkit.models.base import Model

__all__ = [
    "KEEP_ALIVE_SECONDS",
    "ModelFactory",
    "ServerConfig",
    "offline_model_factory",
    "parse_api_keys",
]

#: How long our HTTP servers keep an idle connection open. Longer than the clients' own
#: keep-alive (httpx2 drops idle connections after 5 s), so that a client never sends a
#: request on a connection the server is closing at that moment (a spurious connection error).
KEEP_ALIVE_SECONDS = 75

ModelFactory = Callable[[str], Model]
"""Builds the model adapter for one run from the model name the assistant (or run) names."""


def offline_model_factory(model_name: str) -> Model:
    """The offline default: a `TestModel` that reports the requested model name."""
    from agentkit.testing import TestModel

    model = TestModel()
    model.model_name = model_name
    return model


@dataclass(frozen=True)
class ServerConfig:
    """Everything `create_app` needs.

    Attributes:
        db_path: the SQLite file holding assistants, threads, messages, runs and steps.
        api_keys: API key -> project. Each key sees only its project's objects.
        model_factory: builds the model for each run from the requested model name
            (default: the offline `TestModel`).
        model_description: one line saying what answers, shown at startup.
        max_body_bytes: larger request bodies get 413.
        run_timeout: seconds from a run's creation to its ``expires_at``.
        sweep_interval: seconds between scans for runs past ``expires_at``.
        poll_after_ms: the ``openai-poll-after-ms`` header sent on run retrieval.
        max_turns: model calls one run may make before it ends ``incomplete``.
    """

    db_path: str
    api_keys: Mapping[str, str]
    model_factory: ModelFactory = offline_model_factory
    model_description: str = "TestModel (offline, deterministic)"
    max_body_bytes: int = 1024 * 1024
    run_timeout: float = 600.0
    sweep_interval: float = 5.0
    poll_after_ms: int = 200
    max_turns: int = 25
    projects: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if not self.api_keys:
            raise UserError("ServerConfig: at least one API key is required (api_keys)")
        for key, project in self.api_keys.items():
            if not isinstance(key, str) or not key or not isinstance(project, str):
                raise UserError("ServerConfig.api_keys: keys and projects must be strings")
        if self.max_body_bytes < 1:
            raise UserError("ServerConfig.max_body_bytes must be at least 1")
        if self.run_timeout <= 0 or self.sweep_interval <= 0:
            raise UserError("ServerConfig.run_timeout and sweep_interval must be positive")
        object.__setattr__(self, "projects", tuple(sorted(set(self.api_keys.values()))))


def parse_api_keys(
    specs: list[str] | tuple[str, ...], environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """API keys and their projects from ``--api-key`` values and ``AGENTKIT_API_KEYS``.

    Each value is ``KEY=PROJECT`` or a bare ``KEY`` (project ``default``); the environment
    variable holds such values separated by commas, or names a JSON file (``@path``) holding an
    object ``{"KEY": "PROJECT", ...}``.

    Raises:
        UserError: an empty key, or an unreadable or malformed JSON file.
    """
    env = os.environ if environ is None else environ
    values = list(specs)
    raw = env.get("AGENTKIT_API_KEYS", "").strip()
    keys: dict[str, str] = {}
    if raw.startswith("@"):
        keys.update(_keys_file(Path(raw[1:])))
    elif raw:
        values.extend(part for part in raw.split(","))
    for value in values:
        key, sep, project = value.strip().partition("=")
        if not key:
            raise UserError(f"API key {value!r}: the key is empty")
        keys[key] = project.strip() if sep else "default"
    return keys


def _keys_file(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"AGENTKIT_API_KEYS file {str(path)!r}: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in data.items()
    ):
        raise UserError(f'AGENTKIT_API_KEYS file {str(path)!r}: expected {{"KEY": "PROJECT"}}')
    return dict(data)
