"""Object ids and wire shapes."""

from __future__ import annotations

import re
from collections import Counter

from agentkit.records import new_id


def test_ids_have_the_api_shape() -> None:
    assert re.fullmatch(r"run_[A-Za-z0-9]{24}", new_id("run"))


def test_ids_do_not_repeat_and_use_the_whole_alphabet() -> None:
    ids = [new_id("x")[2:] for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    counts = Counter("".join(ids))
    assert len(counts) == 62
    # 120,000 characters over 62 symbols: each near 1935. Chi-squared over 61 degrees of
    # freedom averages 61 (sd 11); 120 happens about once in 100,000 draws. A modulo-biased
    # mapping (bytes % 62: 8 symbols 25% more likely) scores in the thousands.
    expected = len(ids) * 24 / 62
    chi_squared = sum((seen - expected) ** 2 / expected for seen in counts.values())
    assert chi_squared < 120
