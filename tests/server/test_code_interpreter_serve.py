"""``{"type": "code_interpreter"}`` in ``agentkit serve``: streamed through the SDK's event handler,
files in (attachments) and out (images, ``file_path``), and kernels ended with their thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from openai import AsyncAssistantEventHandler, AsyncOpenAI
from openai.types.beta.threads import ImageFile, Message
from openai.types.beta.threads.runs import ToolCall, ToolCallDelta
from starlette.applications import Starlette

from agentkit.server import ServerConfig, create_app, upstream_model_factory
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall
from tests.code_interpreter.conftest import kernels_available
from tests.code_interpreter.pngcheck import png_size
from tests.server.conftest import KEYS, assistants_sdk, sdk_client

__all__ = ["kernels_available"]  # a fixture these tests use

CODE = """import matplotlib.pyplot as plt
rows = open('/mnt/data/input.csv').read().splitlines()[1:]
totals = [int(row.split(',')[1]) for row in rows]
plt.bar(range(len(totals)), totals)
plt.savefig('/mnt/data/chart.png')
open('/mnt/data/summary.txt', 'w').write(f'sum={sum(totals)}')
print('sum', sum(totals))
"""

ANSWER = "The sum is 24: [summary](sandbox:/mnt/data/summary.txt)"


def script(request: FakeRequest) -> FakeReply | str:
    if not request.tool_outputs():
        return FakeReply.calls(FakeToolCall("code_interpreter", {"code": CODE}))
    return ANSWER


@pytest.fixture
async def app(db_path: str, kernels_available: None) -> AsyncIterator[Starlette]:
    fake = FakeOpenAI(script)
    factory, _, upstream = upstream_model_factory(base_url=None, api_key=None, client=fake.client())
    config = ServerConfig(model_factory=factory, db_path=db_path, api_keys=KEYS)
    app = create_app(config)
    async with app.router.lifespan_context(app):
        yield app
    await upstream.close()


class Recorder(AsyncAssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, Any]] = []

    async def on_tool_call_created(self, tool_call: ToolCall) -> None:
        self.seen.append(("created", tool_call.type))

    async def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        if delta.type == "code_interpreter" and delta.code_interpreter is not None:
            if delta.code_interpreter.input:
                self.seen.append(("input", delta.code_interpreter.input))
            for output in delta.code_interpreter.outputs or []:
                self.seen.append((output.type, output.model_dump(exclude={"index", "type"})))

    async def on_image_file_done(self, image_file: ImageFile) -> None:
        self.seen.append(("image_file_done", image_file.file_id))

    async def on_message_done(self, message: Message) -> None:
        self.seen.append(("message", message))


@assistants_sdk
async def test_a_streamed_run_shows_the_code_its_outputs_and_its_image_through_the_handler(
    app: Starlette,
) -> None:
    async with sdk_client(app) as client:
        upload = await client.files.create(
            file=("input.csv", b"month,total\n1,10\n2,14\n"), purpose="assistants"
        )
        assistant = await client.beta.assistants.create(
            model="gpt-4o", tools=[{"type": "code_interpreter"}]
        )
        thread = await client.beta.threads.create(
            messages=[
                {
                    "role": "user",
                    "content": "Chart my totals.",
                    "attachments": [
                        {"file_id": upload.id, "tools": [{"type": "code_interpreter"}]}
                    ],
                }
            ]
        )
        handler = Recorder()
        async with client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=assistant.id, event_handler=handler
        ) as stream:
            await stream.until_done()
            run = await stream.get_final_run()
        image_id = await _check_seen(handler.seen)
        content = await client.files.content(image_id)
        assert png_size(content.content)[0] > 100
        message = next(item[1] for item in handler.seen if item[0] == "message")
        await _check_summary_link(client, message)

        assert run.status == "completed"
        hosted = app.state.hosted
        assert thread.id in hosted.pool
        await client.beta.threads.delete(thread.id)
        assert thread.id not in hosted.pool


async def _check_seen(seen: list[tuple[str, Any]]) -> str:
    kinds = [kind for kind, _ in seen]
    assert kinds[:3] == ["created", "input", "logs"], kinds
    assert seen[0][1] == "code_interpreter" and seen[1][1] == CODE
    assert seen[2][1] == {"logs": "sum 24\n"}
    assert kinds[3] == "image"
    image_id = seen[3][1]["image"]["file_id"]
    assert ("image_file_done", image_id) in seen
    assert kinds.index("image_file_done") < kinds.index("message")
    return str(image_id)


async def _check_summary_link(client: AsyncOpenAI, message: Message) -> None:
    # The figure left open is displayed at the end of the cell too, as in Jupyter: two images.
    *images, text = message.content
    assert [part.type for part in images] == ["image_file", "image_file"]
    assert text.type == "text"
    assert text.text.value == ANSWER
    (annotation,) = text.text.annotations
    assert annotation.type == "file_path" and annotation.text == "sandbox:/mnt/data/summary.txt"
    summary = await client.files.retrieve(annotation.file_path.file_id)
    assert (summary.filename, summary.purpose) == ("summary.txt", "assistants_output")
    assert (await client.files.content(summary.id)).content == b"sum=24"
