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

from dashboard import loader

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
