"""Strict mode's "null means the default" inside unions, oneOf and open-dict values."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field

from agentkit.exceptions import ToolValidationError
from agentkit.tools import tool
from agentkit.tools.null_defaults import drop_defaulted_nulls


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    good: bool = True


class Box(BaseModel):
    kind: Literal["box"] = "box"
    size: int


Pet = Annotated[Cat | Dog, Field(discriminator="kind")]


@tool
def adopt(pet: Pet) -> str:
    """Adopt a pet."""
    return repr(pet)


@tool
def adopt_all(pets: list[Cat | Dog]) -> str:
    """Adopt several pets."""
    return repr(pets)


@tool(strict=False)
def name_pets(pets: dict[str, Cat]) -> str:
    """Name pets."""
    return repr(pets)


async def test_null_inside_a_discriminated_union_branch_means_the_default() -> None:
    assert adopt.strict
    output = await adopt.invoke(json.dumps({"pet": {"kind": "cat", "lives": None}}))

    assert output == "Cat(kind='cat', lives=9)"


async def test_null_inside_a_plain_union_in_a_list_picks_the_branch_by_its_tag() -> None:
    assert adopt_all.strict
    arguments = {"pets": [{"kind": "dog", "good": None}, {"kind": "cat", "lives": None}]}

    output = await adopt_all.invoke(json.dumps(arguments))

    assert output == "[Dog(kind='dog', good=True), Cat(kind='cat', lives=9)]"


async def test_null_inside_additional_properties_values_means_the_default() -> None:
    output = await name_pets.invoke(json.dumps({"pets": {"tom": {"lives": None}}}))

    assert output == "{'tom': Cat(kind='cat', lives=9)}"


def test_one_of_branches_are_followed_like_any_of() -> None:
    schema = {
        "type": "object",
        "properties": {
            "shape": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {"kind": {"const": "sq"}, "side": {"type": "integer"}},
                        "required": ["kind"],
                    },
                    {
                        "type": "object",
                        "properties": {"kind": {"const": "ci"}, "r": {"type": "integer"}},
                        "required": ["kind", "r"],
                    },
                ]
            }
        },
    }

    assert drop_defaulted_nulls({"shape": {"kind": "sq", "side": None}}, schema) == {
        "shape": {"kind": "sq"}
    }
    # r is required in its branch: its null stays, for validation to report.
    assert drop_defaulted_nulls({"shape": {"kind": "ci", "r": None}}, schema) == {
        "shape": {"kind": "ci", "r": None}
    }


def test_a_null_is_kept_when_some_possible_branch_accepts_it() -> None:
    schema = {
        "anyOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}},
            {"type": "object", "properties": {"a": {"type": ["integer", "null"]}}},
        ]
    }

    assert drop_defaulted_nulls({"a": None}, schema) == {"a": None}


async def test_null_for_a_required_field_inside_a_union_is_still_a_validation_error() -> None:
    @tool
    def ship(item: Annotated[Box | Cat, Field(discriminator="kind")]) -> None:
        """Ship it."""

    with pytest.raises(ToolValidationError, match="size"):
        await ship.invoke(json.dumps({"item": {"kind": "box", "size": None}}))
