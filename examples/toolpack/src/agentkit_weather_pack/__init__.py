"""An example agentkit tool pack: deterministic, offline weather tools.

Published under the entry-point group ``agentkit.toolsets`` as ``weather``.
"""

from __future__ import annotations

import enum
import hashlib
from typing import Annotated

from pydantic import Field

from agentkit.tools import tool
from agentkit.toolsets import FunctionToolset

__all__ = ["Units", "current_weather", "forecast", "toolset"]


class Units(enum.Enum):
    """Temperature units."""

    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


def _celsius(city: str, day: int) -> int:
    # A stable pseudo-temperature, so the pack works offline and in tests.
    digest = hashlib.sha256(f"{city.strip().lower()}:{day}".encode()).digest()
    return digest[0] % 35 - 5


def _convert(celsius: int, units: Units) -> int:
    return celsius if units is Units.CELSIUS else round(celsius * 9 / 5 + 32)


@tool
def current_weather(city: str, units: Units = Units.CELSIUS) -> dict[str, object]:
    """Get the current temperature in a city.

    Args:
        city: The city name, e.g. "Paris".
        units: The temperature units.
    """
    return {"city": city, "temperature": _convert(_celsius(city, 0), units), "units": units.value}


@tool
def forecast(city: str, days: Annotated[int, Field(ge=1, le=7)] = 3) -> list[int]:
    """Get the daily temperatures (Celsius) for the next days.

    Args:
        city: The city name.
        days: How many days.
    """
    return [_celsius(city, day) for day in range(1, days + 1)]


toolset = FunctionToolset([current_weather, forecast])
"""The pack's toolset: ``current_weather`` and ``forecast``."""
