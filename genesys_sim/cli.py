"""Command line: serve the simulated org, or write its ground truth.

    python -m genesys_sim serve --port 8765 [--size large] [--share-429 0.05] ...
    python -m genesys_sim truth --from 2026-11-01 --to 2026-11-30 --out truth.csv
        [--tz Europe/London] [--seed N] [--size demo|large] [--as-of ISO]

Exit codes: 0 success, 2 bad arguments (argparse), 1 the server could not start.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from genesys_sim.org import build_org
from genesys_sim.server import SimulatorError, run_simulator
from genesys_sim.settings import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Faults,
    Limits,
    SimSettings,
)
from genesys_sim.spec import OrgSpec
from genesys_sim.truth import ground_truth, write_truth_csv

logger = logging.getLogger(__name__)


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 date-time: {text!r}"
        ) from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return port


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a share is between 0 and 1, not {text}")
    return value


def _add_org_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, help="data seed (default: the demo's)")
    parser.add_argument("--size", choices=("demo", "large"), default="demo")
    parser.add_argument("--as-of", type=_instant, help="the org's clock (ISO 8601)")


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="serve the simulated org over HTTP")
    serve.add_argument("--port", type=_port, default=8765, help="0 picks a free port")
    serve.add_argument("--host", default="127.0.0.1")
    _add_org_options(serve)
    serve.add_argument("--rate-limit", type=int, help="requests per minute per token")
    serve.add_argument(
        "--token-lifetime", type=int, help="expires_in of new tokens (s)"
    )
    serve.add_argument("--job-delay", type=float, help="seconds until a job completes")
    serve.add_argument("--share-429", type=_share, default=0.0)
    serve.add_argument("--share-5xx", type=_share, default=0.0)
    serve.add_argument("--share-dropped", type=_share, default=0.0)
    serve.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    serve.add_argument(
        "--token-expiry", type=float, help="revoke tokens after S seconds"
    )
    serve.add_argument("--job-failure", type=_share, default=0.0)
    serve.add_argument("--job-expiry", type=_share, default=0.0)
    serve.add_argument("--fault-seed", type=int, default=0)
    serve.add_argument(
        "--deny-permission", action="extend", nargs="+", default=[], metavar="P"
    )
    serve.add_argument("--visible-division", action="extend", nargs="+", metavar="ID")


def _add_truth(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    truth = commands.add_parser("truth", help="write the ground truth of a date range")
    truth.add_argument("--from", dest="start", type=_day, required=True)
    truth.add_argument("--to", dest="end", type=_day, required=True)
    truth.add_argument("--tz", default="UTC", help="IANA time zone of the dates")
    _add_org_options(truth)
    truth.add_argument("--out", type=Path, required=True)


def build_parser() -> argparse.ArgumentParser:
    """The `python -m genesys_sim` parser."""
    parser = argparse.ArgumentParser(
        prog="python -m genesys_sim",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_serve(commands)
    _add_truth(commands)
    return parser


def org_spec(args: argparse.Namespace) -> OrgSpec:
    """The org the options describe."""
    spec = OrgSpec.large() if args.size == "large" else OrgSpec.demo()
    if args.seed is not None:
        spec = replace(spec, seed=args.seed)
    return spec.at(args.as_of) if args.as_of is not None else spec


def sim_settings(args: argparse.Namespace) -> SimSettings:
    """Limits and faults of a `serve` command."""
    overrides = {
        "rate_limit_per_minute": args.rate_limit,
        "token_expires_in": args.token_lifetime,
        "job_completion_delay_s": args.job_delay,
    }
    limits = replace(Limits(), **{k: v for k, v in overrides.items() if v is not None})
    faults = Faults(
        share_429=args.share_429,
        share_5xx=args.share_5xx,
        share_dropped=args.share_dropped,
        latency_s=args.latency,
        token_expiry_s=args.token_expiry,
        job_failure_share=args.job_failure,
        job_expiry_share=args.job_expiry,
        deny_permissions=set(args.deny_permission),
        visible_divisions=set(args.visible_division) if args.visible_division else None,
        seed=args.fault_seed,
    )
    return SimSettings(org=org_spec(args), limits=limits, faults=faults)


def serve(args: argparse.Namespace) -> int:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    stop = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    try:
        with run_simulator(sim_settings(args), port=args.port, host=args.host) as sim:
            print(f"Genesys Cloud simulator serving on {sim.base_url}", flush=True)
            print(f"OAuth client id:     {DEMO_CLIENT_ID}")
            print(f"OAuth client secret: {DEMO_CLIENT_SECRET}", flush=True)
            stop.wait()
    except KeyboardInterrupt:
        pass
    except SimulatorError as exc:
        print(f"error: {exc}")
        return 1
    return 0


def truth(args: argparse.Namespace) -> int:
    """Write the ground truth CSV of the date range."""
    if args.start > args.end:
        print("error: --from must not be after --to")
        return 2
    try:
        ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"error: unknown time zone {args.tz!r}")
        return 2
    if not args.out.parent.is_dir():
        print(f"error: no folder {str(args.out.parent)!r} to write {args.out.name} in")
        return 2
    org = build_org(org_spec(args))
    rows = ground_truth(org, args.start, args.end, args.tz)
    try:
        write_truth_csv(rows, args.out)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}")
        return 2
    print(f"Wrote {len(rows)} surveys to {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m genesys_sim` and `genesys-sim`."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.command == "serve":
        return serve(args)
    return truth(args)
