"""The rows of an admin list, as Django's `items_for_result` writes them, at a fraction of its cost.

Django works out every cell from scratch: which field or callable the column is, its empty value, whether it links,
and for each link a `reverse()` and, on a filtered list, a `resolve()` of the URL to keep the filters in it. Per
page of 50 meetings that was 100 reversals and 100 resolutions, half the list's render time. Here a column is
worked out once per page and the change links are one URL with the row's key written in. Anything this does not
cover (editable lists, popups, a key that is not an integer) is left to Django. tests/test_admin_rows.py compares
the markup with Django's.
"""

from __future__ import annotations

import contextlib
import datetime
import html
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from .admin_inlines import safe_filter
from .rendering import text

# A key no row has, written where the row's key goes in the change URL: letters and digits, which no quoting alters.
KEY_MARK = "relationsrowkey7f3c"


@dataclass
class Column:
    name: Any
    classes: str
    link: bool
    tag: str
    field: models.Field | None
    attr: Any
    empty: str
    model_admin: Any
    # A field with choices: its labels by value, as display_for_field() builds them for every cell.
    labels: dict | None = None


def columns(cl) -> list[Column]:
    """What `items_for_result` decides per cell, decided per column."""
    found, first = [], True
    for index, name in enumerate(cl.list_display):
        links = cl.list_display_links
        link = links is not None and ((first and not links) or name in links)
        field = attr = None
        try:
            field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName, TypeError):  # TypeError: a callable
            if callable(name):
                attr = name
            elif hasattr(cl.model_admin, name) and name != "__str__":
                attr = getattr(cl.model_admin, name)
        coerced = admin_list._coerce_field_name(name, index)
        empty = getattr(attr, "empty_value_display", cl.model_admin.get_empty_value_display())
        tag = "th" if link and first else "td"
        column = Column(name, f"field-{coerced}", link, tag, field, attr, empty, cl.model_admin)
        if field is not None and getattr(field, "flatchoices", None):
            with contextlib.suppress(TypeError):  # list-like values: display_for_field() knows what to do
                column.labels = dict(field.flatchoices)
        found.append(column)
        first = first and not link
    return found


def cell(column: Column, row, url: str | None) -> str:
    classes = [column.classes]
    empty = column.empty
    if column.field is not None:
        field, value = column.field, getattr(row, column.name)
    elif column.attr is not None:
        try:
            field, value = None, column.attr(row)
        except ObjectDoesNotExist:  # as Django's items_for_result: the empty value, not an error page
            return tag(column, classes, url, empty)
    else:  # a model method, property or relation: Django's lookup, as it would do it
        try:
            field, attr, value = lookup_field(column.name, row, column.model_admin)
        except ObjectDoesNotExist:
            return tag(column, classes, url, empty)
        empty = getattr(attr, "empty_value_display", empty)
        if field is None:
            return tag(column, classes, url, value_text(column.name, attr, value, empty, classes))
    if isinstance(value, str) and value.strip() == "":
        value = ""
    if field is None or field.auto_created:
        text = value_text(column.name, column.attr, value, empty, classes)
    else:
        if isinstance(field.remote_field, models.ManyToOneRel):
            related = getattr(row, field.name)
            text = empty if related is None else related
        else:
            try:
                text = column.labels.get(value, empty) if column.labels is not None else None
            except TypeError:  # an unhashable value: display_for_field() knows what to do
                text = None
            if text is None:
                text = display_for_field(value, field, empty, avoid_link=column.link)
        if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
            classes.append("nowrap")
    return tag(column, classes, url, text)


def value_text(name, attr, value, empty: str, classes: list[str]) -> str:
    if name == "action_checkbox":
        classes[:] = ["action-checkbox"]
    boolean = getattr(attr, "boolean", False)
    if isinstance(attr, property) and hasattr(attr, "fget"):
        boolean = getattr(attr.fget, "boolean", False)
    if isinstance(value, datetime.date | datetime.time):
        classes.append("nowrap")
    return display_for_value(value, empty, boolean)


def tag(column: Column, classes: list[str], url: str | None, text) -> str:
    text = html.escape(text) if type(text) is str else conditional_escape(text)
    if column.link and url is not None:
        text = f'<a href="{url}">{text}</a>'
    # Class names unescaped, as Django writes them (they are field and method names).
    return mark_safe(f'<{column.tag} class="{" ".join(classes)}">{text}</{column.tag}>')


def change_url(cl) -> str | None:
    """The change link of a row, escaped for an attribute, with KEY_MARK for its key; None if there is none."""
    try:
        url = cl.url_for_result(cl.model(**{cl.pk_attname: KEY_MARK}))
    except NoReverseMatch:
        return None
    return conditional_escape(add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url))


def can_write(cl) -> bool:
    rows_have_int_keys = all(isinstance(getattr(row, cl.pk_attname), int) for row in cl.result_list)
    return not cl.formset and not cl.is_popup and not cl.to_field and rows_have_int_keys


def results(cl):
    if not can_write(cl):
        yield from admin_list.results(cl)
        return
    cols, url = columns(cl), change_url(cl)
    for row in cl.result_list:
        row_url = None if url is None else url.replace(KEY_MARK, str(getattr(row, cl.pk_attname)))
        yield admin_list.ResultList(None, [cell(column, row, row_url) for column in cols])


def result_list(cl) -> dict:
    """Django's `result_list` context, with the rows of `results` above."""
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": list(results(cl)),
    }


def header_cell(header: dict, num_sorted_fields: int) -> str:
    parts = [f'<th scope="col"{text(header["class_attrib"])}>']
    if header["sortable"] and header["sort_priority"] > 0:
        parts.append('<div class="sortoptions">')
        remove = text(gettext("Remove from sorting"))
        parts.append(f'<a class="sortremove" href="{text(header["url_remove"])}" title="{remove}"></a>')
        if num_sorted_fields > 1:
            priority = text(header["sort_priority"])
            title = gettext("Sorting priority: %(priority_number)s") % {"priority_number": priority}
            parts.append(f'<span class="sortpriority" title="{title}">{priority}</span>')
        order = "ascending" if header["ascending"] else "descending"
        toggle = text(gettext("Toggle sorting"))
        parts.append(f'<a href="{text(header["url_toggle"])}" class="toggle {order}" title="{toggle}"></a>')
        parts.append("</div>")
    label = safe_filter(capfirst, header["text"])
    if header["sortable"]:
        parts.append(f'<div class="text"><a href="{text(header["url_primary"])}">{label}</a></div>')
    else:
        parts.append(f'<div class="text"><span>{label}</span></div>')
    parts.append('<div class="clear"></div>\n</th>')
    return "\n".join(parts)


def results_table(context: dict) -> str:
    """admin/change_list_results.html, from `result_list`'s context."""
    parts = []
    hidden = context["result_hidden_fields"]
    if hidden:
        parts.append('<div class="hiddenfields">' + "".join(text(item) for item in hidden) + "</div>")
    results = context["results"]
    if results:
        headers = "".join(header_cell(header, context["num_sorted_fields"]) for header in context["result_headers"])
        parts.append(
            f'<div class="results">\n<table id="result_list">\n<thead>\n<tr>\n{headers}</tr>\n</thead>\n<tbody>'
        )
        for result in results:
            form = result.form
            errors = form.non_field_errors() if form else None
            if errors:
                parts.append(f'<tr><td colspan="{len(result)}">{text(errors)}</td></tr>')
            parts.append("<tr>" + "".join(text(item) for item in result) + "</tr>")
        parts.append("</tbody>\n</table>\n</div>")
    return mark_safe("\n".join(parts))
