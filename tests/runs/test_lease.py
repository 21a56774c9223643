"""Lease terms and owner ids: who may take a run over, and when."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from agentkit.exceptions import UserError
from agentkit.runner import Runner
from agentkit.runs.lease import LeaseTerms, is_orphaned, new_owner, owner_is_gone
from agentkit.stores.base import Lease


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_owner_ids_name_this_host_and_process_and_are_unique() -> None:
    first, second = new_owner(), new_owner()

    assert first != second
    assert first.split(":")[-3] == str(os.getpid())


def test_a_live_owner_is_not_gone() -> None:
    assert not owner_is_gone(new_owner())


def test_an_owner_whose_process_died_on_this_host_is_gone() -> None:
    host, _, incarnation, runner = new_owner().rsplit(":", 3)

    assert owner_is_gone(f"{host}:{dead_pid()}:{incarnation}:{runner}")


def test_an_earlier_process_with_this_pid_is_gone() -> None:
    host, pid, _, runner = new_owner().rsplit(":", 3)

    assert owner_is_gone(f"{host}:{pid}:0000beef:{runner}")


@pytest.mark.parametrize("owner", ["elsewhere:1:abcd:ef", "not an owner id", "h:x:y:z"])
def test_an_owner_on_another_host_or_unreadable_is_never_gone(owner: str) -> None:
    assert not owner_is_gone(owner)


def test_a_run_is_orphaned_without_a_lease_or_when_it_lapsed() -> None:
    owner = new_owner()

    assert is_orphaned(None)
    assert is_orphaned(Lease(owner, 0.0))
    assert not is_orphaned(Lease.starting_now(owner, 30))


@pytest.mark.parametrize(
    ("ttl", "heartbeat", "message"),
    [
        (0, 0.1, "lease_ttl must be a positive"),
        (1, 1, "shorter than lease_ttl"),
        (1, 0, "heartbeat"),
    ],
)
def test_bad_lease_terms_are_refused_naming_the_setting(
    ttl: float, heartbeat: float, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        LeaseTerms(ttl=ttl, heartbeat=heartbeat)
    with pytest.raises(UserError, match=message):
        Runner(lease_ttl=ttl, heartbeat=heartbeat)


def test_a_dead_pid_in_another_pid_namespace_of_this_host_name_is_not_gone() -> None:
    host, _, incarnation, runner = new_owner().rsplit(":", 3)
    other_namespace = f"{socket.gethostname()}/pidns-1"
    assert other_namespace != host

    assert not owner_is_gone(f"{other_namespace}:{dead_pid()}:{incarnation}:{runner}")
