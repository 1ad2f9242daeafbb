"""Task figures kept by the writer: each task's progress, and per track and direction how many
tasks are published, submitted and completed (TaskTally).

A task counts in its (track, direction) tally as published unless withdrawn; as submitted when its
furthest piece of work got past "claimed" (rejected included); as completed when a piece of work
is completed. An open call (one call, many accepted entries) counts once per accepted entry, in
each of the three, and once as published (and submitted) while it has none. When a task or its
work changes, ``task_moved`` takes the task out of the tally it counted in and puts it in the one
it counts in now: a few rows, whatever the size of the edition. Bulk writers (the import) call
``recount_edition`` once. ``recount_all`` is the repair.
"""

from django.db import router
from django.db.models import Case, Count, F, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from tasks.choices import SUBMITTED_STATUSES, TaskProgress, WorkStatus
from tasks.models import Task, TaskTally, Work
from tasks.stats import count_per_row

FURTHEST = Max(
    Case(
        # Disqualified work counts for nothing, not even as a claim.
        When(status=WorkStatus.DISQUALIFIED, then=Value(TaskProgress.OPEN)),
        When(status=WorkStatus.COMPLETED, then=Value(TaskProgress.COMPLETED)),
        When(status__in=SUBMITTED_STATUSES, then=Value(TaskProgress.SUBMITTED)),
        default=Value(TaskProgress.CLAIMED),
    )
)


def counts(withdrawn, progress, entries=None):
    """(published, submitted, completed) that a task adds to its tally.

    ``entries`` is an open call's number of accepted entries (None for other tasks): each counts
    as a task published and completed, and a call without any as one task, as results posts
    count them."""
    if withdrawn:
        return (0, 0, 0)
    submitted = progress >= TaskProgress.SUBMITTED
    if entries is None:
        return (1, int(submitted), int(progress == TaskProgress.COMPLETED))
    weight = max(1, entries)
    return (weight, weight if submitted else 0, entries)


ACCEPTED = Count("pk", filter=Q(status=WorkStatus.COMPLETED))


def progress_of(task_id, using=None):
    """How far the task's furthest piece of work got, and how many of its pieces of work are
    completed (one query)."""
    found = (
        Work.objects.using(using or router.db_for_read(Work))
        .filter(task=task_id)
        .aggregate(furthest=FURTHEST, accepted=ACCEPTED)
    )
    furthest = found["furthest"]
    return (TaskProgress.OPEN if furthest is None else furthest), found["accepted"]


def _add(using, cell, published, submitted, completed):
    track_id, direction_id = cell
    tallies = TaskTally.objects.using(using)
    mine = tallies.filter(track_id=track_id, direction_id=direction_id)
    if not mine.update(
        published=F("published") + published,
        submitted=F("submitted") + submitted,
        completed=F("completed") + completed,
    ):
        tallies.create(
            track_id=track_id,
            direction_id=direction_id,
            published=published,
            submitted=submitted,
            completed=completed,
        )


def task_moved(before, after, using="default"):
    """Move a task's counts from the tally of its state ``before`` to that of ``after``; each
    state is (track id, direction id, withdrawn, progress, an open call's accepted entries or
    None), or None when it did not or does not exist."""
    deltas = {}
    for state, sign in ((before, -1), (after, 1)):
        if state is None:
            continue
        track_id, direction_id, withdrawn, progress, entries = state
        cell = deltas.setdefault((track_id, direction_id), [0, 0, 0])
        for i, value in enumerate(counts(withdrawn, progress, entries)):
            cell[i] += sign * value
    for cell, delta in sorted(deltas.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        if any(delta):
            _add(using, cell, *delta)


def state(task, progress=None, accepted=None):
    """A task's state for task_moved, with its progress and accepted entries as recorded or as
    given."""
    progress = task.progress if progress is None else progress
    accepted = task.accepted if accepted is None else accepted
    entries = accepted if task.open_call else None
    return (task.track_id, task.direction_id, task.withdrawn, progress, entries)


def refresh_progress(task_id, using="default"):
    """Recompute a task's progress and accepted entries from its work; move its counts when
    they changed."""
    task = Task.objects.using(using).filter(pk=task_id).first()
    if task is None:
        return
    progress, accepted = progress_of(task_id, using)
    if (progress, accepted) != (task.progress, task.accepted):
        before = state(task)
        Task.objects.using(using).filter(pk=task_id).update(progress=progress, accepted=accepted)
        task.progress, task.accepted = progress, accepted
        task_moved(before, state(task), using)


def _recount(tasks, using):
    """Recompute the progress of ``tasks`` (a queryset) and the tallies of their tracks."""
    furthest = (
        Work.objects.filter(task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(furthest=FURTHEST)
        .values("furthest")
    )
    tasks.using(using).update(
        progress=Coalesce(Subquery(furthest), Value(TaskProgress.OPEN)),
        accepted=count_per_row(Work.objects.filter(status=WorkStatus.COMPLETED), "task"),
    )
    track_ids = set(tasks.using(using).values_list("track_id", flat=True).distinct())
    TaskTally.objects.using(using).filter(track_id__in=track_ids).delete()
    # counts() in SQL: a task counts once, an open call once per accepted entry (at least once).
    published = Q(withdrawn=False)
    weight = Case(When(open_call=True, accepted__gt=1, then=F("accepted")), default=Value(1))
    rows = (
        Task.objects.using(using)
        .filter(track_id__in=track_ids)
        .order_by()
        .values("track_id", "direction_id")
        .annotate(
            published=Coalesce(Sum(weight, filter=published), 0),
            submitted=Coalesce(
                Sum(weight, filter=published & Q(progress__gte=TaskProgress.SUBMITTED)), 0
            ),
            completed=Coalesce(
                Sum(
                    Case(
                        When(open_call=True, then=F("accepted")),
                        When(progress=TaskProgress.COMPLETED, then=Value(1)),
                        default=Value(0),
                    ),
                    filter=published,
                ),
                0,
            ),
        )
    )
    TaskTally.objects.using(using).bulk_create(TaskTally(**row) for row in rows)


def recount_edition(edition_id, using="default"):
    """Recount an edition's task progress and tallies: what bulk writers call once."""
    _recount(Task.objects.filter(track__edition=edition_id), using)


def recount_all(using="default"):
    """Recount every task's progress and every tally: the repair."""
    TaskTally.objects.using(using).all().delete()
    _recount(Task.objects.all(), using)
