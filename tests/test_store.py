"""The SQLite store: upserts, all-or-nothing writes, windows and typed frames."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import csat.store
from csat.config import Config
from csat.errors import StoreError
from csat.forms import parse_survey_form
from csat.records import (
    RESPONSE_COLUMNS,
    apply_survey_answers,
    interaction_row,
    survey_rows,
)
from csat.store import Store
from csat.timerange import UtcRange

_SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES = (
    _SHARED if _SHARED.is_dir() else Path("/work/shared")
) / "reference/examples"

CONTEXT = "fc000000-0000-4000-8000-000000000001"
BLAKE = "aaaaaaaa-0000-4000-8000-000000000002"
FIRST = "5e000000-0000-4000-8000-000000000001"
SECOND = "5e000000-0000-4000-8000-000000000002"
EXPIRED = "5e000000-0000-4000-8000-000000000003"
MAY_2024 = UtcRange(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC))


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "org.sqlite") as opened:
        yield opened


def reference_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Any]]:
    """Interactions, responses (answers applied) and answer rows of the examples."""
    conversations = example("details-query-response.json")["conversations"]
    interactions = [interaction_row(c) for c in conversations]
    responses = [row for c in conversations for row in survey_rows(c, CONTEXT)]
    version = parse_survey_form(example("survey-form-version-2.json"))
    surveys = {s["id"]: s for s in example("conversation-surveys.json")}
    surveys[FIRST] = example("survey-finished.json")
    applied = [
        apply_survey_answers(r, surveys[r["survey_id"]], version) for r in responses
    ]
    return (
        interactions,
        [row for row, _ in applied],
        [answers for _, answers in applied],
    )


def fill(store: Store) -> None:
    interactions, responses, answers = reference_rows()
    store.upsert_interactions(interactions)
    store.upsert_responses(responses)
    for row, answer_rows in zip(responses, answers, strict=True):
        store.upsert_answers(row["survey_id"], answer_rows)


def synthetic(survey_id: str, start: datetime, **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(RESPONSE_COLUMNS) | {
        "survey_id": survey_id,
        "conversation_id": f"conv-{survey_id}",
        "conversation_start": start,
        "survey_status": "Finished",
        "survey_form_context_id": "ctx",
        "partial": False,
        "source": "survey",
    }
    return row | values


def frame(store: Store, window: UtcRange = MAY_2024, **kwargs: Any) -> pd.DataFrame:
    return store.responses_frame(
        source="survey", context_id=CONTEXT, window=window, **kwargs
    )


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        found: int = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return found


# Opening


def test_a_new_store_uses_wal_and_records_its_schema(tmp_path: Path) -> None:
    with Store(tmp_path / "deep" / "org.sqlite") as store:
        assert store.meta("schema_version") == "1"
    with sqlite3.connect(tmp_path / "deep" / "org.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "org.sqlite") as store:
        store.set_meta("schema_version", "99")
    with pytest.raises(StoreError):
        Store(tmp_path / "org.sqlite")


def test_a_store_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError):
        Store(blocker / "org.sqlite")


def test_the_store_of_a_config_is_named_after_the_org(tmp_path: Path) -> None:
    config = Config.for_base_url(
        "http://127.0.0.1:8765", "id", "secret", demo=True, store_path=tmp_path
    )
    with Store.for_config(config) as store:
        assert store.path == tmp_path / f"{config.org_key()}.sqlite"


# Upserts


def test_the_same_rows_twice_are_stored_once(store: Store) -> None:
    fill(store)
    fill(store)
    assert count(store.path, "responses") == 3
    assert count(store.path, "interactions") == 2
    assert count(store.path, "answers") == 10  # five answers for each finished survey
    assert len(frame(store)) == 3


def test_an_upsert_updates_a_row_in_place(store: Store) -> None:
    start = datetime(2024, 5, 2, tzinfo=UTC)
    store.upsert_responses([synthetic("s1", start, survey_status="Sent")])
    store.upsert_responses(
        [synthetic("s1", start, survey_status="Finished", csat_score=4)]
    )
    stored = store.responses_frame(source="survey", context_id="ctx", window=MAY_2024)
    assert list(stored["survey_status"]) == ["Finished"]
    assert list(stored["csat_score"]) == [4]


def test_a_details_refresh_does_not_erase_known_answers(store: Store) -> None:
    fill(store)
    _, responses, _ = reference_rows()
    refreshed = [
        row
        for c in example("details-query-response.json")["conversations"]
        for row in survey_rows(c, CONTEXT)
    ]
    assert refreshed[0]["csat_score"] is None
    store.upsert_responses(refreshed)
    first = frame(store).set_index("survey_id").loc[FIRST]
    assert first["csat_score"] == 5
    assert first["comment"] == responses[0]["comment"]


def test_upsert_answers_replaces_the_answers_of_a_survey(store: Store) -> None:
    fill(store)
    _, _, answers = reference_rows()
    store.upsert_answers(FIRST, answers[0][:2])
    assert list(store.answers_frame([FIRST])["question_type"]) == [
        "multipleChoiceQuestion",
        "npsQuestion",
    ]


def test_surveys_with_answers_are_the_finished_ones_already_stored(
    store: Store,
) -> None:
    fill(store)
    start = datetime(2024, 5, 2, tzinfo=UTC)
    store.upsert_responses([synthetic("no-answers-yet", start)])
    store.upsert_responses([synthetic("sent", start, survey_status="Sent")])
    store.upsert_answers("sent", [])
    store.upsert_answers("answered-with-nothing", [])
    store.upsert_responses([synthetic("answered-with-nothing", start)])
    asked = [
        FIRST,
        SECOND,
        EXPIRED,
        "no-answers-yet",
        "sent",
        "answered-with-nothing",
        "x",
    ]
    assert store.surveys_with_answers(iter(asked)) == {
        FIRST,
        SECOND,
        "answered-with-nothing",
    }


# All or nothing


def failing_rows(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from rows[:2]
    raise RuntimeError("connection lost in the middle of a page")


def test_a_failure_in_the_middle_of_a_page_writes_nothing(store: Store) -> None:
    _, responses, _ = reference_rows()
    with pytest.raises(RuntimeError):
        store.upsert_responses(failing_rows(responses))
    assert count(store.path, "responses") == 0


def test_a_failed_transaction_keeps_none_of_its_writes(store: Store) -> None:
    interactions, responses, _ = reference_rows()
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_interactions(interactions)
        store.upsert_responses(responses)
        raise RuntimeError("crash before the window is recorded")
    assert count(store.path, "interactions") == 0
    assert count(store.path, "responses") == 0


def test_a_failed_inner_step_is_undone_alone(store: Store) -> None:
    interactions, responses, _ = reference_rows()
    with store.transaction():
        store.upsert_interactions(interactions)
        with pytest.raises(RuntimeError):
            store.upsert_responses(failing_rows(responses))
    assert count(store.path, "interactions") == 2
    assert count(store.path, "responses") == 0


def test_a_killed_process_leaves_nothing_half_written(tmp_path: Path) -> None:
    path = tmp_path / "org.sqlite"
    script = f"""
import os
from datetime import UTC, datetime
from csat.store import Store

def row(survey_id):
    return {{"survey_id": survey_id, "source": "survey",
             "survey_form_context_id": "ctx",
             "conversation_start": datetime(2024, 5, 2, tzinfo=UTC)}}

store = Store({str(path)!r})
store.upsert_responses([row("kept")])
with store.transaction():
    store.upsert_responses([row("lost")])
    os._exit(3)
"""
    root = Path(__file__).resolve().parents[1]
    finished = subprocess.run([sys.executable, "-c", script], cwd=root, check=False)
    assert finished.returncode == 3
    with Store(path) as reopened:
        found = reopened.responses_frame(
            source="survey", context_id="ctx", window=MAY_2024
        )
    assert list(found["survey_id"]) == ["kept"]


# Windows, forms, names, meta


def test_windows_are_recorded_and_their_state_updated(store: Store) -> None:
    week = UtcRange(
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC)
    )
    earlier = UtcRange(datetime(2026, 10, 25, tzinfo=UTC), week.start)
    fetched = datetime(2026, 11, 9, 10, 30, 15, 123000, tzinfo=UTC)
    store.record_window(
        source="survey",
        context_id="ctx",
        window=week,
        state="provisional",
        fetched_at=fetched,
    )
    store.record_window(
        source="survey",
        context_id="ctx",
        window=earlier,
        state="complete",
        fetched_at=fetched,
    )
    store.record_window(
        source="survey",
        context_id="ctx",
        window=week,
        state="complete",
        fetched_at=fetched + timedelta(days=1),
    )
    states = store.windows(source="survey", context_id="ctx")
    assert [(s.range, s.state) for s in states] == [
        (earlier, "complete"),
        (week, "complete"),
    ]
    assert states[0].fetched_at == fetched
    assert store.windows(source="evaluation", context_id="ctx") == []


def test_form_versions_names_and_meta_round_trip(store: Store) -> None:
    payload = example("survey-form-version-2.json")
    store.put_form_version("v2", payload)
    assert store.get_form_version("v2") == payload
    assert store.get_form_version("v3") is None
    store.put_names("user", {BLAKE: "Blake Sample"})
    store.put_names("user", {BLAKE: "Blake Sample-Jones"})
    assert store.names("user") == {BLAKE: "Blake Sample-Jones"}
    assert store.names("queue") == {}
    store.set_meta("refreshed", "2026-11-20T12:00:00+00:00")
    assert store.meta("refreshed") == "2026-11-20T12:00:00+00:00"
    assert store.meta("never") is None


# Frames


def test_the_joined_frame_is_typed_and_missing_stays_missing(store: Store) -> None:
    fill(store)
    joined = frame(store)
    assert list(joined["survey_id"]) == [FIRST, SECOND, EXPIRED]
    assert str(joined["conversation_start"].dtype) == "datetime64[us, UTC]"
    assert joined["conversation_start"].iloc[0] == pd.Timestamp(
        "2024-05-03T14:01:02.345Z"
    )
    assert joined["survey_completed"].isna().tolist() == [False, False, True]
    for column in ("csat_score", "nps_score", "csat_scale_max", "transfer_count"):
        assert str(joined[column].dtype) == "Int64"
    assert joined["csat_score"].tolist()[:2] == [5, 3]
    assert joined["csat_score"].iloc[2] is pd.NA  # never 0
    assert joined["nps_score"].iloc[2] is pd.NA
    assert str(joined["csat_top2"].dtype) == "boolean"
    assert joined["csat_top2"].tolist()[:2] == [True, False]
    assert joined["csat_top2"].iloc[2] is pd.NA
    assert joined["partial"].tolist() == [False, False, False]
    assert joined["comment"].iloc[0] == (
        'Quick, friendly help!\nBlake said "no problem at all" and fixed my bill 👍'
    )
    assert joined["duration_s"].tolist() == [1167.655, 1020.0, 1020.0]
    assert joined["transfer_count"].tolist() == [1, 0, 0]


def test_names_and_placeholders_in_the_joined_frame(store: Store) -> None:
    fill(store)
    store.put_names("user", {BLAKE: "Blake Sample"})
    store.put_names("queue", {"bbbbbbbb-0000-4000-8000-000000000002": "Billing"})
    first = frame(store).iloc[0]
    assert first["agent_name"] == "Blake Sample"
    assert first["queue_name"] == "Billing"
    assert first["wrapup_name"] == "Unknown wrap-up code (cccccccc)"
    assert first["agent_names"] == "Unknown user (aaaaaaaa);Blake Sample"
    assert first["division_names"] == "Unknown division (dddddddd)"


def test_a_missing_id_has_no_name_rather_than_a_placeholder(store: Store) -> None:
    start = datetime(2024, 5, 2, tzinfo=UTC)
    store.upsert_responses([synthetic("s1", start)])  # no interaction, no agent
    row = store.responses_frame(
        source="survey", context_id="ctx", window=MAY_2024
    ).iloc[0]
    assert pd.isna(row["agent_name"])
    assert pd.isna(row["agent_names"])
    assert pd.isna(row["conversation_end"])


def test_customer_columns_only_when_asked_for(store: Store) -> None:
    conversations = example("details-query-response.json")["conversations"]
    store.upsert_interactions(
        [interaction_row(c, include_pii=True) for c in conversations]
    )
    store.upsert_responses([r for c in conversations for r in survey_rows(c, CONTEXT)])
    assert "customer_name" not in frame(store).columns
    with_pii = frame(store, include_pii=True)
    assert with_pii["customer_address"].iloc[0] == "tel:+12025550143"


def test_the_window_is_half_open_and_the_form_must_match(store: Store) -> None:
    start, end = MAY_2024.start, MAY_2024.end
    store.upsert_responses(
        [
            synthetic("at-start", start),
            synthetic("just-before-end", end - timedelta(milliseconds=1)),
            synthetic("at-end", end),
            synthetic("before", start - timedelta(milliseconds=1)),
            synthetic("other-form", start, survey_form_context_id="other"),
            synthetic("evaluation", start, source="evaluation"),
        ]
    )
    found = store.responses_frame(source="survey", context_id="ctx", window=MAY_2024)
    assert list(found["survey_id"]) == ["at-start", "just-before-end"]


def test_rows_are_sorted_by_start_then_survey_id(store: Store) -> None:
    late, early = datetime(2024, 5, 9, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC)
    store.upsert_responses(
        [synthetic("b", late), synthetic("c", early), synthetic("a", late)]
    )
    found = store.responses_frame(source="survey", context_id="ctx", window=MAY_2024)
    assert list(found["survey_id"]) == ["c", "a", "b"]


def test_frames_read_in_chunks_lose_and_repeat_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    starts = [datetime(2024, 5, 2 + i // 3, tzinfo=UTC) for i in range(10)]
    store.upsert_responses(
        synthetic(f"s{i:02d}", start, csat_score=i % 5 + 1)
        for i, start in enumerate(starts)
    )
    for i in range(10):
        rows = [{"question_id": f"q{k}", "score": k} for k in range(3)]
        store.upsert_answers(f"s{i:02d}", rows)
    whole = store.responses_frame(source="survey", context_id="ctx", window=MAY_2024)
    monkeypatch.setattr(csat.store, "_CHUNK_ROWS", 3)  # ties on start across chunks
    chunked = store.responses_frame(source="survey", context_id="ctx", window=MAY_2024)
    pd.testing.assert_frame_equal(chunked, whole)
    assert list(chunked["survey_id"]) == [f"s{i:02d}" for i in range(10)]
    wanted = ["s07", "s02", "s09"]
    answers = store.answers_frame(wanted)
    assert list(answers["survey_id"]) == [s for s in wanted for _ in range(3)]
    assert list(answers["question_id"]) == ["q0", "q1", "q2"] * 3


def test_the_answers_frame_is_typed_and_in_the_asked_order(store: Store) -> None:
    fill(store)
    answers = store.answers_frame([SECOND, FIRST, EXPIRED])
    assert list(answers["survey_id"]) == [SECOND] * 5 + [FIRST] * 5
    assert str(answers["score"].dtype) == "Int64"
    assert str(answers["marked_na"].dtype) == "boolean"
    assert answers["score"].tolist()[:5] == [3, pd.NA, pd.NA, 0, pd.NA]
    assert answers["answer_text"].iloc[3] == "No"


def test_empty_frames_keep_their_columns(store: Store) -> None:
    empty = frame(store)
    assert empty.empty
    assert {"survey_id", "csat_score", "agent_name", "division_names"} <= set(
        empty.columns
    )
    assert str(empty["csat_score"].dtype) == "Int64"
    assert store.answers_frame([]).empty


@pytest.mark.slow
def test_a_hundred_thousand_responses_load_whole(store: Store) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    total = 100_000
    with store.transaction():
        store.upsert_responses(
            synthetic(
                f"s{i:06d}",
                base + timedelta(seconds=20 * (i // 2)),
                csat_score=(i % 5 + 1) if i % 7 else None,
            )
            for i in range(total)
        )
    window = UtcRange(base, base + timedelta(days=30))
    loaded = store.responses_frame(source="survey", context_id="ctx", window=window)
    assert len(loaded) == total
    assert loaded["survey_id"].is_unique
    assert loaded["conversation_start"].is_monotonic_increasing
    # Every seventh survey (i = 0, 7, ..., 99995) has no score: 14286 of them.
    assert int(loaded["csat_score"].isna().sum()) == 14286
