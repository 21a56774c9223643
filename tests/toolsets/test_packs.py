"""Tool packs: entry-point discovery, explicit loading, and the example pack after pip install."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

from agentkit.exceptions import UserError
from agentkit.toolsets import FunctionToolset, available_packs, load_toolset

TOOLPACK = Path(__file__).parents[2] / "examples" / "toolpack"


@pytest.fixture(scope="module")
def installed_pack() -> Iterator[None]:
    """pip-install examples/toolpack (a real wheel build, no deps) unless already installed."""
    try:
        distribution("agentkit-weather-pack")
        yield
        return
    except PackageNotFoundError:
        pass
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
    done = subprocess.run([*command, str(TOOLPACK)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"installing the example pack failed:\n{done.stderr}"
    try:
        yield
    finally:
        subprocess.run(
            [sys.executable, "-m", "pip", "uninstall", "-q", "-y", "agentkit-weather-pack"],
            check=True,
            capture_output=True,
            timeout=120,
        )


def run_python(code: str) -> str:
    # A fresh interpreter: it processes the editable install's .pth like a user's would.
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("installed_pack")
def test_installed_pack_loads_by_name_and_its_tools_run() -> None:
    output = run_python(
        """
        import asyncio, json
        from agentkit.toolsets import load_toolset
        toolset = load_toolset("weather")
        output = asyncio.run(toolset.get("forecast").invoke('{"city": "Oslo", "days": 2}'))
        print(json.dumps([toolset.names(), output]))
        """
    )
    names, forecast = json.loads(output)
    assert names == ["current_weather", "forecast"]
    assert len(json.loads(forecast)) == 2


@pytest.mark.usefixtures("installed_pack")
def test_installed_pack_is_not_imported_until_loaded() -> None:
    output = run_python(
        """
        import sys
        from agentkit.toolsets import available_packs, load_toolset
        before = "agentkit_weather_pack" in sys.modules
        listed = "weather" in available_packs()
        load_toolset("weather")
        print(before, listed, "agentkit_weather_pack" in sys.modules)
        """
    )
    assert output.split() == ["False", "True", "True"]


@pytest.mark.usefixtures("installed_pack")
def test_unknown_pack_is_a_clear_error_listing_installed_packs() -> None:
    with pytest.raises(UserError) as info:
        load_toolset("no-such-pack")
    assert "no tool pack named 'no-such-pack'" in str(info.value)
    assert "weather" in str(info.value)


def fake_distribution(root: Path, entry_points: dict[str, str], module_source: str) -> None:
    """A minimal installed distribution on ``root``: dist-info metadata plus one module."""
    info = root / "fake_pack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-pack\nVersion: 1.0\n")
    lines = [f"{name} = {target}" for name, target in entry_points.items()]
    (info / "entry_points.txt").write_text("[test.toolsets]\n" + "\n".join(lines) + "\n")
    (root / "fake_pack_module.py").write_text(textwrap.dedent(module_source))


MODULE = """
    from agentkit.tools import tool
    from agentkit.toolsets import FunctionToolset

    @tool
    def ping() -> str:
        return "pong"

    instance = FunctionToolset([ping])

    def factory():
        return FunctionToolset([ping])

    not_a_toolset = 42

    def broken_factory():
        raise RuntimeError("boom")
    """


@pytest.fixture
def fake_packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_distribution(
        tmp_path,
        {
            "inst": "fake_pack_module:instance",
            "fact": "fake_pack_module:factory",
            "bad": "fake_pack_module:not_a_toolset",
            "boom": "fake_pack_module:broken_factory",
            "single": "fake_pack_module:ping",
            "missing": "fake_pack_module_missing:x",
        },
        MODULE,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fake_pack_module", raising=False)


@pytest.mark.usefixtures("fake_packs")
@pytest.mark.parametrize("name", ["inst", "fact"])
def test_entry_point_may_be_a_toolset_or_a_factory(name: str) -> None:
    toolset = load_toolset(name, group="test.toolsets")

    assert isinstance(toolset, FunctionToolset)
    assert toolset.names() == ["ping"]


@pytest.mark.usefixtures("fake_packs")
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad", "must be a Toolset or a zero-argument factory returning one, got int"),
        ("single", "got FunctionTool"),
        ("boom", "the factory fake_pack_module:broken_factory raised RuntimeError: boom"),
        ("missing", "failed to import: ModuleNotFoundError"),
    ],
)
def test_unusable_entry_point_is_a_user_error(name: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        load_toolset(name, group="test.toolsets")


@pytest.mark.usefixtures("fake_packs")
def test_available_packs_lists_names_and_distributions_without_importing() -> None:
    packs = available_packs(group="test.toolsets")

    assert packs["inst"] == "fake-pack 1.0"
    assert sorted(packs) == ["bad", "boom", "fact", "inst", "missing", "single"]
    assert "fake_pack_module" not in sys.modules


def test_no_packs_installed_in_a_group_says_so() -> None:
    with pytest.raises(UserError, match="none are installed"):
        load_toolset("x", group="test.empty-group")
