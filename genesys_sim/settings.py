"""What the simulator serves and how strictly: the org, its limits and its faults.

Every limit of the reference (`genesys-api.md`, "How the simulator should treat
unconfirmed limits") is a field of `Limits`, so a live check that settles a value
changes a default here and nothing else. `Faults` is deliberately mutable: the
running server reads it on every request, so a test can switch a fault on between
two calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from genesys_sim.spec import OrgSpec

DEMO_CLIENT_ID = "demo-client-id"
DEMO_CLIENT_SECRET = "demo-client-secret"


@dataclass(frozen=True)
class Limits:
    """The service's limits, each a setting (reference sections 7-12)."""

    details_default_page_size: int = 25
    details_max_page_size: int = 100
    details_max_interval_days_unfiltered: int = 7
    details_max_interval_days_filtered: int = 31
    details_max_result_window: int = 100_000
    details_query_cache_size: int = 64
    details_max_ids: int = 100
    rate_limit_per_minute: int = 300
    rate_limit_window_s: float = 60.0
    token_expires_in: int = 86399
    job_results_default_page_size: int = 100
    job_results_max_page_size: int = 1000
    job_completion_delay_s: float = 1.0
    job_expiry_hours: float = 48.0
    datalake_lag_hours: float = 6.0
    users_max_ids_per_request: int = 100
    forms_max_context_ids: int = 100
    listing_default_page_size: int = 25
    listing_max_page_size: int = 500


@dataclass
class Faults:
    """Injected failures, all off by default; read live on every request.

    Shares are probabilities per request, drawn from one generator seeded with
    `seed`, so a run with the same requests in the same order fails the same way.
    `fail_next_jobs` and `expire_next_jobs` count down: the next N submitted jobs
    end `FAILED` (or `EXPIRED`) whatever the shares say.
    """

    share_429: float = 0.0
    share_5xx: float = 0.0
    latency_s: float = 0.0
    share_dropped: float = 0.0
    token_expiry_s: float | None = None
    job_failure_share: float = 0.0
    job_expiry_share: float = 0.0
    fail_next_jobs: int = 0
    expire_next_jobs: int = 0
    deny_permissions: set[str] = field(default_factory=set)
    visible_divisions: set[str] | None = None
    retry_after_s: int = 1
    seed: int = 0


@dataclass
class SimSettings:
    """Everything `run_simulator` needs: the org to build, its limits and faults."""

    org: OrgSpec = field(default_factory=OrgSpec.demo)
    limits: Limits = field(default_factory=Limits)
    faults: Faults = field(default_factory=Faults)
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
