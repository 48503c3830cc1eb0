"""The admin lists' rows written by relations/admin_rows.py are Django's, cell for cell."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

from django.contrib.admin.templatetags import admin_list
from django.test import TestCase

from relations import admin_rows
from relations.models import Article, Commitment, Country, Meeting, MeetingCountry, Official, Position, Sector

from .factories import (
    make_article,
    make_commitment,
    make_country,
    make_meeting,
    make_official,
    make_position,
    make_sector,
)
from .test_admin import admin_url, make_staff


def cells(rows) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in rows]


class SameRowsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff(username="editor", group="Editor")
        cls.viewer = make_staff(username="viewer", group="Viewer")
        make_country(code="ID", name_en="Indonesia")
        defence = make_sector(slug="defence", name_en="Defence & <security>")
        make_sector(slug="defence-industry", name_en="Defence industry", parent=defence)
        cls.meeting = make_meeting(title="Talks <on> “trade” & fish", partners=("PE", "CL"), sectors=(defence,))
        phone = make_meeting(title="By phone", held_on=dt.date(2023, 5, 1), host=None, partners=("JP",), place="")
        make_meeting(title="Known to the month", held_on=dt.date(2022, 3, 1), date_precision="month")
        official = make_official(full_name="Sjafrie Sjamsoeddin", aliases=["Sjafrie", "S. Sjamsoeddin"])
        make_official(full_name="No alias")
        make_position(official=official, title_en="Minister of Defence", started_on=dt.date(2024, 10, 21))
        make_commitment(meeting=cls.meeting, description="A visit", status="fulfilled", fulfilled_by=phone)
        make_commitment(meeting=cls.meeting, description="Open one", due_on=None)
        make_article(title="A report & more").meetings.add(cls.meeting)

    def assert_same_rows(self, url: str) -> None:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        cl = response.context["cl"]
        self.assertTrue(cl.result_list, url)
        self.assertEqual(cells(admin_rows.results(cl)), cells(admin_list.results(cl)))
        self.assertEqual(admin_rows.result_list(cl)["result_headers"], admin_list.result_list(cl)["result_headers"])

    def test_every_list_for_editors_and_viewers(self):
        models = [Meeting, MeetingCountry, Official, Position, Sector, Commitment, Article, Country]
        for user in (self.editor, self.viewer):
            self.client.force_login(user)
            for model in models:
                with self.subTest(user=user.username, model=model.__name__):
                    self.assert_same_rows(admin_url(model, "changelist"))

    def test_filtered_and_sorted_meetings_keep_the_filters_in_their_links(self):
        self.client.force_login(self.editor)
        for query in ["?countries__country=PE&kind__exact=bilateral_meeting", "?o=-3.2", "?q=talks&year=2024"]:
            with self.subTest(query=query):
                self.assert_same_rows(admin_url(Meeting, "changelist") + query)
        html = self.client.get(admin_url(Meeting, "changelist") + "?countries__country=PE").content.decode()
        link = f"/admin/relations/meeting/{self.meeting.pk}/change/?_changelist_filters=countries__country%3DPE"
        self.assertIn(f'<a href="{link}">', html)

    def test_a_popup_is_left_to_django(self):
        self.client.force_login(self.editor)
        url = admin_url(Meeting, "changelist") + "?_popup=1&_to_field=id"
        response = self.client.get(url)
        cl = response.context["cl"]
        with mock.patch.object(admin_rows, "columns") as columns:
            self.assertEqual(cells(admin_rows.results(cl)), cells(admin_list.results(cl)))
        columns.assert_not_called()
        self.assertContains(response, "data-popup-opener")

    def test_the_page_is_djangos(self):
        self.client.force_login(self.editor)
        url = admin_url(Meeting, "changelist") + "?countries__country=PE"
        ours = self.client.get(url).content.decode()
        with mock.patch.object(admin_rows, "results", admin_list.results):
            djangos = self.client.get(url).content.decode()
        token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        self.assertEqual(token.sub("", ours), token.sub("", djangos))
