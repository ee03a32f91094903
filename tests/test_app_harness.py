"""The dashboard on the demo org under AppTest: shared fixtures and the shell.

The app starts its own demo org (a simulator in this process) with its clock
pinned to `AS_OF`, so "today" is 20 Nov 2026 and the default range is 22 Oct to
20 Nov. Expected figures come from the simulator's ground truth and plain
arithmetic here, never from `csat.metrics`. Every AppTest module runs in one
xdist group, so the first extraction is shared through Streamlit's caches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, built_org
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT_S = 300
TODAY = AS_OF.date()
LAST_30_DAYS = (date(2026, 10, 22), TODAY)
PREVIOUS_30_DAYS = (date(2026, 9, 22), date(2026, 10, 21))
CREDENTIALS = ("GENESYS_CLIENT_ID", "GENESYS_CLIENT_SECRET", "GENESYS_REGION")
NOT_SENT = ("Pending", "Error")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dashboard")]

Row = dict[str, Any]


@pytest.fixture(scope="session")
def app_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One store for every AppTest module; the demo org is stopped at the end."""
    yield tmp_path_factory.mktemp("dashboard-store")
    from dashboard.demo import start_demo_org

    start_demo_org.clear()


@pytest.fixture(scope="module")
def demo_env(app_store: Path) -> Iterator[None]:
    """No credentials (so the demo org), a pinned demo clock, a temporary store.

    Figures asserted here are final ones, so a slow load is waited for instead of
    showing figures so far (test_app_partial covers those).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("dashboard.loader.PARTIAL_AFTER_S", math.inf)
        for name in (*CREDENTIALS, "GENESYS_BASE_URL", "CSAT_TIMEZONE"):
            patch.delenv(name, raising=False)
        patch.setenv("CSAT_STORE", str(app_store))
        patch.setenv("CSAT_DEMO_AS_OF", AS_OF.isoformat())
        yield


@pytest.fixture(scope="session")
def org() -> Any:
    """The demo org the app serves, built independently for the ground truth."""
    from genesys_sim import OrgSpec

    return built_org(OrgSpec.demo().at(AS_OF))


def open_app(page: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """Run the app (optionally opened with URL parameters), then go to `page`."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params.update(query or {})
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def truth(org: Any, days: tuple[date, date], tz: str = "UTC") -> list[Row]:
    """Ground-truth rows of the CSAT form for local `days` in `tz`."""
    from genesys_sim.truth import ground_truth

    return ground_truth(org, days[0], days[1], tz)


def finished(rows: Iterable[Row]) -> list[Row]:
    return [r for r in rows if r["survey_status"] == "Finished"]


def expected_tiles(rows: list[Row]) -> list[str]:
    """The five tile values, worked out from the definitions in docs/metrics.md."""
    done = finished(rows)
    csat = [r for r in done if r["csat_score"] is not None]
    top = [r for r in csat if r["csat_score"] >= r["csat_scale_max"] - 1]
    nps = [r["nps_score"] for r in done if r["nps_score"] is not None]
    promoters = sum(1 for s in nps if s >= 9)
    detractors = sum(1 for s in nps if s <= 6)
    sent = [r for r in rows if r["survey_status"] not in NOT_SENT]
    mean = sum(r["csat_score"] for r in csat) / len(csat)
    return [
        f"{len(done):,d}",
        f"{100 * (len(top) / len(csat)):.1f} %",
        f"{mean:.2f} / 5",
        f"{100 * (promoters - detractors) / len(nps):.1f}",
        f"{100 * (len(done) / len(sent)):.1f} %",
    ]


def tile_values(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.metric[:5]]


def test_no_credentials_opens_the_demo_org_on_the_last_30_days(
    demo_env: None, org: Any
) -> None:
    at = open_app()

    captions = [c.value for c in at.sidebar.caption]
    assert "22 Oct 2026 - 20 Nov 2026 (UTC)" in captions
    assert any("simulated org" in c for c in captions)
    assert at.selectbox(key="range").value == "last-30-days"
    assert tile_values(at) == expected_tiles(truth(org, LAST_30_DAYS))


def test_a_shared_link_restores_the_view(demo_env: None, org: Any) -> None:
    at = open_app(query={"range": "Last 7 days", "media": "chat"})

    rows = [
        r for r in truth(org, (date(2026, 11, 14), TODAY)) if r["media_type"] == "chat"
    ]
    assert "14 Nov 2026 - 20 Nov 2026 (UTC)" in [c.value for c in at.sidebar.caption]
    assert at.multiselect(key="media").value == ["chat"]
    assert tile_values(at) == expected_tiles(rows)


def test_a_link_with_parameters_that_are_no_choice_says_so_once(
    demo_env: None, org: Any
) -> None:
    at = open_app(query={"tz": "Bogus/Zone", "queue": "No such queue"})

    warnings = [w.value for w in at.warning]
    assert any("tz = Bogus/Zone" in w and "UTC is shown instead" in w for w in warnings)
    assert any("queue = No such queue" in w and "left out" in w for w in warnings)
    assert tile_values(at) == expected_tiles(truth(org, LAST_30_DAYS))

    at.run()
    assert not any("The link's" in w.value for w in at.warning)


def test_a_one_day_custom_link_shows_that_day(demo_env: None, org: Any) -> None:
    day = date(2026, 11, 10)
    at = open_app(query={"range": "Custom", "dates": day.isoformat()})

    assert "10 Nov 2026 (UTC)" in [c.value for c in at.sidebar.caption]
    assert tile_values(at) == expected_tiles(truth(org, (day, day)))


def test_the_sidebar_and_its_choices_stay_when_the_page_changes(
    demo_env: None,
) -> None:
    at = open_app()
    at.multiselect(key="media").select("email").run()

    at.switch_page("pages/comments.py").run()

    assert at.title[0].value == "Comments"
    assert at.multiselect(key="media").value == ["email"]
    assert at.selectbox(key="range").value == "last-30-days"


def test_an_evaluation_form_is_labelled_evaluation_based(
    demo_env: None, org: Any
) -> None:
    at = open_app("comments")
    forms = at.selectbox(key="form")
    scorecard = next(
        i for i, label in enumerate(forms.options) if "(evaluation form" in label
    )

    forms.select_index(scorecard).run()

    assert not at.exception
    assert at.warning[0].value.startswith("Evaluation-based figures")
    assert "not the customers' own survey answers" in at.warning[0].value
    caption = next(c.value for c in at.caption if "comments" in c.value)
    assert "evaluator comments, lowest CSAT score first" in caption
    assert "NPS" not in caption

    at.switch_page("pages/overview.py").run()
    details = [c.value for c in at.caption]
    assert "finished evaluations" in details
    assert not any("surveys" in d or " sent " in d for d in details)

    at.switch_page("pages/data_health.py").run()
    banner = at.warning[0].value
    assert banner.startswith("Evaluation-based figures")
    # The question CSAT is read from is named, with the values of its answers as
    # the simulator's form (newest version) defines them.
    name = forms.options[scorecard].split(" (evaluation form")[0]
    newest = [f for f in org.evaluation_forms if f["name"] == name][-1]
    questions = {
        q["text"]: sorted(a["value"] for a in q.get("answerOptions") or [])
        for group in newest["questionGroups"]
        for q in group["questions"]
    }
    quoted = banner.split('from its question "')[1].split('"')[0]
    assert quoted in questions
    values = ", ".join(str(v) for v in questions[quoted])
    assert f"(answers {values})" in banner
