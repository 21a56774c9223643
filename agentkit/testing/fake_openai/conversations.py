"""`FakeConversations`: the fake server's Conversations API, and what a response adds to one.

Routes, as OpenAI serves them (``…/v1/conversations``): create (with up to 20 initial
items), retrieve, update the metadata, delete; and a conversation's items: add (up to 20),
list (``order``, ``limit``, ``after``), retrieve and delete one. A ``POST …/responses``
naming a ``conversation`` sees the conversation's items before its own input (scripts read
them in `FakeRequest.items`), is refused when the conversation does not exist or
``previous_response_id`` is sent too, and adds its input and output items to the
conversation; the response names the conversation it belongs to.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FakeConversations"]

Answer = tuple[int, dict[str, Any], dict[str, str]]
_MAX_ITEMS = 20  # per request, as the API allows


@dataclass
class _Conversation:
    id: str
    created_at: int
    metadata: dict[str, str]
    items: list[dict[str, Any]] = field(default_factory=list)

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "conversation",
            "created_at": self.created_at,
            "metadata": self.metadata,
        }


class FakeConversations:
    """The conversations a `FakeOpenAI` holds (its ``conversations`` attribute).

    Args:
        new_id: makes the ids of conversations and items (the server's, deterministic).
    """

    def __init__(self, new_id: Callable[[str], str]) -> None:
        self._new_id = new_id
        self._conversations: dict[str, _Conversation] = {}

    def create(
        self,
        items: list[Mapping[str, Any]] | tuple[Mapping[str, Any], ...] = (),
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Start a conversation (as ``POST /conversations`` does); returns its id."""
        conversation = _Conversation(self._new_id("conv"), int(time.time()), dict(metadata or {}))
        conversation.items.extend(self._stored(item) for item in items)
        self._conversations[conversation.id] = conversation
        return conversation.id

    def items(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's items, oldest first, as the server keeps them.

        Raises:
            KeyError: no conversation has that id.
        """
        return list(self._conversations[conversation_id].items)

    # -- Responses ------------------------------------------------------------------------
    def refusal(self, body: Any) -> Answer | None:
        """Why a ``POST /responses`` body cannot continue its conversation, or None."""
        conversation_id = _conversation_id(body)
        if conversation_id is None:
            return None
        if body.get("previous_response_id"):
            message = "Cannot use both 'previous_response_id' and 'conversation'."
            return 400, _error(message, param="conversation"), {}
        if conversation_id not in self._conversations:
            return _not_found("conversation", conversation_id)
        return None

    def context(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
        """The items the model sees before a response body's own input (its conversation's)."""
        conversation_id = _conversation_id(body)
        if conversation_id is None or conversation_id not in self._conversations:
            return ()
        return tuple(self._conversations[conversation_id].items)

    def add_turn(self, body: Mapping[str, Any], response: Mapping[str, Any]) -> None:
        """Add a response's input and output items to its conversation, as the server does."""
        conversation_id = _conversation_id(body)
        conversation = self._conversations.get(conversation_id or "")
        if conversation is None:
            return
        given = body.get("input")
        inputs = [{"role": "user", "content": given}] if isinstance(given, str) else given or []
        conversation.items.extend(self._stored(item) for item in inputs)
        conversation.items.extend(dict(item) for item in response.get("output", ()))

    # -- HTTP -----------------------------------------------------------------------------
    def answer(self, method: str, path: str, query: Mapping[str, str], raw: bytes) -> Answer:
        """The status, JSON body and headers to answer a ``…/conversations…`` request with."""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            return 400, _error("The body is not JSON.", code="invalid_json"), {}
        parts = path.split("/conversations", 1)[1].strip("/").split("/")
        parts = [part for part in parts if part]
        if not parts:
            if method == "POST":
                return self._create(body)
            return _no_route(method, path)
        conversation = self._conversations.get(parts[0])
        if conversation is None:
            return _not_found("conversation", parts[0])
        if len(parts) == 1:
            return self._conversation_route(method, path, conversation, body)
        if parts[1] == "items":
            return self._items_route(method, path, conversation, parts[2:], query, body)
        return _no_route(method, path)

    def _create(self, body: Any) -> Answer:
        if not isinstance(body, dict):
            return 400, _error("The body must be a JSON object.", code="invalid_value"), {}
        items = body.get("items")
        if problem := _check_items(items, required=False):
            return problem
        conversation_id = self.create(items or [], body.get("metadata"))
        return 200, self._conversations[conversation_id].wire(), {}

    def _conversation_route(
        self, method: str, path: str, conversation: _Conversation, body: Any
    ) -> Answer:
        if method == "GET":
            return 200, conversation.wire(), {}
        if method == "POST":
            conversation.metadata = dict(body.get("metadata") or {})
            return 200, conversation.wire(), {}
        if method == "DELETE":
            del self._conversations[conversation.id]
            deleted = {"id": conversation.id, "object": "conversation.deleted", "deleted": True}
            return 200, deleted, {}
        return _no_route(method, path)

    def _items_route(
        self,
        method: str,
        path: str,
        conversation: _Conversation,
        rest: list[str],
        query: Mapping[str, str],
        body: Any,
    ) -> Answer:
        if not rest and method == "POST":
            items = body.get("items") if isinstance(body, dict) else None
            if problem := _check_items(items, required=True):
                return problem
            added = [self._stored(item) for item in items or []]
            conversation.items.extend(added)
            return 200, _page(added, has_more=False), {}
        if not rest and method == "GET":
            return _listed(conversation.items, query)
        found = next((i for i in conversation.items if rest and i.get("id") == rest[0]), None)
        if found is None:
            return _not_found("item", rest[0] if rest else "")
        if method == "GET":
            return 200, found, {}
        if method == "DELETE":
            conversation.items.remove(found)
            return 200, conversation.wire(), {}
        return _no_route(method, path)

    def _stored(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """An input item as the server stores it: typed, with an id and a status."""
        stored = dict(item)
        kind = stored.setdefault("type", "message")
        if kind == "message":
            stored["content"] = _message_content(stored.get("role", "user"), stored.get("content"))
            prefix = "msg"
        else:
            prefix = {"function_call": "fc", "function_call_output": "fco"}.get(kind, "item")
        stored.setdefault("id", self._new_id(prefix))
        stored.setdefault("status", "completed")
        return stored


def _conversation_id(body: Any) -> str | None:
    given = body.get("conversation") if isinstance(body, Mapping) else None
    if isinstance(given, dict):
        given = given.get("id")
    return given if isinstance(given, str) and given else None


def _message_content(role: str, content: Any) -> list[dict[str, Any]]:
    if isinstance(content, list):
        return [dict(part) for part in content]
    if role == "assistant":
        return [{"type": "output_text", "text": str(content or ""), "annotations": []}]
    return [{"type": "input_text", "text": str(content or "")}]


def _check_items(items: Any, *, required: bool) -> Answer | None:
    if items is None and not required:
        return None
    if not isinstance(items, list) or (required and not items):
        return _invalid("'items' must be a non-empty array.", "items")
    if len(items) > _MAX_ITEMS:
        return _invalid(f"'items' may hold at most {_MAX_ITEMS} items, not {len(items)}.", "items")
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not ("role" in item or "type" in item):
            message = f"'items[{index}]' must be an object with a 'type' or a 'role'."
            return _invalid(message, f"items[{index}]")
    return None


def _listed(items: list[dict[str, Any]], query: Mapping[str, str]) -> Answer:
    ordered = list(items) if query.get("order") == "asc" else list(reversed(items))
    after = query.get("after")
    if after:
        ids = [item.get("id") for item in ordered]
        ordered = ordered[ids.index(after) + 1 :] if after in ids else []
    try:
        limit = int(query.get("limit", "20"))
    except ValueError:
        return _invalid("'limit' must be an integer.", "limit")
    if not 1 <= limit <= 100:
        return _invalid("'limit' must be from 1 to 100.", "limit")
    return 200, _page(ordered[:limit], has_more=len(ordered) > limit), {}


def _page(items: list[dict[str, Any]], *, has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": items,
        "first_id": items[0]["id"] if items else "",
        "last_id": items[-1]["id"] if items else "",
        "has_more": has_more,
    }


def _invalid(message: str, param: str) -> Answer:
    return 400, _error(message, code="invalid_value", param=param), {}


def _not_found(kind: str, given: str) -> Answer:
    return 404, _error(f"No {kind} found with id '{given}'.", code="not_found"), {}


def _no_route(method: str, path: str) -> Answer:
    return 404, _error(f"FakeOpenAI does not serve {method} {path}."), {}


def _error(message: str, *, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    error = {"message": message, "type": "invalid_request_error", "code": code, "param": param}
    return {"error": error}
