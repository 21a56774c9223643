"""The web-service page in headless Chromium: type, click, wait for the streamed answer.

Chromium is driven through its DevTools protocol over a websocket (the `websockets`
package); the click is a real mouse event at the button's position.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest

from .web_service import create_app, serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
websockets = pytest.importorskip("websockets", reason="the browser test needs `websockets`")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--window-size=1000,700",
]


class DevTools:
    """The few DevTools protocol calls the test needs, over one page's websocket."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        await self.socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:  # events arrive between answers; this test needs none of them
            message = json.loads(await self.socket.recv())
            if message.get("id") == call_id:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def click(self, selector: str) -> None:
        box = await self.evaluate(
            f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            await self.call(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box[0],
                y=box[1],
                button="left",
                clickCount=1,
            )

    async def wait_for(self, expression: str) -> None:
        """Poll the page until ``expression`` is true (20 s at most)."""
        for _ in range(400):
            if await self.evaluate(expression):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the page never got to: {expression}")


@asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[DevTools]:
    assert CHROMIUM is not None
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        *FLAGS,
        f"--user-data-dir={profile}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        port = await _devtools_port(process)
        async with httpx2.AsyncClient() as http:
            targets = (await http.get(f"http://127.0.0.1:{port}/json/list")).json()
        page = next(t for t in targets if t["type"] == "page")
        async with websockets.connect(page["webSocketDebuggerUrl"], max_size=None) as socket:
            yield DevTools(socket)
    finally:
        process.kill()
        await process.wait()


async def _devtools_port(process: asyncio.subprocess.Process) -> int:
    assert process.stderr is not None
    async with asyncio.timeout(30):
        while line := await process.stderr.readline():
            if match := re.search(rb"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line):
                return int(match.group(1))
    raise AssertionError("chromium did not start its DevTools server")


async def test_the_page_streams_the_answer_after_a_click(tmp_path: Path) -> None:
    async with (
        serve(create_app(tmp_path / "web.db")) as base_url,
        chromium(tmp_path / "profile") as browser,
    ):
        await browser.call("Page.navigate", url=base_url + "/")
        await browser.wait_for("document.readyState === 'complete' && !!document.forms.ask")
        await browser.click("#message")
        await browser.call("Input.insertText", text="Where is order 42?")
        await browser.click("#send")
        await browser.wait_for("document.body.dataset.state === 'done'")
        log = await browser.evaluate("document.getElementById('log').innerText")
        screenshot = await browser.call("Page.captureScreenshot", format="png")

    png = base64.b64decode(screenshot["data"])
    (tmp_path / "web_service.png").write_bytes(png)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
    assert "Order 42 has shipped with DHL and should arrive on Thursday." in log
    assert '→ order_status({"order_id": 42}) ✓' in log
    assert "completed" in log
