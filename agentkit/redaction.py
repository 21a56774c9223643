"""Masking credentials in text that agentkit stores, shows or logs.

Upstream services echo parts of a request in their error messages ("Incorrect API key
provided: sk-proj-…"), and those messages become a run's ``last_error`` and log lines.
`mask_credentials` replaces whatever looks like a credential there: OpenAI-style ``sk-…`` keys,
``Bearer …`` tokens, ``api-key``/``api_key`` values, and any of the exact secrets it is given.
`MaskingFilter` does it to every record a logging handler emits (``agentkit serve`` installs
it; an application can add it to its own handlers).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable

__all__ = ["MASK", "MaskingFilter", "mask_credentials"]

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


class MaskingFilter(logging.Filter):
    """Masks secrets and credential-looking text in a record's rendered message and traceback.

    Add it to a handler (``handler.addFilter(MaskingFilter())``): a filter on a logger
    sees only that logger's own records, not those of ``agentkit.remote`` and the others
    below it. The traceback is rendered here as plain text, so no handler renders it
    again with local variables.

    Args:
        secrets: exact strings to mask besides what looks like a credential (your API keys).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_credentials(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            # Render it here, plainly, so no handler renders it again with locals.
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
            record.exc_text = mask_credentials(text, self.secrets)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_credentials(record.exc_text, self.secrets)
        return True
