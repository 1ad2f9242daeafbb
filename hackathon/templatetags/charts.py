from django import template
from django.utils.translation import gettext as _

from hackathon.charts import board_chart, points_chart

register = template.Library()


@register.simple_tag
def direction_chart(board):
    """The board by direction (tasks.stats.DirectionRow lines) as bars (hackathon/charts.py)."""
    return board_chart(
        [(line.local_name if line.name else _("No direction"), line.figures) for line in board]
    )


@register.simple_tag
def profile_chart(profile):
    """A person's points per edition (participants.profile.Profile), oldest edition first."""
    parts = [part for part in reversed(profile.editions) if part.standing]
    return points_chart(
        [
            (part.edition.local_name, part.standing["points"], part.standing["rank"])
            for part in parts
        ]
    )
