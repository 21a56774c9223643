from __future__ import annotations

from typing import Any

import pytest

from agentkit.exceptions import UserError
from agentkit.file_search import SqliteIndex
from agentkit.file_search.attributes import compile_filter, validate_attributes
from tests.file_search.test_sqlite_index import add_file

FILES: dict[str, dict[str, Any]] = {
    "file-2023": {"year": 2023, "team": "support", "public": True},
    "file-2024": {"year": 2024, "team": "sales", "public": False},
    "file-2025": {"year": 2025.5, "team": "support"},
    "file-text-year": {"year": "2026", "team": "legal"},
}


@pytest.fixture
async def files(index: SqliteIndex) -> SqliteIndex:
    for file_id, attributes in FILES.items():
        await add_file(index, file_id, ["common words here"], attributes=attributes)
    return index


async def matching(index: SqliteIndex, filters: Any) -> list[str]:
    hits = await index.hits(await index.lexical("common", filters, 50))
    return sorted(hit.file_id for hit in hits)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"type": "eq", "key": "team", "value": "support"}, ["file-2023", "file-2025"]),
        ({"type": "ne", "key": "team", "value": "support"}, ["file-2024", "file-text-year"]),
        ({"type": "gt", "key": "year", "value": 2023}, ["file-2024", "file-2025"]),
        ({"type": "gte", "key": "year", "value": 2024}, ["file-2024", "file-2025"]),
        ({"type": "lt", "key": "year", "value": 2024}, ["file-2023"]),
        ({"type": "lte", "key": "year", "value": 2024.0}, ["file-2023", "file-2024"]),
        ({"type": "eq", "key": "public", "value": True}, ["file-2023"]),
        (
            {"type": "ne", "key": "public", "value": True},
            ["file-2024", "file-2025", "file-text-year"],
        ),
        (
            {"type": "in", "key": "team", "value": ["sales", "legal"]},
            ["file-2024", "file-text-year"],
        ),
        ({"type": "in", "key": "year", "value": [2023, "2026"]}, ["file-2023", "file-text-year"]),
        ({"type": "nin", "key": "team", "value": ["support"]}, ["file-2024", "file-text-year"]),
        ({"type": "eq", "key": "year", "value": "2026"}, ["file-text-year"]),
        ({"type": "eq", "key": "missing", "value": "x"}, []),
        (
            {
                "type": "and",
                "filters": [
                    {"type": "eq", "key": "team", "value": "support"},
                    {"type": "gte", "key": "year", "value": 2025},
                ],
            },
            ["file-2025"],
        ),
        (
            {
                "type": "or",
                "filters": [
                    {"type": "eq", "key": "team", "value": "legal"},
                    {
                        "type": "and",
                        "filters": [
                            {"type": "eq", "key": "public", "value": False},
                            {"type": "lt", "key": "year", "value": 3000},
                        ],
                    },
                ],
            },
            ["file-2024", "file-text-year"],
        ),
    ],
)
async def test_filters_select_files_by_attribute(
    files: SqliteIndex, filters: Any, expected: list[str]
) -> None:
    assert await matching(files, filters) == expected


async def test_filters_apply_to_vector_search_too(files: SqliteIndex) -> None:
    await add_file(files, "file-vec", ["vector words"], vectors=[[1.0, 0.0]], attributes={"k": 1})
    await add_file(files, "file-vec2", ["vector words"], vectors=[[1.0, 0.0]], attributes={"k": 2})

    scored = await files.nearest([1.0, 0.0], {"type": "eq", "key": "k", "value": 2}, 5)

    assert [hit.file_id for hit in await files.hits(scored)] == ["file-vec2"]


async def test_results_carry_the_files_attributes(files: SqliteIndex) -> None:
    hits = await files.hits(await files.lexical("common", None, 10))

    assert {hit.file_id: dict(hit.attributes) for hit in hits} == FILES


async def test_attributes_can_be_replaced(files: SqliteIndex) -> None:
    assert await files.set_attributes("file-2023", {"team": "sales"})
    assert not await files.set_attributes("file-missing", {"team": "sales"})

    assert await matching(files, {"type": "eq", "key": "team", "value": "sales"}) == [
        "file-2023",
        "file-2024",
    ]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ("team = 1", "filters must be an object"),
        ({"type": "like", "key": "a", "value": "b"}, "filters.type must be one of"),
        ({"type": "eq", "value": "b"}, "filters.key must be a non-empty string"),
        ({"type": "eq", "key": "a", "value": None}, "filters.value must be a string, number"),
        ({"type": "eq", "key": "a", "value": ["b"]}, "filters.value must be a string, number"),
        ({"type": "in", "key": "a", "value": "b"}, "filters.value must be a non-empty list"),
        ({"type": "in", "key": "a", "value": [True]}, "only strings and numbers"),
        ({"type": "and", "filters": []}, "filters.filters must be a non-empty list"),
        (
            {"type": "or", "filters": [{"type": "eq", "key": "a", "value": 1}, {"type": "x"}]},
            "filters.filters[1].type must be one of",
        ),
    ],
)
def test_malformed_filters_name_the_offending_part(filters: Any, message: str) -> None:
    with pytest.raises(UserError) as caught:
        compile_filter(filters, "file_id")

    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({f"k{i}": i for i in range(17)}, "at most 16 keys"),
        ({"k" * 65: 1}, "1 to 64 characters"),
        ({"k": "v" * 513}, "longer than 512"),
        ({"k": None}, "must be a string, number or boolean"),
        ({"k": [1]}, "must be a string, number or boolean"),
    ],
)
def test_attributes_outside_the_api_limits_are_refused(attributes: Any, message: str) -> None:
    with pytest.raises(UserError, match="attributes") as caught:
        validate_attributes(attributes)

    assert message in str(caught.value)
