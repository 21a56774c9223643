"""What a first run's imports load: only what that entry point needs (issue 19's import goal).

Each statement runs in a fresh interpreter, which reports the modules it loaded. Timing is
`bench/imports.py`'s job; these tests pin the causes of slow imports: optional services,
tenacity (which imports tornado when it is installed) and the parts of agentkit a given
entry point does not use.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types

import pytest

# Libraries no first run needs: servers, durable engines, databases, tracing, kernels, and
# tenacity, which the default retries import only when a run builds its middleware stack.
HEAVY = (
    "dbos",
    "jupyter_client",
    "mcp",
    "opentelemetry",
    "psycopg",
    "psycopg_pool",
    "starlette",
    "structlog",
    "tenacity",
    "tornado",
    "uvicorn",
)

# agentkit's optional families: none of them is part of a first run.
OPTIONAL = (
    "agentkit.cli",
    "agentkit.code_interpreter",
    "agentkit.durable",
    "agentkit.file_search",
    "agentkit.files",
    "agentkit.mcp",
    "agentkit.server",
    "agentkit.testing",
)

# What the engine is made of; a model adapter uses none of it.
ENGINE = (
    "agentkit.agent",
    "agentkit.records",
    "agentkit.runner",
    "agentkit.runs",
    "agentkit.stores",
    "agentkit.middleware",
    "agentkit.toolsets",
)


def loaded_after(statement: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``statement``."""
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def loaded_from(modules: set[str], packages: tuple[str, ...]) -> set[str]:
    """The modules in ``modules`` that are one of ``packages`` or inside one."""
    return {
        name
        for name in modules
        if any(name == package or name.startswith(f"{package}.") for package in packages)
    }


@pytest.mark.parametrize(
    "statement",
    [
        "import agentkit",
        "from agentkit import Agent, tool",
        "from agentkit.models import ResponsesModel",
        "from agentkit.models import ChatCompletionsModel",
        "from agentkit.remote import RemoteRunner",
    ],
)
def test_an_entry_point_loads_no_optional_service_or_retry_library(statement: str) -> None:
    loaded = loaded_after(statement)
    assert loaded_from(loaded, HEAVY) == set()
    assert loaded_from(loaded, OPTIONAL) == set()


def test_importing_agentkit_loads_none_of_its_modules_until_a_name_is_used() -> None:
    loaded = loaded_after("import agentkit")
    assert loaded_from(loaded, ("agentkit",)) == {
        "agentkit",
        "agentkit.deprecation",
        "agentkit.exports",
    }


@pytest.mark.parametrize(
    "statement",
    [
        "from agentkit.models import ResponsesModel",
        "from agentkit.models import ChatCompletionsModel",
    ],
)
def test_a_model_adapter_loads_none_of_the_engine(statement: str) -> None:
    loaded = loaded_after(statement)
    assert "openai" in loaded  # the adapter itself did load
    assert loaded_from(loaded, ENGINE) == set()


def test_the_remote_runner_loads_neither_the_local_agent_nor_the_run_loop() -> None:
    loaded = loaded_after("from agentkit.remote import RemoteRunner")
    local_engine = {"agentkit.agent", "agentkit.runner", "agentkit.runs.loop"}
    # Checking a caller's outputs or approvals needs the rules, not the local resume paths.
    local_engine |= {"agentkit.runs.resume", "agentkit.runs.approvals", "agentkit.runs.steps"}
    assert local_engine & loaded == set()
    # The store contract, not the stores: no SQLite, no in-memory tables.
    assert loaded_from(loaded, ("agentkit.stores",)) == {"agentkit.stores", "agentkit.stores.base"}


def test_the_first_run_loads_the_default_retries() -> None:
    # The default RetryMiddleware is installed when the first run builds its stack.
    loaded = loaded_after(
        "from agentkit import Agent\n"
        "from agentkit.models import TestModel\n"
        "Agent(name='a', model=TestModel()).run_sync('hello')"
    )
    assert {"tenacity", "agentkit.middleware.retry", "agentkit.middleware.tool_retry"} <= loaded


LAZY_PACKAGES = (
    "agentkit",
    "agentkit.middleware",
    "agentkit.models",
    "agentkit.remote",
    "agentkit.stores",
    "agentkit.tool_choice",
    "agentkit.tools",
    "agentkit.toolsets",
)


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_name_a_package_exports_resolves_and_is_listed_by_dir(package: str) -> None:
    module = importlib.import_module(package)
    exported = set(module.__all__)
    listed = {
        name
        for name in dir(module)
        if not name.startswith("_") and not isinstance(getattr(module, name), types.ModuleType)
    }
    assert listed == exported
    for name in exported:
        value = getattr(module, name)
        home = getattr(value, "__module__", None)
        if isinstance(home, str) and home.startswith(f"{package}."):
            assert getattr(importlib.import_module(home), name) is value


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_an_unknown_name_is_a_clear_attribute_error(package: str) -> None:
    module = importlib.import_module(package)
    with pytest.raises(AttributeError, match=f"module '{package}' has no attribute 'Nope'"):
        _ = module.Nope


MODULE_FIRST = """
import importlib, json, pkgutil, sys, traceback
packages = {packages!r}
names = []
for package in packages:
    module = importlib.import_module(package)
    names += [package + "." + info.name for info in pkgutil.iter_modules(module.__path__)]
failures = {{}}
for name in names:
    for loaded in [m for m in sys.modules if m == "agentkit" or m.startswith("agentkit.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc()
print(json.dumps({{"names": names, "failures": failures}}))
"""


def test_each_module_of_a_lazy_package_imports_first_on_its_own() -> None:
    # The packages no longer import their modules in a fixed order, so a cycle the order
    # used to hide (e.g. a toolset wrapper imported before `Toolset`) would surface here.
    packages = [package for package in LAZY_PACKAGES if package != "agentkit"]
    code = MODULE_FIRST.format(packages=packages)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert "agentkit.toolsets.filtered" in report["names"]
    assert report["failures"] == {}


def test_the_default_store_loads_the_vector_store_records_only_when_one_is_used() -> None:
    records = "agentkit.stores.vector_store_records"
    assert records not in loaded_after("from agentkit.stores import MemoryStore; MemoryStore()")
    used = "from agentkit.stores.vector_stores import VectorStore; VectorStore(name='docs')"
    assert records in loaded_after(used)
