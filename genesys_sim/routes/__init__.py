"""The simulator's endpoints, one module per concept of the API.

Order matters where paths overlap: fixed segments (`bulk`, `availability`) are
listed before the `{id}` routes that would otherwise swallow them.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from genesys_sim.routes import (
    aggregates,
    apps,
    details,
    evaluations,
    forms,
    jobs,
    lookups,
    oauth,
    surveys,
)


def all_routes() -> list[BaseRoute]:
    """Every route the simulator serves."""
    return [
        *oauth.ROUTES,
        *forms.ROUTES,
        *surveys.ROUTES,
        *evaluations.ROUTES,
        *details.ROUTES,
        *jobs.ROUTES,
        *aggregates.ROUTES,
        *lookups.ROUTES,
        *apps.ROUTES,
    ]
