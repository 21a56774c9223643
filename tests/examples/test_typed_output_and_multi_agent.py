"""The typed-output and multi-agent examples, run in process (offline) as written."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered first, as an import would: pydantic resolves the module's annotations there.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_typed_output_prints_the_retry_and_the_validated_forecast(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await load("typed_output").main()

    assert capsys.readouterr().out == (
        'model answered: {"city": "Bergen", "temp_c": 11}\n'
        'model answered: {"city": "Bergen", "temp_c": 11, "conditions": "rain"}\n'
        "Bergen: 11 °C, rain\n"
    )


async def test_multi_agent_shows_who_wrote_each_message_and_the_linked_sub_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await load("multi_agent").main()

    assert capsys.readouterr().out == (
        "user: I was charged twice, can I get a refund?\n"
        "asst_billing: Billing here: Yes: refunds are allowed within 30 days. "
        "I have started your refund.\n"
        "user: No, that is all. Thanks!\n"
        "asst_billing: Billing here: anything else about your invoice?\n"
        "[tool] transfer_to_billing -> Transferred to billing.\n"
        "[tool] policy -> Yes: refunds are allowed within 30 days. (run asst_policy)\n"
        "run assistant: asst_triage, 4 model requests\n"
        "second run answered by: asst_billing\n"
    )
