"""Group one block of people into circles: a greedy seed, then local search.

For each candidate number of circles ``k`` (the one nearest the middle size and its
neighbours, within what the bounds allow) and each restart:

1. *Seed*: pinned groups start their circles; each other circle gets one seed, picked
   farthest-first (least like the seeds so far) so circles start in different places.
2. *Greedy*: everyone else, most constrained first (most people in their reporting
   line, then fewest free hours), joins the circle where they add the most to the
   objective, up to an even share of the block, then up to the maximum size.
3. *Repair*: circles under the minimum take people from the pool; any still under it are
   broken up and their members offered to circles with room.
4. *Local search*: until a full pass finds nothing: place pooled people where they fit,
   start a new circle from the pool and members other circles can spare, move one member
   to another circle, swap two members of different circles; each step is taken only if
   it raises the objective and keeps every hard rule.
5. *Packing*: on a small block that still leaves people out, random packings (circles
   filled one at a time with whoever fits) look for one that places more, and the
   local search starts again from the best of them.

The best grouping over all tries wins: most people placed, then highest objective. The
only randomness is the order of later restarts, drawn from the caller's generator, so a
seed gives the same circles every time.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from tandem.matching.engine.circle_model import Scorer

EPS = 1e-9
MAX_PASSES = 40
# Swaps are tried with the members of this many circles most like the member.
SWAP_CIRCLES = 3
# Blocks this small try every circle count, each with this many times the restarts.
SMALL_BLOCK = 16
SMALL_RESTARTS = 4
# Small blocks also kick each local optimum this many times (random swaps, search again).
SMALL_KICKS = 25
KICK_SWAPS = 2
# Small blocks that leave people out try this many random packings for more placed.
PACK_TRIES = 200


@dataclass(slots=True)
class Grouping:
    """Circles and the pool of people left out, as indices into the scorer's members."""

    circles: list[list[int]]
    pool: list[int]
    value: float

    @property
    def placed(self) -> int:
        return sum(len(c) for c in self.circles)


class _State:
    """A grouping under construction, with each circle's value cached."""

    def __init__(self, scorer: Scorer, circles: list[list[int]], fixed: set[int]) -> None:
        self.scorer = scorer
        self.circles = circles
        self.fixed = fixed
        self.values = [scorer.value(c) for c in circles]
        self.where = {m: ci for ci, c in enumerate(circles) for m in c}
        self.pool: list[int] = []
        # Pinned members whose circle could not be filled: never placed elsewhere.
        self.stranded: list[int] = []

    def add(self, ci: int, member: int) -> None:
        self.circles[ci].append(member)
        self.values[ci] = self.scorer.value(self.circles[ci])
        self.where[member] = ci

    def remove(self, ci: int, member: int) -> None:
        self.circles[ci].remove(member)
        self.values[ci] = self.scorer.value(self.circles[ci])
        del self.where[member]

    def gain_in(self, ci: int, member: int) -> float:
        return self.scorer.value([*self.circles[ci], member]) - self.values[ci]

    def best_circle(self, member: int, cap: int) -> int:
        """Return the circle with room under ``cap`` where ``member`` adds most, or -1."""
        best, best_gain = -1, -math.inf
        for ci, circle in enumerate(self.circles):
            if len(circle) >= cap or self.scorer.clashes(member, circle):
                continue
            gain = self.gain_in(ci, member)
            if gain > best_gain + EPS:
                best, best_gain = ci, gain
        return best


def _seeds(scorer: Scorer, free: list[int], count: int) -> list[int]:
    """Pick ``count`` members farthest-first: each is least like the seeds before it."""
    if count <= 0 or not free:
        return []
    seeds = [free[0]]
    closest = {m: scorer.pair[free[0]][m] for m in free[1:]}
    while len(seeds) < count and closest:
        pick = min(closest, key=lambda m: (closest[m], m))
        seeds.append(pick)
        del closest[pick]
        row = scorer.pair[pick]
        for m in closest:
            closest[m] = max(closest[m], row[m])
    return seeds


def _greedy(
    scorer: Scorer,
    pinned: Sequence[list[int]],
    free: list[int],
    k: int,
    bounds: tuple[int, int],
    rng: random.Random | None = None,
) -> _State:
    """Seed and fill ``k`` circles; with ``rng``, pinned circles fill with random people."""
    low, high = bounds
    n = len(free) + sum(len(g) for g in pinned)
    circles = [list(g) for g in pinned]
    state = _State(scorer, circles, {m for g in pinned for m in g})
    share = min(max(math.ceil(n / max(k, 1)), low), high)
    chosen: set[int] = set()
    # Pinned circles fill to the minimum first, so a pin is never lost to a full block.
    for ci in range(len(pinned)):
        while len(circles[ci]) < low:
            fits = [m for m in free if m not in chosen and not scorer.clashes(m, circles[ci])]
            if not fits:
                break
            if rng is None:
                best = max(fits, key=lambda m: (state.gain_in(ci, m), -m))
            else:
                best = rng.choice(fits)
            state.add(ci, best)
            chosen.add(best)
    seeds = _seeds(scorer, [m for m in free if m not in chosen], k - len(pinned))
    for seed in seeds:
        circles.append([seed])
        state.values.append(scorer.value([seed]))
        state.where[seed] = len(circles) - 1
        chosen.add(seed)
    for member in free:
        if member in chosen:
            continue
        ci = state.best_circle(member, share)
        if ci < 0:
            ci = state.best_circle(member, high)
        if ci < 0:
            state.pool.append(member)
        else:
            state.add(ci, member)
    _repair(state, bounds)
    return state


def _repair(state: _State, bounds: tuple[int, int]) -> None:
    """Fill circles under the minimum from the pool, or break them up."""
    low, high = bounds
    scorer = state.scorer
    for ci in sorted(range(len(state.circles)), key=lambda c: -len(state.circles[c])):
        circle = state.circles[ci]
        while len(circle) < low and state.pool:
            fits = [m for m in state.pool if not scorer.clashes(m, circle)]
            if not fits:
                break
            best = max(fits, key=lambda m: (state.gain_in(ci, m), -m))
            state.pool.remove(best)
            state.add(ci, best)
        while len(circle) < low and _pull(state, ci, low):
            pass
    for ci, circle in enumerate(state.circles):
        if 0 < len(circle) < low:
            for member in list(circle):
                state.remove(ci, member)
                (state.stranded if member in state.fixed else state.pool).append(member)
    _place_pool(state, high)
    state.circles = [c for c in state.circles if c]
    state.values = [scorer.value(c) for c in state.circles]
    state.where = {m: ci for ci, c in enumerate(state.circles) for m in c}


def _pull(state: _State, ci: int, low: int) -> bool:
    """Move into circle ``ci`` the member of a circle above the minimum who fits it best."""
    scorer = state.scorer
    circle = state.circles[ci]
    best, best_gain = -1, -math.inf
    for di, other in enumerate(state.circles):
        if di == ci or len(other) <= low:
            continue
        for m in other:
            if m in state.fixed or scorer.clashes(m, circle):
                continue
            gain = state.gain_in(ci, m) + scorer.value([x for x in other if x != m])
            gain -= state.values[di]
            if gain > best_gain:
                best, best_gain = m, gain
    if best < 0:
        return False
    state.remove(state.where[best], best)
    state.add(ci, best)
    return True


def _place_pool(state: _State, high: int) -> bool:
    """Put pooled people into circles with room, best gain first; tell if anyone moved."""
    placed = False
    for member in list(state.pool):
        ci = state.best_circle(member, high)
        if ci >= 0 and state.circles[ci]:
            state.pool.remove(member)
            state.add(ci, member)
            placed = True
    return placed


def _try_move(state: _State, member: int, bounds: tuple[int, int]) -> bool:
    low, high = bounds
    scorer = state.scorer
    src = state.where[member]
    source = state.circles[src]
    if len(source) <= low:
        return False
    rest = [m for m in source if m != member]
    loss = scorer.value(rest) - state.values[src]
    best, best_delta = -1, EPS
    for ci, circle in enumerate(state.circles):
        if ci == src or len(circle) >= high or scorer.clashes(member, circle):
            continue
        delta = loss + state.gain_in(ci, member)
        if delta > best_delta:
            best, best_delta = ci, delta
    if best < 0:
        return False
    state.remove(src, member)
    state.add(best, member)
    return True


def _swap_targets(state: _State, member: int, src: int) -> list[int]:
    """Return the circles whose members are most like ``member``, best first."""
    row = state.scorer.pair[member]
    ranked = sorted(
        (-sum(row[m] for m in circle) / len(circle), ci)
        for ci, circle in enumerate(state.circles)
        if ci != src and circle
    )
    return [ci for _, ci in ranked[:SWAP_CIRCLES]]


def _try_swap(state: _State, member: int) -> bool:
    scorer = state.scorer
    src = state.where[member]
    source = state.circles[src]
    for ci in _swap_targets(state, member, src):
        circle = state.circles[ci]
        for other in circle:
            if other in state.fixed:
                continue
            if scorer.clashes(member, circle, skip=other) or scorer.clashes(
                other, source, skip=member
            ):
                continue
            new_source = [other if m == member else m for m in source]
            new_target = [member if m == other else m for m in circle]
            a, b = scorer.value(new_source), scorer.value(new_target)
            if a + b > state.values[src] + state.values[ci] + EPS:
                source[source.index(member)] = other
                circle[circle.index(other)] = member
                state.values[src], state.values[ci] = a, b
                state.where[member], state.where[other] = ci, src
                return True
    return False


def _try_eject(state: _State, member: int, high: int) -> bool:
    """Place a pooled member by moving one blocker to another circle with room."""
    scorer = state.scorer
    for ci, circle in enumerate(state.circles):
        blockers = [m for m in circle if m in scorer.conflict[member]]
        if len(blockers) > 1 or (not blockers and len(circle) < high):
            continue
        for out in blockers or [m for m in circle if m not in state.fixed]:
            if out in state.fixed:
                continue
            for di, other in enumerate(state.circles):
                if di == ci or len(other) >= high or scorer.clashes(out, other):
                    continue
                if scorer.clashes(member, circle, skip=out):
                    continue
                state.remove(ci, out)
                state.add(di, out)
                state.pool.remove(member)
                state.add(ci, member)
                return True
    return False


def _try_trade(state: _State, member: int) -> bool:
    """Put a pooled member in place of a placed one when that raises the objective."""
    scorer = state.scorer
    for ci, circle in enumerate(state.circles):
        for out in circle:
            if out in state.fixed or scorer.clashes(member, circle, skip=out):
                continue
            traded = [member if m == out else m for m in circle]
            value = scorer.value(traded)
            if value > state.values[ci] + EPS:
                state.circles[ci] = traded
                state.values[ci] = value
                del state.where[out]
                state.where[member] = ci
                state.pool[state.pool.index(member)] = out
                return True
    return False


def _try_open(state: _State, bounds: tuple[int, int]) -> bool:
    """Start a new circle from pooled people, taking members that circles above the
    minimum can spare; tell if one started (it places more people, so it is always taken).

    Pairs kept apart can leave a pool whose people fit no circle with room, nor each other
    enough to start one alone.
    """
    low, high = bounds
    scorer = state.scorer
    for start in sorted(state.pool):
        circle = [start]
        for member in sorted(state.pool):
            if member != start and len(circle) < high and not scorer.clashes(member, circle):
                circle.append(member)
        spare = [len(c) - low for c in state.circles]
        taken: list[tuple[int, int]] = []
        for ci, other in enumerate(state.circles):
            for member in other:
                if len(circle) >= low or spare[ci] <= 0:
                    break
                if member in state.fixed or scorer.clashes(member, circle):
                    continue
                circle.append(member)
                taken.append((member, ci))
                spare[ci] -= 1
        if len(circle) < low:
            continue
        for member, ci in taken:
            state.remove(ci, member)
        for member in circle:
            if member in state.pool:
                state.pool.remove(member)
        state.circles.append(circle)
        state.values.append(scorer.value(circle))
        for member in circle:
            state.where[member] = len(state.circles) - 1
        return True
    return False


def _local_search(state: _State, bounds: tuple[int, int]) -> None:
    for _ in range(MAX_PASSES):
        improved = _place_pool(state, bounds[1])
        if len(state.pool) > 0:
            improved |= _try_open(state, bounds)
        for member in list(state.pool):
            improved |= _try_eject(state, member, bounds[1])
        for member in list(state.pool):
            improved |= _try_trade(state, member)
        movable = sorted(m for m in state.where if m not in state.fixed)
        for member in movable:
            improved |= _try_move(state, member, bounds)
        for member in movable:
            improved |= _try_swap(state, member)
        if not improved:
            return


def _kick(state: _State, rng: random.Random, swaps: int) -> None:
    """Trade and swap a few random members (keeping the hard rules) to leave a local optimum."""
    scorer = state.scorer
    movable = sorted(m for m in state.where if m not in state.fixed)
    if state.pool and movable:
        # Trade someone left out for someone placed, so who is left out changes too.
        member, out = rng.choice(state.pool), rng.choice(movable)
        ci = state.where[out]
        if not scorer.clashes(member, state.circles[ci], skip=out):
            circle = state.circles[ci]
            circle[circle.index(out)] = member
            state.values[ci] = scorer.value(circle)
            del state.where[out]
            state.where[member] = ci
            state.pool[state.pool.index(member)] = out
            movable = sorted(m for m in state.where if m not in state.fixed)
    for _ in range(swaps):
        if len(movable) < 2:
            return
        a, b = rng.sample(movable, 2)
        ca, cb = state.where[a], state.where[b]
        first, second = state.circles[ca], state.circles[cb]
        if ca == cb or scorer.clashes(a, second, skip=b) or scorer.clashes(b, first, skip=a):
            continue
        first[first.index(a)], second[second.index(b)] = b, a
        state.values[ca], state.values[cb] = scorer.value(first), scorer.value(second)
        state.where[a], state.where[b] = cb, ca


def _snapshot(state: _State) -> Grouping:
    return Grouping(
        circles=[sorted(c) for c in state.circles if c],
        pool=sorted(state.pool + state.stranded),
        value=sum(state.values),
    )


def _better(found: Grouping, best: Grouping | None) -> bool:
    return best is None or (found.placed, found.value) > (best.placed, best.value + EPS)


def _iterate(state: _State, bounds: tuple[int, int], rng: random.Random, kicks: int) -> Grouping:
    """Local search, then ``kicks`` rounds of kick and search again from the best found."""
    _local_search(state, bounds)
    best = _snapshot(state)
    for _ in range(kicks):
        _kick(state, rng, KICK_SWAPS)
        _local_search(state, bounds)
        found = _snapshot(state)
        if _better(found, best):
            best = found
        else:
            state.circles = [list(c) for c in best.circles]
            state.values = [state.scorer.value(c) for c in state.circles]
            state.where = {m: ci for ci, c in enumerate(state.circles) for m in c}
            stranded = set(state.stranded)
            state.pool = [m for m in best.pool if m not in stranded]
    return best


def _packed(
    scorer: Scorer,
    pinned: Sequence[list[int]],
    free: list[int],
    bounds: tuple[int, int],
    rng: random.Random,
) -> _State:
    """Fill circles one at a time, in a random order, each with whoever fits it."""
    low, high = bounds
    order = list(free)
    rng.shuffle(order)
    circles = [list(g) for g in pinned]
    state = _State(scorer, circles, {m for g in pinned for m in g})
    left = order
    for ci in range(len(pinned)):
        for member in list(left):
            if len(circles[ci]) >= low:
                break
            if not scorer.clashes(member, circles[ci]):
                state.add(ci, member)
                left.remove(member)
    while left:
        circle = [left.pop(0)]
        size = rng.randint(low, high)
        for member in list(left):
            if len(circle) >= size:
                break
            if not scorer.clashes(member, circle):
                circle.append(member)
                left.remove(member)
        if len(circle) < low:
            state.pool.append(circle[0])
            left.extend(circle[1:])
            continue
        state.circles.append(circle)
        state.values.append(scorer.value(circle))
        for member in circle:
            state.where[member] = len(state.circles) - 1
    for ci, circle in enumerate(state.circles):
        if 0 < len(circle) < low:
            for member in list(circle):
                state.remove(ci, member)
                (state.stranded if member in state.fixed else state.pool).append(member)
    _place_pool(state, high)
    state.circles = [c for c in state.circles if c]
    state.values = [scorer.value(c) for c in state.circles]
    state.where = {m: ci for ci, c in enumerate(state.circles) for m in c}
    return state


def _circle_counts(n: int, n_pinned: int, bounds: tuple[int, int], wide: bool) -> list[int]:
    low, high = bounds
    # When n splits into no sizes within bounds, one circle fewer places the most people.
    k_low = max(n_pinned, min(math.ceil(n / high), n // low), 1)
    k_high = max(n // low, k_low)
    middle = min(max(round(n / ((low + high) / 2)), k_low), k_high)
    if wide:
        return list(range(k_low, k_high + 1))
    return sorted({min(max(middle + d, k_low), k_high) for d in (-1, 0, 1)})


def group_block(
    scorer: Scorer,
    pinned: Sequence[list[int]],
    bounds: tuple[int, int],
    rng: random.Random,
    restarts: int = 2,
) -> Grouping:
    """Group all of the scorer's members (``pinned`` groups kept together) into circles.

    Every circle count the bounds allow is tried on small blocks (up to 16 people), the
    middle one and its neighbours on larger ones; each with ``restarts`` orders.
    """
    n = len(scorer.members)
    in_groups = {m for g in pinned for m in g}
    free = [m for m in range(n) if m not in in_groups]
    if n < bounds[0] and not pinned:
        return Grouping(circles=[], pool=list(range(n)), value=0.0)
    hard_first = sorted(
        free, key=lambda m: (-len(scorer.conflict[m]), scorer.masks[m].bit_count(), m)
    )
    best: Grouping | None = None
    small = n <= SMALL_BLOCK
    for k in _circle_counts(n, len(pinned), bounds, wide=small):
        for attempt in range(max(restarts, 1) * (SMALL_RESTARTS if small else 1)):
            order = list(hard_first)
            if attempt:
                rng.shuffle(order)
            state = _greedy(scorer, pinned, order, k, bounds, rng if attempt else None)
            found = _iterate(state, bounds, rng, SMALL_KICKS if small else 0)
            if _better(found, best):
                best = found
    assert best is not None
    if small and best.pool:
        for _ in range(PACK_TRIES):
            state = _packed(scorer, pinned, free, bounds, rng)
            if sum(len(c) for c in state.circles) > best.placed:
                found = _iterate(state, bounds, rng, SMALL_KICKS)
                if _better(found, best):
                    best = found
    return best
