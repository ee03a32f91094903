"""Benchmark 6: client-side cost, with the API out of the picture.

Throughput: wire JSON of the simulated org's surveyed conversations (rendered
beforehand, as bytes) is parsed and stored the way an extraction does it: a
page of 100 conversations through `csat.records` into `csat.store`, then the
answers of each finished survey. Memory: a store of synthetic responses is
built, read back as the joined frame, and shown by the dashboard, each stage in
a fresh process that reports its peak resident set. Target: under 1.5 GB each.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dashboard_run import dashboard_env, teach_store, view_bounds
from bench.memory_probe import STAGES
from bench.report import BenchResult, Figure, ratio
from bench.scenario import ColdRun
from csat.forms import FormVersion, parse_survey_form
from csat.records import apply_survey_answers, interaction_row, survey_rows
from csat.store import Store
from csat.surveys import SurveyAnswers
from genesys_sim.org import Org
from genesys_sim.truth import local_days_to_utc

KEY = "client_side_cost"
MEMORY_TARGET_MB = 1.5 * 1024
PAGE = 100
CHILD_TIMEOUT_S = 900
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class WireSample:
    """Pages of conversations and the finished surveys on them, as bytes."""

    pages: list[bytes]
    surveys: dict[str, bytes]  # survey id -> Quality `Survey`
    versions: dict[str, FormVersion]  # form version id -> parsed version
    conversations: int


def run(cold: ColdRun, workdir: Path) -> BenchResult:
    scenario = cold.scenario
    result = BenchResult(KEY, "6. Client-side cost")
    result.settings = {
        **scenario.describe(),
        "throughput_conversations": scenario.throughput_conversations,
        "memory_responses": scenario.memory_responses,
    }
    sample = wire_sample(cold.org, cold, scenario.throughput_conversations)
    _throughput(result, sample, cold.context_id, workdir / "throughput.sqlite")
    _memory(result, cold, workdir / "memory")
    return result


def wire_sample(org: Org, cold: ColdRun, count: int) -> WireSample:
    """The first `count` surveyed conversations of the range, as the API sends them."""
    low, high = local_days_to_utc(
        cold.scenario.start, cold.scenario.end, cold.scenario.tz
    )
    context_id = cold.context_id
    conversations: list[dict[str, Any]] = []
    surveys: dict[str, bytes] = {}
    for record in org.conversations_between(low, high):
        survey_ids = [s for s in record.survey_ids if _on_form(org, s, context_id)]
        if not survey_ids:
            continue
        conversations.append(org.conversation_json(record.conversation_id))
        for survey_id in survey_ids:
            survey = org.survey(survey_id)
            if survey is not None and _read_in_full(survey.get("status")):
                surveys[survey_id] = json.dumps(survey).encode()
        if len(conversations) >= count:
            break
    pages = [
        json.dumps(
            {"conversations": conversations[i : i + PAGE], "totalHits": count}
        ).encode()
        for i in range(0, len(conversations), PAGE)
    ]
    versions = {
        str(form["id"]): parse_survey_form(form)
        for form in org.survey_forms
        if form.get("contextId") == context_id
    }
    return WireSample(pages, surveys, versions, len(conversations))


def _throughput(
    result: BenchResult, sample: WireSample, context_id: str, path: Path
) -> None:
    with Store(path) as store:
        began = time.perf_counter()
        finished = [
            row for page in sample.pages for row in _store_page(store, page, context_id)
        ]
        details_s = time.perf_counter() - began

        began = time.perf_counter()
        answered = _store_answers(store, finished, sample)
        answers_s = time.perf_counter() - began
    result.add(
        Figure(
            "conversations parsed and stored",
            ratio(sample.conversations, details_s),
            "/s",
        )
    )
    result.add(
        Figure(
            "surveys read in full, parsed and stored", ratio(answered, answers_s), "/s"
        )
    )
    result.facts["throughput"] = {
        "conversations": sample.conversations,
        "details_s": details_s,
        "answers": answered,
        "answers_s": answers_s,
        "mean_conversation_bytes": sum(map(len, sample.pages))
        / max(1, sample.conversations),
    }


def _store_page(store: Store, page: bytes, context_id: str) -> list[dict[str, Any]]:
    """One details page, as `Extractor._store_page` handles it."""
    conversations = json.loads(page)["conversations"]
    rows = [row for c in conversations for row in survey_rows(c, context_id)]
    known = store.surveys_with_answers(row["survey_id"] for row in rows)
    fresh = [row for row in rows if row["survey_id"] not in known]
    store.upsert_interactions(interaction_row(c) for c in conversations)
    store.upsert_responses(fresh)
    return [row for row in fresh if _read_in_full(row["survey_status"])]


def _store_answers(store: Store, rows: list[dict[str, Any]], sample: WireSample) -> int:
    """Answers of each finished row, a page's worth at a time, as an extraction."""
    done = 0
    for start in range(0, len(rows), PAGE):
        answered = []
        for row in rows[start : start + PAGE]:
            payload = json.loads(sample.surveys[row["survey_id"]])
            version = sample.versions[str(payload["surveyForm"]["id"])]
            answered.append(apply_survey_answers(row, payload, version))
        store.upsert_responses(row for row, _ in answered)
        for row, answer_rows in answered:
            store.upsert_answers(str(row["survey_id"]), answer_rows)
        done += len(answered)
    return done


def _memory(result: BenchResult, cold: ColdRun, store_dir: Path) -> None:
    scenario = cold.scenario
    env = dashboard_env(
        cold.sim.base_url, store_dir, cold.scenario.client_rate_per_minute
    )
    config, catalogue, _ = teach_store(env, cold.org, scenario)
    now = datetime.now(UTC)
    start, end = view_bounds(now)
    spec = {
        "catalogue": catalogue.to_json(),
        "store_file": str(store_dir / f"{config.org_key()}.sqlite"),
        "rows": scenario.memory_responses,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "now": now.isoformat(),
        "env": env,
    }
    spec_file = store_dir / "probe.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    stages = {stage: probe(stage, spec_file) for stage in STAGES}
    labels = {
        "build": "store build",
        "frame": "joined frame",
        "dashboard": "dashboard pages",
    }
    for stage, measured in stages.items():
        result.add(
            Figure(
                f"peak RSS: {labels[stage]}",
                measured["peak_rss_mb"],
                "MB",
                MEMORY_TARGET_MB,
                "<",
            )
        )
    result.add(
        Figure(
            "store inserts",
            ratio(stages["build"]["rows"], stages["build"]["seconds"]),
            "rows/s",
        )
    )
    result.facts["memory"] = stages


def probe(stage: str, spec_file: Path) -> dict[str, Any]:
    """Run one memory stage in a fresh interpreter and read its JSON line."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory_probe", stage, str(spec_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-3:]
        raise RuntimeError(f"memory stage {stage} failed: {' | '.join(tail)}")
    measured: dict[str, Any] = json.loads(lines[-1])
    return measured


def _read_in_full(status: object) -> bool:
    """Whether the extraction reads this survey on its own (`SurveyAnswers`)."""
    return str(status or "").casefold() in SurveyAnswers.statuses


def _on_form(org: Org, survey_id: str, context_id: str) -> bool:
    record = org.survey_record(survey_id)
    return record is not None and record.form_context_id == context_id
