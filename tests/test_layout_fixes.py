"""Layouts that broke in Indonesian or at a laptop's 1366px, checked in a real browser (headless Debian chromium).

- The review screen's row tables: a long header ("Jabatan sebagaimana tertulis") ran into the next one.
- The meetings tables: a long date ("29 September 2026") ran under the title beside it.
- The admin's meeting form: the participants inline was wider than the page, which scrolled sideways.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from relations.models import Article, Meeting, Participant
from tests.factories import (
    make_article,
    make_country,
    make_meeting,
    make_official,
    make_participant,
    make_position,
    make_sector,
)
from tests.ingest_samples import INDONESIAN, chile_meeting, proposal

# Playwright's sync API runs an event loop in this thread; the ORM calls around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Serialized rollback: a transactional test run before this module may leave the tables flushed, permissions and
# content types included; with it, they are restored for each test here.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = settings.BASE_DIR / "test-artifacts"
PASSWORD = "layout-test-password-1"
WIDTH = 1366

# The longest dates of either language: September and December written out in Indonesian, "Sept." in English.
LONG_DATES = [dt.date(2026, 9, 29), dt.date(2026, 12, 28), dt.date(2027, 3, 23), dt.date(2026, 11, 30)]

# Every cell whose visible text runs past its own box or into the next cell's (text for screen readers aside).
OVERLAPS = """(selector) => [...document.querySelectorAll(selector)].flatMap((cell) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let right = -Infinity;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim() || node.parentElement.closest('.visually-hidden')) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        right = Math.max(right, range.getBoundingClientRect().right);
    }
    const box = cell.getBoundingClientRect();
    const next = cell.nextElementSibling && cell.nextElementSibling.getBoundingClientRect();
    const over = right - Math.min(box.right, next ? next.left : box.right);
    return over > 0.5 ? [[cell.innerText.trim(), Math.round(over)]] : [];
})"""


@pytest.fixture
def data():
    """Meetings on the longest dates, with a sector and an official; an article awaiting review."""
    indonesia = make_country(code="ID", name_en="Indonesia", name_id="Indonesia")
    japan = make_country(code="JP", name_en="Japan", name_id="Jepang")
    make_country(code="CL", name_en="Chile", name_id="Cile")
    defence = make_sector(slug="defence", name_en="Defence", name_id="Pertahanan")
    minister = make_official(full_name="Suryo Adinegoro", country=indonesia)
    counterpart = make_official(full_name="Kenji Watanabe", country=japan)
    post = make_position(
        official=counterpart, title_en="Director-General of Defence Policy, Ministry of Defence of Japan"
    )
    meetings = []
    for day in LONG_DATES:
        meeting = make_meeting(
            held_on=day,
            date_precision="day",
            status=Meeting.Status.HELD if day.year < 2027 else Meeting.Status.PLANNED,
            partners=("JP",),
            sectors=(defence,),
            title="Indonesia and Japan hold bilateral defence talks on maritime security cooperation",
        )
        make_participant(meeting=meeting, official=minister, title_as_written="Minister of Defence")
        make_participant(
            meeting=meeting,
            official=counterpart,
            position=post,
            role=Participant.Role.ACCOMPANYING,
            title_as_written="Director-General of Defence Policy, Ministry of Defence of Japan",
        )
        meetings.append(meeting)
    article = make_article(
        text=INDONESIAN, language="id", status=Article.Status.PROPOSED, proposal=proposal(chile_meeting())
    )
    get_user_model().objects.create_superuser("layout", password=PASSWORD)
    return {"meeting": meetings[0], "official": minister, "sector": defence, "article": article}


@pytest.fixture
def open_page(browser, translations, live_server, data):
    """A logged-in page at 1366px in the language asked for."""
    contexts = []

    def open_page(path: str, language: str):
        context = browser.new_context(
            viewport={"width": WIDTH, "height": 900},
            locale="id-ID" if language == "id" else "en-GB",
            extra_http_headers={"Accept-Language": language},
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "layout")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_load_state()
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.get_attribute("html", "lang") == language
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_page_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("language", ["en", "id"])
def test_review_row_headers_do_not_overlap(open_page, data, language):
    page = open_page(f"/articles/{data['article'].pk}/review/", language)
    headers = page.locator(".subform-table thead th")
    assert headers.count() >= 9
    if language == "id":
        assert "JABATAN SEBAGAIMANA TERTULIS" in page.locator(".subform-table--officials thead").first.inner_text()
    screenshot(page, f"layout-review-{language}")
    assert page.evaluate(OVERLAPS, ".subform-table thead th") == []
    assert no_page_scroll(page)


@pytest.mark.parametrize("language", ["en", "id"])
def test_meeting_dates_do_not_run_into_the_title(open_page, data, language):
    for name, path in [
        ("meetings", "/meetings/"),
        ("sector", f"/sectors/{data['sector'].slug}/"),
        ("official", f"/officials/{data['official'].pk}/"),
    ]:
        page = open_page(path, language)
        dates = page.locator(".meetings-table td.date")
        assert dates.count() >= len(LONG_DATES), path
        if language == "id":
            assert "29 September 2026" in dates.all_inner_texts(), path
        screenshot(page, f"layout-{name}-{language}")
        assert page.evaluate(OVERLAPS, ".meetings-table td.date") == [], path
        # Each date stays on one line (a wrapped date would not overlap, but reads worse).
        lines = page.evaluate(
            """() => [...document.querySelectorAll('.meetings-table td.date')].map((cell) => {
                const range = document.createRange(); range.selectNodeContents(cell);
                return range.getBoundingClientRect().height / parseFloat(getComputedStyle(cell).lineHeight); })"""
        )
        assert max(lines) < 1.5, path
        assert no_page_scroll(page), path


@pytest.mark.parametrize("language", ["en", "id"])
def test_admin_meeting_form_fits_the_page(open_page, data, language):
    page = open_page(f"/admin/relations/meeting/{data['meeting'].pk}/change/", language)
    # The navigation sidebar is open (as for a first visit), which leaves the form its narrowest column.
    assert page.locator("#nav-sidebar").is_visible()
    group = page.locator("#participants-group")
    assert group.locator("tr.form-row.has_original").count() == 2
    page.click("#participants-group .add-row a")  # a row added on the page gets its widgets sized the same way
    screenshot(page, f"layout-admin-meeting-{language}")
    assert no_page_scroll(page)
    right = page.evaluate("document.querySelector('#participants-group').getBoundingClientRect().right")
    assert right <= WIDTH
