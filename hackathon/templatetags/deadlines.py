import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def deadline(value):
    """A deadline as organizers write it, in the site's time zone: midnight is the end of the day
    before ("2025-01-30 24:00", as the results post says), any other time "2025-01-30 18:00"."""
    if not value:
        return ""
    moment = timezone.localtime(value)
    if moment.time() == datetime.time():
        return f"{(moment.date() - datetime.timedelta(days=1)).isoformat()} 24:00"
    return moment.strftime("%Y-%m-%d %H:%M")
