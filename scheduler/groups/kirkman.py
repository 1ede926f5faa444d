"""Two direct constructions of resolvable designs (the ones the searches of
`constructions` do not reach), pure and deterministic.

`kirkman_2q1(v)` — a Kirkman triple system on v = 2q + 1 people for a prime
power q = 6t + 1 with -1 a non-square in GF(q) (q = 7, 19, 31, 43, ...: 15, 39,
63 people).  People are GF(q) x {1, 2} and oo.  Let Q be the nonzero squares,
N = -Q the non-squares, e a cube root of unity (e = w^(2t), w primitive), so
C6 = {+-1, +-e, +-e^2} is the subgroup of order 6 and each coset z C6 has one
half z C3 in N.  The base round holds
  * {oo, (0,1), (0,2)},
  * {(z,2), (ez,2), (e^2 z,2)} for t representatives z in N of the cosets of
    C6: their differences z(1-e)C6 are every nonzero element once, and they
    cover N in level 2;
  * {(x,1), (-x,1), (cx,2)} for x in Q, with c a square and c^2 - 1 a
    non-square: the level-1 differences +-2x cover GF(q)* once, the mixed
    differences (c-1)x and (c+1)x run through Q and N (one factor is a
    square, the other not), so with the 0 of the first group every mixed
    difference appears once; the groups cover Q and N in level 1, Q in
    level 2.
Round j adds j to every element (oo stays): q = (v - 1) / 2 rounds.

`multiply_by_k(design, u, k)` — from a resolvable (u, k, 1) design a
resolvable (k u, k, 1) design, k a prime power: people (i, x) with i in GF(k),
x a person of the design.  One round of "columns" {(i, x) : i in GF(k)}; then
for each round of the design and each slope s in GF(k) one round: every block
B = {b_0 < ... < b_{k-1}} of the round (b_j identified with the field element
j) gives the k lines {(s j + a, b_j) : j} for a in GF(k) of the affine plane
on GF(k) x B.  Two people with the same x meet only in the column round;
(i, x), (i', y) with x != y share exactly one block B of the design and one
non-vertical line of its plane.  1 + k (u - 1) / (k - 1) = (k u - 1) / (k - 1)
rounds.  It gives KTS(45) from KTS(15) (and KTS(27), KTS(63) again).
"""

from __future__ import annotations

from .constructions import gf

__all__ = ["kirkman_2q1", "multiply_by_k"]


def _prime(q: int) -> bool:
    return q >= 2 and all(q % d for d in range(2, int(q ** 0.5) + 1))


def kirkman_2q1(v: int) -> list[list[list[int]]]:
    """The (v - 1) / 2 rounds of the Kirkman triple system above, people
    numbered x (level 1), q + x (level 2), 2q (oo) for x in GF(q) = 0..q-1;
    [] when v does not fit (q prime here, which covers every size to 64)."""
    q = (v - 1) // 2
    if v % 2 == 0 or q % 12 != 7 or not _prime(q):
        return []
    t = (q - 1) // 6
    w = next(g for g in range(2, q) if len({pow(g, i, q) for i in range(q - 1)}) == q - 1)
    squares = {pow(w, 2 * i, q) for i in range((q - 1) // 2)}
    e = pow(w, 2 * t, q)
    c = next((c for c in sorted(squares) if c not in (1, q - 1) and (c * c - 1) % q not in squares
              and (c * c - 1) % q), None)
    if c is None:
        return []
    oo = 2 * q
    base = [[oo, 0, q]]
    # representatives of the cosets of C6 = <w^t>: w^i, i < t; their half in N: w^i or -w^i
    for i in range(t):
        z = pow(w, i, q)
        if z in squares:
            z = q - z
        base.append([q + z, q + e * z % q, q + e * e * z % q])
    for x in sorted(squares):
        base.append([x, q - x, q + c * x % q])

    def shift(p: int, j: int) -> int:
        return p if p == oo else (p // q) * q + (p % q + j) % q

    return [sorted(sorted(shift(p, j) for p in group) for group in base) for j in range(q)]


def multiply_by_k(design: list[list[list[int]]], u: int, k: int) -> list[list[list[int]]]:
    """The resolvable (k u, k, 1) design above from a resolvable (u, k, 1)
    `design` on people 0..u-1 (k a prime power); person (i, x) is i * u + x."""
    add, mul = gf(k)
    out = [[[i * u + x for i in range(k)] for x in range(u)]]
    for groups in design:
        for s in range(k):
            round_ = []
            for block in groups:
                block = sorted(block)
                for a in range(k):
                    round_.append(sorted(add[mul[s][j]][a] * u + b for j, b in enumerate(block)))
            out.append(round_)
    return [sorted(groups) for groups in out]
