"""The suite-wide check that no API key a test configures reaches a log or stderr.

A test that configures a key registers it with `secret` (``KEYS = {secret("sk-alpha"):
"alpha"}``). For the whole session, `LeakWatch` collects every log record created in the
process (through the log record factory, whatever the logger, level or handler) and what
pytest captured of every test's stderr, stdout and log output (which includes subprocesses,
server threads and structlog's default printer). When the session ends, the watch fails it
if any registered key appears anywhere, naming where, with the key itself masked.

Register keys that are distinctive (``sk-…``, several characters): a key such as ``"k"`` or
``"test"`` appears in ordinary output.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest

__all__ = ["LeakWatch", "WATCH", "secret", "secrets"]

_KEYS: set[str] = set()


def secret(key: str) -> str:
    """Register ``key`` as one that must never be logged; return it unchanged."""
    if len(key) < 6:
        raise ValueError(f"register distinctive keys only (6+ characters), not {key[:2]}...")
    _KEYS.add(key)
    return key


def secrets(keys: Mapping[str, str]) -> dict[str, str]:
    """Register every key of ``keys`` (key -> project); return a copy of the mapping."""
    return {secret(key): project for key, project in keys.items()}


def _masked(key: str) -> str:
    return f"{key[:4]}…({len(key)} chars)"


class LeakWatch:
    """Everything logged or written to stderr during the session, checked for keys."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.checked = 0
        self._sections: set[tuple[str, str]] = set()

    def add(self, where: str, text: str) -> None:
        """Remember ``text`` (from ``where``) for the final check."""
        if text:
            self.texts.append((where, text))

    def leaks(self, keys: set[str] | None = None) -> list[str]:
        """Where a registered key appeared in a text not checked before, one line each."""
        keys = _KEYS if keys is None else keys
        found = []
        for where, text in self.texts[self.checked :]:
            for key in sorted(keys):
                if key in text:
                    found.append(f"{_masked(key)} in {where}")
        self.checked = len(self.texts)
        return found

    @contextmanager
    def recording_log_records(self) -> Iterator[None]:
        """Collect every log record created while the block runs."""
        previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            self.add(f"log record {record.name}:{record.levelname}", _render(record))
            return record

        logging.setLogRecordFactory(factory)
        try:
            yield
        finally:
            logging.setLogRecordFactory(previous)

    def add_report(self, report: pytest.TestReport) -> None:
        """Collect what pytest captured during one phase of one test."""
        for title, content in report.sections:
            # A later phase's report repeats the earlier phases' sections.
            if (report.nodeid, title) not in self._sections:
                self._sections.add((report.nodeid, title))
                self.add(f"{report.nodeid} ({title})", content)


def _render(record: logging.LogRecord) -> str:
    try:
        text = record.getMessage()
    except Exception:  # a malformed record; logging reports it itself
        text = f"{record.msg!r} {record.args!r}"
    if record.exc_info and record.exc_info[1] is not None:
        text += "\n" + "".join(traceback.format_exception(record.exc_info[1]))
    return text


WATCH = LeakWatch()
"""The session's watch (`tests/conftest.py` wires it up)."""
