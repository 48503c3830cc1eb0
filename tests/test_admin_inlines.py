"""Tabular inlines, fieldsets and list filters written in Python (relations/admin_inlines.py) are Django's
tabular.html, fieldset.html and filter.html, whitespace aside."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from unittest import mock

import django.contrib.admin
from django.contrib.auth.models import User
from django.template import Context, Engine
from django.test import TestCase
from django.urls import reverse

from relations import admin as relations_admin
from relations.models import Meeting
from relations.templatetags import relations_admin as tags

from .factories import make_country, make_country_alias, make_official, make_position
from .test_admin import MeetingChangeFormCostTests, form_data, make_staff

DJANGOS_FIELDSET = Path(django.contrib.admin.__file__).parent / "templates/admin/includes/fieldset.html"


def djangos_fieldset(fieldset, heading_level=2, prefix="", id_prefix="", id_suffix="") -> str:
    """Django's own admin/includes/fieldset.html (the project's replaces it in the template search)."""
    template = Engine.get_default().from_string(DJANGOS_FIELDSET.read_text())
    values = {"heading_level": heading_level, "prefix": prefix, "id_prefix": id_prefix, "id_suffix": id_suffix}
    return template.render(Context({"fieldset": fieldset, **values}))


def same_markup(html: str) -> str:
    """The page with the whitespace around tags removed and runs of spaces made one: what a browser lays out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s*", ">", re.sub(r"\s*<", "<", html)).replace("><", ">\n<")


class SameInlinesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_superuser("editor", password="not-used")
        cls.viewer = make_staff(username="viewer", group="Viewer")
        cls.meeting = MeetingChangeFormCostTests.make_documented_meeting(rows=2, title="Inline <b>&</b>")
        official = make_official(full_name="Retno Marsudi", country=make_country(code="ID"))
        make_position(official=official, title_en="Minister for Foreign Affairs")
        cls.official = official
        make_country_alias(country=make_country(code="PE"), alias="Peruvian")

    def pages(self, method: str, url: str, data=None) -> tuple[str, str]:
        """The page with the Python tables, then with Django's template."""
        send = getattr(self.client, method)
        ours = send(url, data) if data is not None else send(url)
        with (
            mock.patch.object(relations_admin.TabularInline, "template", "admin/edit_inline/tabular.html"),
            mock.patch.object(relations_admin.StackedInline, "template", "admin/edit_inline/stacked.html"),
            mock.patch.object(tags, "fieldset", djangos_fieldset),
        ):
            djangos = send(url, data) if data is not None else send(url)
        self.assertEqual(ours.status_code, djangos.status_code)
        return ours.content.decode(), djangos.content.decode()

    def assert_same(self, method: str, url: str, data=None) -> str:
        ours, djangos = self.pages(method, url, data)
        self.assertIn('data-inline-type="tabular"', ours)
        if 'id="meeting_form"' in ours:  # the meeting form's commitments are its stacked inline
            self.assertIn('data-inline-type="stacked"', ours)
        self.assertIn('<fieldset class="module aligned', ours)
        self.assertEqual(same_markup(ours), same_markup(djangos))
        return ours

    def test_change_and_add_forms_for_editors(self):
        self.client.force_login(self.editor)
        for url in [
            reverse("admin:relations_meeting_change", args=[self.meeting.pk]),
            reverse("admin:relations_meeting_add"),
            reverse("admin:relations_official_change", args=[self.official.pk]),
            reverse("admin:relations_country_change", args=["PE"]),
        ]:
            with self.subTest(url=url):
                self.assert_same("get", url)

    def test_read_only_for_viewers(self):
        self.client.force_login(self.viewer)
        html = self.assert_same("get", reverse("admin:relations_meeting_change", args=[self.meeting.pk]))
        self.assertIn("sector 1</a></p>", html)  # a read-only cell

    def test_a_refused_change_shows_its_row_errors(self):
        self.client.force_login(self.editor)
        url = reverse("admin:relations_meeting_change", args=[self.meeting.pk])
        data = form_data(self.client.get(url))
        prefix = next(key for key in data if key.endswith("-TOTAL_FORMS") and key.startswith("countries"))[:-12]
        data[f"{prefix}-0-role"] = data[f"{prefix}-1-role"] = "host"  # two hosts: an error above the table
        data[f"{prefix}-0-country"] = ""  # a row error
        html = self.assert_same("post", url, data)
        self.assertIn("errorlist", html)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).title, self.meeting.title)


class SameListFiltersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_superuser("editor", password="not-used")
        MeetingChangeFormCostTests.make_documented_meeting(rows=3, title="Filtered <&>")

    def test_the_country_and_sector_filters(self):
        self.client.force_login(self.editor)
        changelist = reverse("admin:relations_meeting_changelist")
        queries = ["", "?countries__country=PE&kind__exact=bilateral_meeting", "?sectors__sector=1&q=a+b"]
        queries += ["?status__exact=held&year=2024", "?year=1999&kind__exact=<x>"]
        filters = [relations_admin.MeetingPartListFilter, relations_admin.ChoicesFilter, relations_admin.YearListFilter]
        for query in queries:
            with self.subTest(query=query):
                ours = self.client.get(changelist + query).content.decode()
                with contextlib.ExitStack() as django_templates:
                    for list_filter in filters:
                        django_templates.enter_context(mock.patch.object(list_filter, "template", "admin/filter.html"))
                    djangos = self.client.get(changelist + query).content.decode()
                self.assertEqual(same_markup(ours), same_markup(djangos))
                self.assertIn("?countries__country=CL", ours)
