"""Exports of a frame: spreadsheet-safe CSV and typed Parquet.

The CSV follows RFC 4180 (CRLF line ends, quotes doubled, line breaks kept
inside quoted cells) in UTF-8, with a byte order mark on request so that Excel
reads the encoding right. A text cell a spreadsheet would run as a formula (one
that begins with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
apostrophe, as OWASP advises against CSV injection; numbers are left alone, so
a negative number stays a number. Missing values are empty cells.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"

Target = str | os.PathLike[str] | IO[bytes] | IO[str]


def to_csv_bytes(frame: pd.DataFrame, *, bom: bool = False) -> bytes:
    """The frame as RFC 4180 CSV in UTF-8, optionally with a byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_text(str(column)) for column in frame.columns])
    columns = [_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
    writer.writerows(zip(*columns, strict=True))
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def write_csv(
    frame: pd.DataFrame, path_or_buffer: Target, *, bom: bool = False
) -> None:
    """Write `to_csv_bytes(frame)` to a path, a binary buffer or a text buffer."""
    data = to_csv_bytes(frame, bom=bom)
    if isinstance(path_or_buffer, str | os.PathLike):
        Path(path_or_buffer).write_bytes(data)
    elif isinstance(path_or_buffer, io.TextIOBase):
        path_or_buffer.write(data.decode("utf-8"))
    else:
        path_or_buffer.write(data)  # type: ignore[arg-type]  # binary buffer


def write_parquet(
    frame: pd.DataFrame, path: str | os.PathLike[str] | IO[bytes]
) -> None:
    """Write the frame as Parquet, keeping its types (nullable ints stay nullable)."""
    frame.to_parquet(path, engine="pyarrow", index=False)


def _cells(column: pd.Series) -> list[str]:
    rendered = _render(column).astype("string").fillna("")
    cells: list[str] = rendered.tolist()
    return cells


def _render(column: pd.Series) -> pd.Series:
    dtype = column.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _timestamps(column.dt.tz_convert("UTC"), suffix="Z")
    if pd.api.types.is_datetime64_dtype(dtype):
        return _timestamps(column, suffix="")
    if pd.api.types.is_bool_dtype(dtype):
        return column.astype("boolean").map({True: "true", False: "false"})
    if pd.api.types.is_numeric_dtype(dtype):
        return column.astype("string")
    if isinstance(dtype, pd.StringDtype):
        return _neutralise(column.astype("string"))
    return column.map(_cell)


def _timestamps(column: pd.Series, *, suffix: str) -> pd.Series:
    text: pd.Series = column.dt.strftime(_UTC_FORMAT).str.slice(0, -3) + suffix
    return text


def _neutralise(text: pd.Series) -> pd.Series:
    risky = text.str.startswith(FORMULA_STARTS) & ~text.str.fullmatch(_NUMBER.pattern)
    return text.mask(risky.fillna(False).astype(bool), "'" + text)


def _cell(value: Any) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool | np.bool_):
        return _boolean(value)
    if isinstance(value, numbers.Number):
        return str(value)
    if isinstance(value, datetime | pd.Timestamp):
        return _instant(pd.Timestamp(value))
    if isinstance(value, date):
        return value.isoformat()
    return _text(str(value))


def _text(value: str) -> str:
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _instant(stamp: pd.Timestamp) -> str:
    if stamp.tzinfo is None:
        return stamp.strftime(_UTC_FORMAT)[:-3]
    return stamp.tz_convert("UTC").strftime(_UTC_FORMAT)[:-3] + "Z"


def _boolean(value: Any) -> str:
    return "true" if value else "false"


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)
