"""``MODULE:AGENT`` and ``path/to/file.py:AGENT`` targets."""

from __future__ import annotations

import pytest

from agentkit.cli.loading import load_agent
from agentkit.exceptions import UserError

from .conftest import AGENTS


def test_a_file_path_and_a_name_load_the_agent() -> None:
    assert load_agent(f"{AGENTS}:weather").name == "helper"


def test_a_module_name_loads_the_agent() -> None:
    assert load_agent("tests.cli.agents:weather").name == "helper"


def test_a_factory_is_called() -> None:
    assert load_agent(f"{AGENTS}:make_agent").name == "made"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("nocolon", "'nocolon' is not MODULE:AGENT or path/to/file.py:AGENT"),
        ("no_such_module_xyz:a", "cannot import 'no_such_module_xyz': ModuleNotFoundError"),
        ("/nonexistent/file.py:a", "no such file: '/nonexistent/file.py'"),
        (f"{AGENTS}:missing", f"'{AGENTS}' has no attribute 'missing'"),
        (f"{AGENTS}:not_an_agent", "is an int, not an agentkit Agent"),
        (f"{AGENTS}:make_agent_later", "is an async function; name an Agent, or a plain"),
    ],
)
def test_a_bad_target_is_a_user_error_naming_it(target: str, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_agent(target)
