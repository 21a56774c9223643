"""Docstrings: four styles detected, sections removed, and the description precedence rule."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field

from agentkit.context import RunContext
from agentkit.exceptions import UserError
from agentkit.tools import DocstringWarning, parse_docstring, tool

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


def test_google_docstring_without_a_summary_line_keeps_its_parameters() -> None:
    @tool
    def f(city: str, units: str = "metric") -> None:
        """
        Args:
            city: The city to look up.
            units: metric or imperial.
        """  # noqa: D205, D212 - the shape under test

    assert f.description == ""
    properties = f.parameters["properties"]
    assert properties["city"]["description"] == "The city to look up."
    assert properties["units"]["description"] == "metric or imperial."


@pytest.mark.parametrize("title", ["Keyword Args", "Keyword Arguments"])
def test_keyword_args_section_documents_keyword_only_parameters(title: str) -> None:
    def f(city: str, *, units: str = "metric") -> None: ...

    f.__doc__ = f"""Get the weather.

    Args:
        city: The city.

    {title}:
        units: metric or imperial.
    """

    made = tool(f)

    assert made.description == "Get the weather."
    assert made.parameters["properties"]["units"]["description"] == "metric or imperial."


def test_var_kwargs_description_goes_on_additional_properties() -> None:
    @tool(strict=False)
    def f(city: str, **labels: str) -> None:
        """Tag a city.

        Args:
            city: The city.
            **labels: Extra labels, by name.
        """

    assert f.parameters["additionalProperties"] == {
        "description": "Extra labels, by name.",
        "type": "string",
    }


def test_untyped_var_kwargs_description_is_a_schema_of_its_own() -> None:
    @tool(strict=False)
    def f(**options) -> None:  # type: ignore[no-untyped-def]
        """Configure.

        Args:
            **options: Backend options.
        """

    assert f.parameters["additionalProperties"] == {"description": "Backend options."}


def test_docstring_entry_for_a_missing_parameter_warns() -> None:
    with pytest.warns(DocstringWarning, match=r"describes 'citty'.*its parameters: city, days"):

        @tool
        def f(city: str, days: int = 1) -> None:
            """Weather.

            Args:
                citty: The city.
                days: Days ahead.
            """

    assert "description" not in f.parameters["properties"]["city"]


def test_documenting_the_injected_context_and_star_args_does_not_warn() -> None:
    @tool(strict=False)
    def f(ctx: RunContext[None], *names: str, **labels: str) -> None:
        """Greet.

        Args:
            ctx: The run.
            *names: Who.
            **labels: How.
        """

    assert f.takes_context
