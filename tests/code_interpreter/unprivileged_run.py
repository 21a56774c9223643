"""Run by test_unprivileged as an ordinary user: a pool, two calls, and an escape probe."""

from __future__ import annotations

import asyncio
import json
import os

from agentkit.code_interpreter import KernelLimits, KernelPool

PROBE = """
import os, socket
print(os.getuid())
print(socket.if_nameindex())
for path in ["/etc/shadow", "/root", "/home", "/var"]:
    print(path, os.path.exists(path))
"""


async def main() -> None:
    async with KernelPool(limits=KernelLimits(max_processes=32)) as pool:
        await pool.execute("thread_1", "x = 20")
        doubled = await pool.execute("thread_1", "x * 2")
        probe = await pool.execute("thread_1", PROBE)
        bomb = await pool.execute("thread_2", "import os\nwhile True:\n    os.fork()")
        after = await pool.execute("thread_1", "print('after', x)")
    print(
        json.dumps(
            {
                "uid": os.getuid(),
                "doubled": doubled.logs,
                "probe": probe.logs,
                "bomb": bomb.failure.kind if bomb.failure else None,
                "after": after.logs,
            }
        )
    )


asyncio.run(main())
