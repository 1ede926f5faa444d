"""Speed networking in groups of three or more, including the Social Golfer
Problem (all pair values zero, `allow_repeats`, minimise repeats).

`GroupsProblem.build` puts a `SpeedBlock` into index space; `solve_groups`
plans it:

 1. a value-aware greedy builds every free round (locked people first, then
    each group grows by the person who adds most, penalties for repeats);
 2. local search on swaps of two people between groups of one round, with a
    pair meet-count matrix so that a move costs O(group size):
    * simulated annealing when pair values differ (the weighted part),
      then four times again from the best plan at a lower temperature, a
      quarter of the moves each;
    * then (`lns`) a counted number of large neighbourhoods re-solved exactly by
      CP-SAT: a few groups in two or three rounds, chosen where value is lost;
    * tabu search on conflicting players (Dotú & Van Hentenryck) to remove
      repeats and forbidden meetings, with perturbation from the best plan;
 3. the best plan wins.  Every stage ends by counted work (swaps, weighed
    swaps, nodes, CP-SAT's deterministic time), sized from the instance and
    the time limit, never from a measured speed: same seed, same plan, also
    on a busy machine; the deadline only cuts a machine too slow for the work.

The `bound` is a b-matching: each person has at most (g-1) partners per round
attended (g when the round needs larger groups), each pair counts once; its
CP-SAT bound is a proven upper bound on the block's score.  Without
`allow_repeats` and with groups of one size the clique LP is tighter: it
chooses groups (g <= 4) or triangles, by column generation in which every
iteration's duals give a proven bound (`clique_bound`).

Hard rules (never the same pair twice unless `allow_repeats`, never a
forbidden pair) are counted as conflicts; the search minimises conflicts
first and the score second, and a plan with conflicts left is not returned.
"""

from .bounds import CLIQUE_SETS_MAX, CliqueLP, clique_bound, clique_size, groups_bound
from .problem import GroupsProblem
from .search import GroupsPlan, plan_groups_greedy, solve_groups
from .solve import solve_groups_block

__all__ = ["GroupsProblem", "GroupsPlan", "solve_groups", "solve_groups_block", "groups_bound",
           "clique_bound", "clique_size", "CliqueLP", "CLIQUE_SETS_MAX", "plan_groups_greedy"]
