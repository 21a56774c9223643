"""Every top-level package of agentkit imports first, on its own (no hidden import cycle).

One fresh interpreter imports each package with every ``agentkit`` module forgotten in
between, so each package is the entry point once; third-party modules stay loaded (they
cannot take part in an agentkit cycle), which keeps this to one interpreter start. The layer
rules themselves are checked statically by ``lint-imports`` (``.importlinter``).
"""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import importlib, json, pkgutil, sys, traceback, warnings
warnings.simplefilter("error", DeprecationWarning)
import agentkit
names = sorted("agentkit." + m.name for m in pkgutil.iter_modules(agentkit.__path__))
failures = {}
for name in names:
    for loaded in [m for m in sys.modules if m == "agentkit" or m.startswith("agentkit.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc()
print(json.dumps({"names": names, "failures": failures}))
"""


def test_each_top_level_package_imports_first_with_nothing_of_agentkit_loaded() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    report = json.loads(result.stdout.splitlines()[-1])
    assert {"agentkit.runs", "agentkit.server", "agentkit.testing"} <= set(report["names"])
    assert report["failures"] == {}
