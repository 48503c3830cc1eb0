import csv
import datetime as dt
import io
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relations.models import Meeting, MeetingSector
from relations.paginators import CappedListPaginator, CappedUnionPaginator
from relations.time_limits import StatementTimeout, statement_time_limit
from relations.views.meetings import highlight

from .factories import (
    make_article,
    make_commitment,
    make_country,
    make_meeting,
    make_official,
    make_participant,
    make_position,
    make_sector,
)


def add_meetings(count: int, *, sector, official=None, start: int = 0) -> None:
    """`count` meetings over several years and partners, each with a side, a sector, a participant and a source."""
    partners = ["PE", "CL", "JP", "AU"]
    for i in range(start, start + count):
        meeting = make_meeting(
            title=f"Bulk meeting {i:03}",
            held_on=dt.date(2020 + i % 5, 1 + i % 12, 1 + i % 28),
            partners=(partners[i % 4],),
            sectors=(sector,),
        )
        make_participant(meeting=meeting, official=official or make_official(country=make_country(code="ID")))
        make_article(text=f"Report number {i} on the meeting.").meetings.add(meeting)


class LoggedInTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("analyst", password="unused")

    def setUp(self):
        self.client.force_login(self.user)


class LoginRequiredTests(TestCase):
    def test_every_page_sends_anonymous_visitors_to_login(self):
        meeting = make_meeting()
        sector = make_sector(slug="defence")
        official = make_official()
        for url in [
            reverse("relations:meeting-list"),
            reverse("relations:meeting-export"),
            meeting.get_absolute_url(),
            sector.get_absolute_url(),
            official.get_absolute_url(),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)


class MeetingListTests(LoggedInTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_country(code="ID", name_en="Indonesia")
        make_country(code="PE", name_en="Peru")
        cls.defence = make_sector(slug="defence", name_en="Defence")
        cls.terrorism = make_sector(slug="counter-terrorism", name_en="Counter-terrorism", parent=cls.defence)
        cls.seed = make_meeting(title="Talks on terrorism", partners=("PE",), sectors=(cls.terrorism,))
        cls.other = make_meeting(title="Trade fair", held_on=dt.date(2023, 2, 1), partners=("PE",))

    def test_lists_meetings_with_count_and_links(self):
        response = self.client.get(reverse("relations:meeting-list"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1–2 of 2 meetings")
        self.assertContains(
            response, f'<a class="meeting-title" href="/meetings/{self.seed.pk}/">Talks on terrorism</a>'
        )
        self.assertContains(response, f'href="/meetings/{self.other.pk}/"')

    def test_filter_form_is_a_get_form_with_each_parameter(self):
        response = self.client.get(reverse("relations:meeting-list"))
        self.assertContains(response, '<form class="filters" method="get" action="/meetings/">')
        for name in ["q", "sector", "country", "start", "end", "kind", "status", "official", "sort"]:
            self.assertContains(response, f'name="{name}"')

    def test_the_cached_options_follow_a_write_and_keep_the_choice(self):
        url = reverse("relations:meeting-list")
        self.assertNotContains(self.client.get(url), "Chile (CL)")
        with self.captureOnCommitCallbacks(execute=True):  # the data version is bumped when the write commits
            make_country(code="CL", name_en="Chile")
            make_sector(slug="fisheries", name_en="Fisheries")

        response = self.client.get(url, {"country": "CL", "sector": "fisheries"})
        self.assertContains(response, '<option value="CL" selected>Chile (CL)</option>', html=True)
        self.assertContains(response, 'value="fisheries"')
        self.assertContains(response, '<option value="PE">Peru (PE)</option>', html=True)

    def test_the_options_are_in_the_readers_language(self):
        make_country(code="DE", name_en="Germany", name_id="Jerman")
        english = self.client.get(reverse("relations:meeting-list"))
        indonesian = self.client.get(reverse("relations:meeting-list"), headers={"accept-language": "id"})
        self.assertContains(english, "Germany (DE)")
        self.assertContains(indonesian, "Jerman (DE)")

    def test_filters_by_parent_sector(self):
        response = self.client.get(reverse("relations:meeting-list"), {"sector": "defence"})
        self.assertContains(response, "1 meeting")
        self.assertContains(response, "Talks on terrorism")
        self.assertNotContains(response, "Trade fair")

    def test_official_is_named_with_a_link_to_remove_it(self):
        official = make_official(full_name="Sjafrie Sjamsoeddin")
        response = self.client.get(reverse("relations:meeting-list"), {"official": official.pk, "sort": "title"})
        self.assertContains(response, f'<input type="hidden" name="official" value="{official.pk}" id="id_official">')
        self.assertContains(response, f'<a href="/officials/{official.pk}/">Sjafrie Sjamsoeddin</a>')
        self.assertContains(response, '<a href="?sort=title">Remove')

    def test_export_link_keeps_the_filters(self):
        response = self.client.get(reverse("relations:meeting-list"), {"sector": "defence", "page": "1"})
        self.assertContains(response, 'href="/meetings/export.csv?sector=defence"')

    def test_unknown_sector_explains_and_lists_nothing(self):
        response = self.client.get(reverse("relations:meeting-list"), {"sector": "astrology"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            "Sector (sector): Select a valid choice. astrology is not one of the available choices.",
            status_code=400,
        )
        self.assertNotContains(response, "Talks on terrorism", status_code=400)

    def test_empty_choices_are_no_choice(self):
        everything = self.client.get(reverse("relations:meeting-list"))
        for query in ("sector=&country=&kind=&status=", "sector=&sector=defence", "country=", "country=%20&kind=+"):
            with self.subTest(query=query):
                response = self.client.get(f"{reverse('relations:meeting-list')}?{query}")
                self.assertEqual(response.status_code, 200)
                if "defence" in query:
                    self.assertEqual([s.slug for s in response.context["form"].cleaned_data["sector"]], ["defence"])
                else:
                    self.assertEqual(response.context["total"], everything.context["total"])
                export = self.client.get(f"{reverse('relations:meeting-export')}?{query}")
                self.assertEqual(export.status_code, 200)

    def test_malformed_date_explains(self):
        response = self.client.get(reverse("relations:meeting-list"), {"start": "yesterday"})
        self.assertContains(response, "From (start): Enter a valid date.", status_code=400)

    def test_unknown_sort_explains(self):
        response = self.client.get(reverse("relations:meeting-list"), {"sort": "secret"})
        self.assertContains(
            response,
            "Sort by (sort): Select a valid choice. secret is not one of the available choices.",
            status_code=400,
        )

    def test_page_past_the_end_shows_the_last_page_and_says_so(self):
        response = self.client.get(reverse("relations:meeting-list"), {"page": "9999"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is no page 9999; showing the last page, 1.")
        self.assertContains(response, "Talks on terrorism")

    def test_page_that_is_not_a_number_shows_the_first_page(self):
        response = self.client.get(reverse("relations:meeting-list"), {"page": "two"})
        self.assertContains(response, "“two” is not a page number; showing the first page.")

    def test_sort_by_title(self):
        response = self.client.get(reverse("relations:meeting-list"), {"sort": "title"})
        content = response.content.decode()
        self.assertLess(content.index("Talks on terrorism"), content.index("Trade fair"))
        self.assertContains(response, 'aria-sort="ascending"><a href="?sort=-title">')


class TextSearchCapTests(LoggedInTestCase):
    def test_a_text_search_counts_up_to_300_and_a_plain_list_up_to_1000(self):
        make_meeting(title="Fisheries round 1", held_on=dt.date(2024, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            self.client.get(reverse("relations:meeting-list"), {"q": "fisheries"})
            self.client.get(reverse("relations:meeting-list"), {"start": "2024-01-01"})
        text_count, list_count = [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
        self.assertEqual(text_count.count("LIMIT 301"), 5)
        self.assertIn("LIMIT 1001", list_count)


@mock.patch("relations.views.meetings.PAGE_SIZE", 2)
@mock.patch.object(CappedListPaginator, "cap", 3)
@mock.patch.object(CappedUnionPaginator, "cap", 3)
class MeetingListCappedCountTests(LoggedInTestCase):
    """Past the paginator's cap the list says "more than", pages on with "Next" and has no "Last" page."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for day in range(1, 6):
            make_meeting(title=f"Fisheries round {day}", held_on=dt.date(2024, 1, day))
        make_meeting(title="Trade fair")

    def test_first_page_says_more_than_the_cap(self):
        response = self.client.get(reverse("relations:meeting-list"), {"q": "fisheries"})
        self.assertContains(response, "1–2 of more than 3 meetings")
        self.assertContains(response, '<a href="?q=fisheries&amp;page=2" rel="next">')
        self.assertContains(response, "Page 1<")
        self.assertNotContains(response, "Last")

    def test_last_page_has_no_next_link(self):
        response = self.client.get(reverse("relations:meeting-list"), {"start": "2024-01-01", "page": "3"})
        self.assertContains(response, "5–6 of more than 3 meetings")
        self.assertContains(response, "Fisheries round 1")
        self.assertNotContains(response, 'rel="next"')

    def test_page_past_the_end_shows_the_first_page_and_says_so(self):
        response = self.client.get(reverse("relations:meeting-list"), {"start": "2024-01-01", "page": "9"})
        self.assertContains(response, "There is no page 9; showing the first page.")
        self.assertContains(response, "Fisheries round 5")

    def test_a_text_search_pages_only_as_far_as_its_capped_count(self):
        # Page n of a text search reads n pages of ids from every place a word may be in: past the cap, a search
        # is narrowed, not paged (cap 3, two a page: two pages).
        response = self.client.get(reverse("relations:meeting-list"), {"q": "fisheries", "page": "2"})
        self.assertContains(response, "3–4 of more than 3 meetings")
        self.assertNotContains(response, 'rel="next"')
        response = self.client.get(reverse("relations:meeting-list"), {"q": "fisheries", "page": "3"})
        self.assertContains(response, "There is no page 3; showing the last page, 2.")
        self.assertContains(response, "Fisheries round 2")

    def test_count_reads_at_most_cap_plus_one_rows_in_the_list_order(self):
        # In the list's order the database walks the date index and stops early, as for the page itself.
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("relations:meeting-list"), {"start": "2024-01-02"})
        self.assertContains(response, "1–2 of more than 3 meetings")
        (count,) = [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
        self.assertIn("LIMIT 4", count)
        self.assertIn('ORDER BY "relations_meeting"."held_on" DESC', count)

    def test_text_count_reads_at_most_cap_plus_one_rows_of_each_place_the_word_may_be_in(self):
        with CaptureQueriesContext(connection) as queries:
            self.client.get(reverse("relations:meeting-list"), {"q": "fisheries"})
        (count,) = [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
        self.assertEqual(count.count("LIMIT 4"), 5)  # title, summary, names, titles as written, articles

    def test_text_with_other_filters_and_a_second_word(self):
        make_meeting(title="Fisheries round 6 and ports", held_on=dt.date(2024, 2, 1))
        response = self.client.get(reverse("relations:meeting-list"), {"q": "fisheries ports", "start": "2024-01-02"})
        self.assertContains(response, "1 meeting")
        self.assertEqual([m.title for m in response.context["page"]], ["Fisheries round 6 and ports"])

    def test_text_pages_follow_the_chosen_sort(self):
        response = self.client.get(reverse("relations:meeting-list"), {"q": "fisheries", "sort": "date", "page": "2"})
        self.assertEqual([m.title for m in response.context["page"]], ["Fisheries round 3", "Fisheries round 4"])

    def test_under_the_cap_the_count_is_exact(self):
        response = self.client.get(reverse("relations:meeting-list"), {"q": "round 5"})
        self.assertContains(response, "1 meeting")
        self.assertNotContains(response, "more than")


class MeetingListQueryCountTests(LoggedInTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sector = make_sector(slug="defence")
        cls.official = make_official(full_name="Sjafrie Sjamsoeddin", country=make_country(code="ID"))

    def assert_same_queries_for_10_and_200(
        self, url: str, params: dict, queries: int, consume=None, before=lambda: None
    ) -> None:
        add_meetings(10, sector=self.sector, official=self.official)
        for total in (10, 200):
            before()
            with self.subTest(meetings=total), self.assertNumQueries(queries):
                response = self.client.get(url, params)
                self.assertEqual(response.status_code, 200)
                if consume:
                    consume(response)
            if total == 10:
                add_meetings(190, sector=self.sector, official=self.official, start=10)

    def test_list(self):
        # session, user, count, page, sides, sectors; the form's options (sectors, countries) come from the cache,
        # filled by the first request
        self.client.get(reverse("relations:meeting-list"))
        self.assert_same_queries_for_10_and_200(reverse("relations:meeting-list"), {}, 6)

    def test_filtered_list(self):
        # as above, plus validating the sector and the descendants lookup; on PostgreSQL free text runs under a
        # time limit: a savepoint and its release, and SET LOCAL statement_timeout before and after
        limit = 4 if connection.vendor == "postgresql" else 0
        self.client.get(reverse("relations:meeting-list"))
        self.assert_same_queries_for_10_and_200(
            reverse("relations:meeting-list"), {"sector": "defence", "q": "bulk"}, 8 + limit
        )

    def test_a_cold_cache_reads_the_options_once(self):
        add_meetings(3, sector=self.sector, official=self.official)
        # session, user, count, page, sides, sectors, then the options: sectors, countries
        with self.assertNumQueries(8):
            self.client.get(reverse("relations:meeting-list"))

    def test_export(self):
        # SQLite: session, user, meetings, then sides + participants + sectors in one query (per chunk of 500
        # meetings). PostgreSQL: session, user, one COPY of the meetings with their stored digests.
        queries = 3 if connection.vendor == "postgresql" else 4
        self.assert_same_queries_for_10_and_200(
            reverse("relations:meeting-export"),
            {},
            queries,
            consume=lambda response: b"".join(response.streaming_content),
        )

    def test_sector_page(self):
        # Computed (the page is cached under the data version, which these inserts outside a commit do not bump):
        # session, user, sector, sector tree, children, per year and country, per year, countries, latest + 2
        self.assert_same_queries_for_10_and_200(self.sector.get_absolute_url(), {}, 11, before=cache.clear)
        with self.assertNumQueries(2):  # warm: the session and the user
            self.client.get(self.sector.get_absolute_url())

    def test_official_page(self):
        # session, user, official, positions, count, page, sides, sectors, this official's participation
        self.assert_same_queries_for_10_and_200(self.official.get_absolute_url(), {}, 9)


class MeetingExportTests(LoggedInTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_country(code="ID", name_en="Indonesia")
        cls.defence = make_sector(slug="defence")
        cls.health = make_sector(slug="health")
        cls.seed = make_meeting(
            title="Talks, with a comma",
            partners=("PE", "CL"),
            sectors=(cls.defence, cls.health),
            place="Jakarta",
        )
        minister = make_official(full_name="Sjafrie Sjamsoeddin")
        position = make_position(official=minister, title_en="Minister of Defence")
        make_participant(meeting=cls.seed, official=minister, position=position)
        make_participant(
            meeting=cls.seed,
            official=make_official(full_name="Walter Astudillo Chávez", country=make_country(code="PE")),
            title_as_written="Ministro de Defensa",
        )
        make_meeting(title="Health only", held_on=dt.date(2023, 1, 1), partners=("JP",), sectors=(cls.health,))

    def export(self, params: dict) -> list[list[str]]:
        response = self.client.get(reverse("relations:meeting-export"), params)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        body = b"".join(response.streaming_content)
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    def test_header_and_exact_rows_of_the_filter(self):
        rows = self.export({"sector": "defence"})
        self.assertEqual(
            rows,
            [
                [
                    "id",
                    "date",
                    "precision",
                    "status",
                    "kind",
                    "title",
                    "host_country",
                    "partner_countries",
                    "counterpart_countries",
                    "participants",
                    "sectors",
                    "place",
                    "url",
                ],
                [
                    str(self.seed.pk),
                    "2024-10-04",
                    "day",
                    "held",
                    "bilateral_meeting",
                    "Talks, with a comma",
                    "ID",
                    "CL; PE",
                    "CL; PE",
                    "Sjafrie Sjamsoeddin (Minister of Defence); Walter Astudillo Chávez (Ministro de Defensa)",
                    "defence; health",
                    "Jakarta",
                    f"http://testserver/meetings/{self.seed.pk}/",
                ],
            ],
        )

    def test_counterparts_are_the_sides_other_than_the_home_country_whoever_hosts(self):
        abroad = make_meeting(title="In Brasilia", held_on=dt.date(2022, 3, 1), host="BR", partners=("ID",))
        row = next(row for row in self.export({}) if row[0] == str(abroad.pk))
        self.assertEqual(row[6:9], ["BR", "ID", "BR"])

    def test_no_filter_exports_every_meeting(self):
        self.assertEqual([row[5] for row in self.export({})[1:]], ["Talks, with a comma", "Health only"])

    def test_principals_come_before_those_accompanying_them(self):
        meeting = make_meeting(title="Order", held_on=dt.date(2021, 1, 1))
        make_participant(meeting=meeting, official=make_official(full_name="Aide"), role="accompanying")
        make_participant(meeting=meeting, official=make_official(full_name="Minister"), role="principal")
        make_participant(meeting=meeting, official=make_official(full_name="Someone named"), role="mentioned")
        row = self.export({"end": "2021-12-31"})[1]
        self.assertEqual(row[9], "Minister; Aide; Someone named")

    def test_cells_that_would_start_a_formula_are_defused(self):
        make_meeting(title='=HYPERLINK("http://evil.example")', held_on=dt.date(2022, 1, 1), place="@SUM(1)")
        row = self.export({"end": "2022-12-31"})[1]
        self.assertEqual((row[5], row[11]), ('\'=HYPERLINK("http://evil.example")', "'@SUM(1)"))

    def test_one_piece_of_the_stream_per_chunk_of_meetings_with_the_same_rows(self):
        whole = self.export({})
        with (
            mock.patch("relations.views.export.EXPORT_CHUNK_SIZE", 1),
            mock.patch("relations.views.export.PIECE_BYTES", 1),
        ):
            response = self.client.get(reverse("relations:meeting-export"))
            pieces = [piece.decode("utf-8") for piece in response.streaming_content]
        self.assertEqual(len(pieces), 3)  # the header, then each meeting (a chunk, or a piece of the COPY)
        self.assertEqual(list(csv.reader(io.StringIO("".join(pieces).removeprefix("\ufeff")))), whole)

    def test_no_match_is_the_header_alone(self):
        rows = self.export({"start": "2099-01-01"})
        self.assertEqual(rows, [rows[0]])
        self.assertEqual(rows[0][0], "id")

    def test_attachment_name(self):
        response = self.client.get(reverse("relations:meeting-export"))
        self.assertRegex(response["Content-Disposition"], r'^attachment; filename="meetings-\d{4}-\d\d-\d\d\.csv"$')

    def test_bad_parameter_is_a_400_with_the_reason(self):
        response = self.client.get(reverse("relations:meeting-export"), {"end": "2024-02-30"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.content.decode(),
            "The export was not made: fix these parameters.\nTo (end): Enter a valid date.\n",
        )


class MeetingDetailTests(LoggedInTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_country(code="ID", name_en="Indonesia")
        make_country(code="PE", name_en="Peru")
        cls.terrorism = make_sector(slug="counter-terrorism", name_en="Counter-terrorism")
        cls.meeting = make_meeting(title="Defence talks", partners=("PE",))
        cls.article = make_article(
            title="Ministers meet",
            outlet="Example News",
            url="https://news.example/ministers-meet",
            published_on=dt.date(2024, 10, 5),
            text=(
                "Jakarta. The ministers met on Friday.\n"
                "They agreed to   work together against terrorism & <b>extremism</b>.\n"
                "A reader left <script>alert('x')</script> in the page."
            ),
        )
        cls.article.meetings.add(cls.meeting)
        MeetingSector.objects.create(
            meeting=cls.meeting,
            sector=cls.terrorism,
            article=cls.article,
            evidence="They agreed to work together against terrorism & <b>extremism</b>.",
        )
        minister = make_official(full_name="Sjafrie Sjamsoeddin")
        make_position(
            official=minister, title_en="Governor", started_on=dt.date(2010, 1, 1), ended_on=dt.date(2015, 1, 1)
        )
        make_position(official=minister, title_en="Minister of Defence", started_on=dt.date(2024, 10, 21))
        make_position(
            official=minister, title_en="Adviser", started_on=dt.date(2020, 1, 1), ended_on=dt.date(2024, 10, 20)
        )
        make_participant(meeting=cls.meeting, official=minister)
        make_participant(
            meeting=cls.meeting,
            official=make_official(full_name="Walter Astudillo", country=make_country(code="PE")),
            title_as_written="Ministro de Defensa",
        )
        make_commitment(
            meeting=cls.meeting, description="Visit Lima next year.", due_on=dt.date(2025, 1, 1), due_precision="year"
        )

    def get(self):
        return self.client.get(self.meeting.get_absolute_url())

    def test_participants_with_title_held_on_the_day_or_as_written(self):
        response = self.get()
        self.assertContains(response, "Sjafrie Sjamsoeddin</a>, Adviser")
        self.assertContains(response, "Walter Astudillo</a>, Ministro de Defensa")

    def test_sides(self):
        response = self.get()
        self.assertContains(response, '<span class="badge">host</span>')
        self.assertContains(response, '<a href="/countries/PE/">Peru</a>')

    def test_evidence_is_marked_in_the_article_and_escaped(self):
        response = self.get()
        anchor = f"evidence-{self.article.pk}-1"
        self.assertContains(
            response,
            f'<mark id="{anchor}" title="Counter-terrorism">They agreed to   work together against terrorism &amp; '
            "&lt;b&gt;extremism&lt;/b&gt;.</mark>",
            html=False,
        )
        self.assertContains(response, f'href="#{anchor}"')
        self.assertContains(response, "A reader left &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; in the page.")
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<b>extremism")

    def test_evidence_not_in_the_text_is_said_so(self):
        link = MeetingSector.objects.get()
        link.evidence = "A sentence the article never had."
        link.save()
        self.assertContains(self.get(), "This sentence was not found in the source text.")

    def test_commitment_and_source(self):
        response = self.get()
        self.assertContains(response, "Visit Lima next year.")
        self.assertContains(response, '<span class="badge badge--overdue">overdue</span>')
        self.assertContains(
            response, '<a href="https://news.example/ministers-meet" rel="noopener noreferrer external">'
        )
        self.assertContains(response, "Example News · Oct. 5, 2024")

    def test_sources_are_reports_and_evidence_articles_each_once(self):
        evidence_only = make_article(title="Evidence only", text="Ports were discussed.")
        MeetingSector.objects.create(
            meeting=self.meeting, sector=make_sector(), article=evidence_only, evidence="Ports were discussed."
        )
        make_article(title="Another meeting's report", text="Unrelated.").meetings.add(make_meeting())
        sources = self.get().context["articles"]
        # The first article both reports the meeting and holds an evidence sentence; undated articles come last.
        self.assertEqual([article.title for article in sources], ["Ministers meet", "Evidence only"])

    def test_no_edit_link_for_readers(self):
        self.assertNotContains(self.get(), "Edit in admin")

    def test_edit_link_for_editors(self):
        self.user.user_permissions.add(Permission.objects.get(codename="change_meeting"))
        self.assertContains(
            self.get(), f'<a class="button" href="/admin/relations/meeting/{self.meeting.pk}/change/">Edit in admin</a>'
        )

    def test_unknown_meeting_is_404(self):
        self.assertEqual(self.client.get(reverse("relations:meeting-detail", args=[999999])).status_code, 404)

    def test_queries_do_not_grow_with_participants_sectors_commitments_and_sources(self):
        # session, user, meeting, sides, participants, their positions, sectors, commitments, sources,
        # 2 permissions (the edit link)
        with self.assertNumQueries(11):
            self.get()
        for i in range(20):
            official = make_official()
            make_position(official=official, title_en=f"Title {i}")
            make_participant(meeting=self.meeting, official=official)
            MeetingSector.objects.create(meeting=self.meeting, sector=make_sector(), evidence=f"Sentence {i}.")
            make_commitment(meeting=self.meeting, description=f"Promise {i}")
            make_article(text=f"Article {i}. Sentence {i}.").meetings.add(self.meeting)
        with self.assertNumQueries(11):
            self.get()


class SectorAndOfficialPageTests(LoggedInTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_country(code="ID", name_en="Indonesia")
        make_country(code="PE", name_en="Peru")
        make_country(code="CL", name_en="Chile")
        cls.defence = make_sector(slug="defence", name_en="Defence")
        cls.terrorism = make_sector(slug="counter-terrorism", name_en="Counter-terrorism", parent=cls.defence)
        make_meeting(title="A", held_on=dt.date(2022, 3, 1), partners=("PE",), sectors=(cls.defence,))
        make_meeting(title="B", held_on=dt.date(2024, 3, 1), partners=("PE", "CL"), sectors=(cls.terrorism,))
        make_meeting(title="C", held_on=dt.date(2024, 6, 1), host="PE", partners=("ID",), sectors=(cls.terrorism,))
        cls.minister = make_official(full_name="Sjafrie Sjamsoeddin")
        make_position(official=cls.minister, title_en="Minister of Defence", started_on=dt.date(2024, 10, 21))

    def test_every_table_links_its_rows_as_their_own_pages_do_and_names_kind_and_status(self):
        Meeting.objects.filter(title="C").update(kind="courtesy_call", status="planned")
        pages = [reverse("relations:meeting-list"), self.defence.get_absolute_url()]
        for url in pages:
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                for meeting in Meeting.objects.prefetch_related("countries__country", "sectors__sector"):
                    self.assertIn(f'href="{meeting.get_absolute_url()}">{meeting.title}</a>', html)
                    for side in meeting.countries.exclude(country_id="ID"):
                        self.assertIn(f'href="{side.country.get_absolute_url()}">{side.country.name}</a>', html)
                    for link in meeting.sectors.all():
                        self.assertIn(f'href="{link.sector.get_absolute_url()}">{link.sector.name}</a>', html)
                self.assertIn("Courtesy call", html)
                self.assertIn(">planned</span>", html)

    def test_sector_table_counts_per_year_and_partner_including_children(self):
        response = self.client.get(self.defence.get_absolute_url())
        table = response.context["table"]
        self.assertEqual(table["years"], [2022, 2023, 2024])
        self.assertEqual(
            [(row["country"].code, row["counts"], row["total"]) for row in table["rows"]],
            [("PE", [1, 0, 2], 3), ("CL", [0, 0, 1], 1)],
        )
        self.assertEqual(table["totals"], [1, 0, 2])
        self.assertContains(response, "3 meetings in this sector")
        self.assertContains(response, '<a class="chip" href="/sectors/counter-terrorism/">Counter-terrorism</a>')

    def test_child_sector_page(self):
        response = self.client.get(self.terrorism.get_absolute_url())
        self.assertEqual(response.context["table"]["total"], 2)
        self.assertContains(response, '<a href="/sectors/defence/">Defence</a>')

    def test_unknown_sector_is_404(self):
        self.assertEqual(self.client.get("/sectors/astrology/").status_code, 404)

    def test_official_positions_and_meetings(self):
        meeting = Meeting.objects.get(title="B")
        make_participant(meeting=meeting, official=self.minister, title_as_written="Menhan")
        response = self.client.get(self.minister.get_absolute_url())
        self.assertContains(response, "<strong>Minister of Defence</strong>")
        self.assertContains(response, "since Oct. 21, 2024")
        self.assertContains(response, f'<a class="meeting-title" href="/meetings/{meeting.pk}/">B</a>')
        self.assertContains(response, "As Menhan")
        self.assertNotContains(response, ">A</a>")


class OfficialMeetingTitleTests(LoggedInTestCase):
    def test_title_held_on_the_day_when_the_participation_names_no_position(self):
        minister = make_official(full_name="Sjafrie Sjamsoeddin")
        make_position(
            official=minister, title_en="Adviser", started_on=dt.date(2020, 1, 1), ended_on=dt.date(2024, 10, 20)
        )
        make_position(official=minister, title_en="Minister of Defence", started_on=dt.date(2024, 10, 21))
        make_participant(meeting=make_meeting(title="Later", held_on=dt.date(2025, 2, 1)), official=minister)
        make_participant(meeting=make_meeting(title="Earlier", held_on=dt.date(2023, 2, 1)), official=minister)
        content = self.client.get(minister.get_absolute_url()).content.decode()
        self.assertInHTML('<div class="meta">As Minister of Defence</div>', content)
        self.assertInHTML('<div class="meta">As Adviser</div>', content)
        self.assertLess(content.index("As Minister of Defence"), content.index("As Adviser"))


class HighlightTests(SimpleTestCase):
    def test_one_sentence_backing_two_sectors_is_marked_once_with_both_names(self):
        html, anchors = highlight(
            "Intro. They agreed on defence.\nEnd.", {"They agreed on defence.": ["Defence", "Counter-terrorism"]}, "ev"
        )
        self.assertEqual(
            html, 'Intro. <mark id="ev-1" title="Defence, Counter-terrorism">They agreed on defence.</mark>\nEnd.'
        )
        self.assertEqual(anchors, {"They agreed on defence.": "ev-1"})

    def test_spacing_and_case_may_differ_from_the_article(self):
        html, anchors = highlight("A  Joint\nexercise was planned.", {"a joint exercise": ["Defence"]}, "ev")
        self.assertEqual(html, '<mark id="ev-1" title="Defence">A  Joint\nexercise</mark> was planned.')

    def test_overlapping_passage_points_to_the_first_mark(self):
        html, anchors = highlight("One two three four.", {"One two three": ["A"], "three four": ["B"]}, "ev")
        self.assertEqual(html, '<mark id="ev-1" title="A">One two three</mark> four.')
        self.assertEqual(anchors, {"One two three": "ev-1", "three four": "ev-1"})

    def test_labels_and_text_are_escaped(self):
        html, _ = highlight("<i>x</i> & y", {"& y": ['"><script>']}, "ev")
        self.assertEqual(html, '&lt;i&gt;x&lt;/i&gt; <mark id="ev-1" title="&quot;&gt;&lt;script&gt;">&amp; y</mark>')


class MeetingListTimeLimitTests(LoggedInTestCase):
    """A list the database cannot answer within the limit says so and lists nothing, instead of running on."""

    def test_a_search_past_the_time_limit_asks_for_a_narrower_one(self):
        make_meeting(title="Fisheries round 1")

        @contextmanager
        def cancelled(milliseconds):
            raise StatementTimeout("canceling statement due to statement timeout")
            yield

        with mock.patch("relations.views.meetings.statement_time_limit", cancelled):
            response = self.client.get(reverse("relations:meeting-list"), {"q": "fisheries"})
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "This search would take too long to answer", status_code=503)
        self.assertContains(response, "Narrow the search with the filters", status_code=503)
        self.assertNotContains(response, "until the filters above are corrected", status_code=503)
        self.assertNotContains(response, "Fisheries round 1", status_code=503)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
class StatementTimeLimitTests(TestCase):
    def test_a_statement_past_the_limit_is_cancelled_and_reported(self):
        with self.assertRaises(StatementTimeout), statement_time_limit(50), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")

    def test_the_limit_ends_with_the_block(self):
        with statement_time_limit(50), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.1)")  # no longer limited
            cursor.execute("SHOW statement_timeout")
            self.assertEqual(cursor.fetchone()[0], "0")
