"""The command line: `python -m csat extract ...` and `python -m csat forms`.

Without credentials (or with `--demo`) it starts the embedded demo org and talks
to it over HTTP as to a real org. Errors come out as one plain line and a hint,
with an exit code per kind of failure (see `--help`); progress goes to stderr, the
closing summary to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import pandas as pd
from tqdm import tqdm

from csat.client import GenesysClient
from csat.config import Config, tuning_from_env
from csat.dataset import Dataset, ExtractRequest, FormChoice, Progress, Source
from csat.errors import (
    AuthenticationError,
    ConfigurationError,
    CsatError,
    DateRangeError,
    FormSelectionError,
    InputError,
    MissingPermissionError,
    RateLimitError,
    ServiceError,
)
from csat.export import write_csv, write_parquet
from csat.extract import open_dataset_sync
from csat.forms import list_form_choices
from csat.records import PII_COLUMNS, RESPONSE_COLUMNS
from csat.timerange import parse_date, zone

if TYPE_CHECKING:
    from genesys_sim import SimSettings

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_INPUT = 2
EXIT_CONFIGURATION = 3
EXIT_PERMISSION = 4
EXIT_SERVICE = 5
EXIT_EXTRACTION = 6

EXIT_CODES_HELP = """\
environment:
  GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET, and GENESYS_REGION or GENESYS_BASE_URL
  name the org; with none of them set, the embedded demo org is used.
  CSAT_STORE is the cache folder (default ~/.cache/csat-explorer).

exit codes:
  0  success
  1  unexpected failure (a bug: please report it)
  2  bad input: dates, time zone, form, output file
  3  configuration or credentials
  4  a permission is missing from the OAuth client's role (named in the message)
  5  rate limit or service failure that outlasted the retries
  6  extraction failed (async jobs, local store)
  130  interrupted (Ctrl-C); what was fetched is kept, the same command resumes
"""

EXIT_INTERRUPTED = 130  # the shell's code for SIGINT
SOURCES: dict[str, Source] = {"surveys": "survey", "evaluations": "evaluation"}
OUTPUT_SUFFIXES = (".csv", ".parquet")
# The demo org is local, so its budget is not the real 300 a minute.
DEMO_REQUESTS_PER_MINUTE = 60_000


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.run(args)
    except CsatError as error:
        report_error(error, sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        print(
            "\ninterrupted: what was fetched is kept in the local store; run the "
            "same command again to resume.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    return code


def build_parser() -> argparse.ArgumentParser:
    """The `csat` argument parser with its two commands."""
    parser = argparse.ArgumentParser(
        prog="python -m csat",
        description="CSAT survey responses from Genesys Cloud, tied to interactions.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_extract(commands)
    _add_forms(commands)
    return parser


def _add_extract(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    extract = commands.add_parser(
        "extract",
        help="extract the responses of a date range to CSV or Parquet",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
    extract.add_argument(
        "--to", dest="end", required=True, help="YYYY-MM-DD, inclusive"
    )
    extract.add_argument("--tz", default="UTC", help="IANA time zone (default UTC)")
    extract.add_argument("--form", help="form name, id or context id (default: auto)")
    _add_common(extract)
    extract.add_argument(
        "--lookback-days",
        type=int,
        default=7,
        metavar="N",
        help="re-read the last N days for late answers (default 7)",
    )
    extract.add_argument(
        "--no-refresh",
        action="store_true",
        help="use the cache as it is; fetch only what is missing",
    )
    extract.add_argument(
        "--out", required=True, type=Path, help="output file: .csv or .parquet"
    )
    extract.add_argument(
        "--bom",
        action="store_true",
        help="start the CSV with a byte order mark (for Excel)",
    )
    extract.add_argument(
        "--include-pii",
        action="store_true",
        help="add customer names and addresses to the output",
    )
    extract.set_defaults(run=run_extract)


def _add_forms(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    forms = commands.add_parser(
        "forms",
        help="list the org's forms",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(forms)
    forms.set_defaults(run=run_forms)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        choices=sorted(SOURCES),
        default="surveys",
        help="survey forms, or evaluation forms ('scorecards')",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the embedded demo org, even with credentials set",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log each request (never its secrets)",
    )


# Commands


def run_extract(args: argparse.Namespace) -> int:
    """`extract`: bring the store up to date, export the range, summarise."""
    request = extract_request(args)
    out = output_path(args.out)
    started = time.monotonic()
    with connection(args.demo) as config, ProgressBars(sys.stderr) as bars:
        config = replace(config, include_pii=args.include_pii)
        dataset = open_dataset_sync(config, request, bars)
    export(dataset, out, bom=args.bom, include_pii=args.include_pii)
    print_summary(dataset, out, time.monotonic() - started, sys.stdout, sys.stderr)
    return EXIT_OK


def run_forms(args: argparse.Namespace) -> int:
    """`forms`: the org's forms, CSAT-like ones first."""
    source = SOURCES[args.source]
    with connection(args.demo) as config:
        choices = asyncio.run(_form_choices(config, source))
    for choice in choices:
        marks = ("published" if choice.published else "draft") + (
            ", looks like CSAT" if choice.looks_like_csat else ""
        )
        if choice.automatic:
            marks += ", chosen automatically"
        print(f"{choice.name}\t{choice.context_id}\t{marks}")
    if not choices:
        print(f"No {source} forms.", file=sys.stderr)
    return EXIT_OK


async def _form_choices(config: Config, source: Source) -> list[FormChoice]:
    async with GenesysClient(config) as client:
        return await list_form_choices(client, source)


def extract_request(args: argparse.Namespace) -> ExtractRequest:
    """The request the arguments describe; `InputError` when they cannot."""
    start, end = parse_date(args.start), parse_date(args.end)
    zone(args.tz)
    if start > end:
        raise DateRangeError(f"--from {start} is after --to {end}.")
    if args.lookback_days < 0:
        raise InputError("--lookback-days must not be negative.")
    return ExtractRequest(
        start=start,
        end=end,
        tz=args.tz.strip(),
        form=args.form,
        source=SOURCES[args.source],
        lookback_days=args.lookback_days,
        refresh=not args.no_refresh,
    )


def output_path(path: Path) -> Path:
    """`path` when it names a .csv or .parquet file in an existing folder."""
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(
            f"Cannot tell the format of {path.name!r}.",
            hint="Name the output file ….csv or ….parquet.",
        )
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{str(folder)!r} is a file, not a folder.")
    if not folder.is_dir():
        raise InputError(f"The folder {str(folder)!r} does not exist.")
    if path.is_dir():
        raise InputError(f"{str(path)!r} is a folder, not a file.")
    try:
        # Found out now, before any request is spent, rather than at the end.
        if path.exists():
            with path.open("ab"):
                pass
        else:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".csat-"):
                pass
    except OSError as error:
        raise InputError(
            f"Cannot write {str(path)!r}: {error.strerror or error}."
        ) from None
    return path


@contextmanager
def connection(demo: bool) -> Iterator[Config]:
    """The configured org, else the embedded demo org for as long as it is needed."""
    config = None if demo else Config.from_env(os.environ)
    if config is not None:
        yield config
        return
    if not demo:
        print(
            "No Genesys Cloud credentials are configured: using the demo org.",
            file=sys.stderr,
        )
    # The simulator is imported for demo mode only; the library never imports it.
    from genesys_sim import run_simulator
    from genesys_sim.settings import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    with run_simulator(demo_settings(), port=0) as sim:
        tuning = tuning_from_env(os.environ)
        tuning["requests_per_minute"] = DEMO_REQUESTS_PER_MINUTE
        yield Config.for_base_url(
            sim.base_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo=True, **tuning
        )


def demo_settings() -> SimSettings:
    """The demo org, with a request budget to match its local speed."""
    from genesys_sim import Limits, SimSettings

    return SimSettings(limits=Limits(rate_limit_per_minute=DEMO_REQUESTS_PER_MINUTE))


# Output


def export(dataset: Dataset, out: Path, *, bom: bool, include_pii: bool) -> None:
    """Write the response table (architecture.md column order) to `out`."""
    frame = response_table(dataset.responses, include_pii=include_pii)
    try:
        if out.suffix.lower() == ".parquet":
            write_parquet(frame, out)
        else:
            write_csv(frame, out, bom=bom)
    except OSError as error:
        raise InputError(
            f"Cannot write {str(out)!r}: {error.strerror or error}.",
            hint="Everything extracted is in the local store: run the same command "
            "with another --out, and the stored range is written without requests.",
        ) from None


def response_table(frame: pd.DataFrame, *, include_pii: bool) -> pd.DataFrame:
    """The response columns in order (plus customer contact when asked), sorted."""
    columns = list(RESPONSE_COLUMNS)
    if include_pii:
        columns += [c for c in PII_COLUMNS if c in frame.columns]
    table = frame.reindex(columns=columns)
    return table.sort_values(["conversation_start", "survey_id"], kind="stable")


def print_summary(
    dataset: Dataset, out: Path, elapsed_s: float, stdout: TextIO, stderr: TextIO
) -> None:
    """The closing summary on stdout; what needs attention on stderr."""
    health = dataset.health
    frame = dataset.responses
    finished = int((frame["survey_status"].astype("string") == "Finished").sum())
    print(f"{len(frame):,} responses written to {out}", file=stdout)
    print(f"form: {dataset.form.name} ({dataset.form.source})", file=stdout)
    print(f"finished: {finished:,}", file=stdout)
    print(
        f"requests used: {health.requests:,}, retries: {health.retries:,}, "
        f"rate-limited: {health.rate_limited:,}, time: {elapsed_s:.1f} s",
        file=stdout,
    )
    for problem in health.permission_problems:
        print(f"warning: {problem}", file=stderr)
    for note in health.notes:
        print(f"note: {note}", file=stderr)
    if health.provisional_from is not None:
        since = health.provisional_from.isoformat(timespec="minutes")
        print(f"note: rows from {since} on are provisional", file=stderr)


def report_error(error: CsatError, stream: TextIO) -> None:
    """One plain line for the error, and one for what to do about it."""
    print(f"error: {error}", file=stream)
    hint = error.hint
    if isinstance(error, FormSelectionError) and error.candidates:
        hint = "candidates: " + "; ".join(error.candidates)
    if hint:
        print(f"hint: {hint}", file=stream)


def exit_code(error: CsatError) -> int:
    """The documented exit code for an error of the csat tree."""
    if isinstance(error, InputError):
        return EXIT_INPUT
    if isinstance(error, ConfigurationError | AuthenticationError):
        return EXIT_CONFIGURATION
    if isinstance(error, MissingPermissionError):
        return EXIT_PERMISSION
    if isinstance(error, RateLimitError | ServiceError):
        return EXIT_SERVICE
    return EXIT_EXTRACTION


class ProgressBars:
    """One tqdm bar per extraction stage, on stderr when it is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bars: dict[str, tqdm[Any]] = {}

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *_: object) -> None:
        for bar in self.bars.values():
            bar.close()

    def __call__(self, progress: Progress) -> None:
        if progress.stage not in self.bars:
            self.bars[progress.stage] = tqdm(
                desc=progress.stage,
                total=progress.total,
                file=self.stream,
                position=len(self.bars),
                leave=False,
                disable=None,  # no bar when stderr is not a terminal
            )
        bar = self.bars[progress.stage]
        bar.total = progress.total
        bar.n = progress.done
        bar.set_postfix_str(progress.message, refresh=False)
        bar.refresh()
