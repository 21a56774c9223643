"""A natural-language query as an FTS5 expression: its content words, any of them matching.

Users and models ask in sentences, and FTS5 would otherwise require every word. Each word
becomes a quoted term (so FTS5 syntax in a query is only ever text), common function words
are left out when the query has others, and the terms are OR-ed: BM25 then ranks chunks
that match more, and rarer, terms first. The index's tokenizer stems both sides (Porter),
so "refunds" finds "refund".
"""

from __future__ import annotations

import re

__all__ = ["fts_expression"]

_MAX_TERMS = 32
_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "any",
        "all",
        "also",
        "just",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "very",
        "s",
        "t",
    ]
)


def fts_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for ``query``; None when it has no words at all."""
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(query)))
    content = [word for word in words if word not in _STOPWORDS] or words
    if not content:
        return None
    return " OR ".join(f'"{word}"' for word in content[:_MAX_TERMS])
