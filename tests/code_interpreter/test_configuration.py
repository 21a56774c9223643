"""Bad configuration fails early and says what to do."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentkit.code_interpreter import (
    BubblewrapSandbox,
    KernelEnvironment,
    KernelEnvironmentError,
    KernelLimits,
    KernelPool,
    KernelStartError,
    LaunchSpec,
    SandboxUnavailableError,
)
from agentkit.code_interpreter.environment import ENV_VARIABLE, default_kernel_env_path
from agentkit.code_interpreter.identity import SandboxUser
from agentkit.exceptions import UserError


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"memory_bytes": 0}, "KernelLimits.memory_bytes must be a positive number, got 0"),
        ({"timeout": -1.0}, "KernelLimits.timeout must be a positive number, got -1.0"),
        ({"threads": True}, "KernelLimits.threads must be a positive number, got True"),
        ({"max_processes": 8}, "KernelLimits.max_processes must be at least 16"),
        ({"output_chars": 10}, "KernelLimits.output_chars must be at least 200, got 10"),
    ],
)
def test_bad_limits_are_refused(arguments: dict[str, float], message: str) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        KernelLimits(**arguments)  # type: ignore[arg-type]


def test_bad_pool_arguments_are_refused() -> None:
    with pytest.raises(UserError, match="max_kernels=...\\) must be at least 1, got 0"):
        KernelPool(max_kernels=0)
    with pytest.raises(UserError, match="idle_timeout and start_timeout must be positive"):
        KernelPool(idle_timeout=0)
    with pytest.raises(UserError, match="pass sandbox=... or unsafe_no_sandbox=True, not both"):
        KernelPool(sandbox=BubblewrapSandbox(), unsafe_no_sandbox=True)


async def test_a_time_limit_must_be_positive() -> None:
    pool = KernelPool()

    with pytest.raises(UserError, match="execute\\(time_limit=...\\) must be positive, got 0"):
        await pool.execute("thread_1", "1", time_limit=0)
    await pool.aclose()


async def test_without_bubblewrap_the_pool_refuses_and_names_what_to_install() -> None:
    pool = KernelPool(sandbox=BubblewrapSandbox(bwrap="/nonexistent/bwrap"))

    with pytest.raises(SandboxUnavailableError) as caught:
        await pool.execute("thread_1", "1")

    message = str(caught.value)
    assert "needs /nonexistent/bwrap" in message
    assert "apt-get install bubblewrap" in message
    assert "unsafe_no_sandbox=True" in message
    await pool.aclose()


def test_a_missing_kernel_environment_names_the_command_that_builds_it(tmp_path: Path) -> None:
    with pytest.raises(
        KernelEnvironmentError, match="python -m agentkit.code_interpreter.provision"
    ):
        KernelEnvironment.at(tmp_path / "nowhere")


def test_an_environment_without_ipykernel_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").symlink_to("/usr/bin/python3")

    with pytest.raises(KernelEnvironmentError, match="has no ipykernel"):
        KernelEnvironment.at(tmp_path)


def test_the_environment_variable_chooses_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VARIABLE, "/srv/kernels/env")

    assert default_kernel_env_path() == Path("/srv/kernels/env")


@pytest.fixture
def fake_environment() -> Iterator[Path]:
    """An environment whose "python" is /usr/bin/false, in a world-readable directory."""
    root = Path(tempfile.mkdtemp(prefix="agentkit-fake-env-"))
    root.chmod(0o755)
    (root / "bin").mkdir(mode=0o755)
    (root / "bin" / "python").symlink_to("/usr/bin/false")
    package = root / "lib" / "python3.11" / "site-packages" / "ipykernel"
    package.mkdir(parents=True, mode=0o755)
    (package / "__init__.py").write_text("")
    for path in [root / "lib", root / "lib" / "python3.11", package.parent, package]:
        path.chmod(0o755)
    yield root
    shutil.rmtree(root)


def test_an_environment_others_cannot_read_is_refused(fake_environment: Path) -> None:
    environment = KernelEnvironment.at(fake_environment)
    environment.check_readable_by_others()
    (fake_environment / "lib").chmod(0o700)

    with pytest.raises(KernelEnvironmentError, match="who cannot read .*/lib "):
        environment.check_readable_by_others()


@pytest.mark.usefixtures("kernels_available")
async def test_a_kernel_that_exits_at_once_is_a_clear_start_error(fake_environment: Path) -> None:
    async with KernelPool(environment=fake_environment) as pool:
        with pytest.raises(KernelStartError, match="the kernel did not start: its process exited"):
            await pool.execute("thread_1", "1")
        assert pool.running_kernels == 0


@pytest.mark.usefixtures("kernels_available")
async def test_a_root_dir_too_long_for_unix_sockets_is_refused(tmp_path: Path) -> None:
    pool = KernelPool(root_dir=tmp_path / ("x" * 80))

    with pytest.raises(UserError, match="too long for the kernel's Unix sockets"):
        await pool.start()
    await pool.aclose()


def test_the_bubblewrap_command_isolates_and_limits(tmp_path: Path) -> None:
    spec = LaunchSpec(
        argv=("python", "-m", "ipykernel_launcher"),
        env={"HOME": "/tmp"},
        data_dir=tmp_path / "data",
        runtime_dir=tmp_path / "runtime",
        read_only=((tmp_path / "env", "/env"),),
        user=SandboxUser(1_900_123, 1_900_123),
        limits=KernelLimits(),
    )

    command = BubblewrapSandbox().command(spec)
    text = " ".join(command)

    assert command[:7] == [
        "prlimit",
        f"--as={2 * 2**30}",
        "--cpu=600",
        f"--fsize={256 * 2**20}",
        "--nofile=1024",
        "--core=0",
        "--nproc=64",
    ]
    assert "setpriv --reuid=1900123 --regid=1900123 --clear-groups --no-new-privs -- bwrap" in text
    for flag in ["--unshare-user", "--unshare-net", "--unshare-pid", "--unshare-ipc"]:
        assert flag in command
    assert "--die-with-parent --new-session --cap-drop ALL --clearenv" in text
    assert f"--bind {tmp_path}/data /mnt/data" in text
    assert f"--bind {tmp_path}/runtime /run/kernel" in text
    assert f"--ro-bind {tmp_path}/env /env" in text
    assert "--setenv HOME /tmp" in text
    assert text.endswith("--chdir /mnt/data --remount-ro / -- python -m ipykernel_launcher")
    mounted = {command[i + 2] for i, arg in enumerate(command) if arg in ("--ro-bind", "--bind")}
    assert not mounted & {"/", "/etc", "/home", "/root", "/var", "/opt", "/sys", "/tmp"}


def test_unprivileged_the_kernel_keeps_the_users_uid(tmp_path: Path) -> None:
    spec = LaunchSpec(
        argv=("python",),
        env={},
        data_dir=tmp_path,
        runtime_dir=tmp_path,
        read_only=(),
        user=SandboxUser(os.getuid(), os.getgid(), shared=True),
        limits=KernelLimits(),
    )

    command = BubblewrapSandbox().command(spec)

    assert "setpriv" not in command
    nproc = next(arg for arg in command if arg.startswith("--nproc="))
    assert int(nproc.split("=")[1]) > 64  # the user's own tasks count against it too
