"""Admin markup written in Python: Django's admin/edit_inline/tabular.html and stacked.html,
admin/includes/fieldset.html and admin/filter.html.

A meeting's change form is mostly its inline tables; through the template each cell cost a dozen variable lookups
and tag renders (a third of the page's time). The helpers that decide what a cell holds (InlineAdminFormSet and its
forms, fieldsets, lines and fields) are Django's, used as the template uses them; only the writing differs, and
only in whitespace between tags (tests/test_admin_inlines.py compares the two as HTML).
"""

from __future__ import annotations

import re

from django.contrib.admin.templatetags.admin_modify import cell_count
from django.contrib.admin.utils import quote
from django.contrib.admin.widgets import AutocompleteMixin
from django.forms import HiddenInput, ModelChoiceField
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext

from .memo import remember, url_key
from .rendering import text


def safe_filter(function, value) -> str:
    """`{{ value|f }}` for a string filter marked is_safe (capfirst, striptags): escaped unless it was safe."""
    result = function(str(value))
    return result if isinstance(value, SafeData) else conditional_escape(result)


_headers: dict = {}


def header(formset_admin) -> str:
    if not reusable(formset_admin):
        return write_header(formset_admin)
    return remember(_headers, reuse_key(formset_admin), lambda: write_header(formset_admin))


def write_header(formset_admin) -> str:
    cells = ['<th class="original"></th>']
    for field in formset_admin.fields():
        widget = field["widget"]
        hidden = widget["is_hidden"] if isinstance(widget, dict) else widget.is_hidden
        classes = f"column-{text(field['name'])}{' required' if field['required'] else ''}{' hidden' if hidden else ''}"
        help_icon = ""
        if field["help_text"]:
            tip = safe_filter(strip_tags, field["help_text"])
            help_icon = (
                f'<img src="{conditional_escape(static("admin/img/icon-unknown.svg"))}" class="help help-tooltip" '
                f'width="10" height="10" alt="({tip})" title="{tip}">'
            )
        cells.append(f'<th class="{classes}">{safe_filter(capfirst, field["label"])}\n{help_icon}\n</th>')
    formset = formset_admin.formset
    delete = text(gettext("Delete?")) if formset.can_delete and formset_admin.has_delete_permission else ""
    cells.append(f"<th>{delete}</th>")
    return "<thead><tr>" + "\n".join(cells) + "</tr></thead>"


def change_link(formset_admin, inline_form) -> str:
    """The link to a row's own change (or view) page, when its inline shows one."""
    model_admin = inline_form.model_admin
    if not (model_admin.show_change_link and model_admin.has_registered_model):
        return ""
    opts = model_admin.opts
    try:
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(inline_form.original.pk)],
            current_app=model_admin.admin_site.name,  # as the template's {% url %} takes it from the request
        )
    except NoReverseMatch:
        return ""
    can_change = formset_admin.has_change_permission
    link_class = "inlinechangelink" if can_change else "inlineviewlink"
    label = gettext("Change") if can_change else gettext("View")
    return f' <a href="{conditional_escape(url)}" class="{link_class}">{text(label)}</a>'


def original_cell(formset_admin, inline_form) -> str:
    parts = ['<td class="original">']
    original = inline_form.original
    if original or inline_form.show_url:
        parts.append("<p>")
        if original:
            parts.append(text(original))
            parts.append(change_link(formset_admin, inline_form))
        if inline_form.show_url:
            parts.append(f' <a href="{text(inline_form.absolute_url)}">{text(gettext("View on site"))}</a>')
        parts.append("</p>")
    if inline_form.needs_explicit_pk_field():
        parts.append(text(inline_form.pk_field().field))
    fk_field = inline_form.fk_field()
    if fk_field:
        parts.append(text(fk_field.field))
    parts.append("</td>")
    return "\n".join(parts)


def field_cells(inline_form) -> list[str]:
    cells = []
    for fieldset in inline_form:
        for line in fieldset:
            for field in line:
                name = field.field.name if not field.is_readonly else field.field["name"]
                hidden = field.field["is_hidden"] if field.is_readonly else field.field.is_hidden
                classes = (f"field-{text(name)}" if name else "") + (" hidden" if hidden else "")
                if field.is_readonly:
                    content = f"<p>{text(field.contents())}</p>"
                else:
                    content = f"{text(field.field.errors.as_ul())}\n{text(field.field)}"
                cells.append(f'<td class="{classes}">\n{content}\n</td>')
    return cells


def row(formset_admin, inline_form, index: int, empty: bool) -> str:
    formset = formset_admin.formset
    can_delete = formset.can_delete and formset_admin.has_delete_permission
    classes = "form-row " + ("has_original" if inline_form.original or inline_form.show_url else "")
    classes += " empty-form" if empty else ""
    row_id = f"{text(formset.prefix)}-{'empty' if empty else index}"
    delete = text(inline_form.deletion_field().field) if can_delete and inline_form.original else ""
    cells = [
        original_cell(formset_admin, inline_form),
        *field_cells(inline_form),
        f'<td class="delete">{delete}</td>',
    ]
    return f'<tr class="{classes}"\n id="{row_id}">\n' + "\n".join(cells) + "\n</tr>"


# Widgets of a related field that list no rows: the row's key alone, or an autocomplete that asks as one types.
ROWLESS_WIDGETS = (HiddenInput, AutocompleteMixin)


def reusable(formset_admin) -> bool:
    """Whether the inline's header and blank row may be written once for its formset class: a class kept for later
    requests (relations/admin_reuse.py), not bound to submitted data, whose blank form holds nothing read from the
    database (a select of rows rather than an autocomplete) or computed when it is made (a callable default)."""
    formset = formset_admin.formset
    formset_class = type(formset)
    if not getattr(formset_class, "reused", False) or formset.is_bound:
        return False
    # Decided once per class: a blank form is built from the class alone, and building one costs a millisecond.
    return remember(_reusable_classes, formset_class, lambda: holds_nothing_variable(formset.empty_form))


_reusable_classes: dict = {}


def holds_nothing_variable(form) -> bool:
    for field in form.fields.values():
        widget = getattr(field.widget, "widget", field.widget)
        if callable(field.initial) or (isinstance(field, ModelChoiceField) and not isinstance(widget, ROWLESS_WIDGETS)):
            return False
    return True


def reuse_key(formset_admin) -> tuple:
    """What an inline's header and blank row depend on: its formset class (built per permissions and language,
    relations/admin_reuse.py), the permissions, read-only fields and language."""
    formset = formset_admin.formset
    return (
        type(formset),
        formset.prefix,
        formset_admin.has_add_permission,
        formset_admin.has_change_permission,
        formset_admin.has_delete_permission,
        formset_admin.has_view_permission,
        tuple(formset_admin.readonly_fields),
        get_language(),
        *url_key(),
    )


# The blank form "Add another" copies, by formset class, permissions and language (and for a stacked inline, the
# number of forms before it, which its headings' ids hold): the same for every meeting but for the meeting's key in
# its hidden link field, written in at each use.
_blank_rows: dict = {}
PARENT_MARK = "relationsparent7f3c"


def parent_link_marks(formset_admin) -> tuple[str, str] | None:
    """The blank form's link to its parent as written (its key in it) and as remembered (a mark in its place);
    None when the blank form is not to be remembered."""
    formset = formset_admin.formset
    fk, parent = getattr(formset, "fk", None), getattr(formset, "instance", None)
    if fk is None or parent is None or parent.pk is None or not reusable(formset_admin):
        return None
    name = f'name="{text(formset.prefix)}-__prefix__-{text(fk.name)}"'
    return f'{name} value="{text(parent.pk)}"', f'{name} value="{PARENT_MARK}"'


def remembered_blank(formset_admin, *key) -> str | None:
    """The blank form's markup as written for an earlier request, this parent's key in it; None if there is none."""
    marks = parent_link_marks(formset_admin) if formset_admin.has_add_permission else None
    markup = None if marks is None else _blank_rows.get((reuse_key(formset_admin), *key))
    return None if markup is None else markup.replace(marks[1], marks[0])


def remember_blank(formset_admin, markup: str, *key) -> str:
    """`markup`, kept for later requests when it holds the parent's key once, where it is expected (otherwise the
    blank form is written every time)."""
    marks = parent_link_marks(formset_admin)
    if marks is not None and markup.count(marks[0]) == 1 and PARENT_MARK not in markup:
        remember(_blank_rows, (reuse_key(formset_admin), *key), lambda: markup.replace(*marks))
    return markup


def inline_forms(formset_admin, blank: str | None) -> list:
    """The inline's admin forms; without the blank one when its markup is remembered (the blank form itself is
    then never built: relations/admin_reuse.InlineFormSet.empty_form)."""
    forms = list(formset_admin)
    return forms[:-1] if blank is not None else forms


def rows(formset_admin) -> list[str]:
    blank = remembered_blank(formset_admin, "tabular")
    forms = inline_forms(formset_admin, blank)
    found = []
    for index, inline_form in enumerate(forms):
        errors = inline_form.form.non_field_errors()
        if errors:
            found.append(
                f'<tr class="row-form-errors"><td colspan="{text(cell_count(inline_form))}">{text(errors)}</td></tr>'
            )
        if blank is None and index == len(forms) - 1 and formset_admin.has_add_permission:
            found.append(remember_blank(formset_admin, row(formset_admin, inline_form, index, empty=True), "tabular"))
        else:
            found.append(row(formset_admin, inline_form, index, empty=False))
    if blank is not None:
        found.append(blank)
    return found


def tabular(formset_admin, is_last: bool) -> str:
    """The inline's table, as admin/edit_inline/tabular.html writes it."""
    formset = formset_admin.formset
    prefix = text(formset.prefix)
    collapsible = formset_admin.is_collapsible
    name = formset_admin.opts.verbose_name if formset.max_num == 1 else formset_admin.opts.verbose_name_plural
    parts = [
        f'<div class="js-inline-admin-formset inline-group" id="{prefix}-group"\n data-inline-type="tabular"\n'
        f' data-inline-formset="{text(formset_admin.inline_formset_data())}">',
        f'<div class="tabular inline-related {"last-related" if is_last else ""}">',
        text(formset.management_form),
        f'<fieldset class="module {text(formset_admin.classes)}" aria-labelledby="{prefix}-heading">',
        "<details><summary>" if collapsible else "",
        f'<h2 id="{prefix}-heading" class="inline-heading">\n{safe_filter(capfirst, name)}\n</h2>',
        "</summary>" if collapsible else "",
        text(formset.non_form_errors()),
        "<table>",
        header(formset_admin),
        "<tbody>",
        *rows(formset_admin),
        "</tbody>",
        "</table>",
        "</details>" if collapsible else "",
        "</fieldset>",
        "</div>",
        "</div>",
    ]
    return mark_safe("\n".join(parts))


def stacked(formset_admin) -> str:
    """The inline's forms one under the other, as admin/edit_inline/stacked.html writes them."""
    formset = formset_admin.formset
    opts = formset_admin.opts
    prefix = text(formset.prefix)
    collapsible = formset_admin.is_collapsible
    name = opts.verbose_name if formset.max_num == 1 else opts.verbose_name_plural
    parts = [
        f'<div class="js-inline-admin-formset inline-group" id="{prefix}-group" data-inline-type="stacked"'
        f' data-inline-formset="{text(formset_admin.inline_formset_data())}">',
        f'<fieldset class="module {text(formset_admin.classes)}" aria-labelledby="{prefix}-heading">',
        "<details><summary>" if collapsible else "",
        f'<h2 id="{prefix}-heading" class="inline-heading">\n{safe_filter(capfirst, name)}\n</h2>',
        "</summary>" if collapsible else "",
        text(formset.management_form),
        text(formset.non_form_errors()),
    ]
    blank_key = ("stacked", len(formset.forms))
    blank = remembered_blank(formset_admin, *blank_key)
    forms = inline_forms(formset_admin, blank)
    can_delete = formset.can_delete and formset_admin.has_delete_permission
    verbose_name = safe_filter(capfirst, opts.verbose_name)
    for index, inline_form in enumerate(forms):
        empty = index == len(forms) - 1 and formset_admin.has_add_permission and blank is None
        original = inline_form.original
        classes = "inline-related"
        classes += " has_original" if original or inline_form.show_url else ""
        classes += " empty-form last-related" if empty else ""
        label = text(original) + change_link(formset_admin, inline_form) if original else f"#{index + 1}"
        view = ""
        if inline_form.show_url:
            view = f'<a href="{text(inline_form.absolute_url)}">{text(gettext("View on site"))}</a>'
        delete = ""
        if can_delete and original:
            deletion = inline_form.deletion_field()
            delete = f'<span class="delete">{text(deletion.field)} {text(deletion.label_tag())}</span>'
        form_parts = [
            f'<div class="{classes}" id="{prefix}-{"empty" if empty else index}">',
            f'<h3><b>{verbose_name}:</b> <span class="inline_label">{label}</span>\n{view}\n{delete}\n</h3>',
            text(inline_form.form.non_field_errors()),
            *(
                fieldset(part, heading_level=4, prefix=part.formset.prefix, id_prefix=index, id_suffix=counter)
                for counter, part in enumerate(inline_form)
            ),
            text(inline_form.pk_field().field) if inline_form.needs_explicit_pk_field() else "",
            text(inline_form.fk_field().field) if inline_form.fk_field() else "",
            "</div>",
        ]
        markup = "\n".join(part for part in form_parts if part)
        parts.append(remember_blank(formset_admin, markup, *blank_key) if empty else markup)
    if blank is not None:
        parts.append(blank)
    parts += ["</details>" if collapsible else "", "</fieldset>", "</div>"]
    return mark_safe("\n".join(part for part in parts if part))


def field_attr(field, name: str):
    """`field.field.<name>` as the template reads it: a bound field's attribute or a read-only field's key."""
    if field.is_readonly:
        return field.field.get(name, "")
    return getattr(field.field, name)


def fieldset(fieldset, heading_level=2, prefix="", id_prefix="", id_suffix="") -> str:
    """A fieldset of a form or of a stacked inline's form, as admin/includes/fieldset.html writes it."""
    heading_id = f"{text(prefix)}-{text(id_prefix)}-{text(id_suffix)}-heading"
    labelled = f' aria-labelledby="{heading_id}"' if fieldset.name else ""
    parts = [f'<fieldset class="module aligned {text(fieldset.classes)}"{labelled}>']
    collapsible = fieldset.name and fieldset.is_collapsible
    if fieldset.name:
        level = text(heading_level or 2)
        parts += [
            "<details><summary>" if fieldset.is_collapsible else "",
            f'<h{level} id="{heading_id}" class="fieldset-heading">{text(fieldset.name)}</h{level}>',
            "</summary>" if fieldset.is_collapsible else "",
        ]
    if fieldset.description:
        parts.append(f'<div class="description">{fieldset.description}</div>')
    for line in fieldset:
        fields = list(line)
        single = len(line.fields) == 1
        classes = "form-row"
        if single and line.errors():
            classes += " errors"
        if not line.has_visible_field:
            classes += " hidden"
        for field in fields:
            name = field_attr(field, "name")
            classes += f" field-{text(name)}" if name else ""
        parts.append(f'<div class="{classes}">')
        parts.append(text(line.errors()) if single else '<div class="flex-container form-multiline">')
        for field in fields:
            parts.append("<div>")
            if not single and not field.is_readonly:
                parts.append(text(field.errors()))
            box = "flex-container"
            if not single:
                box += " fieldBox"
                name = field_attr(field, "name")
                box += f" field-{text(name)}" if name else ""
                box += " errors" if not field.is_readonly and field.errors() else ""
                box += " hidden" if field_attr(field, "is_hidden") else ""
            box += " checkbox-row" if field.is_checkbox else ""
            parts.append(f'<div class="{box}">')
            if field.is_checkbox:
                parts.append(f"{text(field.field)}{text(field.label_tag())}")
            else:
                parts.append(text(field.label_tag()))
                if field.is_readonly:
                    parts.append(f'<div class="readonly">{text(field.contents())}</div>')
                else:
                    parts.append(text(field.field))
            parts.append("</div>")
            help_text = field_attr(field, "help_text")
            if help_text:
                hidden = " hidden" if field_attr(field, "is_hidden") else ""
                label_id = field_attr(field, "id_for_label")
                help_id = f' id="{text(label_id)}_helptext"' if label_id else ""
                parts.append(f'<div class="help{hidden}"{help_id}>\n<div>{help_text}</div>\n</div>')
            parts.append("</div>")
        if not single:
            parts.append("</div>")
        parts.append("</div>")
    if collapsible:
        parts.append("</details>")
    parts.append("</fieldset>")
    return mark_safe("\n".join(part for part in parts if part))


# Characters of a query string that iri_to_uri() leaves as they are.
ENCODED_QUERY = re.compile(r"[A-Za-z0-9_.~%+=&?/-]*")


def list_filter(title, choices) -> str:
    """A list filter's choices, as admin/filter.html writes them (a country filter has hundreds)."""
    by = gettext(" By %(filter_title)s ") % {"filter_title": text(title)}
    items = []
    for choice in choices:
        selected = ' class="selected"' if choice["selected"] else ""
        query = choice["query_string"]
        # A query string made by urlencode() is already what iri_to_uri() would make of it.
        href = text(query if ENCODED_QUERY.fullmatch(query) else iri_to_uri(query))
        display = text(choice["display"])
        items.append(f'<li{selected}>\n<a href="{href}">{display}</a></li>')
    return mark_safe(
        f'<details data-filter-title="{text(title)}" open>\n<summary>\n{by}\n</summary>\n<ul>\n'
        + "\n".join(items)
        + "\n</ul>\n</details>"
    )
