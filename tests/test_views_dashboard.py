"""The overview and partner-country pages: login, contents, bad parameters, and a query count that ignores size."""

from __future__ import annotations

import datetime as dt
import json
import re
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from relations.models import Commitment, DatePrecision, Meeting, Official

from .factories import (
    make_article,
    make_country,
    make_meeting,
    make_official,
    make_participant,
    make_position,
    make_sector,
)

TODAY = timezone.localdate()


def chart_data(response, json_id: str) -> dict:
    """The figure a page hands to its chart script, as the browser reads it."""
    found = re.search(rf'<script id="{json_id}" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(found.group(1))


def make_user():
    return get_user_model().objects.create_user("analyst", password="a-long-test-password")


def make_meetings(count: int) -> None:
    """`count` meetings spread over partners, sectors, kinds and two years, each with two participants."""
    make_country(code="ID", name_en="Indonesia", name_id="Indonesia")
    partners = [make_country(code=c, name_en=f"Country {c}") for c in ("PE", "CL", "JP", "AU")]
    parent = make_sector(slug="defence", name_en="Defence", name_id="Pertahanan")
    sectors = [
        parent,
        make_sector(slug="counter_terrorism", parent=parent, name_en="Counter-terrorism"),
        make_sector(slug="trade", name_en="Trade", name_id="Perdagangan"),
    ]
    ours, created = Official.objects.get_or_create(full_name="Our Minister", country=make_country(code="ID"))
    our_post = make_position(official=ours, title_en="Minister of Defence", rank=2) if created else ours.positions.get()
    kinds = [Meeting.Kind.BILATERAL_MEETING, Meeting.Kind.COURTESY_CALL, Meeting.Kind.PHONE_CALL]
    for index in range(count):
        partner = partners[index % len(partners)]
        meeting = make_meeting(
            held_on=TODAY - dt.timedelta(days=7 * index),
            partners=(partner.code,),
            sectors=(sectors[index % len(sectors)],),
            kind=kinds[index % len(kinds)],
        )
        make_participant(meeting=meeting, official=ours, position=our_post)
        theirs = make_official(country=partner)
        position = make_position(official=theirs, title_en="Ambassador", rank=4)
        make_participant(meeting=meeting, official=theirs, position=position)
        if index % 5 == 0:
            Commitment.objects.create(
                meeting=meeting, description=f"Visit {index}", due_on=TODAY + dt.timedelta(days=3 * index - 10)
            )


class LoginRequiredTests(TestCase):
    def test_anonymous_visitors_go_to_the_login_page(self):
        for url in ("/", "/countries/", "/countries/PE/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(response, f"/accounts/login/?next={url}", fetch_redirect_response=False)

    def test_login_page_renders(self):
        response = self.client.get("/accounts/login/")
        self.assertContains(response, 'name="username"')


class OverviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user()
        make_meetings(10)

    def setUp(self):
        self.client.force_login(self.user)

    def test_shows_counts_partners_and_figures(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        counts = response.context["counts"]
        expected = Meeting.objects.filter(held_on__year=TODAY.year).count()
        self.assertEqual(counts["meetings"].this_year, expected)
        self.assertEqual([p.code for p in response.context["top_partners"]], ["CL", "PE", "AU", "JP"])
        self.assertContains(response, 'id="monthly-data"')
        self.assertContains(response, 'id="map-data"')
        self.assertContains(response, "vendor/plotly/plotly.min.js")

    def test_map_counts_partners_never_the_home_country(self):
        response = self.client.get("/")
        figure = response.context["map_figure"]
        locations = dict(zip(figure["data"][0]["locations"], figure["data"][0]["z"], strict=True))
        self.assertEqual(locations, {"PEX": 3, "CLX": 3, "JPX": 2, "AUX": 2})

    def test_monthly_figure_holds_aggregates_not_rows(self):
        response = self.client.get("/?months=12")
        stack = response.context["stack"]
        self.assertEqual(len(stack.periods), 12)
        self.assertEqual(sum(stack.totals), 10)
        self.assertEqual(sorted(s.label for s in stack.series), ["Defence", "Trade"])

    def test_meetings_without_a_sector_still_count(self):
        make_meeting(held_on=TODAY, partners=("JP",))
        stack = self.client.get("/?months=12").context["stack"]
        self.assertEqual(stack.series[-1].label, "No sector recorded")
        self.assertEqual(stack.series[-1].total, 1)
        self.assertEqual(sum(stack.totals), 11)

    def test_bad_months_parameter_falls_back_to_default(self):
        for value in ("abc", "-1", "99999", "12;DROP"):
            with self.subTest(value=value):
                response = self.client.get("/", {"months": value})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["months"], 24)

    def test_commitments_overdue_and_due_are_listed(self):
        response = self.client.get("/")
        self.assertEqual(response.context["commitment_summary"], {"overdue": 1, "due_soon": 1})
        self.assertContains(response, "badge--overdue", count=1)
        self.assertContains(response, "badge--open", count=1)

    def test_a_commitment_due_this_month_is_coming_due_not_overdue(self):
        meeting = Meeting.objects.order_by("held_on").first()
        Commitment.objects.create(
            meeting=meeting, description="Visit this month", due_on=TODAY, due_precision=DatePrecision.MONTH
        )
        response = self.client.get("/")
        self.assertEqual(response.context["commitment_summary"], {"overdue": 1, "due_soon": 2})
        self.assertIn("Visit this month", [c.description for c in response.context["commitments_due"]])
        self.assertNotIn("Visit this month", [c.description for c in response.context["commitments_overdue"]])

    def test_a_warm_overview_draws_the_figures_of_the_cold_one(self):
        cold = self.client.get("/?months=12")
        warm = self.client.get("/?months=12")
        self.assertNotIn("map_figure", warm.context)  # nothing was computed
        self.assertEqual(chart_data(warm, "monthly-data"), cold.context["monthly_figure"])
        self.assertEqual(chart_data(warm, "map-data"), cold.context["map_figure"])
        self.assertContains(warm, '<option value="12" selected>')

    def test_indonesian_page(self):
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="id")
        self.assertContains(response, '<html lang="id">')
        self.assertContains(response, "Pertahanan")


class CountryPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user()
        make_meetings(10)

    def setUp(self):
        self.client.force_login(self.user)

    def test_country_list_shows_partners_with_trend(self):
        response = self.client.get("/countries/")
        self.assertEqual([row.code for row, _ in response.context["countries"]], ["CL", "PE", "AU", "JP"])
        self.assertNotContains(response, "/countries/ID/")
        self.assertContains(response, '<svg class="spark"', count=4)

    def test_country_list_sorts_by_name_and_ignores_bad_sort(self):
        response = self.client.get("/countries/?sort=name")
        self.assertEqual([row.code for row, _ in response.context["countries"]], ["AU", "CL", "JP", "PE"])
        response = self.client.get("/countries/?sort=%27%3B")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["sort"], "meetings")

    def test_country_detail_timeline_has_one_marker_per_meeting_with_its_url(self):
        response = self.client.get("/countries/PE/")
        self.assertEqual(response.status_code, 200)
        figure = response.context["timeline_figure"]
        urls = [url for trace in figure["data"] for url in trace["customdata"]]
        expected = [m.get_absolute_url() for m in Meeting.objects.involving("PE")]
        self.assertEqual(sorted(urls), sorted(expected))
        sizes = {size for trace in figure["data"] for size in trace["marker"]["size"]}
        self.assertEqual(sizes, {24})  # best rank 2 on every meeting

    def test_a_warm_partner_page_draws_the_figures_of_the_cold_one(self):
        cold = self.client.get("/countries/PE/")
        warm = self.client.get("/countries/PE/")
        self.assertNotIn("timeline_figure", warm.context)  # nothing was computed
        self.assertEqual(chart_data(warm, "timeline-data"), cold.context["timeline_figure"])
        self.assertEqual(chart_data(warm, "sector-data"), cold.context["sector_figure"])
        self.assertContains(warm, 'class="chart chart--timeline" data-figure="timeline-data"')
        self.assertContains(warm, "<summary>Show the meetings as a table</summary>", html=True)

    def test_country_detail_lists_officials_on_both_sides(self):
        response = self.client.get("/countries/PE/")
        self.assertEqual(response.context["our_officials"][0]["name"], "Our Minister")
        self.assertEqual(response.context["our_officials"][0]["meetings"], 3)
        self.assertEqual(len(response.context["their_officials"]), 3)

    def test_officials_met_carry_their_latest_title_in_the_active_language(self):
        minister = Official.objects.get(full_name="Our Minister")
        minister.positions.update(started_on=dt.date(2020, 1, 1))
        make_position(
            official=minister, title_en="Coordinating Minister", title_id="Menteri Koordinator", started_on=TODAY
        )
        english = self.client.get("/countries/PE/").context["our_officials"][0]
        indonesian = self.client.get("/countries/PE/", HTTP_ACCEPT_LANGUAGE="id").context["our_officials"][0]
        self.assertEqual((english["title"], indonesian["title"]), ("Coordinating Minister", "Menteri Koordinator"))

    def test_timeline_table_shows_each_meetings_best_seniority(self):
        meeting = Meeting.objects.involving("PE").order_by("-held_on").first()
        make_participant(meeting=meeting, official=make_official(country=make_country(code="PE")))  # no position
        response = self.client.get("/countries/PE/")
        markers = {size for trace in response.context["timeline_figure"]["data"] for size in trace["marker"]["size"]}
        self.assertEqual(markers, {24})  # rank 2, the best on each meeting (rank 4 and no position also took part)

    def test_timeline_keeps_the_latest_meetings_and_says_so(self):
        with mock.patch("relations.views.dashboard.TIMELINE_LIMIT", 2):
            response = self.client.get("/countries/PE/")
        markers = [x for trace in response.context["timeline_figure"]["data"] for x in trace["x"]]
        self.assertEqual(len(markers), 2)
        self.assertEqual(response.context["summary"].meetings, 3)
        self.assertContains(response, "Showing the latest 2 meetings.")

    def test_home_country_page_lists_its_officials_once(self):
        response = self.client.get("/countries/ID/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual([o["name"] for o in response.context["their_officials"]], ["Our Minister"])
        self.assertNotContains(response, "Our side")

    def test_source_links_only_for_web_addresses(self):
        meeting = Meeting.objects.involving("PE").first()
        make_article(title="Safe", url="https://example.org/a", text="One article about talks.").meetings.add(meeting)
        make_article(title="Unsafe", url="javascript:alert(1)", text="Another article.").meetings.add(meeting)
        response = self.client.get("/countries/PE/")
        self.assertContains(response, '<a href="https://example.org/a" rel="noopener noreferrer">Safe</a>', html=True)
        self.assertNotContains(response, "javascript:")
        self.assertContains(response, "Unsafe")

    def test_an_article_on_two_meetings_with_the_country_is_listed_once(self):
        article = make_article(title="Two meetings", url="https://example.org/two", text="Two meetings in one.")
        article.meetings.add(*Meeting.objects.involving("PE")[:2])
        response = self.client.get("/countries/PE/")
        self.assertEqual([a.title for a in response.context["articles"]], ["Two meetings"])

    def test_lowercase_code_redirects(self):
        response = self.client.get("/countries/pe/")
        self.assertRedirects(response, "/countries/PE/", status_code=301)

    def test_unknown_code_is_404_with_our_page(self):
        for code in ("XX", "PERU", "1", "%C3%A9"):
            with self.subTest(code=code):
                response = self.client.get(f"/countries/{code}/")
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "Page not found", status_code=404)

    def test_unknown_query_parameters_are_ignored(self):
        response = self.client.get("/countries/PE/?start=not-a-date&page=9999")
        self.assertEqual(response.status_code, 200)

    def test_country_without_meetings_renders(self):
        make_country(code="NZ", name_en="New Zealand")
        response = self.client.get(reverse("relations:country-detail", args=["NZ"]))
        self.assertContains(response, "No meeting with this country is recorded yet.")


def summary_queries(n: int) -> int:
    """On PostgreSQL, the page's summary reads add `n` queries: the month under way, counted from the meetings
    apart from the summaries' whole months (relations/dashboard.py)."""
    from django.db import connection

    return n if connection.vendor == "postgresql" else 0


class QueryCountTests(TestCase):
    """Each page runs the same number of queries for 10 meetings as for 200.

    The counts include the frame's: the session and the user.
    """

    def setUp(self):
        self.user = make_user()

    def count_queries(self, url: str, meetings: int) -> int:
        make_meetings(meetings)
        self.client.force_login(self.user)
        self.client.get(url)  # warm the session and content types
        cache.clear()  # but measure the page computing its figures, not reading them from the cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def assert_constant(self, url: str, expected: int) -> None:
        small = self.count_queries(url, 10)
        Meeting.objects.all().delete()
        large = self.count_queries(url, 200)
        self.assertEqual((small, large), (expected, expected))

    def test_overview(self):
        self.assert_constant("/", 18 + summary_queries(5))

    def test_country_list(self):
        self.assert_constant("/countries/", 5 + summary_queries(1))

    def test_country_detail(self):
        # The partner has few meetings: its commitments are fetched by its meetings' ids (dashboard.FEW_MEETINGS).
        self.assert_constant("/countries/PE/", 16 + summary_queries(1))


@override_settings(HOME_COUNTRY="PE")
class HomeCountrySettingTests(TestCase):
    def test_partner_means_any_country_but_the_home_country(self):
        user = make_user()
        make_meetings(4)
        self.client.force_login(user)
        response = self.client.get("/countries/")
        self.assertEqual(sorted(row.code for row, _ in response.context["countries"]), ["AU", "CL", "ID", "JP"])


class IndonesianDateTests(TestCase):
    def test_indonesian_dates_write_the_month_out(self):
        with translation.override("id"):
            days = [formats.date_format(dt.date(2026, month, 8)) for month in (3, 8, 10)]
            self.assertEqual(days, ["8 Maret 2026", "8 Agustus 2026", "8 Oktober 2026"])
        with translation.override("en"):
            self.assertEqual(formats.date_format(dt.date(2026, 10, 8)), "Oct. 8, 2026")
