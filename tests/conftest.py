"""Test ordering: the longest test files start first.

``python3 tasks.py test`` runs the suite on one worker per CPU with pytest-xdist, keeping a
file on one worker (``--dist loadfile``) so module-scoped fixtures are built once. Files are
handed out in collection order, so the end-to-end workflow runs and the slow property tests
go first: started last, they would leave one worker running alone at the end.
"""

from __future__ import annotations

import pytest


def _rank(item: pytest.Item) -> int:
    if item.get_closest_marker("workflow") is not None:
        return 0
    if item.get_closest_marker("slow") is not None:
        return 1
    return 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # sorted() is stable: tests keep their order within each rank (and within each file).
    items[:] = sorted(items, key=_rank)
