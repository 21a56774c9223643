"""Validate bodies against the vendored OpenAI OpenAPI schemas (tests/vendor/openapi)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

_FILE = Path(__file__).parents[1] / "vendor" / "openapi" / "assistants-schemas.json"
_ROOT = "urn:openai-assistants"


def _normalize(node: Any) -> Any:
    """OpenAPI's ``nullable: true`` as JSON Schema's ``null`` type; other keys unchanged."""
    if isinstance(node, list):
        return [_normalize(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _normalize(value) for key, value in node.items()}
    if out.pop("nullable", False) is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        elif isinstance(kind, list):
            out["type"] = [*kind, "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _document() -> dict[str, Any]:
    data = json.loads(_FILE.read_text(encoding="utf-8"))
    return _normalize(data)  # type: ignore[no-any-return]


@cache
def _validator(name: str) -> Draft202012Validator:
    document = _document()
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_ROOT, resource)
    schema = {"$ref": f"{_ROOT}#/components/schemas/{name}"}
    return Draft202012Validator(schema, registry=registry)


def schema_errors(name: str, body: Any) -> list[str]:
    """Every way ``body`` violates the spec schema ``name`` (empty when it conforms)."""
    errors = _validator(name).iter_errors(copy.deepcopy(body))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def assert_conforms(name: str, body: Any) -> None:
    """Fail with the schema errors if ``body`` is not a valid ``name``."""
    errors = schema_errors(name, body)
    assert not errors, f"{name}: " + "; ".join(errors[:5])
