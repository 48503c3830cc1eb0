"""Widgets written in Python (relations/rendering.py) give Django's markup byte for byte, and the pages using them
are the pages Django's templates would give."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget, RelatedFieldWidgetWrapper
from django.contrib.auth.models import User
from django.forms.renderers import get_default_renderer
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from relations import admin as relations_admin
from relations import widgets
from relations.models import Meeting
from relations.rendering import WRITERS, PythonWidgetRenderer, writers_for
from relations.widgets import RememberedCheckboxes, RememberedSelectMultiple

from .factories import make_country, make_meeting, make_sector
from .test_admin import MeetingChangeFormCostTests

WIDGETS = [
    forms.TextInput(attrs={"class": "a<b", "required": True, "disabled": False, "data-n": 7}),
    forms.HiddenInput(),
    forms.CheckboxInput(),
    forms.NumberInput(attrs={"step": Decimal("0.5")}),
    forms.DateInput(attrs={"type": "date"}),
    forms.Textarea(attrs={"rows": 2}),
    forms.Select(choices=[("", "---"), ("a", "A & B"), ("Group", [("x", "X"), ("y", mark_safe("<b>Y</b>"))]), (1, 2)]),
    forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), (3, 1234567)]),
    forms.NullBooleanSelect(),
    forms.CheckboxSelectMultiple(choices=[("a", "A"), ("b", "B<"), ("G", [("c", "C")])]),
    forms.CheckboxSelectMultiple(attrs={"class": "choices"}, choices=[("a", "A")]),
    forms.RadioSelect(choices=[("a", "A"), ("b", "B")]),
    AdminDateWidget(),
    AdminTimeWidget(attrs={"placeholder": "HH:MM"}),
]
VALUES = [None, "", "a", ["a", "c", 3], 5, 1234567, 'x<y&"', "1\n2", dt.date(2024, 2, 29), mark_safe("<i>"), True]
ATTRS = [None, {"id": "id_f"}, {"id": "id_f", "class": "c", "aria-describedby": "f_help"}]


class WidgetMarkupTests(SimpleTestCase):
    def assert_same_markup(self, widget: forms.Widget) -> None:
        fast, templates = PythonWidgetRenderer(), get_default_renderer()
        for value in VALUES:
            for attrs in ATTRS:
                with self.subTest(widget=type(widget).__name__, value=value, attrs=attrs):
                    try:
                        expected = widget.render("f", value, attrs, renderer=templates)
                    except TypeError:  # a value this widget cannot take (a list for a yes/no select)
                        with self.assertRaises(TypeError):
                            widget.render("f", value, attrs, renderer=fast)
                        continue
                    self.assertEqual(widget.render("f", value, attrs, renderer=fast), expected)

    def test_every_widget_as_its_template_writes_it(self):
        for widget in WIDGETS:
            self.assert_same_markup(widget)

    @override_settings(USE_THOUSAND_SEPARATOR=True)
    def test_numbers_localized_as_in_a_template(self):
        for widget in WIDGETS:
            self.assert_same_markup(widget)

    def test_labels_and_error_lists(self):
        class Form(forms.Form):
            name = forms.CharField(label="Name & title", max_length=3)
            hidden = forms.CharField(widget=forms.HiddenInput, required=False)

        def pieces(data, renderer) -> list[str]:
            form = Form(data, renderer=renderer)
            return [
                str(form["name"].label_tag()),
                str(form["name"].legend_tag()),
                str(form["hidden"].label_tag()),
                str(form["name"].errors),
                str(form.non_field_errors()),
            ]

        for data in [None, {"name": "too long"}]:
            with self.subTest(data=data):
                fast = pieces(data, PythonWidgetRenderer())
                self.assertEqual(fast, pieces(data, get_default_renderer()))
        self.assertIn("at most 3 characters", pieces({"name": "too long"}, PythonWidgetRenderer())[3])

    def test_admin_date_and_time_widgets_are_written_here_not_by_the_template(self):
        fast = PythonWidgetRenderer()
        for widget in (AdminDateWidget(), AdminTimeWidget()):
            with self.subTest(widget=type(widget).__name__):
                with mock.patch.object(fast.fallback, "render", side_effect=AssertionError("template used")):
                    written = widget.render("d", dt.date(2024, 10, 4), renderer=fast)
                self.assertEqual(written, widget.render("d", dt.date(2024, 10, 4), renderer=get_default_renderer()))

    def test_a_writer_whose_included_template_is_overridden_is_left_to_the_template(self):
        fallback = get_default_renderer()
        django_input = fallback.get_template("django/forms/widgets/input.html").origin.name

        is_relative_to = Path.is_relative_to

        def origin_of(path, folder):
            # As if an app overrode input.html: it is no longer found among Django's templates.
            return str(path) != django_input and is_relative_to(path, folder)

        writers_for.cache_clear()
        try:
            with mock.patch("relations.rendering.Path.is_relative_to", origin_of):
                usable = writers_for(fallback)
        finally:
            writers_for.cache_clear()
        self.assertNotIn("django/forms/widgets/input.html", usable)
        self.assertNotIn("admin/widgets/date.html", usable)
        self.assertNotIn("admin/widgets/time.html", usable)
        self.assertIn("django/forms/widgets/select.html", usable)

    def test_a_template_overridden_by_an_app_is_left_to_the_template(self):
        fallback = get_default_renderer()
        self.assertEqual(set(writers_for(fallback)), set(WRITERS))
        writers_for.cache_clear()
        try:
            with mock.patch("relations.rendering.Path.is_relative_to", return_value=False):
                self.assertEqual(writers_for(fallback), {})
        finally:
            writers_for.cache_clear()


def without_csrf(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


def templates_only():
    """Every widget and every related-field wrapper rendered through Django's templates, as before."""
    return [
        mock.patch("relations.rendering.writers_for", return_value={}),
        mock.patch.object(relations_admin.RelatedWidgetWrapper, "render", RelatedFieldWidgetWrapper.render),
    ]


class SamePagesTests(TestCase):
    """The pages that use the Python widgets are the pages of Django's templates."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_superuser("editor", password="not-used")
        cls.meeting = MeetingChangeFormCostTests.make_documented_meeting(rows=2, title="Same")
        make_country(code="ID", name_en="Indonesia")
        cls.defence = make_sector(slug="defence", name_en="Defence")
        make_sector(slug="defence-industry", name_en="Defence industry", parent=cls.defence)
        make_meeting(title="Talks", partners=("PE",), sectors=(cls.defence,))

    def setUp(self):
        self.client.force_login(self.editor)

    def assert_same_page(self, url: str, status: int = 200) -> None:
        fast = self.client.get(url)
        self.assertEqual(fast.status_code, status)
        patches = templates_only()
        for patch in patches:
            patch.start()
        try:
            slow = self.client.get(url)
        finally:
            for patch in patches:
                patch.stop()
        self.assertEqual(without_csrf(fast.content), without_csrf(slow.content))

    def test_meeting_change_and_add_forms(self):
        self.assert_same_page(reverse("admin:relations_meeting_change", args=[self.meeting.pk]))
        self.assert_same_page(reverse("admin:relations_meeting_add"))

    def test_meeting_change_form_in_indonesian(self):
        self.client.cookies["django_language"] = "id"
        self.assert_same_page(reverse("admin:relations_meeting_change", args=[self.meeting.pk]))

    def test_other_change_forms_and_lists(self):
        for name in ["official_add", "sector_add", "article_add", "meeting_changelist", "country_change"]:
            args = ["PE"] if name == "country_change" else []
            with self.subTest(page=name):
                self.assert_same_page(reverse(f"admin:relations_{name}", args=args))

    def test_meetings_list_with_its_filters(self):
        url = reverse("relations:meeting-list")
        self.assert_same_page(url)
        self.assert_same_page(f"{url}?sector=defence&country=PE&kind=bilateral_meeting&start=2020-01-01")
        self.assert_same_page(f"{url}?start=not-a-date", status=400)

    def test_a_form_in_error_shows_its_errors(self):
        url = reverse("admin:relations_meeting_change", args=[self.meeting.pk])
        response = self.client.post(url, {"title": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required.")
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).title, self.meeting.title)


class RememberedChoicesTests(SimpleTestCase):
    """A filter's remembered select or checkboxes are Django's markup for whatever they are given."""

    def test_every_choice_list_value_and_attribute_gets_djangos_markup(self):
        widgets = [
            (forms.CheckboxSelectMultiple, RememberedCheckboxes),
            (forms.SelectMultiple, RememberedSelectMultiple),
        ]
        for django_widget, remembered in widgets:
            for choices in ([("a", "A"), ("b", "B & <b>")], [("a", "A"), ("c", "C")]):
                for value in ([], ["a"], ["b", "c"]):
                    for attrs in ({"id": "id_f"}, {"id": "id_g", "size": 8}):
                        with self.subTest(widget=remembered.__name__, choices=choices, value=value, attrs=attrs):
                            expected = django_widget(choices=choices).render("f", value, attrs)
                            for _twice in range(2):
                                self.assertEqual(remembered(choices=choices).render("f", value, attrs), expected)

    def test_values_that_are_not_choices_are_rendered_but_not_kept(self):
        kept = dict(widgets._choice_markup)
        widget = RememberedSelectMultiple(choices=[("PE", "Peru"), ("JP", "Japan")])
        for value in (["ZZ1"], ["PE", "ZZ2"]):
            expected = forms.SelectMultiple(choices=widget.choices).render("country", value)
            self.assertEqual(widget.render("country", value), expected)
        self.assertEqual(widgets._choice_markup, kept)
        widget.render("country", ["PE"])
        self.assertEqual(len(widgets._choice_markup), len(kept) + 1)

    def test_labels_follow_the_language(self):
        widget = RememberedCheckboxes(choices=Meeting.Kind.choices)
        shown = {}
        for language in ("en", "id", "en"):
            with translation.override(language):
                shown.setdefault(language, widget.render("kind", ["courtesy_call"]))
                django_widget = forms.CheckboxSelectMultiple(choices=Meeting.Kind.choices)
                self.assertEqual(shown[language], django_widget.render("kind", ["courtesy_call"]))
        self.assertNotEqual(shown["en"], shown["id"])
