"""The task list as an export: the task browser's filtered tasks, public fields only.

One query, whatever the number of tasks: the filtered tasks joined to their pieces of work and
the people on them, in the filter's order, read with ``.iterator()`` and folded back into a row
per task.
"""

from decimal import Decimal
from itertools import groupby

from hackathon.exports import CHUNK_SIZE
from tasks.choices import TaskProgress, WorkStatus
from tasks.filters import STATUS_SLUGS
from tasks.models import exact_stars
from tasks.stats import reward_expression

TASK_HEADER = [
    "track",
    "batch",
    "code",
    "title",
    "direction",
    "stars",
    "status",
    "issue_url",
    "teams",
    "contributors",
    "reward",
]
COLUMNS = [
    "pk",
    "track__slug",
    "batch",
    "code",
    "title",
    "direction__name",
    "stars",
    "progress",
    "issue_url",
    "works__id",
    "works__team",
    "works__status",
    "work_reward",
    "works__contributions__participant__login",
]


def task_rows(tasks):
    """A row per task of a TaskFilter's queryset (``TaskFilter(...).qs``), in its order.

    teams and contributors list the names and logins on the task's pieces of work (separated by
    "; "); reward sums the rewards of its completed work (empty when none is known).
    """
    lines = (
        tasks.annotate(work_reward=reward_expression("works__"))
        # The filter's order, then each task's work and people in the order they were entered.
        .order_by(*tasks.query.order_by, "works__id", "works__contributions__id")
        .values_list(*COLUMNS)
    )
    for _, task_lines in groupby(lines.iterator(chunk_size=CHUNK_SIZE), key=lambda line: line[0]):
        teams, logins, rewards = {}, {}, {}
        for line in task_lines:
            work_id, team, status, reward, login = line[9:]
            if team:
                teams.setdefault(team)
            if login:
                logins.setdefault(login)
            if status == WorkStatus.COMPLETED and reward is not None:
                rewards[work_id] = Decimal(reward)
        _, track, batch, code, title, direction, stars, progress, issue_url = line[:9]
        yield [
            track,
            batch,
            code,
            title,
            direction or "",
            exact_stars(stars),
            STATUS_SLUGS[TaskProgress(progress)],
            issue_url,
            "; ".join(teams),
            "; ".join(logins),
            sum(rewards.values()).quantize(Decimal("0.01")) if rewards else None,
        ]
