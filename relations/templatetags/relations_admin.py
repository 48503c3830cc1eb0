"""`{% relations_result_list cl %}`: Django's `{% result_list cl %}` with the rows of relations/admin_rows.py."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from ..admin_rows import result_list

register = template.Library()


@register.tag(name="relations_result_list")
def relations_result_list_tag(parser, token):
    # As Django registers its own: change_list_results.html, overridable per app and model.
    return InclusionAdminNode(
        parser, token, func=result_list, template_name="change_list_results.html", takes_context=False
    )
