"""Speed networking in pairs (`group_size == 2`).

`PairsProblem.build` (`pairs.problem`) puts the block into index space;
`solve_pairs_block` (`pairs.solve`) plans it: the b-matching (`pairs.lp`,
`pairs.model`) chooses which pairs meet and bounds the score, an edge
colouring (`pairs.colouring`) or the CP-SAT split puts them into rounds, and
round-by-round matching (`pairs.matching`) is the baseline and the fallback.
"""

from .matching import plan_greedily, plan_round_by_round
from .problem import Edge, PairsProblem, PublishedGroup
from .solve import BestPlan, solve_pairs, solve_pairs_block

__all__ = ["PairsProblem", "PublishedGroup", "Edge", "solve_pairs_block", "solve_pairs", "BestPlan",
           "plan_round_by_round", "plan_greedily"]
