from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agentkit.middleware import TextReplayFilter


def _feed(replay: TextReplayFilter, deltas: list[str]) -> None:
    on_text = replay.attempt()
    for delta in deltas:
        on_text(delta)


def test_first_attempt_forwards_every_delta() -> None:
    seen: list[str] = []
    replay = TextReplayFilter(seen.append)
    _feed(replay, ["Hel", "lo"])
    assert seen == ["Hel", "lo"]


def test_retry_reproducing_the_shown_text_forwards_only_the_rest() -> None:
    seen: list[str] = []
    replay = TextReplayFilter(seen.append)
    _feed(replay, ["Hello ", "wo"])
    _feed(replay, ["Hel", "lo w", "orld"])
    assert seen == ["Hello ", "wo", "rld"]
    assert replay.shown == "Hello world"
    assert not replay.diverged


def test_retry_that_diverges_forwards_nothing_more() -> None:
    seen: list[str] = []
    replay = TextReplayFilter(seen.append)
    _feed(replay, ["Hello wo"])
    _feed(replay, ["Hi there", ", friend"])
    assert seen == ["Hello wo"]
    assert replay.diverged


def test_retry_shorter_than_the_shown_text_forwards_nothing() -> None:
    seen: list[str] = []
    replay = TextReplayFilter(seen.append)
    _feed(replay, ["Hello world"])
    _feed(replay, ["Hello"])
    assert seen == ["Hello world"]


@given(
    text=st.text(min_size=1, max_size=60),
    cut=st.integers(min_value=0, max_value=60),
    first=st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=20),
    second=st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=20),
)
def test_any_chunking_of_a_reproduced_answer_shows_it_exactly_once(
    text: str, cut: int, first: list[int], second: list[int]
) -> None:
    seen: list[str] = []
    replay = TextReplayFilter(seen.append)
    _feed(replay, _chunks(text[:cut], first))
    _feed(replay, _chunks(text, second))
    assert "".join(seen) == text


def _chunks(text: str, sizes: list[int]) -> list[str]:
    out, at, i = [], 0, 0
    while at < len(text):
        size = sizes[i % len(sizes)]
        out.append(text[at : at + size])
        at, i = at + size, i + 1
    return out
