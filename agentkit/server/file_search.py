"""File search behind ``agentkit serve``: the vector stores and ``{"type": "file_search"}``.

One `VectorStores` serves the process (the indexes beside the database, one ingestion
queue bounded by ``ingest_concurrency``), with a view per project. Each run gets a
`FileSearch` configured from the run's ``file_search`` tool (``max_num_results``,
``ranking_options``) and its assistant's ``tool_resources.file_search.vector_store_ids``;
the thread's are read when the model searches. Without the ``file-search`` extra the
vector store routes answer 501 and a ``file_search`` call tells the model what to install.

Nothing here loads the tokenizer: the first file ingested does (`IngestionQueue`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import structlog

from agentkit.context import RunContext
from agentkit.exceptions import ToolExecutionError
from agentkit.files import Files
from agentkit.records import FileSearchCall
from agentkit.server.config import ServerConfig
from agentkit.server.errors import APIError, not_found
from agentkit.stores.assistants import AssistantsStore
from agentkit.stores.vector_stores import VectorStoreStore
from agentkit.tools.definition import ToolDefinition
from agentkit.tools.hosted import HostedResult, HostedTool

try:  # the file-search extra (tokenizer, readers, NumPy) is optional for the server
    from agentkit.file_search import (
        FileSearch,
        IndexDeletedError,
        IndexMissingError,
        IngestError,
        VectorStores,
    )
except ImportError:  # pragma: no cover - exercised only without the extra
    FileSearch = None  # type: ignore[assignment,misc]
    VectorStores = None  # type: ignore[assignment,misc]

    class IndexDeletedError(Exception):  # type: ignore[no-redef]
        """Never raised without the extra."""

    class IngestError(Exception):  # type: ignore[no-redef]
        """Never raised without the extra."""

    class IndexMissingError(Exception):  # type: ignore[no-redef]
        """Never raised without the extra."""


if TYPE_CHECKING:
    from agentkit.file_search import VectorStores as Stores

__all__ = [
    "ServerFileSearch",
    "assistant_vector_store_ids",
    "file_search_errors",
    "file_search_options",
]

_log = structlog.get_logger("agentkit.server")
_INSTALL = "pip install 'agentkit-assistants[file-search]'"


def assistant_vector_store_ids(assistant: dict[str, Any] | None) -> list[str]:
    """``tool_resources.file_search.vector_store_ids`` of an assistant record."""
    resources = (assistant or {}).get("tool_resources") or {}
    section = resources.get("file_search") or {}
    return [i for i in section.get("vector_store_ids") or [] if isinstance(i, str)]


def file_search_options(tools: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The ``file_search`` overrides of a run's tools (``max_num_results``, ``ranking_options``)."""
    for tool in tools:
        if tool.get("type") == "file_search":
            return dict(tool.get("file_search") or {})
    return {}


@contextlib.contextmanager
def file_search_errors(vector_store_id: str) -> Iterator[None]:
    """The index's errors as the API's: deleted meanwhile is a 404, an unreadable file 400."""
    try:
        yield
    except IndexDeletedError:
        raise not_found("vector store", vector_store_id) from None
    except IngestError as exc:
        raise APIError(400, str(exc), code="invalid_file") from None
    except IndexMissingError as exc:
        # The folder is for the operator's log, not for API clients.
        _log.error("vector_store_index_missing", vector_store_id=vector_store_id, error=str(exc))
        message = (
            f"Vector store {vector_store_id} cannot be searched: its search index is missing "
            "on this server (the server's log says where it was looked for)."
        )
        raise APIError(500, message, code="server_error") from None


class ServerFileSearch:
    """The server's vector stores, and the ``file_search`` tool of each run.

    Args:
        config: the embeddings client and the ingestion concurrency.
        files: the files over the root store.
        store: the root store (each project gets a scoped view).
    """

    def __init__(self, config: ServerConfig, files: Files, store: object) -> None:
        self._root: Stores | None = None
        # Why vector stores are unavailable, if they are.
        self.missing = f"the file-search extra on this server ({_INSTALL})"
        if config.database_url is not None or not isinstance(store, VectorStoreStore):
            # Postgres keeps the records, but a vector store's chunks are in a search index
            # file of one machine, which the other processes and machines could not search.
            self.missing = "a SQLite database: this server keeps its data in Postgres"
        elif VectorStores is not None:
            self._root = VectorStores(
                files,
                store,
                embeddings=config.embeddings,
                concurrency=config.ingest_concurrency,
            )
        self._views: dict[str, Stores] = {}

    @property
    def available(self) -> bool:
        """Whether the ``file-search`` extra is installed."""
        return self._root is not None

    def vector_stores(self, project: str, files: Files, store: AssistantsStore) -> Stores:
        """The project's vector stores.

        Raises:
            APIError: 501 when the ``file-search`` extra is not installed.
        """
        if self._root is None:
            message = f"Vector stores need {self.missing}."
            raise APIError(501, message, code="not_implemented")
        view = self._views.get(project)
        if view is None:
            assert isinstance(store, VectorStoreStore)
            view = self._views[project] = self._root.scoped(files, store)
        return view

    def tool(
        self,
        project: str,
        files: Files,
        store: AssistantsStore,
        vector_store_ids: Sequence[str],
        options: dict[str, Any],
    ) -> HostedTool:
        """The ``file_search`` tool of one run."""
        if self._root is None or FileSearch is None:
            return _Unavailable(self.missing)
        stores = self.vector_stores(project, files, store)
        return FileSearch(vector_stores=stores, store=store).configured(
            vector_store_ids,
            max_num_results=options.get("max_num_results"),
            ranking_options=options.get("ranking_options"),
        )

    async def resume(self, projects: Sequence[tuple[str, Files, AssistantsStore]]) -> int:
        """Ingest again the files a previous process left ``in_progress``; how many."""
        if self._root is None:
            return 0
        resumed = 0
        for project, files, store in projects:
            resumed += await self.vector_stores(project, files, store).resume()
        return resumed

    async def aclose(self) -> None:
        """Stop the ingestions (their files stay ``in_progress``) and close the indexes."""
        if self._root is not None:
            await self._root.aclose()


class _Unavailable(HostedTool):
    """Stands in for file search where this server cannot run it (``missing`` says why)."""

    def __init__(self, missing: str) -> None:
        self.missing = missing

    @property
    def definition(self) -> ToolDefinition:
        return ToolDefinition(
            name="file_search",
            description="Search the user's files (not available on this server).",
            parameters={"type": "object", "properties": {"query": {"type": "string"}}},
        )

    def pending(self, arguments: str) -> FileSearchCall:
        try:
            query = json.loads(arguments).get("query")
        except (ValueError, AttributeError):
            query = None
        return FileSearchCall(query=query if isinstance(query, str) else "")

    async def run(self, arguments: str, ctx: RunContext[Any]) -> HostedResult:
        message = f"File search is not available: it needs {self.missing}."
        _log.warning("a run called file_search, which is not available", needs=self.missing)
        error = ToolExecutionError(message, tool_name="file_search", model_text=message)
        return HostedResult(message, self.pending(arguments), error=error)
