"""Seeded generators and uuid-shaped ids.

Every generator is seeded from a tuple of plain values through BLAKE2b, never
from Python's salted `hash()`, so the same parts give the same stream in every
process and on every machine.
"""

from __future__ import annotations

import hashlib
import random

_VARIANT = "89ab"


def seed_of(*parts: object) -> int:
    """A 64-bit seed that depends only on `parts`."""
    text = ":".join(str(part) for part in parts)
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def rng_for(*parts: object) -> random.Random:
    """A generator seeded from `parts`."""
    return random.Random(seed_of(*parts))


def uuid_from(rng: random.Random) -> str:
    """A uuid4-shaped string drawn from `rng`."""
    digits = f"{rng.getrandbits(128):032x}"
    variant = _VARIANT[int(digits[16], 16) & 3]
    return (
        f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-"
        f"{variant}{digits[17:20]}-{digits[20:]}"
    )


def stable_uuid(*parts: object) -> str:
    """The uuid-shaped id named by `parts` (the same parts, the same id)."""
    return uuid_from(rng_for("id", *parts))
