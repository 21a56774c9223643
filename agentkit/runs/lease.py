"""Who drives a run: lease terms, owner ids, and the heartbeat that renews a lease.

A driver holds a `agentkit.stores.base.Lease` on each run it drives. Every write it makes is
fenced by that lease (see the store contract), and while it drives, `watch_lease` renews the
lease every ``heartbeat`` seconds. When a renewal is refused (the run was cancelled by
another process, or taken over after the lease lapsed), the heartbeat cancels the driving
task, which stops the run's tools and model call; the loop then records the ending the store
holds. So a cancel from another process stops a run's tools within one ``heartbeat``, and no
tool starts after it at all (a tool's "started" mark is itself fenced).

Owner ids name the host (and its pid namespace) and the process
(``host:pid:incarnation:runner``), so a process can tell that a run's owner on the same host
has died and take the run over at once, without waiting for the lease to lapse
(`owner_is_gone`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from agentkit.exceptions import UserError
from agentkit.stores.base import Lease, Store

__all__ = [
    "LeaseTerms",
    "LeaseWatch",
    "RunLost",
    "is_orphaned",
    "new_owner",
    "owner_is_gone",
    "watch_lease",
]

_log = logging.getLogger("agentkit.run")


def _host() -> str:
    """This host, as owner ids name it: the host name and, on Linux, the pid namespace.

    Two containers may share a host name (``--network host``) yet not see each other's
    processes; a pid is only checked by a process in the same namespace.
    """
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return socket.gethostname()
    return f"{socket.gethostname()}/pidns-{namespace}"


_HOST = _host()
# This process's incarnation: a process that restarts with the same pid (common in
# containers) gets another one, so its predecessor's runs are known to be orphaned.
_INCARNATION = secrets.token_hex(4)


class RunLost(Exception):
    """The driver no longer holds the run: it was cancelled or taken over meanwhile."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"run {run_id} was cancelled or taken over by another process")


def new_owner() -> str:
    """A fresh owner id for a driver in this process: ``host:pid:incarnation:runner``."""
    return f"{_HOST}:{os.getpid()}:{_INCARNATION}:{secrets.token_hex(3)}"


def owner_is_gone(owner: str) -> bool:
    """Whether ``owner`` is provably dead: a process of this host that no longer runs.

    False when in doubt (another host, an unreadable id, a live pid that may be reused).
    """
    parts = owner.rsplit(":", 3)
    if len(parts) != 4 or parts[0] != _HOST or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return parts[2] != _INCARNATION
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it runs, as another user
        return False
    return False


def is_orphaned(lease: Lease | None) -> bool:
    """Whether nobody drives a run held by ``lease``: unowned, lapsed, or its owner died."""
    return lease is None or lease.lapsed() or owner_is_gone(lease.owner)


@dataclass(frozen=True, slots=True)
class LeaseTerms:
    """How a driver holds its runs.

    Attributes:
        owner: the driver's id (default: a fresh `new_owner`).
        ttl: seconds a lease lasts without renewal; after that, another process may take
            the run over. Longer than any pause of the event loop you expect.
        heartbeat: seconds between renewals while a run is driven: also how soon a cancel
            from another process stops the run's tools.
    """

    owner: str = field(default_factory=new_owner)
    ttl: float = 30.0
    heartbeat: float = 1.0

    def __post_init__(self) -> None:
        if not self.ttl > 0:
            raise UserError(f"lease_ttl must be a positive number of seconds, got {self.ttl!r}")
        if not 0 < self.heartbeat < self.ttl:
            raise UserError(
                f"heartbeat must be positive and shorter than lease_ttl ({self.ttl:g} s), "
                f"got {self.heartbeat!r}"
            )

    def lease(self) -> Lease:
        """A lease of this owner, from now for ``ttl`` seconds."""
        return Lease.starting_now(self.owner, self.ttl)


class LeaseWatch:
    """What the heartbeat found: ``lost`` once the store refused a renewal."""

    __slots__ = ("lost",)

    def __init__(self) -> None:
        self.lost = False


@contextlib.asynccontextmanager
async def watch_lease(
    store: Store,
    run_id: str,
    terms: LeaseTerms,
    driving: Callable[[], bool],
    task: asyncio.Task[Any] | None = None,
) -> AsyncIterator[LeaseWatch]:
    """Renew the run's lease every ``terms.heartbeat`` seconds while the block runs.

    When a renewal is refused while ``driving()`` (the driver means to keep the run in a
    driven status), ``lost`` is set and ``task`` (default: the current task) is cancelled.
    A store error is logged and the next beat tries again: only the lease's lapse, not one
    failed write, lets another process take the run.
    """
    watch = LeaseWatch()
    driver = task or asyncio.current_task()
    assert driver is not None
    loop = asyncio.get_running_loop()
    # A timer, not a task: a run shorter than one heartbeat costs no loop iteration.
    beating: asyncio.Task[None] | None = None
    timer: asyncio.TimerHandle | None = None

    async def beat() -> None:
        try:
            held = await store.renew_lease(run_id, terms.lease())
        except Exception:
            _log.exception("renewing the lease of run %s failed", run_id)
            held = True
        if not held and driving():
            watch.lost = True
            driver.cancel()
        else:
            schedule()

    def fire() -> None:
        nonlocal beating
        beating = loop.create_task(beat(), name=f"agentkit-lease:{run_id}")

    def schedule() -> None:
        nonlocal timer
        timer = loop.call_later(terms.heartbeat, fire)

    schedule()
    try:
        yield watch
    finally:
        assert timer is not None
        timer.cancel()
        if beating is not None and not beating.done():
            beating.cancel()
            await asyncio.wait({beating})
