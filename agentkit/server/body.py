"""Reading requests safely: bounded bodies, JSON objects only, validated into request models."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, Request

from agentkit.server.errors import APIError
from agentkit.server.json_bounds import check_bounds, may_exceed_bounds

__all__ = [
    "SEARCH_RESULTS_CONTENT",
    "ListParams",
    "include_search_content",
    "list_params",
    "parse_body",
    "read_json",
]

SEARCH_RESULTS_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
"""The one value of ``include``: show the text of ``file_search`` results in run steps."""

M = TypeVar("M", bound=BaseModel)


async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object body (``{}`` when empty), within the server's bounds.

    Raises:
        APIError: 413 past ``config.max_body_bytes``; 408 when the body takes longer than
            ``config.body_timeout`` to arrive; 400 for anything that is not a JSON object
            encoded in UTF-8, nests too deeply or holds a lone surrogate (`check_bounds`).
    """
    config = request.app.state.config
    limit: int = config.max_body_bytes
    declared = request.headers.get("content-length", "")
    if _is_number(declared) and (len(declared) > 18 or int(declared) > limit):
        raise _too_large(limit)
    try:
        async with asyncio.timeout(config.body_timeout):
            raw = await _read_body(request, limit)
    except TimeoutError:
        message = f"The request body did not arrive within {config.body_timeout:g} seconds."
        raise APIError(408, message, code="body_timeout", headers={"connection": "close"}) from None
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        message = (
            "We could not parse the JSON body of your request. (HINT: This likely means you "
            "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
            "but what was sent was not valid JSON.)"
        )
        raise APIError(400, message, code="invalid_json") from None
    if not isinstance(data, dict):
        raise APIError(400, "The request body must be a JSON object.", code="invalid_type")
    if may_exceed_bounds(raw):
        # Walking a large body takes a while: off the event loop, so other requests go on.
        await asyncio.to_thread(check_bounds, data)
    return data


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
    except ClientDisconnect:
        raise APIError(400, "The client disconnected while sending the body.") from None
    return b"".join(chunks)


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _too_large(limit: int) -> APIError:
    # The rest of the body is not read: close the connection rather than parse it as requests.
    return APIError(
        413,
        f"The request body is larger than the limit of {limit} bytes.",
        code="body_too_large",
        headers={"connection": "close"},
    )


async def parse_body(request: Request, model: type[M]) -> M:
    """Read the body and validate it into ``model``, or raise a 400 naming the parameter."""
    return validate(model, await read_json(request))


def validate(model: type[M], data: dict[str, Any]) -> M:
    """``data`` validated into ``model``; the first problem becomes an `APIError` 400."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _first_problem(exc, data) from None
    except RecursionError:
        raise APIError(400, "The request body is nested too deeply.") from None


def _first_problem(exc: ValidationError, data: dict[str, Any]) -> APIError:
    error = exc.errors(include_url=False, include_input=False)[0]
    param = _param(error["loc"], data)
    kind = error["type"]
    if kind == "extra_forbidden":
        return APIError(
            400, f"Unknown parameter: '{param}'.", param=param, code="unknown_parameter"
        )
    if kind == "missing":
        message = f"Missing required parameter: '{param}'."
        return APIError(400, message, param=param, code="missing_required_parameter")
    message = f"Invalid value for '{param}': {error['msg']}."
    code = "invalid_type" if kind.endswith("_type") else "invalid_value"
    return APIError(400, message, param=param, code=code)


def _param(loc: tuple[int | str, ...], data: Any) -> str:
    """The parameter path in OpenAI's style (``tools[0].function.name``).

    Pydantic's ``loc`` also names the union member it tried (``function``, ``str``...); only
    the parts that exist in the request body are kept, plus a last, missing field name.
    """
    parts: list[str] = []
    node = data
    for position, item in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(item, int) and isinstance(node, list) and 0 <= item < len(node):
            parts.append(f"[{item}]")
            node = node[item]
        elif isinstance(item, str) and isinstance(node, dict) and (item in node or last):
            parts.append(("." if parts else "") + item)
            node = node.get(item)
    return "".join(parts) or "body"


@dataclass(frozen=True, slots=True)
class ListParams:
    """Cursor paging parameters of a list request."""

    limit: int
    order: Literal["asc", "desc"]
    after: str | None
    before: str | None


def list_params(request: Request) -> ListParams:
    """``limit`` (1-100, default 20), ``order`` (default desc), ``after``, ``before``."""
    query = request.query_params
    raw_limit = query.get("limit", "20")
    if not (_is_number(raw_limit) and len(raw_limit) <= 3 and 1 <= int(raw_limit) <= 100):
        message = f"Invalid 'limit': expected an integer between 1 and 100, got '{raw_limit[:40]}'."
        raise APIError(400, message, param="limit", code="invalid_value")
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        message = f"Invalid 'order': expected 'asc' or 'desc', got '{order[:40]}'."
        raise APIError(400, message, param="order", code="invalid_value")
    return ListParams(
        int(raw_limit),
        "asc" if order == "asc" else "desc",
        query.get("after") or None,
        query.get("before") or None,
    )


def include_search_content(request: Request) -> bool:
    """Whether the ``include`` query parameter (``include[]`` too) asks for search results' text.

    Raises:
        APIError: 400 for any other value.
    """
    query = request.query_params
    values = [*query.getlist("include"), *query.getlist("include[]")]
    for value in values:
        if value != SEARCH_RESULTS_CONTENT:
            message = (
                f"Invalid value for 'include': '{value[:80]}'. The only supported value is "
                f"'{SEARCH_RESULTS_CONTENT}'."
            )
            raise APIError(400, message, param="include", code="invalid_value")
    return bool(values)
