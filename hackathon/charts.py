"""Geometry of the public charts, drawn as server-rendered SVG (templates/includes/*chart*.html)
from figures computed elsewhere (tasks/stats.py, tasks/progress.py): nothing here counts.

Every chart is 360 units wide, so that a phone (375 px) shows its text at about its real size
and a desktop a little larger, up to the figure's width in site.css.
"""

import datetime
import math
from dataclasses import dataclass

from django.utils import timezone

# Editions over time: three small panels (tasks published, completion rate, developers who
# completed), each a dot per edition in order of number, joined by a line, in a slot of its own
# (one edition is one dot in the middle, twenty are twenty dots), the values written above the
# dots while they fit, else above the last, the highest and the first.
PANEL_WIDTH, PANEL_HEIGHT = 360, 130
PANEL_SIDE, PANEL_TOP, PANEL_PLOT = 22, 24, 80
LABEL_ROOM = 40  # units a written value needs: "1,234", "100%"
NUMBER_ROOM = 22  # units an edition's number needs under the axis
WORDED_ROOM = 80  # units "Edition 12" needs: a few editions are named so, more by number alone


@dataclass(frozen=True)
class EditionPoint:
    name: str  # the edition's name, for the dot's title
    number: int
    value: int  # a count, or a whole percent
    x: float
    y: float
    label_y: float  # its value's baseline, above the dot
    labelled: bool  # its value written above it
    numbered: bool  # its number written under the axis


@dataclass(frozen=True)
class Panel:
    key: str  # published, rate, developers
    percent: bool
    width: int
    height: int
    left: float
    right: float
    top: float
    baseline: float
    numbers_y: float  # the editions' numbers under the axis
    worded: bool  # "Edition 7" under the axis rather than "7"
    points: list
    # The rate panel's "100%" under its top line, at the end whose edge point is lower; "" when
    # both edge points are near the top (it would touch them).
    scale_anchor: str
    line: str  # the polyline's points; "" for a single edition


PANELS = (
    ("published", lambda figures: figures.tasks_published, False),
    ("rate", lambda figures: figures.completion_percent, True),
    ("developers", lambda figures: figures.developers_completed, False),
)


def _labelled(xs, values):
    """Which points have their value written: all when they fit; else the last, the highest and
    the first, each unless it would touch one already written."""
    count = len(xs)
    if count < 2 or xs[1] - xs[0] >= LABEL_ROOM:
        return set(range(count))
    chosen = []
    for index in (count - 1, max(range(count), key=lambda i: (values[i], i)), 0):
        if all(abs(xs[index] - xs[other]) >= LABEL_ROOM for other in chosen):
            chosen.append(index)
    return set(chosen)


def editions_chart(rows):
    """The panels for [(name, number, Figures)] of the public editions in order of number; None
    when there is none."""
    if not rows:
        return None
    count = len(rows)
    slot = (PANEL_WIDTH - 2 * PANEL_SIDE) / count
    xs = [round(PANEL_SIDE + slot * (index + 0.5), 1) for index in range(count)]
    step = math.ceil(NUMBER_ROOM / slot)  # every edition's number when they fit; the last always
    baseline = PANEL_TOP + PANEL_PLOT
    panels = []
    for key, figure, percent in PANELS:
        values = [figure(figures) for _, _, figures in rows]
        scale = 100 if percent else max(max(values), 1)
        ys = [round(baseline - PANEL_PLOT * value / scale, 1) for value in values]
        labelled = _labelled(xs, values)
        scale_anchor = ""
        if percent and min(values[0], values[-1]) <= 75:
            scale_anchor = "start" if values[0] <= values[-1] else "end"
        points = [
            EditionPoint(
                name=name,
                number=number,
                value=value,
                x=x,
                y=y,
                label_y=round(y - 8, 1),
                labelled=index in labelled,
                numbered=(count - 1 - index) % step == 0,
            )
            for index, ((name, number, _), value, x, y) in enumerate(
                zip(rows, values, xs, ys, strict=True)
            )
        ]
        panels.append(
            Panel(
                key=key,
                percent=percent,
                width=PANEL_WIDTH,
                height=PANEL_HEIGHT,
                left=PANEL_SIDE,
                right=PANEL_WIDTH - PANEL_SIDE,
                top=PANEL_TOP,
                baseline=baseline,
                numbers_y=baseline + 18,
                worded=slot >= WORDED_ROOM,
                points=points,
                scale_anchor=scale_anchor,
                line=" ".join(f"{p.x},{p.y}" for p in points) if count > 1 else "",
            )
        )
    return panels


# An edition's (or a track's) progress over its weeks: the tasks completed so far at the end of
# each week since it started (a line rising from 0), under a dashed line at the tasks published.
PROGRESS_WIDTH, PROGRESS_HEIGHT = 360, 182
PROGRESS_SIDE, PROGRESS_TOP, PROGRESS_PLOT = 4, 22, 128


@dataclass(frozen=True)
class Week:
    number: int  # 1 for the week the edition started
    starts: datetime.date
    ends: datetime.date  # the edition's last day (or today) for its last week
    completed: int  # tasks completed in the week
    total: int  # tasks completed up to its end
    x: float  # at its last day
    y: float


@dataclass(frozen=True)
class ProgressChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    baseline: float
    starts: datetime.date
    ends: datetime.date
    in_progress: bool  # drawn up to today, not to the edition's end
    weeks: list
    line: str  # the polyline's points, from (start, 0)
    area: str  # the polygon under it
    published: int
    published_y: float
    published_label_y: float  # its words, above the dashed line
    total: int  # tasks completed with a date
    total_label_y: float  # above the line's end, or under it when the dashed line is near
    dates_y: float  # the first and last days, under the axis
    undated: int  # completed tasks with no completion date

    @property
    def middle(self):
        return self.width / 2


def progress_chart(days, starts_on, ends_on, published, today):
    """The chart of [(date or None, tasks completed)] (tasks/progress.py) from ``starts_on`` to
    ``ends_on``, or to ``today`` while the edition runs (None: not set, or later), and as far as
    the last completion if later; a completion before the start counts in the first week. None
    when no completion has a date."""
    dated = [(day, count) for day, count in days if day is not None]
    if not dated:
        return None
    undated = undated_count(days)
    in_progress = ends_on is None or ends_on > today
    ends = max(today if in_progress else ends_on, dated[-1][0], starts_on)
    span = (ends - starts_on).days + 1
    completed = [0] * math.ceil(span / 7)
    for day, count in dated:
        completed[max(0, (day - starts_on).days) // 7] += count
    total = sum(completed)
    scale = max(published, total, 1)
    plot_width = PROGRESS_WIDTH - 2 * PROGRESS_SIDE
    baseline = PROGRESS_TOP + PROGRESS_PLOT

    def y(value):
        return round(baseline - PROGRESS_PLOT * value / scale, 1)

    weeks, so_far = [], 0
    for index, count in enumerate(completed):
        so_far += count
        week_starts = starts_on + datetime.timedelta(weeks=index)
        week_ends = min(week_starts + datetime.timedelta(days=6), ends)
        x = PROGRESS_SIDE + plot_width * ((week_ends - starts_on).days + 1) / span
        weeks.append(Week(index + 1, week_starts, week_ends, count, so_far, round(x, 1), y(so_far)))
    line = " ".join([f"{PROGRESS_SIDE},{baseline}", *(f"{w.x},{w.y}" for w in weeks)])
    last_y = weeks[-1].y
    total_label_y = last_y + 16 if last_y - y(published) < 16 else last_y - 8
    return ProgressChart(
        width=PROGRESS_WIDTH,
        height=PROGRESS_HEIGHT,
        left=PROGRESS_SIDE,
        right=PROGRESS_WIDTH - PROGRESS_SIDE,
        top=PROGRESS_TOP,
        baseline=baseline,
        starts=starts_on,
        ends=ends,
        in_progress=in_progress,
        weeks=weeks,
        line=line,
        area=f"{line} {weeks[-1].x},{baseline}",
        published=published,
        published_y=y(published),
        published_label_y=round(y(published) - 6, 1),
        total=total,
        total_label_y=round(min(total_label_y, baseline - 4), 1),
        dates_y=baseline + 18,
        undated=undated,
    )


def progress_of(days, edition, published):
    """The page's progress chart and its count of undated completions (the template's
    ``progress`` and ``undated``), for an edition or one of its tracks."""
    return {
        "progress": progress_chart(
            days, edition.starts_on, edition.ends_on, published, timezone.localdate()
        ),
        "undated": undated_count(days),
    }


def undated_count(days):
    """The completed tasks with no completion date among [(date or None, count)]."""
    return sum(count for day, count in days if day is None)


# The board by direction as bars: a row per direction, its name above a bar of the tasks
# published with the completed ones over it. Narrow enough (360 units) that a phone shows its
# text near its real size; a desktop shows it larger, up to the figure's width.
BOARD_WIDTH, BOARD_ROW = 360, 40


@dataclass(frozen=True)
class BoardBar:
    label: str
    published: int
    completed: int
    percent: int
    y: float  # top of the row
    published_width: float
    completed_width: float


@dataclass(frozen=True)
class BoardChart:
    width: int
    height: int
    bars: list


def board_chart(rows):
    """A BoardChart for [(label, Figures)]; None when there is nothing to draw."""
    rows = [(label, figures) for label, figures in rows if figures.tasks_published]
    if not rows:
        return None
    scale = max(figures.tasks_published for _, figures in rows)
    bars = [
        BoardBar(
            label=label,
            published=figures.tasks_published,
            completed=figures.tasks_completed,
            percent=figures.completion_percent,
            y=index * BOARD_ROW,
            published_width=round(BOARD_WIDTH * figures.tasks_published / scale, 1),
            completed_width=round(BOARD_WIDTH * figures.tasks_completed / scale, 1),
        )
        for index, (label, figures) in enumerate(rows)
    ]
    return BoardChart(width=BOARD_WIDTH, height=BOARD_ROW * len(bars), bars=bars)


@dataclass(frozen=True)
class PointsBar:
    label: str
    points: str  # as the boards show them: 13.5, 6
    rank: int
    y: float
    width: float


def points_chart(rows):
    """A person's points per edition as bars, oldest first, for [(label, points, rank)]; None
    with fewer than two editions (one bar says nothing the figures do not)."""
    rows = [row for row in rows if row[1] is not None]
    if len(rows) < 2:
        return None
    scale = max(max(points for _, points, _ in rows), 1)
    bars = [
        PointsBar(
            label=label,
            points=f"{points.normalize():f}" if hasattr(points, "normalize") else str(points),
            rank=rank,
            y=index * BOARD_ROW,
            width=round(BOARD_WIDTH * float(points) / float(scale), 1),
        )
        for index, (label, points, rank) in enumerate(rows)
    ]
    return BoardChart(width=BOARD_WIDTH, height=BOARD_ROW * len(bars), bars=bars)
