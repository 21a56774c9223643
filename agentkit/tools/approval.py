"""Which tool calls wait for a person: a tool's ``needs_approval`` rule.

A rule is ``True`` (every call), ``False`` (none; the default), or a function of the run's
context and the call's arguments (sync or async) saying whether this call needs approval,
e.g. ``lambda ctx, args: args["amount_eur"] > 100``.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from agentkit.context import RunContext
from agentkit.exceptions import UserError

__all__ = ["ApprovalRule", "check_approval_rule", "denial_output", "needs_approval"]

ApprovalRule: TypeAlias = bool | Callable[[RunContext[Any], dict[str, Any]], bool | Awaitable[bool]]
"""``needs_approval``: a constant, or a function of ``(ctx, arguments)``."""

_log = logging.getLogger("agentkit.tools")


def check_approval_rule(rule: Any, where: str) -> ApprovalRule:
    """``rule`` if it is a bool or a callable, else `UserError` naming ``where``."""
    if isinstance(rule, bool) or callable(rule):
        return rule  # type: ignore[no-any-return]
    raise UserError(
        f"{where}: needs_approval must be True, False or a function (ctx, arguments) -> bool, "
        f"got {type(rule).__name__}"
    )


async def needs_approval(rule: ApprovalRule, arguments: str, ctx: RunContext[Any]) -> bool:
    """Whether a call with these JSON ``arguments`` waits for a person's decision.

    Arguments that are not a JSON object never wait: the tool refuses them before running
    anything. A rule that raises counts as "needs approval" (and is logged): when in doubt,
    a person decides.
    """
    if isinstance(rule, bool):
        return rule
    try:
        data = json.loads(arguments) if arguments.strip() else {}
    except json.JSONDecodeError:
        return False
    if not isinstance(data, dict):
        return False
    try:
        answer = rule(ctx, data)
        if inspect.isawaitable(answer):
            answer = await answer
    except Exception:
        _log.exception(
            "needs_approval of tool %r raised; the call waits for approval", ctx.tool_name
        )
        return True
    return bool(answer)


def denial_output(reason: str | None) -> str:
    """What the model is told about a call a person denied."""
    told = "The call was not run: the user denied it."
    return f"{told} Reason: {reason}" if reason else told
