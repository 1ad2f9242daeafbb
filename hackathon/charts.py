"""Geometry of the home page's chart: tasks published and completed per edition (bars) and the
completion rate (a line), drawn as server-rendered SVG from figures computed elsewhere."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 16, 36


@dataclass(frozen=True)
class Column:
    label: str
    published: int
    completed: int
    percent: int
    x: float  # left edge of the published bar
    bar_width: float
    published_y: float
    published_height: float
    completed_y: float
    completed_height: float
    rate_x: float
    rate_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    columns: list
    baseline: float
    top: float
    left: float
    right: float
    scale_max: int
    rate_points: str  # the polyline's points


def edition_chart(rows):
    """A Chart for [(label, Figures)] in chronological order; None when there is nothing to draw."""
    if not rows:
        return None
    scale_max = max(max(f.tasks_published for _, f in rows), 1)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / len(rows)
    bar = min(slot * 0.35, 40)
    baseline = TOP + plot_height

    def y(value):
        return baseline - plot_height * value / scale_max

    columns = []
    for index, (label, figures) in enumerate(rows):
        x = LEFT + slot * index + slot / 2 - bar
        percent = figures.completion_percent
        columns.append(
            Column(
                label=label,
                published=figures.tasks_published,
                completed=figures.tasks_completed,
                percent=percent,
                x=round(x, 1),
                bar_width=round(bar, 1),
                published_y=round(y(figures.tasks_published), 1),
                published_height=round(baseline - y(figures.tasks_published), 1),
                completed_y=round(y(figures.tasks_completed), 1),
                completed_height=round(baseline - y(figures.tasks_completed), 1),
                rate_x=round(x + bar, 1),
                rate_y=round(baseline - plot_height * percent / 100, 1),
            )
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        columns=columns,
        baseline=baseline,
        top=TOP,
        left=LEFT,
        right=WIDTH - RIGHT,
        scale_max=scale_max,
        rate_points=" ".join(f"{c.rate_x},{c.rate_y}" for c in columns),
    )


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
