"""Run every benchmark in order: `python -m bench [--quick] [--only 1,3]`.

One simulated org serves them all, in a process of its own; benchmarks 1, 2
and 4 read the same cold extraction, which runs first.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench import (
    client_cost,
    first_figures,
    naive_compare,
    rate_bound,
    requests_minimum,
    warm_reopen,
)
from bench.report import BenchResult, format_table, write_artifact
from bench.scenario import ColdRun, Scenario, cold_run
from bench.simproc import SimProcess
from genesys_sim import build_org

ARTIFACT = Path("artifacts") / "bench.json"
Benchmark = Callable[[ColdRun, Path], BenchResult]

BENCHMARKS: tuple[tuple[int, str, Benchmark], ...] = (
    (1, requests_minimum.KEY, lambda cold, _: requests_minimum.run(cold)),
    (2, rate_bound.KEY, lambda cold, _: rate_bound.run(cold)),
    (3, naive_compare.KEY, naive_compare.run),
    (4, first_figures.KEY, lambda cold, _: first_figures.run(cold)),
    (5, warm_reopen.KEY, warm_reopen.run),
    (6, client_cost.KEY, client_cost.run),
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    scenario = Scenario.tiny() if args.quick else Scenario.full()
    if args.rate_limit:
        scenario = replace(scenario, rate_per_minute=args.rate_limit)
    wanted = {int(n) for n in args.only.split(",")} if args.only else None
    began = time.perf_counter()
    results = run_all(scenario, wanted)
    write_artifact(results, args.out)
    elapsed = time.perf_counter() - began
    missed = [
        f"{r.key}: {f.name}" for r in results for f in r.figures if f.status == "MISS"
    ]
    failed = [r.key for r in results if r.error]
    print(
        f"\n{len(results)} benchmarks in {elapsed:.0f} s; {len(missed)} figures missed"
    )
    print(f"results written to {args.out}")
    return 1 if failed else 0


def run_all(scenario: Scenario, wanted: set[int] | None = None) -> list[BenchResult]:
    """Build the org, serve it, run the cold extraction, then each benchmark."""
    print(
        f"Building the org ({scenario.spec.agents} agents, {scenario.days} days)...",
        flush=True,
    )
    org = build_org(scenario.spec)
    results: list[BenchResult] = []
    with SimProcess(scenario.settings()) as sim, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print(f"Cold extraction of {scenario.start}..{scenario.end}...", flush=True)
        cold = cold_run(scenario, org, sim, workdir / "cold")
        for number, _, benchmark in BENCHMARKS:
            if wanted is None or number in wanted:
                results.append(_run_one(benchmark, cold, workdir / f"bench{number}"))
    return results


def _run_one(benchmark: Benchmark, cold: ColdRun, workdir: Path) -> BenchResult:
    workdir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    try:
        result = benchmark(cold, workdir)
    except Exception as exc:  # noqa: BLE001 - one failed benchmark must not hide the others
        result = BenchResult(
            key=getattr(benchmark, "__name__", "benchmark"), title="failed"
        )
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - began
    print(format_table(result))
    print(result.json_line(), flush=True)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="a tiny org: seconds, not minutes"
    )
    parser.add_argument("--only", default="", help="comma-separated benchmark numbers")
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=0,
        help="the simulator's requests a minute (default: the scenario's)",
    )
    parser.add_argument(
        "--out", type=Path, default=ARTIFACT, help="where to write all results"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
