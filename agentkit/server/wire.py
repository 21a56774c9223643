"""Engine objects as the Assistants v2 API sends them, with values kept inside the spec's enums.

The engine records richer reasons than the API's enums allow. On the wire:

- ``last_error.code`` is one of ``server_error | rate_limit_exceeded | invalid_prompt``; any
  other engine code (``tool_error``, ``stream_interrupted``, ``timeout``...) becomes
  ``server_error`` and is kept at the start of the message, as ``[tool_error] ...``.
- ``incomplete_details.reason`` is ``max_completion_tokens`` or ``max_prompt_tokens``;
  prompt-side reasons (``max_prompt_tokens``, ``max_input_tokens``) map to the latter and
  every other reason (``max_turns``, ``max_output_tokens``, ``content_filter``...) to the
  former. The engine's reason stays in the store, visible to agentkit's own API.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentkit.records import LastError, Message, Run, RunStep

__all__ = [
    "deleted",
    "list_page",
    "message_wire",
    "run_wire",
    "spec_incomplete_reason",
    "spec_last_error",
    "step_wire",
    "without_search_content",
]

_ERROR_CODES = frozenset({"server_error", "rate_limit_exceeded", "invalid_prompt"})
_ERROR_ALIASES = {"rate_limit": "rate_limit_exceeded", "insufficient_quota": "rate_limit_exceeded"}
_PROMPT_REASONS = frozenset({"max_prompt_tokens", "max_input_tokens"})
_MESSAGE_REASONS = frozenset(
    {"content_filter", "max_tokens", "run_cancelled", "run_expired", "run_failed"}
)


def spec_last_error(error: LastError | None) -> dict[str, str] | None:
    """``last_error`` with its code inside the spec's enum."""
    if error is None:
        return None
    code = _ERROR_ALIASES.get(error.code, error.code)
    if code in _ERROR_CODES:
        return {"code": code, "message": error.message}
    return {"code": "server_error", "message": f"[{error.code}] {error.message}"}


def spec_incomplete_reason(reason: str) -> str:
    """A run's incomplete reason inside the spec's enum."""
    return "max_prompt_tokens" if reason in _PROMPT_REASONS else "max_completion_tokens"


def run_wire(run: Run) -> dict[str, Any]:
    """A run as the API sends it."""
    data = run.wire()
    action = data["required_action"]
    if action is not None:
        for call in action[action["type"]]["tool_calls"]:
            call["function"].pop("output", None)
    data["last_error"] = spec_last_error(run.last_error)
    if run.incomplete_details is not None:
        data["incomplete_details"] = {
            "reason": spec_incomplete_reason(run.incomplete_details.reason)
        }
    if data.get("usage") is not None and not run.is_terminal:
        data["usage"] = None
    for name in ("temperature", "top_p"):
        if data.get(name) is None:
            data[name] = 1.0  # not set (and not sent upstream): shown as the API's default
    return data


def step_wire(step: RunStep, *, search_content: bool = False) -> dict[str, Any]:
    """A run step as the API sends it (step errors allow only two codes).

    The text of ``file_search`` results is left out unless ``search_content`` (the
    request's ``include``) asks for it, as the API did.
    """
    data = step.wire()
    if not search_content:
        for call in data["step_details"].get("tool_calls") or []:
            without_search_content(call)
    error = spec_last_error(step.last_error)
    if error is not None and error["code"] == "invalid_prompt":
        error = {"code": "server_error", "message": f"[invalid_prompt] {error['message']}"}
    data["last_error"] = error
    if step.status == "in_progress":
        data["usage"] = None  # as the API: usage is known once the step ends
    return data


def without_search_content(call: dict[str, Any]) -> dict[str, Any]:
    """A wire tool call with the text of its ``file_search`` results removed (in place)."""
    for result in (call.get("file_search") or {}).get("results") or []:
        result.pop("content", None)
    return call


def message_wire(message: Message) -> dict[str, Any]:
    """A message as the API sends it."""
    data = message.wire()
    details = message.incomplete_details
    if details is not None and details.reason not in _MESSAGE_REASONS:
        data["incomplete_details"] = {
            "reason": "content_filter" if details.reason == "content_filter" else "max_tokens"
        }
    return data


def list_page(items: Sequence[dict[str, Any]], limit: int) -> dict[str, Any]:
    """A list response from up to ``limit + 1`` items (the extra one only sets ``has_more``)."""
    page = list(items[:limit])
    return {
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else None,
        "last_id": page[-1]["id"] if page else None,
        "has_more": len(items) > limit,
    }


def deleted(object_id: str, kind: str) -> dict[str, Any]:
    """The body of a delete response (``kind``: ``assistant.deleted``, ...)."""
    return {"id": object_id, "object": kind, "deleted": True}
