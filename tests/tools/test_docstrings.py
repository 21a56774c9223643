"""Docstrings: four styles detected, sections removed, and the description precedence rule."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field

from agentkit.exceptions import UserError
from agentkit.tools import parse_docstring, tool

GOOGLE = """Get the weather.

    Uses the forecast service.

    Args:
        city: The city.
        days: How many
            days ahead.

    Returns:
        The forecast.

    Raises:
        ValueError: never.
    """

NUMPY = """Get the weather.

    Uses the forecast service.

    Parameters
    ----------
    city : str
        The city.
    days : int
        How many days ahead.

    Returns
    -------
    str
        The forecast.
    """

REST = """Get the weather.

    Uses the forecast service.

    :param city: The city.
    :param days: How many days ahead.
    :returns: The forecast.
    :raises ValueError: never.
    """

EPYDOC = """Get the weather.

    Uses the forecast service.

    @param city: The city.
    @param days: How many days ahead.
    @return: The forecast.
    """


@pytest.mark.parametrize(
    "doc", [GOOGLE, NUMPY, REST, EPYDOC], ids=["google", "numpy", "rest", "epydoc"]
)
def test_each_style_is_detected_and_sections_are_removed(doc: str) -> None:
    parsed = parse_docstring(doc)

    assert parsed.description == "Get the weather.\n\nUses the forecast service."
    assert parsed.params == {"city": "The city.", "days": "How many days ahead."}


def test_google_args_without_blank_line_still_parses() -> None:
    def f(city: str) -> None:
        """Get the weather.
        Args:
            city: The city.
        """

    assert tool(f).description == "Get the weather."
    assert tool(f).parameters["properties"]["city"] == {
        "description": "The city.",
        "type": "string",
    }


def test_summary_wrapped_over_two_lines_is_one_paragraph() -> None:
    parsed = parse_docstring("Get the weather\nfor a city.\n\nArgs:\n    city: The city.\n")

    assert parsed.description == "Get the weather for a city."


def test_explicit_docstring_format_is_used() -> None:
    parsed = parse_docstring(REST, "rest")

    assert parsed.params["city"] == "The city."


def test_unknown_docstring_format_is_a_user_error() -> None:
    def f() -> None:
        """Doc."""

    with pytest.raises(UserError, match="docstring_format"):
        tool(docstring_format="markdown")(f)  # type: ignore[call-overload]


def test_description_argument_overrides_the_docstring() -> None:
    @tool(description="Custom.")
    def f() -> None:
        """Docstring."""

    assert f.description == "Custom."


def test_no_docstring_gives_an_empty_description() -> None:
    @tool
    def f() -> None: ...

    assert f.description == ""
    assert "description" not in f.to_chat()["function"]


def test_var_args_are_documented_without_the_star() -> None:
    @tool(strict=False)
    def f(*names: str) -> None:
        """Greet.

        Args:
            *names: Who to greet.
        """

    assert f.parameters["properties"]["names"]["description"] == "Who to greet."


def test_precedence_field_beats_annotated_string_beats_docstring() -> None:
    @tool
    def f(
        a: Annotated[int, "from annotated", Field(description="from field")],
        b: Annotated[int, "from annotated"],
        c: int,
        d: int = Field(description="from default field"),
    ) -> None:
        """Doc.

        Args:
            a: from docstring
            b: from docstring
            c: from docstring
            d: from docstring
        """

    properties = f.parameters["properties"]
    assert [properties[name]["description"] for name in "abcd"] == [
        "from field",
        "from annotated",
        "from docstring",
        "from default field",
    ]
