"""Chart builders are pure: literals in, figures out."""

import datetime as dt
import json

from django.test import SimpleTestCase

from relations import charts
from relations.charts import CountryCount, PeriodCount, TimelinePoint

JAN, FEB, MAR = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)


class MonthRangeTests(SimpleTestCase):
    def test_spans_year_end(self):
        self.assertEqual(
            charts.month_range(dt.date(2023, 11, 20), dt.date(2024, 2, 3)),
            [dt.date(2023, 11, 1), dt.date(2023, 12, 1), JAN, FEB],
        )


class StackBySectorTests(SimpleTestCase):
    rows = [
        PeriodCount(JAN, "Defence", 3, "#111111"),
        PeriodCount(FEB, "Defence", 1, "#111111"),
        PeriodCount(JAN, "Trade", 2),
        PeriodCount(MAR, "Health", 1),
        PeriodCount(MAR, "Energy", 1),
    ]

    def test_keeps_top_sectors_and_sums_the_rest_into_other(self):
        stack = charts.stack_by_sector(self.rows, [JAN, FEB, MAR], top=2, other_label="Other")
        self.assertEqual(
            [(s.label, s.counts) for s in stack.series],
            [
                ("Defence", [3, 1, 0]),
                ("Trade", [2, 0, 0]),
                ("Other", [0, 0, 2]),
            ],
        )
        self.assertEqual(stack.totals, [5, 1, 2])

    def test_sector_colour_is_kept_and_missing_ones_come_from_the_palette(self):
        stack = charts.stack_by_sector(self.rows, [JAN, FEB, MAR], top=2)
        self.assertEqual([s.colour for s in stack.series], ["#111111", charts.PALETTE[1], charts.OTHER_COLOUR])

    def test_no_other_series_when_everything_fits(self):
        stack = charts.stack_by_sector(self.rows, [JAN, FEB, MAR], top=10)
        self.assertNotIn("Other", [s.label for s in stack.series])

    def test_add_a_series_unless_empty(self):
        stack = charts.stack_by_sector(self.rows[:1], [JAN, FEB], top=5)
        stack.add("No sector", "#555555", {FEB: 2})
        stack.add("Nothing", "#555555", {MAR: 4})
        self.assertEqual([(s.label, s.counts) for s in stack.series], [("Defence", [3, 0]), ("No sector", [0, 2])])

    def test_rows_for_the_accessible_table(self):
        stack = charts.stack_by_sector(self.rows[:3], [JAN, FEB], top=5)
        self.assertEqual(stack.rows, [(JAN, [3, 2]), (FEB, [1, 0])])


class StackedBarsTests(SimpleTestCase):
    def test_one_bar_trace_per_series_stacked(self):
        stack = charts.stack_by_sector(StackBySectorTests.rows, [JAN, FEB, MAR], top=2, other_label="Other")
        fig = charts.stacked_bars(stack, y_title="Meetings")
        self.assertEqual(fig.layout.barmode, "stack")
        self.assertEqual([t.name for t in fig.data], ["Defence", "Trade", "Other"])
        self.assertEqual(list(fig.data[0].x), ["2024-01-01", "2024-02-01", "2024-03-01"])
        self.assertEqual(list(fig.data[0].y), [3, 1, 0])

    def test_yearly_bars_use_category_axis(self):
        stack = charts.stack_by_sector([PeriodCount(2023, "Trade", 2)], [2023, 2024])
        fig = charts.stacked_bars(stack, monthly=False)
        self.assertEqual(list(fig.data[0].x), ["2023", "2024"])
        self.assertEqual(fig.layout.xaxis.type, "category")

    def test_json_is_small(self):
        rows = [PeriodCount(month, f"S{i}", i, "") for i in range(8) for month in (JAN, FEB, MAR)]
        fig = charts.stacked_bars(charts.stack_by_sector(rows, [JAN, FEB, MAR]))
        self.assertLess(len(fig.to_json()), 5000)


class WorldMapTests(SimpleTestCase):
    def test_choropleth_by_iso3(self):
        fig = charts.world_map([CountryCount("PER", "Peru", 4), CountryCount("JPN", "Japan", 1)], colorbar_title="n")
        trace = fig.data[0]
        self.assertEqual(trace.type, "choropleth")
        self.assertEqual(trace.locationmode, "ISO-3")
        self.assertEqual(list(trace.locations), ["PER", "JPN"])
        self.assertEqual(list(trace.z), [4, 1])
        self.assertEqual(fig.layout.geo.resolution, 110)  # the world_110m topojson we serve


class TimelineTests(SimpleTestCase):
    def point(self, **fields):
        values = dict(
            held_on=dt.date(2024, 10, 4),
            title="Talks",
            lane="bilateral meeting",
            group="Defence",
            colour="#123456",
            rank=2,
            participants=["A. Person, Minister (ID)"],
            url="/meetings/1/",
        )
        return TimelinePoint(**{**values, **fields})

    def test_one_trace_per_group_markers_carry_urls_and_sizes(self):
        fig = charts.timeline(
            [self.point(), self.point(url="/meetings/2/", rank=None), self.point(group="Trade", url="/meetings/3/")],
            lanes=["bilateral meeting"],
        )
        self.assertEqual([t.name for t in fig.data], ["Defence", "Trade"])
        self.assertEqual(list(fig.data[0].customdata), ["/meetings/1/", "/meetings/2/"])
        self.assertEqual(list(fig.data[0].marker.size), [24, 9])
        self.assertEqual(list(fig.data[0].x), ["2024-10-04", "2024-10-04"])

    def test_hover_shows_date_title_and_participants_escaped(self):
        fig = charts.timeline([self.point(title="A <b>bold</b> title")], lanes=["bilateral meeting"])
        self.assertEqual(
            fig.data[0].hovertext[0], "<b>2024-10-04</b><br>A &lt;b&gt;bold&lt;/b&gt; title<br>A. Person, Minister (ID)"
        )

    def test_hover_date_in_the_readers_format(self):
        fig = charts.timeline([self.point(date_label="4 Oktober 2024")], lanes=["bilateral meeting"])
        self.assertTrue(fig.data[0].hovertext[0].startswith("<b>4 Oktober 2024</b><br>"))

    def test_a_planned_meeting_is_a_ring_said_planned_and_today_is_marked(self):
        held, planned = self.point(), self.point(held_on=dt.date(2025, 3, 1), url="/meetings/2/", planned="planned")
        fig = charts.timeline([held, planned], lanes=["bilateral meeting"], until=dt.date(2024, 12, 1))
        self.assertEqual(list(fig.data[0].marker.symbol), ["circle", "circle-open"])
        self.assertTrue(fig.data[0].hovertext[1].startswith("<b>2025-03-01</b> (planned)<br>"))
        self.assertEqual([(s.x0, s.type) for s in fig.layout.shapes], [("2024-12-01", "line")])
        # With nothing planned, no line: the chart ends today anyway.
        self.assertEqual(charts.timeline([held], lanes=["x"], until=dt.date(2024, 12, 1)).layout.shapes, ())

    def test_marker_size_by_seniority(self):
        self.assertEqual([charts.marker_size(r) for r in (1, 5, 9, None, 42)], [26, 18, 10, 9, 10])

    def test_figure_serializes(self):
        data = json.loads(charts.timeline([self.point()], lanes=["bilateral meeting"]).to_json())
        self.assertEqual(data["layout"]["yaxis"]["categoryarray"], ["bilateral meeting"])


class SparkBarsTests(SimpleTestCase):
    def test_bars_scaled_to_the_peak(self):
        bars = charts.spark_bars([("2023", 0), ("2024", 2), ("2025", 4)], width=30, height=20)
        self.assertEqual(
            [(b.x, b.y, b.width, b.height) for b in bars], [(1, 19.0, 8, 1.0), (11, 10.0, 8, 10.0), (21, 0.0, 8, 20.0)]
        )

    def test_empty(self):
        self.assertEqual(charts.spark_bars([]), [])


class DateRangeTests(SimpleTestCase):
    def point(self, day):
        return TimelinePoint(day, "t", "lane", "group", "#000000", None, [], "/m/")

    def test_one_meeting_gets_a_year_wide_axis_centred_on_it(self):
        self.assertEqual(charts.date_range([self.point(dt.date(2024, 10, 4))]), ["2024-04-04", "2025-04-05"])

    def test_long_spans_get_a_margin_and_reach_until(self):
        points = [self.point(dt.date(2000, 1, 1)), self.point(dt.date(2009, 12, 31))]
        self.assertEqual(charts.date_range(points, until=dt.date(2024, 12, 31)), ["1999-01-01", "2025-12-31"])

    def test_small_counts_tick_once_per_meeting(self):
        stack = charts.stack_by_sector([PeriodCount(2024, "Trade", 2)], [2024])
        self.assertEqual(charts.stacked_bars(stack, monthly=False).layout.yaxis.dtick, 1)
