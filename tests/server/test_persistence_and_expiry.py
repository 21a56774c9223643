"""Everything survives a restart; paused runs expire when nobody submits their outputs."""

from __future__ import annotations

import asyncio
import time

import httpx2

from agentkit.models.function import FunctionInfo
from agentkit.models.request import ModelRequest
from agentkit.records import Message, Run, Thread, now
from agentkit.server import ServerConfig, create_app, offline_model_factory
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionModel
from tests.server.conftest import KEYS, create_quiz_assistant, http_client


async def _paused_run(http: httpx2.AsyncClient) -> tuple[str, dict]:  # type: ignore[type-arg]
    assistant_id = await create_quiz_assistant(http)
    thread = (
        await http.post("/v1/threads", json={"messages": [{"role": "user", "content": "Quiz"}]})
    ).json()
    run = (
        await http.post(f"/v1/threads/{thread['id']}/runs", json={"assistant_id": assistant_id})
    ).json()
    for _ in range(500):
        run = (await http.get(f"/v1/threads/{thread['id']}/runs/{run['id']}")).json()
        if run["status"] == "requires_action":
            return thread["id"], run
        await asyncio.sleep(0.01)
    raise AssertionError("the run did not pause")


async def test_a_run_paused_before_a_restart_completes_after_it(config: ServerConfig) -> None:
    first = create_app(config)
    async with first.router.lifespan_context(first), http_client(first) as http:
        thread_id, run = await _paused_run(http)
    second = create_app(config)
    async with second.router.lifespan_context(second), http_client(second) as http:
        call_id = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]["id"]
        response = await http.post(
            f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs",
            json={"tool_outputs": [{"tool_call_id": call_id, "output": "after restart"}]},
        )
        assert response.status_code == 200
        for _ in range(500):
            ended = (await http.get(f"/v1/threads/{thread_id}/runs/{run['id']}")).json()
            if ended["status"] == "completed":
                break
            await asyncio.sleep(0.01)
        messages = (await http.get(f"/v1/threads/{thread_id}/messages?order=asc")).json()
        assistants = (await http.get("/v1/assistants")).json()
    assert ended["status"] == "completed"
    assert [m["content"][0]["text"]["value"] for m in messages["data"]] == [
        "Quiz",
        '{"display_quiz": "after restart"}',
    ]
    assert [a["name"] for a in assistants["data"]] == ["Math Tutor"]


async def test_startup_continues_runs_a_previous_process_left_in_progress(
    config: ServerConfig,
) -> None:
    async with SQLiteStore(config.db_path) as root:
        store = root.scoped("alpha")
        thread = await store.create_thread(Thread())
        await store.add_message(Message.of_text(thread.id, "user", "Quiz"))
        orphan = Run(thread_id=thread.id, assistant_id="asst_x", status="in_progress")
        # No lease: as a file written before leases has it, or a process that died.
        await store.create_run(orphan, {"turn": 0})

    app = create_app(config)
    async with app.router.lifespan_context(app), http_client(app) as http:
        for _ in range(500):
            ended = (await http.get(f"/v1/threads/{thread.id}/runs/{orphan.id}")).json()
            if ended["status"] != "in_progress":
                break
            await asyncio.sleep(0.01)
        messages = (await http.get(f"/v1/threads/{thread.id}/messages?order=asc")).json()
    assert ended["status"] == "completed"
    assert [m["role"] for m in messages["data"]] == ["user", "assistant"]


async def test_a_paused_run_past_expires_at_reads_as_expired(db_path: str) -> None:
    config = ServerConfig(
        model_factory=offline_model_factory,
        db_path=db_path,
        api_keys=KEYS,
        run_timeout=1,
        sweep_interval=3600,
    )
    app = create_app(config)
    async with app.router.lifespan_context(app), http_client(app) as http:
        thread_id, run = await _paused_run(http)
        await _until(lambda: now() >= run["expires_at"])
        expired = (await http.get(f"/v1/threads/{thread_id}/runs/{run['id']}")).json()
        steps = (await http.get(f"/v1/threads/{thread_id}/runs/{run['id']}/steps")).json()
        late = await http.post(
            f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs",
            json={"tool_outputs": []},
        )
    assert (expired["status"], expired["required_action"]) == ("expired", None)
    assert [s["status"] for s in steps["data"]] == ["expired"]
    assert late.status_code == 400


async def test_the_sweeper_expires_paused_runs_nobody_reads(db_path: str) -> None:
    config = ServerConfig(
        model_factory=offline_model_factory,
        db_path=db_path,
        api_keys=KEYS,
        run_timeout=1,
        sweep_interval=0.05,
    )
    app = create_app(config)
    async with app.router.lifespan_context(app), http_client(app) as http:
        thread_id, run = await _paused_run(http)
        store = SQLiteStore(db_path, project="alpha")

        async def swept() -> bool:
            return (await store.get_run(run["id"])).status == "expired"

        try:
            for _ in range(200):
                if await swept():
                    break
                await asyncio.sleep(0.05)
            assert await swept()
        finally:
            await store.aclose()


async def _until(condition: object) -> None:
    deadline = time.monotonic() + 10
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


async def _never_answers(request: ModelRequest, info: FunctionInfo) -> str:
    await asyncio.Event().wait()
    return "unreachable"


async def test_shutdown_releases_the_runs_being_driven_and_the_next_start_ends_them(
    db_path: str,
) -> None:
    answers = {"m": FunctionModel(_never_answers)}
    config = ServerConfig(db_path=db_path, api_keys=KEYS, model_factory=lambda name: answers[name])
    app = create_app(config)
    async with app.router.lifespan_context(app), http_client(app) as http:
        assistant = (await http.post("/v1/assistants", json={"model": "m"})).json()
        thread = (await http.post("/v1/threads", json={})).json()
        path = f"/v1/threads/{thread['id']}/runs"
        run = (await http.post(path, json={"assistant_id": assistant["id"]})).json()
        for _ in range(500):
            current = (await http.get(f"{path}/{run['id']}")).json()
            if current["status"] == "in_progress":
                break
            await asyncio.sleep(0.01)
    async with SQLiteStore(db_path, project="alpha") as store:
        released = await store.get_run(run["id"])
        [(_, lease)] = await store.driven_runs()
    assert released.status == "in_progress"
    assert lease is not None and lease.lapsed()

    answers["m"] = FunctionModel(lambda request, info: "answered after the restart")
    again = create_app(config)
    async with again.router.lifespan_context(again), http_client(again) as http:
        for _ in range(500):
            ended = (await http.get(f"{path}/{run['id']}")).json()
            if ended["status"] != "in_progress":
                break
            await asyncio.sleep(0.01)
    assert ended["status"] == "completed"
