"""Overview: the headline figures, their distribution and their trend."""

import streamlit as st

from csat.metrics import (
    FORMULAS,
    nps_breakdown,
    score_distribution,
    summarize,
    trend,
)
from dashboard.boundary import error_boundary
from dashboard.charts import (
    TREND_HEIGHT,
    distribution_chart,
    nps_chart,
    trend_chart,
)
from dashboard.context import page_context, previous_rows
from dashboard.notices import render_form_notice, render_period_notices
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
        previous = summarize(previous_rows(context))
        render_tiles(build_tiles(summarize(context.rows), previous))

        left, right = st.columns(2)
        left.subheader("CSAT score distribution")
        left.altair_chart(
            distribution_chart(
                score_distribution(context.rows, context.data.form.scale)
            )
        )
        right.subheader("NPS: detractors, passives, promoters")
        right.altair_chart(nps_chart(nps_breakdown(context.rows)))

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
        st.altair_chart(
            trend_chart(table, metric, context.provisional_day, freq),
            height=TREND_HEIGHT,
        )
        with st.popover("How the band is drawn", type="tertiary"):
            st.write(FORMULAS["interval"].text)
