"""The MCP examples, both directions, over real stdio pipes."""

from __future__ import annotations

from .run_example import run_example


def test_an_agent_uses_an_sdk_servers_tools_and_the_runner_stops_it() -> None:
    out = run_example("mcp_client.py")

    assert out.splitlines() == [
        "tools: ['weather_current_weather', 'weather_forecast']",
        "strict: [True, True]",
        '[tool] weather_current_weather({"city": "Oslo"}) -> { "city": "Oslo", "temperature": 4 }',
        '[tool] weather_forecast({"city": "Oslo", "days": null}) -> '
        '{ "city": "Oslo", "highs": [ 4, 5, 6 ] }',
        '[tool] weather_forecast({"city": "Oslo", "days": 30}) -> '
        "Error executing tool forecast: days must be between 1 and 7, not 30",
        "Oslo is 4 °C now; next days: [4, 5, 6].",
        "server running after close: False",
    ]


def test_the_sdk_client_calls_the_served_toolset() -> None:
    out = run_example("mcp_server.py", "--demo")

    assert out.splitlines() == [
        "tools: ['packing_list', 'currency']",
        'packing_list: ["coat","scarf","3 pairs of socks"]',
        "currency: error: unknown country 'Atlantis'; try one of ['egypt', 'norway', 'peru']",
    ]
