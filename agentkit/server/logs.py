"""How the server logs: tracebacks without local variables, and no credential in any line.

A traceback renderer that shows local variables (structlog's default with Rich installed
does) prints whatever the failing frames held: request headers, the server's configuration,
every project's API key. The server therefore never hands ``exc_info`` to a logger: it logs a
plain traceback as text (`traceback_text`), masked by `mask_credentials`.

`configure_serve_logging` is what ``agentkit serve``, which owns its process, installs:
structlog renders plain tracebacks, and every structlog event and stdlib record (uvicorn's
included) has the configured keys and anything that looks like a credential masked.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog

from agentkit.redaction import MaskingFilter, mask_credentials

__all__ = [
    "MaskingFilter",
    "configure_serve_logging",
    "log_failure",
    "traceback_text",
]


def traceback_text(exc: BaseException) -> str:
    """``exc``'s traceback as plain text: code lines only, credentials masked."""
    return mask_credentials("".join(traceback.format_exception(exc)).rstrip())


def log_failure(logger: Any, event: str, exc: BaseException, **fields: Any) -> None:
    """Log an unexpected failure at error level with its plain, masked traceback."""
    logger.error(
        event,
        **fields,
        error=mask_credentials(f"{type(exc).__name__}: {exc}"),
        exception=traceback_text(exc),
    )


def _masking_processor(secrets: tuple[str, ...]) -> Any:
    def mask(logger: Any, name: str, event_dict: MutableMapping[str, Any]) -> Any:
        exc_info = event_dict.pop("exc_info", None)
        if exc_info:
            exc = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
            if exc is not None:
                event_dict["exception"] = traceback_text(exc)
        for key, value in event_dict.items():
            if isinstance(value, str):
                event_dict[key] = mask_credentials(value, secrets)
        return event_dict

    return mask


def configure_serve_logging(secrets: Iterable[str], *, level: str = "info") -> dict[str, Any]:
    """Set up structlog and stdlib logging for ``agentkit serve``; return uvicorn's log config.

    Everything goes to stderr with plain tracebacks; ``secrets`` and credential-looking text
    are masked in every line. Pass the returned dict as uvicorn's ``log_config``.
    """
    masked = tuple(secrets)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="%Y-%m-%d %H:%M:%S", utc=False),
            _masking_processor(masked),
            structlog.dev.ConsoleRenderer(
                colors=False, exception_formatter=structlog.dev.plain_traceback
            ),
        ],
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "filters": ["mask"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask": {"()": MaskingFilter, "secrets": masked}},
        "formatters": {
            "plain": {"format": "%(asctime)s [%(levelname)s] %(name)s: %(message)s"},
        },
        "handlers": {"stderr": {**handler, "formatter": "plain"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"level": "WARNING"},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
