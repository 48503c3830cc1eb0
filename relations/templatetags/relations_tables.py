"""`{% meeting_rows meetings home_country %}`: the rows of a meetings table (relations/meeting_tables.py)."""

from django import template

from ..meeting_tables import rows

register = template.Library()


@register.simple_tag
def meeting_rows(meetings, home_country=None):
    return rows(meetings, home_country)
