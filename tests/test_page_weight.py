"""Page weight: the custom plotly.js bundle, hashed and compressed static files, and the bench_weight command.

The browser tests serve the test database in-process the way production does: static files collected by the
production storage (hashed names, gzip and Brotli copies) and served by WhiteNoise from the collected folder.
bench_weight's own server (gunicorn and collectstatic on the configured database) is not started here: the test
database lives in this process, so the command is given this server with --url-base.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import re

import plotly.graph_objects as go
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings
from plotly.offline import get_plotlyjs_version

from relations import charts, page_weight

from .conftest import service_unavailable

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BUNDLE = settings.BASE_DIR / "static" / "vendor" / "plotly" / "plotly.min.js"
RECIPE_TRACES = settings.BASE_DIR / "tools" / "plotly-bundle" / "traces.json"
BANNER = re.compile(r"^/\* plotly\.js v(?P<version>\S+) .*custom bundle; traces: (?P<traces>[a-z0-9, ]+) \*/")
FIXTURES = [settings.BASE_DIR / "fixtures" / name for name in ("reference.json", "seed.json", "demo.json")]
PASSWORD = "page-weight-password-1"
IMMUTABLE = "max-age=315360000, public, immutable"
HASHED_OUTLINES = re.compile(r"/static/vendor/topojson/world_110m\.[0-9a-f]{12}\.json$")


def bundle_banner() -> re.Match:
    with BUNDLE.open(encoding="utf-8") as bundle:
        match = BANNER.match(bundle.readline())
    assert match, "static/vendor/plotly/plotly.min.js is not the custom bundle (see tools/plotly-bundle/)"
    return match


def bundled_traces() -> list[str]:
    return [name.strip() for name in bundle_banner()["traces"].split(",")]


def builder_figures() -> dict[str, go.Figure]:
    """One figure from every chart builder in relations/charts.py, from literals."""
    day = dt.date(2025, 3, 1)
    stack = charts.stack_by_sector([charts.PeriodCount(day, "trade", 2)], [day])
    point = charts.TimelinePoint(day, "Talks", "Visit", "trade", "#0072B2", 3, ["A. Minister"], "/meetings/1/")
    return {
        "stacked_bars": charts.stacked_bars(stack),
        "world_map": charts.world_map([charts.CountryCount("JPN", "Japan", 4)]),
        "timeline": charts.timeline([point], lanes=["Visit"]),
    }


# --- The bundle ----------------------------------------------------------------------------------------------------


def test_every_chart_builder_is_sampled():
    builders = {
        name
        for name, function in inspect.getmembers(charts, inspect.isfunction)
        if function.__module__ == charts.__name__ and inspect.signature(function).return_annotation == "go.Figure"
    }
    assert builders == set(builder_figures())


def test_bundle_has_every_trace_type_the_chart_builders_make():
    used = {trace.type for figure in builder_figures().values() for trace in figure.data}
    assert used <= set(bundled_traces()), f"rebuild the bundle with {sorted(used - set(bundled_traces()))}"


def test_bundle_is_built_from_the_recipe_at_the_python_packages_plotly_js_version():
    assert bundle_banner()["version"] == get_plotlyjs_version()
    assert bundled_traces() == sorted(json.loads(RECIPE_TRACES.read_text()))


# --- In a browser, served as in production ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> dict:
    """Static files collected once by the production storage; the settings that serve them as production does."""
    production = {
        "STATIC_ROOT": tmp_path_factory.mktemp("staticfiles"),
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        "WHITENOISE_AUTOREFRESH": False,
        "WHITENOISE_USE_FINDERS": False,
        "ALLOWED_HOSTS": ["127.0.0.1"],
    }
    with override_settings(**production):
        call_command("collectstatic", interactive=False, verbosity=0)
    return production


@pytest.fixture(scope="module")
def chromium() -> str:
    path = page_weight.chromium_path()
    if not path:
        service_unavailable("chromium not found (install Debian's chromium or set CHROMIUM)")
    return path


@pytest.fixture
def production_site(chromium, collected):
    """The test database served with hashed, compressed static files; yields its base URL."""
    call_command("loaddata", *[str(path) for path in FIXTURES if path.exists()], verbosity=0)
    get_user_model().objects.create_user("analyst", password=PASSWORD)
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    with override_settings(**collected):
        # No static handler in front: WhiteNoise (the middleware) serves the collected files.
        server = LiveServerThread("127.0.0.1", static_handler=lambda app: app, connections_override=shared)
        server.daemon = True
        for connection in shared.values():
            connection.inc_thread_sharing()
        server.start()
        server.is_ready.wait()
        try:
            if server.error:
                raise server.error
            yield f"http://127.0.0.1:{server.port}"
        finally:
            server.terminate()
            for connection in shared.values():
                connection.dec_thread_sharing()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_overview_draws_its_charts_and_map_with_the_custom_bundle_and_hashed_outlines(production_site, chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=page_weight.CHROMIUM_ARGS)
        page = browser.new_page()
        requests, errors = [], []
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(production_site + "/accounts/login/")
        page.fill("#id_username", "analyst")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(production_site + "/")
        page.wait_for_selector("#chart-map .choroplethlocation")
        page.wait_for_function("document.querySelectorAll('.chart.is-drawn .main-svg').length >= 2")
        traces = page.evaluate("() => Object.keys(window.Plotly.PlotSchema.get().traces).sort()")
        browser.close()

    assert traces == bundled_traces()
    assert errors == []
    # Everything comes from this server: the dashboard works with no internet access.
    assert {url.split("/")[2] for url in requests if url.startswith("http")} == {production_site.split("/")[2]}
    assert [url for url in requests if "world_110m" in url] == [url for url in requests if HASHED_OUTLINES.search(url)]
    assert sum(bool(HASHED_OUTLINES.search(url)) for url in requests) == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bench_weight_measures_compressed_first_load_and_cached_repeat_load(production_site, tmp_path, capsys):
    out = tmp_path / "weight.json"
    call_command("bench_weight", url_base=production_site, json=str(out))

    results = {row["page"]: row for row in json.loads(out.read_text())}
    assert set(results) == {"overview", "partner"}
    overview = results["overview"]
    assert overview["url"] == "/"
    assert overview["first"]["charts_drawn"] == overview["repeat"]["charts_drawn"] == 2
    first = {resource["url"].split("/static/")[-1]: resource for resource in overview["first"]["resources"]}
    bundle = next(resource for name, resource in first.items() if name.startswith("vendor/plotly/plotly.min."))
    assert bundle["encoding"] in {"br", "gzip"}
    assert bundle["cache_control"] == IMMUTABLE
    assert not bundle["from_cache"]
    assert any(HASHED_OUTLINES.search(resource["url"]) for resource in overview["first"]["resources"])
    repeat_static = [r for r in overview["repeat"]["resources"] if "/static/" in r["url"]]
    assert repeat_static and all(r["from_cache"] and r["bytes"] == 0 for r in repeat_static)
    assert overview["meets_targets"] is True
    assert "overview   first" in capsys.readouterr().out
    # The temporary account is gone.
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["analyst"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_page_that_does_not_answer_200_is_refused_not_weighed(production_site, chromium):
    with pytest.raises(page_weight.PageWeightError, match=r"/countries/QQ/ answered HTTP 404 instead of 200\."):
        page_weight.measure(
            production_site, {"partner": "/countries/QQ/"}, username="analyst", password=PASSWORD, chromium=chromium
        )


def test_table_marks_a_page_over_its_target():
    heavy = page_weight.Load(bytes=page_weight.FIRST_LOAD_TARGET + 1, requests=1)
    light = page_weight.Load(bytes=1000, requests=1, from_cache=0)
    lines = page_weight.table([page_weight.PageWeight("overview", "/", heavy, light)]).splitlines()
    assert lines[1].endswith("NO")
    assert lines[2].endswith("yes")
