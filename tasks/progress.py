"""When the completed tasks were completed: what the edition and track pages draw as their
progress over the weeks (hackathon/charts.py progress_chart).

A task counts once, on the day its first piece of work was completed (the earliest
``completed_on`` among its completed pieces of work), as tasks_completed counts it (tasks/stats.py);
an open call counts once per accepted entry, each on its own day. A task whose completed pieces
of work have no date counts under None. So the counts add up to the figures' tasks_completed.
"""

from django.db.models import Count, Exists, OuterRef, Q

from tasks.choices import WorkStatus
from tasks.models import Work


def completion_days(**task_filter):
    """[(date or None, tasks completed that day)], dates in order and None last, for the
    published tasks matching ``task_filter`` (``track=…`` or ``track__edition=…``): one query,
    grouped by day in the database, whatever the number of pieces of work."""
    # The other completed pieces of work of the row's task: counted like the row (its task is
    # published), so the status alone says it without joining the task again.
    siblings = Work.objects.filter(status=WorkStatus.COMPLETED, task=OuterRef("task")).exclude(
        pk=OuterRef("pk")
    )
    earlier = Exists(siblings.filter(completed_on__lt=OuterRef("completed_on")))
    dated = Exists(siblings.filter(completed_on__isnull=False))
    # The piece of work that dates its task: none earlier; an undated one only when none is dated.
    # Several on the same first day fall in one group, where the task is counted once.
    first = Q(completed_on__isnull=False) & ~earlier | Q(completed_on__isnull=True) & ~dated
    open_call = Q(task__open_call=True)
    rows = list(
        Work.objects.counted()
        .filter(**{f"task__{k}": v for k, v in task_filter.items()})
        .filter(open_call | first)
        .order_by()
        .values("completed_on")
        .annotate(
            tasks=Count("task", distinct=True, filter=~open_call),
            entries=Count("pk", filter=open_call),
        )
        .values_list("completed_on", "tasks", "entries")
    )
    days = sorted((day, tasks + entries) for day, tasks, entries in rows if day is not None)
    undated = sum(tasks + entries for day, tasks, entries in rows if day is None)
    return days + ([(None, undated)] if undated else [])
