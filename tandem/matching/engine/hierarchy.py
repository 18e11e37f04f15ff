"""Reporting lines as an Euler tour, so "is in the reporting line" is two comparisons.

Each person gets an interval ``[tin, tout)`` of a depth-first preorder: ``a`` is ``b``'s
manager, their manager, ... up to the top exactly when ``b``'s ``tin`` lies in ``a``'s
interval. A mentor is excluded for a mentee when either is in the other's interval, which
covers the whole chain above the mentee and every direct or indirect report below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class HierarchyCycleError(ValueError):
    """Reporting lines loop back on themselves, so nobody's chain has a top."""


@numba.njit(cache=True)
def _euler_tour(parent: IntArray) -> tuple[IntArray, IntArray, int]:
    n = parent.shape[0]
    # Children in CSR form, ordered by node index for a deterministic tour.
    counts = np.zeros(n + 1, np.int64)
    for v in range(n):
        if parent[v] >= 0:
            counts[parent[v] + 1] += 1
    start = np.cumsum(counts)
    fill = start[:-1].copy()
    children = np.empty(max(start[-1], 1), np.int64)
    for v in range(n):
        p = parent[v]
        if p >= 0:
            children[fill[p]] = v
            fill[p] += 1
    tin = np.full(n, -1, np.int64)
    order = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    clock = 0
    for root in range(n):
        if parent[root] >= 0:
            continue
        top = 0
        stack[0] = root
        while top >= 0:
            v = stack[top]
            top -= 1
            tin[v] = clock
            order[clock] = v
            clock += 1
            # Push in reverse so the lowest-numbered child is visited first.
            for i in range(start[v + 1] - 1, start[v] - 1, -1):
                top += 1
                stack[top] = children[i]
    size = np.ones(n, np.int64)
    for i in range(clock - 1, -1, -1):
        v = order[i]
        if parent[v] >= 0:
            size[parent[v]] += size[v]
    return tin, tin + size, clock


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """Reporting lines over ``people`` (sorted person ids) as Euler-tour intervals."""

    people: IntArray
    tin: IntArray
    tout: IntArray

    @classmethod
    def build(cls, managers: Mapping[int, int], people: Iterable[int] = ()) -> Hierarchy:
        """Index everyone named as a person or a manager and tour the reporting forest."""
        reports = np.fromiter(managers.keys(), np.int64, len(managers))
        bosses = np.fromiter(managers.values(), np.int64, len(managers))
        extra = np.fromiter(people, np.int64)
        ids = np.unique(np.concatenate([reports, bosses, extra]))
        parent = np.full(ids.shape[0], -1, np.int64)
        parent[np.searchsorted(ids, reports)] = np.searchsorted(ids, bosses)
        if np.any(parent == np.arange(ids.shape[0])):
            raise HierarchyCycleError("Someone is recorded as their own manager.")
        tin, tout, visited = _euler_tour(parent)
        if visited < ids.shape[0]:
            stuck = ids[tin < 0][:5].tolist()
            raise HierarchyCycleError(
                f"Reporting lines loop back on themselves (people {stuck} never reach a top)."
            )
        return cls(people=ids, tin=tin, tout=tout)

    def nodes(self, person_ids: npt.ArrayLike) -> IntArray:
        """Return the node index of each person id (all must be known)."""
        ids = np.asarray(person_ids, np.int64)
        pos = np.searchsorted(self.people, ids)
        pos = np.minimum(pos, max(self.people.shape[0] - 1, 0))
        if ids.size and not np.array_equal(self.people[pos], ids):
            raise KeyError("Some people are missing from the hierarchy index.")
        return pos

    def related(self, a: npt.ArrayLike, b: npt.ArrayLike) -> BoolArray:
        """Tell, elementwise, whether nodes are the same or one manages the other (any depth)."""
        a_nodes, b_nodes = np.asarray(a, np.int64), np.asarray(b, np.int64)
        a_in, a_out = self.tin[a_nodes], self.tout[a_nodes]
        b_in, b_out = self.tin[b_nodes], self.tout[b_nodes]
        a_above: BoolArray = (a_in <= b_in) & (b_in < a_out)
        b_above: BoolArray = (b_in <= a_in) & (a_in < b_out)
        return a_above | b_above
