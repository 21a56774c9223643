"""Every command's ``--help`` is plain text: no reStructuredText markup leaks into it."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from agentkit.cli.app import cli


def _commands(command: click.Command, path: list[str]) -> Iterator[list[str]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, [*path, name])


@pytest.mark.parametrize("path", list(_commands(cli, [])), ids=" ".join)
def test_help_has_no_rst_markup(path: list[str]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])

    assert result.exit_code == 0
    for markup in ("``", ":class:", ":func:", ":meth:", ".. "):
        assert markup not in result.output


def test_serve_help_names_the_authorization_header_plainly() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])

    assert 'the header "Authorization: Bearer KEY"' in result.output
