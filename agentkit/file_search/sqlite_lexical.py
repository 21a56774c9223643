"""Full-text retrieval in a SQLite index: FTS5 and BM25, with common terms left to rank last.

BM25 ranks every chunk that matches any query term, and a very common term matches most
of the store: at 100,000 chunks, ranking 40,000 matches takes tens of milliseconds where
ranking the few thousand that hold the query's rarer terms takes a few. So, as
Elasticsearch's ``cutoff_frequency`` did, in a store of at least 5,000 chunks a term found
in more than 5% of them is left out when the query has rarer terms, and those rarer terms
alone find and rank the results. A common term weighs little in BM25 anyway (its IDF is
low), so the top results barely change; when the rarer terms find fewer chunks than asked
for, the query runs again with every term.
"""

from __future__ import annotations

from typing import Any

from agentkit.file_search.attributes import SqlFilter
from agentkit.file_search.index import Scored
from agentkit.file_search.lexical_query import fts_expression, query_terms

__all__ = ["COMMON_SHARE", "MIN_CHUNKS_FOR_CUTOFF", "lexical_search"]

COMMON_SHARE = 0.05
MIN_CHUNKS_FOR_CUTOFF = 5_000


def lexical_search(conn: Any, text: str, where: SqlFilter | None, limit: int) -> list[Scored]:
    """The best ``limit`` chunks for ``text`` by BM25, scores in [0, 1), best first."""
    terms = query_terms(text)
    if not terms:
        return []
    rare = _rare_terms(conn, terms)
    if rare:
        found = _ranked(conn, rare, where, limit)
        if len(found) >= limit:
            return found
    return _ranked(conn, terms, where, limit)


def _rare_terms(conn: Any, terms: list[str]) -> list[str]:
    """The terms below the cutoff, when some (not all) are above it; else none."""
    if len(terms) < 2:
        return []
    (highest,) = conn.execute("SELECT coalesce(max(id), 0) FROM chunks").fetchone()
    if highest < MIN_CHUNKS_FOR_CUTOFF:
        return []
    cap = int(highest * COMMON_SHARE)
    # Counting stops at the cap, so a common term costs no more than a rare one.
    rare = [
        term
        for term in terms
        if conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
            (fts_expression([term]), cap),
        ).fetchone()[0]
        < cap
    ]
    return rare if len(rare) < len(terms) else []


def _ranked(conn: Any, terms: list[str], where: SqlFilter | None, limit: int) -> list[Scored]:
    join, condition, params = "", "", ()
    if where is not None:
        join = " JOIN chunks ON chunks.id = chunks_fts.rowid"
        condition, params = f" AND {where.sql}", where.params
    rows = conn.execute(
        f"SELECT chunks_fts.rowid, chunks_fts.rank FROM chunks_fts{join} "
        f"WHERE chunks_fts MATCH ?{condition} ORDER BY chunks_fts.rank LIMIT ?",
        (fts_expression(terms), *params, limit),
    )
    return [Scored(int(rowid), bm25_score(rank)) for rowid, rank in rows]


def bm25_score(rank: float) -> float:
    """FTS5's BM25 value (negative, lower is better) as a score ``x / (1 + x)`` in [0, 1)."""
    strength = max(0.0, -float(rank))
    return strength / (1.0 + strength)
