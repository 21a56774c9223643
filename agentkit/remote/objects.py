"""The remote service's runs, steps and messages as agentkit objects, statuses mapped.

The openai SDK's Assistants models and agentkit's run objects are the same wire shapes, so
each conversion is a ``model_dump`` plus the few repairs a lenient backend may need: fields
sent as ``null`` where agentkit keeps a default, statuses the flavor maps, and content or
tool-call kinds agentkit does not model (images, code_interpreter) left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from agentkit.records import Message, Run, RunStep, Thread
from agentkit.remote.flavors import RemoteFlavor

__all__ = ["message_from", "run_from", "step_from", "thread_from", "unsupported_action"]

# Fields a backend may send as null where agentkit's objects keep a value.
_RUN_DEFAULTS = (
    "instructions",
    "metadata",
    "model",
    "parallel_tool_calls",
    "response_format",
    "tool_choice",
    "tools",
    "truncation_strategy",
)


def _dump(obj: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    data = obj.model_dump(mode="json") if isinstance(obj, BaseModel) else obj
    return dict(data)


def run_from(obj: BaseModel | Mapping[str, Any], flavor: RemoteFlavor) -> Run:
    """An agentkit `Run` from the service's run, its status mapped by ``flavor``."""
    data = _dump(obj)
    for key in _RUN_DEFAULTS:
        if data.get(key) is None:
            data.pop(key, None)
    # Foundry names the field agent_id in its SDK; accept either spelling.
    data.setdefault("assistant_id", data.get("agent_id") or "")
    details = data.get("incomplete_details")
    if details is not None:
        data["incomplete_details"] = {"reason": details.get("reason") or "unknown"}
    data["status"] = flavor.run_status(data.get("status"), incomplete_details=details is not None)
    if unsupported_action(data) is not None:
        # An action agentkit cannot answer; the runner fails the run with a clear error.
        data["required_action"] = None
    elif (data.get("required_action") or {}).get("type") == "submit_tool_approval":
        data["required_action"] = _approval_action(data["required_action"])
    return Run.model_validate(data)


def unsupported_action(obj: BaseModel | Mapping[str, Any]) -> str | None:
    """The type of a required action agentkit cannot answer (neither outputs nor approvals)."""
    action = _dump(obj).get("required_action")
    if action is None or action.get("type") in ("submit_tool_outputs", "submit_tool_approval"):
        return None
    return str(action.get("type"))


def _approval_action(action: dict[str, Any]) -> dict[str, Any]:
    """Foundry's ``submit_tool_approval`` with each call (function or MCP) as a function call.

    An MCP call (``name``, ``arguments``, ``server_label``) is named ``<server_label>.<name>``
    so that whoever decides sees which server it goes to.
    """
    calls = []
    for call in (action.get("submit_tool_approval") or {}).get("tool_calls") or []:
        function = call.get("function")
        if function is None:
            label = call.get("server_label")
            name = f"{label}.{call.get('name')}" if label else str(call.get("name"))
            function = {"name": name, "arguments": call.get("arguments") or "{}"}
        calls.append({"id": call["id"], "type": "function", "function": function})
    return {"type": "submit_tool_approval", "submit_tool_approval": {"tool_calls": calls}}


def step_from(obj: BaseModel | Mapping[str, Any]) -> RunStep:
    """An agentkit `RunStep`; only function calls are kept in a ``tool_calls`` step."""
    data = _dump(obj)
    details = dict(data.get("step_details") or {})
    if details.get("type") == "tool_calls":
        details["tool_calls"] = [
            call for call in details.get("tool_calls") or [] if call.get("type") == "function"
        ]
    data["step_details"] = details
    if data.get("metadata") is None:
        data["metadata"] = {}
    return RunStep.model_validate(data)


def message_from(obj: BaseModel | Mapping[str, Any]) -> Message:
    """An agentkit `Message` with the text parts of the service's message."""
    data = _dump(obj)
    data["content"] = [part for part in data.get("content") or [] if part.get("type") == "text"]
    for key in ("attachments", "metadata"):
        if data.get(key) is None:
            data.pop(key, None)
    return Message.model_validate(data)


def thread_from(obj: BaseModel | Mapping[str, Any]) -> Thread:
    """An agentkit `Thread`."""
    data = _dump(obj)
    if data.get("metadata") is None:
        data.pop("metadata", None)
    return Thread.model_validate(data)
