"""Masking credentials in text that agentkit stores, shows or logs.

Upstream services echo parts of a request in their error messages ("Incorrect API key
provided: sk-proj-…"), and those messages become a run's ``last_error`` and log lines.
`mask_credentials` replaces whatever looks like a credential there: OpenAI-style ``sk-…`` keys,
``Bearer …`` tokens, ``api-key``/``api_key`` values, and any of the exact secrets it is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["MASK", "mask_credentials"]

MASK = "***"

_PATTERNS = (
    # sk-..., sk-proj-..., sk-ant-...: the key body, whatever part of it the upstream showed.
    (re.compile(r"(?<![A-Za-z0-9_-])(sk-)[A-Za-z0-9_*\-]{3,}"), rf"\g<1>{MASK}"),
    (re.compile(r"(?i)\b(bearer\s+)[^\s\"',;]+"), rf"\g<1>{MASK}"),
    (
        re.compile(r"(?i)\b(api[-_ ]?key[\"']?\s*[:=]\s*[\"']?)[^\s\"',;}]+"),
        rf"\g<1>{MASK}",
    ),
)


def mask_credentials(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every credential-looking part, and every one of ``secrets``, masked."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
