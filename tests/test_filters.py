import contextlib
import datetime as dt
import importlib
from types import SimpleNamespace
from unittest import mock

from django.apps import apps as django_apps
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.test import TestCase

from relations.filters import (
    MeetingFilter,
    is_common_word,
    meetings_matching_text,
    text_condition_per_meeting,
    text_terms,
)
from relations.models import Article, Meeting, Official, Participant
from relations.time_limits import StatementTimeout

from .factories import make_article, make_country, make_meeting, make_official, make_participant, make_sector


def filtered(query: str) -> MeetingFilter:
    return MeetingFilter(QueryDict(query), queryset=Meeting.objects.all())


def article_branch(query: str) -> str:
    """The SQL of the list's part that finds the first word in article texts."""
    meetings = filtered(query)
    meetings.qs  # noqa: B018 - filtering fills text_parts
    return str(meetings.text_parts[-1].query)


def titles(query: str) -> list[str]:
    filterset = filtered(query)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("title", flat=True))


class MeetingFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for code, name in [("ID", "Indonesia"), ("PE", "Peru"), ("CL", "Chile"), ("JP", "Japan")]:
            make_country(code=code, name_en=name)
        cls.defence = make_sector(slug="defence", name_en="Defence")
        cls.terrorism = make_sector(slug="counter-terrorism", name_en="Counter-terrorism", parent=cls.defence)
        cls.maritime = make_sector(slug="maritime-security", name_en="Maritime security", parent=cls.terrorism)
        cls.health = make_sector(slug="health", name_en="Health")
        cls.peru_talks = make_meeting(
            title="Defence talks with Peru",
            held_on=dt.date(2024, 10, 4),
            partners=("PE",),
            sectors=(cls.defence, cls.terrorism),
            summary="Both ministers agreed to train special forces together.",
        )
        cls.lima_visit = make_meeting(
            title="Health visit in Lima",
            held_on=dt.date(2023, 5, 2),
            host="PE",
            partners=("ID",),
            sectors=(cls.health,),
            kind=Meeting.Kind.COURTESY_CALL,
        )
        cls.chile_plan = make_meeting(
            title="Coast guard planning with Chile",
            held_on=dt.date(2025, 1, 10),
            partners=("CL",),
            sectors=(cls.maritime,),
            status=Meeting.Status.PLANNED,
        )
        cls.japan_call = make_meeting(
            title="Call with Tokyo", held_on=dt.date(2022, 3, 1), partners=("JP",), kind=Meeting.Kind.PHONE_CALL
        )
        cls.rahma = make_official(full_name="Siti Rahmawati", aliases=["Bu Rahma"])
        make_participant(meeting=cls.japan_call, official=cls.rahma, title_as_written="Deputy Minister")
        article = make_article(text="Jakarta. The two sides discussed fisheries quotas and port access.")
        article.meetings.add(cls.japan_call)

    def test_no_parameter_lists_every_meeting_newest_first(self):
        self.assertEqual(
            titles(""),
            ["Coast guard planning with Chile", "Defence talks with Peru", "Health visit in Lima", "Call with Tokyo"],
        )

    def test_sector_by_slug(self):
        self.assertEqual(titles("sector=health"), ["Health visit in Lima"])

    def test_parent_sector_includes_children_and_grandchildren(self):
        self.assertEqual(titles("sector=defence"), ["Coast guard planning with Chile", "Defence talks with Peru"])

    def test_child_sector_does_not_include_parent(self):
        self.assertEqual(titles("sector=maritime-security"), ["Coast guard planning with Chile"])

    def test_several_sectors_never_duplicate_a_meeting(self):
        # The Peru meeting is linked to both sectors, and to the parent of the other.
        filterset = filtered("sector=defence&sector=counter-terrorism&sector=health")
        self.assertTrue(filterset.is_valid())
        self.assertEqual(
            list(filterset.qs.values_list("title", flat=True)),
            ["Coast guard planning with Chile", "Defence talks with Peru", "Health visit in Lima"],
        )
        self.assertEqual(filterset.qs.count(), 3)
        self.assertNotIn("DISTINCT", str(filterset.qs.query))

    def test_country_on_any_side(self):
        # Peru hosted the Lima visit and was the partner of the Jakarta talks.
        self.assertEqual(titles("country=PE"), ["Defence talks with Peru", "Health visit in Lima"])

    def test_home_country_matches_every_meeting_it_took_part_in(self):
        self.assertEqual(len(titles("country=ID")), 4)

    def test_several_countries_and_lower_case_codes(self):
        self.assertEqual(titles("country=cl&country=jp"), ["Coast guard planning with Chile", "Call with Tokyo"])

    def test_start_and_end_dates_are_inclusive(self):
        self.assertEqual(titles("start=2023-05-02&end=2024-10-04"), ["Defence talks with Peru", "Health visit in Lima"])

    def test_kind(self):
        self.assertEqual(titles("kind=phone_call"), ["Call with Tokyo"])
        self.assertEqual(titles("kind=phone_call&kind=courtesy_call"), ["Health visit in Lima", "Call with Tokyo"])

    def test_status(self):
        self.assertEqual(titles("status=planned"), ["Coast guard planning with Chile"])

    def test_official(self):
        self.assertEqual(titles(f"official={self.rahma.pk}"), ["Call with Tokyo"])

    def test_text_in_title_is_case_insensitive(self):
        self.assertEqual(titles("q=LIMA"), ["Health visit in Lima"])

    def test_text_in_summary(self):
        self.assertEqual(titles("q=special+forces"), ["Defence talks with Peru"])

    def test_text_in_participant_name_alias_and_title(self):
        self.assertEqual(titles("q=rahmawati"), ["Call with Tokyo"])
        self.assertEqual(titles("q=Bu+Rahma"), ["Call with Tokyo"])
        self.assertEqual(titles("q=deputy"), ["Call with Tokyo"])

    def test_text_in_article(self):
        self.assertEqual(titles("q=fisheries"), ["Call with Tokyo"])

    def test_every_word_must_match_somewhere(self):
        self.assertEqual(titles("q=tokyo+fisheries"), ["Call with Tokyo"])
        self.assertEqual(titles("q=tokyo+lima"), [])

    def test_quoted_phrase_stays_together(self):
        self.assertEqual(titles('q="port+access"'), ["Call with Tokyo"])
        self.assertEqual(titles('q="access+port"'), [])

    def test_a_meeting_found_by_several_columns_comes_out_once(self):
        make_article(text="Fisheries in Tokyo again.").meetings.add(self.japan_call)
        self.assertEqual(titles("q=tokyo"), ["Call with Tokyo"])
        self.assertEqual(filtered("q=tokyo").qs.count(), 1)

    def test_text_is_a_union_of_id_sets_not_an_or_across_tables(self):
        # Each branch must be a plain LIKE on one column, for its trigram index on PostgreSQL.
        sql = str(filtered("q=fisheries").qs.query)
        self.assertEqual(sql.count("UNION"), 4)
        self.assertNotIn("EXISTS", sql)

    def test_text_matches_what_an_or_of_every_column_matches(self):
        make_meeting(title="Fisheries day", summary="Ports of Tokyo", partners=("JP",))
        rahma_again = make_meeting(title="Second call", partners=("JP",))
        make_participant(meeting=rahma_again, official=self.rahma, title_as_written="Ambassador")
        for term in ["fisheries", "tokyo", "rahma", "ambassador", "deputy", "port", "e", "nothing-like-this"]:
            officials = Official.objects.filter(Q(full_name__icontains=term) | Q(aliases__icontains=term))
            by_participant = Participant.objects.filter(
                Q(official__in=officials) | Q(title_as_written__icontains=term)
            ).values("meeting_id")
            by_article = Article.meetings.through.objects.filter(article__text__icontains=term).values("meeting_id")
            expected = Meeting.objects.filter(
                Q(title__icontains=term) | Q(summary__icontains=term) | Q(pk__in=by_participant) | Q(pk__in=by_article)
            )
            with self.subTest(term=term):
                self.assertEqual(titles(f"q={term}"), list(expected.values_list("title", flat=True)))

    def test_a_word_tested_on_each_meeting_finds_what_its_gathered_matches_find(self):
        make_meeting(title="Fisheries day", summary="Ports of Tokyo", partners=("JP",))
        rahma_again = make_meeting(title="Second call", partners=("JP",))
        make_participant(meeting=rahma_again, official=self.rahma, title_as_written="Ambassador")
        for term in ["fisheries", "tokyo", "rahma", "ambassador", "deputy", "port", "e", "nothing-like-this"]:
            per_meeting = Meeting.objects.filter(text_condition_per_meeting(term)).order_by("pk")
            gathered = Meeting.objects.filter(pk__in=meetings_matching_text(term)).order_by("pk")
            with self.subTest(term=term):
                self.assertEqual(list(per_meeting), list(gathered))

    def test_a_common_word_after_the_first_is_tested_on_each_meeting_on_postgresql(self):
        on_postgresql = connection.vendor == "postgresql"
        with mock.patch("relations.filters.COMMON_TERM_TEXTS", 1):  # every word found in a text is common
            self.assertEqual(titles("q=tokyo+fisheries"), ["Call with Tokyo"])
            self.assertEqual(titles("q=port+jakarta"), ["Call with Tokyo"])
            self.assertEqual(titles("q=tokyo+lima"), [])
            sql = str(filtered("q=tokyo+fisheries").qs.query)
            # Both words common ("jakarta" and "port" are in a text): the first one's article branch too.
            article_part, rare_first = (article_branch("q=port+jakarta"), article_branch("q=tokyo+jakarta"))
        self.assertEqual("OFFSET 0" in sql, on_postgresql)
        # "jakarta" is tested on each meeting in both (three branches); "port" too, "tokyo" (in no text) not.
        self.assertEqual(
            (article_part.count("OFFSET 0"), rare_first.count("OFFSET 0")), (4, 3) if on_postgresql else (0, 0)
        )

    def test_the_pages_parts_are_the_list_whichever_way_words_are_tested(self):
        queries = ["q=tokyo+fisheries", "q=port+jakarta", "q=fisheries+port", "q=e+a", 'q="port+access"+jakarta']
        for threshold in (1, 10_000):  # every word common; none
            for query in queries:
                with (
                    self.subTest(threshold=threshold, query=query),
                    mock.patch("relations.filters.COMMON_TERM_TEXTS", threshold),
                ):
                    meetings = filtered(query)
                    listed = set(meetings.qs.values_list("pk", flat=True))
                    parts = set().union(*(part.values_list("pk", flat=True) for part in meetings.text_parts))
                    self.assertEqual(parts, listed)
                    self.assertTrue(listed)

    def test_a_word_too_short_for_the_index_or_too_slow_to_count_is_common(self):
        with self.assertNumQueries(0):
            self.assertTrue(is_common_word("zq"))

        @contextlib.contextmanager
        def too_slow(milliseconds):
            raise StatementTimeout("canceling statement due to statement timeout")
            yield

        with mock.patch("relations.filters.statement_time_limit", too_slow):
            self.assertTrue(is_common_word("nothing-like-this"))
        self.assertFalse(is_common_word("nothing-like-this"))

    def test_common_words_are_those_of_many_texts(self):
        with mock.patch("relations.filters.COMMON_TERM_TEXTS", 2):
            self.assertFalse(is_common_word("fisheries"))  # one text
            make_article(text="Fisheries again, in another article.")
            self.assertTrue(is_common_word("FISHERIES"))

    def test_parameters_combine(self):
        self.assertEqual(titles("sector=defence&country=PE&start=2024-01-01"), ["Defence talks with Peru"])

    def test_sort_whitelisted_keys(self):
        self.assertEqual(
            titles("sort=title"),
            ["Call with Tokyo", "Coast guard planning with Chile", "Defence talks with Peru", "Health visit in Lima"],
        )
        self.assertEqual(titles("sort=date")[0], "Call with Tokyo")
        self.assertEqual(titles("sort=-kind")[0], "Call with Tokyo")

    def test_unknown_sector_is_a_form_error(self):
        filterset = filtered("sector=astrology")
        self.assertFalse(filterset.is_valid())
        self.assertEqual(
            filterset.errors["sector"], ["Select a valid choice. astrology is not one of the available choices."]
        )

    def test_malformed_date_is_a_form_error(self):
        filterset = filtered("start=2024-13-45")
        self.assertFalse(filterset.is_valid())
        self.assertEqual(filterset.errors["start"], ["Enter a valid date."])

    def test_end_before_start_is_a_form_error(self):
        filterset = filtered("start=2024-05-01&end=2024-04-30")
        self.assertFalse(filterset.is_valid())
        self.assertEqual(filterset.errors["end"], ["The end date is before the start date."])

    def test_unknown_sort_kind_status_and_official_are_form_errors(self):
        filterset = filtered("sort=password&kind=party&status=maybe&official=abc&country=XX")
        self.assertFalse(filterset.is_valid())
        self.assertEqual(sorted(filterset.errors), ["country", "kind", "official", "sort", "status"])
        self.assertEqual(
            filterset.errors["sort"], ["Select a valid choice. password is not one of the available choices."]
        )


class TextTermsTests(TestCase):
    def test_words_and_quoted_phrases(self):
        self.assertEqual(text_terms('defence "special forces"  Peru'), ["defence", "special forces", "Peru"])

    def test_unbalanced_quote_is_a_word(self):
        self.assertEqual(text_terms('"defence'), ['"defence'])

    def test_terms_are_capped(self):
        self.assertEqual(len(text_terms(" ".join(f"w{i}" for i in range(20)))), 8)


class AliasSearchTests(TestCase):
    """Aliases are JSON: a search by name reads the stored text, which must hold the letters, not their escapes."""

    @classmethod
    def setUpTestData(cls):
        turkey = make_country(code="TR", name_en="Türkiye")
        meeting = make_meeting(title="Talks in Ankara", partners=("TR",))
        cls.official = make_official(full_name="Mehmet Yilmaz", country=turkey, aliases=["Mehmet Yılmaz"])
        make_participant(meeting=meeting, official=cls.official)

    def test_an_alias_is_found_by_its_letters_not_its_escape(self):
        self.assertEqual(titles("q=Yılmaz"), ["Talks in Ankara"])
        for query in ("q=u0131", "q=%5C"):
            with self.subTest(query=query):
                self.assertEqual(titles(query), [])

    def test_the_migration_writes_escaped_aliases_as_letters(self):
        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL's jsonb keeps no escapes")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE relations_official SET aliases = %s WHERE id = %s",
                ['["Mehmet Y\\u0131lmaz"]', self.official.pk],
            )
        self.assertEqual(titles("q=u0131"), ["Talks in Ankara"])  # as stored before the migration
        migration = importlib.import_module("relations.migrations.0010_readable_aliases")
        migration.rewrite_escaped_aliases(django_apps, SimpleNamespace(connection=connection))
        self.assertEqual(titles("q=u0131"), [])
        self.assertEqual(Official.objects.get(pk=self.official.pk).aliases, ["Mehmet Yılmaz"])


class CaseTests(TestCase):
    """A search ignores case in every alphabet, SQLite's ASCII-only LIKE included."""

    @classmethod
    def setUpTestData(cls):
        turkey = make_country(code="TR", name_en="Türkiye")
        meeting = make_meeting(title="Görüşme in Ankara", partners=("TR",))
        make_participant(meeting=meeting, official=make_official(full_name="Ömer Çelik", country=turkey))

    def test_lower_and_upper_case_letters_beyond_ascii_find_the_same(self):
        for query in ("q=çelik", "q=ÇELIK", "q=Çelik", "q=görüşme", "q=GÖRÜŞME"):
            with self.subTest(query=query):
                self.assertEqual(titles(query), ["Görüşme in Ankara"])
