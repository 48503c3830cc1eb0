"""The admin's navigation sidebar, rendered once per distinct content rather than on every page.

Its markup depends on the apps and models the user may see (relations/admin_reuse.py keeps that list per
permissions and language), on which of them the page belongs to, and on the language; it is the same for every page
of a model.
"""

from __future__ import annotations

from collections.abc import Hashable
from urllib.parse import quote

from django.utils.translation import get_language

from .memo import remember


def _sidebar_key(context) -> Hashable:
    """What the sidebar shows: the apps and models listed, which of them the page belongs to, and the language."""
    path = quote(context["request"].path)  # the template's `request.path|urlencode`
    listed = []
    for app in context.get("available_apps") or ():
        models = tuple(
            (
                str(model["name"]),
                model["object_name"],
                model.get("admin_url"),
                model.get("add_url"),
                # A model one may only add to has no list: the template's `None in path` is false.
                bool(model.get("admin_url")) and model["admin_url"] in path,
            )
            for model in app["models"]
        )
        listed.append((app["app_label"], str(app["name"]), app["app_url"], app["app_url"] in path, models))
    return (get_language(), tuple(listed))


_sidebars: dict = {}


def nav_sidebar(context) -> str:
    """Django's admin/nav_sidebar.html, rendered once per distinct content: the same for every page of a model."""
    key = _sidebar_key(context)
    return remember(
        _sidebars, key, lambda: context.template.engine.get_template("admin/nav_sidebar.html").render(context)
    )
