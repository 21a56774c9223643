"""``agentkit tools show``: definitions as JSON, from a module, a file or a pack."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentkit.cli.app import cli

ROOT = Path(__file__).parents[2]

MODULE = """
    from agentkit import Agent
    from agentkit.testing import TestModel
    from agentkit.tools import tool
    from agentkit.toolsets import FunctionToolset

    @tool
    def ping(host: str) -> str:
        \"\"\"Ping a host.\"\"\"
        return host

    @tool
    def pong() -> str:
        return "pong"

    toolset = FunctionToolset([ping, pong])
    as_list = [ping, pong]
    agent = Agent(name="pinger", model=TestModel(), tools=[ping, pong])
    number = 3
    """

PING_CHAT = {
    "type": "function",
    "function": {
        "name": "ping",
        "description": "Ping a host.",
        "parameters": {
            "properties": {"host": {"type": "string"}},
            "required": ["host"],
            "type": "object",
            "additionalProperties": False,
        },
        "strict": True,
    },
}


@pytest.fixture
def module_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli_tools_mod.py"
    path.write_text(textwrap.dedent(MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "cli_tools_mod", raising=False)
    return path


def show(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["tools", "show", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("module_file")
def test_show_a_tool_prints_its_chat_definition() -> None:
    code, out, _ = show("cli_tools_mod:ping")

    assert code == 0
    assert json.loads(out) == [PING_CHAT]


@pytest.mark.usefixtures("module_file")
def test_show_responses_format_prints_the_flat_shape() -> None:
    code, out, _ = show("cli_tools_mod:ping", "--format", "responses")

    assert code == 0
    assert json.loads(out) == [{"type": "function", **PING_CHAT["function"]}]  # type: ignore[dict-item]


@pytest.mark.usefixtures("module_file")
@pytest.mark.parametrize("attr", ["toolset", "as_list", "agent"])
def test_show_an_agent_a_toolset_or_a_list_prints_every_tool(attr: str) -> None:
    code, out, _ = show(f"cli_tools_mod:{attr}")

    assert code == 0
    assert [d["function"]["name"] for d in json.loads(out)] == ["ping", "pong"]


def test_show_accepts_a_file_path(module_file: Path) -> None:
    code, out, _ = show(f"{module_file}:ping")

    assert code == 0
    assert json.loads(out) == [PING_CHAT]


def test_show_the_display_quiz_example() -> None:
    code, out, _ = show(f"{ROOT / 'examples' / 'display_quiz.py'}:display_quiz")

    assert code == 0
    assert json.loads(out)[0]["function"]["name"] == "display_quiz"


@pytest.mark.usefixtures("module_file")
@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("cli_tools_mod:missing", "Error: 'cli_tools_mod' has no attribute 'missing'\n"),
        ("cli_tools_mod:number", "Error: 'cli_tools_mod:number' is an int, not an agent, a tool"),
        ("no_such_module_xyz:x", "Error: cannot import 'no_such_module_xyz': ModuleNotFoundError"),
        ("nocolon", "Error: 'nocolon' is not MODULE:ATTR"),
        ("/nonexistent/file.py:x", "Error: no such file: '/nonexistent/file.py'\n"),
    ],
)
def test_bad_target_is_one_line_on_stderr_with_exit_1(target: str, message: str) -> None:
    code, out, err = show(target)

    assert code == 1
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_unknown_pack_is_one_line_on_stderr_with_exit_1() -> None:
    code, _, err = show("--pack", "no-such-pack")

    assert code == 1
    assert err.startswith("Error: no tool pack named 'no-such-pack'")


@pytest.mark.parametrize("args", [[], ["x:y", "--pack", "weather"]])
def test_target_and_pack_together_or_neither_is_a_usage_error(args: list[str]) -> None:
    code, _, err = show(*args)

    assert code == 2
    assert "give exactly one of TARGET, --pack, --mcp or --mcp-url" in err


def test_show_pack_through_the_installed_script(tmp_path: Path) -> None:
    # The real console script, in a subprocess, on a pack made visible through PYTHONPATH.
    info = tmp_path / "demo_pack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-pack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[agentkit.toolsets]\ndemo = demo_pack_mod:toolset\n")
    (tmp_path / "demo_pack_mod.py").write_text(textwrap.dedent(MODULE))
    script = Path(sys.executable).parent / "agentkit"

    result = subprocess.run(
        [str(script), "tools", "show", "--pack", "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0] == PING_CHAT
