"""Async details jobs: their life cycle and their cursor-paged results.

A job's conversations are chosen when it is submitted. Its state then follows the
clock (reference section 8): `QUEUED` for the first half of the completion delay,
`PENDING` for the second, then its outcome (`FULFILLED`, or an injected `FAILED` or
`EXPIRED`); a fulfilled job becomes `EXPIRED` at its `expirationDate`, and a
cancelled one reports `CANCELLED`. Cursors are opaque tokens bound to their job.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from genesys_sim.faults import JobOutcome
from genesys_sim.intervals import format_instant

FAILURE_MESSAGE = "The analytics job failed to complete. Please resubmit the job."


class CursorError(ValueError):
    """A cursor that does not belong to the job, or cannot be read."""


@dataclass
class Job:
    """One submitted job and what it will return."""

    job_id: str
    submitted_at: float
    completes_at: float
    expires_at: float
    outcome: JobOutcome
    conversation_ids: list[str]
    cancelled: bool = False

    def state(self, now: float) -> str:
        """The state reported at `now`."""
        if self.cancelled:
            return "CANCELLED"
        if now < self.completes_at:
            midway = (self.submitted_at + self.completes_at) / 2
            return "QUEUED" if now < midway else "PENDING"
        if now >= self.expires_at:
            return "EXPIRED"
        return self.outcome.value

    def status_json(self, now: float) -> dict[str, object]:
        """The `AsyncQueryStatus` wire dict."""
        state = self.state(now)
        body: dict[str, object] = {
            "state": state,
            "submissionDate": _wire(self.submitted_at),
        }
        if state in ("FULFILLED", "FAILED", "EXPIRED"):
            body["completionDate"] = _wire(self.completes_at)
        if state in ("FULFILLED", "EXPIRED"):
            body["expirationDate"] = _wire(self.expires_at)
        if state == "FAILED":
            body["errorMessage"] = FAILURE_MESSAGE
        return body


class JobStore:
    """Jobs of one server, keyed by id."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._jobs: dict[str, Job] = {}

    def submit(
        self,
        conversation_ids: list[str],
        outcome: JobOutcome,
        delay_s: float,
        expiry_hours: float,
    ) -> Job:
        """Record a new job whose results are `conversation_ids`."""
        now = self._clock()
        self._forget_expired(now)
        completes_at = now + max(delay_s, 0.0)
        expires_at = completes_at + expiry_hours * 3600.0
        if outcome is JobOutcome.EXPIRED:
            expires_at = completes_at
        job = Job(
            str(uuid.uuid4()), now, completes_at, expires_at, outcome, conversation_ids
        )
        self._jobs[job.job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        """The job, or None when unknown."""
        return self._jobs.get(job_id)

    def now(self) -> float:
        """The store's clock, for state checks."""
        return self._clock()

    def _forget_expired(self, now: float) -> None:
        stale = [
            key for key, job in self._jobs.items() if now >= job.expires_at + 86400.0
        ]
        for key in stale:
            del self._jobs[key]


def encode_cursor(job_id: str, offset: int) -> str:
    """An opaque cursor for the page starting at `offset`."""
    return base64.urlsafe_b64encode(f"{job_id}:{offset}".encode()).decode()


def decode_cursor(job_id: str, cursor: str) -> int:
    """The offset a cursor of this job points at."""
    try:
        owner, _, offset = (
            base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        )
        value = int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise CursorError("Invalid cursor") from exc
    if owner != job_id or value < 0:
        raise CursorError("Invalid cursor")
    return value


def _wire(moment: float) -> str:
    return format_instant(datetime.fromtimestamp(moment, UTC))
