"""What pyproject.toml promises: every third-party import declared, nothing declared unused,
the license shipped, and the Python versions CI tests."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _imported_top_level_modules() -> set[str]:
    modules: set[str] = set()
    for path in (ROOT / "agentkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"agentkit", "__future__"}


def _distributions_of(modules: set[str]) -> dict[str, set[str]]:
    installed = packages_distributions()
    return {m: {canonicalize_name(d) for d in installed.get(m, [])} for m in modules}


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def test_every_third_party_module_agentkit_imports_is_a_declared_dependency() -> None:
    declared = _names(PROJECT["dependencies"])
    for extra, requirements in PROJECT["optional-dependencies"].items():
        if extra != "dev":
            declared |= _names(requirements)
    undeclared = {
        module: dists
        for module, dists in _distributions_of(_imported_top_level_modules()).items()
        if not dists & declared
    }
    assert undeclared == {}


def test_every_required_dependency_is_imported_by_agentkit() -> None:
    imported = set().union(*_distributions_of(_imported_top_level_modules()).values())
    assert _names(PROJECT["dependencies"]) - imported == set()


def test_the_distribution_name_is_not_the_import_name_taken_on_pypi() -> None:
    # `agentkit` on PyPI is an unrelated project; the dev extra must refer to this one.
    assert PROJECT["name"] == "agentkit-assistants"
    assert PROJECT["optional-dependencies"]["dev"][0].startswith("agentkit-assistants[")


def test_the_license_file_is_shipped_and_matches_the_declared_license() -> None:
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")


def test_the_classifiers_start_at_the_supported_floor() -> None:
    # .ci/run tests exactly the versions these classifiers list (the oldest with the whole
    # suite), so the oldest listed must be requires-python's floor.
    listed = [
        c.rsplit(" :: ", 1)[1]
        for c in PROJECT["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert PROJECT["requires-python"] == f">={min(listed, key=lambda v: int(v[2:]))}"
    assert len(listed) >= 2, "CI tests the oldest and the newest supported Python"
