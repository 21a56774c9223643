"""Host-side access to a session's data directory that code in the sandbox cannot redirect.

The kernel owns ``/mnt/data`` and may fill it with symlinks, FIFOs or directories swapped
under the host's feet. A symlink made inside the sandbox resolves against the host's root
when the host (root) follows it, so every host access here goes through directory file
descriptors with ``O_NOFOLLOW`` on each component, and reads only regular files.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from agentkit.exceptions import UserError

__all__ = ["Signature", "open_beneath", "read_beneath", "sandbox_filename", "scan"]

Signature = tuple[int, int, int]
"""``(inode, size, mtime_ns)``: a file counts as changed when this differs."""

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_MAX_NAME_BYTES = 200


def sandbox_filename(name: str) -> str:
    r"""The name an input file gets under ``/mnt/data``: its last path component, cleaned.

    Directory parts (``/`` or ``\``), control characters and leading dots are dropped and
    the name is cut to 200 bytes keeping its extension, so no name can leave the directory.

    Raises:
        UserError: nothing usable is left (``..``, ``/``, an empty name).
    """
    last = re.split(r"[/\\]", name)[-1]
    cleaned = "".join(ch for ch in last if ch.isprintable()).strip().lstrip(".").strip()
    if not cleaned:
        raise UserError(f"input file name {name!r} has no usable characters for /mnt/data")
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or len(extension.encode()) > 20:
        stem, dot, extension = cleaned, "", ""
    while len((stem + dot + extension).encode()) > _MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + dot + extension


def open_beneath(root: Path, relative: str) -> int:
    """Open the regular file ``relative`` under ``root`` without following any symlink.

    Raises:
        OSError: a component is a symlink (``ELOOP``), missing, or the file is not regular.
    """
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise OSError(f"not a plain relative path: {relative!r}")
    directory = os.open(root, _DIR_FLAGS)
    try:
        for part in parts[:-1]:
            inner = os.open(part, _DIR_FLAGS, dir_fd=directory)
            os.close(directory)
            directory = inner
        fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=directory)
    finally:
        os.close(directory)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"not a regular file: {relative!r}")
    return fd


def read_beneath(root: Path, relative: str, limit: int) -> bytes:
    """Read at most ``limit`` bytes of ``relative`` under ``root`` (see `open_beneath`)."""
    fd = open_beneath(root, relative)
    with os.fdopen(fd, "rb") as file:
        return file.read(limit)


def scan(root: Path, limit: int) -> dict[str, Signature]:
    """Regular files under ``root`` (at most ``limit`` entries looked at), by relative path."""
    found: dict[str, Signature] = {}
    budget = [limit]
    directory = os.open(root, _DIR_FLAGS)
    try:
        for relative, info in _walk(directory, "", budget):
            found[relative] = (info.st_ino, info.st_size, info.st_mtime_ns)
    finally:
        os.close(directory)
    return found


def _walk(directory: int, prefix: str, budget: list[int]) -> Iterator[tuple[str, os.stat_result]]:
    with os.scandir(directory) as entries:
        some = itertools.islice(entries, max(budget[0], 0))
        listed = [(entry.name, entry.stat(follow_symlinks=False)) for entry in some]
    for name, info in sorted(listed):
        if budget[0] <= 0:
            return
        budget[0] -= 1
        if stat.S_ISREG(info.st_mode):
            yield prefix + name, info
        elif stat.S_ISDIR(info.st_mode):
            try:
                inner = os.open(name, _DIR_FLAGS, dir_fd=directory)
            except OSError:
                continue  # swapped for a symlink, or removed, since it was listed
            try:
                yield from _walk(inner, f"{prefix}{name}/", budget)
            finally:
                os.close(inner)
