"""Failures on the dashboard: each a plain message, never a stack trace.

Each test points the app at its own simulator (as a configured org, through
`GENESYS_BASE_URL`) with one fault switched on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import test_app_harness as harness
from conftest import CLIENT_ID, CLIENT_SECRET
from streamlit.testing.v1 import AppTest
from test_app_harness import APP, TIMEOUT_S

app_store, demo_env = harness.app_store, harness.demo_env
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dashboard")]

Configure = Callable[..., None]


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Configure]:
    """Set the app's credentials (only those given) and a fresh store."""
    for name in (*harness.CREDENTIALS, "GENESYS_BASE_URL", "CSAT_DEMO_AS_OF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CSAT_STORE", str(tmp_path))

    def configure(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    yield configure


def run_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.error, *at.warning])


def test_partly_configured_credentials_name_what_is_missing(
    configure: Configure,
) -> None:
    configure(GENESYS_CLIENT_ID="abc")

    at = run_app()

    text = errors(at)
    assert "not set up correctly" in text
    assert "GENESYS_CLIENT_SECRET" in text
    assert not at.metric


def test_wrong_credentials_say_which_settings_to_check(
    configure: Configure, make_sim: Any
) -> None:
    sim = make_sim()
    configure(
        GENESYS_BASE_URL=sim.base_url,
        GENESYS_CLIENT_ID=CLIENT_ID,
        GENESYS_CLIENT_SECRET="not-the-secret",
    )

    at = run_app()

    text = errors(at)
    assert "refused the OAuth client's credentials" in text
    assert "GENESYS_CLIENT_SECRET" in text
    assert "not-the-secret" not in text

    next(b for b in at.button if b.label == "Check connection").click().run()

    assert not at.exception
    checked = " ".join(e.value for e in at.sidebar.error)
    assert "refused the OAuth client's credentials" in checked
    assert at.sidebar.selectbox(key="range").value == "last-30-days"  # still drawn


def test_a_missing_permission_is_named_by_the_page_and_the_check(
    configure: Configure, make_sim: Any
) -> None:
    from genesys_sim import Faults

    sim = make_sim(faults=Faults(deny_permissions={"quality:survey:view"}))
    configure(
        GENESYS_BASE_URL=sim.base_url,
        GENESYS_CLIENT_ID=CLIENT_ID,
        GENESYS_CLIENT_SECRET=CLIENT_SECRET,
    )

    at = run_app()
    assert "`quality:survey:view`" in errors(at)

    next(b for b in at.button if b.label == "Check connection").click().run()

    checked = " ".join(e.value for e in at.sidebar.error)
    assert "Missing OAuth permission: `quality:survey:view`" in checked


def test_a_rate_limit_that_outlasts_the_retries_keeps_what_was_fetched(
    configure: Configure, make_sim: Any
) -> None:
    from genesys_sim import Faults

    sim = make_sim(faults=Faults(share_429=1.0, retry_after_s=0))
    configure(
        GENESYS_BASE_URL=sim.base_url,
        GENESYS_CLIENT_ID=CLIENT_ID,
        GENESYS_CLIENT_SECRET=CLIENT_SECRET,
    )

    at = run_app()

    text = errors(at)
    assert "429 Too Many Requests" in text
    assert "Everything fetched so far is kept" in text


@pytest.mark.usefixtures("demo_env")
def test_an_empty_range_explains_why_it_may_be_empty() -> None:
    at = harness.open_app()
    at.selectbox(key="range").select("custom").run()
    at.date_input(key="dates").set_value((date(2025, 1, 1), date(2025, 1, 2))).run()

    assert not at.exception
    assert not at.metric
    message = at.info[-1].value
    assert message.startswith("**No surveys in 1 Jan 2025 - 2 Jan 2025 (UTC).**")
    assert "Surveys arrive hours or days after the interaction" in message
