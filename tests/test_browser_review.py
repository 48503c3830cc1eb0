"""An editor in a real browser: paste an article, follow its extraction, correct the proposal, approve.

Headless Debian chromium against the live server with the reference data loaded; Celery runs the task in the
request (eager) so the test needs no worker, and the extractor's answer is fixed (the worker test runs the real
one). The review screen's screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.management import call_command

from config.celery import app
from relations.models import Article, Meeting
from tests.ingest_samples import ENGLISH, chile_meeting, proposal

# Playwright's sync API runs an event loop in this thread; the ORM calls around it are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Serialized rollback: a transactional test run before this module may leave the tables flushed, permissions and
# content types included; with it, they are restored for each test here.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = settings.BASE_DIR / "test-artifacts"
PASSWORD = "review-test-password-1"


@pytest.fixture
def eager_tasks():
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def fixed_extractor():
    """What the extractor proposes is fixed, so that this test is about the screens rather than extraction."""
    proposed = proposal(chile_meeting(date=None, kind="bilateral_meeting"))
    with mock.patch("relations.ingest.propose.run_extractor", return_value=proposed):
        yield


@pytest.fixture
def editor_page(browser, live_server, eager_tasks, fixed_extractor):
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "reference.json"), verbosity=0)
    editor = User.objects.create_user("editor", password=PASSWORD)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_article", "view_article", "add_meeting", "view_meeting"])
    )
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    yield page, live_server.url
    context.close()
    assert errors == []


def test_editor_pastes_reviews_and_approves(editor_page):
    page, base = editor_page
    page.goto(base + "/articles/new/")
    page.fill("#id_text", ENGLISH)
    page.fill("#id_published_on", "2024-05-15")
    page.click("text=Submit for extraction")
    page.wait_for_url(re.compile(r"/articles/\d+/$"))
    assert page.locator("[data-status]").first.get_attribute("data-status") == "proposed"

    page.click("text=Review the proposal")
    page.wait_for_url(re.compile(r"/articles/\d+/review/$"))
    marks = page.locator("[data-testid=marked-text] mark.fact")
    assert marks.count() > 5
    assert page.locator("mark.fact--date").first.inner_text() == "Tuesday (14/5)"
    assert (
        page.locator(".field-note").inner_text()
        == "The extractor found no exact date for this meeting: enter it below."
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "article_review.png"))
    page.screenshot(path=str(ARTIFACTS / "article_review_full.png"), full_page=True)

    # The editor supplies the date the extractor could not settle and corrects the kind.
    assert page.locator("#id_m0-include").is_checked()
    page.fill("#id_m0-date", "2024-05-14")
    page.select_option("#id_m0-kind", "courtesy_call")
    page.click("text=Approve and record")
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))

    meeting = Meeting.objects.get()
    assert page.url == f"{base}/meetings/{meeting.pk}/"
    assert (str(meeting.held_on), meeting.kind) == ("2024-05-14", "courtesy_call")
    assert sorted(meeting.countries.values_list("country_id", "role")) == [("CL", "partner"), ("ID", "host")]
    assert Article.objects.get().status == Article.Status.APPROVED
