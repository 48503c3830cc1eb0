"""Cached dashboard figures: every write bumps the data version on commit, so an edit shows at once."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.http import Http404
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from relations.dashboard import Comparison
from relations.freshness import bump_data_version, cached, data_version, entry_key
from relations.ingest.intake import Outcome, intake_text
from relations.models import Article, Country, Meeting, MeetingSector
from relations.views.meetings import SLUG_LENGTH

from .factories import make_country, make_meeting, make_sector
from .test_admin import form_data
from .test_views_dashboard import summary_queries


class DashboardTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("boss", password="not-used")
        cls.today = timezone.localdate()
        make_country(code="ID", name_en="Indonesia")
        make_country(code="PE", name_en="Peru")
        cls.meeting = make_meeting(held_on=cls.today, partners=("PE",), title="Talks in Lima")

    def setUp(self):
        self.client.force_login(self.admin)

    def overview_counts(self) -> tuple[Comparison, Comparison]:
        counts = self.client.get("/").context["counts"]
        return counts["meetings"], counts["countries"]

    def peru_this_year(self) -> int:
        return self.client.get(reverse("relations:country-detail", args=["PE"])).context["summary"].this_year


class FreshnessTests(DashboardTestCase):
    def test_an_admin_edit_shows_on_the_overview_and_partner_page_at_once(self):
        self.assertEqual(self.overview_counts(), (Comparison(1, 0), Comparison(1, 0)))
        self.assertEqual(self.peru_this_year(), 1)
        url = reverse("admin:relations_meeting_change", args=[self.meeting.pk])
        data = form_data(self.client.get(url))
        data["held_on"] = dt.date(self.today.year - 1, 1, 1).isoformat()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.overview_counts(), (Comparison(0, 1), Comparison(0, 1)))
        self.assertEqual(self.peru_this_year(), 0)

    def test_a_bulk_delete_in_the_admin_shows_at_once(self):
        self.assertEqual(self.overview_counts()[0], Comparison(1, 0))
        data = {"action": "delete_selected", "_selected_action": [self.meeting.pk], "post": "yes"}
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("admin:relations_meeting_changelist"), data)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Meeting.objects.exists())
        self.assertEqual(self.overview_counts()[0], Comparison(0, 0))

    def test_a_second_overview_request_reads_the_figures_from_the_cache(self):
        self.client.get("/")  # warm the session
        cache.clear()
        with self.assertNumQueries(16 + summary_queries(5)):
            self.client.get("/")
        with self.assertNumQueries(2):  # the session and the user
            self.client.get("/")

    def test_a_second_partner_page_request_reads_the_figures_from_the_cache(self):
        url = reverse("relations:country-detail", args=["PE"])
        self.client.get(url)
        cache.clear()
        with self.assertNumQueries(15 + summary_queries(1)):  # no participant, so no titles to look up
            self.client.get(url)
        with self.assertNumQueries(2):  # the session and the user: the country comes with the cached page
            self.client.get(url)

    def test_an_admin_edit_of_a_title_shows_in_both_cached_pages_at_once(self):
        partner_url = reverse("relations:country-detail", args=["PE"])
        for url in ("/", partner_url):
            self.assertContains(self.client.get(url), "Talks in Lima")
        url = reverse("admin:relations_meeting_change", args=[self.meeting.pk])
        data = form_data(self.client.get(url))
        data["title"] = "Talks in Cusco"
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, data)
        for url in ("/", partner_url):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "Talks in Cusco")
                self.assertNotContains(response, "Talks in Lima")

    def test_the_country_list_is_cached_and_an_admin_edit_shows_at_once(self):
        self.assertContains(self.client.get("/countries/"), 'href="/countries/PE/"')
        with self.assertNumQueries(2):  # the session and the user
            self.client.get("/countries/")
        url = reverse("admin:relations_meeting_change", args=[self.meeting.pk])
        data = form_data(self.client.get(url))
        data["status"] = Meeting.Status.CANCELLED
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, data)
        self.assertNotContains(self.client.get("/countries/"), 'href="/countries/PE/"')

    def test_the_sector_page_is_cached_and_an_admin_edit_shows_at_once(self):
        defence = make_sector(slug="defence", name_en="Defence", name_id="Pertahanan")
        MeetingSector.objects.create(meeting=self.meeting, sector=defence)
        url = reverse("relations:sector-detail", args=["defence"])
        self.assertContains(self.client.get(url), "Talks in Lima")
        with self.assertNumQueries(2):  # the session and the user
            self.assertContains(self.client.get(url), "<title>Defence ·")
        self.assertContains(self.client.get(url, HTTP_ACCEPT_LANGUAGE="id"), "<title>Pertahanan ·")
        url_admin = reverse("admin:relations_meeting_change", args=[self.meeting.pk])
        data = form_data(self.client.get(url_admin))
        data["title"] = "Talks in Cusco"
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url_admin, data)
        response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Talks in Cusco")
        self.assertNotContains(response, "Talks in Lima")

    def test_a_missing_sector_is_not_cached_as_missing(self):
        url = reverse("relations:sector-detail", args=["energy"])
        self.assertEqual(self.client.get(url).status_code, 404)
        make_sector(slug="energy", name_en="Energy")  # its commit never comes: the version stays where it was
        self.assertContains(self.client.get(url), "<title>Energy ·")
        too_long = reverse("relations:sector-detail", args=["e" * (SLUG_LENGTH + 1)])
        with self.assertNumQueries(2):  # the session and the user: refused before the cache or the sector table
            self.assertEqual(self.client.get(too_long).status_code, 404)

    def test_a_renamed_country_shows_in_the_cached_partner_page_title(self):
        url = reverse("relations:country-detail", args=["PE"])
        self.assertContains(self.client.get(url), "<title>Peru ·")
        with self.captureOnCommitCallbacks(execute=True):
            peru = Country.objects.get(code="PE")
            peru.name_en = "Republic of Peru"
            peru.save()
        self.assertContains(self.client.get(url), "<title>Republic of Peru ·")

    def test_each_language_has_its_own_cached_page(self):
        defence = make_sector(slug="defence", name_en="Defence", name_id="Pertahanan")
        make_meeting(held_on=self.today, partners=("PE",), sectors=(defence,))
        for url in ("/", reverse("relations:country-detail", args=["PE"])):
            for _ in range(2):  # cold, then warm
                with self.subTest(url=url):
                    english = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
                    self.assertContains(english, '<span class="chip">Defence</span>')
                    self.assertNotContains(english, "Pertahanan")
                    self.assertContains(self.client.get(url, HTTP_ACCEPT_LANGUAGE="id"), "Pertahanan")

    def test_a_missing_country_is_not_cached_as_missing(self):
        url = reverse("relations:country-detail", args=["CL"])
        self.assertEqual(self.client.get(url).status_code, 404)
        with self.captureOnCommitCallbacks(execute=True):
            make_country(code="CL", name_en="Chile")
        self.assertContains(self.client.get(url), "No meeting with this country is recorded yet.")

    def test_generate_data_bumps_the_version(self):
        before = data_version()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("generate_data", meetings=3, no_progress=True, stdout=StringIO())
        self.assertGreater(data_version(), before)

    def test_load_initial_data_bumps_the_version(self):
        before = data_version()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("load_initial_data", no_demo=True, stdout=StringIO())
        self.assertGreater(data_version(), before)

    def test_a_rolled_back_write_changes_nothing_readers_see(self):
        self.assertEqual(self.overview_counts(), (Comparison(1, 0), Comparison(1, 0)))
        before = data_version()
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    make_meeting(held_on=self.today, partners=("PE",))
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        self.assertEqual((callbacks, data_version()), ([], before))
        self.assertEqual(self.overview_counts(), (Comparison(1, 0), Comparison(1, 0)))
        self.assertEqual(Meeting.objects.count(), 1)

    def test_a_lost_version_restarts_past_every_cached_entry(self):
        before = data_version()
        cache.delete("relations:data-version")
        bump_data_version()
        self.assertGreater(data_version(), before)


class ComputeOnceTests(TestCase):
    """After a write, one request computes an entry; the others asking for it meanwhile wait for its result."""

    def setUp(self):
        self.key = entry_key(("page",))
        self.lock = self.key + ":computing"
        self.compute = mock.Mock(return_value="computed here")

    def test_a_request_waits_for_the_entry_another_is_computing(self):
        cache.add(self.lock, 1)

        def the_other_request_finishes(seconds):
            cache.set(self.key, "computed by the other")

        with mock.patch("relations.freshness.time.sleep", side_effect=the_other_request_finishes):
            self.assertEqual(cached(("page",), self.compute), "computed by the other")
        self.compute.assert_not_called()

    def test_a_request_computes_itself_when_the_other_fails(self):
        cache.add(self.lock, 1)

        def the_other_request_fails(seconds):
            cache.delete(self.lock)

        with mock.patch("relations.freshness.time.sleep", side_effect=the_other_request_fails) as sleep:
            self.assertEqual(cached(("page",), self.compute), "computed here")
        self.assertEqual(sleep.call_count, 1)  # no waiting out the deadline
        self.compute.assert_called_once_with()
        self.assertEqual(cache.get(self.key), "computed here")

    def test_the_computing_request_releases_its_claim_even_when_it_fails(self):
        with self.assertRaises(Http404):
            cached(("page",), mock.Mock(side_effect=Http404))
        self.assertIsNone(cache.get(self.lock))
        self.assertEqual(cached(("page",), self.compute), "computed here")
        self.assertIsNone(cache.get(self.lock))


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "config.cache.ReusedClientRedisCache",  # as production's settings
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


class CacheOutageTests(DashboardTestCase):
    """Redis out of reach: pages are computed from the database, writes go through, and the version is bumped
    once the cache answers again, so nothing cached before the outage is served after it."""

    def test_pages_are_served_from_the_database(self):
        with self.settings(CACHES=UNREACHABLE_REDIS), self.assertLogs("relations.freshness", "WARNING"):
            self.assertEqual(self.overview_counts(), (Comparison(1, 0), Comparison(1, 0)))
            response = self.client.get(reverse("relations:country-detail", args=["PE"]))
            self.assertContains(response, "Talks in Lima")
            self.assertEqual(self.client.get("/countries/").status_code, 200)

    def test_a_write_during_the_outage_goes_through_and_is_not_hidden_by_older_cached_figures(self):
        self.assertEqual(self.overview_counts()[0], Comparison(1, 0))  # cached before the outage
        before = data_version()
        url = reverse("admin:relations_meeting_change", args=[self.meeting.pk])
        data = form_data(self.client.get(url))
        data["held_on"] = dt.date(self.today.year - 1, 1, 1).isoformat()
        with self.settings(CACHES=UNREACHABLE_REDIS), self.assertLogs("relations.freshness", "WARNING"):
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(url, data)
            self.assertEqual(response.status_code, 302)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.held_on.year, self.today.year - 1)
        # The cache is back with its old entries: the owed bump makes them unreachable.
        self.assertEqual(data_version(), before + 1)
        self.assertEqual(self.overview_counts()[0], Comparison(0, 1))


class DeploymentTests(TestCase):
    def test_migrate_makes_the_cached_pages_unreachable(self):
        before = data_version()
        call_command("migrate", verbosity=0)
        self.assertGreater(data_version(), before)


class ArticleFreshnessTests(DashboardTestCase):
    """The cached pages show articles through the meetings they report: a new article bumps the version only once
    it reports a meeting, so a bulk import does not empty the dashboard's cache article by article."""

    def peru_articles(self) -> list[str]:
        """The titles the partner page lists among its articles (from the page: a cached page has no context)."""
        page = self.client.get(reverse("relations:country-detail", args=["PE"])).content.decode()
        titles = ["Fish talks", "Fish talks again", "Peru visit report"]
        return [title for title in titles if re.search(rf"<li>\s*{re.escape(title)}\s*<div", page)]

    def test_an_article_taken_in_leaves_the_cached_pages_alone(self):
        before = data_version()
        with self.captureOnCommitCallbacks(execute=True):
            intake_text("Jakarta, Friday. Indonesia and Peru discussed fisheries. " * 20, title="Fish talks")
        self.assertEqual(data_version(), before)

    def test_a_copy_of_an_approved_article_reports_its_meetings_at_once(self):
        text = "Jakarta, Friday. Indonesia and Peru discussed fisheries at length. " * 20
        self.assertEqual(self.peru_articles(), [])  # now cached
        with self.captureOnCommitCallbacks(execute=True):
            original = intake_text(text, title="Fish talks").article
        # Approved behind the pages' back (raw writes tell nobody): the cached page still lists nothing.
        original.meetings.add(self.meeting)
        Article.objects.filter(pk=original.pk).update(status=Article.Status.APPROVED)
        self.assertEqual(self.peru_articles(), [])
        with self.captureOnCommitCallbacks(execute=True):
            copy = intake_text(text + " Reported again.", title="Fish talks again")
        self.assertEqual(copy.outcome, Outcome.NEAR_DUPLICATE)
        self.assertIn("Fish talks again", self.peru_articles())

    def test_an_article_added_in_the_admin_with_its_meeting_shows_at_once(self):
        self.assertEqual(self.peru_articles(), [])
        url = reverse("admin:relations_article_add")
        data = {
            "title": "Peru visit report",
            "url": "",
            "outlet": "",
            "language": "en",
            "published_on": "",
            "text": "Jakarta, Friday. Indonesia and Peru met.",
            "meetings": [self.meeting.pk],
            "duplicate_of": "",
            "status": Article.Status.APPROVED,
            "status_message": "",
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertEqual(self.peru_articles(), ["Peru visit report"])
