"""What the admin reuses between requests (relations/admin_reuse.py) is what Django would have built for each."""

from __future__ import annotations

import gc
import re
from unittest.mock import patch

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.models import Permission, User
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import TestCase, override_settings
from django.utils import translation

from relations import admin_inlines, admin_rows
from relations.admin import cached_reverse
from relations.admin_reuse import InlineFormSet, KeptFields, permission_key
from relations.models import Country, Meeting, MeetingCountry, Sector

from .factories import make_article, make_commitment, make_country, make_meeting, make_participant, make_sector
from .test_admin import admin_url, make_staff

SIDEBAR = re.compile(r'<button class="sticky toggle-nav-sidebar".*?</nav>', re.S)


class AdminReuseData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff(username="editor", group="Editor")
        cls.viewer = make_staff(username="viewer", group="Viewer")
        make_country(code="ID", name_en="Indonesia")
        defence = make_sector(slug="defence", name_en="Defence")
        cls.meeting = make_meeting(title="Talks", partners=("PE", "CL"), sectors=(defence,))

    def setUp(self):
        # A request in Indonesian leaves the language active in this thread: the next tests expect what they found.
        self.addCleanup(translation.activate, translation.get_language())


class SidebarTests(AdminReuseData):
    def django_sidebar(self, response) -> str:
        request = response.wsgi_request
        # Django's own app list, not the one this site keeps.
        context = {"available_apps": admin.AdminSite.get_app_list(admin.site, request), "request": request}
        return render_to_string("admin/nav_sidebar.html", context, request=request)

    def assert_django_sidebar(self, url: str, language: str = "en") -> str:
        response = self.client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        self.assertEqual(response.status_code, 200, url)
        shown = SIDEBAR.search(response.content.decode()).group(0)
        with translation.override(language):
            self.assertHTMLEqual(shown, self.django_sidebar(response))
        return shown

    def test_each_user_page_and_language_gets_djangos_sidebar(self):
        urls = [
            admin_url(Meeting, "changelist"),
            admin_url(Meeting, "change", self.meeting.pk),
            admin_url(Country, "changelist"),
            admin_url(Sector, "changelist"),
        ]
        seen = {}
        for user in (self.editor, self.viewer):
            self.client.force_login(user)
            for language in ("en", "id"):
                for url in urls:
                    with self.subTest(user=user.username, language=language, url=url):
                        seen[user.username, language, url] = self.assert_django_sidebar(url, language)
        meetings, countries = urls[0], urls[2]
        self.assertIn("addlink", seen["editor", "en", meetings])
        self.assertNotIn("addlink", seen["viewer", "en", meetings])
        self.assertNotEqual(seen["editor", "en", meetings], seen["editor", "en", countries])  # the current model
        self.assertNotEqual(seen["editor", "en", meetings], seen["editor", "id", meetings])

    def test_a_permission_taken_away_shows_at_once(self):
        self.client.force_login(self.editor)
        url = admin_url(Meeting, "changelist")
        self.assertIn(admin_url(Sector, "add"), self.assert_django_sidebar(url))
        self.editor.user_permissions.add(Permission.objects.get(codename="view_sector"))
        self.editor.groups.clear()
        self.editor.user_permissions.add(Permission.objects.get(codename="view_meeting"))
        shown = self.assert_django_sidebar(url)
        self.assertNotIn(admin_url(Sector, "add"), shown)
        self.assertIn(admin_url(Sector, "changelist"), shown)

    def test_a_model_one_may_only_add_to_is_listed_without_its_list(self):
        clerk = User.objects.create_user("clerk", is_staff=True)
        clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_meeting", "add_sector"]))
        self.client.force_login(clerk)
        shown = self.assert_django_sidebar(admin_url(Meeting, "changelist"))
        self.assertIn(admin_url(Sector, "add"), shown)
        self.assertNotIn(f'href="{admin_url(Sector, "changelist")}"', shown)


class ResultsTableTests(AdminReuseData):
    def test_the_table_is_djangos_template_sorted_by_one_or_two_columns(self):
        self.client.force_login(self.editor)
        for query in ("", "?o=2", "?o=2.-1", "?o=-4.2.1&status__exact=held"):
            for language in ("en", "id"):
                with self.subTest(query=query, language=language), translation.override(language):
                    response = self.client.get(admin_url(Meeting, "changelist") + query, HTTP_ACCEPT_LANGUAGE=language)
                    context = admin_rows.result_list(response.context["cl"])
                    self.assertHTMLEqual(
                        admin_rows.results_table(context),
                        render_to_string("admin/change_list_results.html", context),
                    )
                    self.assertInHTML(admin_rows.results_table(context), response.content.decode())

    def test_rows_from_djangos_own_results_are_written_the_same(self):
        self.maxDiff = None
        self.client.force_login(self.editor)
        response = self.client.get(admin_url(MeetingCountry, "changelist") + "?o=1.2")
        context = admin_list.result_list(response.context["cl"])
        self.assertHTMLEqual(
            admin_rows.results_table(context), render_to_string("admin/change_list_results.html", context)
        )


class FormClassTests(AdminReuseData):
    def change_page(self, user, language="en"):
        self.client.force_login(user)
        response = self.client.get(admin_url(Meeting, "change", self.meeting.pk), HTTP_ACCEPT_LANGUAGE=language)
        self.assertEqual(response.status_code, 200)
        return response

    def test_users_with_the_same_permissions_share_form_classes_others_do_not(self):
        other_editor = make_staff(username="editor2", group="Editor")
        first, second = self.change_page(self.editor), self.change_page(other_editor)
        viewer = self.change_page(self.viewer)
        form_class = type(first.context["adminform"].form)
        self.assertIs(type(second.context["adminform"].form), form_class)
        self.assertIsNot(type(viewer.context["adminform"].form), form_class)
        formsets = [type(inline.formset) for inline in first.context["inline_admin_formsets"]]
        self.assertEqual([type(inline.formset) for inline in second.context["inline_admin_formsets"]], formsets)
        viewer_formsets = [type(inline.formset) for inline in viewer.context["inline_admin_formsets"]]
        self.assertFalse(set(viewer_formsets) & set(formsets))
        # What differs: editors may delete rows, viewers see no form fields at all.
        self.assertContains(first, 'name="countries-0-DELETE"')
        self.assertNotContains(viewer, 'name="countries-0-DELETE"')
        self.assertNotEqual(permission_key(self.editor), permission_key(self.viewer))

    def test_kept_classes_keep_no_request(self):
        response = self.change_page(self.editor)
        classes = [type(response.context["adminform"].form)]
        classes += [inline.formset.form for inline in response.context["inline_admin_formsets"]]
        for form_class in classes:
            with self.subTest(form_class=form_class.__name__):
                self.assertIsNone(form_class._meta.formfield_callback)
                held = gc.get_referents(*vars(form_class).values(), *vars(form_class._meta).values())
                self.assertFalse([item for item in held if isinstance(item, HttpRequest)])

    def test_forms_of_a_kept_class_share_choice_lists_and_nothing_else(self):
        first = self.change_page(self.editor).context["adminform"].form
        second = self.change_page(self.editor).context["adminform"].form
        self.assertIs(type(first), type(second))
        self.assertIsInstance(type(first).base_fields, KeptFields)
        status, other = first.fields["status"], second.fields["status"]
        self.assertIsNot(status, other)
        self.assertIs(status._choices, other._choices)  # shared, never changed in place
        for name in ("widget", "error_messages", "validators"):
            with self.subTest(part=name):
                self.assertIsNot(getattr(status, name), getattr(other, name))
        self.assertIsNot(status.widget.attrs, other.widget.attrs)
        # A form that narrows a field's choices assigns new ones: the other forms keep theirs.
        status.choices = [("held", "Held")]
        self.assertEqual(len(type(first).base_fields["status"].choices), len(Meeting.Status.choices))
        self.assertEqual(other.choices, type(first).base_fields["status"].choices)
        # A related field's queryset is cloned, as Django does: evaluating one form's caches nothing for the next.
        venue, other_venue = first.fields["venue_country"], second.fields["venue_country"]
        self.assertIsNot(venue.queryset, other_venue.queryset)
        self.assertIs(venue.widget.widget.choices.field, venue)

    def test_a_language_gets_its_own_classes(self):
        english = self.change_page(self.editor)
        indonesian = self.change_page(self.editor, "id")
        self.assertIsNot(type(english.context["adminform"].form), type(indonesian.context["adminform"].form))
        self.assertContains(indonesian, 'lang="id"')  # the autocompletes' language, set when the class is built

    def test_a_submitted_form_is_built_for_its_request(self):
        shown = self.change_page(self.editor)
        form = shown.context["adminform"].form
        data = {name: form[name].value() or "" for name in ("held_on", "date_precision", "status", "kind", "title")}
        response = self.client.post(admin_url(Meeting, "change", self.meeting.pk), data)
        self.assertEqual(response.status_code, 200)  # the inline management forms are missing: shown again
        self.assertIsNot(type(response.context["adminform"].form), type(form))

    def test_the_blank_row_is_built_once_per_formset(self):
        response = self.change_page(self.editor)
        for inline in response.context["inline_admin_formsets"]:
            self.assertIsInstance(inline.formset, InlineFormSet)
            self.assertIs(inline.formset.empty_form, inline.formset.empty_form)
            django_media = helpers.InlineAdminFormSet.media.fget(inline)
            self.assertEqual((inline.media._js, inline.media._css), (django_media._js, django_media._css))


class BlankRowTests(AdminReuseData):
    def page(self, meeting, language="en") -> str:
        response = self.client.get(admin_url(Meeting, "change", meeting.pk), HTTP_ACCEPT_LANGUAGE=language)
        self.assertEqual(response.status_code, 200)
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    def test_each_meeting_gets_its_own_key_in_the_reused_blank_rows_and_headers(self):
        self.client.force_login(self.editor)
        other = make_meeting(title="Other talks", partners=("JP",))
        # The stacked inline's blank form carries the number of forms before it in its headings' ids.
        for description in ("A visit.", "A joint exercise."):
            make_commitment(meeting=other, description=description)
        for language in ("en", "id"):
            for meeting in (self.meeting, other, self.meeting):
                with self.subTest(language=language, meeting=meeting.pk):
                    reused = self.page(meeting, language)
                    admin_inlines._blank_rows.clear()
                    admin_inlines._headers.clear()
                    self.assertEqual(reused, self.page(meeting, language))
                    self.assertIn(f'name="countries-__prefix__-meeting" value="{meeting.pk}"', reused)
        self.assertTrue(admin_inlines._blank_rows and admin_inlines._headers)  # reused, not written each time

    def test_a_warm_change_page_builds_no_blank_form(self):
        """The blank forms' markup is remembered: the forms themselves are not built again (a millisecond each)."""
        self.client.force_login(self.editor)
        meeting = make_meeting(title="Full talks", partners=("JP",), sectors=(Sector.objects.get(slug="defence"),))
        make_commitment(meeting=meeting)
        make_participant(meeting=meeting)
        meeting.articles.add(make_article())
        built = []
        django_blank_form = BaseFormSet.empty_form

        def counted(formset):
            built.append(formset.prefix)
            return django_blank_form.fget(formset)

        admin_inlines._blank_rows.clear()
        with patch.object(BaseFormSet, "empty_form", property(counted)):
            first = self.page(meeting)
            self.assertEqual(len(built), 5)  # one per inline, the first time
            built.clear()
            self.assertEqual(self.page(meeting), first)
            self.assertEqual(built, [])

    def test_a_form_sent_back_with_errors_adds_nothing_to_keep(self):
        self.client.force_login(self.editor)
        self.page(self.meeting)
        kept = (dict(admin_inlines._blank_rows), dict(admin_inlines._headers))
        response = self.client.post(admin_url(Meeting, "change", self.meeting.pk), {"title": ""})
        self.assertEqual(response.status_code, 200)  # shown again, with its errors
        self.assertEqual((admin_inlines._blank_rows, admin_inlines._headers), kept)


class UrlconfTests(AdminReuseData):
    def test_pages_under_another_urlconf_link_to_its_urls(self):
        """The memos of reversed URLs (links of related fields, blank rows, the sidebar) are kept per URLconf: a
        site that mounts the admin elsewhere, or a test that changes ROOT_URLCONF, gets its own links."""
        self.client.force_login(self.editor)
        self.client.get(admin_url(Meeting, "change", self.meeting.pk))  # the memos filled under /admin/
        with override_settings(ROOT_URLCONF="tests.urls_admin_elsewhere"):
            response = self.client.get(f"/office/relations/meeting/{self.meeting.pk}/change/")
            self.assertEqual(response.status_code, 200)
            page = response.content.decode()
            self.assertIn('href="/office/relations/meeting/"', page)  # the sidebar
            self.assertIn("/office/relations/official/add/?", page)  # a participant row's "add another official"
            self.assertIn('data-ajax--url="/office/autocomplete/"', page)  # the venue's autocomplete
            self.assertNotIn('"/admin/', page)
        self.assertIn(
            '"/admin/relations/', self.client.get(admin_url(Meeting, "change", self.meeting.pk)).content.decode()
        )

    def test_cached_reverse_outside_a_request_follows_root_urlconf(self):
        # Outside a request no URLconf is set for the thread: the setting is the one in use.
        self.assertEqual(cached_reverse("admin:relations_meeting_changelist"), "/admin/relations/meeting/")
        with override_settings(ROOT_URLCONF="tests.urls_admin_elsewhere"):
            self.assertEqual(cached_reverse("admin:relations_meeting_changelist"), "/office/relations/meeting/")
        self.assertEqual(cached_reverse("admin:relations_meeting_changelist"), "/admin/relations/meeting/")
