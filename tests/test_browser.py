"""The dashboard in a real browser: headless Debian chromium against the live server, reference + seed + demo data.

Each page's screenshot goes to test-artifacts/; the overview and Japan page also to docs/screenshots/
for the README when UPDATE_README_SCREENSHOTS is set (make screenshots).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIXTURES = [settings.BASE_DIR / "fixtures" / name for name in ("reference.json", "seed.json", "demo.json")]
ARTIFACTS = settings.BASE_DIR / "test-artifacts"
DOCS_SCREENSHOTS = settings.BASE_DIR / "docs" / "screenshots"
PASSWORD = "browser-test-password-1"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def site(browser, translations, live_server):
    call_command("loaddata", *[str(path) for path in FIXTURES if path.exists()], verbosity=0)
    get_user_model().objects.create_user("analyst", password=PASSWORD)
    return live_server.url


class Visit:
    """A logged-in page that records every request and every console error."""

    def __init__(self, browser, base_url: str, *, width: int = 1366):
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def log_in(self) -> None:
        self.page.goto(self.base_url + "/accounts/login/")
        self.page.fill("#id_username", "analyst")
        self.page.fill("#id_password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(self.base_url + "/")

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")

    def wait_for_charts(self, count: int) -> None:
        self.page.wait_for_function(f"document.querySelectorAll('.chart.is-drawn .main-svg').length >= {count}")

    def screenshot(self, name: str, *, docs: bool = False) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        # The README's pictures change only when asked (make screenshots), so a test run leaves the tree clean.
        if docs and os.environ.get("UPDATE_README_SCREENSHOTS"):
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}.png"), full_page=True)

    def foreign_hosts(self) -> set[str]:
        return {urlsplit(url).hostname for url in self.requests if urlsplit(url).scheme in {"http", "https"}} - (
            LOCAL_HOSTS
        )


@pytest.fixture
def visit(browser, site):
    visit = Visit(browser, site)
    visit.log_in()
    yield visit
    visit.context.close()


def test_anonymous_visitor_is_sent_to_login(browser, site):
    visit = Visit(browser, site)
    visit.open("/countries/PE/")
    assert visit.page.url == site + "/accounts/login/?next=/countries/PE/"
    visit.screenshot("login")
    visit.context.close()


def test_overview_draws_its_charts_offline(visit):
    visit.open("/")
    visit.wait_for_charts(2)
    # The world map drew its countries from the topojson we serve.
    visit.page.wait_for_selector("#chart-map .choroplethlocation")
    assert visit.page.locator("#chart-monthly .main-svg").count() >= 1
    assert visit.page.locator(".stat__value").count() == 3
    visit.screenshot("overview", docs=True)
    # Keyboard users land on the skip link first, and focus is visible.
    visit.page.keyboard.press("Tab")
    focused = visit.page.evaluate(
        "() => [document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["skip-link", "solid"]
    assert visit.errors == []
    assert visit.foreign_hosts() == set()
    assert any(url.endswith("/static/vendor/topojson/world_110m.json") for url in visit.requests)


def test_peru_page_has_the_seed_meeting_marker_that_opens_the_meeting(visit):
    visit.open("/countries/PE/")
    visit.wait_for_charts(1)
    markers = visit.page.evaluate(
        """() => document.getElementById('chart-timeline').data.flatMap((trace, curve) => trace.x.map((x, i) => ({
            x, curve, i, url: trace.customdata[i], hover: trace.hovertext[i]})))"""
    )
    seed = [marker for marker in markers if marker["x"] == "2024-10-04"]
    assert len(seed) == 1
    assert "Peru" in seed[0]["hover"]
    assert seed[0]["url"].startswith("/meetings/")
    visit.screenshot("country-pe")

    # A click on the marker opens its meeting (customdata + the plotly_click handler).
    box = visit.page.evaluate(
        """([curve, i]) => {
            const trace = document.querySelectorAll('#chart-timeline .scatterlayer .trace')[curve];
            const r = trace.querySelectorAll('.point')[i].getBoundingClientRect();
            return {x: r.x + r.width / 2, y: r.y + r.height / 2};
        }""",
        [seed[0]["curve"], seed[0]["i"]],
    )
    visit.page.mouse.move(box["x"], box["y"])
    with visit.page.expect_navigation():
        visit.page.mouse.click(box["x"], box["y"])
    assert visit.page.url == visit.base_url + seed[0]["url"]
    visit.screenshot("meeting-seed")
    assert visit.errors == []
    assert visit.foreign_hosts() == set()


def test_a_busy_partner_page_for_the_readme(visit):
    visit.open("/countries/JP/")
    visit.wait_for_charts(2)
    points = visit.page.evaluate(
        "() => document.getElementById('chart-timeline').data.reduce((n, trace) => n + trace.x.length, 0)"
    )
    assert points >= 10  # the demo's second-busiest partner: many markers, one per meeting
    visit.screenshot("country-jp", docs=True)
    assert visit.errors == []


def test_country_list(visit):
    visit.open("/countries/")
    assert visit.page.locator(".country-table a[href='/countries/PE/']").count() == 1
    assert visit.page.locator(".country-table svg.spark").count() >= 1
    visit.screenshot("countries")
    assert visit.errors == []


def test_switching_to_indonesian(visit):
    visit.open("/countries/PE/")
    visit.page.select_option("#language-select", "id")
    with visit.page.expect_navigation():
        visit.page.click(".lang-form button")
    visit.wait_for_charts(1)
    assert visit.page.get_attribute("html", "lang") == "id"
    assert visit.page.locator("h2#timeline-title").inner_text() == "Linimasa keterlibatan"
    assert visit.page.locator(".site-nav").inner_text().split() == ["Ikhtisar", "Negara", "Pertemuan"]
    visit.open("/")
    visit.wait_for_charts(2)
    assert visit.page.locator("h1").inner_text() == "Ikhtisar"
    visit.screenshot("overview-id")
    assert visit.errors == []


def test_meetings_filtered_by_counter_terrorism_find_the_seed_meeting(visit):
    visit.open("/meetings/?sector=counter_terrorism")
    visit.screenshot("meetings-counter-terrorism")
    assert visit.page.get_by_text("Peru's ambassador pays a courtesy call", exact=False).count() >= 1
    assert visit.errors == []


def test_phone_width_has_no_horizontal_overflow(browser, site):
    visit = Visit(browser, site, width=390)
    visit.log_in()
    for path, name in (
        ("/", "overview-phone"),
        ("/countries/", "countries-phone"),
        ("/countries/PE/", "country-pe-phone"),
    ):
        visit.open(path)
        visit.screenshot(name)
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= 390, path
    visit.context.close()
