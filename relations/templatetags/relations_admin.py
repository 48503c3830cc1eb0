"""`{% relations_result_list cl %}`: Django's `{% result_list cl %}` with the rows of relations/admin_rows.py;
`{% relations_tabular_inline inline_admin_formset %}` and `{% relations_stacked_inline inline_admin_formset %}`:
Django's tabular and stacked inlines written by relations/admin_inlines.py.
"""

from django import template

from ..admin_inlines import fieldset, list_filter, stacked, tabular
from ..admin_rows import result_list, results_table
from ..admin_sidebar import nav_sidebar

register = template.Library()


@register.simple_tag
def relations_result_list(cl):
    # Django's `{% result_list cl %}` renders admin/change_list_results.html; the same markup is written here, so
    # an app's or model's own version of that template is not used by the lists of this app.
    return results_table(result_list(cl))


@register.simple_tag(takes_context=True)
def relations_tabular_inline(context, inline_admin_formset):
    # Included by change_form.html inside its loop over the inlines: the last one gets its own class.
    loop = context.get("forloop")
    return tabular(inline_admin_formset, is_last=bool(loop and loop["last"]))


@register.simple_tag
def relations_stacked_inline(inline_admin_formset):
    return stacked(inline_admin_formset)


@register.simple_tag(takes_context=True)
def relations_fieldset(context):
    # Included with `fieldset`, `heading_level`, `prefix`, `id_prefix` and `id_suffix` in the context.
    return fieldset(
        context["fieldset"],
        heading_level=context.get("heading_level"),
        prefix=context.get("prefix", ""),
        id_prefix=context.get("id_prefix", ""),
        id_suffix=context.get("id_suffix", ""),
    )


@register.simple_tag
def relations_list_filter(title, choices):
    return list_filter(title, choices)


@register.simple_tag(takes_context=True)
def relations_nav_sidebar(context):
    return nav_sidebar(context)
