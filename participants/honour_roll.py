"""The honour roll: every completed piece of work of an edition, per track, in published order."""

from itertools import groupby

from django.db.models import Prefetch

from tasks.models import Contribution, Work, task_order
from tasks.stats import points_expression, reward_expression


def honour_roll_for(edition):
    """[(track, [work, ...])] where each work carries ``points``, ``effective_reward`` and its
    contributions (with their people), in a fixed number of queries."""
    works = (
        Work.objects.counted()
        .filter(task__track__edition=edition)
        .select_related("task__track", "task__direction")
        .annotate(points=points_expression(), effective_reward=reward_expression())
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("participant").order_by("id"),
            )
        )
        .order_by(*task_order("task__"), "team", "id")
    )
    return [(track, list(rows)) for track, rows in groupby(works, key=lambda w: w.task.track)]
