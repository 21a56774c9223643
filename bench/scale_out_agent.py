"""The agent `scale_out.py`'s worker processes drive: W3's, against the fake server.

``agentkit worker --database URL bench/scale_out_agent.py:agent`` with
``AGENTKIT_BENCH_MODEL_URL`` set to the fake server's base URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from raw_loop import ToolClock  # noqa: E402
from workloads import agentkit_agent  # noqa: E402

from agentkit import Agent  # noqa: E402


def agent() -> Agent[None]:
    """W3's agent (one instant async tool call, then an answer; non-streamed model calls)."""
    return agentkit_agent(
        os.environ["AGENTKIT_BENCH_MODEL_URL"],
        stream=False,
        tool_name="lookup_async",
        clock=ToolClock(),
        connections=64,
    )
