"""The size and clock of a simulated org: everything `build_org` needs to know.

An org is a pure function of its spec and absolute time. `as_of` is only the
org's clock: it decides which conversations, surveys and evaluations have
happened yet, never what they contain.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime


@dataclass(frozen=True)
class OrgSpec:
    """How big the org is, how far back its data goes and when "now" is."""

    seed: int = 7
    agents: int = 40
    deleted_agents: int = 4  # part of `agents`; deleted since, still credited
    history_days: int = 90  # data covers [as_of - history_days, as_of)
    conversations_per_day: int = 600  # weekday average
    survey_offer_share: float = 0.4  # share of conversations that get a survey
    as_of: datetime | None = None  # UTC; None = now floored to the hour

    def __post_init__(self) -> None:
        if self.deleted_agents < 0 or self.history_days < 1:
            raise ValueError("deleted_agents and history_days must be positive")
        # Every deleted agent had a successor, and each of the 8 queues a seat.
        if self.agents < max(2 * self.deleted_agents, self.deleted_agents + 8):
            raise ValueError("agents must be at least 2 * deleted_agents and 8 more")
        if self.conversations_per_day < 0:
            raise ValueError("conversations_per_day must not be negative")
        if not 0.0 <= self.survey_offer_share <= 1.0:
            raise ValueError("survey_offer_share is a share between 0 and 1")
        if self.as_of is not None and self.as_of.utcoffset() is None:
            raise ValueError("as_of must be timezone-aware")

    @classmethod
    def demo(cls) -> OrgSpec:
        """The embedded demo org: ready in a few seconds."""
        return cls()

    @classmethod
    def large(cls) -> OrgSpec:
        """A large contact centre: ~200 agents, 10,000+ finished surveys a month."""
        return cls(agents=200, deleted_agents=10, conversations_per_day=4200)

    def resolved_as_of(self) -> datetime:
        """`as_of` in UTC, or the current hour when it is not set."""
        if self.as_of is not None:
            return self.as_of.astimezone(UTC)
        return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)

    def at(self, as_of: datetime) -> OrgSpec:
        """The same org seen at another moment."""
        return replace(self, as_of=as_of)
