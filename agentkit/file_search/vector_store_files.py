"""`VectorStoreFiles`: files in vector stores (``client.vector_stores.files`` in the SDK).

Adding a file records it ``in_progress`` and ingests it in the background; its record
then says ``completed`` (with ``usage_bytes``) or ``failed`` (with ``last_error``).
Removing it stops its ingestion and deletes its chunks; the file stays in the Files API.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Mapping
from typing import Any

from agentkit.exceptions import NotFoundError
from agentkit.file_search.attributes import AttributeValue, validate_attributes
from agentkit.file_search.chunking import ChunkingStrategy
from agentkit.file_search.errors import IndexDeletedError
from agentkit.file_search.extraction import extract_text
from agentkit.file_search.vector_store_context import VectorStoreContext
from agentkit.stores.base import ListOrder
from agentkit.stores.vector_store_records import VectorStoreFile, VectorStoreFileStatus

__all__ = ["VectorStoreFiles"]


class VectorStoreFiles:
    """The files of a project's vector stores (reached as `VectorStores.files`)."""

    def __init__(self, context: VectorStoreContext) -> None:
        self._context = context

    async def add(
        self,
        vector_store_id: str,
        file_id: str,
        *,
        attributes: Mapping[str, AttributeValue] | None = None,
        chunking_strategy: ChunkingStrategy | Mapping[str, Any] | None = None,
    ) -> VectorStoreFile:
        """Add a file (from the Files API) to a vector store; it is ingested in the background.

        Adding a file already there ingests it again (with the new attributes and
        chunking). `wait` waits for the ingestion.

        Raises:
            NotFoundError: no such vector store, or no such file.
            UserError: invalid ``attributes`` or ``chunking_strategy``.
        """
        context = self._context
        store = await context.records.get_vector_store(vector_store_id)
        added = await context.add(
            vector_store_id, file_id, attributes=attributes, chunking_strategy=chunking_strategy
        )
        await context.touch(store)
        return added

    async def get(self, vector_store_id: str, file_id: str) -> VectorStoreFile:
        """The file's record in the vector store (`NotFoundError` if it is not there)."""
        return await self._context.records.get_vector_store_file(vector_store_id, file_id)

    async def list(
        self,
        vector_store_id: str,
        *,
        status: VectorStoreFileStatus | None = None,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[VectorStoreFile]:
        """The vector store's files (newest first by default), optionally of one status."""
        return await self._context.records.list_vector_store_files(
            vector_store_id, status=status, order=order, after=after, before=before, limit=limit
        )

    async def wait(self, vector_store_id: str, file_id: str) -> VectorStoreFile:
        """The file's record once its ingestion in this process has ended."""
        await self._context.queue.wait(vector_store_id, file_id)
        return await self.get(vector_store_id, file_id)

    async def update(
        self, vector_store_id: str, file_id: str, *, attributes: Mapping[str, AttributeValue]
    ) -> VectorStoreFile:
        """Replace the file's attributes (what search ``filters`` see).

        Raises:
            NotFoundError: the file is not in the vector store.
            UserError: invalid attributes.
        """
        checked = validate_attributes(attributes)
        records = self._context.records
        current = await records.get_vector_store_file(vector_store_id, file_id)
        updated = current.model_copy(update={"attributes": checked})
        if not await records.update_vector_store_file(updated):
            raise NotFoundError(
                f"No file found with id {file_id!r} in vector store {vector_store_id!r}."
            )
        index = await self._context.pool.index(vector_store_id)
        await index.set_attributes(file_id, checked)
        return updated

    async def delete(self, vector_store_id: str, file_id: str) -> None:
        """Remove the file from the vector store: its record, its ingestion, its chunks.

        Raises:
            NotFoundError: the file is not in the vector store.
        """
        context = self._context
        await context.records.delete_vector_store_file(vector_store_id, file_id)
        await context.queue.cancel(vector_store_id, file_id)
        try:
            index = await context.pool.index(vector_store_id)
        except IndexDeletedError:
            return
        await index.delete_file(file_id)

    async def forget(self, file_id: str) -> int:
        """Remove a file from every vector store of the project (it is being deleted).

        Returns:
            How many vector stores held it.
        """
        held = await self._context.records.list_vector_store_files(None, file_id=file_id)
        for record in held:
            try:
                await self.delete(record.vector_store_id, file_id)
            except NotFoundError:
                continue  # removed meanwhile
        return len(held)

    async def content(self, vector_store_id: str, file_id: str) -> builtins.list[str]:
        """The file's text as file search read it, in pieces (a page, a block of text...).

        Raises:
            NotFoundError: the file is not in the vector store, or no longer in the Files API.
            IngestError: its text cannot be read (the reason its ingestion failed).
        """
        context = self._context
        await context.records.get_vector_store_file(vector_store_id, file_id)
        meta = await context.files.get(file_id)
        path = await context.files.local_path(file_id)

        if not await asyncio.to_thread(path.is_file):
            raise NotFoundError(f"The content of file {file_id!r} is missing.")

        def read() -> builtins.list[str]:
            return [piece for piece in extract_text(meta.filename, path) if piece]

        return await asyncio.to_thread(read)
