"""Property tests: for generated annotation trees, schemas are valid and values round-trip."""

from __future__ import annotations

import asyncio
import enum
import inspect
import itertools
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Optional

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import TypeAdapter, create_model
from typing_extensions import TypedDict

from agentkit.tools import FunctionTool, StrictModeWarning, check_strict_schema, tool

_names = itertools.count()


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Node:
    """An annotation, a strategy for its Python values, and whether it holds an open dict."""

    annotation: Any
    values: st.SearchStrategy[Any]
    has_open_dict: bool = False


LEAVES = st.sampled_from(
    [
        Node(int, st.integers()),
        Node(str, st.text(max_size=8)),
        Node(float, st.floats(allow_nan=False, allow_infinity=False)),
        Node(bool, st.booleans()),
        Node(Literal["x", "y"], st.sampled_from(["x", "y"])),
        Node(Color, st.sampled_from(list(Color))),
    ]
)


def optional(child: Node) -> Node:
    return Node(Optional[child.annotation], st.none() | child.values, child.has_open_dict)  # noqa: UP045


def list_of(child: Node) -> Node:
    return Node(list[child.annotation], st.lists(child.values, max_size=3), child.has_open_dict)  # type: ignore[name-defined]


def dict_of(child: Node) -> Node:
    values = st.dictionaries(st.text(max_size=4), child.values, max_size=3)
    return Node(dict[str, child.annotation], values, True)  # type: ignore[name-defined]


def fields_of(children: list[Node]) -> dict[str, Node]:
    return {f"f{i}": child for i, child in enumerate(children)}


def typed_dict(children: list[Node]) -> Node:
    fields = fields_of(children)
    annotation = TypedDict(f"TD{next(_names)}", {k: n.annotation for k, n in fields.items()})  # type: ignore[misc]
    values = st.fixed_dictionaries({k: n.values for k, n in fields.items()})
    return Node(annotation, values, any(n.has_open_dict for n in children))


def model(children: list[Node]) -> Node:
    fields = fields_of(children)
    cls = create_model(f"M{next(_names)}", **{k: (n.annotation, ...) for k, n in fields.items()})  # type: ignore[call-overload]
    values = st.fixed_dictionaries({k: n.values for k, n in fields.items()}).map(lambda d: cls(**d))
    return Node(cls, values, any(n.has_open_dict for n in children))


def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    groups = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        children.map(optional),
        children.map(list_of),
        children.map(dict_of),
        groups.map(typed_dict),
        groups.map(model),
    )


TREES = st.recursive(LEAVES, extend, max_leaves=6)


def make_tool(nodes: list[Node], sink: list[dict[str, Any]]) -> FunctionTool[..., Any]:
    def target(**kwargs: Any) -> str:
        sink.append(kwargs)
        return "ok"

    params = [
        inspect.Parameter(f"p{i}", inspect.Parameter.KEYWORD_ONLY, annotation=n.annotation)
        for i, n in enumerate(nodes)
    ]
    target.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    target.__annotations__ = {p.name: p.annotation for p in params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StrictModeWarning)
        return tool(target)


def to_json(nodes: list[Node], values: list[Any]) -> str:
    dumped = {
        f"p{i}": TypeAdapter(n.annotation).dump_python(v, mode="json")
        for i, (n, v) in enumerate(zip(nodes, values, strict=True))
    }
    return json.dumps(dumped)


PROPERTY_SETTINGS: Callable[[Any], Any] = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(st.lists(TREES, min_size=1, max_size=3))
def test_schema_is_valid_json_schema_2020_12(nodes: list[Node]) -> None:
    Draft202012Validator.check_schema(make_tool(nodes, []).parameters)


@PROPERTY_SETTINGS
@given(st.lists(TREES, min_size=1, max_size=3))
def test_strict_whenever_expressible_and_then_follows_openai_rules(nodes: list[Node]) -> None:
    built = make_tool(nodes, [])

    assert built.strict is not any(n.has_open_dict for n in nodes)
    if built.strict:
        assert check_strict_schema(built.parameters) == []


@PROPERTY_SETTINGS
@given(st.data())
def test_values_validate_and_reach_the_function_intact(data: st.DataObject) -> None:
    nodes = data.draw(st.lists(TREES, min_size=1, max_size=3))
    values = [data.draw(n.values) for n in nodes]
    sink: list[dict[str, Any]] = []
    built = make_tool(nodes, sink)
    arguments = to_json(nodes, values)

    Draft202012Validator(built.parameters).validate(json.loads(arguments))
    assert asyncio.run(built.invoke(arguments)) == "ok"
    assert sink == [{f"p{i}": v for i, v in enumerate(values)}]
