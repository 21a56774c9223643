"""Renamed and moved names keep working for a while, each with a warning naming its successor."""

from __future__ import annotations

import importlib

import pytest

import agentkit
from agentkit import ModelRetry, RunLimits, tool
from agentkit.tools import Tool, ToolDefinition


def add(a: int) -> int:
    """Add one."""
    return a + 1


def test_retry_tool_is_model_retry() -> None:
    with pytest.deprecated_call(match="use agentkit.exceptions.ModelRetry"):
        old = agentkit.RetryTool
    assert old is ModelRetry


def test_tool_max_retries_sets_max_model_retries() -> None:
    with pytest.deprecated_call(match="max_model_retries"):
        wrapped = tool(max_retries=4)(add)
    assert wrapped.max_model_retries == 4


def test_run_limits_tool_retries_sets_max_model_retries() -> None:
    with pytest.deprecated_call(match="max_model_retries"):
        limits = RunLimits(tool_retries=5)
    assert limits.max_model_retries == 5


def test_a_tool_subclass_with_max_retries_keeps_its_budget() -> None:
    with pytest.deprecated_call(match="max_model_retries"):

        class Old(Tool):
            max_retries = 1

            @property
            def definition(self) -> ToolDefinition:
                return ToolDefinition(name="old")

            async def invoke(self, arguments: str, ctx: object = None) -> str:
                return ""

    assert Old.max_model_retries == 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("agentkit.middleware.StopAtTools", "agentkit.tool_choice"),
        ("agentkit.runs.objects.Run", "agentkit.records"),
        ("agentkit.runs.events.TextDeltaEvent", "agentkit.events"),
    ],
)
def test_moved_names_still_import(old: str, new: str) -> None:
    module, _, name = old.rpartition(".")
    with pytest.deprecated_call(match=f"use {new}.{name}"):
        value = getattr(importlib.import_module(module), name)
    assert value is getattr(importlib.import_module(new), name)
