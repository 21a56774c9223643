"""`OutputType`: the schema asked for (strict pass, wrapping) and the validation feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest
from pydantic import BaseModel

from agentkit import Agent, OutputType
from agentkit.exceptions import UserError
from agentkit.tools.output_type import InvalidOutput
from agentkit.tools.strict import StrictModeWarning, check_strict_schema


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


@dataclass
class Point:
    x: int
    y: int


def test_a_union_of_models_is_wrapped_with_its_definitions_at_the_root() -> None:
    output = OutputType(Cat | Dog)

    schema = output.format.schema
    assert schema is not None
    assert output.wrapped and output.format.strict
    assert set(schema) == {"type", "properties", "required", "additionalProperties", "$defs"}
    assert set(schema["$defs"]) == {"Cat", "Dog"}
    assert check_strict_schema(schema) == []
    answer = '{"result": {"kind": "dog", "good": true}}'
    assert output.validate(answer) == Dog(kind="dog", good=True)


def test_a_strict_null_for_a_defaulted_field_means_the_default() -> None:
    output = OutputType(Cat)

    assert output.validate('{"kind": "cat", "lives": null}') == Cat(kind="cat", lives=9)


def test_a_bare_value_is_accepted_for_a_wrapped_type() -> None:
    output = OutputType(Literal["yes", "no"])

    assert output.validate('"no"') == "no"
    assert output.validate('{"result": "yes"}') == "yes"


def test_a_dataclass_is_an_object_root_named_after_the_class() -> None:
    output = OutputType(Point)

    assert not output.wrapped
    assert output.format.name == "Point"
    assert output.validate('{"x": 1, "y": 2}') == Point(1, 2)


def test_feedback_names_each_bad_field() -> None:
    output = OutputType(Point)

    with pytest.raises(InvalidOutput) as caught:
        output.validate('{"x": "one"}')

    assert caught.value.feedback == (
        "Your answer does not match the 'Point' schema:\n"
        "- x: Input should be a valid integer, unable to parse string as an integer\n"
        "- y: Field required\n"
        "Fix these and answer again with only the corrected JSON."
    )


def test_feedback_for_text_that_is_not_json() -> None:
    with pytest.raises(InvalidOutput, match=r"not valid JSON \(Expecting value at position 0\)"):
        OutputType(Point).validate("The point is (1, 2).")


def test_an_open_dict_is_asked_for_non_strict_with_a_warning() -> None:
    with pytest.warns(StrictModeWarning, match="open dict"):
        output = OutputType(dict[str, int])

    assert output.format.strict is False
    assert output.validate('{"a": 1}') == {"a": 1}


def test_strict_true_that_cannot_hold_is_a_user_error() -> None:
    with pytest.raises(UserError, match="output_type 'dict': strict=True, but"):
        OutputType(dict[str, int], strict=True)


def test_a_type_pydantic_cannot_validate_is_a_user_error_naming_it() -> None:
    class Opaque:
        pass

    with pytest.raises(UserError, match="output_type 'Opaque': pydantic cannot validate"):
        Agent(name="a", model="test", output_type=Opaque)


def test_str_means_a_text_answer() -> None:
    assert Agent(name="a", model="test", output_type=str).output is None
