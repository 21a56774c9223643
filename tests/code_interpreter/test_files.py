"""Host-side file access: input names, and reading what sandboxed code left in /mnt/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentkit.code_interpreter.files import open_beneath, read_beneath, sandbox_filename, scan
from agentkit.code_interpreter.identity import SandboxUser
from agentkit.code_interpreter.workspace import Workspace
from agentkit.exceptions import UserError


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("report.csv", "report.csv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\data.xlsx", "data.xlsx"),
        ("/abs/path/.bashrc", "bashrc"),
        ("tab\tand\nnewline.txt", "tabandnewline.txt"),
        ("  spaced name.txt  ", "spaced name.txt"),
        ("ünïcödé.csv", "ünïcödé.csv"),
        ("x" * 300 + ".csv", "x" * 196 + ".csv"),
    ],
)
def test_input_names_are_cleaned_to_one_component(given_name: str, expected: str) -> None:
    assert sandbox_filename(given_name) == expected


@pytest.mark.parametrize("name", ["", "..", ".", "/", "a/..", "\x00\x01", "...", " / "])
def test_a_name_with_nothing_usable_is_refused(name: str) -> None:
    with pytest.raises(UserError, match="has no usable characters for /mnt/data"):
        sandbox_filename(name)


@given(st.text(min_size=1))
def test_no_name_leaves_the_directory(name: str) -> None:
    try:
        clean = sandbox_filename(name)
    except UserError:
        return
    assert "/" not in clean and "\\" not in clean and "\x00" not in clean
    assert not clean.startswith(".")
    assert 0 < len(clean.encode()) <= 200


def test_reading_never_follows_a_symlink(tmp_path: Path) -> None:
    data, outside = tmp_path / "data", tmp_path / "outside"
    data.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (data / "inner").mkdir()
    (data / "link.txt").symlink_to(outside / "secret.txt")
    (data / "dir").symlink_to(outside)
    (data / "inner" / "ok.txt").write_text("ok")

    assert read_beneath(data, "inner/ok.txt", 100) == b"ok"
    for relative in ("link.txt", "dir/secret.txt", "../outside/secret.txt", "inner/../link.txt"):
        with pytest.raises(OSError):
            open_beneath(data, relative)


def test_a_fifo_is_not_opened_for_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")

    with pytest.raises(OSError, match="not a regular file"):
        open_beneath(tmp_path, "pipe")  # would block forever if opened like a file


def test_scanning_lists_regular_files_only(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "link").symlink_to("/etc")
    os.mkfifo(tmp_path / "pipe")

    assert sorted(scan(tmp_path, 100)) == ["a.txt", "sub/b.txt"]


def test_scanning_looks_at_no_more_entries_than_the_limit(tmp_path: Path) -> None:
    for index in range(5):
        (tmp_path / f"{index}.txt").write_text("x")

    assert len(scan(tmp_path, 3)) == 3


def test_an_input_file_replaces_a_planted_symlink_instead_of_writing_through_it(
    tmp_path: Path,
) -> None:
    workspace = Workspace.create(tmp_path, "thread_1", SandboxUser(os.getuid(), os.getgid(), True))
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    (workspace.data / "data.csv").symlink_to(victim)  # as code in the sandbox could

    assert workspace.add_file("data.csv", b"new") == "data.csv"

    assert victim.read_text() == "original"
    assert not (workspace.data / "data.csv").is_symlink()
    assert (workspace.data / "data.csv").read_bytes() == b"new"


def test_an_input_file_cannot_replace_a_directory(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path, "thread_1", SandboxUser(os.getuid(), os.getgid(), True))
    (workspace.data / "out").mkdir()

    with pytest.raises(UserError, match="/mnt/data/out is a directory"):
        workspace.add_file("out", b"x")


def test_changes_report_new_files_but_not_links_or_pipes(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path, "thread_1", SandboxUser(os.getuid(), os.getgid(), True))
    (tmp_path / "host.txt").write_text("host file")
    (workspace.data / "leak.txt").symlink_to(tmp_path / "host.txt")
    os.mkfifo(workspace.data / "pipe")
    (workspace.data / "made.txt").write_text("made")

    images, files = workspace.changes(limit=100, max_images=5, image_bytes=10**6)

    assert images == ()
    assert [(f.name, f.read_bytes()) for f in files] == [("made.txt", b"made")]
