"""Social Golfer schedules without repeats: a construction and a symmetric search.

Both return rounds (lists of groups of people 0..n-1) in which no pair meets
twice, or [] when they have nothing.

`doubled_affine_rounds` — 32 people in groups of 4 for up to 10 rounds (the
8-4-10 instance; the affine spread of `designs` stops at 9).  Ten rounds of
eight foursomes cover 480 of the 496 pairs, so everybody misses exactly one
other person: the schedule is a resolvable 4-GDD of type 2^16.  Built here as
follows.  Write the people as (q, x) with q in {0,1,2,3} (four "sheets") and x
in T = GF(2)^3 (0..7 under xor); (q, x) never meets (q, x ^ e), e = 7.  Every
round is invariant under the translations x -> x ^ s of T, so a round is a
union of T-orbits of groups, and a pair (q, x), (q', x') is described by its
sheets and its difference x ^ x'.
  * Six *transversal* rounds: a vector a in T^4, groups {(q, a_q ^ s)} for s in
    T; sheets q, q' meet with difference a_q ^ a_q'.  Over the six rounds each
    sheet pair must see six distinct differences; the two left over, {d, d^t},
    are covered by
  * a *ladder* orbit for the sheet pair {q, q'}: groups {(q,s), (q,s^t),
    (q',s^d), (q',s^d^t)} (covers difference t inside both sheets too), and
  * a *plane* orbit for each sheet q: the cosets of the plane {0} u {t ^ e for
    the three ladders at q}, which must be a subspace (covers the remaining
    three differences inside the sheet).
  Four more rounds hold the six ladders and four planes: {01}+q2+q3,
  {23}+q0+q1, {02}+{13}, {03}+{12}.  A depth-first search over the transversal
  vectors (a few dozen nodes) finds vectors meeting the two conditions.

`cyclic_rounds` — a CP-SAT search for schedules invariant under a cyclic shift:
people in cycles of length m (plus a few fixed people), round t + 1 is round t
shifted by one step, so only w / m base rounds are unknown, and a pair may be
used by the base rounds at most once per orbit of pairs under the shift.  This
finds 5-3-7, 10-3-13 and 6-5-6 in well under a second.
"""

from __future__ import annotations

import time
from itertools import combinations, product

__all__ = ["doubled_affine_rounds", "cyclic_rounds", "is_valid"]

MAX_CLAUSES = 60_000  # largest cyclic model tried (6-5-6: 2,610; 10-3-13: 4,350)


def is_valid(rounds: list[list[list[int]]], n: int, group_size: int) -> bool:
    """Every round a partition of 0..n-1 into groups of `group_size`, no pair twice."""
    seen: set[tuple[int, int]] = set()
    for groups in rounds:
        if sorted(p for group in groups for p in group) != list(range(n)):
            return False
        if any(len(group) != group_size for group in groups):
            return False
        for group in groups:
            for pair in combinations(sorted(group), 2):
                if pair in seen:
                    return False
                seen.add(pair)
    return True


# ----------------------------------------------------------------------------
# 8-4-10: a resolvable 4-GDD of type 2^16


_SHEETS = 4
_T = 8          # |GF(2)^3|
_E = 7          # the difference nobody meets
_SHEET_PAIRS = list(combinations(range(_SHEETS), 2))


def _transversal_vectors() -> tuple[list[tuple[int, ...]], dict[tuple[int, int], tuple[int, int]]] | None:
    """Six vectors a (a_0 = 0) with distinct differences per sheet pair whose
    leftover differences {d, d^t} give ladders t that close into planes."""

    def finish(vectors: list[tuple[int, ...]]) -> dict[tuple[int, int], tuple[int, int]] | None:
        ladders = {}
        for q, r in _SHEET_PAIRS:
            left = sorted(set(range(_T)) - {a[q] ^ a[r] for a in vectors})
            t = left[0] ^ left[1]
            if t == _E:
                return None
            ladders[q, r] = (t, left[0])
        for q in range(_SHEETS):
            ts = [ladders[pair][0] for pair in _SHEET_PAIRS if q in pair]
            # {0, t1^e, t2^e, t3^e} is a plane not containing e
            if len(set(ts)) != 3 or ts[0] ^ ts[1] ^ ts[2] != _E:
                return None
        return ladders

    def search(vectors: list[tuple[int, ...]]):
        if len(vectors) == 6:
            ladders = finish(vectors)
            return (list(vectors), ladders) if ladders else None
        for rest in product(range(_T), repeat=_SHEETS - 1):
            a = (0,) + rest
            if a <= vectors[-1]:
                continue
            if all(len({b[q] ^ b[r] for b in vectors} | {a[q] ^ a[r]}) == len(vectors) + 1
                   for q, r in _SHEET_PAIRS):
                found = search(vectors + [a])
                if found:
                    return found
        return None

    return search([(0,) * _SHEETS])


def doubled_affine_rounds(n: int, group_size: int, rounds: int) -> list[list[list[int]]]:
    """Up to 10 rounds of foursomes of 32 people, nobody meeting twice
    (construction in the module docstring); [] for other sizes."""
    if n != _SHEETS * _T or group_size != 4 or rounds < 1:
        return []
    found = _transversal_vectors()
    if found is None:
        return []
    vectors, ladders = found

    def person(q: int, x: int) -> int:
        return q * _T + x

    def transversal(a: tuple[int, ...]) -> list[list[int]]:
        return [[person(q, a[q] ^ s) for q in range(_SHEETS)] for s in range(_T)]

    def cosets(members: list[int]) -> list[list[int]]:
        out, seen = [], set()
        for s in range(_T):
            if s not in seen:
                coset = [s ^ m for m in members]
                seen.update(coset)
                out.append(coset)
        return out

    def ladder(q: int, r: int) -> list[list[int]]:
        t, d = ladders[q, r]
        return [[person(q, s), person(q, s ^ t), person(r, s ^ d), person(r, s ^ d ^ t)]
                for s, _ in cosets([0, t])]

    def plane(q: int) -> list[list[int]]:
        members = [0] + [ladders[pair][0] ^ _E for pair in _SHEET_PAIRS if q in pair]
        return [[person(q, x) for x in coset] for coset in cosets(members)]

    out = [transversal(a) for a in vectors]
    out.append(ladder(0, 1) + plane(2) + plane(3))
    out.append(ladder(2, 3) + plane(0) + plane(1))
    out.append(ladder(0, 2) + ladder(1, 3))
    out.append(ladder(0, 3) + ladder(1, 2))
    out = [[sorted(group) for group in groups] for groups in out[:rounds]]
    return out if is_valid(out, n, group_size) else []


# ----------------------------------------------------------------------------
# Search for schedules invariant under a cyclic shift


def _shapes(n: int, groups: int, group_size: int, rounds: int) -> list[tuple[int, int, bool]]:
    """(cycle length m, base rounds b, column round) with b*m (+1) == rounds,
    fewest base rounds first.  The column round (groups = the cycles) exists
    when the cycles are exactly the groups."""
    out = []
    for m in range(2, rounds + 1):
        if n // m == 0 or n % m > groups:
            continue
        if rounds % m == 0:
            out.append((m, rounds // m, False))
        if m == group_size and n % m == 0 and (rounds - 1) % m == 0 and rounds > 1:
            out.append((m, (rounds - 1) // m, True))
    out.sort(key=lambda shape: (shape[1], -shape[0]))
    return out


def _cyclic_model(n: int, groups: int, group_size: int, m: int, b: int, column: bool,
                  seconds: float, seed: int, work: float | None = None) -> list[list[list[int]]]:
    from ortools.sat.python import cp_model

    from ..solver import new_solver

    cycled = (n // m) * m

    def shift(p: int, t: int) -> int:
        return p if p >= cycled else (p // m) * m + (p % m + t) % m

    orbit: dict[tuple[int, int], int] = {}
    size: list[int] = []
    for pair in combinations(range(n), 2):
        if pair in orbit:
            continue
        members = {tuple(sorted((shift(pair[0], t), shift(pair[1], t)))) for t in range(m)}
        for member in members:
            orbit[member] = len(size)
        size.append(len(members))
    banned = {o for o, z in enumerate(size) if z < m}  # would meet again within the cycle
    if column:
        for c in range(n // m):
            banned.update(orbit[pair] for pair in combinations(range(c * m, c * m + m), 2))

    model = cp_model.CpModel()
    x = {(r, p, j): model.NewBoolVar(f"x{r}_{p}_{j}")
         for r in range(b) for p in range(n) for j in range(groups)}
    for r in range(b):
        for p in range(n):
            model.AddExactlyOne(x[r, p, j] for j in range(groups))
            for j in range(p + 1, groups):  # groups numbered by their first member
                model.Add(x[r, p, j] == 0)
        for j in range(groups):
            model.Add(sum(x[r, p, j] for p in range(n)) == group_size)
    meets: dict[int, list] = {}
    for (p, q), o in orbit.items():
        for r in range(b):
            if o in banned:
                for j in range(groups):
                    model.AddBoolOr([x[r, p, j].Not(), x[r, q, j].Not()])
                continue
            meet = model.NewBoolVar("")
            for j in range(groups):
                model.AddBoolOr([x[r, p, j].Not(), x[r, q, j].Not(), meet])
            meets.setdefault(o, []).append(meet)
    for lits in meets.values():
        if len(lits) > 1:
            model.AddAtMostOne(lits)

    solver = new_solver(seconds, seed, work=work)
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    out = []
    if column:
        out.append([list(range(c * m, c * m + m)) for c in range(n // m)])
    for r in range(b):
        base = [[p for p in range(n) if solver.Value(x[r, p, j])] for j in range(groups)]
        for t in range(m):
            out.append([sorted(shift(p, t) for p in group) for group in base])
    return out


def cyclic_rounds(n: int, group_size: int, rounds: int, deadline: float,
                  seed: int = 0, work: float | None = None) -> list[list[list[int]]]:
    """`rounds` rounds without repeats found by CP-SAT among the schedules
    invariant under a cyclic shift of the people (module docstring), tried for
    the cycle lengths in turn; [] when none is found.  `work`: CP-SAT's
    deterministic seconds for all of them (counted: the same answer on a busy
    machine; default the time left), `deadline` (monotonic) only cuts a
    machine too slow for them."""
    if group_size < 2 or n % group_size or rounds < 1 or n > 200:
        return []
    groups = n // group_size
    if rounds * (group_size - 1) > n - 1:
        return []
    # the model has b * pairs * groups clauses; past a few ten thousand its
    # construction alone eats the budget and CP-SAT rarely answers in time
    shapes = [shape for shape in _shapes(n, groups, group_size, rounds)
              if shape[1] * n * (n - 1) // 2 * groups <= MAX_CLAUSES]
    work = max(deadline - time.monotonic(), 0.0) if work is None else work
    for k, (m, b, column) in enumerate(shapes):
        left = deadline - time.monotonic()
        if left <= 0.05 or work <= 0.01:
            break
        # the earlier shapes (fewer unknown rounds) get the larger share of the counted work
        share = work / 2 if k < len(shapes) - 1 else work
        work -= share
        found = _cyclic_model(n, groups, group_size, m, b, column, left, seed, share)
        if found and is_valid(found, n, group_size):
            return found
    return []
