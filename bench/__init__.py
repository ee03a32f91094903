"""Benchmarks of CSAT Explorer: `python -m bench` (or `make bench`).

Each benchmark prints its figures as a table and as one JSON line, each figure
beside its target with PASS or MISS; all results are also written to
`artifacts/bench.json`. See docs/performance.md for what each figure means.
"""
