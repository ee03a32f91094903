"""The local cache: one SQLite file per org, written only by upserts.

Responses are keyed by survey id and interactions by conversation id, so a re-run
rewrites rows in place and never adds one twice. Each write runs in one
transaction (`transaction()` groups several), so an interrupted run leaves either
a whole page or nothing. Each fetched window is recorded as complete or
provisional, which is how a reopened range knows what it still has to fetch.

Timestamps are stored as UTC epoch milliseconds, so the frames convert whole
columns at once instead of parsing text row by row.
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from csat.errors import StoreError
from csat.records import (
    ANSWER_COLUMNS,
    INTERACTION_COLUMNS,
    PII_COLUMNS,
    RESPONSE_COLUMNS,
)
from csat.timerange import UtcRange, parse_instant

SCHEMA_VERSION = 1
WindowStateName = Literal["complete", "provisional"]

# Kinds of the name table, as `csat.lookups` writes them.
USER_NAMES = "user"
QUEUE_NAMES = "queue"
WRAPUP_NAMES = "wrapup"
DIVISION_NAMES = "division"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)

_TIME_COLUMNS = frozenset(
    {"conversation_start", "conversation_end", "survey_completed", "fetched_at"}
)
_BOOL_COLUMNS = frozenset({"csat_top2", "partial", "marked_na", "system_marked_na"})
_INT_COLUMNS = frozenset(
    {
        "csat_score",
        "nps_score",
        "csat_scale_min",
        "csat_scale_max",
        "transfer_count",
        "score",
        "position",
        "wanted_order",
    }
)
_FLOAT_COLUMNS = frozenset({"total_score", "duration_s"})
# Filled from a survey's answers, which a later details refresh does not carry:
# an upsert keeps the stored value when the new row leaves these empty.
_KEEP_KNOWN = frozenset(
    {
        "survey_completed",
        "csat_score",
        "nps_score",
        "comment",
        "nps_comment",
        "csat_scale_min",
        "csat_scale_max",
        "csat_top2",
        "total_score",
        "error_reason",
    }
)
# Rows per JSON document when reading a frame (about 50 MB of text).
_CHUNK_ROWS = 150_000
_PANDAS_TYPES = {
    pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}
_INTERACTION_EXTRAS = (
    "conversation_end",
    "duration_s",
    "direction",
    "agent_ids",
    "wrapup_code_id",
    "transfer_count",
    "division_ids",
)
_PLACEHOLDER_LABELS = {
    USER_NAMES: "user",
    QUEUE_NAMES: "queue",
    WRAPUP_NAMES: "wrap-up code",
    DIVISION_NAMES: "division",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS interactions (
    conversation_id TEXT PRIMARY KEY,
    conversation_start INTEGER, conversation_end INTEGER, duration_s REAL,
    direction TEXT, media_type TEXT, agent_id TEXT, queue_id TEXT, agent_ids TEXT,
    wrapup_code_id TEXT, transfer_count INTEGER, division_ids TEXT,
    customer_name TEXT, customer_address TEXT
);
CREATE TABLE IF NOT EXISTS responses (
    survey_id TEXT PRIMARY KEY,
    conversation_id TEXT, conversation_start INTEGER, survey_status TEXT,
    survey_completed INTEGER, agent_id TEXT, queue_id TEXT, media_type TEXT,
    csat_score INTEGER, nps_score INTEGER, comment TEXT, nps_comment TEXT,
    survey_form_id TEXT, survey_form_context_id TEXT, survey_form_name TEXT,
    csat_scale_min INTEGER, csat_scale_max INTEGER, csat_top2 INTEGER,
    total_score REAL, partial INTEGER, error_reason TEXT, source TEXT
);
CREATE INDEX IF NOT EXISTS responses_by_form_and_start
    ON responses (source, survey_form_context_id, conversation_start, survey_id);
CREATE TABLE IF NOT EXISTS answers (
    survey_id TEXT NOT NULL, position INTEGER NOT NULL,
    question_group TEXT, question_id TEXT, question_text TEXT, question_type TEXT,
    answer_text TEXT, score INTEGER, nps_score INTEGER, free_text TEXT,
    marked_na INTEGER, system_marked_na INTEGER,
    PRIMARY KEY (survey_id, position)
);
CREATE TABLE IF NOT EXISTS answer_sets (
    survey_id TEXT PRIMARY KEY, stored_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS windows (
    source TEXT NOT NULL, context_id TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    state TEXT NOT NULL, fetched_at INTEGER NOT NULL,
    PRIMARY KEY (source, context_id, start, "end")
);
CREATE TABLE IF NOT EXISTS form_versions (form_id TEXT PRIMARY KEY, payload TEXT);
CREATE TABLE IF NOT EXISTS names (
    kind TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
"""


class StoreLocation(Protocol):
    """What `Store.for_config` needs of `csat.config.Config`."""

    @property
    def store_path(self) -> Path: ...

    def org_key(self) -> str: ...


@dataclass(frozen=True)
class WindowState:
    """One fetched window of one form, and whether it may still change."""

    start: datetime
    end: datetime
    state: WindowStateName
    fetched_at: datetime

    @property
    def range(self) -> UtcRange:
        return UtcRange(self.start, self.end)


class Store:
    """SQLite cache of responses, interactions, answers, windows, forms and names.

    One instance may be shared between threads: a lock serialises its use. Use it
    as a context manager, or call `close()`.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = _connect(self.path)
        self._migrate()

    @classmethod
    def for_config(cls, config: StoreLocation) -> Store:
        """The store of the org `config` points at, under `config.store_path`."""
        return cls(Path(config.store_path) / f"{config.org_key()}.sqlite")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them are kept, or none. Nested calls join in."""
        with self._lock, _as_store_error(f"write to {self.path}"):
            self._begin()
            committed = False
            try:
                yield
                committed = True
            finally:
                self._end(committed)

    # Writes

    def upsert_interactions(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert or replace interaction rows by conversation id; return the count."""
        columns = (*INTERACTION_COLUMNS, *PII_COLUMNS)
        sql = _upsert_sql("interactions", columns, ("conversation_id",))
        return self._write_many(sql, columns, rows)

    def upsert_responses(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert or update response rows by survey id; return the count.

        Answer-derived columns keep their stored value when a row leaves them
        empty, so a refresh from the details query does not erase a known score.
        """
        sql = _upsert_sql("responses", RESPONSE_COLUMNS, ("survey_id",), _KEEP_KNOWN)
        return self._write_many(sql, RESPONSE_COLUMNS, rows)

    def upsert_answers(self, survey_id: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Replace the answers of one survey, and note that they are stored."""
        columns = ("position", *ANSWER_COLUMNS)
        placed = [
            {**row, "survey_id": survey_id, "position": i} for i, row in enumerate(rows)
        ]
        insert = _insert_sql("answers", columns)
        with self.transaction():
            self._conn.execute("DELETE FROM answers WHERE survey_id = ?", (survey_id,))
            self._conn.executemany(insert, (_values(r, columns) for r in placed))
            self._conn.execute(
                "INSERT OR REPLACE INTO answer_sets VALUES (?, ?)",
                (survey_id, _to_ms(datetime.now(UTC))),
            )

    def record_window(
        self,
        *,
        source: str,
        context_id: str,
        window: UtcRange,
        state: WindowStateName,
        fetched_at: datetime,
    ) -> None:
        """Note that `window` was fetched, and whether its rows may still change."""
        if state not in ("complete", "provisional"):
            raise ValueError(f"Unknown window state {state!r}")
        values = (
            source,
            context_id,
            _to_ms(window.start),
            _to_ms(window.end),
            state,
            _to_ms(fetched_at),
        )
        with self.transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO windows VALUES (?, ?, ?, ?, ?, ?)", values
            )

    def put_form_version(self, form_id: str, payload: Mapping[str, Any]) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO form_versions VALUES (?, ?)",
                (form_id, json.dumps(payload)),
            )

    def put_names(self, kind: str, names: Mapping[str, str]) -> None:
        with self.transaction():
            self._conn.executemany(
                "INSERT OR REPLACE INTO names VALUES (?, ?, ?)",
                ((kind, entity_id, name) for entity_id, name in names.items()),
            )

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(value))
            )

    # Reads

    def surveys_with_answers(self, survey_ids: Iterable[str]) -> set[str]:
        """Those of `survey_ids` that are finished and have their answers stored."""
        sql = """
            SELECT r.survey_id FROM responses r
            JOIN answer_sets s ON s.survey_id = r.survey_id
            WHERE r.survey_id IN (SELECT value FROM json_each(?))
              AND r.survey_status = 'Finished'
        """
        rows = self._read(sql, (json.dumps(list(survey_ids)),))
        return {row[0] for row in rows}

    def windows(self, *, source: str, context_id: str) -> list[WindowState]:
        """Every recorded window of one form, oldest first."""
        sql = """
            SELECT start, "end", state, fetched_at FROM windows
            WHERE source = ? AND context_id = ? ORDER BY start, "end"
        """
        return [
            WindowState(_from_ms(start), _from_ms(end), state, _from_ms(fetched))
            for start, end, state, fetched in self._read(sql, (source, context_id))
        ]

    def get_form_version(self, form_id: str) -> dict[str, Any] | None:
        sql = "SELECT payload FROM form_versions WHERE form_id = ?"
        rows = self._read(sql, (form_id,))
        return json.loads(rows[0][0]) if rows else None

    def names(self, kind: str) -> dict[str, str]:
        rows = self._read("SELECT id, name FROM names WHERE kind = ?", (kind,))
        return dict(rows)

    def meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def responses_frame(
        self,
        *,
        source: str,
        context_id: str,
        window: UtcRange,
        include_pii: bool = False,
        names_pending: bool = False,
    ) -> pd.DataFrame:
        """Responses of one form whose conversation started in `window`, joined.

        One row per survey with its interaction's columns and the names
        (architecture.md, "the joined frame"), sorted by conversation start and
        survey id. Timestamps are UTC, scores `Int64`, flags `boolean`; an id
        without a stored name gets a placeholder such as `Unknown user (1a2b3c4d)`,
        or with `names_pending` (names still being looked up) one such as
        `user 1a2b3c4d (name not fetched yet)`.
        """
        interaction = (*_INTERACTION_EXTRAS, *(PII_COLUMNS if include_pii else ()))
        query = _ChunkedQuery(
            columns=(
                *((c, f"r.{c}") for c in RESPONSE_COLUMNS),
                *((c, f"i.{c}") for c in interaction),
            ),
            source="""
                FROM responses r
                LEFT JOIN interactions i ON i.conversation_id = r.conversation_id
                WHERE r.source = ? AND r.survey_form_context_id = ?
                  AND r.conversation_start >= ? AND r.conversation_start < ?
            """,
            keys=(
                ("conversation_start", "r.conversation_start"),
                ("survey_id", "r.survey_id"),
            ),
        )
        start, end = _to_ms(window.start), _to_ms(window.end)
        table = self._table(query, (source, context_id, start, end), (start - 1, ""))
        return self._with_names(_to_pandas(table), names_pending)

    def answers_frame(self, survey_ids: Sequence[str]) -> pd.DataFrame:
        """The answer rows of `survey_ids`, in that order and in form order."""
        query = _ChunkedQuery(
            columns=(
                ("wanted_order", "w.position"),
                ("position", "a.position"),
                *((c, f"a.{c}") for c in ANSWER_COLUMNS),
            ),
            source="""
                FROM temp.wanted w JOIN answers a ON a.survey_id = w.survey_id
                WHERE 1
            """,
            keys=(("wanted_order", "w.position"), ("position", "a.position")),
        )
        with self._lock, self._wanted(survey_ids):
            table = self._table(query, (), (-1, -1))
        return _to_pandas(table.drop_columns(["wanted_order", "position"]))

    # Internals

    def _migrate(self) -> None:
        with self.transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._conn.execute(statement)
            found = self.meta("schema_version")
            if found is None:
                self.set_meta("schema_version", str(SCHEMA_VERSION))
        if found is not None and int(found) > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer version (schema {found}).",
                hint="Upgrade csat-explorer, or point the store somewhere else.",
            )

    def _begin(self) -> None:
        if self._depth == 0:
            # IMMEDIATE takes the write lock now, so two processes never both
            # start a transaction and then deadlock upgrading to write.
            self._conn.execute("BEGIN IMMEDIATE")
        else:
            self._conn.execute(f"SAVEPOINT level{self._depth}")
        self._depth += 1

    def _end(self, committed: bool) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._conn.execute("COMMIT" if committed else "ROLLBACK")
        elif committed:
            self._conn.execute(f"RELEASE level{self._depth}")
        else:
            self._conn.execute(f"ROLLBACK TO level{self._depth}")
            self._conn.execute(f"RELEASE level{self._depth}")

    def _write_many(
        self, sql: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]
    ) -> int:
        with self.transaction():
            cursor = self._conn.executemany(sql, (_values(r, columns) for r in rows))
            return max(cursor.rowcount, 0)

    def _read(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._lock, _as_store_error(f"read {self.path}"):
            return self._conn.execute(sql, params).fetchall()

    def _table(
        self, query: _ChunkedQuery, params: Sequence[Any], first: tuple[Any, Any]
    ) -> pa.Table:
        """Run `query` in chunks that follow each other by key (keyset paging)."""
        chunks: list[pa.Table] = []
        after = first
        while True:
            document = self._read(query.sql(), (*params, *after))[0][0]
            chunk = query.parse(document)
            chunks.append(chunk)
            if chunk.num_rows < _CHUNK_ROWS:
                return pa.concat_tables(chunks)
            after = query.last_key(chunk)

    @contextmanager
    def _wanted(self, survey_ids: Sequence[str]) -> Iterator[None]:
        """The ids in a temporary table, which a chunked query can seek in."""
        with _as_store_error(f"read {self.path}"):
            self._conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS wanted "
                "(position INTEGER PRIMARY KEY, survey_id TEXT NOT NULL)"
            )
            self._conn.execute("DELETE FROM temp.wanted")
            self._conn.executemany(
                "INSERT INTO temp.wanted VALUES (?, ?)", enumerate(survey_ids)
            )
        try:
            yield
        finally:
            self._conn.execute("DELETE FROM temp.wanted")

    def _with_names(self, frame: pd.DataFrame, pending: bool) -> pd.DataFrame:
        columns = (
            ("agent_name", "agent_id", USER_NAMES),
            ("queue_name", "queue_id", QUEUE_NAMES),
            ("wrapup_name", "wrapup_code_id", WRAPUP_NAMES),
            ("agent_names", "agent_ids", USER_NAMES),
            ("division_names", "division_ids", DIVISION_NAMES),
        )
        names = {kind: self.names(kind) for _, _, kind in columns}
        for name, ids, kind in columns:
            frame[name] = _named(frame[ids], names[kind], kind, pending)
        return frame


@dataclass(frozen=True)
class _ChunkedQuery:
    """A query whose rows leave SQLite as one JSON document per chunk.

    Reading rows through the sqlite3 module makes a Python object per cell, which
    for the joined frame (100,000 rows, 30 columns) costs over a second. Here
    SQLite gathers each column into a JSON array and Arrow parses the document in
    C, so no Python object is made per cell. Chunks follow each other by key so
    that the document stays small, and a row inserted meanwhile is never read
    twice.
    """

    columns: tuple[tuple[str, str], ...]  # (name, SQL expression)
    source: str  # FROM ... WHERE ..., without the key condition
    keys: tuple[tuple[str, str], tuple[str, str]]  # (name, SQL expression)

    def sql(self) -> str:
        selected = ", ".join(f"{expr} AS {name}" for name, expr in self.columns)
        key = ", ".join(expr for _, expr in self.keys)
        arrays = ", ".join(
            f"'{name}', json_group_array({name})" for name, _ in self.columns
        )
        return f"""
            SELECT CAST(json_object({arrays}) AS BLOB) FROM (
                SELECT {selected} {self.source} AND ({key}) > (?, ?)
                ORDER BY {key} LIMIT {_CHUNK_ROWS}
            )
        """

    def parse(self, document: bytes) -> pa.Table:
        schema = pa.schema(
            [(name, pa.list_(_arrow_type(name))) for name, _ in self.columns]
        )
        parsed = pa_json.read_json(
            io.BytesIO(document),
            read_options=pa_json.ReadOptions(block_size=len(document) + 1),
            parse_options=pa_json.ParseOptions(explicit_schema=schema),
        )
        table = pa.table(
            {name: parsed[name].chunk(0).flatten() for name in parsed.column_names}
        )
        # SQLite does not promise to aggregate in the subquery's order.
        return table.sort_by([(name, "ascending") for name, _ in self.keys])

    def last_key(self, chunk: pa.Table) -> tuple[Any, Any]:
        first, second = (chunk[name][-1].as_py() for name, _ in self.keys)
        return first, second


# SQL


def _connect(path: Path) -> sqlite3.Connection:
    with _as_store_error(f"open {path}"):
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, timeout=30, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn


def _upsert_sql(
    table: str,
    columns: Sequence[str],
    key: Sequence[str],
    keep_known: frozenset[str] = frozenset(),
) -> str:
    updates = ", ".join(
        f"{c} = COALESCE(excluded.{c}, {table}.{c})"
        if c in keep_known
        else f"{c} = excluded.{c}"
        for c in columns
        if c not in key
    )
    return (
        f"{_insert_sql(table, columns)} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


@contextmanager
def _as_store_error(action: str) -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"Could not {action}: {exc}") from exc


# Values in and out


def _values(row: Mapping[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
    return tuple(_to_sql(column, row.get(column)) for column in columns)


def _to_sql(column: str, value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if column in _TIME_COLUMNS:
        return _to_ms(value)
    if column in _BOOL_COLUMNS:
        return int(bool(value))
    return value


def _to_ms(value: datetime | str) -> int:
    instant = parse_instant(value) if isinstance(value, str) else value
    if instant is None or instant.tzinfo is None:
        raise StoreError(f"Not a timezone-aware timestamp: {value!r}")
    return (instant - _EPOCH) // _MILLISECOND


def _from_ms(value: int) -> datetime:
    return _EPOCH + value * _MILLISECOND


def _arrow_type(column: str) -> pa.DataType:
    if column in _FLOAT_COLUMNS:
        return pa.float64()
    if column in _TIME_COLUMNS | _BOOL_COLUMNS | _INT_COLUMNS:
        return pa.int64()
    return pa.string()


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Typed columns: UTC datetimes, `Int64`, `boolean`, floats and `str`."""
    for index, name in enumerate(table.column_names):
        column = table[name]
        if name in _TIME_COLUMNS:
            column = column.cast(pa.timestamp("ms", tz="UTC"))
            column = column.cast(pa.timestamp("us", tz="UTC"))
        elif name in _BOOL_COLUMNS:
            column = pc.not_equal(column, 0)
        table = table.set_column(index, name, column)
    frame: pd.DataFrame = table.to_pandas(types_mapper=_PANDAS_TYPES.get)
    return frame


def _named(
    ids: pd.Series, names: Mapping[str, str], kind: str, pending: bool = False
) -> pd.Series:
    """Names for (`;`-joined) ids, worked out once per distinct value."""
    codes, distinct = pd.factorize(ids)
    label = _PLACEHOLDER_LABELS[kind]

    def name(entity_id: str) -> str:
        found = names.get(entity_id)
        if found:
            return found
        if pending:
            return f"{label} {entity_id[:8]} (name not fetched yet)"
        return f"Unknown {label} ({entity_id[:8]})"

    resolved = [";".join(name(i) for i in value.split(";")) for value in distinct]
    values = pd.array(resolved, dtype="str").take(codes, allow_fill=True)
    return pd.Series(values, index=ids.index)
