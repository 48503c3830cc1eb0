from django import template

register = template.Library()


@register.filter
def overdue_on(commitment, today) -> bool:
    """`{% if commitment|overdue_on:today %}`: the rule of Commitment.is_overdue (its day, month or year over)."""
    return commitment.is_overdue(today)
