"""Scrub secrets from text before it is logged or put on a span, even when content is opted in."""

from __future__ import annotations

import re

__all__ = ["REDACTED", "redact"]

REDACTED = "[REDACTED]"

# OpenAI/Anthropic-style keys (sk-..., sk-proj-...), bearer tokens, and key=value pairs whose
# name says they are secret. Loose on purpose: a false positive costs a log line's detail.
_SECRET = re.compile(
    r"""
    \bsk-[A-Za-z0-9_\-]{16,}
    | \b[Bb]earer\s+[A-Za-z0-9._\-~+/]{16,}=*
    | (?:api[_-]?key|access[_-]?token|secret|password)[\"']?\s*[:=]\s*[\"']?[^\s\"',;}]{6,}
    """,
    re.VERBOSE | re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with anything that looks like an API key or secret replaced by ``[REDACTED]``."""
    return _SECRET.sub(REDACTED, text)
