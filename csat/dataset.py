"""What the command line and the dashboard read: one range, extracted and named.

`open_dataset` is the single entry point: it brings the local store up to date for
the requested range (through `csat.extract`) and returns the rows, already joined
with interaction details and names, together with the facts about their health.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import pandas as pd

from csat.config import Config

Source = Literal["survey", "evaluation"]


@dataclass(frozen=True)
class ExtractRequest:
    """A date range in a time zone, and which form holds CSAT."""

    start: date
    end: date
    tz: str = "UTC"
    form: str | None = None  # name, id or context id; None chooses automatically
    source: Source = "survey"
    lookback_days: int = 7
    refresh: bool = True  # re-query the look-back period for late answers


@dataclass(frozen=True)
class Progress:
    """One step of a long extraction, for progress bars and status lines."""

    stage: str  # "forms", "conversations", "answers", "names", "done"
    done: int
    total: int | None
    message: str
    stored: int | None = None  # conversations (or answers) stored so far, if known


@dataclass(frozen=True)
class FormInfo:
    """The form the figures come from, and how it was chosen."""

    source: Source
    name: str
    context_id: str
    version_ids: tuple[str, ...]
    scale: tuple[int, ...]  # CSAT answer values, ascending, of the newest version
    csat_question: str
    nps_question: str | None
    chosen_automatically: bool
    warning: str | None = None


@dataclass(frozen=True)
class FormChoice:
    """One entry of the form override list."""

    source: Source
    name: str
    context_id: str
    published: bool
    looks_like_csat: bool
    automatic: bool = False  # the form the automatic choice takes


@dataclass(frozen=True)
class Health:
    """What a supervisor should know before trusting the figures."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    permission_problems: tuple[str, ...] = ()
    provisional_from: datetime | None = None  # UTC; rows from here on may change
    data_availability: datetime | None = None
    cached_at: datetime | None = None  # when the store was last brought up to date
    left_out: dict[str, int] = field(default_factory=dict)  # status -> count
    errors_by_reason: dict[str, int] = field(default_factory=dict)
    partial_responses: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    """Responses of one range with their interactions, answers and health."""

    request: ExtractRequest
    form: FormInfo
    responses: pd.DataFrame  # response + interaction + name columns (architecture.md)
    answers: pd.DataFrame
    health: Health
    partial: bool = False  # read from the store while an extraction still runs
    stopped: bool = False  # partial, and that extraction ended in an error


ProgressCallback = Callable[[Progress], None]


def open_dataset(
    config: Config,
    request: ExtractRequest,
    progress: ProgressCallback | None = None,
) -> Dataset:
    """Bring the store up to date for `request` and return its rows."""
    from csat.extract import open_dataset_sync

    return open_dataset_sync(config, request, progress)
