"""The fake customer of a conversation: names, numbers and addresses.

This is the personal data the extractor must drop: fictional names, phone
numbers in the reserved `+1 202-555-01xx` range and `example.net` addresses.
"""

from __future__ import annotations

import random
from typing import Any

from genesys_sim.generate.plans import ConversationPlan

COMPANY_NUMBER = "+12025550100"
COMPANY_EMAIL = "support@example.com"

_FIRST = (
    "Jamie", "Alex", "Sam", "Charlie", "Robin", "Drew", "Jesse", "Kai", "Noa", "Lee",
    "Mika", "Sasha"
)  # fmt: skip
_LAST = (
    "Rivera", "Novak", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Brennan",
    "Haddad"
)  # fmt: skip
_TIERS = ("standard", "standard", "gold", "platinum")
_TOPICS = ("billing", "technical", "sales", "cancel", "general")


class Customer:
    """One customer, drawn from the conversation's own generator."""

    def __init__(self, rng: random.Random) -> None:
        self.digits = f"{rng.randrange(1, 100):02d}"
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        self.name = f"{first} {last}"
        self.email = f"{first.lower()}.{last.lower()}@example.net"
        self.named = rng.random() < 0.5
        self.tier = rng.choice(_TIERS)
        self.topic = rng.choice(_TOPICS)

    @property
    def number(self) -> str:
        return f"+120255501{self.digits}"

    @property
    def display_number(self) -> str:
        return f"+1 202-555-01{self.digits}"

    @property
    def attributes(self) -> dict[str, str]:
        """Participant data as a flow would set it (async jobs only)."""
        return {"AccountTier": self.tier, "IvrIntent": self.topic}


def display_name(plan: ConversationPlan, customer: Customer) -> str:
    """The customer participant's `participantName`."""
    if plan.media_type in ("chat", "email"):
        return customer.name
    if plan.media_type == "voice":
        return customer.name if customer.named else f"Mobile {customer.display_number}"
    return customer.display_number


def addresses(plan: ConversationPlan, customer: Customer) -> dict[str, Any]:
    """The customer session's ani/dnis (voice) or addressFrom/To."""
    if plan.media_type == "voice":
        ours, theirs = f"tel:{COMPANY_NUMBER}", f"tel:{customer.number}"
        if plan.inbound:
            return {"ani": theirs, "dnis": ours, "sessionDnis": ours}
        return {"ani": ours, "dnis": theirs, "sessionDnis": theirs}
    if plan.media_type == "message":
        return {"addressFrom": customer.number, "addressTo": COMPANY_NUMBER}
    if plan.media_type == "email":
        return {"addressFrom": customer.email, "addressTo": COMPANY_EMAIL}
    return {}
