"""Benchmark 2: wall time against the rate-limit bound, in the same cold run.

The simulator enforces its per-token limit (requests a minute, in fixed windows
like the service's) and the client is set just under it. The bound is the time
the API requests need at exactly the allowed rate; the token request is not
rate limited and is left out of it. Targets: at most 1.15 times the bound, and
429 answers under 1% of requests.
"""

from __future__ import annotations

from bench.report import BenchResult, Figure, ratio
from bench.scenario import ColdRun

KEY = "time_vs_rate_bound"
TARGET = 1.15
MAX_429_SHARE = 0.01
TOKEN_ROUTE = "POST /oauth/token"


def run(cold: ColdRun) -> BenchResult:
    stats = cold.sim_stats
    api_requests = stats.total - stats.by_route.get(TOKEN_ROUTE, 0)
    allowed_per_s = cold.scenario.rate_per_minute / 60.0
    bound_s = api_requests / allowed_per_s
    seconds = cold.record.seconds
    rejected = stats.by_status.get(429, 0)
    result = BenchResult(KEY, "2. Time against the rate-limit bound")
    result.settings = cold.scenario.describe()
    result.add(Figure("wall time", seconds, "s"))
    result.add(Figure("bound: API requests / allowed rate", bound_s, "s"))
    result.add(Figure("wall time / bound", ratio(seconds, bound_s), "x", TARGET))
    result.add(
        Figure(
            "429 share of requests",
            ratio(rejected, stats.total),
            "",
            MAX_429_SHARE,
            "<",
        )
    )
    result.facts = {
        "api_requests": api_requests,
        "responses_429": rejected,
        "by_status": dict(stats.by_status),
        "client_retries": cold.record.client_stats.retries,
        "achieved_requests_per_minute": 60.0 * ratio(api_requests, seconds),
    }
    return result
