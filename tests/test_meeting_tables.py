"""The meetings tables' rows written in Python (relations/meeting_tables.py) are the template's, byte for byte."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from relations.meeting_tables import row, rows
from relations.models import Meeting
from relations.views.meetings import meetings_for_list, table_rows

from .factories import make_country, make_meeting, make_sector


class MeetingRowsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_country(code="ID", name_en="Indonesia")
        make_country(code="CI", name_en="Côte d'Ivoire & <friends>")
        defence = make_sector(slug="defence", name_en="Defence & <security>")
        fish = make_sector(slug="fisheries", name_en="Fisheries")
        make_meeting(title="Talks <on> “trade” & fish", partners=("PE", "CI"), sectors=(defence, fish))
        make_meeting(title="By phone", held_on=dt.date(2023, 5, 1), host=None, partners=("JP",), place="")
        make_meeting(title="A year", held_on=dt.date(2022, 1, 1), date_precision="year", place="Lima & Cusco")
        make_meeting(title="A month", held_on=dt.date(2021, 3, 1), date_precision="month", status="planned")
        make_meeting(title="Called off", status="cancelled", kind="phone_call", partners=())

    def meetings(self):
        return table_rows(meetings_for_list(Meeting.objects.order_by("-held_on", "-id")))

    def assert_same_rows(self, meetings, home_country) -> None:
        context = {"meetings": meetings, "home_country": home_country}
        self.assertEqual(rows(meetings, home_country), render_to_string("relations/_meeting_rows.html", context))

    def test_every_kind_of_row_in_both_languages_with_and_without_a_home_country(self):
        for language in ("en", "id"):
            for home_country in ("ID", None, ""):
                with self.subTest(language=language, home_country=home_country), translation.override(language):
                    self.assert_same_rows(self.meetings(), home_country)

    def test_what_the_official_was_then(self):
        meetings = self.meetings()
        meetings[0].title_then = "Minister of <Defence>"
        for language in ("en", "id"):
            with translation.override(language):
                self.assert_same_rows(meetings, "ID")

    def test_the_list_page_shows_the_rows(self):
        self.client.force_login(User.objects.create_user("analyst"))
        response = self.client.get(reverse("relations:meeting-list"), HTTP_ACCEPT_LANGUAGE="en")
        page = response.content.decode()
        listed = [meeting for meeting in self.meetings() if f">{meeting.title}</a>" in page]
        self.assertGreaterEqual(len(listed), 3)  # the list leaves some statuses out by default
        with translation.override("en"):
            for meeting in listed:
                self.assertIn(row(meeting, "ID"), page)
        self.assertContains(response, "Lima &amp; Cusco")
