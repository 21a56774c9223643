"""Plain-text tables for the terminal and for docs/performance.md, and import-time probes."""

from __future__ import annotations

import statistics
import subprocess
import time

__all__ = ["Table", "import_times"]


class Table:
    """A Markdown-compatible table printed to stdout."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[list[str]] = []
        self.notes: list[str] = []

    def header(self, *cells: str) -> None:
        self.rows.insert(0, list(cells))

    def row(self, *cells: str) -> None:
        self.rows.append(list(cells))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def render(self) -> str:
        widths = [max(len(r[i]) for r in self.rows) for i in range(len(self.rows[0]))]
        lines = [f"\n### {self.title}\n"]
        for number, row in enumerate(self.rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
            lines.append("| " + " | ".join(cells) + " |")
            if number == 0:
                lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        lines += [f"\n{note}" for note in self.notes]
        return "\n".join(lines)

    def show(self) -> None:
        print(self.render(), flush=True)


def _wall_ms(python: str, code: str) -> float:
    started = time.perf_counter()
    subprocess.run([python, "-c", code], check=True)
    return (time.perf_counter() - started) * 1000


def import_times(python: str, modules: list[str], *, repeat: int) -> dict[str, dict[str, float]]:
    """Wall time of ``import <module>`` in fresh interpreters, minus an empty interpreter's.

    Probes are interleaved round by round so that background load affects all alike.
    """
    samples: dict[str, list[float]] = {name: [] for name in ["(empty)", *modules]}
    for _ in range(repeat):
        samples["(empty)"].append(_wall_ms(python, "pass"))
        for name in modules:
            samples[name].append(_wall_ms(python, f"import {name}"))
    base = statistics.median(samples["(empty)"])
    return {
        name: {
            "median": statistics.median(values) - base,
            "min": min(values) - min(samples["(empty)"]),
        }
        for name, values in samples.items()
        if name != "(empty)"
    }
