"""The figures, read from the rows the writers keep: pages, the API, exports and the admin all
read them from here; nothing else computes them.

- tasks_published: tasks that were not withdrawn;
- tasks_submitted: published tasks with a piece of work past "claimed" (rejected included);
- tasks_completed: published tasks with a completed piece of work;
- participants: distinct people on any piece of work of a published task;
- developers_completed: distinct people on a completed piece of work.

The task counts are sums of TaskTally rows (one per track and direction, tasks/tally.py); the
people counts are the sizes of the track's or edition's board (participants.ScoreBoard, kept
with the score rows by participants/scores.py): a person in two tracks is one line on the
edition's board, so they count once. Each figure is one small read, whatever the size.

The admin's lists count rows of their own (a track's or a direction's published tasks, a task's
pieces of work, a person's completed ones): ``annotate_*(queryset)`` below, each a subquery on the
definitions the figures use (``TaskQuerySet.published``, ``ContributionQuerySet.counted``).
"""

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from hackathon.models import in_language
from participants.models import ScoreBoard, edition_board_name, track_board
from tasks.choices import GRADE_STARS
from tasks.models import Contribution, Direction, Task, TaskTally, Work
from tracks.models import Milestone


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

    def __add__(self, other):
        """The task counts added (the people counts are not additive: see with_people)."""
        return Figures(
            self.tasks_published + other.tasks_published,
            self.tasks_submitted + other.tasks_submitted,
            self.tasks_completed + other.tasks_completed,
        )

    def with_people(self, counts):
        """These figures with the people counts of a board: (with completed work, all)."""
        developers, people = counts
        return replace(self, participants=people, developers_completed=developers)


def whole_percent(part, whole):
    """A rate as a whole percent, rounded half up (27/58 → 47)."""
    if not whole:
        return 0
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def _tallied(tally):
    return Figures(tally.published, tally.submitted, tally.completed)


def board_counts(boards):
    """{board name: (people with completed work, people who took part)}; (0, 0) when empty."""
    rows = ScoreBoard.objects.filter(name__in=boards).values_list("name", "size", "people")
    counts = {name: (size, people) for name, size, people in rows}
    return {name: counts.get(name, (0, 0)) for name in boards}


def editions_figures(editions):
    """{edition id: Figures} for several editions: two small reads."""
    ids = [edition.pk for edition in editions]
    sums = dict.fromkeys(ids, Figures())
    for tally in TaskTally.objects.filter(track__edition__in=ids).select_related("track"):
        sums[tally.track.edition_id] += _tallied(tally)
    people = board_counts([edition_board_name(pk) for pk in ids])
    return {pk: sums[pk].with_people(people[edition_board_name(pk)]) for pk in ids}


def edition_figures(edition):
    """The edition's figures; a person in two tracks counts once."""
    return editions_figures([edition])[edition.pk]


@dataclass(frozen=True)
class DirectionRow:
    """A line of the organizers' board: 任务方向 | 任务数量 | 提交作品 | 提交率 | 完成 | 完成率."""

    direction_id: int | None
    name: str
    name_en: str
    figures: Figures

    @property
    def local_name(self):
        return in_language(self.name, self.name_en)


def _direction_board(tallies):
    """The board per direction from TaskTally rows, in the directions' order; tasks without a
    direction come last, under an empty name."""
    rows = {}
    for tally in tallies:
        if tally.published:
            rows.setdefault(tally.direction_id, [tally.direction, Figures()])
            rows[tally.direction_id][1] += _tallied(tally)
    ordered = sorted(
        rows.items(),
        key=lambda item: (
            item[0] is None,
            item[1][0].order if item[1][0] else 0,
            item[1][0].name if item[1][0] else "",
        ),
    )
    return [
        DirectionRow(
            pk, direction.name if direction else "", direction.name_en if direction else "", figures
        )
        for pk, (direction, figures) in ordered
    ]


@dataclass(frozen=True)
class Summary:
    """What an edition's or a track's page and the edition API show: the figures, each track's
    (an edition's), the board by direction."""

    figures: Figures
    tracks: list  # [(Track, Figures)] in the tracks' order
    board: list  # [DirectionRow]


def edition_summary(edition):
    """The edition's summary, in three small reads (tracks, tallies, boards)."""
    tracks = list(edition.tracks.all())
    tallies = list(TaskTally.objects.filter(track__edition=edition).select_related("direction"))
    people = board_counts([edition_board_name(edition.pk), *(track_board(t.pk) for t in tracks)])
    by_track = {track.pk: Figures() for track in tracks}
    for tally in tallies:
        by_track[tally.track_id] += _tallied(tally)
    total = sum(by_track.values(), Figures())
    return Summary(
        figures=total.with_people(people[edition_board_name(edition.pk)]),
        tracks=[(t, by_track[t.pk].with_people(people[track_board(t.pk)])) for t in tracks],
        board=_direction_board(tallies),
    )


def track_summary(track):
    """A track's figures and board by direction, in two small reads."""
    tallies = list(TaskTally.objects.filter(track=track).select_related("direction"))
    figures = sum((_tallied(tally) for tally in tallies), Figures())
    people = board_counts([track_board(track.pk)])[track_board(track.pk)]
    return Summary(figures=figures.with_people(people), tracks=[], board=_direction_board(tallies))


def track_figures(edition):
    """{track id: Figures} for every track of the edition, tracks without tasks included."""
    return {track.pk: figures for track, figures in edition_summary(edition).tracks}


def count_per_row(rows, field):
    """How many of ``rows`` point through ``field`` at the outer query's row, 0 when none: a
    subquery rather than Count() over a join, so no GROUP BY (whose rows would come unordered,
    to the admin's autocomplete too) and no join for a search to multiply."""
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), Value(0))


def annotate_published_count(queryset):
    """Tracks or directions with ``published_count``, their tasks not withdrawn (each task
    once, an open call too)."""
    field = "direction" if queryset.model is Direction else "track"
    return queryset.annotate(published_count=count_per_row(Task.objects.published(), field))


def annotate_work_count(queryset):
    """Tasks with ``work_count``, their pieces of work whatever their status."""
    return queryset.annotate(work_count=count_per_row(Work.objects.all(), "task"))


def annotate_completed_count(queryset):
    """People with ``completed_count``, their counted contributions (completed work of
    published tasks)."""
    return queryset.annotate(
        completed_count=count_per_row(Contribution.objects.counted(), "participant")
    )


def milestone_counts(track):
    """{milestone kind: count} for a track: weekly reports, tech-sharing sessions, defences."""
    rows = Milestone.objects.filter(track=track).order_by().values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def _grade_stars(grade_field):
    return [When(**{grade_field: grade}, then=Value(stars)) for grade, stars in GRADE_STARS.items()]


STARS_FIELD = DecimalField(max_digits=6, decimal_places=3)


def earned_stars_expression(prefix=""):
    """The stars a piece of work reached through ``prefix`` earned: its awarded stars if set,
    else its grade's stars if it has a grade, else its task's stars; NULL when none is known."""
    return Coalesce(
        F(f"{prefix}awarded_stars"),
        Case(
            *_grade_stars(f"{prefix}grade"),
            default=F(f"{prefix}task__stars"),
            output_field=STARS_FIELD,
        ),
        output_field=STARS_FIELD,
    )


def points_expression(prefix=""):
    """Points of a piece of work reached through ``prefix``: the stars it earned, else 1 (the
    leaderboard rule)."""
    return Coalesce(earned_stars_expression(prefix), Value(Decimal(1)), output_field=STARS_FIELD)


def reward_expression(prefix=""):
    """The reward of a piece of work: the amount entered, else the stars it earned × the
    edition's CNY per star; NULL when either is missing."""
    return Coalesce(
        F(f"{prefix}reward"),
        ExpressionWrapper(
            earned_stars_expression(prefix) * F(f"{prefix}task__track__edition__yuan_per_star"),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
