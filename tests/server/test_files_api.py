"""``/v1/files`` through the openai SDK and raw HTTP: upload streamed to disk, isolation, limits."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import openai
import pytest
from openai import AsyncOpenAI
from starlette.applications import Starlette

from agentkit.server import ServerConfig, create_app, offline_model_factory
from tests.server.conftest import KEYS, http_client, sdk_client


def files_dir(config: ServerConfig) -> Path:
    return Path(config.db_path + ".files")


async def test_upload_list_retrieve_content_and_delete_through_the_sdk(
    client: AsyncOpenAI, config: ServerConfig
) -> None:
    uploaded = await client.files.create(file=("sales.csv", b"a,b\n1,2\n"), purpose="assistants")
    other = await client.files.create(file=("notes.txt", b"hello"), purpose="user_data")

    assert (uploaded.filename, uploaded.bytes, uploaded.purpose) == ("sales.csv", 8, "assistants")
    assert uploaded.id.startswith("file-")
    assert (await client.files.retrieve(uploaded.id)) == uploaded
    content = await client.files.content(uploaded.id)
    assert content.content == b"a,b\n1,2\n"
    listed = [f.id async for f in client.files.list()]
    assert listed == [other.id, uploaded.id]
    only_assistants = [f.id async for f in client.files.list(purpose="assistants")]
    assert only_assistants == [uploaded.id]
    paged = await client.files.list(order="asc", limit=1)
    assert ([f.id for f in paged.data], paged.has_more) == ([uploaded.id], True)

    deleted = await client.files.delete(uploaded.id)
    assert (deleted.id, deleted.deleted) == (uploaded.id, True)
    assert sorted(os.listdir(files_dir(config))) == [other.id]
    with pytest.raises(openai.NotFoundError, match="No file found"):
        await client.files.content(uploaded.id)


async def test_another_projects_files_are_not_found(app: Starlette) -> None:
    async with sdk_client(app, "sk-alpha") as alpha, sdk_client(app, "sk-beta") as beta:
        mine = await alpha.files.create(file=("a.txt", b"alpha only"), purpose="assistants")
        assert [f.id async for f in beta.files.list()] == []
        for call in (beta.files.retrieve, beta.files.content, beta.files.delete):
            with pytest.raises(openai.NotFoundError):
                await call(mine.id)
        assert (await alpha.files.content(mine.id)).content == b"alpha only"


async def test_a_filename_with_dot_dots_never_becomes_a_path(
    http: httpx2.AsyncClient, config: ServerConfig, tmp_path: Path
) -> None:
    response = await http.post(
        "/v1/files",
        data={"purpose": "assistants"},
        files={"file": ("../../../escaped.txt", b"x")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["filename"] == "../../../escaped.txt"
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["serve.db", "serve.db-wal", "serve.db-shm", "serve.db.files"]
    )
    assert os.listdir(files_dir(config)) == [response.json()["id"]]


async def test_an_upload_is_written_to_disk_while_it_arrives(
    http: httpx2.AsyncClient, config: ServerConfig
) -> None:
    boundary = "agentkitboundary"
    seen_on_disk: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n'
            f'assistants\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        for _ in range(8):
            yield b"x" * 256 * 1024
            # The server wrote what it got so far into a temporary file before asking for more.
            seen_on_disk.append(sum(p.stat().st_size for p in files_dir(config).glob(".upload-*")))
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await http.post(
        "/v1/files",
        content=body(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["bytes"] == 8 * 256 * 1024
    assert seen_on_disk[-1] >= 6 * 256 * 1024
    assert seen_on_disk == sorted(seen_on_disk)


@pytest.fixture
def small_limits(db_path: str) -> ServerConfig:
    return ServerConfig(
        model_factory=offline_model_factory,
        db_path=db_path,
        api_keys=KEYS,
        max_file_bytes=100_000,
        max_body_bytes=1000,
    )


async def test_past_the_configured_limit_the_upload_stops_with_413_and_leaves_nothing(
    small_limits: ServerConfig,
) -> None:
    app = create_app(small_limits)
    async with app.router.lifespan_context(app), http_client(app) as http:

        async def chunks() -> AsyncIterator[bytes]:
            yield (
                b'--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
                b'--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n'
            )
            for _ in range(50):  # 500 kB, no content-length: refused while streaming
                yield b"x" * 10_000
            yield b"\r\n--b--\r\n"

        response = await http.post(
            "/v1/files",
            content=chunks(),
            headers={"content-type": "multipart/form-data; boundary=b"},
        )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "file_too_large"
        assert os.listdir(files_dir(small_limits)) == []
        declared = await http.post(
            "/v1/files", data={"purpose": "assistants"}, files={"file": ("a", b"x" * 200_000)}
        )
        assert declared.status_code == 413
        # A file over the JSON body limit but within the file limit is fine.
        fine = await http.post(
            "/v1/files", data={"purpose": "assistants"}, files={"file": ("a", b"x" * 50_000)}
        )
        assert fine.status_code == 200, fine.text
        too_big_json = await http.post("/v1/threads", json={"metadata": {"k": "v" * 2000}})
        assert too_big_json.status_code == 413


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({}, {"file": ("a", b"x")}, "Missing required parameter: 'purpose'"),
        ({"purpose": "assistants"}, {}, "multipart/form-data"),
        ({"purpose": "nonsense"}, {"file": ("a", b"x")}, "Invalid value for 'purpose'"),
        ({"purpose": "assistants", "color": "red"}, {"file": ("a", b"x")}, "Unknown parameter"),
    ],
)
async def test_bad_uploads_get_a_clear_400_and_keep_nothing(
    http: httpx2.AsyncClient,
    config: ServerConfig,
    data: dict[str, str],
    files: dict[str, tuple[str, bytes]],
    message: str,
) -> None:
    response = await http.post("/v1/files", data=data, files=files or None)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert os.listdir(files_dir(config)) == []


async def test_files_need_an_api_key(app: Starlette) -> None:
    async with http_client(app, key=None) as anonymous:
        response = await anonymous.get("/v1/files")
    assert response.status_code == 401
