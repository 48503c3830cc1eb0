import datetime as dt
from unittest import mock

from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from relations.models import Article, Meeting
from tests.factories import make_article, make_country, make_official, make_sector
from tests.ingest_samples import ENGLISH, chile_meeting, proposal, review_form_data

SEND = "relations.tasks.extract_article_task.apply_async"


def make_editor(username="editor") -> User:
    user = User.objects.create_user(username)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="relations", codename__in=["add_article", "view_article", "add_meeting"]
        )
    )
    return user


class SubmitTests(TestCase):
    def setUp(self):
        self.client.force_login(make_editor())

    def test_only_editors(self):
        self.client.force_login(User.objects.create_user("reader"))
        response = self.client.get(reverse("relations:article-create"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/"))

    def test_pasted_text_is_stored_and_queued_after_commit(self):
        with mock.patch(SEND) as send, self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("relations:article-create"), {"text": ENGLISH})
        article = Article.objects.get()
        self.assertRedirects(response, reverse("relations:article-detail", args=[article.pk]))
        send.assert_called_once_with((article.pk,), retry_policy=mock.ANY)

    def test_uploaded_html(self):
        page = f"<html><head><title>Chile visit</title></head><body><article><p>{ENGLISH}</p></article></body></html>"
        upload = SimpleUploadedFile("visit.html", page.encode(), content_type="text/html")
        with mock.patch(SEND), self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("relations:article-create"), {"file": upload})
        self.assertEqual(Article.objects.get().title, "Chile visit")

    def test_bad_input_shows_the_reason_and_stores_nothing(self):
        upload = SimpleUploadedFile("photo.txt", b"\x89PNG\x00\x00" * 100, content_type="text/plain")
        response = self.client.post(reverse("relations:article-create"), {"file": upload})
        self.assertContains(
            response,
            "This file is not text: it looks like a binary file (an image, PDF or archive). Use .txt or .html.",
            status_code=400,
        )
        self.assertEqual(Article.objects.count(), 0)

    @override_settings(ARTICLE_MAX_BYTES=1000)
    def test_too_large_upload_is_refused_before_reading(self):
        upload = SimpleUploadedFile("long.txt", b"a" * 2_000_000, content_type="text/plain")
        response = self.client.post(reverse("relations:article-create"), {"file": upload})
        self.assertContains(response, "The article is larger than the 0 MB limit (1.9 MB).", status_code=400)
        self.assertEqual(Article.objects.count(), 0)

    def test_a_refused_source_gets_its_own_error_alone(self):
        cases = [
            ({"file": SimpleUploadedFile("empty.txt", b"", content_type="text/plain")}, "The submitted file is empty."),
            ({"url": "not an address"}, "Enter a valid URL."),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                response = self.client.post(reverse("relations:article-create"), data)
                self.assertContains(response, message, status_code=400)
                self.assertNotContains(response, "Give the article one way", status_code=400)
        self.assertEqual(Article.objects.count(), 0)

    def test_one_way_at_a_time(self):
        response = self.client.post(reverse("relations:article-create"), {"text": ENGLISH, "url": "https://x.org/a"})
        self.assertContains(
            response, "Give the article one way: paste its text, upload a file, or give its address.", status_code=400
        )

    def test_broker_down_keeps_the_article_and_says_so(self):
        import kombu.exceptions

        refused = kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        with mock.patch(SEND, side_effect=refused), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("relations:article-create"), {"text": ENGLISH})
        self.assertEqual(Article.objects.get().status, Article.Status.PENDING)
        response = self.client.get(response["Location"])
        self.assertContains(response, "The task queue (Redis) cannot be reached")
        self.assertContains(response, "Queue the extraction now")


class StatusPageTests(TestCase):
    def setUp(self):
        self.client.force_login(make_editor())

    def test_refreshes_while_extraction_runs(self):
        article = make_article(text=ENGLISH, status=Article.Status.PROCESSING)
        response = self.client.get(reverse("relations:article-detail", args=[article.pk]))
        self.assertContains(response, '<meta http-equiv="refresh" content="3">', html=False)

    def test_page_queries(self):
        article = make_article(text=ENGLISH, status=Article.Status.APPROVED)
        with self.assertNumQueries(6):
            self.client.get(reverse("relations:article-detail", args=[article.pk]))
        with self.assertNumQueries(5):
            self.client.get(reverse("relations:article-list"))

    def test_failure_reason_and_no_refresh(self):
        article = make_article(text=ENGLISH, status=Article.Status.FAILED, status_message="The text is empty.")
        response = self.client.get(reverse("relations:article-detail", args=[article.pk]))
        self.assertContains(response, "The text is empty.")
        self.assertNotContains(response, 'http-equiv="refresh"')

    def test_requeue(self):
        article = make_article(text=ENGLISH, status=Article.Status.FAILED)
        with mock.patch(SEND) as send, self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("relations:article-requeue", args=[article.pk]))
        send.assert_called_once()
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.QUEUED)


class ReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        indonesia = make_country(code="ID", name_en="Indonesia")
        make_country(code="CL", name_en="Chile")
        make_sector(slug="defence_industry", name_en="Defence industry")
        make_official(full_name="M. Herindra", country=indonesia)

    def setUp(self):
        self.client.force_login(self.editor)
        self.article = make_article(
            text=ENGLISH, language="en", status=Article.Status.PROPOSED, proposal=proposal(chile_meeting())
        )
        self.url = reverse("relations:article-review", args=[self.article.pk])

    def test_text_with_every_fact_marked(self):
        response = self.client.get(self.url)
        self.assertContains(response, 'title="date: 2024-05-14">Tuesday (14/5)</mark>', html=False)
        self.assertContains(response, 'data-facts="m0-official" title="official: Muhammad Herindra, Deputy Minister')
        self.assertContains(response, 'data-facts="m0-country" title="country: CL">Chile</mark>', count=2, html=False)
        self.assertContains(
            response, 'title="official: Muhammad Herindra, Deputy Minister of Defence">Herindra</mark> said'
        )
        self.assertContains(response, 'class="fact fact--sector ', html=False)
        self.assertContains(response, 'class="fact fact--commitment ', html=False)

    def test_facts_marked_at_the_extractor_offsets(self):
        start = ENGLISH.index("courtesy call")
        meeting = chile_meeting(date_text=None, spans={"kind": [[start, start + len("courtesy call")]]})
        meeting["officials"][1]["spans"] = [[ENGLISH.index("the Ambassador"), ENGLISH.index("the Ambassador") + 3]]
        Article.objects.filter(pk=self.article.pk).update(proposal=proposal(meeting))
        response = self.client.get(self.url)
        self.assertContains(response, 'title="kind of meeting: courtesy call">courtesy call</mark>', html=False)
        self.assertContains(response, 'title="official: Rodrigo Alvarez Mena, Ambassador of Chile">the</mark>')

    def test_page_queries(self):
        with self.assertNumQueries(9):
            self.client.get(self.url)

    def test_only_reviewers(self):
        self.client.force_login(User.objects.create_user("reader"))
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def form_data(self, **changes) -> dict:
        return review_form_data(**changes)

    def test_approve_records_the_corrected_meeting_and_opens_it(self):
        response = self.client.post(
            self.url, self.form_data(**{"m0-date": "2024-05-15", "m0-kind": "bilateral_meeting"})
        )
        meeting = Meeting.objects.get()
        self.assertRedirects(
            response, reverse("relations:meeting-detail", args=[meeting.pk]), fetch_redirect_response=False
        )
        self.assertEqual((meeting.held_on, meeting.kind), (dt.date(2024, 5, 15), "bilateral_meeting"))
        self.assertEqual(meeting.participants.get().official.full_name, "M. Herindra")
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Article.Status.APPROVED)

    def test_invalid_correction_is_shown_and_nothing_recorded(self):
        response = self.client.post(self.url, self.form_data(**{"m0-partner_countries": []}))
        self.assertContains(response, "Choose at least one partner country other than the host.", status_code=400)
        self.assertEqual(Meeting.objects.count(), 0)

    def test_approved_article_goes_to_its_status_page(self):
        Article.objects.filter(pk=self.article.pk).update(status=Article.Status.APPROVED)
        self.assertRedirects(self.client.get(self.url), reverse("relations:article-detail", args=[self.article.pk]))
