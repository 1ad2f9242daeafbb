"""The task list as an export: the task browser's filtered tasks, public fields only.

The rows are read with ``.iterator()``: the tasks, then their pieces of work and people prefetched
for each chunk of tasks (three queries per chunk of hackathon.exports.CHUNK_SIZE tasks, whatever
the number of pieces of work).
"""

from decimal import Decimal

from hackathon.exports import CHUNK_SIZE
from tasks.filters import status_slug, with_works
from tasks.models import Work
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


def task_rows(tasks):
    """A row per task of a TaskFilter's queryset (``TaskFilter(...).qs``), in its order.

    teams and contributors list the names and logins on the task's pieces of work (separated by
    "; "); reward sums the rewards of its completed work (empty when none is known).
    """
    works = Work.objects.annotate(effective_reward=reward_expression(""))
    for task in with_works(tasks, works).iterator(chunk_size=CHUNK_SIZE):
        teams, logins, rewards = [], [], []
        for work in task.works.all():
            if work.team and work.team not in teams:
                teams.append(work.team)
            for contribution in work.contributions.all():
                if contribution.participant.login not in logins:
                    logins.append(contribution.participant.login)
            if work.is_completed and work.effective_reward is not None:
                rewards.append(work.effective_reward)
        yield [
            task.track.slug,
            task.batch,
            task.code,
            task.title,
            task.direction.name if task.direction else "",
            task.stars,
            status_slug(task),
            task.issue_url,
            "; ".join(teams),
            "; ".join(logins),
            sum(rewards).quantize(Decimal("0.01")) if rewards else None,
        ]
