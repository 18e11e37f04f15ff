import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching.engine.hierarchy import Hierarchy, HierarchyCycleError


def _above(managers: dict[int, int], person: int) -> set[int]:
    seen: set[int] = set()
    while person in managers:
        person = managers[person]
        seen.add(person)
    return seen


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_related_matches_walking_the_reporting_lines(seed, n):
    rng = np.random.default_rng(seed)
    managers = {p: int(rng.integers(1, p)) for p in range(2, n + 1) if rng.random() < 0.8}
    h = Hierarchy.build(managers, range(1, n + 1))
    people = np.arange(1, n + 1)
    a, b = np.meshgrid(people, people, indexing="ij")
    got = h.related(h.nodes(a.ravel()), h.nodes(b.ravel()))
    want = [
        x == y or y in _above(managers, x) or x in _above(managers, y)
        for x, y in zip(a.ravel().tolist(), b.ravel().tolist(), strict=True)
    ]
    assert got.tolist() == want


def test_deep_chain_excludes_every_level_both_ways():
    depth = 20_000
    managers = {p: p - 1 for p in range(2, depth + 1)}
    managers[depth + 1] = 1  # a direct report of the top, on another branch
    h = Hierarchy.build(managers)
    top, middle, bottom, other = h.nodes([1, depth // 2, depth, depth + 1])
    assert h.related([top, bottom, middle, other], [bottom, top, bottom, top]).all()
    assert not h.related([other, bottom], [bottom, other]).any()


def test_siblings_and_cousins_are_not_related():
    h = Hierarchy.build({2: 1, 3: 1, 4: 2, 5: 3})
    assert not h.related(h.nodes([4, 2, 4]), h.nodes([5, 3, 3])).any()
    assert h.related(h.nodes([1, 5]), h.nodes([5, 1])).all()


def test_cycles_are_refused_with_a_clear_error():
    with pytest.raises(HierarchyCycleError, match="loop back"):
        Hierarchy.build({1: 2, 2: 3, 3: 1, 4: 1})
    with pytest.raises(HierarchyCycleError, match="own manager"):
        Hierarchy.build({1: 1})
