"""Resolvable designs by construction: every round a partition of the people
into groups of k, no pair meeting twice, as many rounds as the design has.

Three constructions, all pure and deterministic:

* `round_robin` (k = 2, any even n): the circle method.  Person n-1 sits in the
  middle, the others on a circle Z_{n-1}; in round r the middle meets r and
  x meets y whenever x + y = 2r (mod n-1).  n-1 rounds, a 1-factorisation.

* `affine_lines` (n = q^d, k = q a prime power): the lines of the affine space
  AG(d, q) over the field GF(q).  The lines with one direction (a point of the
  projective space, a nonzero vector whose first nonzero coordinate is 1)
  split the space into q^(d-1) parallel lines, one round; two points lie on
  exactly one line, so the (q^d - 1) / (q - 1) rounds never repeat a pair.
  d = 2 gives the affine planes (4, 9, 16, 25, 49, 64 people), d = 3 the
  Kirkman system of 27 and the resolvable 4-design of 64.  GF(p^e) is built
  from the first monic irreducible polynomial of degree e over GF(p).

* `rotational_rounds` (k | v, k - 1 | v - 1): a 1-rotational resolvable design.
  The people are Z_N (N = v - 1) and one fixed person oo.  R = N / (k - 1) is
  the number of rounds and H = {0, R, 2R, ...} the subgroup of order k - 1.
  A base round holds the group {oo} + H and the groups T_i + h (h in H) for
  s = (v/k - 1) / (k - 1) base blocks T_i; round j is the base round plus j
  (mod N), j = 0..R-1.  Nobody meets twice exactly when
    - the differences x - y of the T_i, with the nonzero elements of H,
      are every nonzero element of Z_N once, and
    - the sets T_i + H are disjoint and cover Z_N minus H (a round is a
      partition).
  (A pair of difference d lies in one translate of exactly one base block;
  translating the base round by j < R covers all N translates since T_i + h
  runs through H.)  A depth-first search finds the T_i: every block starts at
  the smallest person not yet covered, then adds people in increasing order
  whose differences are all new.  The search is counted in nodes, so the same
  sizes always give the same design.  The same works over any abelian group
  of order v - 1 (`moduli`, H given by generators).  Over Z_{v-1} this gives
  the Kirkman triple systems of 33, 51 and 57 people and the resolvable
  4-designs of 40 and 52 (there is none of 15, 21 or 28; 39, 45 and 63 are
  out of its reach); over Z_3^3, the additive group of GF(27), the resolvable
  4-design of 28 people.

* `cyclic_rounds` (v = c m + 1, m odd): people Z_m x {0..c-1} and oo, and
  b = c / (k - 1) base rounds, each developed over Z_m (b m rounds).  A pair
  is labelled by its levels and difference; every label must appear once in
  the base rounds, and oo meets the levels a(k-1)..(a+1)(k-1)-1 in base round
  a.  Same kind of depth-first search (Kirkman systems of 15 and 21).

`designs.design_rounds` picks the first that applies, with the direct
constructions of `kirkman`.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

__all__ = ["affine_lines", "cyclic_rounds", "gf", "prime_power", "rotational_rounds", "round_robin"]

NODE_LIMIT = 200_000  # depth-first nodes of the base-block search (far above what the sizes below need)

# ----------------------------------------------------------------------------
# Pairs


def round_robin(n: int) -> list[list[list[int]]]:
    """n - 1 rounds of pairs of people 0..n-1 (n even), everyone meeting everyone once."""
    if n < 2 or n % 2:
        return []
    m = n - 1
    out = []
    for r in range(m):
        pairs = [[r, m]] if m else []
        for x in range(m):
            y = (2 * r - x) % m
            if x < y:
                pairs.append([x, y])
        out.append(sorted(sorted(p) for p in pairs))
    return out


# ----------------------------------------------------------------------------
# Finite fields and affine spaces


def prime_power(n: int) -> tuple[int, int] | None:
    """(p, k) with p prime and p**k == n, or None."""
    if n < 2:
        return None
    p = next(d for d in range(2, n + 1) if n % d == 0)
    e, rest = 0, n
    while rest % p == 0:
        rest //= p
        e += 1
    return (p, e) if rest == 1 else None


def _poly_mul_mod(a: list[int], b: list[int], modulus: list[int], p: int) -> list[int]:
    """a * b mod the monic `modulus` over GF(p); coefficients lowest degree first."""
    e = len(modulus) - 1
    out = [0] * (2 * e)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] = (out[i + j] + x * y) % p
    for d in range(len(out) - 1, e - 1, -1):
        c = out[d]
        if c:
            for i in range(e + 1):
                out[d - e + i] = (out[d - e + i] - c * modulus[i]) % p
    return out[:e]


def _irreducible(p: int, e: int) -> list[int]:
    """The first monic polynomial of degree e over GF(p) without a root in
    GF(p) and (for e <= 3 that suffices; for e > 3) without a factor of lower
    degree, found by trial division."""

    def divides(f: list[int], g: list[int]) -> bool:  # does monic f divide g?
        g = g[:]
        df = len(f) - 1
        for d in range(len(g) - 1, df - 1, -1):
            c = g[d]
            if c:
                for i in range(df + 1):
                    g[d - df + i] = (g[d - df + i] - c * f[i]) % p
        return not any(g[:df])

    for tail in product(range(p), repeat=e):
        g = list(reversed(tail)) + [1]
        if g[0] == 0:
            continue
        if any(divides(list(low) + [1], g)
               for d in range(1, e // 2 + 1) for low in product(range(p), repeat=d)):
            continue
        return g
    raise ValueError(f"no irreducible polynomial of degree {e} over GF({p})")


@lru_cache(maxsize=None)
def gf(q: int) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """Addition and multiplication tables of GF(q), q a prime power; the
    element sum c_i p^i stands for the polynomial sum c_i x^i."""
    pe = prime_power(q)
    if pe is None:
        raise ValueError(f"{q} is not a prime power")
    p, e = pe

    def digits(a: int) -> list[int]:
        return [(a // p ** i) % p for i in range(e)]

    def number(c: list[int]) -> int:
        return sum(x * p ** i for i, x in enumerate(c))

    modulus = _irreducible(p, e) if e > 1 else [0, 1]
    add = tuple(tuple(number([(x + y) % p for x, y in zip(digits(a), digits(b))]) for b in range(q))
                for a in range(q))
    if e == 1:
        mul = tuple(tuple(a * b % p for b in range(q)) for a in range(q))
    else:
        mul = tuple(tuple(number(_poly_mul_mod(digits(a), digits(b), modulus, p)) for b in range(q))
                    for a in range(q))
    return add, mul


def affine_lines(n: int, k: int) -> list[list[list[int]]]:
    """The parallel classes of lines of AG(d, k) when n == k**d (k a prime
    power, d >= 2): (n - 1) / (k - 1) rounds; [] otherwise."""
    if prime_power(k) is None or n > 4096:
        return []
    d, size = 0, 1
    while size < n:
        size *= k
        d += 1
    if size != n or d < 2:
        return []
    add, mul = gf(k)
    points = list(product(range(k), repeat=d))
    number = {x: i for i, x in enumerate(points)}
    out = []
    for direction in points:
        nonzero = [c for c in direction if c]
        if not nonzero or nonzero[0] != 1:
            continue
        seen: set[int] = set()
        lines = []
        for x in points:
            if number[x] in seen:
                continue
            line = sorted(number[tuple(add[a][mul[t][u]] for a, u in zip(x, direction))] for t in range(k))
            seen.update(line)
            lines.append(line)
        out.append(sorted(lines))
    return out


# ----------------------------------------------------------------------------
# 1-rotational designs


def _abelian(moduli: tuple[int, ...]) -> tuple[list[list[int]], list[int]]:
    """Addition table and negatives of Z_m1 x Z_m2 x ..., elements numbered in
    mixed radix (the first coordinate most significant)."""
    elements = list(product(*(range(m) for m in moduli)))
    number = {x: i for i, x in enumerate(elements)}
    add = [[number[tuple((a + b) % m for a, b, m in zip(x, y, moduli))] for y in elements] for x in elements]
    neg = [number[tuple(-a % m for a, m in zip(x, moduli))] for x in elements]
    return add, neg


def _base_blocks(add: list[list[int]], neg: list[int], sub: list[int], k: int,
                 node_limit: int) -> list[list[int]] | None:
    """Base blocks T_i of a 1-rotational resolvable design over the group of
    `add` with the subgroup `sub` of order k - 1 (module docstring), or None
    when the counted search finds none."""
    n = len(add)
    wanted = ((n + 1) // k - 1) // (k - 1)
    used = [False] * n      # differences
    covered = [False] * n   # people of the group in H or in some T_i + H
    for h in sub:
        covered[h] = True
        used[h] = True
    blocks: list[list[int]] = []
    nodes = 0

    def cover(block: list[int], flag: bool) -> None:
        for x in block:
            for h in sub:
                covered[add[x][h]] = flag

    def grow(block: list[int]) -> bool:
        nonlocal nodes
        nodes += 1
        if nodes > node_limit:
            return False
        if len(block) == k:
            blocks.append(list(block))
            cover(block, True)
            if place():
                return True
            cover(block, False)
            blocks.pop()
            return False
        for y in range(block[-1] + 1, n):
            if covered[y]:
                continue
            new: list[int] = []
            for x in block:
                for d in (add[y][neg[x]], add[x][neg[y]]):
                    if used[d] or d in new:
                        break
                    new.append(d)
                else:
                    continue
                break
            else:
                for d in new:
                    used[d] = True
                block.append(y)
                if grow(block):
                    return True
                block.pop()
                for d in new:
                    used[d] = False
                if nodes > node_limit:
                    return False
        return False

    def place() -> bool:
        if len(blocks) == wanted:
            return True
        # the block of the first person left (a translate by H puts it there)
        x = covered.index(False)
        coset = [add[x][h] for h in sub]
        for c in coset:   # nobody else of x's coset may join the block
            covered[c] = True
        found = grow([x])
        for c in coset:
            covered[c] = False
        return found

    return [list(b) for b in blocks] if place() else None


@lru_cache(maxsize=64)
def _rotational(moduli: tuple[int, ...], generators: tuple[int, ...], k: int, node_limit: int) -> tuple | None:
    add, neg = _abelian(moduli)
    n = len(add)
    sub = [0]
    for g in generators:   # the subgroup they generate
        while True:
            bigger = sorted({add[h][g] for h in sub} | set(sub))
            if bigger == sub:
                break
            sub = bigger
    if len(sub) != k - 1:
        return None
    blocks = _base_blocks(add, neg, sub, k, node_limit)
    if blocks is None:
        return None
    oo = n
    base = [[oo] + sub]
    for block in blocks:
        for h in sub:
            base.append([add[x][h] for x in block])
    shifts, seen = [], set()
    for g in range(n):   # one element of each coset of H
        if g not in seen:
            shifts.append(g)
            seen.update(add[g][h] for h in sub)
    return tuple(tuple(tuple(sorted(p if p == oo else add[p][j] for p in group)) for group in base)
                 for j in shifts)


def rotational_rounds(v: int, k: int, node_limit: int = NODE_LIMIT, moduli: tuple[int, ...] | None = None,
                      generators: tuple[int, ...] | None = None) -> list[list[list[int]]]:
    """The (v - 1) / (k - 1) rounds of a 1-rotational resolvable (v, k, 1)
    design over the group Z_m1 x Z_m2 x ... (`moduli`, default Z_{v-1}) with
    H generated by `generators` (element numbers, default (v-1)/(k-1) in
    Z_{v-1}), found within `node_limit` search nodes; [] when the sizes do not
    fit or the search finds none."""
    if k < 3 or v % k or (v - 1) % (k - 1) or (v // k - 1) % (k - 1) or v > 400:
        return []
    if moduli is None:
        moduli, generators = (v - 1,), ((v - 1) // (k - 1),)
    found = _rotational(tuple(moduli), tuple(generators or ()), k, node_limit)
    if found is None:
        return []
    return [sorted(list(group) for group in groups) for groups in found]


# ----------------------------------------------------------------------------
# Cyclic designs with one fixed person


def _cyclic_base(m: int, c: int, k: int, node_limit: int) -> list[list[list[int]]] | None:
    """b = c / (k - 1) base rounds of a resolvable (cm + 1, k, 1) design over
    Z_m x {0..c-1} and oo (module docstring), m odd; None when the counted
    search finds none.  People are numbered level * m + x, oo is c * m."""
    b = c // (k - 1)
    oo = c * m
    # labels: (a, a, d) and (a, a, -d) are one label, stored under both d
    used: set[tuple[int, int, int]] = set()
    covered = [False] * (c * m)
    rounds: list[list[list[int]]] = []
    nodes = 0

    def labels(p: int, q: int) -> list[tuple[int, int, int]]:
        (a, x), (b2, y) = divmod(p, m), divmod(q, m)
        if a == b2:
            return [(a, a, (y - x) % m), (a, a, (x - y) % m)]
        return [(a, b2, (y - x) % m)] if a < b2 else [(b2, a, (x - y) % m)]

    def fits(block: list[int], q: int) -> list[tuple[int, int, int]] | None:
        new: list[tuple[int, int, int]] = []
        for p in block:
            if p == oo:
                continue
            for label in labels(p, q):
                if label in used or label in new:
                    return None
                new.append(label)
        return new

    def grow(block: list[int], after: int, levels: list[int] | None) -> bool:
        """Complete `block` with people after `after` (in the given levels
        for the block of oo), then the rest of the round."""
        nonlocal nodes
        nodes += 1
        if nodes > node_limit:
            return False
        if len(block) == k:
            rounds[-1].append(list(block))
            if fill():
                return True
            rounds[-1].pop()
            return False
        if levels is not None:
            level = levels[len(block) - 2]
            candidates = range(level * m, level * m + m)
        else:
            candidates = range(after + 1, c * m)
        for q in candidates:
            if covered[q]:
                continue
            new = fits(block, q)
            if new is None:
                continue
            used.update(new)
            covered[q] = True
            block.append(q)
            if grow(block, q, levels):
                return True
            block.pop()
            covered[q] = False
            used.difference_update(new)
            if nodes > node_limit:
                return False
        return False

    def fill() -> bool:
        """Next block of the current round, or the next round."""
        free = [p for p in range(c * m) if not covered[p]]
        if free and not rounds[-1]:
            raise AssertionError("a round starts with the block of oo")
        if len(rounds[-1]) * k == c * m + 1:
            if len(rounds) == b:
                return True
            saved = covered[:]
            covered[:] = [False] * (c * m)
            if start():
                return True
            covered[:] = saved
            return False
        x = free[0]
        covered[x] = True
        found = grow([x], x, None)
        covered[x] = False
        return found

    def start() -> bool:
        """A new base round: oo with person 0 of its first level (a shift of
        the round makes it 0) and one person of each of its other levels."""
        r = len(rounds)
        levels = list(range(r * (k - 1), (r + 1) * (k - 1)))
        rounds.append([])
        first = levels[0] * m
        covered[first] = True
        found = grow([oo, first], first, levels[1:] + [0])
        if not found:
            covered[first] = False
            rounds.pop()
        return found

    if m % 2 == 0 or c % (k - 1):
        return None
    return [[list(g) for g in groups] for groups in rounds] if start() else None


@lru_cache(maxsize=64)
def _cyclic(m: int, c: int, k: int, node_limit: int) -> tuple | None:
    base = _cyclic_base(m, c, k, node_limit)
    if base is None:
        return None
    oo = c * m

    def shift(p: int, j: int) -> int:
        return p if p == oo else (p // m) * m + (p % m + j) % m

    return tuple(tuple(tuple(sorted(shift(p, j) for p in group)) for group in groups)
                 for groups in base for j in range(m))


def cyclic_rounds(v: int, k: int, m: int, node_limit: int = NODE_LIMIT) -> list[list[list[int]]]:
    """The (v - 1) / (k - 1) rounds of a resolvable (v, k, 1) design invariant
    under Z_m (v = c m + 1, m odd), found within `node_limit` search nodes;
    [] when the sizes do not fit or the search finds none."""
    if k < 3 or v % k or (v - 1) % m or ((v - 1) // m) % (k - 1) or v > 400:
        return []
    found = _cyclic(m, (v - 1) // m, k, node_limit)
    if found is None:
        return []
    return [sorted(list(group) for group in groups) for groups in found]
