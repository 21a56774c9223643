"""A natural-language query as an FTS5 expression: its content words, any of them matching.

Users and models ask in sentences, and FTS5 would otherwise require every word. Each word
becomes a quoted term (so FTS5 syntax in a query is only ever text), common function words
are left out when the query has others, and the terms are OR-ed: BM25 then ranks chunks
that match more, and rarer, terms first. The index's tokenizer stems both sides (Porter),
so "refunds" finds "refund".
"""

from __future__ import annotations

import re

__all__ = ["fts_expression", "query_terms"]

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


def query_terms(query: str) -> list[str]:
    """The words of ``query`` to search for, lower-cased, each once, at most 32."""
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(query)))
    content = [word for word in words if word not in _STOPWORDS] or words
    return content[:_MAX_TERMS]


def fts_expression(terms: list[str]) -> str:
    """The FTS5 MATCH expression that matches any of ``terms`` (words, no FTS5 syntax)."""
    return " OR ".join(f'"{term}"' for term in terms)
