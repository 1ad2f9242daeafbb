"""The leaderboard rule of DESIGN.md, computed in one aggregate query.

Points are stars. A completed piece of work earns its grade's stars if it has a grade, else its
task's stars, else 1; every contributor of it earns those points, and its reward is split equally
unless an organizer set shares. People with at least one completed piece of work are listed; "tasks
completed" counts distinct tasks. Rank by points, then tasks completed, then the earlier date of
reaching that score (the latest completed_on among the counted work; missing dates tie with each
other and come after dates); people equal on all three share a rank (1, 2, 2, 4) and are listed by
login, case-insensitively.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Max, Min, OuterRef, Subquery, Sum, Window
from django.db.models.functions import Coalesce, Lower, Rank

from hackathon.caching import cached, results_key
from tasks.choices import WorkStatus
from tasks.models import Contribution
from tasks.stats import points_expression, reward_expression

CENT = Decimal("0.01")
RANK_ORDER = [
    F("points").desc(),
    F("tasks_completed").desc(),
    F("last_completed_on").asc(nulls_last=True),
]


@dataclass(frozen=True)
class Standing:
    rank: int
    participant_id: int
    login: str
    name: str
    points: Decimal
    tasks_completed: int
    reward: Decimal | None
    last_completed_on: object


def counted_contributions(editions=None, edition=None, track=None, kind=None):
    """Contributions to completed work of published tasks, narrowed to the given scope."""
    contributions = Contribution.objects.filter(
        work__status=WorkStatus.COMPLETED, work__task__withdrawn=False
    )
    if editions is not None:
        contributions = contributions.filter(work__task__track__edition__in=editions)
    if edition is not None:
        contributions = contributions.filter(work__task__track__edition=edition)
    if track is not None:
        contributions = contributions.filter(work__task__track=track)
    if kind is not None:
        contributions = contributions.filter(work__task__track__kind=kind)
    return contributions


def share_expression():
    """A contribution's part of its work's reward: the share set, else an equal split."""
    contributors = Subquery(
        Contribution.objects.filter(work=OuterRef("work"))
        .order_by()
        .values("work")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(
        F("reward_share"),
        reward_expression("work__") / contributors,
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def standings(contributions):
    """A queryset of leaderboard rows (dicts), ranked, over the given contributions."""
    return (
        contributions.order_by()
        .values("participant", "participant__login", "participant__name")
        .annotate(
            points=Sum(points_expression("work__")),
            tasks_completed=Count("work__task", distinct=True),
            reward=Sum(share_expression()),
            last_completed_on=Max("work__completed_on"),
        )
        .annotate(rank=Window(Rank(), order_by=RANK_ORDER))
        .order_by("rank", Lower("participant__login"))
    )


def _standing(row):
    reward = row["reward"]
    return Standing(
        rank=row["rank"],
        participant_id=row["participant"],
        login=row["participant__login"],
        name=row["participant__name"],
        points=Decimal(row["points"]).quantize(Decimal("0.1")),
        tasks_completed=row["tasks_completed"],
        reward=None if reward is None else Decimal(reward).quantize(CENT),
        last_completed_on=row["last_completed_on"],
    )


def leaderboard(contributions, offset=0, limit=None):
    """(count, [Standing]) for one page of the leaderboard over the given contributions."""
    rows = standings(contributions)
    count = contributions.order_by().values("participant").distinct().count()
    page = rows[offset : offset + limit] if limit is not None else rows[offset:]
    return count, [_standing(row) for row in page]


def edition_board(edition, track=None):
    """The ranked board of an edition, or of one of its tracks; cached until results change."""
    contributions = counted_contributions(edition=edition, track=track)
    key = results_key("board", [edition], track.pk if track else "")
    return cached(key, lambda: [_standing(row) for row in standings(contributions)])


def all_time_board(editions, kind=None):
    """The board summed over the given (public) editions, optionally over tracks of one kind."""
    contributions = counted_contributions(editions=[edition.pk for edition in editions], kind=kind)
    key = results_key("all-time", editions, kind or "")
    return cached(key, lambda: [_standing(row) for row in standings(contributions)])


def edition_ranks(participant, editions):
    """{edition id: the person's Standing} in each of the given editions where they are ranked."""
    editions = list(editions)
    if not editions:
        return {}
    contributions = counted_contributions(editions=[edition.pk for edition in editions])
    rows = (
        contributions.order_by()
        .values("work__task__track__edition", "participant")
        .annotate(
            points=Sum(points_expression("work__")),
            tasks_completed=Count("work__task", distinct=True),
            reward=Sum(share_expression()),
            last_completed_on=Max("work__completed_on"),
        )
        .annotate(
            rank=Window(
                Rank(), partition_by=[F("work__task__track__edition")], order_by=RANK_ORDER
            ),
            # The person must be picked after ranking: a filter on a window expression is applied
            # to the outer query (Django's QUALIFY emulation), a filter on a column is not.
            person=Window(Min("participant"), partition_by=[F("participant")]),
        )
        .filter(person=participant.pk)
        .values(
            "work__task__track__edition",
            "participant",
            "participant__login",
            "participant__name",
            "points",
            "tasks_completed",
            "reward",
            "last_completed_on",
            "rank",
        )
    )
    key = results_key("ranks", editions, participant.pk)
    return cached(key, lambda: {row["work__task__track__edition"]: _standing(row) for row in rows})
