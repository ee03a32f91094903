"""`python -m csat`: the command line."""

from csat.cli import main

raise SystemExit(main())
