"""Files: bytes on disk in one directory, metadata in a `FileStore` (the run store).

`Files` adds, reads, lists and deletes files without the server; `agentkit serve`'s Files API
and the code interpreter use the same code. No name a file was given ever becomes a path:
bytes are stored under the file's id, which agentkit generates.
"""

from agentkit.files.store import Files
from agentkit.files.upload import Upload

__all__ = ["Files", "Upload"]
