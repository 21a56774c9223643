"""File search: files in, ranked chunks out, on an embedded index.

- `Ingestor` extracts a file's text (text, Markdown, code, HTML, JSON, PDF, DOCX, PPTX),
  cuts it into token chunks (`ChunkingStrategy`), embeds them when an `EmbeddingsClient`
  is given, and writes them into a `SearchIndex`; it reports status, ``usage_bytes`` and
  ``last_error`` as a vector store file does.
- `SqliteIndex` is the embedded index: one SQLite file per vector store, FTS5/BM25 always,
  vectors (sqlite-vec, or a streaming NumPy scan) when the files were embedded.
- `search` answers a `SearchRequest` (query, ``filters``, ``max_num_results``,
  ``ranking_options``), fusing full-text and vector results when both exist.
- `VectorStores` is the vector store API (``client.vector_stores``) for library use: records
  in the run store, one index per vector store, files ingested in the background.
- `FileSearch` is the ``file_search`` tool: results under citation markers, which become
  ``file_citation`` annotations in the answer.

Needs the ``file-search`` extra: ``pip install 'agentkit[file-search]'``.
"""

from agentkit.file_search.chunking import ChunkingStrategy
from agentkit.file_search.embeddings import EmbeddingsClient
from agentkit.file_search.errors import (
    FileDeletedError,
    FileSearchError,
    IndexDeletedError,
    IndexMissingError,
    IngestError,
    VectorStoreExpiredError,
)
from agentkit.file_search.index import (
    Chunk,
    FileStats,
    IndexedFile,
    Scored,
    SearchHit,
    SearchIndex,
    VectorSpace,
)
from agentkit.file_search.ingestion import Ingestor, IngestResult, LastError
from agentkit.file_search.ranking import RankingOptions
from agentkit.file_search.search import Retrieval, SearchRequest, search
from agentkit.file_search.sqlite_driver import SqliteDriver, default_driver, stdlib_driver
from agentkit.file_search.sqlite_index import SqliteIndex
from agentkit.file_search.tokens import MAX_FILE_TOKENS, Tokenizer
from agentkit.file_search.tool import FileSearch
from agentkit.file_search.vector_stores import VectorStores

__all__ = [
    "MAX_FILE_TOKENS",
    "Chunk",
    "ChunkingStrategy",
    "EmbeddingsClient",
    "FileDeletedError",
    "FileSearch",
    "FileSearchError",
    "FileStats",
    "IndexDeletedError",
    "IndexMissingError",
    "IndexedFile",
    "IngestError",
    "IngestResult",
    "Ingestor",
    "LastError",
    "RankingOptions",
    "Retrieval",
    "Scored",
    "SearchHit",
    "SearchIndex",
    "SearchRequest",
    "SqliteDriver",
    "SqliteIndex",
    "Tokenizer",
    "VectorSpace",
    "VectorStoreExpiredError",
    "VectorStores",
    "default_driver",
    "search",
    "stdlib_driver",
]
