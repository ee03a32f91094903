"""Names for ids: agents (deleted ones included), queues, wrap-up codes, divisions.

Ids are looked up in batches of at most 100 and cached in the store, so an id is
asked about once. Old surveys often point at agents deleted since, which
`/api/v2/users` leaves out by default: users are asked for with `state=any`, and
any still missing with `state=deleted` (genesys-api.md, section 11). An id the
service does not know becomes a labelled placeholder, never an exception; a
permission the client lacks is recorded, and the names stay unresolved.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from csat.client import GenesysClient
from csat.errors import MissingPermissionError
from csat.paging import iter_entities
from csat.store import Store

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
LISTED_DIVISIONS = "divisions:listed"


@dataclass(frozen=True)
class LookupKind:
    """One kind of named object: where to ask, and what to call it."""

    kind: str  # the store's name table
    path: str
    label: str  # in placeholders and problem reports
    states: tuple[str | None, ...] = (None,)  # `state` values to ask in turn


USERS = LookupKind("user", "/api/v2/users", "user", ("any", "deleted"))
QUEUES = LookupKind("queue", "/api/v2/routing/queues", "queue")
WRAPUP_CODES = LookupKind("wrapup", "/api/v2/routing/wrapupcodes", "wrap-up code")
DIVISIONS = LookupKind("division", "/api/v2/authorization/divisions", "division")
KINDS = (USERS, QUEUES, WRAPUP_CODES, DIVISIONS)


def placeholder(label: str, entity_id: str) -> str:
    """The name shown for an id nobody could resolve: `Unknown user (1a2b3c4d)`."""
    return f"Unknown {label} ({entity_id[:8]})"


def batches(ids: Sequence[str], size: int = BATCH_SIZE) -> list[list[str]]:
    """`ids` cut into lists of at most `size`."""
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


class NameResolver:
    """Resolves ids to names through the store's cache, then the API."""

    def __init__(self, client: GenesysClient, store: Store) -> None:
        self.client = client
        self.store = store
        self.problems: list[str] = []

    async def resolve(self, ids: Mapping[LookupKind, Iterable[str]]) -> int:
        """Cache a name (or placeholder) for every id; return the requests' count."""
        asked = 0
        for kind, wanted in ids.items():
            asked += await self._resolve_kind(kind, wanted)
        return asked

    async def _resolve_kind(self, kind: LookupKind, wanted: Iterable[str]) -> int:
        known = self.store.names(kind.kind)
        missing = sorted({i for i in wanted if i and i not in known})
        if not missing:
            return 0
        try:
            found = await self._fetch(kind, missing)
        except MissingPermissionError as exc:
            self._note_permission(kind, exc)
            return len(missing)
        unknown = {i: placeholder(kind.label, i) for i in missing if i not in found}
        if unknown:
            logger.info("%d %s ids could not be resolved", len(unknown), kind.label)
        self.store.put_names(kind.kind, {**found, **unknown})
        return len(missing)

    async def _fetch(self, kind: LookupKind, ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for state in kind.states:
            remaining = [i for i in ids if i not in found]
            if not remaining:
                break
            pages = [
                self._fetch_batch(kind, batch, state) for batch in batches(remaining)
            ]
            for names in await asyncio.gather(*pages):
                found.update(names)
        return found

    async def _fetch_batch(
        self, kind: LookupKind, ids: list[str], state: str | None
    ) -> dict[str, str]:
        params: dict[str, Any] = {"id": ids}
        if state is not None:
            params["state"] = state
        names: dict[str, str] = {}
        async for entity in iter_entities(self.client, kind.path, params, BATCH_SIZE):
            if entity.get("id") in ids and entity.get("name"):
                names[str(entity["id"])] = str(entity["name"])
        return names

    async def working_divisions(self) -> dict[str, str]:
        """The org's divisions other than its home division, listed once.

        Divisions need no permission to list, while a client limited to some
        divisions sees no conversations of the others: comparing the two is the
        only sign of data hidden from this client. The home division often holds
        no contact-centre work at all, so it is left out of the comparison.
        """
        listed = self.store.meta(LISTED_DIVISIONS)
        if listed is None:
            entities = [
                e
                async for e in iter_entities(
                    self.client, DIVISIONS.path, {}, BATCH_SIZE
                )
            ]
            names = {str(e["id"]): str(e.get("name") or e["id"]) for e in entities}
            self.store.put_names(DIVISIONS.kind, names)
            working = sorted(
                str(e["id"]) for e in entities if not e.get("homeDivision")
            )
            listed = json.dumps(working)
            self.store.set_meta(LISTED_DIVISIONS, listed)
        known = self.store.names(DIVISIONS.kind)
        return {i: known.get(i, i) for i in json.loads(listed)}

    def _note_permission(self, kind: LookupKind, error: MissingPermissionError) -> None:
        needed = ", ".join(error.permissions) or "a permission"
        problem = f"{kind.label.capitalize()} names need {needed}"
        logger.warning("%s; shown as ids", problem)
        if problem not in self.problems:
            self.problems.append(problem)
