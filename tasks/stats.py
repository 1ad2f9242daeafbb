"""The figures of DESIGN.md, computed in the database: one aggregate query per call.

Pages, the API, exports and the admin all read figures from here; nothing else computes them.

- tasks_published: tasks that were not withdrawn;
- tasks_submitted: published tasks with a piece of work past "claimed" (rejected included);
- tasks_completed: published tasks with a completed piece of work;
- participants: distinct people on any piece of work of a published task;
- developers_completed: distinct people on a completed piece of work.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import Coalesce

from tasks.choices import GRADE_STARS, SUBMITTED_STATUSES, WorkStatus
from tasks.models import Task
from tracks.models import Milestone

FIGURE_NAMES = [
    "tasks_published",
    "tasks_submitted",
    "tasks_completed",
    "completion_rate",
    "submission_rate",
    "participants",
    "developers_completed",
]


@dataclass(frozen=True)
class Figures:
    tasks_published: int = 0
    tasks_submitted: int = 0
    tasks_completed: int = 0
    participants: int = 0
    developers_completed: int = 0

    @property
    def completion_rate(self):
        """tasks_completed / tasks_published, unrounded; 0 when nothing is published."""
        return self.tasks_completed / self.tasks_published if self.tasks_published else 0

    @property
    def submission_rate(self):
        return self.tasks_submitted / self.tasks_published if self.tasks_published else 0

    @property
    def completion_percent(self):
        return whole_percent(self.tasks_completed, self.tasks_published)

    @property
    def submission_percent(self):
        return whole_percent(self.tasks_submitted, self.tasks_published)

    def as_dict(self):
        return {name: getattr(self, name) for name in FIGURE_NAMES}


def whole_percent(part, whole):
    """A rate as a whole percent, rounded half up (27/58 → 47)."""
    if not whole:
        return 0
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def figure_aggregates(prefix=""):
    """The Count expressions of the figures, over tasks reached through ``prefix``."""
    task = prefix
    work = f"{prefix}works__"
    person = f"{work}contributions__participant"
    return {
        "tasks_published": Count(f"{task}id", distinct=True),
        "tasks_submitted": Count(
            f"{task}id", filter=Q(**{f"{work}status__in": SUBMITTED_STATUSES}), distinct=True
        ),
        "tasks_completed": Count(
            f"{task}id", filter=Q(**{f"{work}status": WorkStatus.COMPLETED}), distinct=True
        ),
        "participants": Count(person, distinct=True),
        "developers_completed": Count(
            person, filter=Q(**{f"{work}status": WorkStatus.COMPLETED}), distinct=True
        ),
    }


def _figures(row):
    return Figures(**{name: row[name] for name in figure_aggregates()})


def figures_for_tasks(tasks):
    """Figures over a queryset of tasks (withdrawn ones are left out here)."""
    return _figures(tasks.published().aggregate(**figure_aggregates()))


def edition_figures(edition):
    """The edition's figures; a person in two tracks counts once."""
    return figures_for_tasks(Task.objects.for_edition(edition))


def figures_by(tasks, field):
    """Figures of published tasks grouped by ``field``: {value of field: Figures}."""
    rows = tasks.published().order_by().values(field).annotate(**figure_aggregates())
    return {row[field]: _figures(row) for row in rows}


def track_figures(edition, tracks=None):
    """{track id: Figures} for every track of the edition, tracks without tasks included.

    Pass the edition's tracks when the caller has them already, to save their query.
    """
    by_track = figures_by(Task.objects.for_edition(edition), "track")
    tracks = edition.tracks.all() if tracks is None else tracks
    return {track.pk: by_track.get(track.pk, Figures()) for track in tracks}


def editions_figures(editions):
    """{edition id: Figures} for several editions in one query."""
    ids = [edition.pk for edition in editions]
    by_edition = figures_by(Task.objects.filter(track__edition__in=ids), "track__edition")
    return {pk: by_edition.get(pk, Figures()) for pk in ids}


@dataclass(frozen=True)
class DirectionRow:
    """A line of the organizers' board: 任务方向 | 任务数量 | 提交作品 | 提交率 | 完成 | 完成率."""

    direction_id: int | None
    name: str
    name_en: str
    figures: Figures


def direction_board(tasks):
    """The organizers' board per direction over a queryset of tasks, in the directions' order.

    Tasks without a direction come last, under an empty name.
    """
    rows = (
        tasks.published()
        .order_by()
        .values("direction", "direction__name", "direction__name_en", "direction__order")
        .annotate(**figure_aggregates())
    )
    rows = sorted(
        rows,
        key=lambda row: (
            row["direction"] is None,
            row["direction__order"] or 0,
            row["direction__name"] or "",
        ),
    )
    return [
        DirectionRow(
            row["direction"],
            row["direction__name"] or "",
            row["direction__name_en"] or "",
            _figures(row),
        )
        for row in rows
    ]


def milestone_counts(track):
    """{milestone kind: count} for a track: weekly reports, tech-sharing sessions, defences."""
    rows = Milestone.objects.filter(track=track).order_by().values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def _grade_stars(grade_field):
    return [When(**{grade_field: grade}, then=Value(stars)) for grade, stars in GRADE_STARS.items()]


def points_expression(prefix=""):
    """Points of a piece of work reached through ``prefix``: its grade's stars if it has a grade,
    else its task's stars, else 1 (the leaderboard rule)."""
    return Case(
        *_grade_stars(f"{prefix}grade"),
        default=Coalesce(F(f"{prefix}task__stars"), Value(Decimal(1))),
        output_field=DecimalField(max_digits=6, decimal_places=1),
    )


def reward_expression(prefix=""):
    """The reward of a piece of work: the amount entered, else its stars (the grade's, else the
    task's) × the edition's CNY per star; NULL when either is missing."""
    stars = Case(
        *_grade_stars(f"{prefix}grade"),
        default=F(f"{prefix}task__stars"),
        output_field=DecimalField(max_digits=6, decimal_places=1),
    )
    return Coalesce(
        F(f"{prefix}reward"),
        ExpressionWrapper(
            stars * F(f"{prefix}task__track__edition__yuan_per_star"),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


@dataclass(frozen=True)
class EditionSummary:
    """What the edition page and the edition API show: the figures, each track's, the board."""

    figures: Figures
    tracks: list  # [(Track, Figures)] in the tracks' order
    board: list  # [DirectionRow]


def edition_summary(edition):
    """The edition's summary."""
    tracks = list(edition.tracks.all())
    by_track = track_figures(edition, tracks)
    return EditionSummary(
        figures=edition_figures(edition),
        tracks=[(track, by_track[track.pk]) for track in tracks],
        board=direction_board(Task.objects.for_edition(edition)),
    )
