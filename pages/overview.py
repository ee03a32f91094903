"""Overview: the headline figures, their distribution and their trend."""

import streamlit as st

from csat.metrics import (
    FORMULAS,
    nps_breakdown,
    previous_period,
    score_distribution,
    summarize,
    trend,
)
from dashboard.boundary import error_boundary
from dashboard.charts import (
    TREND_HEIGHT,
    TREND_METRICS,
    distribution_chart,
    nps_chart,
    trend_chart,
)
from dashboard.context import comparison_cutoff, page_context, previous_rows
from dashboard.notices import render_form_notice, render_period_notices
from dashboard.ranges import describe_range
from dashboard.shell import require_frame
from dashboard.tiles import build_tiles, render_tiles
from dashboard.trend_controls import render_trend_controls

require_frame()

with error_boundary("showing the overview"):
    context = page_context()
    view = context.view
    st.title("Overview")
    render_form_notice(context.data.form)
    if render_period_notices(context):
        before = previous_rows(context)
        # Nothing at all before (the org's data starts later): no change to show.
        empty_before = before is not None and before.empty
        previous = None if before is None or empty_before else summarize(before)
        render_tiles(
            build_tiles(summarize(context.rows), previous, context.data.form.source)
        )
        if empty_before:
            first, last = previous_period(view.start, view.end)
            st.caption(
                f"No surveys in the previous period ({describe_range(first, last)}) "
                "to compare with."
            )
        elif previous is None and context.data.stopped:
            st.caption(
                "The change against the previous period is shown once this "
                "period is fetched in full (press Refresh)."
            )
        elif previous is None:
            st.caption(
                "The change against the previous period is shown once both "
                "periods are fetched."
            )
        elif (cutoff := comparison_cutoff(context)) is not None:
            st.caption(
                "The period is still running: changes compare it with the "
                f"previous period up to the same time ({cutoff:%d %b %Y %H:%M} "
                f"{view.tz})."
            )

        left, right = st.columns(2)
        left.subheader("CSAT score distribution")
        distribution = score_distribution(context.rows, context.data.form.scale)
        if distribution["count"].sum():
            left.altair_chart(distribution_chart(distribution))
        else:
            left.info("No CSAT answers in this period.")
        right.subheader("NPS: detractors, passives, promoters")
        breakdown = nps_breakdown(context.rows)
        if breakdown["count"].sum():
            right.altair_chart(nps_chart(breakdown))
        elif context.data.form.nps_question is None:
            right.info("This form has no NPS question.")
        else:
            right.info("No NPS answers in this period.")

        st.subheader("Trend")
        metric, freq = render_trend_controls()
        table = trend(
            context.rows,
            anchor=view.anchor,
            tz=view.tz,
            freq=freq,
            start=view.start,
            end=view.end,
        )
        if table[TREND_METRICS[metric][0]].notna().any():
            st.altair_chart(
                trend_chart(
                    table,
                    metric,
                    context.provisional_day,
                    freq,
                    (view.start, view.end),
                ),
                height=TREND_HEIGHT,
            )
        else:
            st.info("Nothing to draw: no answers to this question in this period.")
        with st.popover("How the band is drawn", type="tertiary"):
            st.write(FORMULAS["interval"].text)
