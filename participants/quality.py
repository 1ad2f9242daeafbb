"""The organizers' data-quality report of an edition: what to look at before the results are
published (docs/figures.md, "Data quality").

Each check is one query and yields findings: what is wrong, the rows behind it, and the admin page
that fixes each row. ``manage.py check_results --edition SLUG`` prints the report and exits
non-zero when there is anything to look at (for a CI of the organizers' own data); the edition's
admin page shows it with links.

Two kinds of problem the report does not look for, because the database cannot hold them: logins
differing only in case or a leading "@" (logins are unique ignoring case, and "@" is not a login
character), and rows of one task that disagree (a task is one row; the import refuses a file whose
rows disagree).
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from participants.payouts import ORGANIZERS, payouts_for
from tasks.choices import TaskProgress, WorkStatus
from tasks.models import Task, Work, task_order
from tasks.stats import edition_figures, track_figures
from tracks.choices import TrackKind
from tracks.models import Figure, Track

# Findings listed per check at most; the count is always complete.
MAX_ROWS = 200


@dataclass(frozen=True)
class Item:
    """A row behind a finding, with the admin page where it is fixed."""

    label: str
    admin_url: str


@dataclass
class Finding:
    code: str
    title: str
    items: list[Item] = field(default_factory=list)
    count: int = 0


def _work_label(work):
    people = ", ".join(c.participant.login for c in work.contributions.all())
    team = f"{work.team} · " if work.team else ""
    return f"{work.task.track.local_name} {work.task.code} {work.task.title} · {team}{people}"


def _works(code, title, works):
    works = works.select_related("task__track").prefetch_related("contributions__participant")
    count = works.count()
    items = [
        Item(_work_label(work), reverse("admin:tasks_work_change", args=[work.pk]))
        for work in works.order_by(*task_order("task__"), "pk")[:MAX_ROWS]
    ]
    return Finding(code, title, items, count)


def report(edition) -> list[Finding]:
    """Every check's finding for the edition, those with something to look at first."""
    works = Work.objects.filter(task__track__edition=edition)
    completed = works.filter(status=WorkStatus.COMPLETED)
    findings = [
        _works(
            "completed_without_pr",
            _("Completed work without a pull request link"),
            completed.exclude(task__track__kind=TrackKind.CAMP).filter(pr_urls=""),
        ),
        _works(
            "completed_after_end",
            _("Completed after the edition's end"),
            completed.filter(completed_on__gt=edition.ends_on)
            if edition.ends_on
            else completed.none(),
        ),
        _works(
            "withdrawn_with_completed_work",
            _("Completed work on a withdrawn task (it counts nowhere)"),
            completed.filter(task__withdrawn=True),
        ),
        _works(
            "camp_graduate_without_grade",
            _("A camp graduate without a grade"),
            completed.filter(task__track__kind=TrackKind.CAMP, grade=""),
        ),
        _works(
            "up_to_without_awarded_stars",
            _("Completed work on an “up to” task without awarded stars (it counts the bound)"),
            completed.filter(task__stars_up_to=True, awarded_stars__isnull=True),
        ),
        _works(
            "awarded_above_bound",
            _("Awarded stars above an “up to” task's bound"),
            works.filter(task__stars_up_to=True, awarded_stars__gt=F("task__stars")),
        ),
        _above_cap(edition),
        _shared_tracking_issues(edition),
        _tasks_without_stars(edition),
        _announced_figures(edition),
    ]
    return sorted(findings, key=lambda finding: finding.count == 0)


def _above_cap(edition):
    finding = Finding("above_cap", _("People earning more than the reward cap from the organizers"))
    if edition.reward_cap is None:
        return finding
    above = [
        payout
        for payout in payouts_for(edition)
        if payout.payer == ORGANIZERS and (payout.reward_uncapped or 0) > edition.reward_cap
    ]
    url = reverse("admin:hackathon_edition_payouts", args=[edition.pk])
    finding.items = [
        Item(f"{payout.login}: ¥{payout.reward_uncapped:,} → ¥{payout.reward:,}", url)
        for payout in above[:MAX_ROWS]
    ]
    finding.count = len(above)
    return finding


def _shared_tracking_issues(edition):
    shared = (
        Track.objects.filter(edition=edition)
        .exclude(tracking_issue_url="")
        .values("tracking_issue_url")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("tracking_issue_url")
    )
    tracks = Track.objects.filter(edition=edition, tracking_issue_url__in=shared).order_by("order")
    items = [
        Item(
            f"{track.local_name}: {track.tracking_issue_url}",
            reverse("admin:tracks_track_change", args=[track.pk]),
        )
        for track in tracks
    ]
    return Finding(
        "shared_tracking_issue", _("A tracking issue named by two tracks"), items, len(items)
    )


def _tasks_without_stars(edition):
    tasks = Task.objects.filter(
        track__edition=edition, withdrawn=False, stars__isnull=True
    ).exclude(track__kind=TrackKind.CAMP)
    if edition.yuan_per_star is None:
        tasks = tasks.none()
    tasks = tasks.filter(
        Q(works__status=WorkStatus.COMPLETED, works__reward__isnull=True)
    ).distinct()
    items = [
        Item(
            f"{task.track.local_name} {task.code} {task.title}",
            reverse("admin:tasks_task_change", args=[task.pk]),
        )
        for task in tasks.select_related("track").order_by(*task_order())[:MAX_ROWS]
    ]
    return Finding(
        "completed_without_stars_or_reward",
        _("Completed tasks with neither stars nor a reward (their reward is unknown)"),
        items,
        tasks.count(),
    )


# The admin list that shows the rows behind each figure, filtered to the edition or the track.
FIGURE_ROWS = {
    Figure.TASKS_PUBLISHED: ("admin:tasks_task_changelist", {"withdrawn__exact": "0"}),
    Figure.TASKS_SUBMITTED: ("admin:tasks_task_changelist", {"withdrawn__exact": "0"}),
    Figure.TASKS_COMPLETED: (
        "admin:tasks_task_changelist",
        {"withdrawn__exact": "0", "progress": str(TaskProgress.COMPLETED.value)},
    ),
    Figure.PARTICIPANTS: ("admin:tasks_work_changelist", {"task__withdrawn__exact": "0"}),
    Figure.DEVELOPERS_COMPLETED: (
        "admin:tasks_work_changelist",
        {"task__withdrawn__exact": "0", "status__exact": WorkStatus.COMPLETED.value},
    ),
}


def _rows_url(figure, edition, track):
    name, query = FIGURE_ROWS[figure]
    prefix = "track__" if name == "admin:tasks_task_changelist" else "task__track__"
    scope = (
        {f"{prefix}id__exact": track.pk} if track else {f"{prefix}edition__id__exact": edition.pk}
    )
    return f"{reverse(name)}?{urlencode({**scope, **query})}"


def _announced_figures(edition):
    """The figures the organizers will announce (the edition's announced figures) that differ
    from those computed from the data, each linked to the admin list of the rows behind it."""
    announced = list(edition.announced_figures.select_related("track"))
    if not announced:
        return Finding("announced_figures", _("Figures that differ from what the post will say"))
    edition_computed = edition_figures(edition)
    computed_by_track = track_figures(edition)
    items = []
    for figure in announced:
        computed = getattr(
            computed_by_track[figure.track_id] if figure.track else edition_computed, figure.figure
        )
        if computed == figure.value:
            continue
        scope = figure.track.local_name if figure.track else edition.local_name
        label = _(
            "%(scope)s, %(figure)s: the post will say %(announced)d, the data gives %(computed)d"
        ) % {
            "scope": scope,
            "figure": figure.get_figure_display(),
            "announced": figure.value,
            "computed": computed,
        }
        items.append(Item(label, _rows_url(figure.figure, edition, figure.track)))
    return Finding(
        "announced_figures",
        _("Figures that differ from what the post will say"),
        items,
        len(items),
    )
