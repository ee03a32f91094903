"""Agents, their seats and turnover, and the org's other users.

An agent works in a *seat*: a place in the roster with fixed queue
memberships. Most seats are permanent. A few are turnover seats whose
occupant changes on an absolute schedule, one tenure every `history_days`,
staggered per seat: whatever the org's clock, the data window holds exactly
one departure per turnover seat. The departed occupant is listed as deleted
and stays credited on the surveys of the conversations they handled.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from genesys_sim.generate.clock import ANCHOR_MS, DAY_MS, MINUTE_MS
from genesys_sim.generate.ids import rng_for, stable_uuid
from genesys_sim.generate.routing import Division, Routing, division_ref
from genesys_sim.spec import OrgSpec

_FIRST = (
    "Avery", "Blake", "Casey", "Devon", "Emerson", "Finley", "Harper", "Jordan",
    "Kendall", "Logan", "Morgan", "Parker", "Quinn", "Reese", "Riley", "Rowan",
    "Sawyer", "Taylor", "Aisha", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta",
    "Hiroshi", "Ines", "Jonas", "Kofi", "Lucia", "Mateo", "Nadia", "Omar", "Priya",
    "Rafael", "Sofia", "Tomasz", "Ursula", "Viktor", "Wen", "Ximena", "Yusuf", "Zara",
    "Amara", "Bjorn", "Camila", "Diego", "Esme"
)  # fmt: skip
_LAST = (
    "Example", "Sample", "Placeholder", "Testwood", "Mockford", "Demoson", "Fictus",
    "Madeup", "Notreal", "Pretendly", "Samplewell", "Exemplar", "Standin", "Proxyman",
    "Dummett", "Fakenham", "Imaginary", "Lorem", "Ipsum", "Dolor", "Sitwell",
    "Ametrine", "Consect", "Adipisc", "Elitson", "Seddo", "Eiusmod", "Tempor",
    "Incidid", "Utlabore"
)  # fmt: skip
_TITLES = (
    "Customer Care Agent",
    "Customer Care Agent",
    "Senior Agent",
    "Billing Specialist",
    "Technical Support Agent",
    "Sales Advisor",
)
# name, title, state
_STAFF = (
    ("Quinn Reviewer", "Quality Analyst", "active"),
    ("Morgan Assessor", "Quality Analyst", "active"),
    ("Sam Supervisor", "Contact Centre Manager", "active"),
    ("Robin Planner", "Workforce Planner", "inactive"),
)
EVALUATOR_COUNT = 2
ADMIN_INDEX = 2


@dataclass(frozen=True, slots=True)
class Agent:
    user_id: str
    name: str
    title: str
    division: Division
    bias: float  # shift of the satisfaction of the customers they serve
    seat: int
    tenure: int


@dataclass(frozen=True, slots=True)
class Staff:
    user_id: str
    name: str
    title: str
    state: str


class Roster:
    """Who sits in which seat at any absolute time."""

    def __init__(self, spec: OrgSpec, routing: Routing) -> None:
        self._seed = spec.seed
        self._routing = routing
        self.permanent = spec.agents - 2 * spec.deleted_agents
        self.turnover = spec.deleted_agents
        self.tenure_ms = spec.history_days * DAY_MS
        self.seat_queues = _seat_queues(spec.seed, self.seats, routing)
        self.queue_seats = _queue_seats(self.seat_queues, len(routing.queues))
        self._people: dict[tuple[int, int], Agent] = {}
        self.staff = _staff(spec.seed)

    @property
    def seats(self) -> int:
        return self.permanent + self.turnover

    def tenure_at(self, seat: int, t_ms: int) -> int:
        """Which occupant (0 for permanent seats) sits in `seat` at `t_ms`."""
        if seat < self.permanent:
            return 0
        return (t_ms - self.boundary(seat, 0)) // self.tenure_ms + 1

    def boundary(self, seat: int, tenure: int) -> int:
        """When occupant `tenure` of a turnover seat leaves (and is deleted)."""
        slot = seat - self.permanent
        offset = (2 * slot + 1) * self.tenure_ms // (2 * self.turnover)
        return ANCHOR_MS + offset + 30 * MINUTE_MS + tenure * self.tenure_ms

    def occupant(self, seat: int, t_ms: int) -> Agent:
        return self.person(seat, self.tenure_at(seat, t_ms))

    def person(self, seat: int, tenure: int) -> Agent:
        key = (seat, tenure)
        agent = self._people.get(key)
        if agent is None:
            agent = self._make_person(seat, tenure)
            self._people[key] = agent
        return agent

    def pick(
        self, rng: random.Random, queue_index: int, t_ms: int, busy: set[str]
    ) -> Agent:
        """An agent of the queue at `t_ms`, not already on the conversation."""
        seats = self.queue_seats[queue_index]
        for _ in range(8):
            agent = self.occupant(seats[int(rng.random() * len(seats))], t_ms)
            if agent.user_id not in busy:
                return agent
        free = [self.occupant(s, t_ms) for s in seats]
        free = [a for a in free if a.user_id not in busy] or free
        return free[int(rng.random() * len(free))]

    def _make_person(self, seat: int, tenure: int) -> Agent:
        rng = rng_for(self._seed, "person", seat, tenure)
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        bias = rng.gauss(0.0, 0.45)
        title = rng.choice(_TITLES)
        queue = self._routing.queues[self.seat_queues[seat][0]]
        user_id = stable_uuid(self._seed, "agent", seat, tenure)
        return Agent(user_id, name, title, queue.division, bias, seat, tenure)

    def listed_agents(self, window_start_ms: int, as_of_ms: int) -> list[Agent]:
        """Every agent who worked in the window, the departed ones included."""
        agents = [self.person(seat, 0) for seat in range(self.permanent)]
        for seat in range(self.permanent, self.seats):
            first = self.tenure_at(seat, window_start_ms)
            last = self.tenure_at(seat, max(window_start_ms, as_of_ms - 1))
            agents.extend(self.person(seat, j) for j in range(first, last + 1))
        return agents

    def is_deleted(self, agent: Agent, as_of_ms: int) -> bool:
        if agent.seat < self.permanent:
            return False
        return self.boundary(agent.seat, agent.tenure) <= as_of_ms


def _seat_queues(seed: int, seats: int, routing: Routing) -> list[tuple[int, ...]]:
    """Queue memberships per seat: a primary queue, sometimes one or two more."""
    rng = rng_for(seed, "seat-queues")
    count = len(routing.queues)
    weights = [q.weight for q in routing.queues]
    memberships = []
    for seat in range(seats):
        primary = seat if seat < count else rng.choices(range(count), weights)[0]
        extra = rng.choices(range(count), weights, k=rng.choice((0, 1, 1, 2)))
        queues = [primary] + [q for q in dict.fromkeys(extra) if q != primary]
        memberships.append(tuple(queues))
    return memberships


def _queue_seats(memberships: list[tuple[int, ...]], count: int) -> list[list[int]]:
    seats: list[list[int]] = [[] for _ in range(count)]
    for seat, queues in enumerate(memberships):
        for queue in queues:
            seats[queue].append(seat)
    return seats


def _staff(seed: int) -> tuple[Staff, ...]:
    return tuple(
        Staff(stable_uuid(seed, "staff", i), name, title, state)
        for i, (name, title, state) in enumerate(_STAFF)
    )


def agent_json(agent: Agent, deleted: bool, email: str) -> dict[str, Any]:
    """A `User` wire dict for an agent; deleted users have no e-mail."""
    user: dict[str, Any] = {
        "id": agent.user_id,
        "name": agent.name,
        "division": division_ref(agent.division),
    }
    if not deleted:
        user["email"] = email
    user["state"] = "deleted" if deleted else "active"
    user["title"] = agent.title
    if not deleted:
        user["username"] = email
    user["version"] = 3 if deleted else 2
    user["selfUri"] = f"/api/v2/users/{agent.user_id}"
    return user


def staff_json(staff: Staff, home: Division) -> dict[str, Any]:
    """A `User` wire dict for a supervisor, analyst or planner."""
    email = staff.name.lower().replace(" ", ".") + "@example.com"
    return {
        "id": staff.user_id,
        "name": staff.name,
        "division": division_ref(home),
        "email": email,
        "state": staff.state,
        "title": staff.title,
        "username": email,
        "version": 2,
        "selfUri": f"/api/v2/users/{staff.user_id}",
    }


def email_for(name: str, taken: set[str]) -> str:
    """A unique example.com address for `name`."""
    local = name.lower().replace(" ", ".")
    candidate, n = local, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}"
    taken.add(candidate)
    return f"{candidate}@example.com"
