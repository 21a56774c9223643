"""Leases in the store contract: who drives a run, claims of orphaned runs, and fencing."""

from __future__ import annotations

import pytest

from agentkit.exceptions import NotFoundError
from agentkit.records import Thread
from agentkit.stores import AssistantsStore
from agentkit.stores.base import Lease

from .conftest import lease, leased_run, new_run, thread_with_run


async def test_a_run_created_with_a_lease_is_driven_by_its_owner(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store, "queued")

    assert await store.driven_runs() == [(run, held)]


async def test_a_run_created_without_a_lease_is_unowned(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "in_progress")

    assert await store.driven_runs() == [(run, None)]


async def test_lease_times_are_kept_exactly(store: AssistantsStore) -> None:
    thread = await store.create_thread(Thread())
    held = Lease("host:1:abc", 1767225600.123456789)
    await store.create_run(new_run(thread.id, "in_progress"), {}, lease=held)

    [(_, stored)] = await store.driven_runs()

    assert stored == held


@pytest.mark.parametrize("status", ["requires_action", "completed", "cancelled"])
async def test_paused_and_finished_runs_are_not_driven(store: AssistantsStore, status: str) -> None:
    await leased_run(store, status)

    assert await store.driven_runs() == []


async def test_one_driven_run_is_looked_up_with_its_lease(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store, "queued")
    _, unowned = await thread_with_run(store, "in_progress")

    assert await store.driven_run(run.id) == (run, held)
    assert await store.driven_run(unowned.id) == (unowned, None)
    assert await store.driven_run("run_missing") is None
    assert await store.scoped("other").driven_run(run.id) is None


@pytest.mark.parametrize("status", ["requires_action", "completed", "cancelled"])
async def test_a_paused_or_finished_run_is_not_looked_up_as_driven(
    store: AssistantsStore, status: str
) -> None:
    thread, run, held = await leased_run(store, status)

    assert await store.driven_run(run.id) is None


async def test_another_projects_runs_are_not_listed(store: AssistantsStore) -> None:
    await leased_run(store)

    assert await store.scoped("other").driven_runs() == []


async def test_pausing_drops_the_lease_and_resuming_takes_a_new_one(
    store: AssistantsStore,
) -> None:
    thread, run, held = await leased_run(store)
    paused = run.model_copy(update={"status": "requires_action"})
    assert await store.transition_run(paused, expected={"in_progress"}, lease=held)
    assert await store.driven_runs() == []

    resumed = run.model_copy(update={"status": "in_progress"})
    other = lease("resumer")
    assert await store.transition_run(resumed, expected={"requires_action"}, lease=other)

    assert await store.driven_runs() == [(resumed, other)]


async def test_ending_a_run_drops_its_lease(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    assert await store.save_run(run.model_copy(update={"status": "failed"}))
    again = run.model_copy(update={"status": "failed"})

    assert not await store.renew_lease(run.id, held)
    assert not await store.claim_run(run.id, lease("other"), current=None)
    assert await store.save_run(again)  # still the same terminal status


async def test_a_save_without_a_lease_keeps_the_lease(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)

    assert await store.transition_run(run, expected={"in_progress"}, state={"turn": 1})
    assert await store.save_run(run)

    assert await store.driven_runs() == [(run, held)]


async def test_the_owners_write_renews_its_lease(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    later = Lease(held.owner, held.expires_at + 30)

    assert await store.transition_run(run, expected={"in_progress"}, lease=later)

    assert await store.driven_runs() == [(run, later)]


async def test_a_write_fenced_by_another_owners_lease_is_refused(
    store: AssistantsStore,
) -> None:
    thread, run, held = await leased_run(store)
    done = run.model_copy(update={"status": "completed"})

    assert not await store.transition_run(done, expected={"in_progress"}, lease=lease("late"))

    assert (await store.get_run(run.id)).status == "in_progress"
    assert await store.driven_runs() == [(run, held)]


async def test_an_unowned_run_accepts_a_fenced_write_and_takes_the_lease(
    store: AssistantsStore,
) -> None:
    thread, run = await thread_with_run(store, "in_progress")
    mine = lease("me")

    assert await store.transition_run(run, expected={"in_progress"}, lease=mine)

    assert await store.driven_runs() == [(run, mine)]


async def test_a_claim_on_the_lease_seen_takes_the_run(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    mine = lease("recoverer")

    assert await store.claim_run(run.id, mine, current=held)

    assert await store.driven_runs() == [(run, mine)]


async def test_an_unowned_run_is_claimed_with_current_none(store: AssistantsStore) -> None:
    thread, run = await thread_with_run(store, "queued")
    mine = lease("recoverer")

    assert not await store.claim_run(run.id, mine, current=lease("someone"))
    assert await store.claim_run(run.id, mine, current=None)
    assert await store.driven_runs() == [(run, mine)]


async def test_a_claim_on_a_lease_renewed_since_is_refused(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    renewed = Lease(held.owner, held.expires_at + 1)
    assert await store.renew_lease(run.id, renewed)

    assert not await store.claim_run(run.id, lease("recoverer"), current=held)
    assert await store.driven_runs() == [(run, renewed)]


async def test_only_one_of_two_claims_on_the_same_lease_wins(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)

    first = await store.claim_run(run.id, lease("a"), current=held)
    second = await store.claim_run(run.id, lease("b"), current=held)

    assert (first, second) == (True, False)


@pytest.mark.parametrize("status", ["requires_action", "completed", "cancelled"])
async def test_paused_and_finished_runs_cannot_be_claimed(
    store: AssistantsStore, status: str
) -> None:
    thread, run = await thread_with_run(store, status)

    assert not await store.claim_run(run.id, lease("recoverer"), current=None)


async def test_claiming_an_unknown_run_is_not_found(store: AssistantsStore) -> None:
    with pytest.raises(NotFoundError):
        await store.claim_run("run_missing", lease(), current=None)


async def test_a_driver_whose_run_was_claimed_can_no_longer_write(
    store: AssistantsStore,
) -> None:
    thread, run, held = await leased_run(store)
    assert await store.claim_run(run.id, lease("recoverer"), current=held)
    done = run.model_copy(update={"status": "completed"})

    assert not await store.renew_lease(run.id, held)
    assert not await store.transition_run(done, expected={"in_progress"}, lease=held)
    assert not await store.mark_call_started(run.id, "step_1", "call_1", owner=held.owner)
    assert (await store.get_run(run.id)).status == "in_progress"


async def test_renew_lease_extends_the_owners_lease(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    renewed = Lease(held.owner, held.expires_at + 5)

    assert await store.renew_lease(run.id, renewed)

    assert await store.driven_runs() == [(run, renewed)]


async def test_renew_lease_of_another_owner_is_refused(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)

    assert not await store.renew_lease(run.id, lease("intruder"))
    assert await store.driven_runs() == [(run, held)]


async def test_renew_lease_tells_the_driver_its_run_was_cancelled(store: AssistantsStore) -> None:
    thread, run, held = await leased_run(store)
    assert await store.transition_run(
        run.model_copy(update={"status": "cancelled"}), expected={"in_progress"}
    )

    assert not await store.renew_lease(run.id, held)


async def test_renew_lease_of_a_missing_run_is_refused(store: AssistantsStore) -> None:
    assert not await store.renew_lease("run_missing", lease())
