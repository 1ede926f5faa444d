"""Benchmark of the pairs planner: `python -m bench` (or `make bench`)."""
