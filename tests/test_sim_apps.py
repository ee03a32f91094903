"""The web app stand-in: an interaction link of the demo org opens a real page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx
from conftest import AS_OF

if TYPE_CHECKING:
    from genesys_sim import RunningSimulator


def surveyed(sim: RunningSimulator) -> str:
    """A conversation with a survey, two days before the clock."""
    day = AS_OF - timedelta(days=2)
    records = sim.org.conversations_between(day - timedelta(days=1), day)
    return next(r.conversation_id for r in records if r.survey_ids)


def test_the_link_page_moves_to_the_interaction_behind_the_hash(
    sim: RunningSimulator,
) -> None:
    page = httpx.get(f"{sim.base_url}/directory/")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    # The id sits behind '#': the page's script reads it and moves on.
    assert 'location.replace("interactions/" + found[1])' in page.text


def test_an_interaction_page_shows_who_handled_it_and_its_surveys(
    sim: RunningSimulator,
) -> None:
    conversation_id = surveyed(sim)
    conversation = sim.org.conversation_json(conversation_id)
    users = {u["id"]: u["name"] for u in sim.org.users}
    queues = {q["id"]: q["name"] for q in sim.org.queues}

    page = httpx.get(f"{sim.base_url}/directory/interactions/{conversation_id}")

    assert page.status_code == 200
    assert f"<h1>Interaction {conversation_id}</h1>" in page.text
    agents = [
        users[p["userId"]]
        for p in conversation["participants"]
        if p["purpose"] == "agent"
    ]
    segments = [
        s
        for p in conversation["participants"]
        for session in p["sessions"]
        for s in session["segments"]
    ]
    queue_names = {queues[s["queueId"]] for s in segments if "queueId" in s}
    assert agents and all(a in page.text for a in agents)
    assert queue_names and all(q in page.text for q in queue_names)
    assert page.text.count("<tr>") == 1 + 3 + 1 + len(segments) + 1 + len(
        conversation["surveys"]
    )
    for survey in conversation["surveys"]:
        assert survey["surveyId"] in page.text


def test_an_unknown_interaction_is_a_404_page(sim: RunningSimulator) -> None:
    page = httpx.get(f"{sim.base_url}/directory/interactions/<script>")

    assert page.status_code == 404
    assert "<script>" not in page.text.split("<body>")[1]
    assert re.search(r"No such interaction", page.text)
