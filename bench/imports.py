"""Import time of the entry points a first run needs, against ``import openai``.

Each statement runs in a fresh interpreter with ``-X importtime``, ``--repeat`` times
(interleaved, so background load hits all alike); the figure is the median of the summed
cumulative time of the top-level imports, minus an empty interpreter's (``pass``). "paired vs
openai" is the median over rounds of the difference to that round's ``import openai``.

    .venv/bin/python bench/imports.py               # median of 10
    .venv/bin/python bench/imports.py --repeat 20
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

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


def import_ms(statement: str) -> float:
    """Milliseconds the top-level imports of ``statement`` took in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    total_us = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part for part in line.removeprefix("import time:").split("|"))
        if not name.startswith("  "):  # top level: its cumulative time includes its imports
            total_us += int(cumulative)
    return total_us / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    samples: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(args.repeat):
        for name, statement in STATEMENTS.items():
            samples[name].append(import_ms(statement))
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
        "| import | median ms | min ms | vs openai | paired vs openai | goal: <= openai + 50 ms |"
    )
    print("|---|---|---|---|---|---|")
    for name, median in medians.items():
        low = min(samples[name]) - base
        met = "-" if name == "import openai" else ("yes" if median <= openai_ms + 50 else "no")
        print(
            f"| `{name}` | {median:.0f} | {low:.0f} | {median - openai_ms:+.0f} "
            f"| {paired[name]:+.0f} | {met} |"
        )


if __name__ == "__main__":
    main()
