from __future__ import annotations

import pytest

from agentkit.file_search import IngestError, Tokenizer
from agentkit.file_search.tokens import encoding

SENTENCE = "Refunds are processed within five business days."


def test_long_text_is_encoded_in_segments_with_the_same_ids() -> None:
    text = SENTENCE + f" {SENTENCE}" * 29_999  # 1.5 million characters
    reference = encoding("o200k_base")

    ids = Tokenizer().encode([text])

    # One call over the whole text is refused (over 1,000,000 characters) ...
    with pytest.raises(ValueError, match="too long"):
        reference.encode_ordinary(text)
    # ... and the ids are those of the sentence, then of " " + the sentence, repeated.
    first = reference.encode_ordinary(SENTENCE)
    again = reference.encode_ordinary(f" {SENTENCE}")
    assert list(ids) == first + again * 29_999
    assert Tokenizer().decode(ids) == text


def test_pieces_are_joined_before_encoding() -> None:
    tokenizer = Tokenizer()
    text = "The quick brown fox jumps over the lazy dog. " * 3000

    split = tokenizer.encode([text[:7001], text[7001:40_003], text[40_003:]])

    assert list(split) == encoding("o200k_base").encode_ordinary(text)


def test_cl100k_gives_its_own_ids() -> None:
    text = "tokenizers differ"

    ids = Tokenizer("cl100k_base").encode([text])

    assert list(ids) == encoding("cl100k_base").encode_ordinary(text)
    assert list(ids) != encoding("o200k_base").encode_ordinary(text)


def test_decode_drops_a_character_cut_in_half() -> None:
    tokenizer = Tokenizer()
    ids = tokenizer.encode(["naïve café résumé 東京"])

    texts = [tokenizer.decode(ids[start:]) for start in range(len(ids))]

    assert all("\ufffd" not in text for text in texts)
    assert texts[0] == "naïve café résumé 東京"


def test_too_many_tokens_fail_as_soon_as_the_limit_is_passed() -> None:
    tokenizer = Tokenizer(max_tokens=1_000)
    pulled = 0

    def endless() -> object:
        nonlocal pulled
        while True:
            pulled += 1
            yield "word " * 20_000

    with pytest.raises(IngestError, match="more than 1,000 tokens") as caught:
        tokenizer.encode(endless())  # type: ignore[arg-type]

    assert caught.value.code == "invalid_file"
    assert pulled <= 3


def test_count_agrees_with_encode() -> None:
    text = SENTENCE * 25_000  # over the per-call limit of characters

    assert Tokenizer().count(text) == len(Tokenizer().encode([text]))
