"""Requests sorted into the kinds the minimum counts: token, forms, details, ..."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

KINDS = ("token", "forms", "details", "answers", "lookups", "other")

_PREFIXES = (
    ("/oauth/token", "token"),
    ("/api/v2/quality/forms/", "forms"),
    ("/api/v2/quality/publishedforms/", "forms"),
    ("/api/v2/analytics/conversations/details", "details"),
    ("/api/v2/quality/surveys/", "answers"),
    ("/api/v2/quality/conversations/", "answers"),
    ("/api/v2/users", "lookups"),
    ("/api/v2/routing/", "lookups"),
    ("/api/v2/authorization/divisions", "lookups"),
)


def kind_of(route: str) -> str:
    """The kind of a route such as `GET /api/v2/quality/surveys/{id}`."""
    path = route.split(" ", 1)[-1]
    for prefix, kind in _PREFIXES:
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return kind
    return "other"


def by_kind(by_route: Mapping[str, int]) -> dict[str, int]:
    """Request counts per kind, every kind present."""
    counts: Counter[str] = Counter({kind: 0 for kind in KINDS})
    for route, count in by_route.items():
        counts[kind_of(route)] += count
    return dict(counts)
