"""A private PostgreSQL cluster for the tests: initdb in a temp dir, a free port, gone after.

`PostgresCluster` runs Debian's server binaries as the ``postgres`` user (``initdb`` refuses
root) in a directory that user owns, listening on 127.0.0.1 only, with ``fsync=off``: test
data need not survive a power cut, and it makes every commit cheap. Set
``AGENTKIT_TEST_PG_URL`` to use a server of your own instead (each test database is created
on it and dropped after).

A session that is killed (SIGTERM or SIGKILL skip its finalizers) cannot stop its cluster, so
each cluster's directory names the process that started it, and the next `start` stops the
clusters whose process is gone (`stop_orphaned_clusters`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

__all__ = [
    "PostgresCluster",
    "find_server_binaries",
    "stop_orphaned_clusters",
    "unavailable_reason",
]

_PREFIX = "agentkit-pg-"
_OWNER = "owner.pid"


def find_server_binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` with ``initdb`` and ``pg_ctl``, if any."""
    root = Path("/usr/lib/postgresql")
    if not root.is_dir():
        return None
    versions = sorted(
        (p for p in root.iterdir() if p.name.isdigit() and (p / "bin" / "initdb").exists()),
        key=lambda p: int(p.name),
    )
    return versions[-1] / "bin" if versions else None


def unavailable_reason() -> str | None:
    """Why no private cluster can be started here (None: it can)."""
    if os.environ.get("AGENTKIT_TEST_PG_URL"):
        return None
    if find_server_binaries() is None:
        return "PostgreSQL server binaries not found (apt-get install postgresql)"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "starting a private PostgreSQL cluster needs root (to run it as 'postgres')"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_orphaned_clusters() -> list[Path]:
    """Stop and remove the private clusters whose starting process has died; their paths."""
    binaries = find_server_binaries()
    stopped = []
    for directory in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        try:
            owner = int((directory / _OWNER).read_text())
        except (OSError, ValueError):
            continue  # being created, or not one of ours
        if _alive(owner):
            continue
        if binaries is not None and (directory / "data" / "postmaster.pid").exists():
            pg_ctl = [str(binaries / "pg_ctl"), "-D", str(directory / "data"), "-m", "immediate"]
            subprocess.run(
                ["runuser", "-u", "postgres", "--", *pg_ctl, "-w", "stop"],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(directory, ignore_errors=True)
        stopped.append(directory)
    return stopped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class PostgresCluster:
    """A PostgreSQL server for one test session; `start`, `new_database`, `stop`.

    ``settings`` are more server settings (``-c name=value``), e.g. a library to preload.
    """

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self._settings = settings or {}
        self._external = os.environ.get("AGENTKIT_TEST_PG_URL")
        self._dir: Path | None = None
        self._bin: Path | None = None
        self._databases = 0
        self.admin_url = self._external or ""

    def start(self) -> None:
        """Start the cluster (nothing to do for an external server)."""
        if self._external:
            return
        stop_orphaned_clusters()
        self._bin = find_server_binaries()
        assert self._bin is not None
        self._dir = Path(tempfile.mkdtemp(prefix=_PREFIX))
        (self._dir / _OWNER).write_text(str(os.getpid()))
        shutil.chown(self._dir, "postgres", "postgres")
        data = self._dir / "data"
        self._as_postgres("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        port = _free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {self._dir} -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        options += "".join(f" -c {name}={value}" for name, value in self._settings.items())
        self._as_postgres(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(self._dir / "server.log"),
            "-w",
            "-o",
            options,
            "start",
        )
        self.admin_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def new_database(self, prefix: str = "agentkit") -> str:
        """Create an empty database; its URL."""
        self._databases += 1
        name = f"{prefix}_{os.getpid()}_{self._databases}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def postmaster_pid(self) -> int | None:
        """The server's main process (None for an external server)."""
        if self._dir is None:
            return None
        return int((self._dir / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        """Stop the server and remove its directory (an external server is left alone)."""
        if self._dir is None or self._bin is None:
            return
        with contextlib.suppress(subprocess.CalledProcessError):
            self._as_postgres(
                "pg_ctl", "-D", str(self._dir / "data"), "-m", "immediate", "-w", "stop"
            )
        shutil.rmtree(self._dir, ignore_errors=True)
        self._dir = None

    def _as_postgres(self, program: str, *args: str) -> None:
        assert self._bin is not None
        command = ["runuser", "-u", "postgres", "--", str(self._bin / program), *args]
        subprocess.run(command, check=True, capture_output=True, cwd=self._dir)
