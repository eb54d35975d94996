"""The week view of a shift calendar: working time (shifts minus breaks and holidays, from
services.core.calendar_math.working_intervals) as horizontal bars, one row per weekday, in the plant's
wall-clock hours. A pure function of the calendar spec and the week."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go

from rxapp.i18n import _
from services.core import formats
from services.core.calendar_math import CalendarSpec, working_intervals

WEEKDAYS = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
BAR_COLOR = "#16a34a"


def local_pieces(spec: CalendarSpec, monday: date) -> list[tuple[int, float, float]]:
    """(weekday index 0-6, start hour, end hour) of the working time in the local week of `monday`,
    split at local midnight."""
    zone = ZoneInfo(spec.timezone)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    pieces = []
    for s, e in working_intervals(spec, start, end):
        s_local, e_local = s.astimezone(zone), e.astimezone(zone)
        while s_local < e_local:
            midnight = datetime.combine(s_local.date() + timedelta(days=1), time(0), tzinfo=zone)
            stop = min(e_local, midnight)
            day = (s_local.date() - monday).days
            hours = lambda t: t.hour + t.minute / 60 + t.second / 3600  # noqa: E731
            pieces.append((day, hours(s_local), 24.0 if stop == midnight else hours(stop)))
            s_local = stop
    return pieces


def week_figure(spec: CalendarSpec, monday: date) -> go.Figure:
    pieces = local_pieces(spec, monday)
    labels = [f"{WEEKDAYS[i]} {formats.month_day(monday + timedelta(days=i))}" for i in range(7)]
    fig = go.Figure(go.Bar(
        y=[labels[d] for d, _s, _e in pieces], x=[e - s for _d, s, e in pieces], base=[s for _d, s, _e in pieces],
        orientation="h", marker={"color": BAR_COLOR},
        hovertemplate="%{base:.2f} h → %{x:.2f} h<extra></extra>", name=_("Working time"),
    ))
    # an invisible point per day keeps days without working time (weekends, holidays) on the chart
    fig.add_trace(go.Scatter(x=[0] * 7, y=labels, mode="markers", marker={"opacity": 0}, hoverinfo="skip"))
    fig.update_layout(
        height=320, margin={"l": 90, "r": 16, "t": 36, "b": 36}, showlegend=False, bargap=0.35,
        title={"text": _("Working time, week of") + f" {formats.day(monday, fmt='short')} ({spec.timezone})", "font": {"size": 14}},
        xaxis={"range": [0, 24], "dtick": 2, "title": _("Hour of day")},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(labels))},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig
