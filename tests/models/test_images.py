"""Images in user messages reach the model, on both adapters, over real HTTP."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agentkit import Agent, UserError
from agentkit.exceptions import NotFoundError
from agentkit.middleware import ImageFilesMiddleware
from agentkit.models import (
    ChatCompletionsModel,
    Endpoint,
    ImageData,
    InputImage,
    Model,
    ResponsesModel,
    UserMessageItem,
)
from agentkit.records import ImageFileContent, ImageURLContent, Message, TruncationStrategy
from agentkit.runs.history import history_items
from agentkit.testing import FakeOpenAI

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
CAT = "https://example.com/cat.jpg"


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeOpenAI, str]]:
    server = FakeOpenAI(lambda request: "A cat and a square.")
    async with server.serve() as url:
        yield server, url


def _model(api: str, url: str) -> Model:
    endpoint = Endpoint("openai", base_url=url, api_key="sk-images")
    if api == "chat":
        return ChatCompletionsModel("gpt-5.1", endpoint=endpoint)
    return ResponsesModel("gpt-5.1", endpoint=endpoint)


def _input() -> list[Any]:
    return [
        "What is in ",
        ImageURLContent.from_url(CAT, detail="low"),
        " and ",
        ImageURLContent.from_bytes(PNG),
        "?",
    ]


async def test_responses_sends_input_image_parts_in_order(fake: tuple[FakeOpenAI, str]) -> None:
    server, url = fake

    result = await Agent(name="a", model=_model("responses", url)).run(_input())

    assert result.output_text == "A cat and a square."
    assert server.requests[0].body["input"] == [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "What is in "},
                {"type": "input_image", "image_url": CAT, "detail": "low"},
                {"type": "input_text", "text": " and "},
                {"type": "input_image", "image_url": PNG_URL, "detail": "auto"},
                {"type": "input_text", "text": "?"},
            ],
        }
    ]


async def test_chat_completions_sends_image_url_parts_with_bytes_as_data_urls(
    fake: tuple[FakeOpenAI, str],
) -> None:
    server, url = fake

    result = await Agent(name="a", model=_model("chat", url)).run(_input())

    assert result.output_text == "A cat and a square."
    assert server.requests[0].body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in "},
                {"type": "image_url", "image_url": {"url": CAT, "detail": "low"}},
                {"type": "text", "text": " and "},
                {"type": "image_url", "image_url": {"url": PNG_URL, "detail": "auto"}},
                {"type": "text", "text": "?"},
            ],
        }
    ]


async def test_a_text_only_message_is_still_sent_as_a_string(fake: tuple[FakeOpenAI, str]) -> None:
    server, url = fake

    await Agent(name="a", model=_model("chat", url)).run(["Just ", "text"])

    assert server.requests[0].body["messages"] == [{"role": "user", "content": "Just text"}]


async def test_an_api_file_id_goes_to_responses_as_it_is(fake: tuple[FakeOpenAI, str]) -> None:
    server, url = fake
    image = ImageFileContent.from_file_id("file-abc", detail="high")

    await Agent(name="a", model=_model("responses", url)).run(["Describe", image])

    assert server.requests[0].body["input"][0]["content"][1] == {
        "type": "input_image",
        "file_id": "file-abc",
        "detail": "high",
    }


async def test_chat_completions_fails_the_run_on_an_unresolved_file_id(
    fake: tuple[FakeOpenAI, str],
) -> None:
    server, url = fake
    image = ImageFileContent.from_file_id("file-abc")

    result = await Agent(name="a", model=_model("chat", url)).run(["Describe", image])

    assert result.status == "failed"
    assert result.last_error is not None and result.last_error.code == "invalid_image"
    assert "file-abc" in result.last_error.message
    assert "ImageFilesMiddleware" in result.last_error.message
    assert server.requests == []


class _Files:
    """An `ImageFileSource` over a dict, as a file store would serve it."""

    def __init__(self, files: dict[str, ImageData]) -> None:
        self.files = files
        self.reads: list[str] = []

    async def read_image(self, file_id: str) -> ImageData:
        self.reads.append(file_id)
        if file_id not in self.files:
            raise NotFoundError(f"No file {file_id}")
        return self.files[file_id]


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_image_files_reach_both_adapters_as_data_urls(
    fake: tuple[FakeOpenAI, str], api: str
) -> None:
    server, url = fake
    files = _Files({"file-sq": ImageData(PNG, "image/png")})
    agent = Agent(name="a", model=_model(api, url), middleware=[ImageFilesMiddleware(files)])
    shown = ImageFileContent.from_file_id("file-sq")

    result = await agent.run(["Two squares:", shown, shown])

    assert result.status == "completed"
    body = str(server.requests[0].body)
    assert body.count(PNG_URL) == 2 and "file-sq" not in body
    assert files.reads == ["file-sq"]  # read once per model call


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({}, "there is no such file"),
        (
            {"file-sq": ImageData(b"%PDF-1.7", "application/pdf")},
            "is application/pdf, not an image",
        ),
    ],
)
async def test_a_missing_or_non_image_file_fails_the_run_naming_it(
    fake: tuple[FakeOpenAI, str], files: dict[str, ImageData], problem: str
) -> None:
    server, url = fake
    middleware = ImageFilesMiddleware(_Files(files))
    agent = Agent(name="a", model=_model("responses", url), middleware=[middleware])

    result = await agent.run(["Look:", ImageFileContent.from_file_id("file-sq")])

    assert result.status == "failed"
    assert result.last_error is not None and result.last_error.code == "invalid_image"
    assert "'file-sq'" in result.last_error.message and problem in result.last_error.message
    assert server.requests == []


def test_history_keeps_the_parts_of_a_message_with_images_in_order() -> None:
    said = Message.of_input(
        "thread_1",
        [
            "Compare ",
            ImageURLContent.from_url(CAT),
            "with",
            ImageFileContent.from_file_id("file-1"),
        ],
    )

    [item] = history_items([said], TruncationStrategy())

    assert item == UserMessageItem(
        "Compare with",
        ("Compare ", InputImage(url=CAT), "with", InputImage(file_id="file-1")),
    )


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"GIF89a....", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    ],
)
def test_bytes_become_a_data_url_of_their_type(data: bytes, media_type: str) -> None:
    part = ImageURLContent.from_bytes(data)

    assert part.image_url.url == f"data:{media_type};base64,{base64.b64encode(data).decode()}"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ImageURLContent.from_bytes(b""), "the image is empty"),
        (lambda: ImageURLContent.from_bytes(b"%PDF-1.7"), "pass media_type="),
        (lambda: ImageURLContent.from_url("file:///etc/passwd"), "must start with https://"),
        (lambda: ImageFileContent.from_file_id(" "), "file_id is empty"),
        (lambda: Message.of_input("t", []), "at least one part"),
        (lambda: Message.of_input("t", ["look", PNG]), r"input\[1\].*from_bytes"),  # type: ignore[list-item]
    ],
)
def test_a_bad_image_is_refused_with_what_to_do(make: Any, message: str) -> None:
    with pytest.raises(UserError, match=message):
        make()


async def test_a_bad_input_part_leaves_no_thread_behind() -> None:
    agent = Agent(name="a", model="test")

    with pytest.raises(UserError, match=r"input\[0\]"):
        await agent.run([b"not a part"])  # type: ignore[list-item]

    assert await agent.runner.store.list_threads() == []
