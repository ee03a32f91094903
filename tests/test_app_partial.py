"""A long first load: the page shows what is stored so far, then the final figures.

The range here is read by no other test, into a store of its own, so its load
is cold; figures so far are shown as soon as the load is fetching.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import test_app_harness as harness
from streamlit.testing.v1 import AppTest
from test_app_harness import APP, TIMEOUT_S, expected_tiles, finished, truth

from csat.errors import AnswersUnreadError
from dashboard import loader
from dashboard.org import Org

org = harness.org
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dashboard")]

DAYS = (date(2026, 8, 24), date(2026, 9, 6))
STILL_FETCHING = "Still fetching"
NOTHING_YET = "Nothing stored yet"


@pytest.fixture
def cold_env(tmp_path: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in (*harness.CREDENTIALS, "GENESYS_BASE_URL", "CSAT_TIMEZONE"):
            patch.delenv(name, raising=False)
        patch.setenv("CSAT_STORE", str(tmp_path))
        patch.setenv("CSAT_DEMO_AS_OF", harness.AS_OF.isoformat())
        patch.setattr(loader, "PARTIAL_AFTER_S", 0.0)
        yield


def infos(at: AppTest) -> list[str]:
    return [str(i.value) for i in at.info]


def responses_so_far(at: AppTest) -> int | None:
    """The Responses tile, or None while no tile is drawn."""
    if not at.metric:
        return None
    return int(str(at.metric[0].value).replace(",", ""))


@pytest.mark.usefixtures("cold_env")
def test_a_long_load_shows_figures_so_far_then_the_final_ones(org: Any) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params.update(
        {"range": "Custom", "dates": [d.isoformat() for d in DAYS]}  # type: ignore[dict-item]
    )
    at.run()
    final = expected_tiles(truth(org, DAYS))
    total = len(finished(truth(org, DAYS)))

    seen: list[int] = []
    while loader.loading():
        assert not at.exception, [e.value for e in at.exception]
        so_far = responses_so_far(at)
        if any(STILL_FETCHING in i for i in infos(at)) and so_far is not None:
            seen.append(so_far)
            # Figures so far are never compared with the previous period.
            assert not any(m.delta for m in at.metric[:5])
        time.sleep(0.5)
        at.run()

    assert seen, "the load finished before any figures so far were drawn"
    assert all(count <= total for count in seen)
    assert seen == sorted(seen)
    at.run()
    assert not any(STILL_FETCHING in i or NOTHING_YET in i for i in infos(at))
    assert harness.tile_values(at) == final
    assert all(m.delta for m in at.metric[:5])


STOPPED_DAYS = (date(2026, 9, 7), date(2026, 9, 10))


@pytest.mark.usefixtures("cold_env")
def test_a_load_that_fails_part_way_shows_what_was_stored_and_why(
    org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = Org.open

    def open_then_fail(self: Org, request: Any, progress: Any) -> Any:
        real_open(self, request, progress)  # everything is stored...
        raise AnswersUnreadError(  # ...but the run ends as one that lost answers
            "The answers of 2 responses could not be read after every retry."
        )

    monkeypatch.setattr(Org, "open", open_then_fail)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params.update(
        {"range": "Custom", "dates": [d.isoformat() for d in STOPPED_DAYS]}  # type: ignore[dict-item]
    )
    at.run()
    while loader.loading():
        time.sleep(0.5)
        at.run()
    at.run()  # the run after the failure reports it

    assert not at.exception, [e.value for e in at.exception]
    warnings = [str(w.value) for w in at.warning]
    assert any("did not answer for some survey responses" in w for w in warnings)
    assert any("The answers of 2 responses" in w for w in warnings)
    assert any("stopped before the end" in w for w in warnings), warnings
    # What was stored is shown (here: all of it), never compared as if final.
    assert harness.tile_values(at) == expected_tiles(truth(org, STOPPED_DAYS))
    assert not any(m.delta for m in at.metric[:5])


REFRESH_DAYS = (date(2026, 9, 11), date(2026, 9, 20))


@pytest.mark.usefixtures("cold_env")
def test_refresh_during_a_load_starts_no_second_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_open = Org.open
    opened: list[bool] = []

    def counted(self: Org, request: Any, progress: Any) -> Any:
        opened.append(request.refresh)
        return real_open(self, request, progress)

    monkeypatch.setattr(Org, "open", counted)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params.update(
        {"range": "Custom", "dates": [d.isoformat() for d in REFRESH_DAYS]}  # type: ignore[dict-item]
    )
    at.run()
    assert loader.loading()

    at.button(key="refresh").click().run()

    assert any("Already fetching" in str(t.value) for t in at.toast)
    while loader.loading():
        time.sleep(0.5)
        at.run()
    assert True not in opened  # no refresh extraction was queued
