"""CSV and Parquet exports: RFC 4180, spreadsheet-safe, types kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from csat.export import to_csv_bytes, write_csv, write_parquet

BOM = b"\xef\xbb\xbf"


def parse(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "survey_id": ["s1", "s2", "s3"],
            "conversation_start": pd.to_datetime(
                ["2026-03-29T23:30:00.123456Z", "2026-01-02T03:04:05Z", None],
                utc=True,
                format="ISO8601",
            ),
            "csat_score": pd.array([5, None, -3], dtype="Int64"),
            "csat_top2": pd.array([True, None, False], dtype="boolean"),
            "partial": [False, True, False],
            "total_score": [87.5, None, -2.5],
            "comment": ['Great, "really"\nthanks 😀', None, "=HYPERLINK(1)"],
        }
    )


def test_csv_round_trips_through_the_csv_module(frame: pd.DataFrame) -> None:
    rows = parse(to_csv_bytes(frame))

    assert rows == [
        list(frame.columns),
        ["s1", "2026-03-29T23:30:00.123Z", "5", "true", "false", "87.5",
         'Great, "really"\nthanks 😀'],
        ["s2", "2026-01-02T03:04:05.000Z", "", "", "true", "", ""],
        ["s3", "", "-3", "false", "false", "-2.5", "'=HYPERLINK(1)"],
    ]  # fmt: skip


def test_rows_end_with_crlf_and_line_breaks_stay_inside_quotes(
    frame: pd.DataFrame,
) -> None:
    data = to_csv_bytes(frame)

    assert data.endswith(b"\r\n")
    assert data.count(b"\r\n") == 4
    assert '"Great, ""really""\nthanks 😀"'.encode() in data


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        pytest.param("=1+1", "'=1+1", id="equals"),
        pytest.param("+1 202-555-0100", "'+1 202-555-0100", id="plus"),
        pytest.param("-1+2", "'-1+2", id="minus-formula"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\tcmd", "'\tcmd", id="tab"),
        pytest.param("\rcmd", "'\rcmd", id="carriage-return"),
        pytest.param("-5", "-5", id="numeric-text"),
        pytest.param("a=b", "a=b", id="equals-inside"),
        pytest.param("Très bien, merci!", "Très bien, merci!", id="plain"),
    ],
)
def test_formula_starts_are_neutralised(text: str, cell: str) -> None:
    rows = parse(to_csv_bytes(pd.DataFrame({"comment": [text]})))

    assert rows[1] == [cell]


def test_numbers_stay_numbers() -> None:
    frame = pd.DataFrame(
        {
            "n": pd.array([-7, 0], dtype="Int64"),
            "i": [-1, 2],
            "f": [-0.5, 3.0],
            "o": pd.Series([-4, 1.5], dtype="object"),
        }
    )

    assert parse(to_csv_bytes(frame))[1:] == [["-7", "-1", "-0.5", "-4"],
                                              ["0", "2", "3.0", "1.5"]]  # fmt: skip


def test_missing_values_are_empty_cells() -> None:
    frame = pd.DataFrame(
        {
            "i": pd.array([None], dtype="Int64"),
            "b": pd.array([None], dtype="boolean"),
            "f": [float("nan")],
            "s": pd.Series([None], dtype="string"),
            "o": pd.Series([None], dtype="object"),
            "t": pd.Series([pd.NaT], dtype="datetime64[us, UTC]"),
        }
    )

    data = to_csv_bytes(frame)

    assert parse(data)[1] == [""] * 6
    for word in (b"nan", b"NA", b"None", b"NaT", b"0"):
        assert word not in data.split(b"\r\n", 1)[1]


def test_timestamps_in_another_zone_are_written_in_utc() -> None:
    stamps = pd.Series(pd.to_datetime(["2026-07-01T10:00:00.5+01:00"]))
    frame = pd.DataFrame({"t": stamps.dt.tz_convert("Europe/London")})

    assert parse(to_csv_bytes(frame))[1] == ["2026-07-01T09:00:00.500Z"]


def test_bom_only_when_asked(frame: pd.DataFrame) -> None:
    with_bom = to_csv_bytes(frame, bom=True)
    without = to_csv_bytes(frame)

    assert with_bom.startswith(BOM)
    assert not without.startswith(BOM)
    assert with_bom[len(BOM) :] == without


def test_write_csv_to_path_and_buffers(frame: pd.DataFrame, tmp_path: Path) -> None:
    expected = to_csv_bytes(frame, bom=True)
    path = tmp_path / "responses.csv"
    binary = io.BytesIO()
    text = io.StringIO(newline="")

    write_csv(frame, path, bom=True)
    write_csv(frame, binary, bom=True)
    write_csv(frame, text, bom=True)

    assert path.read_bytes() == expected
    assert binary.getvalue() == expected
    assert text.getvalue().encode("utf-8") == expected


def test_parquet_keeps_types(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "responses.parquet"

    write_parquet(frame, path)
    back = pd.read_parquet(path)

    assert back["csat_score"].dtype == "Int64"
    assert back["csat_score"].isna().tolist() == [False, True, False]
    assert back["csat_top2"].dtype == "boolean"
    assert str(back["conversation_start"].dt.tz) == "UTC"
    pd.testing.assert_frame_equal(back, frame)
