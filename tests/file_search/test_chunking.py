from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentkit.exceptions import UserError
from agentkit.file_search import ChunkingStrategy


def test_auto_is_800_tokens_overlapping_by_400() -> None:
    strategy = ChunkingStrategy.parse({"type": "auto"})

    assert strategy.to_api() == {
        "type": "static",
        "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
    }
    assert ChunkingStrategy.parse(None) == strategy


def test_static_takes_its_sizes() -> None:
    strategy = ChunkingStrategy.parse(
        {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 50}}
    )

    assert [(w.start, w.end) for w in strategy.windows(260)] == [
        (0, 100),
        (50, 150),
        (100, 200),
        (150, 250),
        (200, 260),
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"type": "semantic"}, "must be 'auto' or 'static'"),
        ({"type": "static"}, "static is required"),
        ({"type": "static", "static": {"max_chunk_size_tokens": 500}}, "missing chunk_overlap"),
        (
            {"type": "static", "static": {"max_chunk_size_tokens": 99, "chunk_overlap_tokens": 0}},
            "from 100 to 4096, not 99",
        ),
        (
            {
                "type": "static",
                "static": {"max_chunk_size_tokens": 5000, "chunk_overlap_tokens": 0},
            },
            "from 100 to 4096, not 5000",
        ),
        (
            {
                "type": "static",
                "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 201},
            },
            "half of max_chunk_size_tokens (200), not 201",
        ),
        (
            {
                "type": "static",
                "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": -1},
            },
            "not -1",
        ),
        (
            {
                "type": "static",
                "static": {"max_chunk_size_tokens": "800", "chunk_overlap_tokens": 0},
            },
            "an integer",
        ),
        ("auto", "must be an object"),
    ],
)
def test_invalid_strategies_name_the_field(value: Any, message: str) -> None:
    with pytest.raises(UserError, match="chunking_strategy") as caught:
        ChunkingStrategy.parse(value)

    assert message in str(caught.value)


@given(
    size=st.integers(100, 4096),
    overlap_share=st.floats(0, 0.5),
    tokens=st.integers(0, 20_000),
)
def test_windows_cover_every_token_in_order(size: int, overlap_share: float, tokens: int) -> None:
    strategy = ChunkingStrategy(size, int(size * overlap_share))

    windows = list(strategy.windows(tokens))

    covered = {t for w in windows for t in range(w.start, w.end)}
    assert covered == set(range(tokens))
    assert all(w.end - w.start <= size for w in windows)
    assert [w.index for w in windows] == list(range(len(windows)))
    for before, after in zip(windows, windows[1:], strict=False):
        assert before.end - after.start == strategy.chunk_overlap_tokens
