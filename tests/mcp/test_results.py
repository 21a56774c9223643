"""MCP tool results as the model reads them: every kind of content block, in order."""

from __future__ import annotations

import base64

import mcp_types

from agentkit.mcp.results import read_result

PNG = base64.b64encode(b"\x89PNG fake image bytes").decode()


def _result(*blocks: mcp_types.ContentBlock, **fields: object) -> mcp_types.CallToolResult:
    return mcp_types.CallToolResult(content=list(blocks), **fields)


def test_every_block_becomes_a_line_and_images_are_attached() -> None:
    read = read_result(
        _result(
            mcp_types.TextContent(type="text", text="caption"),
            mcp_types.ImageContent(type="image", data=PNG, mime_type="image/png"),
            mcp_types.AudioContent(type="audio", data=PNG, mime_type="audio/wav"),
            mcp_types.EmbeddedResource(
                type="resource",
                resource=mcp_types.TextResourceContents(uri="file:///a.txt", text="body"),
            ),
            mcp_types.EmbeddedResource(
                type="resource",
                resource=mcp_types.BlobResourceContents(
                    uri="file:///b.bin", mime_type="application/zip", blob=PNG
                ),
            ),
            mcp_types.ResourceLink(
                type="resource_link", name="report", uri="file:///r.pdf", description="Q3"
            ),
        ),
        max_image_bytes=1000,
    )

    assert read.text.splitlines() == [
        "caption",
        "[image 1: image/png, 21 bytes]",
        "[audio: audio/wav, 21 bytes, not sent to the model]",
        "[resource file:///a.txt]",
        "body",
        "[resource file:///b.bin: application/zip, 21 bytes of binary data, not sent to the model]",
        "[resource link: report <file:///r.pdf>: Q3]",
    ]
    assert read.images == [f"data:image/png;base64,{PNG}"]


def test_images_past_the_budget_are_described_not_sent() -> None:
    image = mcp_types.ImageContent(type="image", data=PNG, mime_type="image/png")
    resource = mcp_types.EmbeddedResource(
        type="resource",
        resource=mcp_types.BlobResourceContents(
            uri="file:///c.png", mime_type="image/png", blob=PNG
        ),
    )

    read = read_result(_result(image, resource), max_image_bytes=30)

    assert read.text.splitlines() == [
        "[image 1: image/png, 21 bytes]",
        "[image 2 from file:///c.png: image/png, 21 bytes, not sent: over the 30-byte limit "
        "for images]",
    ]
    assert len(read.images) == 1


def test_an_image_whose_data_is_not_base64_is_described_not_sent() -> None:
    broken = mcp_types.ImageContent(type="image", data="not base64!", mime_type="image/png")

    read = read_result(_result(broken), max_image_bytes=1000)

    assert read.images == []
    assert "its data is not valid base64" in read.text


def test_structured_content_is_sent_when_there_is_no_text() -> None:
    read = read_result(_result(structured_content={"x": 1, "y": [2]}), max_image_bytes=0)

    assert read.text == '{"x":1,"y":[2]}'


def test_text_wins_over_structured_content_which_repeats_it() -> None:
    result = _result(
        mcp_types.TextContent(type="text", text='{"x": 1}'), structured_content={"x": 1}
    )

    assert read_result(result, max_image_bytes=0).text == '{"x": 1}'


def test_an_empty_result_says_so() -> None:
    assert read_result(_result(), max_image_bytes=0).text == "(no output)"
