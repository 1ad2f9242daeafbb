"""What changed today in a track: its tasks, pieces of work and credits, from their history
(hackathon/history.py), newest first, with who changed them and why. The organizers' view of what
the webhooks (and everybody else) did since midnight, Beijing time (the tracks' admin page).

Three queries for the day's records, one for the earlier records they are compared with, and one
for the tasks they belong to, whatever the number of changes.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import Contribution, Task, Work, field_text

MAX_CHANGES = 500
# The fields of a record whose moves are worth a line, in the order they are told.
WORK_FIELDS = ["status", "grade", "awarded_stars", "reward", "pr_urls", "completed_on", "team"]
TASK_FIELDS = ["title", "stars", "withdrawn", "open_call"]


@dataclass(frozen=True)
class Change:
    at: datetime.datetime
    subject: str  # "NO.33 为 Paddle 新增 … · zeroRains"
    text: str  # "status: PR submitted → Completed"
    user: str  # who, or "" (a webhook, an import from the command line)
    reason: str


def start_of_today(now=None):
    now = timezone.localtime(now or timezone.now())
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _moves(record, previous, fields, model):
    """'field: before → after' for each field that moved (every field that is set, for a new
    record; "deleted" for a removed one)."""
    if record.history_type == "-":
        return _("deleted")
    moves = []
    for name in fields:
        after = field_text(record, name)
        before = field_text(previous, name) if previous is not None else ""
        if previous is None and after in ("", "False"):
            continue  # a new record: only what it was given
        if after != before:
            label = model._meta.get_field(name).verbose_name
            moves.append(f"{label}: {before or '–'} → {after or '–'}")
    return "; ".join(moves)


def _previous(model, ids, before, id_field="id"):
    """{record id: its last history row before ``before``}: one query."""
    rows = model.history.filter(**{f"{id_field}__in": ids}, history_date__lt=before)
    latest = {}
    for row in rows.order_by("history_date", "history_id"):
        latest[getattr(row, id_field)] = row
    return latest


def changes_today(track, now=None):
    """The day's changes to the track's tasks, pieces of work and credits, newest first."""
    start = start_of_today(now)
    tasks = {task.pk: task for task in Task.objects.filter(track=track)}
    work_rows = list(
        Work.history.filter(task_id__in=tasks, history_date__gte=start)
        .select_related("history_user")
        .order_by("history_date", "history_id")[:MAX_CHANGES]
    )
    task_rows = list(
        Task.history.filter(track_id=track.pk, history_date__gte=start)
        .select_related("history_user")
        .order_by("history_date", "history_id")[:MAX_CHANGES]
    )
    credit_rows = list(
        Contribution.history.filter(work__task__track=track, history_date__gte=start)
        .select_related("history_user", "participant", "work__task")
        .order_by("history_date", "history_id")[:MAX_CHANGES]
    )
    previous_works = _previous(Work, {row.id for row in work_rows}, start)
    previous_tasks = _previous(Task, {row.id for row in task_rows}, start)
    logins = {}
    for row in credit_rows:
        logins.setdefault(row.work_id, set()).add(row.participant.login)
    current = Contribution.objects.filter(work__task__track=track).select_related("participant")
    for contribution in current:
        logins.setdefault(contribution.work_id, set()).add(contribution.participant.login)

    changes = []
    for row in work_rows:
        task = tasks.get(row.task_id)
        who = row.team or ", ".join(sorted(logins.get(row.id, ()), key=str.lower))
        text = _moves(row, previous_works.get(row.id), WORK_FIELDS, Work)
        previous_works[row.id] = row
        if text:
            subject = f"{task.code} {task.title} · {who}" if task else who
            changes.append(_change(row, subject, text))
    for row in task_rows:
        text = _moves(row, previous_tasks.get(row.id), TASK_FIELDS, Task)
        previous_tasks[row.id] = row
        if text:
            changes.append(_change(row, f"{row.code} {row.title}", text))
    for row in credit_rows:
        task = row.work.task if row.work_id else None
        subject = f"{task.code} {task.title}" if task else ""
        text = (
            _("%(login)s credited") if row.history_type == "+" else _("%(login)s's credit removed")
        ) % {"login": row.participant.login}
        if row.history_type != "~":
            changes.append(_change(row, subject, text))
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:MAX_CHANGES]


def _change(row, subject, text):
    user = row.history_user.get_username() if row.history_user_id else ""
    return Change(row.history_date, subject, text, user, row.history_change_reason or "")
