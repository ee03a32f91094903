"""Divisions, queues and wrap-up codes: the org's fixed routing catalogue.

Queues and wrap-up codes carry a satisfaction effect so that the dashboard has
real differences to find: Retention and Technical Support rate lower, Sales
and VIP Care higher; "No resolution" hurts, "Resolved" helps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genesys_sim.generate.clock import wire_time
from genesys_sim.generate.ids import stable_uuid

# Configuration objects were created long before any simulated history.
CATALOGUE_CREATED_MS = 1_694_505_600_000  # 2023-09-12T08:00:00Z
CATALOGUE_MODIFIED_MS = 1_706_788_800_000  # 2024-02-01T12:00:00Z


@dataclass(frozen=True, slots=True)
class Division:
    division_id: str
    name: str
    description: str
    home: bool


@dataclass(frozen=True, slots=True)
class Queue:
    queue_id: str
    name: str
    description: str
    division: Division
    media_types: tuple[str, ...]
    weight: float  # share of the traffic it attracts among queues of a medium
    effect: float  # shift of the customers' satisfaction
    wrapups: tuple[tuple[str, float], ...]  # wrap-up key, weight


@dataclass(frozen=True, slots=True)
class WrapupCode:
    key: str
    code_id: str
    name: str
    description: str
    effect: float


_DIVISIONS = (
    ("Home", "Default division", True),
    ("Customer Care", "Queues and flows of customer care", False),
    ("Sales & Retention", "Sales, upgrades and cancellations", False),
)

_WRAPUPS = (
    ("resolved", "Resolved", "Issue resolved on this contact", 0.45),
    ("info", "Information provided", "Question answered", 0.25),
    ("transferred", "Transferred", "Handed over to another queue or agent", -0.1),
    ("follow_up", "Follow-up needed", "Customer expects a call back", -0.4),
    ("escalated", "Escalated to tier 2", "Passed to second-line support", -0.5),
    ("billing_adj", "Billing adjustment", "Credit or refund applied", 0.15),
    ("sale", "Sale completed", "Order placed or plan upgraded", 0.45),
    ("cancel_done", "Cancellation processed", "Service cancelled", -0.6),
    ("cancel_saved", "Cancellation saved", "Customer kept the service", 0.2),
    ("no_resolution", "No resolution", "Could not help on this contact", -1.0),
)

# name, division index, description, media, weight, effect, wrap-ups
_QUEUES: tuple[tuple[Any, ...], ...] = (
    ("Support - General", 1, "First-line customer support",
     ("voice", "chat", "message"), 3.0, 0.0,
     (("resolved", 5), ("info", 4), ("follow_up", 1.5), ("no_resolution", 0.7))),
    ("Billing", 1, "Invoices, refunds and payment plans",
     ("voice", "chat", "email"), 2.0, -0.1,
     (("billing_adj", 4), ("resolved", 3), ("info", 2), ("follow_up", 1),
      ("no_resolution", 0.5))),
    ("Technical Support", 1, "Faults, outages and devices",
     ("voice", "chat", "email"), 2.0, -0.35,
     (("resolved", 4), ("escalated", 2), ("follow_up", 2), ("no_resolution", 1))),
    ("Email Support", 1, "Written enquiries",
     ("email",), 2.0, -0.05,
     (("info", 4), ("resolved", 4), ("follow_up", 1.5), ("no_resolution", 0.5))),
    ("Messaging", 1, "SMS and WhatsApp conversations",
     ("message",), 2.0, 0.1,
     (("resolved", 5), ("info", 4), ("follow_up", 1), ("no_resolution", 0.5))),
    ("Sales", 2, "New orders and upgrades",
     ("voice", "chat", "message"), 1.5, 0.35,
     (("sale", 5), ("info", 4), ("no_resolution", 0.5))),
    ("Retention", 2, "Cancellations and win-backs",
     ("voice", "email"), 1.0, -0.5,
     (("cancel_done", 4), ("cancel_saved", 3), ("follow_up", 1))),
    ("VIP Care", 1, "Priority line for premium customers",
     ("voice", "chat", "email"), 0.6, 0.5,
     (("resolved", 6), ("billing_adj", 2), ("info", 2))),
)  # fmt: skip


@dataclass(frozen=True)
class Routing:
    """The routing catalogue of one seed."""

    divisions: tuple[Division, ...]
    queues: tuple[Queue, ...]
    wrapups: dict[str, WrapupCode]

    @property
    def home(self) -> Division:
        return self.divisions[0]

    def queues_for(self, media_type: str) -> tuple[Queue, ...]:
        return tuple(q for q in self.queues if media_type in q.media_types)


def build_routing(seed: int) -> Routing:
    """Divisions, queues and wrap-up codes with ids derived from `seed`."""
    divisions = tuple(
        Division(stable_uuid(seed, "division", i), name, text, home)
        for i, (name, text, home) in enumerate(_DIVISIONS)
    )
    wrapups = {
        key: WrapupCode(key, stable_uuid(seed, "wrapup", key), name, text, effect)
        for key, name, text, effect in _WRAPUPS
    }
    queues = tuple(
        Queue(
            stable_uuid(seed, "queue", i),
            name,
            text,
            divisions[division],
            media,
            weight,
            effect,
            wrapup_weights,
        )
        for i, (
            name,
            division,
            text,
            media,
            weight,
            effect,
            wrapup_weights,
        ) in enumerate(_QUEUES)
    )
    return Routing(divisions, queues, wrapups)


def division_ref(division: Division) -> dict[str, Any]:
    """The `{id, name, selfUri}` reference embedded in other objects."""
    return {
        "id": division.division_id,
        "name": division.name,
        "selfUri": f"/api/v2/authorization/divisions/{division.division_id}",
    }


def division_json(division: Division) -> dict[str, Any]:
    """An `AuthzDivision` wire dict."""
    return {
        "id": division.division_id,
        "name": division.name,
        "description": division.description,
        "homeDivision": division.home,
        "selfUri": f"/api/v2/authorization/divisions/{division.division_id}",
    }


def queue_json(queue: Queue, member_count: int, admin_id: str) -> dict[str, Any]:
    """A `Queue` wire dict."""
    return {
        "id": queue.queue_id,
        "name": queue.name,
        "division": division_ref(queue.division),
        "description": queue.description,
        "dateCreated": wire_time(CATALOGUE_CREATED_MS),
        "dateModified": wire_time(CATALOGUE_MODIFIED_MS),
        "modifiedBy": admin_id,
        "createdBy": admin_id,
        "memberCount": member_count,
        "userMemberCount": member_count,
        "joinedMemberCount": max(0, member_count - 1),
        "acwSettings": {"wrapupPrompt": "MANDATORY_TIMEOUT", "timeoutMs": 60000},
        "skillEvaluationMethod": "ALL",
        "scoringMethod": "TimestampAndPriority",
        "selfUri": f"/api/v2/routing/queues/{queue.queue_id}",
    }


def wrapup_json(code: WrapupCode, home: Division, admin_id: str) -> dict[str, Any]:
    """A `WrapupCode` wire dict."""
    return {
        "id": code.code_id,
        "name": code.name,
        "division": division_ref(home),
        "description": code.description,
        "dateCreated": wire_time(CATALOGUE_CREATED_MS),
        "dateModified": wire_time(CATALOGUE_CREATED_MS),
        "createdBy": admin_id,
        "modifiedBy": admin_id,
        "selfUri": f"/api/v2/routing/wrapupcodes/{code.code_id}",
    }
