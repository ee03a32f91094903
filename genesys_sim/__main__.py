"""`python -m genesys_sim`: see `genesys_sim.cli`."""

from genesys_sim.cli import main

raise SystemExit(main())
