"""The command line: exit codes, plain errors, and a demo run equal to the truth."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

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
