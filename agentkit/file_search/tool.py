"""`FileSearch`: the ``file_search`` tool, over `VectorStores`, with citations in the answer.

To the model it is a function, ``file_search(query)``: the vector stores are searched (the
tool's own, and the thread's ``tool_resources.file_search.vector_store_ids``), the results
come back under citation markers (`agentkit.file_search.citations`), the step records them
as the API did (``{"type": "file_search", "file_search": {"ranking_options", "results"}}``)
and the answer's markers become ``file_citation`` annotations. The model may call it
several times at once; the dispatcher runs the calls concurrently.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from agentkit.context import RunContext
from agentkit.exceptions import NotFoundError, ToolExecutionError, UserError
from agentkit.file_search.citations import next_search_number, output_text, quote, results_of
from agentkit.file_search.errors import FileSearchError, IndexDeletedError, IndexMissingError
from agentkit.file_search.index import SearchHit
from agentkit.file_search.ranking import RankingOptions
from agentkit.file_search.search import SearchRequest
from agentkit.file_search.vector_stores import VectorStores
from agentkit.records import FileCitation, FileSearchCall, FileSearchRankingOptions
from agentkit.stores.base import Store
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.hosted import HostedResult, HostedTool, TextMarker

__all__ = ["DEFINITION", "FileSearch"]

_log = logging.getLogger("agentkit.file_search")

DEFINITION = ToolDefinition(
    name="file_search",
    description=(
        "Search the files the user has provided for passages relevant to a query. Returns "
        "the best passages, each under a citation marker such as 【0:1†report.pdf】. When "
        "your answer uses a passage, write its marker right after the statement it supports."
    ),
    parameters={
        "type": "object",
        "properties": {
            "query": {
                "type": "string",
                "description": "What to look for: a question or key words, in the files' language.",
            }
        },
        "required": ["query"],
        "additionalProperties": False,
    },
    strict=True,
)


class FileSearch(HostedTool):
    """Searches vector stores for the model and cites what it found.

    Args:
        vector_stores: the vector stores (and their files) to search.
        vector_store_ids: the stores every search covers (the assistant's).
        max_num_results: results per call, 1 to 50 (the API's default for GPT-4 models: 20).
        ranking_options: ``{"ranker": "auto" | "default_2024_08_21", "score_threshold": x}``;
            results below the threshold (0 to 1) are left out.
        store: where the thread's ``tool_resources`` are read (default: the vector stores'
            record store when it is also a run `Store`); its vector stores are searched too.
        wait_seconds: how long a search waits for files still being ingested in this
            process before searching what is ready.
    """

    def __init__(
        self,
        *,
        vector_stores: VectorStores,
        vector_store_ids: Sequence[str] = (),
        max_num_results: int = 20,
        ranking_options: Mapping[str, Any] | None = None,
        store: Store | None = None,
        wait_seconds: float = 60.0,
    ) -> None:
        self.vector_stores = vector_stores
        self._configure(vector_store_ids, max_num_results, ranking_options)
        records = vector_stores.records
        self.store = store if store is not None else records if isinstance(records, Store) else None
        self.wait_seconds = wait_seconds

    def _configure(
        self,
        vector_store_ids: Sequence[str],
        max_num_results: int,
        ranking_options: Mapping[str, Any] | None,
    ) -> None:
        self.vector_store_ids = tuple(vector_store_ids)
        self.max_num_results = max_num_results
        self.ranking = _ranking(ranking_options)
        threshold = RankingOptions("auto", self.ranking.score_threshold)
        self.request = SearchRequest(
            "-", max_num_results=max_num_results, ranking_options=threshold
        )

    @property
    def definition(self) -> ToolDefinition:
        return DEFINITION

    def pending(self, arguments: str) -> FileSearchCall:
        return FileSearchCall(ranking_options=self.ranking, query=_query_of(arguments) or "")

    def configured(
        self,
        vector_store_ids: Sequence[str],
        *,
        max_num_results: int | None = None,
        ranking_options: Mapping[str, Any] | None = None,
    ) -> FileSearch:
        """The same tool with other stores and options (``agentkit serve``: one per run)."""
        view = copy.copy(self)
        view._configure(vector_store_ids, max_num_results or 20, ranking_options)
        return view

    async def run(self, arguments: str, ctx: RunContext[Any]) -> HostedResult:
        query = _query_of(arguments)
        call = self.pending(arguments)
        if not query:
            message = "file_search needs a non-empty string 'query'."
            return HostedResult(message, call, error=_error(message, ctx.call_id))
        ids = await self._store_ids(ctx.thread_id)
        if not ids:
            message = (
                "No vector store is attached: add one to the assistant's or the thread's "
                "tool_resources.file_search.vector_store_ids."
            )
            return HostedResult(message, call, error=_error(message, ctx.call_id))
        search = next_search_number(ctx.state)
        hits, notes, failures = await self._search(ids, query)
        if failures == len(ids):
            message = "File search failed: " + " ".join(notes)
            return HostedResult(message, call, error=_error(message, ctx.call_id))
        hits.sort(key=lambda hit: -hit.score)
        results = results_of(search, hits[: self.max_num_results])
        done = call.model_copy(update={"results": results})
        markers = tuple(
            TextMarker(r.marker, FileCitation(file_id=r.file_id, quote=quote(r))) for r in results
        )
        return HostedResult(output_text(query, results, notes), done, markers=markers)

    async def _store_ids(self, thread_id: str) -> list[str]:
        ids = list(self.vector_store_ids)
        if self.store is not None and thread_id:
            try:
                thread = await self.store.get_thread(thread_id)
            except NotFoundError:
                thread = None
            section = ((thread.tool_resources if thread else None) or {}).get("file_search")
            ids += [i for i in (section or {}).get("vector_store_ids") or [] if isinstance(i, str)]
        return list(dict.fromkeys(ids))

    async def _search(
        self, ids: Sequence[str], query: str
    ) -> tuple[list[SearchHit], list[str], int]:
        """The hits of every store, notes for the reader, and how many stores failed."""
        request = dataclasses.replace(self.request, query=query)
        deadline = asyncio.get_running_loop().time() + self.wait_seconds
        outcomes = await asyncio.gather(
            *(self._search_one(i, request, deadline) for i in ids), return_exceptions=True
        )
        hits: list[SearchHit] = []
        notes: list[str] = []
        failures = 0
        for vector_store_id, outcome in zip(ids, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                notes.append(_problem(vector_store_id, outcome))
                failures += 1
            else:
                found, note = outcome
                hits += found
                notes += [note] if note else []
        return hits, notes, failures

    async def _search_one(
        self, vector_store_id: str, request: SearchRequest, deadline: float
    ) -> tuple[list[SearchHit], str]:
        note = ""
        try:
            async with asyncio.timeout_at(deadline):
                await self.vector_stores.wait(vector_store_id)
        except TimeoutError:
            count = self.vector_stores.ingesting(vector_store_id)
            note = f"{count} file(s) of vector store {vector_store_id} are still being processed."
        return await self.vector_stores.search(vector_store_id, request), note


def _problem(vector_store_id: str, error: BaseException) -> str:
    if isinstance(error, NotFoundError):
        return f"Vector store {vector_store_id} does not exist."
    if isinstance(error, IndexDeletedError):
        return f"Vector store {vector_store_id} was deleted while it was searched."
    if isinstance(error, IndexMissingError):  # the folder is for the log, not the model
        _log.warning("file_search: %s", error)
        return (
            f"Vector store {vector_store_id} cannot be searched here: its files were indexed "
            "by a process whose index this one does not share."
        )
    if isinstance(error, FileSearchError | UserError):
        return f"Vector store {vector_store_id} could not be searched: {error}"
    raise error


def _ranking(options: Mapping[str, Any] | None) -> FileSearchRankingOptions:
    options = dict(options or {})
    unknown = set(options) - {"ranker", "score_threshold"}
    if unknown:
        raise UserError(f"ranking_options has unknown fields: {', '.join(sorted(unknown))}.")
    ranker = options.get("ranker") or "default_2024_08_21"
    if ranker not in ("auto", "default_2024_08_21"):
        raise UserError(
            f"ranking_options.ranker must be 'auto' or 'default_2024_08_21', not {ranker!r}."
        )
    threshold = options.get("score_threshold", 0.0)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 <= threshold <= 1
    ):
        raise UserError(f"ranking_options.score_threshold must be from 0 to 1, not {threshold!r}.")
    return FileSearchRankingOptions(ranker=ranker, score_threshold=float(threshold))


def _query_of(arguments: str) -> str | None:
    try:
        data = json.loads(arguments)
    except ValueError:
        return None
    query = data.get("query") if isinstance(data, dict) else None
    return query.strip() if isinstance(query, str) and query.strip() else None


def _error(message: str, call_id: str | None) -> ToolExecutionError:
    return ToolExecutionError(
        message, tool_name="file_search", call_id=call_id, model_text=f"Error: {message}"
    )
