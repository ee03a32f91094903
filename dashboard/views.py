"""Tables the pages show, built from the joined frame by pure functions.

Column names here are the headers a supervisor reads, in the page and in the CSV
download. Customer text stays plain data: the pages render it with `st.dataframe`
or `st.text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from csat.export import to_csv_bytes
from dashboard.filters import NPS_GROUPS, finished_mask

Linker = Callable[[str], str | None]

INTERACTION_COLUMNS = [
    "Local time", "Agent", "Queue", "Media type", "Duration", "Wrap-up code",
    "Transfers", "CSAT", "NPS", "Comment", "Link", "Direction",
    "Survey completed", "Survey ID", "Conversation ID",
]  # fmt: skip
TIME_FORMAT = "%Y-%m-%d %H:%M"


def verbatim(frame: pd.DataFrame) -> pd.Series:
    """Free-text answers and the NPS comment of each row, joined by a blank line."""
    parts = [frame[c].astype("string").fillna("").str.strip() for c in _texts(frame)]
    if not parts:
        return pd.Series("", index=frame.index, dtype="string")
    joined = parts[0]
    for part in parts[1:]:
        gap = ((joined != "") & (part != "")).map({True: "\n\n", False: ""})
        joined = joined + gap + part
    return joined


def interactions_table(
    frame: pd.DataFrame, tz: str, link: Linker, limit: int | None = None
) -> pd.DataFrame:
    """One row per finished survey, newest interaction first; the newest `limit`."""
    rows = frame.loc[finished_mask(frame)]
    rows = rows.sort_values(
        ["conversation_start", "survey_id"], ascending=[False, True], kind="stable"
    )
    if limit is not None:
        rows = rows.head(limit)
    table = pd.DataFrame(
        {
            "Local time": local_time(rows["conversation_start"], tz),
            "Agent": rows["agent_name"],
            "Queue": rows["queue_name"],
            "Media type": rows["media_type"],
            "Duration": format_durations(rows["duration_s"]),
            "Wrap-up code": rows["wrapup_name"],
            "Transfers": rows["transfer_count"].astype("Int64"),
            "CSAT": rows["csat_score"].astype("Int64"),
            "NPS": rows["nps_score"].astype("Int64"),
            "Comment": verbatim(rows),
            "Link": rows["conversation_id"].map(link),
            "Direction": rows["direction"],
            "Survey completed": local_time(rows["survey_completed"], tz),
            "Survey ID": rows["survey_id"],
            "Conversation ID": rows["conversation_id"],
        }
    )
    return table[INTERACTION_COLUMNS].reset_index(drop=True)


def interactions_csv(
    frame: pd.DataFrame, tz: str, link: Linker, limit: int | None = None
) -> bytes:
    """`interactions_table` (its newest `limit` rows) as spreadsheet-safe CSV."""
    return to_csv_bytes(interactions_table(frame, tz, link, limit), bom=True)


def answers_table(answers: pd.DataFrame, survey_id: str) -> pd.DataFrame:
    """Every answer of one survey, in form order, N/A spelled out."""
    rows = answers.loc[answers["survey_id"] == survey_id]
    return pd.DataFrame(
        {
            "Question group": rows["question_group"],
            "Question": rows["question_text"],
            "Answer": rows.apply(_answer_text, axis=1) if len(rows) else [],
        }
    ).reset_index(drop=True)


def handlers(frame: pd.DataFrame, survey_id: str) -> list[str]:
    """Agents who handled the surveyed interaction, in order of first appearance."""
    rows = frame.loc[frame["survey_id"] == survey_id]
    if rows.empty:
        return []
    names = rows.iloc[0]["agent_names"]
    return [n for n in str(names).split(";") if n] if isinstance(names, str) else []


def comments_table(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Verbatims of finished surveys, unhappy customers first.

    Unhappy: an NPS detractor (0-6) or a CSAT score in the bottom two of its
    scale, so a customer who skipped one question is still found by the other.
    Within each group the lowest CSAT comes first, then the lowest NPS, then
    the newest.
    """
    rows = frame.loc[finished_mask(frame)].assign(_text=verbatim)
    rows = rows.loc[rows["_text"] != ""]
    detractor = rows["nps_score"] <= NPS_GROUPS["Detractor"][1]
    bottom_two = rows["csat_score"] <= rows["csat_scale_min"] + 1
    rows = rows.assign(_happy=~(detractor | bottom_two).fillna(False).astype(bool))
    rows = rows.sort_values(
        ["_happy", "csat_score", "nps_score", "conversation_start"],
        ascending=[True, True, True, False],
        na_position="last",
        kind="stable",
    )
    return pd.DataFrame(
        {
            "NPS": rows["nps_score"].astype("Int64"),
            "CSAT": rows["csat_score"].astype("Int64"),
            "Agent": rows["agent_name"],
            "Comment": rows["_text"],
            "Local time": local_time(rows["conversation_start"], tz),
            "Queue": rows["queue_name"],
            "Survey ID": rows["survey_id"],
        }
    ).reset_index(drop=True)


def group_view(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """A `csat.metrics.group_table` result with readable headers, shares in %."""
    return pd.DataFrame(
        {
            "Rank": table["rank"].astype("Int64"),
            "Name": table[name].astype("string"),
            "Responses": table["responses"].astype("int64"),
            "CSAT %": 100 * table["csat_pct"],
            "CSAT % low": 100 * table["csat_low"],
            "CSAT % high": 100 * table["csat_high"],
            "Mean": table["mean"],
            "NPS": table["nps"],
            "Response rate %": 100 * table["response_rate"],
            "Detractors": table["detractors"].astype("int64"),
        }
    ).reset_index(drop=True)


def split_ranked(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows that meet the minimum-responses rule, and the rest (not ranked)."""
    ranked = table["ranked"].astype(bool)
    return (
        table.loc[ranked].reset_index(drop=True),
        table.loc[~ranked].reset_index(drop=True),
    )


def local_time(times: pd.Series, tz: str) -> pd.Series:
    """UTC timestamps as local wall-clock text, sortable as text."""
    local = pd.to_datetime(times, utc=True).dt.tz_convert(tz)
    return local.dt.strftime(TIME_FORMAT).astype("string")


def format_durations(seconds: pd.Series) -> pd.Series:
    """Seconds as H:MM:SS text (rounded half to even); empty when unknown."""
    total = pd.to_numeric(seconds, errors="coerce").astype("float64").round()
    known = total.notna()
    whole = total[known].astype("int64")
    hours, minutes, secs = whole // 3600, whole % 3600 // 60, whole % 60
    text = (
        hours.astype(str)
        + ":"
        + minutes.astype(str).str.zfill(2)
        + ":"
        + secs.astype(str).str.zfill(2)
    )
    return text.reindex(seconds.index, fill_value="").astype("string")


def _texts(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("comment", "nps_comment") if c in frame.columns]


def _answer_text(row: pd.Series) -> str:
    if bool(row.get("system_marked_na")):
        return "Not shown (hidden by the form)"
    if bool(row.get("marked_na")):
        return "N/A (chosen by the customer)"
    answer = row.get("answer_text")
    if isinstance(answer, str) and answer:
        return _with_score(answer, row)
    # An NPS answer may carry the customer's follow-up comment: show both.
    nps = row.get("nps_score")
    text = row.get("free_text")
    parts = [
        *([] if nps is None or pd.isna(nps) else [str(int(nps))]),
        *([text] if isinstance(text, str) and text else []),
    ]
    return " · ".join(parts)


def _with_score(text: str, row: pd.Series) -> str:
    score = row.get("score")
    if score is None or pd.isna(score):
        return text
    return f"{text} ({int(score)})"
