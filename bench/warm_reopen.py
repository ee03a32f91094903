"""Benchmark 5: reopening a completed range.

API calls: the cold run's range is opened again from its store, once without a
refresh (target: no call at all) and once with one, which re-reads only the
look-back period (target: no call for data older than it; the token and the
form check are fixed costs and counted apart). Every request is classified by
what it reads: details queries by their interval, answers by their survey's
conversation start.

Rendering: the dashboard opens a store of synthetic responses through AppTest
(`bench.dashboard_run`): the Overview from an empty data cache (the store is
read), then the Interactions page reached from it, each run once more after.
Target: under 1 s each.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bench.dashboard_run import (
    PageRender,
    dashboard_env,
    prepare_store,
    render_session,
)
from bench.harness import SentRequest, extract_request, run_extraction
from bench.report import BenchResult, Figure
from bench.routes import kind_of
from bench.scenario import ColdRun
from bench.simproc import quiet, settled
from genesys_sim.org import Org

KEY = "warm_reopen"
RENDER_TARGET_S = 1.0


def run(cold: ColdRun, workdir: Path) -> BenchResult:
    result = BenchResult(KEY, "5. Warm reopen")
    result.settings = {
        **cold.scenario.describe(),
        "dashboard_responses": cold.scenario.dashboard_responses,
    }
    _api_calls(result, cold)
    _renders(result, cold, workdir / "dashboard")
    return result


def _api_calls(result: BenchResult, cold: ColdRun) -> None:
    scenario = cold.scenario
    lookback_start = scenario.as_of - timedelta(days=7)
    counts: dict[str, dict[str, int]] = {}
    for refresh in (False, True):
        request = extract_request(scenario.start, scenario.end, refresh=refresh)
        before = cold.sim.stats()
        record = run_extraction(cold.config(), request, scenario.as_of)
        counted = settled(cold.sim, before, record.requests).total
        older = [r for r in record.sent if _reads_before(r, lookback_start, cold.org)]
        label = "refresh on" if refresh else "refresh off"
        counts[label] = {
            "simulator_count": counted,
            "older_than_lookback": len(older),
            "seconds_x1000": round(record.seconds * 1000),
        }
        counts[label].update(_kinds(record.sent))
    result.add(
        Figure(
            "refresh off: API calls",
            counts["refresh off"]["simulator_count"],
            "req",
            0,
            "==",
        )
    )
    result.add(
        Figure(
            "refresh on: calls for data older than the look-back",
            counts["refresh on"]["older_than_lookback"],
            "req",
            0,
            "==",
        )
    )
    result.add(
        Figure(
            "refresh on: all API calls", counts["refresh on"]["simulator_count"], "req"
        )
    )
    result.facts["reopen"] = counts


def _renders(result: BenchResult, cold: ColdRun, store_dir: Path) -> None:
    scenario = cold.scenario
    env = dashboard_env(
        cold.sim.base_url, store_dir, cold.scenario.client_rate_per_minute
    )
    result.facts["store"] = prepare_store(
        env, cold.org, scenario, scenario.dashboard_responses, with_previous=True
    )
    before = cold.sim.stats()
    overview, interactions = render_session(env)
    dashboard_calls = quiet(cold.sim, before).total
    _add_render(result, overview, "reopen, data read from the store")
    _add_render(result, interactions, "opened after the Overview")
    result.add(Figure("dashboard: API calls while rendering", dashboard_calls, "req"))


def _add_render(result: BenchResult, render: PageRender, first: str) -> None:
    name = render.title
    result.add(Figure(f"{name}: {first}", render.first_s, "s", RENDER_TARGET_S, "<"))
    result.add(Figure(f"{name}: run again", render.again_s, "s", RENDER_TARGET_S, "<"))
    result.facts[name] = {**render.facts, "errors": render.errors}
    if render.errors:
        result.error = f"{name} showed an error: {render.errors[0][:200]}"


def _reads_before(request: SentRequest, instant: datetime, org: Org) -> bool:
    """Whether a request reads data of conversations that started before `instant`."""
    if request.interval:
        start = request.interval.split("/", 1)[0]
        return datetime.fromisoformat(start.replace("Z", "+00:00")) < instant
    if kind_of(request.route) == "answers":
        survey_id = request.path.rstrip("/").rsplit("/", 1)[-1]
        survey = org.survey_record(survey_id)
        conversation = org.conversation(survey.conversation_id) if survey else None
        return conversation is not None and conversation.start < instant
    return False


def _kinds(sent: list[SentRequest]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for request in sent:
        kind = kind_of(request.route)
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds
