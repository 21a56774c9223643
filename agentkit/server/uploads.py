"""Receiving ``POST /v1/files``: a multipart body streamed to disk, never whole in memory.

The ``file`` part goes chunk by chunk into a `agentkit.files.Upload` (a temporary file in the
files directory) as the body arrives; the small text fields (``purpose``) are kept, bounded.
Past the size limit the upload stops at once with a 413 and nothing is kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from agentkit.exceptions import FileTooLargeError
from agentkit.files import Files
from agentkit.records import FileObject
from agentkit.server.errors import APIError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

__all__ = ["PURPOSES", "receive_upload"]

PURPOSES = frozenset(
    {"assistants", "assistants_output", "batch", "fine-tune", "vision", "user_data"}
)
_FIELDS = frozenset({"purpose"})
_MAX_FIELD_BYTES = 1024
# Room for the multipart framing and fields around a file of the largest allowed size.
_FRAMING_BYTES = 64 * 1024


@dataclass
class _Parts:
    """What the parser has seen so far: fields, the file's name, file bytes not yet written."""

    fields: dict[str, bytearray] = field(default_factory=dict)
    filename: str | None = None
    files_seen: int = 0
    pending: list[bytes] = field(default_factory=list)
    _header: bytearray = field(default_factory=bytearray)
    _value: bytearray = field(default_factory=bytearray)
    _headers: dict[str, str] = field(default_factory=dict)
    _target: str = ""  # "file", a field name, or "" before a part's headers end

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda data, start, end: self._header.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
        }

    def _begin(self) -> None:
        self._headers.clear()
        self._target = ""

    def _header_end(self) -> None:
        name = self._header.decode("latin-1").strip().lower()
        self._headers[name] = self._value.decode("utf-8", "replace")
        self._header.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", ""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == "file" and b"filename" in options:
            self.files_seen += 1
            if self.files_seen > 1:
                raise APIError(400, "Only one 'file' may be uploaded at a time.", param="file")
            self.filename = options[b"filename"].decode("utf-8", "replace")
            self._target = "file"
        elif name in _FIELDS:
            self._target = name
            self.fields[name] = bytearray()
        else:
            message = f"Unknown parameter: '{name[:64]}'."
            raise APIError(400, message, param=name[:64], code="unknown_parameter")

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._target == "file":
            self.pending.append(bytes(data[start:end]))
            return
        value = self.fields[self._target]
        value.extend(data[start:end])
        if len(value) > _MAX_FIELD_BYTES:
            message = f"'{self._target}' is longer than {_MAX_FIELD_BYTES} bytes."
            raise APIError(400, message, param=self._target, code="invalid_value")

    def take_pending(self) -> list[bytes]:
        chunks, self.pending = self.pending, []
        return chunks


async def receive_upload(request: Request, files: Files, *, body_timeout: float) -> FileObject:
    """Stream the request's ``file`` part into ``files`` and store it with its ``purpose``.

    ``body_timeout`` bounds the wait for each piece of the body, not the whole upload.

    Raises:
        APIError: 400 for a body that is not ``multipart/form-data`` or lacks ``file`` or a
            known ``purpose``; 413 past the files' size limit; 408 when the body stalls.
    """
    boundary = _boundary(request)
    _refuse_declared_size(request, files.max_bytes)
    parts = _Parts()
    parser = MultipartParser(boundary, cast("MultipartCallbacks", parts.callbacks()))
    try:
        async with files.upload() as upload:
            async for chunk in _body(request, body_timeout):
                parser.write(chunk)
                for piece in parts.take_pending():
                    await upload.write(piece)
            parser.finalize()
            purpose = _purpose(parts)
            if parts.filename is None:
                raise APIError(400, "Missing required parameter: 'file'.", param="file")
            return await upload.commit(filename=parts.filename or "upload", purpose=purpose)
    except FileTooLargeError as exc:
        raise _too_large(exc.limit) from None
    except MultipartParseError:
        raise APIError(400, "The multipart/form-data body is malformed.") from None


def _boundary(request: Request) -> bytes:
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise APIError(
            400,
            "Uploads must be sent as multipart/form-data with a 'file' and a 'purpose'.",
            code="invalid_content_type",
        )
    return boundary


def _refuse_declared_size(request: Request, limit: int | None) -> None:
    declared = request.headers.get("content-length", "")
    known = limit is not None and declared.isascii() and declared.isdigit()
    if known and (len(declared) > 18 or int(declared) > (limit or 0) + _FRAMING_BYTES):
        raise _too_large(limit or 0)


def _purpose(parts: _Parts) -> str:
    raw = parts.fields.get("purpose")
    if raw is None:
        raise APIError(
            400, "Missing required parameter: 'purpose'.", param="purpose", code="missing"
        )
    purpose = raw.decode("utf-8", "replace")
    if purpose not in PURPOSES:
        expected = ", ".join(f"'{p}'" for p in sorted(PURPOSES))
        message = f"Invalid value for 'purpose': '{purpose[:64]}'; expected one of {expected}."
        raise APIError(400, message, param="purpose", code="invalid_value")
    return purpose


async def _body(request: Request, idle_seconds: float) -> AsyncIterator[bytes]:
    stream = request.stream().__aiter__()
    while True:
        try:
            async with asyncio.timeout(idle_seconds):
                chunk = await anext(stream)
        except StopAsyncIteration:
            return
        except TimeoutError:
            message = f"The request body stalled for more than {idle_seconds:g} seconds."
            raise APIError(
                408, message, code="body_timeout", headers={"connection": "close"}
            ) from None
        except ClientDisconnect:
            raise APIError(400, "The client disconnected while sending the body.") from None
        yield chunk


def _too_large(limit: int) -> APIError:
    return APIError(
        413,
        f"The file is larger than the limit of {limit} bytes.",
        param="file",
        code="file_too_large",
        headers={"connection": "close"},
    )
