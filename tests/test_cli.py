"""The command line: exit codes, plain errors, and a demo run equal to the truth."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, built_org, small_spec
from test_extract_faults import FAST

from csat import cli
from csat.errors import (
    AuthenticationError,
    ConfigurationError,
    DateRangeError,
    ExtractionError,
    FormSelectionError,
    MissingPermissionError,
    RateLimitError,
    ServiceError,
    StoreError,
    TimeZoneError,
)
from csat.records import RESPONSE_COLUMNS
from genesys_sim import SimSettings
from genesys_sim.truth import ground_truth, write_truth_csv

CREDENTIALS = (
    "GENESYS_CLIENT_ID",
    "GENESYS_CLIENT_SECRET",
    "GENESYS_REGION",
    "GENESYS_BASE_URL",
)


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CSAT_STORE", str(tmp_path / "store"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def extract_args(tmp_path: Path, *extra: str) -> list[str]:
    out = str(tmp_path / "r.csv")
    return [
        "extract",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
        "--out",
        out,
        *extra,
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(["--from", "2026-11-05"], "after", id="reversed"),
        pytest.param(["--from", "2026-13-01"], "date", id="unparsable"),
        pytest.param(["--to", "yesterday"], "date", id="not-a-date"),
        pytest.param(["--tz", "Mars/Olympus"], "time zone", id="unknown-zone"),
        pytest.param(["--out", "r.xlsx"], "format", id="unknown-format"),
        pytest.param(["--out", "/no/such/folder/r.csv"], "folder", id="missing-folder"),
        pytest.param(["--lookback-days", "-1"], "negative", id="negative-lookback"),
        pytest.param(["--out", "/proc/r.csv"], "cannot write", id="unwritable"),
        pytest.param(["--out", "/etc/hostname/r.csv"], "not a folder", id="file-dir"),
        pytest.param(["--out", "/tmp"], "format", id="a-folder"),
    ],
)
def test_bad_input_exits_2_with_one_plain_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, changes: list[str], message: str
) -> None:
    code, out, err = run(capsys, *extract_args(tmp_path), *changes)
    assert code == cli.EXIT_INPUT
    first = err.splitlines()[0]
    assert first.startswith("error: ")
    assert message in first.lower()
    assert "Traceback" not in err
    assert out == ""


def test_an_output_named_like_a_file_but_a_folder_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "r.csv"
    folder.mkdir()
    code, _, err = run(capsys, *extract_args(tmp_path), "--out", str(folder))
    assert code == cli.EXIT_INPUT
    assert "is a folder, not a file" in err.splitlines()[0]


def test_a_write_that_fails_at_the_end_keeps_the_data_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_demo: SimSettings
) -> None:
    full = tmp_path / "full.csv"
    full.symlink_to("/dev/full")  # opens fine, every write fails: disk full
    args = ["extract", "--demo", "--from", "2026-11-17", "--to", "2026-11-17"]

    code, _, err = run(capsys, *args, "--out", str(full))

    assert code == cli.EXIT_INPUT
    assert "No space left on device" in err.splitlines()[0]
    assert "another --out" in err
    assert "Traceback" not in err
    again = tmp_path / "r.csv"
    code, stdout, err = run(capsys, *args, "--no-refresh", "--out", str(again))
    assert code == cli.EXIT_OK, err
    assert "requests used: 0," in stdout  # written from the store


def test_partly_configured_credentials_exit_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENESYS_CLIENT_ID", "someone")
    code, _, err = run(capsys, *extract_args(tmp_path))
    assert code == cli.EXIT_CONFIGURATION
    assert "GENESYS_CLIENT_SECRET" in err
    assert "hint: " in err


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["extract", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for code in range(7):
        assert f"\n  {code}  " in text


def test_an_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["extract", "--frm", "2026-11-01"])
    assert exited.value.code == 2


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (DateRangeError("x"), 2),
        (TimeZoneError("x"), 2),
        (FormSelectionError("x"), 2),
        (ConfigurationError("x"), 3),
        (AuthenticationError("x", status=401), 3),
        (MissingPermissionError("x", permissions=["quality:survey:view"]), 4),
        (RateLimitError("x", status=429), 5),
        (ServiceError("x", status=503), 5),
        (ExtractionError("x"), 6),
        (StoreError("x"), 6),
    ],
    ids=lambda value: (
        type(value).__name__ if isinstance(value, Exception) else str(value)
    ),
)
def test_exit_codes_follow_the_error_tree(error: Exception, code: int) -> None:
    assert cli.exit_code(error) == code


def test_form_candidates_are_the_hint(capsys: pytest.CaptureFixture[str]) -> None:
    error = FormSelectionError("No survey form 'x'.", candidates=["A (c1)", "B (c2)"])
    cli.report_error(error, sys.stderr)
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "error: No survey form 'x'.",
        "hint: candidates: A (c1); B (c2)",
    ]


def test_a_missing_permission_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    error = MissingPermissionError(
        "You are missing quality:survey:view",
        permissions=["quality:survey:view"],
        status=403,
    )
    cli.report_error(error, sys.stderr)
    hint = capsys.readouterr().err.splitlines()[1]
    assert "quality:survey:view" in hint


# Demo runs against the embedded simulator


@pytest.fixture
def small_demo(monkeypatch: pytest.MonkeyPatch) -> SimSettings:
    """The CLI's demo org, shrunk and pinned so that a test run is quick."""
    settings = SimSettings(org=small_spec(), limits=FAST)
    monkeypatch.setattr(cli, "demo_settings", lambda: settings)
    return settings


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def same_cell(exported: str, expected: str) -> bool:
    """Equal, or equal as numbers (`80` and `80.0`)."""
    if exported == expected:
        return True
    try:
        return float(exported) == float(expected)
    except ValueError:
        return False


def test_a_demo_run_writes_a_csv_equal_to_the_truth(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_demo: SimSettings
) -> None:
    out = tmp_path / "r.csv"
    args = ["extract", "--demo", "--from", "2026-11-17", "--to", "2026-11-18"]
    code, stdout, err = run(
        capsys, *args, "--tz", "Europe/London", "--out", str(out), "--bom"
    )
    assert code == cli.EXIT_OK, err
    truth_file = tmp_path / "truth.csv"
    rows = ground_truth(
        built_org(small_demo.org),
        date(2026, 11, 17),
        date(2026, 11, 18),
        "Europe/London",
    )
    write_truth_csv(rows, truth_file)
    exported, expected = read_csv(out), read_csv(truth_file)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(exported[0]) == list(expected[0])  # same columns, same order
    assert len(exported) == len(expected) > 50
    mismatches = [
        (mine["survey_id"], column)
        for mine, theirs in zip(exported, expected, strict=True)
        for column in theirs
        if not same_cell(mine[column], theirs[column])
    ]
    assert mismatches == []
    assert f"{len(expected):,} responses written" in stdout
    assert "requests used:" in stdout
    assert "Traceback" not in err


def test_no_credentials_means_the_demo_org_said_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_demo: SimSettings
) -> None:
    out = tmp_path / "r.parquet"
    code, _, err = run(
        capsys,
        "extract",
        "--from",
        "2026-11-18",
        "--to",
        "2026-11-18",
        "--out",
        str(out),
    )
    assert code == cli.EXIT_OK
    assert "No Genesys Cloud credentials are configured: using the demo org." in err
    frame = pd.read_parquet(out)
    assert list(frame.columns) == list(RESPONSE_COLUMNS)
    assert frame["csat_score"].dtype == "Int64"


def test_an_unknown_form_exits_2_and_lists_the_candidates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_demo: SimSettings
) -> None:
    code, _, err = run(
        capsys, *extract_args(tmp_path, "--demo", "--form", "No such form")
    )
    assert code == cli.EXIT_INPUT
    lines = err.splitlines()
    assert lines[0].startswith("error: No survey form"), err
    assert lines[1].startswith("hint: candidates: ") and "Post-contact CSAT" in lines[1]


def test_a_missing_permission_exits_4_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_demo: SimSettings
) -> None:
    small_demo.faults.deny_permissions = {"quality:survey:view"}
    args = extract_args(
        tmp_path, "--demo", "--from", "2026-11-17", "--to", "2026-11-17"
    )
    code, _, err = run(capsys, *args)
    assert code == cli.EXIT_PERMISSION
    assert "quality:survey:view" in err
    assert "Traceback" not in err


def test_forms_lists_the_demo_forms(
    capsys: pytest.CaptureFixture[str], small_demo: SimSettings
) -> None:
    code, out, _ = run(capsys, "forms", "--demo")
    assert code == cli.EXIT_OK
    lines = {line.split("\t")[0]: line.split("\t")[2] for line in out.splitlines()}
    assert (
        lines["Post-contact CSAT"] == "published, looks like CSAT, chosen automatically"
    )
    assert lines["Website feedback"] == "published"
    assert lines["Chat CSAT (pilot)"] == "draft, looks like CSAT"  # never chosen


@pytest.mark.slow
def test_ctrl_c_exits_130_and_the_same_command_resumes(
    tmp_path: Path, make_sim: Any
) -> None:
    from genesys_sim import Faults

    sim = make_sim(faults=Faults(latency_s=0.05))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENESYS_")}
    env |= {
        "GENESYS_BASE_URL": sim.base_url,
        "GENESYS_CLIENT_ID": CLIENT_ID,
        "GENESYS_CLIENT_SECRET": CLIENT_SECRET,
        "CSAT_STORE": str(tmp_path / "store"),
    }
    out = tmp_path / "r.csv"
    command = [
        sys.executable, "-m", "csat", "extract",
        "--from", "2026-11-10", "--to", "2026-11-19", "--out", str(out),
    ]  # fmt: skip

    running = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while sim.stats.total < 20 and time.monotonic() < deadline:
        time.sleep(0.1)
    running.send_signal(signal.SIGINT)
    _, err = running.communicate(timeout=60)

    assert running.returncode == cli.EXIT_INTERRUPTED
    assert "interrupted: what was fetched is kept" in err
    assert "Traceback" not in err
    assert not out.exists()
    resumed = subprocess.run(command, env=env, capture_output=True, text=True)
    assert resumed.returncode == cli.EXIT_OK, resumed.stderr
    assert out.exists()
