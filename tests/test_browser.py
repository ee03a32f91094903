"""The dashboard in a real browser, started with the README's run command.

`make run PORT=...` serves the demo org (no credentials, its clock pinned to
`AS_OF`); headless Chromium then uses it like a supervisor would: check the
default range, pick "Last 7 days", filter to chat, open an interaction, download
the CSV, and visit every page. Screenshots go to `artifacts/screenshots/`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import AS_OF, built_org
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_S = 120
LOAD_MS = 240_000
LAST_7_DAYS = (date(2026, 11, 14), date(2026, 11, 20))
INTERACTION_HEADERS = [
    "Local time", "Agent", "Queue", "Media type", "Duration", "Wrap-up code",
    "Transfers", "CSAT", "NPS", "Comment", "Link", "Direction",
    "Survey completed", "Survey ID", "Conversation ID",
]  # fmt: skip

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`make run` on a free port with a temporary store; stopped at the end."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENESYS_")}
    env |= {
        "CSAT_STORE": str(tmp_path_factory.mktemp("browser-store")),
        "CSAT_DEMO_AS_OF": AS_OF.isoformat(),
    }
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: make and streamlit
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, server)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        assert server.poll() is None, "make run exited before serving"
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the dashboard did not answer {url}/_stcore/health")


@pytest.fixture(scope="module")
def page(dashboard: str) -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        tab = browser.new_page(viewport={"width": 1400, "height": 1800})
        tab.set_default_timeout(LOAD_MS)
        expect.set_options(timeout=LOAD_MS)
        tab.goto(dashboard)
        yield tab
        browser.close()


FETCHING = re.compile(r"Fetching .* from Genesys Cloud")


def settle(page: Any) -> None:
    """Wait until the script run (and any data load) has finished."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    page.get_by_text(FETCHING).first.wait_for(state="hidden")
    page.wait_for_timeout(500)


def choose(page: Any, label: str, option: str) -> None:
    """Pick `option` in the select box or multiselect labelled `label`."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    settle(page)


def open_page(page: Any, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    settle(page)


def grid_toolbar(page: Any) -> list[Any]:
    return list(page.locator('[data-testid="stElementToolbar"] button').all())


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def expected_rows() -> list[dict[str, Any]]:
    """Ground truth: finished chat surveys of the last 7 days before `AS_OF`."""
    from genesys_sim import OrgSpec
    from genesys_sim.truth import ground_truth

    org = built_org(OrgSpec.demo().at(AS_OF))
    rows = ground_truth(org, LAST_7_DAYS[0], LAST_7_DAYS[1], "UTC")
    return [
        r
        for r in rows
        if r["survey_status"] == "Finished" and r["media_type"] == "chat"
    ]


def test_a_supervisor_session_in_a_real_browser(page: Any) -> None:
    # The store starts empty: the first load shows the figures it has so far.
    expect(page.get_by_text("Still fetching 22 Oct 2026 - 20 Nov 2026")).to_be_visible()
    page.get_by_text("Responses", exact=True).first.wait_for()
    screenshot(page, "overview_so_far")
    settle(page)
    expect(page.get_by_text("Still fetching")).to_have_count(0)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("22 Oct 2026 - 20 Nov 2026 (UTC)")).to_be_visible()
    expect(sidebar.get_by_text("Demo data")).to_be_visible()
    screenshot(page, "overview")

    choose(page, "Date range", "Last 7 days")
    expect(sidebar.get_by_text("14 Nov 2026 - 20 Nov 2026 (UTC)")).to_be_visible()
    choose(page, "Media type", "chat")
    expect(page).to_have_url(re.compile(r"media=chat"))

    open_page(page, "Interactions")
    expected = expected_rows()
    shown = page.get_by_text(f"{len(expected):,d} surveyed interactions")
    expect(shown).to_be_visible()

    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # first row's checkbox
    expect(page.get_by_role("heading", name="Survey answers")).to_be_visible()
    expect(page.get_by_role("heading", name="Handled by")).to_be_visible()
    settle(page)
    screenshot(page, "interactions")

    # The grid's own export would write customer text unescaped: it is off.
    grid.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"] button').first
    expect(toolbar).to_be_visible()
    labels = [b.get_attribute("aria-label") for b in grid_toolbar(page)]
    assert "Fullscreen" in labels and "Download as CSV" not in labels

    with page.expect_download() as download:
        page.get_by_text("Download these rows (CSV)").click()
    data = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(data, newline="")))
    assert list(table[0]) == INTERACTION_HEADERS
    assert {r["Survey ID"]: r["CSAT"] for r in table} == {
        r["survey_id"]: "" if r["csat_score"] is None else str(r["csat_score"])
        for r in expected
    }
    assert {r["Media type"] for r in table} == {"chat"}

    # The demo's interaction link opens the simulator's page of that interaction.
    first = table[0]
    viewer = page.context.browser.new_page()
    viewer.goto(first["Link"])
    heading = f"Interaction {first['Conversation ID']}"
    expect(viewer.get_by_role("heading", name=heading)).to_be_visible()
    expect(viewer.get_by_text(first["Agent"]).first).to_be_visible()
    viewer.context.close()

    for title, name in [
        ("Agents and queues", "agents_and_queues"),
        ("Comments", "comments"),
        ("Data health", "data_health"),
    ]:
        open_page(page, title)
        expect(page).to_have_url(re.compile(r"media=chat"))
        screenshot(page, name)


def test_a_shared_link_opens_its_page_with_the_sidebar(
    page: Any, dashboard: str
) -> None:
    """A new session opening a page's link gets the sidebar and that page's view."""
    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1400})
    tab = context.new_page()
    tab.set_default_timeout(LOAD_MS)
    tab.goto(f"{dashboard}/comments?range=Last+7+days&media=chat")
    tab.get_by_role("heading", name="Comments", level=1).wait_for()
    settle(tab)
    sidebar = tab.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("14 Nov 2026 - 20 Nov 2026 (UTC)")).to_be_visible()
    expect(sidebar.get_by_text("Demo data")).to_be_visible()
    expect(tab.get_by_role("heading", name="Comments", level=1)).to_have_count(1)
    screenshot(tab, "shared_link")
    context.close()
