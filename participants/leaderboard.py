"""The leaderboard rule of DESIGN.md, ranked in one aggregate query.

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

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DecimalField, F, Max, Min, OuterRef, Q, Subquery, Sum, Window
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

    @property
    def points_label(self):
        """Points as a board shows them: 13.5, 6 (no trailing .0)."""
        return f"{self.points.normalize():f}"

    @property
    def reward_label(self):
        """The reward in whole yuan with thousands separated (24,000), or a dash."""
        return "–" if self.reward is None else f"{self.reward:,.0f}"


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


def ranking_aggregates():
    """What a person is ranked by, summed over their counted contributions."""
    return {
        "points": Sum(points_expression("work__")),
        "tasks_completed": Count("work__task", distinct=True),
        "last_completed_on": Max("work__completed_on"),
    }


RANKING_COLUMNS = [
    "participant",
    "participant__login",
    "rank",
    "points",
    "tasks_completed",
    "last_completed_on",
]


def _ranked_people(contributions):
    return (
        contributions.order_by()
        .values("participant", "participant__login")
        .annotate(**ranking_aggregates())
        .annotate(rank=Window(Rank(), order_by=RANK_ORDER))
    )


def ranked(contributions, total=False):
    """The bare ranking aggregate: one tuple per person (participant id, login, rank, points,
    tasks completed, latest completion), ranked; rewards and names are read per page. With
    ``total``, each tuple ends with the number of people ranked (a window count)."""
    people = _ranked_people(contributions)
    columns = RANKING_COLUMNS
    if total:
        people = people.annotate(total=Window(Count("participant")))
        columns = [*RANKING_COLUMNS, "total"]
    return people.order_by("rank", Lower("participant__login")).values_list(*columns)


def ranked_person(contributions, participant_id):
    """The ranking tuple of one person (ranked among everybody), or None.

    The rank is 1 + the number of people who rank strictly before the person, counted over the
    grouped aggregate (no window, no sort by login): cheaper than ranking everybody.
    """
    mine = (
        contributions.filter(participant=participant_id)
        .order_by()
        .values("participant", "participant__login")
        .annotate(**ranking_aggregates())
        .order_by("participant")
        .first()
    )
    if mine is None:
        return None
    points, tasks, latest = mine["points"], mine["tasks_completed"], mine["last_completed_on"]
    before = Q(points__gt=points) | Q(points=points, tasks_completed__gt=tasks)
    if latest is None:  # missing dates come after dates
        before |= Q(points=points, tasks_completed=tasks, last_completed_on__isnull=False)
    else:
        before |= Q(points=points, tasks_completed=tasks, last_completed_on__lt=latest)
    ahead = (
        contributions.order_by()
        .values("participant")
        .annotate(**ranking_aggregates())
        .filter(before)
        .count()
    )
    return (participant_id, mine["participant__login"], ahead + 1, points, tasks, latest)


def _ranking_row(row):
    points = row[3]
    if not isinstance(points, Decimal):  # SQLite sums to a float
        points = Decimal(points).quantize(Decimal("0.1"))
    return (*row[:3], points, *row[4:])


def standings_for(contributions, ranking_rows):
    """Standings for some rows of a ranking, with the names and rewards read in one query."""
    ids = [row[0] for row in ranking_rows]
    details = {
        row["participant"]: row
        for row in contributions.filter(participant__in=ids)
        .order_by()
        .values("participant", "participant__name")
        .annotate(reward=Sum(share_expression()))
    }
    standings = []
    for participant_id, login, rank, points, tasks_completed, last_completed_on in ranking_rows:
        reward = details[participant_id]["reward"]
        standings.append(
            Standing(
                rank=rank,
                participant_id=participant_id,
                login=login,
                name=details[participant_id]["participant__name"],
                points=points,
                tasks_completed=tasks_completed,
                reward=None if reward is None else Decimal(reward).quantize(CENT),
                last_completed_on=last_completed_on,
            )
        )
    return standings


def leaderboard(contributions, offset=0, limit=None):
    """(count, [Standing]) for one page of the leaderboard over the given contributions."""
    ranking = [_ranking_row(row) for row in ranked(contributions)]
    end = None if limit is None else offset + limit
    return len(ranking), standings_for(contributions, ranking[offset:end])


class Board:
    """A leaderboard over a scope, cached under the versions of the scope's editions.

    It behaves as a sequence of Standings (``len()`` and slices), so a Paginator can page it.
    A slice is one ranking query with LIMIT/OFFSET that also counts everybody (a window count),
    plus one query for the names and rewards of the slice's people; each slice, the count and
    each person's standing are cached on their own, so a warm request reads one small entry and
    no request ever builds the whole ranking in Python. Call ``prefetch(start, stop)`` before a
    Paginator asks for ``len()``, so that one query answers both.
    """

    def __init__(self, name, editions, contributions, *scope):
        self.name = name
        self.editions = list(editions)
        self.contributions = contributions
        self.scope = scope

    def _key(self, *parts):
        return results_key(self.name, self.editions, *self.scope, *parts)

    def fragment_key(self, *parts):
        """A key for something rendered from this board (it changes with the results)."""
        return self._key("fragment", *parts)

    def prefetch(self, start, stop):
        """Read the slice [start:stop] and the count together, if they are not cached yet."""
        if cache.get(self._key("count")) is None:
            self._window(start, stop)

    def _window(self, start, stop):
        count = cache.get(self._key("count"))
        if count is not None:
            stop = min(stop, count)  # the Paginator asks for [0:3] of a board of 3
        key = self._key("page", start, stop)
        standings = cache.get(key)
        if standings is not None:
            return standings
        rows = list(ranked(self.contributions, total=True)[start:stop]) if stop > start else []
        if count is None:
            count = rows[0][-1] if rows else self._count()
            cache.set(self._key("count"), count, settings.CACHE_TIMEOUT)
        standings = standings_for(self.contributions, [_ranking_row(row[:-1]) for row in rows])
        cache.set_many(
            {key: standings, self._key("page", start, min(stop, count)): standings},
            settings.CACHE_TIMEOUT,
        )
        return standings

    def _count(self):
        return self.contributions.order_by().values("participant").distinct().count()

    def __len__(self):
        return cached(self._key("count"), self._count)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("A board is read a page (a slice) at a time.")
        start, stop = index.start or 0, index.stop
        if stop is None or start < 0 or stop < 0:
            raise TypeError("A board is read between two positions: board[start:stop].")
        return self._window(start, stop)

    def standing_of(self, participant_id):
        """The person's Standing on this board, or None."""

        def find():
            row = ranked_person(self.contributions, participant_id)
            if row is None:
                return None
            return standings_for(self.contributions, [_ranking_row(row)])[0]

        return cached(self._key("person", participant_id), find)


def edition_board(edition, track=None):
    """The board of an edition, or of one of its tracks."""
    contributions = counted_contributions(edition=edition, track=track)
    return Board("board", [edition], contributions, track.pk if track else "")


def all_time_board(editions, kind=None):
    """The board summed over the given (public) editions, optionally over tracks of one kind."""
    editions = list(editions)
    contributions = counted_contributions(editions=[edition.pk for edition in editions], kind=kind)
    return Board("all-time", editions, contributions, kind or "")


def edition_ranks(participant, editions):
    """{edition id: (rank, points, tasks completed)} of the person in each of the editions."""
    editions = list(editions)
    if not editions:
        return {}
    contributions = counted_contributions(editions=[edition.pk for edition in editions])
    rows = (
        contributions.order_by()
        .values("work__task__track__edition", "participant")
        .annotate(**ranking_aggregates())
        .annotate(
            rank=Window(
                Rank(), partition_by=[F("work__task__track__edition")], order_by=RANK_ORDER
            ),
            # The person must be picked after ranking: a filter on a window expression is applied
            # to the outer query (Django's QUALIFY emulation), a filter on a column is not.
            person=Window(Min("participant"), partition_by=[F("participant")]),
        )
        .filter(person=participant.pk)
        .values_list("work__task__track__edition", "rank", "points", "tasks_completed")
    )
    key = results_key("ranks", editions, participant.pk)
    return cached(
        key,
        lambda: {
            edition_id: (rank, Decimal(points).quantize(Decimal("0.1")), tasks)
            for edition_id, rank, points, tasks in rows
        },
    )
