"""A form renderer that writes the common widgets in Python, with the markup of Django's own templates.

A widget rendered through the template engine costs a template context, an include per option and per attribute
list, and a lookup per variable: the meeting form's 250 small templates (hidden ids, selects, empty error lists)
were half of its render time, the sector checkboxes and country select half of the meetings list's. The templates
written here are those of `django/forms/widgets` (and the empty error list) and the admin's date and time widgets;
any other template, a template overridden by an app (or one these include) or a value these functions do not expect
goes to the configured renderer.
tests/test_rendering.py compares the two outputs byte for byte.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django.forms
from django.contrib import admin
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime


class Fallback(Exception):
    """A value the template would treat in a way not written here (a callable, which the template calls)."""


def escape(value: str) -> str:
    """conditional_escape() of a str, without its lazy-string wrapper (a third of its cost, thousands of calls)."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def text(value: Any) -> str:
    """`{{ value }}`: localized, escaped unless safe (django.template.base.render_value_in_context)."""
    if type(value) is str:
        return html.escape(value)
    if callable(value):
        raise Fallback
    value = localize(template_localtime(value))
    if not isinstance(value, str):
        value = str(value)
    return escape(value)


def as_string(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: str() of the value, escaped unless the value was safe."""
    if type(value) is str:
        return html.escape(value)
    if callable(value):
        raise Fallback
    formatted = "%s" % (str(value) if isinstance(value, tuple) else value)
    return formatted if isinstance(value, SafeData) else escape(formatted)


def attrs(attributes: dict) -> str:
    """django/forms/widgets/attrs.html (and django/forms/attrs.html, the same)."""
    parts = []
    for name, value in attributes.items():
        if callable(value):
            raise Fallback
        if value is False:
            continue
        parts.append(f" {text(name)}" if value is True else f' {text(name)}="{as_string(value)}"')
    return "".join(parts)


def input_tag(widget: dict) -> str:
    """django/forms/widgets/input.html, without the file's final newline."""
    value = widget["value"]
    shown = "" if value is None else f' value="{as_string(value)}"'
    return f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{shown}{attrs(widget["attrs"])}>'


def option_tag(option: dict) -> str:
    """An option's template as its widget's template includes it, final newlines included."""
    template = option["template_name"]
    if template == "django/forms/widgets/select_option.html":
        return (
            f'<option value="{as_string(option["value"])}"{attrs(option["attrs"])}>{text(option["label"])}</option>\n'
        )
    if template in ("django/forms/widgets/checkbox_option.html", "django/forms/widgets/radio_option.html"):
        if option.get("wrap_label"):
            for_id = option["attrs"].get("id")
            label_for = f' for="{text(for_id)}"' if for_id else ""
            return f"<label{label_for}>{input_tag(option)}\n {text(option['label'])}</label>\n\n"
        return f"{input_tag(option)}\n\n"
    raise Fallback


def render_input(context: dict) -> str:
    return input_tag(context["widget"])


def render_select(context: dict) -> str:
    widget = context["widget"]
    parts = [f'<select name="{text(widget["name"])}"{attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        parts.extend(f"\n  {option_tag(option)}" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_multiple_input(context: dict) -> str:
    widget = context["widget"]
    element_id, element_class = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = [
        "<div",
        f' id="{text(element_id)}"' if element_id else "",
        f' class="{text(element_class)}"' if element_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{text(group)}</label>")
        parts.extend(f"<div>\n    {option_tag(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def render_admin_date(context: dict) -> str:
    """admin/widgets/date.html: the input in Django's paragraph, with the newlines its includes leave."""
    return f'<p class="date">\n  {input_tag(context["widget"])}\n\n\n</p>'


def render_admin_time(context: dict) -> str:
    """admin/widgets/time.html, as render_admin_date."""
    return f'<p class="time">\n  {input_tag(context["widget"])}\n\n\n</p>'


def render_textarea(context: dict) -> str:
    widget = context["widget"]
    value = text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{text(widget["name"])}"{attrs(widget["attrs"])}>\n{value}</textarea>'


def render_label(context: dict) -> str:
    label = text(context["label"])
    if not context["use_tag"]:
        return label
    tag = text(context["tag"])
    return f"<{tag}{attrs(context['attrs'])}>{label}</{tag}>"


def render_error_list(context: dict) -> str:
    if context["errors"]:
        raise Fallback  # errors are rare: the template writes them
    return ""


def render_hidden_form(context: dict) -> str:
    """django/forms/div.html for a form of hidden fields alone, without errors: a formset's management form."""
    if context["errors"] or context["fields"]:
        raise Fallback
    return "".join(text(field) for field in context["hidden_fields"])


INPUTS = [
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "hidden",
    "input",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]
WRITERS: dict[str, Callable[[dict], str]] = {
    **{f"django/forms/widgets/{name}.html": render_input for name in INPUTS},
    "django/forms/widgets/select.html": render_select,
    "django/forms/widgets/checkbox_select.html": render_multiple_input,
    "django/forms/widgets/radio.html": render_multiple_input,
    "django/forms/widgets/multiple_input.html": render_multiple_input,
    "django/forms/widgets/textarea.html": render_textarea,
    "django/forms/label.html": render_label,
    "django/forms/errors/list/ul.html": render_error_list,
    "django/forms/errors/list/default.html": render_error_list,
    "django/forms/div.html": render_hidden_form,
    "admin/widgets/date.html": render_admin_date,
    "admin/widgets/time.html": render_admin_time,
}


# Writers that also write the templates these include: usable only while those are Django's own too.
INCLUDES = {
    "admin/widgets/date.html": ["django/forms/widgets/date.html", "django/forms/widgets/input.html"],
    "admin/widgets/time.html": ["django/forms/widgets/time.html", "django/forms/widgets/input.html"],
}


@functools.cache
def writers_for(fallback: BaseRenderer) -> dict[str, Callable[[dict], str]]:
    """The writers whose template `fallback` finds in Django itself (its forms or its admin): one an app or the
    project overrides is left to the template."""
    django_templates = [Path(django.forms.__file__).parent / "templates", Path(admin.__file__).parent / "templates"]
    usable = {}
    for template_name, writer in WRITERS.items():
        try:
            origin = Path(fallback.get_template(template_name).origin.name)
        except Exception:  # not a template engine with origins (or not found): write nothing
            continue
        if any(origin.is_relative_to(folder) for folder in django_templates):
            usable[template_name] = writer
    return {name: writer for name, writer in usable.items() if all(i in usable for i in INCLUDES.get(name, []))}


class PythonWidgetRenderer(BaseRenderer):
    """The configured renderer (settings.FORM_RENDERER), with the templates of WRITERS written in Python.

    Cheap to make: a form given the class as `default_renderer` makes one.
    """

    def __init__(self) -> None:
        self.fallback = get_default_renderer()
        self.form_template_name = self.fallback.form_template_name
        self.formset_template_name = self.fallback.formset_template_name
        self.field_template_name = self.fallback.field_template_name
        self.bound_field_class = getattr(self.fallback, "bound_field_class", None)

    @classmethod
    def shared(cls) -> PythonWidgetRenderer:
        """One instance per configured renderer: form classes built once (relations/admin_reuse.py) keep theirs."""
        return _shared(cls, get_default_renderer())

    def get_template(self, template_name):
        return self.fallback.get_template(template_name)

    def render(self, template_name, context, request=None):
        # Looked up at each call (a cached dict): an instance outlives a change of the templates it may write.
        writer = writers_for(self.fallback).get(template_name)
        if writer is not None and request is None:
            try:
                return mark_safe(writer(context))
            except (Fallback, KeyError, TypeError, AttributeError):
                pass  # an unexpected context: the template knows what to make of it
        return self.fallback.render(template_name, context, request)


@functools.lru_cache(maxsize=8)
def _shared(cls, fallback) -> PythonWidgetRenderer:
    return cls()
