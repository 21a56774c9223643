"""Errors of file search, and the API's ``last_error`` they turn into.

The tree (all under `agentkit.exceptions.AgentkitError`)::

    FileSearchError                 root of this package's errors
    ├── IngestError                 one file could not be indexed; ``code`` is the API's
    │                               ``last_error.code``: ``invalid_file``, ``unsupported_file``
    │                               or ``server_error``
    ├── FileDeletedError            the file was removed from the index while it was ingested
    ├── IndexDeletedError           the index was dropped (its vector store deleted)
    ├── IndexMissingError           a vector store with ingested files has no index in this
    │                               process's folder (made on another machine, or removed)
    └── VectorStoreExpiredError     the vector store expired (``expires_after``); also a
                                    `UserError`: using it is the caller's mistake

Misuse (a bad ``chunking_strategy``, ``filters`` or ``max_num_results``) is a
`agentkit.exceptions.UserError` naming the parameter, raised before any work starts.
"""

from __future__ import annotations

from typing import Literal

from agentkit.exceptions import AgentkitError, UserError

__all__ = [
    "FileDeletedError",
    "FileSearchError",
    "IndexDeletedError",
    "IndexMissingError",
    "IngestError",
    "LastErrorCode",
    "VectorStoreExpiredError",
]

LastErrorCode = Literal["server_error", "unsupported_file", "invalid_file"]


class FileSearchError(AgentkitError):
    """Root of the errors raised by `agentkit.file_search`."""


class IngestError(FileSearchError):
    """A file could not be turned into searchable chunks.

    Attributes:
        code: the vector store file's ``last_error.code`` (``invalid_file``,
            ``unsupported_file`` or ``server_error``).
    """

    def __init__(self, message: str, *, code: LastErrorCode = "invalid_file") -> None:
        super().__init__(message)
        self.code: LastErrorCode = code


class FileDeletedError(FileSearchError):
    """The file was deleted from the index while it was being ingested; nothing was kept."""


class IndexDeletedError(FileSearchError):
    """The index no longer exists: its vector store was deleted."""


class IndexMissingError(FileSearchError):
    """A vector store's files were ingested, but this process's folder has no index of it.

    The indexes are files of one machine: a vector store ingested by a process on another
    machine (sharing a Postgres store), or whose index folder was removed, cannot be searched
    here. Searching never creates an empty index in its place.
    """


class VectorStoreExpiredError(FileSearchError, UserError):
    """The vector store expired: it was not used for its ``expires_after.days``."""
