"""File search in a library agent: a vector store of a small handbook, and a cited answer.

`VectorStores` is the Assistants API's vector store API in the library: its records go in the
run store, each store's chunks in an SQLite index beside the database, and files are ingested
in the background. `FileSearch` is the ``file_search`` tool over it: the model sees a function
``file_search(query)``, the results come back under citation markers (``【0:0†refunds.md】``),
and the markers the answer copies become ``file_citation`` annotations, which
`RunResult.citations` joins with the chunks they cite.

With no embeddings client the search is full text (BM25); pass
``VectorStores(files, embeddings=EmbeddingsClient("text-embedding-3-small", client=...))`` for
hybrid search. A scripted model stands in so that this runs offline; give the agent a real
model (say ``ResponsesModel("gpt-5.1")``) and it searches and cites by itself.

Run it: ``python examples/file_search_handbook.py``.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from typing import Any

from agentkit import Agent, Runner
from agentkit.file_search import FileSearch, VectorStores
from agentkit.files import Files
from agentkit.models.function import FunctionInfo
from agentkit.models.request import ModelRequest
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionModel, call_tool, text

HANDBOOK = {
    "refunds.md": b"# Refunds\n\nItems can be returned within 30 days for a full refund.\n",
    "shipping.html": b"<html><body><h1>Shipping</h1><p>Parcels leave the warehouse within "
    b"2 business days and reach any address in Europe within 5.</p></body></html>",
    "warranty.json": b'{"warranty": {"years": 2, "covers": "manufacturing defects"}}',
}


def support_agent(request: ModelRequest, info: FunctionInfo) -> Any:
    """What a model would do: search first, then answer citing the passage it used."""
    if info.turn == 1:
        return call_tool("file_search", {"query": "how long is the refund window"})
    found = str(request.items[-1].output)  # type: ignore[union-attr]
    first_marker = re.search(r"【[^】]*】", found)
    cite = first_marker.group(0) if first_marker else ""
    return text(f"You can return an item within 30 days for a full refund{cite}.")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with SQLiteStore(Path(folder) / "agentkit.db") as store:
            files = Files(store)  # bytes in agentkit.db.files/
            stores = VectorStores(files)  # indexes in agentkit.db.vector_stores/
            try:
                ids = [(await files.add(data, filename=n)).id for n, data in HANDBOOK.items()]
                handbook = await stores.create(name="handbook", file_ids=ids)
                await stores.wait(handbook.id)  # ingestion runs in the background
                ready = await stores.get(handbook.id)
                print("store:", ready.status, ready.file_counts.completed, "files")

                for hit in await stores.search(handbook.id, "parcel delivery to Europe"):
                    print(f"  {hit.filename}: {hit.score:.2f} {' '.join(hit.text.split())[:48]!r}")

                search = FileSearch(vector_stores=stores, vector_store_ids=[handbook.id])
                agent = Agent(name="Support", model=FunctionModel(support_agent), tools=[search])
                result = await Runner(store).run(agent, "Can I still return my order?")
            finally:
                await stores.aclose()

            print("answer:", result.output_text)
            for citation in result.citations:
                print(f"  {citation.text} -> {citation.filename}, chunk {citation.chunk_index}:")
                print(f"    {citation.quote.strip()!r}")


if __name__ == "__main__":
    asyncio.run(main())
