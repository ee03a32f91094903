"""A faithful simulator of the Genesys Cloud Platform API, served on loopback.

    from genesys_sim import OrgSpec, SimSettings, run_simulator

    with run_simulator(SimSettings(org=OrgSpec.demo()), port=0) as sim:
        sim.base_url  # "http://127.0.0.1:PORT"

See docs/architecture.md ("The simulator") for the contract.
"""

from genesys_sim.org import build_org
from genesys_sim.server import RunningSimulator, run_simulator, start_simulator
from genesys_sim.settings import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Faults,
    Limits,
    SimSettings,
)
from genesys_sim.spec import OrgSpec

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "Faults",
    "Limits",
    "OrgSpec",
    "RunningSimulator",
    "SimSettings",
    "build_org",
    "run_simulator",
    "start_simulator",
]
