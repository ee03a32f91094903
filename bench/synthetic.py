"""Synthetic response and interaction rows, written through `csat.store.Store`.

The dashboard benchmarks need stores far larger than an API run can fill in
the time allowed, so rows are made here and inserted with the store's own
upserts, exactly as an extraction writes them. Ids come from a `Catalogue`
(normally the simulated org's), so names resolve as they would; every row is a
finished survey of one form, the heaviest case for the tables, and about a
third carry a comment.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from csat.store import DIVISION_NAMES, QUEUE_NAMES, USER_NAMES, WRAPUP_NAMES, Store
from csat.timerange import UtcRange
from genesys_sim.org import Org

Row = dict[str, Any]
BATCH = 10_000
COVERED_DAYS = 90  # the default view, the period before it, and more
MEDIA = ("voice", "chat", "message", "email")
DIRECTIONS = ("inbound", "inbound", "inbound", "outbound")
COMMENTS = (
    "Quick and friendly, sorted my billing question in one call.",
    "Had to explain the problem twice after the transfer.",
    "The agent was patient and followed up by email as promised.",
    "Waited far too long in the queue, but the answer was right.",
    "Not resolved. I will have to call again tomorrow.",
    "Great service, thank you!",
)


@dataclass(frozen=True)
class Catalogue:
    """The ids and form facts synthetic rows draw from."""

    context_id: str
    form_id: str
    form_name: str
    scale: tuple[int, ...]
    agents: dict[str, str]  # id -> name
    queues: dict[str, str]
    wrapup_codes: dict[str, str]
    divisions: dict[str, str]

    @classmethod
    def from_org(cls, org: Org, context_id: str, scale: tuple[int, ...]) -> Catalogue:
        """The org's own ids and names, and the newest version of the form."""
        versions = [
            f
            for f in org.survey_forms
            if f["contextId"] == context_id and f.get("published")
        ]
        newest = max(versions, key=lambda f: (str(f.get("modifiedDate")), f["id"]))
        return cls(
            context_id=context_id,
            form_id=str(newest["id"]),
            form_name=str(newest["name"]),
            scale=scale,
            agents=_names(org.users),
            queues=_names(org.queues),
            wrapup_codes=_names(org.wrapup_codes),
            divisions=_names(org.divisions),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> Catalogue:
        return cls(**{**values, "scale": tuple(values["scale"])})

    def store_names(self, store: Store) -> None:
        """Write every name, so the frames resolve ids as after a real run."""
        store.put_names(USER_NAMES, self.agents)
        store.put_names(QUEUE_NAMES, self.queues)
        store.put_names(WRAPUP_NAMES, self.wrapup_codes)
        store.put_names(DIVISION_NAMES, self.divisions)


def fill_store(
    store: Store,
    catalogue: Catalogue,
    count: int,
    start: datetime,
    end: datetime,
    *,
    seed: int = 1,
) -> int:
    """Insert `count` finished responses (and their interactions) in `[start, end)`."""
    written = 0
    for responses, interactions in synthetic_batches(
        catalogue, count, start, end, seed
    ):
        with store.transaction():
            store.upsert_interactions(interactions)
            store.upsert_responses(responses)
        written += len(responses)
    return written


def record_complete(store: Store, context_id: str, now: datetime) -> None:
    """Mark the days around `now` fetched and final, so a reopen fetches nothing."""
    window = UtcRange(now - timedelta(days=COVERED_DAYS), now + timedelta(days=2))
    store.record_window(
        source="survey",
        context_id=context_id,
        window=window,
        state="complete",
        fetched_at=now,
    )


def synthetic_batches(
    catalogue: Catalogue, count: int, start: datetime, end: datetime, seed: int
) -> Iterator[tuple[list[Row], list[Row]]]:
    """Batches of (response rows, interaction rows), one survey a conversation."""
    rng = random.Random(seed)
    span_ms = int((end - start).total_seconds() * 1000)
    pools = (
        list(catalogue.agents),
        list(catalogue.queues),
        list(catalogue.wrapup_codes),
        list(catalogue.divisions),
    )
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        pairs = [_pair(rng, catalogue, pools, start, span_ms) for _ in range(size)]
        yield [p[0] for p in pairs], [p[1] for p in pairs]
        made += size


def _pair(
    rng: random.Random,
    catalogue: Catalogue,
    pools: tuple[list[str], list[str], list[str], list[str]],
    start: datetime,
    span_ms: int,
) -> tuple[Row, Row]:
    agents, queues, wrapups, divisions = pools
    began = start + timedelta(milliseconds=rng.randrange(span_ms))
    seconds = rng.uniform(60, 1800)
    agent = rng.choice(agents)
    queue = rng.choice(queues)
    media = rng.choice(MEDIA)
    conversation_id = _uuid(rng)
    interaction: Row = {
        "conversation_id": conversation_id,
        "conversation_start": began,
        "conversation_end": began + timedelta(seconds=seconds),
        "duration_s": seconds,
        "direction": rng.choice(DIRECTIONS),
        "media_type": media,
        "agent_id": agent,
        "queue_id": queue,
        "agent_ids": agent,
        "wrapup_code_id": rng.choice(wrapups),
        "transfer_count": 0,
        "division_ids": rng.choice(divisions),
    }
    return _response(
        rng, catalogue, interaction, began + timedelta(hours=2)
    ), interaction


def _response(
    rng: random.Random, catalogue: Catalogue, interaction: Row, completed: datetime
) -> Row:
    scale = catalogue.scale
    score = rng.choice(scale)
    commented = rng.random() < 0.33
    return {
        "survey_id": _uuid(rng),
        "conversation_id": interaction["conversation_id"],
        "conversation_start": interaction["conversation_start"],
        "survey_status": "Finished",
        "survey_completed": completed,
        "agent_id": interaction["agent_id"],
        "queue_id": interaction["queue_id"],
        "media_type": interaction["media_type"],
        "csat_score": score,
        "nps_score": rng.randrange(11),
        "comment": rng.choice(COMMENTS) if commented else None,
        "nps_comment": None,
        "survey_form_id": catalogue.form_id,
        "survey_form_context_id": catalogue.context_id,
        "survey_form_name": catalogue.form_name,
        "csat_scale_min": scale[0],
        "csat_scale_max": scale[-1],
        "csat_top2": score in scale[-2:],
        "total_score": float(rng.randrange(101)),
        "partial": False,
        "error_reason": None,
        "source": "survey",
    }


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _names(entities: list[dict[str, Any]]) -> dict[str, str]:
    return {str(e["id"]): str(e.get("name") or e["id"]) for e in entities}
