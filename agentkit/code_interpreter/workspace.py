"""A session's directories on the host, its input files, and what its code wrote.

Layout (``<root>`` is the pool's directory; only root, or the host user, can list it)::

    <root>/<session hash>/          0711, the host's
        data/                       0700, the sandbox user's: /mnt/data inside
        runtime/                    0700, the sandbox user's: connection file and ZMQ sockets
        sockets/                    0700, the host's: hard links to the kernel's sockets, which
                                    the host connects to (the kernel cannot redirect them)
        incoming/                   0700, the host's: input files are written here, then
                                    renamed into data/ (a rename never follows a symlink the
                                    code may have planted under that name)
        passwd, group               the sandbox's /etc/passwd and /etc/group
        kernel.log                  the kernel process's own stdout/stderr (startup errors)
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from agentkit.code_interpreter.files import Signature, read_beneath, sandbox_filename, scan
from agentkit.code_interpreter.identity import SandboxUser
from agentkit.code_interpreter.results import Image, OutputFile
from agentkit.exceptions import UserError

__all__ = ["Workspace"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Workspace:
    """One session's directories. Create with `Workspace.create`, end with `remove`."""

    def __init__(self, root: Path, user: SandboxUser) -> None:
        self.root = root
        self.user = user
        self.data = root / "data"
        self.runtime = root / "runtime"
        self.kernel_log = root / "kernel.log"
        self.sockets = root / "sockets"
        self._incoming = root / "incoming"
        self._baseline: dict[str, Signature] = {}

    @classmethod
    def create(cls, parent: Path, session_id: str, user: SandboxUser) -> Workspace:
        """Make the directories for ``session_id`` under ``parent`` (the session's own uid)."""
        digest = hashlib.sha256(session_id.encode()).hexdigest()[:16]
        workspace = cls(parent / digest, user)
        shutil.rmtree(workspace.root, ignore_errors=True)  # left by a session that failed to end
        workspace.root.mkdir(mode=0o711)
        workspace.root.chmod(0o711)
        workspace._incoming.mkdir(mode=0o700)
        workspace.sockets.mkdir(mode=0o700)
        for directory in (workspace.data, workspace.runtime):
            directory.mkdir(mode=0o700)
            workspace._give(directory)
        (workspace.root / "passwd").write_text(
            f"sandbox:x:{user.uid}:{user.gid}:sandbox:/tmp:/usr/sbin/nologin\n"
        )
        (workspace.root / "group").write_text(f"sandbox:x:{user.gid}:\n")
        for name in ("passwd", "group"):
            (workspace.root / name).chmod(0o644)  # whatever the umask: the sandbox reads them
        return workspace

    def _give(self, path: Path) -> None:
        if not self.user.shared:
            os.chown(path, self.user.uid, self.user.gid, follow_symlinks=False)

    def add_file(self, name: str, content: bytes) -> str:
        """Put ``content`` at ``/mnt/data/<clean name>``, replacing a file of that name.

        Returns:
            The name it got (see `sandbox_filename`).
        """
        clean = sandbox_filename(name)
        staged = self._incoming / clean
        staged.write_bytes(content)
        staged.chmod(0o644)
        self._give(staged)
        return self._move_in(staged, clean)

    def add_path(self, source: Path, name: str | None = None) -> str:
        """Copy the host file ``source`` in, named ``name`` or its own name."""
        clean = sandbox_filename(name or source.name)
        staged = self._incoming / clean
        shutil.copyfile(source, staged)
        staged.chmod(0o644)
        self._give(staged)
        return self._move_in(staged, clean)

    def _move_in(self, staged: Path, clean: str) -> str:
        target = self.data / clean
        if target.is_dir() and not target.is_symlink():
            staged.unlink()
            raise UserError(f"cannot add input file {clean!r}: /mnt/data/{clean} is a directory")
        os.replace(staged, target)
        info = target.lstat()
        self._baseline[clean] = (info.st_ino, info.st_size, info.st_mtime_ns)
        return clean

    def changes(
        self, *, limit: int, max_images: int, image_bytes: int
    ) -> tuple[tuple[Image, ...], tuple[OutputFile, ...]]:
        """PNG images and other files created or modified since the baseline, which moves on."""
        current = scan(self.data, limit)
        changed = [name for name, sig in current.items() if self._baseline.get(name) != sig]
        self._baseline = current
        images: list[Image] = []
        files: list[OutputFile] = []
        for name in changed:
            size = current[name][1]
            head = self._read(name, len(_PNG_SIGNATURE))
            if head == _PNG_SIGNATURE and size <= image_bytes and len(images) < max_images:
                png = self._read(name, image_bytes)
                if png is not None:
                    images.append(Image(png=png, name=name))
                    continue
            if head is not None:
                files.append(OutputFile(name=name, size=size, data_dir=self.data))
        return tuple(images), tuple(files)

    def _read(self, name: str, limit: int) -> bytes | None:
        try:
            return read_beneath(self.data, name, limit)
        except OSError:
            return None  # gone or replaced by something that is not a regular file

    def clear_runtime(self) -> None:
        """Remove a previous kernel's connection file and sockets."""
        for directory in (self.runtime, self.sockets):
            for entry in os.scandir(directory):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)

    def remove(self) -> None:
        """Delete the session's directories and everything its code wrote."""
        shutil.rmtree(self.root, ignore_errors=True)
