"""``{"type": "file_search"}`` in ``agentkit serve``: runs that search and cite, over real HTTP.

The upstream is `FakeOpenAI`, scripted to call ``file_search`` and to answer citing the
markers the results came under, as a model does.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from openai import AsyncAssistantEventHandler, AsyncOpenAI, BadRequestError
from openai.types.beta.threads import Message
from openai.types.beta.threads.runs import RunStep, ToolCall, ToolCallDelta
from starlette.applications import Starlette

from agentkit.file_search import EmbeddingsClient
from agentkit.server import ServerConfig, create_app, upstream_model_factory
from agentkit.stores import SQLiteStore
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall
from tests.server.conftest import (
    KEYS,
    SEARCH_CONTENT,
    assistants_sdk,
    result_text,
    sdk_client,
    search_results,
)

pytestmark = assistants_sdk

REFUNDS = b"# Refunds\n\nItems can be returned within 30 days for a full refund of the price."
SHIPPING = b"Parcels ship within 5 business days to any address in Europe."


def cite(output: str, phrase: str) -> str:
    """The marker of the first result whose passage holds ``phrase`` ("" if none does)."""
    for passage in re.split(r"\n\n(?=【)", output):
        head = re.match(r"【[^】]*】", passage)
        if head and phrase in passage:
            return head.group(0)
    return ""


def script(request: FakeRequest) -> FakeReply | str:
    """Search once per topic asked about, all at once; then cite what answers each."""
    asked = request.last_user_text
    topics = [t for t in ("refund", "ship") if t in asked]
    outputs = list(request.tool_outputs().values())
    if not outputs:
        calls = [FakeToolCall("file_search", {"query": topic}) for topic in topics]
        return FakeReply.calls(*calls, delay=0.3 if "slowly" in asked else 0.0)
    cited = {"refund": "30 days", "ship": "5 business days"}
    return " ".join(
        f"{topic}: {cited[topic]}{cite(output, cited[topic])}."
        for topic, output in zip(topics, outputs, strict=True)
    )


async def serve(db_path: str, **options: Any) -> AsyncIterator[Starlette]:
    fake = FakeOpenAI(script)
    factory, _, upstream = upstream_model_factory(base_url=None, api_key=None, client=fake.client())
    config = ServerConfig(
        model_factory=factory, db_path=db_path, api_keys=KEYS, poll_after_ms=20, **options
    )
    app = create_app(config)
    async with app.router.lifespan_context(app):
        yield app
    await upstream.close()


@pytest.fixture
async def app(db_path: str) -> AsyncIterator[Starlette]:
    async for made in serve(db_path):
        yield made


async def upload(client: AsyncOpenAI, name: str, content: bytes) -> str:
    return (await client.files.create(file=(name, content), purpose="assistants")).id


async def handbook(client: AsyncOpenAI, **files: bytes) -> tuple[str, dict[str, str]]:
    ids = {name: await upload(client, name, content) for name, content in files.items()}
    store = await client.vector_stores.create(name="handbook", file_ids=list(ids.values()))
    await client.vector_stores.file_batches.create_and_poll(store.id, file_ids=list(ids.values()))
    return store.id, ids


async def searching_assistant(client: AsyncOpenAI, *store_ids: str) -> str:
    assistant = await client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search", "file_search": {"max_num_results": 5}}],
        tool_resources={"file_search": {"vector_store_ids": list(store_ids)}},
    )
    return assistant.id


class Recorder(AsyncAssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, Any]] = []
        self.steps: list[RunStep] = []

    async def on_tool_call_created(self, tool_call: ToolCall) -> None:
        self.seen.append(("created", tool_call.type))

    async def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        if delta.type == "file_search":
            self.seen.append(("delta", delta.file_search))

    async def on_run_step_done(self, run_step: RunStep) -> None:
        self.steps.append(run_step)

    async def on_message_done(self, message: Message) -> None:
        self.seen.append(("message", message))


async def test_a_streamed_run_searches_and_its_answer_cites_the_file(app: Starlette) -> None:
    async with sdk_client(app) as client:
        store_id, ids = await handbook(client, **{"refunds.md": REFUNDS, "shipping.txt": SHIPPING})
        assistant_id = await searching_assistant(client, store_id)
        thread = await client.beta.threads.create(
            messages=[{"role": "user", "content": "What is the refund window?"}]
        )
        recorder = Recorder()
        async with client.beta.threads.runs.stream(
            thread_id=thread.id,
            assistant_id=assistant_id,
            event_handler=recorder,
            include=[SEARCH_CONTENT],
        ) as stream:
            await stream.until_done()
        final = await stream.get_final_run()

    assert final.status == "completed"
    created, results, (_, message) = recorder.seen
    assert created == ("created", "file_search")
    hits = results[1]["results"]
    assert hits[0]["file_name"] == "refunds.md" and hits[0]["file_id"] == ids["refunds.md"]
    assert "30 days" in hits[0]["content"][0]["text"]  # include asked for the text
    text = message.content[0].text
    (annotation,) = text.annotations
    assert text.value == "refund: 30 days【0:0†refunds.md】."
    assert annotation.type == "file_citation"
    assert annotation.file_citation.file_id == ids["refunds.md"]
    assert text.value[annotation.start_index : annotation.end_index] == annotation.text
    ((first, *_),) = search_results(recorder.steps)
    assert "30 days" in result_text(first)


async def test_parallel_searches_each_cite_their_own_file_and_steps_hide_the_text(
    app: Starlette,
) -> None:
    async with sdk_client(app) as client:
        store_id, ids = await handbook(client, **{"refunds.md": REFUNDS, "shipping.txt": SHIPPING})
        run = await client.beta.threads.create_and_run_poll(
            assistant_id=await searching_assistant(client, store_id),
            thread={"messages": [{"role": "user", "content": "refund and ship times?"}]},
        )
        messages = await client.beta.threads.messages.list(run.thread_id)
        plain = await client.beta.threads.runs.steps.list(run.id, thread_id=run.thread_id)
        full = await client.beta.threads.runs.steps.list(
            run.id, thread_id=run.thread_id, include=[SEARCH_CONTENT]
        )

    text = messages.data[0].content[0].text  # type: ignore[union-attr]
    assert text.value == (
        "refund: 30 days【0:0†refunds.md】. ship: 5 business days【1:0†shipping.txt】."
    )
    assert [a.file_citation.file_id for a in text.annotations] == [  # type: ignore[union-attr]
        ids["refunds.md"],
        ids["shipping.txt"],
    ]
    plain_results = search_results(plain.data)
    assert len(plain_results) == 2 and all(plain_results)
    assert all(r.content is None for results in plain_results for r in results)
    full_results = search_results(full.data)
    assert "5 business days" in result_text(full_results[1][0])
    tool_step = [s for s in full.data if s.type == "tool_calls"][0]
    first_call = tool_step.step_details.tool_calls[0]  # type: ignore[union-attr]
    assert first_call.file_search.ranking_options.ranker == "default_2024_08_21"  # type: ignore[union-attr]


async def test_an_attachment_goes_into_a_vector_store_the_thread_gets(app: Starlette) -> None:
    async with sdk_client(app) as client:
        refunds = await upload(client, "refunds.md", REFUNDS)
        assistant = await client.beta.assistants.create(
            model="gpt-4o", tools=[{"type": "file_search"}]
        )
        thread = await client.beta.threads.create()
        await client.beta.threads.messages.create(
            thread.id,
            role="user",
            content="What is the refund window?",
            attachments=[{"file_id": refunds, "tools": [{"type": "file_search"}]}],
        )
        run = await client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant.id
        )
        thread = await client.beta.threads.retrieve(thread.id)
        (store_id,) = thread.tool_resources.file_search.vector_store_ids  # type: ignore[union-attr, misc]
        store = await client.vector_stores.retrieve(store_id)
        answer = (await client.beta.threads.messages.list(thread.id)).data[0]
        with pytest.raises(BadRequestError, match="No file found with id 'file-missing'") as bad:
            await client.beta.threads.messages.create(
                thread.id,
                role="user",
                content="and this?",
                attachments=[{"file_id": "file-missing", "tools": [{"type": "file_search"}]}],
            )

    assert bad.value.body["param"] == "attachments[0].file_id"  # type: ignore[index]
    assert run.status == "completed"
    assert store.file_counts.completed == 1
    assert store.expires_after is not None and store.expires_after.days == 7
    annotation = answer.content[0].text.annotations[0]  # type: ignore[union-attr]
    assert annotation.file_citation.file_id == refunds  # type: ignore[union-attr]


async def test_tool_resources_can_ask_for_a_vector_store_to_be_made(app: Starlette) -> None:
    async with sdk_client(app) as client:
        refunds = await upload(client, "refunds.md", REFUNDS)
        assistant = await client.beta.assistants.create(
            model="gpt-4o",
            tools=[{"type": "file_search"}],
            tool_resources={
                "file_search": {"vector_stores": [{"file_ids": [refunds], "metadata": {"m": "1"}}]}
            },
        )
        (store_id,) = assistant.tool_resources.file_search.vector_store_ids  # type: ignore[union-attr, misc]
        thread = await client.beta.threads.create(
            tool_resources={"file_search": {"vector_stores": [{"file_ids": [refunds]}]}}
        )
        (thread_store,) = thread.tool_resources.file_search.vector_store_ids  # type: ignore[union-attr, misc]
        store = await client.vector_stores.retrieve(store_id)

    assert store.metadata == {"m": "1"} and store.file_counts.total == 1
    assert thread_store != store_id


async def test_a_store_deleted_while_a_run_searches_is_a_note_and_nothing_else_is_lost(
    app: Starlette,
) -> None:
    async with sdk_client(app) as client:
        kept, _ = await handbook(client, **{"refunds.md": REFUNDS})
        doomed, _ = await handbook(client, **{"shipping.txt": SHIPPING})
        assistant_id = await searching_assistant(client, kept)
        thread = await client.beta.threads.create(
            messages=[{"role": "user", "content": "slowly: refund and ship times?"}],
            tool_resources={"file_search": {"vector_store_ids": [doomed]}},
        )
        run = await client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant_id)
        await client.vector_stores.delete(doomed)  # the model is still thinking
        run = await client.beta.threads.runs.poll(run.id, thread_id=thread.id)
        steps = await client.beta.threads.runs.steps.list(run.id, thread_id=thread.id)
        answer = (await client.beta.threads.messages.list(thread.id)).data[0]
        still = await client.vector_stores.search(kept, query="refund")

    assert run.status == "completed"
    text = answer.content[0].text.value  # type: ignore[union-attr]
    assert text == "refund: 30 days【0:0†refunds.md】. ship: 5 business days."
    assert [len(results) for results in search_results(steps.data)] == [1, 0]
    assert [hit.filename for hit in still.data] == ["refunds.md"]


async def test_files_left_in_progress_by_a_stopped_server_are_ingested_at_the_next_start(
    db_path: str,
) -> None:
    async for first in serve(db_path, ingest_concurrency=1):
        async with sdk_client(first) as client:
            store = await client.vector_stores.create(name="big")
            big = await upload(client, "big.txt", b"walrus colony census " * 150_000)
            small = await upload(client, "refunds.md", REFUNDS)
            await client.vector_stores.files.create(vector_store_id=store.id, file_id=big)
            await client.vector_stores.files.create(vector_store_id=store.id, file_id=small)
    # The server stopped with its ingestions under way: they stay in progress, not failed.
    async with SQLiteStore(db_path, project="alpha") as records:
        left = await records.list_vector_store_files(store.id, status="in_progress")
    assert left

    async for second in serve(db_path):
        async with sdk_client(second) as client:
            for file_id in (big, small):
                done = await client.vector_stores.files.poll(file_id, vector_store_id=store.id)
                assert done.status == "completed"
            walrus = await client.vector_stores.search(store.id, query="walrus census")
            refund = await client.vector_stores.search(store.id, query="refund")

    assert {hit.file_id for hit in walrus.data} == {big}
    assert [hit.file_id for hit in refund.data] == [small]


async def test_with_embeddings_configured_search_finds_a_paraphrase(db_path: str) -> None:
    embeddings = EmbeddingsClient("fake-embedding", client=FakeOpenAI().client())
    async for app in serve(db_path, embeddings=embeddings):
        async with sdk_client(app) as client:
            store_id, ids = await handbook(
                client, **{"refunds.md": REFUNDS, "shipping.txt": SHIPPING}
            )
            page = await client.vector_stores.search(store_id, query="how do I get my money back?")
            usage = (await client.vector_stores.retrieve(store_id)).usage_bytes

    assert page.data[0].file_id == ids["refunds.md"]
    assert usage > len(REFUNDS) + len(SHIPPING) + 2 * 256 * 4 - 1


def test_serving_without_ingesting_never_loads_the_tokenizer(tmp_path: Path) -> None:
    code = f"""
import asyncio, sys
import httpx2
from agentkit.server import ServerConfig, create_app, offline_model_factory

async def main():
    config = ServerConfig(
        model_factory=offline_model_factory,
        db_path={str(tmp_path / "s.db")!r},
        api_keys={{"sk": "p"}},
    )
    app = create_app(config)
    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url="http://t",
        headers={{"Authorization": "Bearer sk"}},
    )
    async with app.router.lifespan_context(app), http:
        store = (await http.post("/v1/vector_stores", json={{"name": "empty"}})).json()
        url = f"/v1/vector_stores/{{store['id']}}/search"
        found = await http.post(url, json={{"query": "x"}})
        assert found.status_code == 200, found.text
    print("bpe_openai" in sys.modules)

asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


async def test_the_run_waits_for_files_still_being_ingested(db_path: str) -> None:
    async for app in serve(db_path):
        async with sdk_client(app) as client:
            # About 400,000 tokens: the run searches before they are all ingested.
            policy = await upload(client, "policy.md", REFUNDS + b"\n" + b"lorem ipsum " * 200_000)
            store = await client.vector_stores.create(name="fresh", file_ids=[policy])
            run = await client.beta.threads.create_and_run_poll(
                assistant_id=await searching_assistant(client, store.id),
                thread={"messages": [{"role": "user", "content": "refund window?"}]},
            )
            answer = (await client.beta.threads.messages.list(run.thread_id)).data[0]

    assert answer.content[0].text.value == "refund: 30 days【0:0†policy.md】."  # type: ignore[union-attr]
