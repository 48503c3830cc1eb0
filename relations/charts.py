"""Chart builders: plain rows in, plotly Figure out. No ORM, no request, so each is tested with literals.

The views aggregate on the server and hand these functions a few dozen rows; the browser draws the figure's JSON
with the plotly.js served from our static files.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go

# Colour-blind-safe qualitative palette (Okabe-Ito, then Tableau) for sectors without a colour of their own.
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#6F4E7C",
    "#8C6D31",
    "#4E79A7",
    "#F28E2B",
]
OTHER_COLOUR = "#9AA5B1"
NONE_COLOUR = "#5F6B7A"
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif", size=13)
# The lightest shade stays clearly bluer than the land of countries never met.
MAP_SCALE = [[0.0, "#b3cde9"], [0.5, "#4a86c5"], [1.0, "#0d2b4e"]]


@dataclass(frozen=True)
class PeriodCount:
    """Meetings of one sector in one period (a month's first day, or a year)."""

    period: dt.date | int
    sector: str
    count: int
    colour: str = ""


@dataclass
class Series:
    label: str
    colour: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Stack:
    """Counts per period for the top sectors, the rest summed into one "other" series; a table and a chart alike."""

    periods: list
    series: list[Series] = field(default_factory=list)

    def add(self, label: str, colour: str, counts: dict) -> None:
        """One more series from {period: count}, left out when it is empty."""
        values = [counts.get(p, 0) for p in self.periods]
        if any(values):
            self.series.append(Series(label, colour, values))

    @property
    def totals(self) -> list[int]:
        return [sum(s.counts[i] for s in self.series) for i in range(len(self.periods))]

    @property
    def rows(self) -> list[tuple]:
        """(period, [count per series]) for an accessible table."""
        return [(p, [s.counts[i] for s in self.series]) for i, p in enumerate(self.periods)]


@dataclass(frozen=True)
class CountryCount:
    alpha3: str
    name: str
    count: int


@dataclass(frozen=True)
class TimelinePoint:
    """One meeting on a partner's timeline."""

    held_on: dt.date
    title: str
    lane: str
    group: str
    colour: str
    rank: int | None
    participants: Sequence[str]
    url: str
    date_label: str = ""  # the date as the reader's language writes it; ISO when empty
    planned: str = ""  # for a meeting still to come, the word that says so in the reader's language


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first`'s month to `last`'s month, both included."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def stack_by_sector(
    rows: Iterable[PeriodCount], periods: Sequence, *, top: int = 6, other_label: str = "Other"
) -> Stack:
    """Keep the `top` sectors by total and sum the others, so a stacked chart stays readable."""
    counts: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    colours: dict[str, str] = {}
    for row in rows:
        counts[row.sector][row.period] += row.count
        colours.setdefault(row.sector, row.colour)
    ranked = sorted(counts, key=lambda sector: (-sum(counts[sector].values()), sector))
    stack = Stack(periods=list(periods))
    for index, sector in enumerate(ranked[:top]):
        colour = colours[sector] or PALETTE[index % len(PALETTE)]
        stack.series.append(Series(sector, colour, [counts[sector].get(p, 0) for p in periods]))
    rest = ranked[top:]
    if rest:
        other = [sum(counts[sector].get(p, 0) for sector in rest) for p in periods]
        stack.series.append(Series(other_label, OTHER_COLOUR, other))
    return stack


def _layout(**overrides) -> dict:
    layout = dict(
        template="none",
        font=FONT,
        margin=dict(l=40, r=10, t=10, b=40),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        hoverlabel=dict(font=FONT, align="left"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=12)),
    )
    layout.update(overrides)
    return layout


def stacked_bars(stack: Stack, *, y_title: str = "", monthly: bool = True) -> go.Figure:
    """Meetings per period stacked by sector."""
    x = [p.isoformat() if isinstance(p, dt.date) else str(p) for p in stack.periods]
    hover = "%{x|%b %Y}" if monthly else "%{x}"
    fig = go.Figure(
        [
            go.Bar(
                x=x,
                y=s.counts,
                name=s.label,
                marker=dict(color=s.colour, line=dict(width=0)),
                hovertemplate=f"{hover}<br>%{{fullData.name}}: %{{y}}<extra></extra>",
            )
            for s in stack.series
        ],
        layout=_layout(barmode="stack", bargap=0.25),
    )
    # Whole meetings only: small counts get a tick per meeting rather than plotly's halves.
    small = max(stack.totals, default=0) <= 8
    fig.update_yaxes(
        title_text=y_title,
        rangemode="tozero",
        gridcolor="#e3e7ec",
        zeroline=False,
        tickformat="d",
        dtick=1 if small else None,
    )
    if monthly:
        fig.update_xaxes(type="date", tickformat="%b\n%Y", dtick="M3", ticklabelmode="period", showgrid=False)
    else:
        fig.update_xaxes(type="category", showgrid=False)
    return fig


def world_map(rows: Sequence[CountryCount], *, colorbar_title: str = "") -> go.Figure:
    """Partner countries shaded by number of meetings. Outlines come from the topojson we serve (config)."""
    fig = go.Figure(
        go.Choropleth(
            locations=[r.alpha3 for r in rows],
            z=[r.count for r in rows],
            text=[r.name for r in rows],
            locationmode="ISO-3",
            colorscale=MAP_SCALE,
            zmin=0,
            marker=dict(line=dict(color="#ffffff", width=0.5)),
            colorbar=dict(
                title=dict(text=colorbar_title, side="top"),
                orientation="h",
                thickness=10,
                len=0.4,
                x=0.5,
                y=0,
                yanchor="top",
                outlinewidth=0,
                tickformat="d",
            ),
            hovertemplate="%{text}: %{z}<extra></extra>",
        ),
        layout=_layout(margin=dict(l=0, r=0, t=0, b=0)),
    )
    fig.update_geos(
        projection_type="natural earth",
        resolution=110,
        showframe=False,
        showcoastlines=False,
        showcountries=True,
        countrycolor="#ffffff",
        showland=True,
        landcolor="#eef1f4",
        bgcolor="rgba(0,0,0,0)",
        lataxis_range=[-58, 85],
        domain=dict(x=[0, 1], y=[0, 1]),
    )
    return fig


def marker_size(rank: int | None) -> int:
    """Seniority 1 (head of state) draws the largest marker, 9 (staff) the smallest; unknown is small."""
    if rank is None:
        return 9
    return 26 - 2 * (min(max(rank, 1), 9) - 1)


def timeline(points: Sequence[TimelinePoint], *, lanes: Sequence[str], until: dt.date | None = None) -> go.Figure:
    """One marker per meeting: date across, kind of meeting as lanes, coloured by sector, sized by seniority.

    The meeting's URL travels in customdata so a click opens it (see static/relations/charts.js).
    """
    groups: dict[str, list[TimelinePoint]] = {}
    for point in points:
        groups.setdefault(point.group, []).append(point)
    traces = []
    for group, members in groups.items():
        # The legend draws a trace's first marker: held meetings first, so a sector's key is a disc, not a ring.
        members = sorted(members, key=lambda p: bool(p.planned))
        traces.append(
            go.Scatter(
                x=[p.held_on.isoformat() for p in members],
                y=[p.lane for p in members],
                mode="markers",
                name=group,
                # A meeting still to come is a ring in its sector's colour, so the future never reads as done.
                marker=dict(
                    size=[marker_size(p.rank) for p in members],
                    color=members[0].colour,
                    opacity=0.85,
                    symbol=["circle-open" if p.planned else "circle" for p in members],
                    line=dict(color="#ffffff", width=[2 if p.planned else 1 for p in members]),
                ),
                customdata=[p.url for p in members],
                hovertext=[_timeline_hover(p) for p in members],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig = go.Figure(traces, layout=_layout(margin=dict(l=10, r=10, t=10, b=40), hovermode="closest"))
    if until and any(p.planned for p in points):
        # Today, where held meetings end and planned ones begin.
        fig.add_shape(
            type="line",
            xref="x",
            yref="paper",
            x0=until.isoformat(),
            x1=until.isoformat(),
            y0=0,
            y1=1,
            line=dict(color="#8a96a6", width=1, dash="dot"),
        )
    fig.update_xaxes(type="date", range=date_range(points, until), showgrid=True, gridcolor="#e3e7ec", zeroline=False)
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=list(lanes),
        showgrid=True,
        gridcolor="#eef1f4",
        automargin=True,
    )
    return fig


def date_range(points: Sequence[TimelinePoint], until: dt.date | None = None) -> list[str]:
    """The x range: every meeting (and `until`, usually today) with a margin, never less than a year wide.

    Without it plotly zooms one lone meeting to milliseconds.
    """
    if not points:
        return []
    first = min(p.held_on for p in points)
    last = max([p.held_on for p in points] + ([until] if until else []))
    span = (last - first).days
    margin = dt.timedelta(days=max(span // 25, 45, (366 - span) // 2))
    return [(first - margin).isoformat(), (last + margin).isoformat()]


def _timeline_hover(point: TimelinePoint) -> str:
    day = _escape(point.date_label or point.held_on.isoformat())
    lines = [f"<b>{day}</b> ({_escape(point.planned)})" if point.planned else f"<b>{day}</b>", _escape(point.title)]
    lines += [_escape(name) for name in point.participants[:6]]
    if len(point.participants) > 6:
        lines.append("…")
    return "<br>".join(lines)


def _escape(text: str) -> str:
    # plotly renders a subset of HTML in hover text; titles are plain text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class SparkBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


def spark_bars(counts: Sequence[tuple[str, int]], *, width: int = 96, height: int = 24) -> list[SparkBar]:
    """Geometry of a tiny inline-SVG bar chart (one bar per labelled count); light enough for every table row."""
    if not counts:
        return []
    peak = max(count for _, count in counts) or 1
    step = width / len(counts)
    bars = []
    for index, (label, count) in enumerate(counts):
        bar_height = max(round(height * count / peak, 1), 1.0)
        x, y = round(index * step + 1, 1), round(height - bar_height, 1)
        bars.append(SparkBar(x, y, round(step - 2, 1), bar_height, label, count))
    return bars
