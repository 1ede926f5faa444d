"""Pro-Action-Café blocks: hosts stay, guests move to a new table each round.

`CafeProblem.build` (`cafe.problem`) puts a `CafeBlock` into index space and raises
`Infeasible` with a reason when no seating can exist.  `solve_cafe_block`
(`cafe.solve`) plans it, from the constructive start (`cafe.start`):

 1. one CP-SAT model seats every guest in every free round with all hard rules
    (seats, balanced head-counts, table language, never the same table twice,
    locks) and a *linear* objective: ranked choices, the value of meeting the
    host, keeping the published table.  Linear, so it stays small at n = 200;
 2. simulated annealing over moves of one guest to a less full table and swaps
    of two guests in one round adds the value of who sits together, with
    repeats and forbidden pairs penalised against every round.  Moves keep
    every hard rule, so every plan it holds is valid.

`plan_cafe_greedy` is the round-by-round greedy baseline of the benchmark.
The `bound` adds each guest's best ranked choices and a b-matching of the
best pairs (each person has at most as many table-mates as the largest
tables allow).
"""

from .bounds import cafe_bound
from .problem import CafeProblem, as_ids
from .search import CafeSeating, plan_cafe_greedy, solve_cafe
from .solve import cafe_score, solve_cafe_block
from .start import start_cafe

__all__ = ["CafeProblem", "CafeSeating", "solve_cafe", "solve_cafe_block", "plan_cafe_greedy",
           "cafe_bound", "cafe_score", "as_ids", "start_cafe"]
