"""Logs and images from IOPub messages, bounded."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from agentkit.code_interpreter.output import LogBuffer, OutputCollector


def message(kind: str, content: dict[str, Any], date: datetime | None = None) -> dict[str, Any]:
    return {"msg_type": kind, "content": content, "header": {"date": date}}


def test_short_logs_are_kept_whole() -> None:
    logs = LogBuffer(100)
    logs.write("one\n")
    logs.write("two\n")

    assert logs.text() == "one\ntwo\n"


def test_long_logs_keep_their_head_and_tail_and_say_how_much_was_cut() -> None:
    logs = LogBuffer(20)
    for index in range(10):
        logs.write(f"line {index}\n")  # 70 characters in all

    assert logs.text() == "line 0\nlin\n[... 50 characters truncated ...]\n 8\nline 9\n"
    assert logs.dropped == 50


def test_one_huge_write_keeps_only_the_limit() -> None:
    logs = LogBuffer(1000)
    logs.write("a" * 10_000_000 + "z")

    text = logs.text()
    assert text.startswith("a" * 500) and text.endswith("a" * 499 + "z")
    assert "[... 9999001 characters truncated ...]" in text
    assert len(text) < 1100


def test_colour_codes_are_removed() -> None:
    logs = LogBuffer(100)
    logs.write("\x1b[31mZeroDivisionError\x1b[39m: division by zero")

    assert logs.text() == "ZeroDivisionError: division by zero"


def test_the_collector_gathers_streams_results_errors_and_images() -> None:
    collector = OutputCollector(output_chars=1000, max_images=1)
    png = base64.b64encode(b"\x89PNG fake").decode()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for item in [
        message("status", {"execution_state": "busy"}, start),
        message("execute_input", {"code": "..."}),
        message("stream", {"name": "stdout", "text": "out\n"}),
        message("display_data", {"data": {"image/png": png, "text/plain": "<Figure>"}}),
        message("display_data", {"data": {"image/png": png}}),
        message("display_data", {"data": {"text/plain": "a table"}}),
        message("execute_result", {"data": {"text/plain": "42"}}),
        message("error", {"ename": "KeyError", "evalue": "'x'", "traceback": ["tb 1", "tb 2"]}),
        message("status", {"execution_state": "idle"}, start + timedelta(seconds=0.25)),
    ]:
        collector.add(item)
    collector.finish_notes()

    assert collector.idle and collector.kernel_seconds == 0.25
    assert collector.images == [b"\x89PNG fake"]
    assert (collector.error_name, collector.error_value) == ("KeyError", "'x'")
    assert collector.logs.text() == (
        "out\na table\n42\ntb 1\ntb 2\n[1 more images were displayed; only the first 1 are kept]\n"
    )
