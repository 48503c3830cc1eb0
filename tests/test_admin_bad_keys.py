"""Admin autocompletes given an id that cannot be a key (out of the column's range, or no number at all): the form
comes back with "Select a valid choice" on that field, as for an id of no row, and nothing is saved; no error 500."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import TestCase

from relations.models import Article, Commitment, Meeting

from .factories import make_article, make_commitment, make_meeting
from .test_admin import admin_url, form_data, formset_prefix

# Above and below the 64-bit range of SQLite's INTEGER and PostgreSQL's bigint, just past it, and no number.
BAD_KEYS = ["99999999999999999999", "-99999999999999999999", "9223372036854775808", "12abc"]
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


class BadKeys(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_superuser("editor", password="not-used")
        cls.meeting = make_meeting(title="Courtesy call")
        cls.later = make_meeting(title="Leaders' meeting")
        cls.commitment = make_commitment(meeting=cls.meeting, description="A visit.")
        cls.article = make_article(title="A courtesy call at the ministry")

    def setUp(self):
        self.client.force_login(self.editor)

    def assert_refused(self, response, field: str, form=None) -> None:
        self.assertEqual(response.status_code, 200)
        form = form or response.context["adminform"].form
        self.assertEqual(form.errors.get(field), [INVALID_CHOICE])
        self.assertContains(response, INVALID_CHOICE)

    def test_commitment_added_with_a_bad_meeting_is_refused(self):
        url = admin_url(Commitment, "add")
        data = form_data(self.client.get(url)) | {
            "description": "A new one.",
            "kind": "planned_visit",
            "status": "open",
        }
        for key in BAD_KEYS:
            with self.subTest(key=key):
                response = self.client.post(url, data | {"meeting": key})

                self.assert_refused(response, "meeting")
                self.assertEqual(Commitment.objects.count(), 1)

    def test_commitment_added_with_a_good_meeting_is_saved(self):
        url = admin_url(Commitment, "add")
        data = form_data(self.client.get(url)) | {
            "description": "A new one.",
            "kind": "planned_visit",
            "status": "open",
        }

        response = self.client.post(url, data | {"meeting": self.later.pk})

        self.assertRedirects(response, admin_url(Commitment, "changelist"))
        self.assertEqual(Commitment.objects.get(description="A new one.").meeting, self.later)

    def test_meeting_commitment_fulfilled_by_a_bad_meeting_is_refused(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        prefix, _ = formset_prefix(page, Commitment)
        for key in BAD_KEYS:
            with self.subTest(key=key):
                data = form_data(page) | {f"{prefix}-0-fulfilled_by": key, f"{prefix}-0-status": "fulfilled"}

                response = self.client.post(url, data)

                self.assertEqual(response.status_code, 200)
                formset = next(
                    i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Commitment
                )
                self.assert_refused(response, "fulfilled_by", formset.forms[0])
                self.commitment.refresh_from_db()
                self.assertEqual((self.commitment.status, self.commitment.fulfilled_by), ("open", None))

    def test_meeting_commitment_fulfilled_by_a_good_meeting_is_saved(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        prefix, _ = formset_prefix(page, Commitment)
        data = form_data(page) | {f"{prefix}-0-fulfilled_by": self.later.pk, f"{prefix}-0-status": "fulfilled"}

        response = self.client.post(url, data)

        self.assertRedirects(response, admin_url(Meeting, "changelist"))
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.fulfilled_by, self.later)

    def test_article_duplicate_of_a_bad_article_is_refused(self):
        url = admin_url(Article, "change", self.article.pk)
        page = self.client.get(url)
        for key in BAD_KEYS:
            with self.subTest(key=key):
                response = self.client.post(url, form_data(page) | {"duplicate_of": key, "title": "Renamed"})

                self.assert_refused(response, "duplicate_of")
                self.article.refresh_from_db()
                self.assertEqual(
                    (self.article.title, self.article.duplicate_of), ("A courtesy call at the ministry", None)
                )

    def test_article_reporting_a_bad_meeting_is_refused(self):
        url = admin_url(Article, "change", self.article.pk)
        page = self.client.get(url)
        for key in BAD_KEYS:
            with self.subTest(key=key):
                data = form_data(page) | {"meetings": [str(self.meeting.pk), key], "title": "Renamed"}

                response = self.client.post(url, data)

                self.assertEqual(response.status_code, 200)
                error = f"Select a valid choice. {key} is not one of the available choices."
                self.assertEqual(response.context["adminform"].form.errors.get("meetings"), [error])
                self.assertContains(response, error)
                self.assertFalse(self.article.meetings.exists())

    def test_article_duplicate_of_a_good_article_is_saved(self):
        original = make_article(title="The original", text="Another text.")
        url = admin_url(Article, "change", self.article.pk)
        data = form_data(self.client.get(url)) | {"duplicate_of": original.pk, "meetings": [self.meeting.pk]}

        response = self.client.post(url, data)

        self.assertRedirects(response, admin_url(Article, "changelist"))
        self.article.refresh_from_db()
        self.assertEqual(self.article.duplicate_of, original)
        self.assertEqual(list(self.article.meetings.all()), [self.meeting])
