"""The review screen shows every error next to its field, and lists countries and sectors in the page's language."""

from __future__ import annotations

import re

from django.test import TestCase
from django.urls import reverse

from relations.models import Article, Meeting
from tests.factories import make_article, make_country, make_official, make_sector
from tests.ingest_samples import ENGLISH, chile_meeting, proposal, review_form_data
from tests.test_ingest_views import make_editor

NOTICE = "Some fields need correcting: each problem is shown in red next to its field."


def cell(html: str, name: str) -> str:
    """The table cell holding the input named `name` (the row tables put each field in its own <td>)."""
    found = re.search(rf'<td[^>]*>(?:(?!</td>).)*name="{re.escape(name)}"(?:(?!</td>).)*</td>', html, re.DOTALL)
    assert found, f"no cell for {name}"
    return found.group(0)


def choice_labels(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.DOTALL)
    assert select, f"no select {name}"
    return [label.strip() for label in re.findall(r"<option [^>]*>([^<]*)</option>", select.group(1))]


def checkbox_labels(html: str, name: str) -> list[str]:
    return [
        label.strip()
        for label in re.findall(rf'<input type="checkbox" name="{re.escape(name)}"[^>]*>\s*([^<]*)</label>', html)
    ]


class ReviewErrorsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        indonesia = make_country(code="ID", name_en="Indonesia")
        make_country(code="CL", name_en="Chile", name_id="Cile")
        make_sector(slug="defence_industry", name_en="Defence industry", name_id="Industri pertahanan")
        make_official(full_name="M. Herindra", country=indonesia)

    def setUp(self):
        self.client.force_login(self.editor)
        self.article = make_article(
            text=ENGLISH, language="en", status=Article.Status.PROPOSED, proposal=proposal(chile_meeting())
        )
        self.url = reverse("relations:article-review", args=[self.article.pk])

    def form_data(self, **changes) -> dict:
        return review_form_data(with_commitment=True, **changes)

    def assert_shown_beside(self, response, field: str, error: str) -> None:
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn(error, cell(html, field), f"the error for {field} is not beside it")
        self.assertIn('class="field--invalid"', cell(html, field))
        self.assertContains(response, NOTICE, count=1, status_code=400)
        self.assertEqual(Meeting.objects.count(), 0)

    def test_the_valid_form_still_records(self):
        response = self.client.post(self.url, self.form_data())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Meeting.objects.count(), 1)

    def test_a_good_page_has_no_notice(self):
        self.assertNotContains(self.client.get(self.url), NOTICE)

    def test_official_title_too_long(self):
        response = self.client.post(self.url, self.form_data(**{"m0-officials-0-title": "x" * 301}))
        self.assert_shown_beside(
            response, "m0-officials-0-title", "Ensure this value has at most 300 characters (it has 301)."
        )

    def test_official_unknown_country(self):
        response = self.client.post(self.url, self.form_data(**{"m0-officials-0-country": "XX"}))
        self.assert_shown_beside(
            response, "m0-officials-0-country", "Select a valid choice. XX is not one of the available choices."
        )

    def test_official_unknown_role(self):
        response = self.client.post(self.url, self.form_data(**{"m0-officials-0-role": "boss"}))
        self.assert_shown_beside(
            response, "m0-officials-0-role", "Select a valid choice. boss is not one of the available choices."
        )

    def test_official_missing_role(self):
        response = self.client.post(self.url, self.form_data(**{"m0-officials-0-role": ""}))
        self.assert_shown_beside(response, "m0-officials-0-role", "This field is required.")

    def test_official_name_too_long(self):
        response = self.client.post(self.url, self.form_data(**{"m0-officials-0-name": "n" * 201}))
        self.assert_shown_beside(
            response, "m0-officials-0-name", "Ensure this value has at most 200 characters (it has 201)."
        )

    def test_commitment_unknown_kind(self):
        response = self.client.post(self.url, self.form_data(**{"m0-commitments-0-kind": "bribe"}))
        self.assert_shown_beside(
            response, "m0-commitments-0-kind", "Select a valid choice. bribe is not one of the available choices."
        )

    def test_commitment_description_with_a_null_character(self):
        response = self.client.post(self.url, self.form_data(**{"m0-commitments-0-description": "Visit\x00"}))
        self.assert_shown_beside(response, "m0-commitments-0-description", "Null characters are not allowed.")

    def test_commitment_hidden_evidence_error_is_shown_with_the_description(self):
        response = self.client.post(self.url, self.form_data(**{"m0-commitments-0-evidence": "Said\x00"}))
        self.assert_shown_beside(response, "m0-commitments-0-description", "Null characters are not allowed.")

    def test_commitment_due(self):
        response = self.client.post(self.url, self.form_data(**{"m0-commitments-0-due": "March"}))
        self.assert_shown_beside(response, "m0-commitments-0-due", "Write the due date as YYYY, YYYY-MM or YYYY-MM-DD.")

    def test_every_row_error_at_once(self):
        response = self.client.post(
            self.url,
            self.form_data(
                **{
                    "m0-officials-0-title": "x" * 301,
                    "m0-officials-0-country": "XX",
                    "m0-officials-0-role": "boss",
                    "m0-commitments-0-kind": "bribe",
                    "m0-commitments-0-description": "Visit\x00",
                    "m0-commitments-0-due": "March",
                }
            ),
        )
        html = response.content.decode()
        self.assertEqual(response.status_code, 400)
        for field, error in [
            ("m0-officials-0-title", "at most 300 characters"),
            ("m0-officials-0-country", "XX is not one of the available choices."),
            ("m0-officials-0-role", "boss is not one of the available choices."),
            ("m0-commitments-0-kind", "bribe is not one of the available choices."),
            ("m0-commitments-0-description", "Null characters are not allowed."),
            ("m0-commitments-0-due", "Write the due date as YYYY, YYYY-MM or YYYY-MM-DD."),
        ]:
            self.assertIn(error, cell(html, field), field)
        self.assertContains(response, NOTICE, count=1, status_code=400)

    def test_commitment_formset_errors(self):
        data = self.form_data()
        del data["m0-commitments-TOTAL_FORMS"]
        response = self.client.post(self.url, data)
        self.assertContains(response, "ManagementForm data is missing or has been tampered with.", status_code=400)
        self.assertContains(response, NOTICE, count=1, status_code=400)

    def test_an_unticked_extra_meeting_with_an_error_stays_open(self):
        """The blank extra meeting hides its fields until ticked; not when they hold the reason for the 400."""
        response = self.client.post(self.url, self.form_data(**{"m1-date_precision": "fortnight"}))
        self.assertContains(
            response, "Select a valid choice. fortnight is not one of the available choices.", status_code=400
        )
        self.assertNotContains(response, "meeting-review meeting-review--extra", status_code=400)
        self.assertContains(response, NOTICE, count=1, status_code=400)

    def test_errors_in_indonesian(self):
        response = self.client.post(
            self.url, self.form_data(**{"m0-officials-0-role": "boss"}), headers={"accept-language": "id"}
        )
        self.assertContains(
            response, "Beberapa isian perlu diperbaiki: setiap masalah ditampilkan dengan warna merah", status_code=400
        )
        self.assertIn("boss", cell(response.content.decode(), "m0-officials-0-role"))


class ReviewLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        for code, name_en, name_id in [
            ("ID", "Indonesia", "Indonesia"),
            ("CL", "Chile", "Cile"),
            ("DE", "Germany", "Jerman"),
            ("NL", "Netherlands", "Belanda"),
            ("EG", "Egypt", "Mesir"),
        ]:
            make_country(code=code, name_en=name_en, name_id=name_id)
        for slug, name_en, name_id in [
            ("education", "Education", "Pendidikan"),
            ("health", "Health", "Kesehatan"),
            ("maritime_security", "Maritime security", "Keamanan maritim"),
        ]:
            make_sector(slug=slug, name_en=name_en, name_id=name_id)

    def setUp(self):
        self.client.force_login(self.editor)
        article = make_article(
            text=ENGLISH, language="en", status=Article.Status.PROPOSED, proposal=proposal(chile_meeting())
        )
        self.url = reverse("relations:article-review", args=[article.pk])

    def test_indonesian_form_lists_indonesian_names_in_their_order(self):
        html = self.client.get(self.url, headers={"accept-language": "id"}).content.decode()
        self.assertIn('<html lang="id"', html)
        self.assertEqual(
            choice_labels(html, "m0-host_country")[1:],
            ["Belanda (NL)", "Cile (CL)", "Indonesia (ID)", "Jerman (DE)", "Mesir (EG)"],
        )
        self.assertEqual(
            choice_labels(html, "m0-officials-0-country")[1:4], ["Belanda (NL)", "Cile (CL)", "Indonesia (ID)"]
        )
        # The proposed partner first, then the rest in Indonesian order.
        self.assertEqual(
            choice_labels(html, "m0-partner_countries"),
            ["Cile (CL)", "Belanda (NL)", "Indonesia (ID)", "Jerman (DE)", "Mesir (EG)"],
        )
        self.assertEqual(checkbox_labels(html, "m0-sectors"), ["Keamanan maritim", "Kesehatan", "Pendidikan"])
        self.assertNotIn("Germany (DE)", html)

    def test_english_form_keeps_english_names(self):
        html = self.client.get(self.url, headers={"accept-language": "en"}).content.decode()
        self.assertEqual(
            choice_labels(html, "m0-host_country")[1:],
            ["Chile (CL)", "Egypt (EG)", "Germany (DE)", "Indonesia (ID)", "Netherlands (NL)"],
        )
        self.assertEqual(checkbox_labels(html, "m0-sectors"), ["Education", "Health", "Maritime security"])
