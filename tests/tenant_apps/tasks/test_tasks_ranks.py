"""Rank keys: always a key strictly between two others, so no move renumbers a column."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tasks_factories import make_task

from tenant_apps.tasks import ranks, services
from tenant_apps.tasks.models import Task
from tenants.context import tenant_context


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=300))
def test_inserting_anywhere_keeps_keys_ordered_and_distinct(positions):
    keys: list[str] = []
    for position in positions:
        index = position % (len(keys) + 1)
        low = keys[index - 1] if index else None
        high = keys[index] if index < len(keys) else None
        key = ranks.between(low, high)
        assert (low is None or low < key) and (high is None or key < high)
        assert not key.endswith("0")
        keys.insert(index, key)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_keys_grow_slowly_at_one_spot():
    key = None
    for _ in range(500):
        key = ranks.between(None, key)
    assert len(key) < 120


def test_bad_neighbours_are_refused():
    with pytest.raises(ValueError):
        ranks.between("b", "a")
    with pytest.raises(ValueError):
        ranks.between("a0", None)


def test_spread_gives_short_ordered_keys():
    keys = ranks.spread(1000)
    assert keys == sorted(keys) and len(set(keys)) == 1000 and max(map(len, keys)) <= 2


def test_respacing_a_column_keeps_its_order(alpha, project, worker):
    for title in "ABCDE":
        make_task(alpha, worker, project, title=title)
    with tenant_context(alpha):
        column = project.columns.order_by("position").first()
        Task.objects.filter(title="C").update(rank="i" + "z" * 900 + "1")  # a very long key
        before = list(column.tasks.order_by("rank").values_list("title", flat=True))
        services._respace(column)
        after = list(column.tasks.order_by("rank").values_list("title", "rank"))
    assert [title for title, _ in after] == before
    assert max(len(rank) for _, rank in after) <= 2
