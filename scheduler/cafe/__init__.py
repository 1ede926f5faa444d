"""Pro-Action-Café blocks: hosts stay, guests move to a new table each round.

`CafeProblem.build` (`cafe.problem`) puts a `CafeBlock` into index space and raises
`Infeasible` with a reason when no seating can exist.  `solve_cafe_block`
(`cafe.solve`) plans it, from the constructive start (`cafe.start`):

first one CP-SAT model with a linear objective, then simulated annealing over moves and swaps
(`cafe.search` says how).

`plan_cafe_greedy` is the round-by-round greedy baseline of the benchmark.
`cafe_bound` (`cafe.bounds`) is the smaller of two proven bounds: each guest's
best ranked choices plus a b-matching of the best pairs, and (when time allows)
the LP bound of `cafe.lp_bounds`: a choice LP that knows table seats plus a
triangle LP of the pairs, both evaluated from their duals.  After the search,
`table_bound` (`cafe.table_lp`) bounds the choices and the pairs together: an
LP over whole tables (a table, a round and its guests per column) by column
generation, priced by branch and bound; where it finishes in time it is far
tighter, and the block keeps the smaller bound.
"""

from .bounds import cafe_bound
from .problem import CafeProblem, as_ids
from .search import CafeSeating, plan_cafe_greedy, solve_cafe
from .solve import cafe_score, solve_cafe_block
from .start import start_cafe
from .table_lp import table_bound

__all__ = ["CafeProblem", "CafeSeating", "solve_cafe", "solve_cafe_block", "plan_cafe_greedy",
           "cafe_bound", "cafe_score", "as_ids", "start_cafe", "table_bound"]
