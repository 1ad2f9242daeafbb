from django import template

from tasks.models import format_stars

register = template.Library()


@register.filter
def stars(value):
    """Stars or points as organizers write them: 2, 0.5, 0.025 (no trailing zeros); "" for None."""
    return "" if value is None or value == "" else format_stars(value)
