"""The benchmark's model server: FakeOpenAI over real sockets, in its own process.

The script is stateless, so every client (agentkit, the raw loop, the peers) gets the same
answers: a user message ``calls=N`` makes the fake model call the first offered tool N times;
once the request carries the outputs of those calls, it answers with text.

Run alone: ``python bench/fake_server.py --port 8765 --latency-ms 0``; it prints
``READY <base_url>`` on stdout when it accepts connections. `ServerProcess` does that for you.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall

_CALLS = re.compile(r"calls=(\d+)")


def bench_fake(latency_ms: float = 0.0) -> FakeOpenAI:
    """A FakeOpenAI answering the benchmark protocol, keeping no per-request records."""
    delay = latency_ms / 1000

    def script(request: FakeRequest) -> FakeReply:
        outputs = request.tool_outputs()
        if outputs:
            return FakeReply(text=f"Done: {len(outputs)} results.", delay=delay, chunk_size=64)
        match = _CALLS.search(request.last_user_text)
        count = int(match.group(1)) if match else 0
        names = request.tool_names
        if not count or not names:
            return FakeReply(text="Hello.", delay=delay, chunk_size=64)
        calls = [FakeToolCall(names[0], {"i": i}) for i in range(count)]
        return FakeReply.calls(*calls, delay=delay, chunk_size=64)

    # A benchmark server must not grow without bound: it records nothing.
    return FakeOpenAI(script, record=False)


async def _serve(port: int, latency_ms: float) -> None:
    import uvicorn

    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only when their proto says
    # TCP; with proto 0, Nagle plus delayed ACKs add 40 ms to every chunked response.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    # W3 opens thousands of connections at once: a short backlog would drop SYNs (1 s stalls).
    sock.listen(4096)
    config = uvicorn.Config(
        bench_fake(latency_ms),
        log_level="critical",
        lifespan="off",
        access_log=False,
        backlog=4096,
        timeout_keep_alive=120,
    )
    server = uvicorn.Server(config)
    print(f"READY http://127.0.0.1:{sock.getsockname()[1]}/v1", flush=True)
    await server.serve(sockets=[sock])


class ServerProcess:
    """Starts the fake server in a subprocess; use as a context manager; ``.url`` is its base."""

    def __init__(self, latency_ms: float = 0.0) -> None:
        self.latency_ms = latency_ms
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    @property
    def pid(self) -> int:
        """The server process's id (for its CPU time)."""
        assert self._proc is not None
        return self._proc.pid

    def __enter__(self) -> ServerProcess:
        self._proc = subprocess.Popen(
            [sys.executable, str(Path(__file__)), "--latency-ms", str(self.latency_ms)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith("READY "):
            self._proc.kill()
            raise RuntimeError(f"the fake server did not start: {line!r}")
        self.url = line.split()[1]
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(_serve(args.port, args.latency_ms))


if __name__ == "__main__":
    main()
