"""Assistants-style cursor paging in SQL, for the SQLite and Postgres stores alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["POSTGRES", "SQLITE", "SqlDialect", "cursor_page_query"]


@dataclass(frozen=True)
class SqlDialect:
    """What differs between the stores' SQL here.

    Attributes:
        tables: the prefix of table names (a schema).
        mark: the parameter placeholder.
        no_limit: the LIMIT parameter that means "no limit".
    """

    tables: str
    mark: str
    no_limit: int | None


SQLITE = SqlDialect(tables="", mark="?", no_limit=-1)
POSTGRES = SqlDialect(tables="agentkit.", mark="%s", no_limit=None)


def cursor_page_query(
    dialect: SqlDialect,
    table: str,
    scope: tuple[str, tuple[Any, ...]],
    order: Literal["asc", "desc"],
    after: str | None,
    before: str | None,
    limit: int | None,
) -> tuple[str, tuple[Any, ...]]:
    """SQL for Assistants-style cursor paging, with the semantics of `stores.paging.page`.

    Cursors are read in the requested order; a cursor id outside ``scope`` makes the subquery
    NULL, which selects nothing, as an unknown cursor does in `page`.
    """
    where, scope_params = scope
    name, mark = dialect.tables + table, dialect.mark
    ascending = order == "asc"
    sql, params = f"SELECT data FROM {name} WHERE {where}", list(scope_params)
    cursor = f"(SELECT seq FROM {name} WHERE id = {mark} AND {where})"
    for cursor_id, later in ((after, ascending), (before, not ascending)):
        if cursor_id is not None:
            sql += f" AND seq {'>' if later else '<'} {cursor}"
            params += [cursor_id, *scope_params]
    sql += f" ORDER BY seq {'ASC' if ascending else 'DESC'} LIMIT {mark}"
    return sql, (*params, dialect.no_limit if limit is None else limit)
