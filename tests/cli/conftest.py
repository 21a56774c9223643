from __future__ import annotations

from pathlib import Path

import pytest

AGENTS = Path(__file__).with_name("agents.py")
API_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "AZURE_OPENAI_ENDPOINT",
    "AZURE_OPENAI_API_KEY",
    "OPENAI_API_VERSION",
    "AGENTKIT_MODEL",
    "AGENTKIT_API",
    "AGENTKIT_DB",
    "AGENTKIT_DEBUG",
)


@pytest.fixture(autouse=True)
def no_model_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI must not see a developer's real API configuration."""
    for name in API_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "agentkit.db"
