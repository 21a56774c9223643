"""`FileSearch` in a library agent: the function the model sees, steps, markers, citations."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from inline_snapshot import snapshot

from agentkit import Agent
from agentkit.context import RunContext
from agentkit.exceptions import UserError
from agentkit.file_search import FileSearch, VectorStores, stdlib_driver
from agentkit.file_search.citations import marker
from agentkit.files import Files
from agentkit.models.function import FunctionInfo
from agentkit.models.request import ModelRequest
from agentkit.records import FileSearchCall, Thread
from agentkit.runner import Runner
from agentkit.stores import MemoryStore
from agentkit.stores.vector_stores import VectorStore
from agentkit.testing import FunctionModel, call_tool, text

DOCS = {
    "refunds.md": b"# Refunds\n\nItems can be returned within 30 days for a full refund.",
    "shipping.txt": b"Parcels ship within 5 business days to any address in Europe.",
    "warranty.json": b'{"warranty": {"years": 2, "covers": "manufacturing defects"}}',
}


@pytest.fixture
async def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
async def files(store: MemoryStore) -> AsyncIterator[Files]:
    made = Files(store)
    yield made
    await made.aclose()


@pytest.fixture
async def stores(files: Files) -> AsyncIterator[VectorStores]:
    made = VectorStores(files, driver=stdlib_driver())
    yield made
    await made.aclose()


async def handbook(stores: VectorStores, names: tuple[str, ...] = tuple(DOCS)) -> VectorStore:
    uploads = stores.uploads
    ids = [(await uploads.add(DOCS[name], filename=name)).id for name in names]
    made = await stores.create(name="handbook", file_ids=ids)
    await stores.wait(made.id)
    return made


def markers_in(output: str) -> dict[str, str]:
    """Each marker in a search output, with the passage under it."""
    found = {}
    for block in re.split(r"\n\n(?=【)", output):
        head = re.match(r"(【[^】]*】)\n", block)
        if head:
            found[head.group(1)] = block[head.end() :]
    return found


def answer_citing(*phrases: str) -> Any:
    """A model: search for each phrase at once, then cite the passage holding each phrase."""

    def turn(request: ModelRequest, info: FunctionInfo) -> Any:
        if info.turn == 1:
            return [call_tool("file_search", {"query": phrase}) for phrase in phrases]
        outputs = [str(getattr(item, "output", "")) for item in request.items[-len(phrases) :]]
        cited = []
        for phrase, output in zip(phrases, outputs, strict=True):
            mark = next(m for m, passage in markers_in(output).items() if phrase in passage)
            cited.append(f"About {phrase}{mark}.")
        return text(" ".join(cited))

    return FunctionModel(turn)


async def test_the_model_sees_a_function_with_one_query(stores: VectorStores) -> None:
    tool = FileSearch(vector_stores=stores)

    assert tool.definition.to_responses() == snapshot(
        {
            "type": "function",
            "name": "file_search",
            "description": (
                "Search the files the user has provided for passages relevant to a query. "
                "Returns the best passages, each under a citation marker such as "
                "【0:1†report.pdf】. When your answer uses a passage, write its marker right "
                "after the statement it supports."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {
                        "type": "string",
                        "description": (
                            "What to look for: a question or key words, in the files' language."
                        ),
                    }
                },
                "required": ["query"],
                "additionalProperties": False,
            },
            "strict": True,
        }
    )


async def test_parallel_searches_cite_the_right_files_and_chunks(stores: VectorStores) -> None:
    made = await handbook(stores)
    tool = FileSearch(vector_stores=stores, vector_store_ids=[made.id])
    agent = Agent(name="a", model=answer_citing("30 days", "5 business days"), tools=[tool])

    result = await agent.run("refunds and shipping?")

    calls = result.tool_calls
    assert [c.kind for c in calls] == ["file_search", "file_search"]
    first, second = (c.hosted for c in calls)
    assert isinstance(first, FileSearchCall) and isinstance(second, FileSearchCall)
    assert {r.marker[:3] for r in first.results} == {"【0:"}
    assert {r.marker[:3] for r in second.results} == {"【1:"}
    citations = result.citations
    assert [(c.filename, c.text[:3]) for c in citations] == [
        ("refunds.md", "【0:"),
        ("shipping.txt", "【1:"),
    ]
    answer = result.output_text
    for citation, phrase in zip(citations, ["30 days", "5 business days"], strict=True):
        assert answer[citation.start_index : citation.end_index] == citation.text
        assert phrase in citation.quote
        assert (citation.chunk_index, citation.token_start) == (0, 0)
        assert citation.token_end > 0
        assert (await stores.uploads.get(citation.file_id)).filename == citation.filename


async def test_a_search_of_no_store_is_an_error_the_model_sees(stores: VectorStores) -> None:
    agent = Agent(
        name="a",
        model=FunctionModel(
            lambda request, info: (
                call_tool("file_search", {"query": "x"}) if info.turn == 1 else text("none")
            )
        ),
        tools=[FileSearch(vector_stores=stores)],
    )
    result = await agent.run("go")

    (call,) = result.tool_calls
    assert result.status == "completed"
    assert call.error is not None
    assert "No vector store is attached" in (call.function.output or "")


async def test_the_threshold_and_the_result_count_are_honoured(stores: VectorStores) -> None:
    made = await handbook(stores)
    strict = FileSearch(
        vector_stores=stores,
        vector_store_ids=[made.id],
        ranking_options={"ranker": "auto", "score_threshold": 1.0},
    )
    one = FileSearch(vector_stores=stores, vector_store_ids=[made.id], max_num_results=1)

    nothing = await strict.run('{"query": "refund shipping warranty"}', _ctx())
    single = await one.run('{"query": "refund shipping warranty"}', _ctx())

    assert nothing.output.startswith("File search found nothing for 'refund shipping warranty'")
    assert isinstance(single.call, FileSearchCall) and len(single.call.results) == 1
    assert single.call.ranking_options.ranker == "default_2024_08_21"
    assert nothing.call.ranking_options.score_threshold == 1.0  # type: ignore[union-attr]
    with pytest.raises(UserError, match="max_num_results"):
        FileSearch(vector_stores=stores, max_num_results=51)
    with pytest.raises(UserError, match="ranker"):
        FileSearch(vector_stores=stores, ranking_options={"ranker": "bm25"})


async def test_the_threads_vector_stores_are_searched_too(
    stores: VectorStores, store: MemoryStore
) -> None:
    mine = await handbook(stores, ("refunds.md",))
    theirs = await handbook(stores, ("shipping.txt",))
    thread = await store.create_thread(
        Thread(tool_resources={"file_search": {"vector_store_ids": [theirs.id]}})
    )
    tool = FileSearch(vector_stores=stores, vector_store_ids=[mine.id])
    agent = Agent(name="a", model=answer_citing("30 days", "5 business days"), tools=[tool])

    result = await Runner(store).run(agent, "both?", thread=thread)

    assert [c.filename for c in result.citations] == ["refunds.md", "shipping.txt"]


async def test_a_store_gone_before_the_search_is_a_note_and_the_others_still_answer(
    stores: VectorStores,
) -> None:
    kept, gone = await handbook(stores, ("refunds.md",)), await handbook(stores, ("shipping.txt",))
    tool = FileSearch(vector_stores=stores, vector_store_ids=[kept.id, gone.id])
    await stores.delete(gone.id)

    partial = await tool.run('{"query": "refund"}', _ctx())
    only_gone = await FileSearch(vector_stores=stores, vector_store_ids=[gone.id]).run(
        '{"query": "refund"}', _ctx()
    )

    assert partial.error is None
    assert f"Note: Vector store {gone.id} does not exist." in partial.output
    assert [r.file_name for r in partial.call.results] == ["refunds.md"]  # type: ignore[union-attr]
    assert only_gone.error is not None
    assert only_gone.output == f"File search failed: Vector store {gone.id} does not exist."


async def test_a_store_indexed_elsewhere_is_a_failure_the_model_sees_without_the_folder(
    stores: VectorStores, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    made = await handbook(stores, ("refunds.md",))
    elsewhere = VectorStores(stores.uploads, directory=tmp_path / "elsewhere")
    try:
        result = await FileSearch(vector_stores=elsewhere, vector_store_ids=[made.id]).run(
            '{"query": "refund"}', _ctx()
        )
    finally:
        await elsewhere.aclose()

    assert result.error is not None
    assert result.output == (
        f"File search failed: Vector store {made.id} cannot be searched here: its files were "
        "indexed by a process whose index this one does not share."
    )
    assert str(tmp_path) not in result.output
    assert str(tmp_path / "elsewhere") in caplog.text  # the operator's log names the folder


async def test_a_search_that_waits_too_long_for_ingestion_says_so_and_answers_from_what_is_ready(
    stores: VectorStores,
) -> None:
    made = await handbook(stores, ("refunds.md",))
    big = await stores.uploads.add(b"zebra migration notes " * 100_000, filename="zebras.txt")
    await stores.files.add(made.id, big.id)
    impatient = FileSearch(vector_stores=stores, vector_store_ids=[made.id], wait_seconds=0.0)

    result = await impatient.run('{"query": "refund"}', _ctx())
    still = stores.ingesting(made.id)
    done = await stores.files.wait(made.id, big.id)

    assert result.error is None
    assert f"1 file(s) of vector store {made.id} are still being processed." in result.output
    assert [r.file_name for r in result.call.results] == ["refunds.md"]  # type: ignore[union-attr]
    assert (still, done.status) == (1, "completed")  # the wait gave up; ingestion went on


async def test_a_call_without_a_query_is_refused_and_recorded(stores: VectorStores) -> None:
    tool = FileSearch(vector_stores=stores, vector_store_ids=["vs_x"])

    result = await tool.run('{"q": 1}', _ctx())

    assert result.error is not None and "non-empty string 'query'" in result.output
    assert tool.pending("not json") == FileSearchCall()
    assert tool.pending('{"query": "x"}').query == "x"


def test_a_marker_keeps_its_brackets_whatever_the_file_is_called() -> None:
    assert marker(2, 3, "a【b】†c.pdf") == "【2:3†a(b)+c.pdf】"


def test_steps_show_the_results_as_the_api_did() -> None:
    call = FileSearchCall.model_validate(
        {
            "query": "q",
            "results": [
                {
                    "file_id": "file-1",
                    "file_name": "a.md",
                    "score": 0.5,
                    "content": [{"type": "text", "text": "hello"}],
                    "marker": "【0:0†a.md】",
                    "chunk_index": 3,
                }
            ],
        }
    )
    assert call.wire() == {
        "type": "file_search",
        "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0},
        "results": [
            {
                "file_id": "file-1",
                "file_name": "a.md",
                "score": 0.5,
                "content": [{"type": "text", "text": "hello"}],
            }
        ],
    }


def _ctx() -> RunContext[None]:
    return RunContext(deps=None, run_id="run_1", call_id="call_1")
