"""Code trying to get out of the sandbox: each attempt fails safely, and the pool goes on.

The probes are shown to work by `test_unsandboxed_probes_do_see_the_host`, which runs them
without the sandbox (so a probe that could never succeed would not pass as a sandbox test).
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from agentkit.code_interpreter import FailureKind, KernelPool
from agentkit.code_interpreter.identity import count_processes
from agentkit.code_interpreter.launcher import stream_budget

from .conftest import HOST_SECRET, still_works

pytestmark = pytest.mark.asyncio(loop_scope="package")

SECRET = f"sk-escape-{secrets.token_hex(8)}"
HOST_HAS_SHADOW = Path("/etc/shadow").exists()


@dataclass
class HostSecrets:
    """A SQLite database and a key file outside /tmp and home directories, readable by all."""

    database: Path
    key_file: Path


@pytest.fixture(scope="module")
def host_secrets() -> Iterator[HostSecrets]:
    # /var/lib, not /tmp or a home: the sandbox replaces /tmp and has no homes, so a file
    # there would be unreadable for the wrong reason. World-readable: only the mount
    # allowlist may keep the kernel out.
    directory = Path("/var/lib") / f"agentkit-escape-{secrets.token_hex(4)}"
    directory.mkdir(mode=0o755)
    database, key_file = directory / "store.db", directory / "api.key"
    with sqlite3.connect(database) as connection:
        connection.execute("create table keys (value text)")
        connection.execute("insert into keys values (?)", (SECRET,))
    connection.close()
    key_file.write_text(SECRET)
    for path in (database, key_file):
        path.chmod(0o644)
    yield HostSecrets(database, key_file)
    shutil.rmtree(directory)


@pytest.fixture(scope="module")
def secret_holder() -> Iterator[int]:
    """A host process with an API key in its environment (as a server would have)."""
    holder = subprocess.Popen(["sleep", "600"], env={"OPENAI_API_KEY": SECRET})
    yield holder.pid
    holder.kill()
    holder.wait()


@pytest_asyncio.fixture(loop_scope="package", scope="module")
async def host_server() -> AsyncIterator[tuple[int, list[str]]]:
    """A TCP server on the host's 127.0.0.1; yields its port and the peers that connected."""
    peers: list[str] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peers.append(str(writer.get_extra_info("peername")))
        writer.close()

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1], peers
    server.close()
    await server.wait_closed()


def connect_probe(port: int) -> str:
    return f"""
import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=5).close()
    print("CONNECTED")
except OSError as error:
    print("BLOCKED", type(error).__name__)
"""


def read_probe(*paths: Path | str) -> str:
    return f"""
for path in {[str(path) for path in paths]!r}:
    try:
        with open(path, "rb") as file:
            print("READ", path, file.read())
    except OSError as error:
        print("BLOCKED", path, type(error).__name__)
"""


ENVIRONMENT_PROBE = f"""
import glob, os
secrets = ("{SECRET}", "{HOST_SECRET}")
found = [name for name, value in os.environ.items() if any(s in value for s in secrets)]
for path in glob.glob("/proc/*/environ"):
    try:
        environ = open(path, "rb").read()
    except OSError:
        continue
    if any(s.encode() in environ for s in secrets):
        found.append(path)
print("FOUND", found)
"""


async def test_a_server_on_the_hosts_loopback_is_unreachable(
    pool: KernelPool, witness: str, host_server: tuple[int, list[str]]
) -> None:
    port, peers = host_server

    result = await pool.execute(witness, connect_probe(port))

    assert result.logs == "BLOCKED ConnectionRefusedError\n"
    assert peers == []
    await still_works(pool, witness)


async def test_the_only_network_interface_is_loopback(pool: KernelPool, witness: str) -> None:
    result = await pool.execute(witness, "import socket\nprint(socket.if_nameindex())")

    assert result.logs == "[(1, 'lo')]\n"


async def test_etc_shadow_is_not_there(pool: KernelPool, witness: str) -> None:
    assert HOST_HAS_SHADOW

    result = await pool.execute(witness, read_probe("/etc/shadow", "/etc/passwd"))

    lines = result.logs.splitlines()
    assert lines[0] == "BLOCKED /etc/shadow FileNotFoundError"
    assert lines[1].startswith("READ /etc/passwd b'sandbox:x:")  # the sandbox's own, one line
    assert "root:" not in result.logs
    await still_works(pool, witness)


async def test_the_hosts_database_and_key_files_are_not_there(
    pool: KernelPool, witness: str, host_secrets: HostSecrets
) -> None:
    result = await pool.execute(
        witness, read_probe(host_secrets.database, host_secrets.key_file, "/var/lib")
    )

    assert result.logs.splitlines() == [
        f"BLOCKED {host_secrets.database} FileNotFoundError",
        f"BLOCKED {host_secrets.key_file} FileNotFoundError",
        "BLOCKED /var/lib FileNotFoundError",
    ]
    assert SECRET not in result.logs


async def test_api_keys_in_the_hosts_environment_are_invisible(
    pool: KernelPool, witness: str, secret_holder: int
) -> None:
    # The pool's kernels started with HOST_SECRET in this process's environment, and
    # secret_holder is a host process with SECRET in its own.
    assert os.environ["OPENAI_API_KEY"] == HOST_SECRET

    result = await pool.execute(witness, ENVIRONMENT_PROBE)

    assert result.logs == "FOUND []\n"


async def test_writes_outside_mnt_data_fail(pool: KernelPool, witness: str) -> None:
    marker = f"escape-{secrets.token_hex(4)}"
    targets = ["/etc", "/usr", "/usr/local/bin", "/", "/mnt", "/dev", "/opt", "/proc", "/var"]
    code = f"""
for directory in {targets!r}:
    try:
        open(directory + "/{marker}", "w").write("x")
        print("WROTE", directory)
    except OSError as error:
        print("BLOCKED", directory, type(error).__name__)
open("/tmp/{marker}", "w").write("private")
print(open("/tmp/{marker}").read())
"""
    result = await pool.execute(witness, code)

    lines = result.logs.splitlines()
    assert not [line for line in lines if line.startswith("WROTE")], result.logs
    assert len(lines) == len(targets) + 1 and lines[-1] == "private"
    for directory in [*targets, "/tmp"]:
        assert not (Path(directory) / marker).exists()  # /tmp inside is the kernel's own


async def test_another_sessions_files_are_invisible(
    pool: KernelPool, session: str, witness: str
) -> None:
    other = session
    await pool.execute(other, "open('/mnt/data/private.txt', 'w').write('" + SECRET + "')")
    other_dir = pool.data_dir(other)
    assert other_dir is not None and (other_dir / "private.txt").exists()

    result = await pool.execute(
        witness,
        "import os\nprint('private.txt' in os.listdir('/mnt/data'))\n"
        + read_probe(other_dir / "private.txt", other_dir.parent),
    )

    assert result.logs.splitlines() == [
        "False",
        f"BLOCKED {other_dir / 'private.txt'} FileNotFoundError",
        f"BLOCKED {other_dir.parent} FileNotFoundError",
    ]
    assert oct(other_dir.stat().st_mode & 0o777) == "0o700"
    assert other_dir.stat().st_uid != pool.data_dir(witness).stat().st_uid  # type: ignore[union-attr]


async def test_a_fork_bomb_ends_its_own_kernel_only(
    pool: KernelPool, session: str, witness: str
) -> None:
    await pool.execute(witness, "alive_during_the_bomb = True")

    result = await pool.execute(session, "import os\nwhile True:\n    os.fork()")

    assert result.failure is not None and result.failure.kind is FailureKind.PROCESSES
    assert "limit of 32 processes" in result.failure.message
    assert "restarted" in result.failure.message
    data_dir = pool.data_dir(session)
    assert data_dir is not None
    assert count_processes(data_dir.stat().st_uid) == 0  # every forked copy is gone
    survivor = await pool.execute(witness, "print(alive_during_the_bomb)")
    assert survivor.logs == "True\n" and not survivor.new_kernel
    await still_works(pool, session)


async def test_allocating_8_gb_fails_with_a_memory_error(pool: KernelPool, session: str) -> None:
    plain = await pool.execute(session, "x = bytearray(8 * 2**30)")
    numpy = await pool.execute(session, "import numpy\nx = numpy.ones(2**30)")

    for result in (plain, numpy):
        assert result.failure is not None and result.failure.kind is FailureKind.MEMORY
        assert "out of memory (limit 2 GiB)" in result.failure.message
    assert "MemoryError" in plain.logs and "Unable to allocate 8.00 GiB" in numpy.logs
    await still_works(pool, session)


async def test_an_infinite_loop_times_out(pool: KernelPool, session: str) -> None:
    result = await pool.execute(session, "while True:\n    pass", time_limit=1.5)

    assert result.failure is not None and result.failure.kind is FailureKind.TIMEOUT
    assert result.failure.message.startswith("The code ran longer than its 1.5 s limit.")
    assert 1.5 <= result.duration < 5
    await still_works(pool, session)


async def test_printing_100_mb_is_bounded(pool: KernelPool, witness: str) -> None:
    result = await pool.execute(witness, "for _ in range(100):\n    print('x' * 1_000_000)")

    assert result.ok
    assert len(result.logs) < pool.limits.output_chars
    dropped = 100 * 1_000_001 - stream_budget(pool.limits)
    assert re.fullmatch(
        rf"x+\n\[\.\.\. {dropped} characters truncated \.\.\.\]\nx+\n", result.logs
    ), result.logs
    await still_works(pool, witness)


async def test_one_output_over_the_message_limit_is_dropped_unread(
    pool: KernelPool, session: str, witness: str
) -> None:
    # A result is not bounded in the kernel (only prints are); the host drops it unread.
    result = await pool.execute(session, "'x' * 20_000_000")

    assert result.failure is not None and result.failure.kind is FailureKind.OUTPUT
    assert "one output was over 16 MiB" in result.failure.message
    assert len(result.logs) < pool.limits.output_chars
    await still_works(pool, witness)


async def test_a_crashing_kernel_is_ended(pool: KernelPool, session: str, witness: str) -> None:
    result = await pool.execute(session, "import ctypes\nctypes.string_at(0)")

    assert result.failure is not None and result.failure.kind is FailureKind.CRASH
    assert result.failure.message.startswith("The kernel died (SIGSEGV).")
    assert result.files == ()  # no core dump in /mnt/data
    await still_works(pool, witness)


async def test_the_kernel_cannot_point_the_host_at_another_socket(
    pool: KernelPool, session: str, witness: str
) -> None:
    # Code replaces its socket files with links to a Unix socket on the host, then drops the
    # host's connection so that it reconnects. The host must not follow those links.
    directory = tempfile.mkdtemp(prefix="agentkit-host-socket-")
    target = os.path.join(directory, "service.sock")
    connections: list[int] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        writer.close()

    server = await asyncio.start_unix_server(accept, target)
    code = f"""
import os
for port in (1, 2):
    os.unlink(f"/run/kernel/kernel-{{port}}")
    os.symlink({target!r}, f"/run/kernel/kernel-{{port}}")
get_ipython().kernel.parent.shell_socket.unbind("ipc:///run/kernel/kernel-1")
"""
    try:
        result = await pool.execute(session, code, time_limit=5)
        await asyncio.sleep(0.3)  # reconnects are tried every 10 ms
    finally:
        server.close()
        await server.wait_closed()
        shutil.rmtree(directory)

    assert result.failure is not None and result.failure.kind is FailureKind.OUTPUT
    assert connections == []
    await still_works(pool, witness)


@pytest_asyncio.fixture(loop_scope="package", scope="module")
async def unsandboxed(kernels_available: None) -> AsyncIterator[KernelPool]:
    async with KernelPool(unsafe_no_sandbox=True) as unsafe:
        yield unsafe


async def test_unsandboxed_probes_do_see_the_host(
    unsandboxed: KernelPool,
    host_server: tuple[int, list[str]],
    host_secrets: HostSecrets,
    secret_holder: int,
) -> None:
    port, peers = host_server
    code = connect_probe(port) + read_probe(host_secrets.key_file) + ENVIRONMENT_PROBE

    result = await unsandboxed.execute("control", code)

    lines = result.logs.splitlines()
    assert lines[:2] == ["CONNECTED", f"READ {host_secrets.key_file} b'{SECRET}'"]
    assert lines[2] == f"FOUND ['/proc/{secret_holder}/environ']"
    await asyncio.sleep(0.05)
    assert len(peers) == 1
