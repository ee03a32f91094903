"""What a supervisor is looking at: range, zone, anchor, form and filters.

`ViewState` is read from the sidebar on every run (the sidebar keeps it in the
URL); `build_request` turns it into the extraction request the loader caches on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from csat.dataset import ExtractRequest, Source

Anchor = Literal["interaction", "completion"]

ANCHOR_LABELS: dict[Anchor, str] = {
    "interaction": "Interaction start",
    "completion": "Survey completion",
}
LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class Filters:
    """Names to keep; an empty tuple keeps everything."""

    queues: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    wrapup_codes: tuple[str, ...] = ()

    def active(self) -> bool:
        """True when at least one filter narrows the rows."""
        return any(self.by_column().values())

    def by_column(self) -> dict[str, tuple[str, ...]]:
        """Each filter keyed by the column of the joined frame it applies to."""
        return {
            "queue_name": self.queues,
            "agent_name": self.agents,
            "media_type": self.media_types,
            "direction": self.directions,
            "wrapup_name": self.wrapup_codes,
        }


@dataclass(frozen=True)
class FormSelection:
    """The survey form override: `None` lets the extraction choose."""

    source: Source = "survey"
    form: str | None = None  # a form context id, name or id

    @property
    def automatic(self) -> bool:
        return self.form is None


@dataclass(frozen=True)
class ViewState:
    """Everything the sidebar decides, for one run of one page."""

    start: date
    end: date
    tz: str
    anchor: Anchor = "interaction"
    selection: FormSelection = field(default_factory=FormSelection)
    filters: Filters = field(default_factory=Filters)


def build_request(
    view: ViewState,
    start: date | None = None,
    end: date | None = None,
    *,
    refresh: bool = False,
) -> ExtractRequest:
    """The extraction request behind `view` (or behind another range of it).

    With the completion anchor a survey completed in the range may rate an
    interaction that started up to the look-back period earlier, so the request
    reaches back that far; `select_period` then keeps the rows that belong.
    Without `refresh`, whatever the store holds is used as it is.
    """
    first = view.start if start is None else start
    last = view.end if end is None else end
    if view.anchor == "completion":
        first -= timedelta(days=LOOKBACK_DAYS)
    return ExtractRequest(
        start=first,
        end=last,
        tz=view.tz,
        form=view.selection.form,
        source=view.selection.source,
        lookback_days=LOOKBACK_DAYS,
        refresh=refresh,
    )
