"""Import time of the entry points a first run needs, against ``import openai``.

Each statement runs in a fresh interpreter with ``-X importtime``, ``--repeat`` times
(interleaved, so background load hits all alike); the figure is the median of the summed
cumulative time of the top-level imports, minus an empty interpreter's (``pass``). "paired vs
openai" is the median over rounds of the difference to that round's ``import openai``; "in
modules openai does not load" sums the own time of the modules ``import openai`` does not
import (agentkit's, and what it alone pulls in), the figure least moved by the machine's load.

    .venv/bin/python bench/imports.py               # median of 10
    .venv/bin/python bench/imports.py --repeat 20
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from typing import NamedTuple

STATEMENTS = {
    "(empty)": "pass",
    "import openai": "import openai",
    "import agentkit": "import agentkit",
    "from agentkit import Agent, tool": "from agentkit import Agent, tool",
    "from agentkit.models import ResponsesModel": "from agentkit.models import ResponsesModel",
    "from agentkit.models import ChatCompletionsModel": (
        "from agentkit.models import ChatCompletionsModel"
    ),
    # The packages load their names on first use, so a bare ``import agentkit.remote`` costs
    # nothing; what a remote run needs is the runner.
    "from agentkit.remote import RemoteRunner": "from agentkit.remote import RemoteRunner",
    # A first local run needs both the agent and an adapter.
    "a first run: Agent, tool and ResponsesModel": (
        "from agentkit import Agent, tool; from agentkit.models import ResponsesModel"
    ),
}


class Imported(NamedTuple):
    """One fresh interpreter's imports: their total time and each module's own time."""

    ms: float
    own_ms: dict[str, float]


def imports_of(statement: str) -> Imported:
    """What the imports of ``statement`` took in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    total_us = 0
    own_ms: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = (part for part in line.removeprefix("import time:").split("|"))
        own_ms[name.strip()] = int(own) / 1000
        if not name.startswith("  "):  # top level: its cumulative time includes its imports
            total_us += int(cumulative)
    return Imported(total_us / 1000, own_ms)


def beyond(imported: Imported, reference: set[str]) -> float:
    """Milliseconds spent in modules that ``reference`` (``import openai``'s) does not load."""
    return sum(ms for name, ms in imported.own_ms.items() if name not in reference)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    runs: dict[str, list[Imported]] = {name: [] for name in STATEMENTS}
    for _ in range(args.repeat):
        for name, statement in STATEMENTS.items():
            runs[name].append(imports_of(statement))
    samples = {name: [run.ms for run in values] for name, values in runs.items()}
    openai_modules = {module for run in runs["import openai"] for module in run.own_ms}
    # Time in the modules `import openai` does not load: what agentkit adds, without the
    # SDK's own time and its swings with the load.
    added = {
        name: statistics.median(beyond(run, openai_modules) for run in values)
        for name, values in runs.items()
    }
    base = statistics.median(samples.pop("(empty)"))
    medians = {name: statistics.median(values) - base for name, values in samples.items()}
    openai_ms = medians["import openai"]
    # On a shared machine the load drifts between rounds; the difference to the same
    # round's `import openai` drifts less than the difference of the two medians.
    paired = {
        name: statistics.median(
            x - o for x, o in zip(values, samples["import openai"], strict=True)
        )
        for name, values in samples.items()
    }
    print(f"\n### Import time (-X importtime, median of {args.repeat}, ms)\n")
    print(
        "| import | median ms | min ms | vs openai | paired vs openai "
        "| in modules openai does not load | goal: <= openai + 50 ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, median in medians.items():
        low = min(samples[name]) - base
        met = "-" if name == "import openai" else ("yes" if median <= openai_ms + 50 else "no")
        print(
            f"| `{name}` | {median:.0f} | {low:.0f} | {median - openai_ms:+.0f} "
            f"| {paired[name]:+.0f} | {added[name]:.0f} | {met} |"
        )


if __name__ == "__main__":
    main()
