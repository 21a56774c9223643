"""`FileBatches`: files added to a vector store together (``client.vector_stores.file_batches``).

A batch's ``file_counts`` and final status come from its files: ``in_progress`` while any
is, then ``completed`` (``failed`` if every file failed), or ``cancelled`` once cancelled
(the files still in progress end ``cancelled``; the finished ones stay).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from agentkit.exceptions import UserError
from agentkit.file_search.attributes import AttributeValue, validate_attributes
from agentkit.file_search.chunking import ChunkingStrategy
from agentkit.file_search.errors import IndexDeletedError
from agentkit.file_search.vector_store_context import VectorStoreContext
from agentkit.stores.base import ListOrder
from agentkit.stores.vector_store_records import (
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileStatus,
)

__all__ = ["FileBatches"]

MAX_BATCH_FILES = 2000
_Planned = tuple[str, dict[str, AttributeValue], ChunkingStrategy]


class FileBatches:
    """The file batches of a project's vector stores (reached as `VectorStores.file_batches`)."""

    def __init__(self, context: VectorStoreContext) -> None:
        self._context = context

    async def create(
        self,
        vector_store_id: str,
        file_ids: Sequence[str] = (),
        *,
        files: Sequence[Mapping[str, Any]] = (),
        attributes: Mapping[str, AttributeValue] | None = None,
        chunking_strategy: Mapping[str, Any] | None = None,
    ) -> VectorStoreFileBatch:
        """Add files to a vector store together; each is ingested in the background.

        Give ``file_ids`` (with the same ``attributes`` and ``chunking_strategy`` for
        all), or ``files``: ``{"file_id", "attributes", "chunking_strategy"}`` each.
        Everything is checked before anything is recorded.

        Raises:
            NotFoundError: no such vector store, or one of the files does not exist.
            UserError: both or neither of ``file_ids`` and ``files``, more than 2,000 files,
                or invalid attributes or chunking.
        """
        context = self._context
        store = await context.records.get_vector_store(vector_store_id)
        planned = await self._plan(file_ids, files, attributes, chunking_strategy)
        batch = VectorStoreFileBatch(vector_store_id=vector_store_id)
        await context.records.save_file_batch(batch)
        for file_id, checked, strategy in planned:
            await context.add(
                vector_store_id,
                file_id,
                attributes=checked,
                chunking_strategy=strategy,
                batch_id=batch.id,
            )
        await context.touch(store)
        return await self._present(batch)

    async def get(self, vector_store_id: str, batch_id: str) -> VectorStoreFileBatch:
        """The batch, with its files counted (`NotFoundError` if there is none)."""
        batch = await self._context.records.get_file_batch(vector_store_id, batch_id)
        return await self._present(batch)

    async def wait(self, vector_store_id: str, batch_id: str) -> VectorStoreFileBatch:
        """The batch once its files' ingestion in this process has ended."""
        for file in await self.list_files(vector_store_id, batch_id, status="in_progress"):
            await self._context.queue.wait(vector_store_id, file.id)
        return await self.get(vector_store_id, batch_id)

    async def cancel(self, vector_store_id: str, batch_id: str) -> VectorStoreFileBatch:
        """Stop the batch: files still in progress end ``cancelled`` and leave the index."""
        context = self._context
        batch = await context.records.get_file_batch(vector_store_id, batch_id)
        batch = batch.model_copy(update={"status": "cancelled"})
        await context.records.save_file_batch(batch)
        for file in await self.list_files(vector_store_id, batch_id, status="in_progress"):
            await self._cancel_file(file)
        return await self._present(batch)

    async def list_files(
        self,
        vector_store_id: str,
        batch_id: str,
        *,
        status: VectorStoreFileStatus | None = None,
        order: ListOrder = "desc",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[VectorStoreFile]:
        """The batch's files (`NotFoundError` if there is no such batch)."""
        records = self._context.records
        await records.get_file_batch(vector_store_id, batch_id)
        return await records.list_vector_store_files(
            vector_store_id,
            batch_id=batch_id,
            status=status,
            order=order,
            after=after,
            before=before,
            limit=limit,
        )

    async def _cancel_file(self, file: VectorStoreFile) -> None:
        context = self._context
        cancelled = file.model_copy(update={"status": "cancelled"})
        if not await context.records.update_vector_store_file(
            cancelled, expected_status="in_progress"
        ):
            return  # it finished (or went) first
        await context.queue.cancel(file.vector_store_id, file.id)
        try:
            index = await context.pool.index(file.vector_store_id)
        except IndexDeletedError:
            return
        await index.delete_file(file.id)

    async def _present(self, batch: VectorStoreFileBatch) -> VectorStoreFileBatch:
        totals = await self._context.records.file_totals(batch.vector_store_id, batch_id=batch.id)
        counts = totals.counts
        status = batch.status
        if status != "cancelled":
            status = "completed"
            if counts.in_progress:
                status = "in_progress"
            elif counts.total and counts.failed == counts.total:
                status = "failed"
        return batch.model_copy(update={"status": status, "file_counts": counts})

    async def _plan(
        self,
        file_ids: Sequence[str],
        files: Sequence[Mapping[str, Any]],
        attributes: Mapping[str, AttributeValue] | None,
        chunking_strategy: Mapping[str, Any] | None,
    ) -> builtins.list[_Planned]:
        if bool(file_ids) == bool(files):
            raise UserError("Give either file_ids or files (one of them, not both).")
        entries: builtins.list[Mapping[str, Any]] = (
            [
                {"file_id": i, "attributes": attributes, "chunking_strategy": chunking_strategy}
                for i in file_ids
            ]
            if file_ids
            else list(files)
        )
        if len(entries) > MAX_BATCH_FILES:
            raise UserError(f"A batch holds at most {MAX_BATCH_FILES} files, not {len(entries)}.")
        planned: builtins.list[_Planned] = []
        for number, entry in enumerate(entries):
            file_id = entry.get("file_id")
            if not isinstance(file_id, str) or not file_id:
                raise UserError(f"files[{number}].file_id must be a file id.")
            await self._context.files.get(file_id)
            strategy = ChunkingStrategy.parse(entry.get("chunking_strategy"))
            planned.append((file_id, validate_attributes(entry.get("attributes")), strategy))
        return planned
