"""The leaderboard rule of DESIGN.md, ranked in one query over a board's Score rows.

Points are stars. A completed piece of work earns its grade's stars if it has a grade, else its
task's stars, else 1; every contributor of it earns those points, and its reward is split equally
unless an organizer set shares. People with at least one completed piece of work are listed; "tasks
completed" counts distinct tasks. Rank by points, then tasks completed, then the earlier date of
reaching that score (the latest completed_on among the counted work; missing dates tie with each
other and come after dates); people equal on all three share a rank (1, 2, 2, 4) and are listed by
login, case-insensitively.

participants/scores.py sums each person's completed work into one Score row per track and per
edition ahead of time; a board sums its rows per person (one each on an edition's or a track's
board, one per edition on the all-time board) and ranks them, in one query.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Min, Q, Sum, Window
from django.db.models.functions import Lower, Rank

from hackathon.caching import cached, results_key
from participants.scores import edition_scores, scores_in

CENT = Decimal("0.01")
TENTH = Decimal("0.1")

# A person's totals over a board's Score rows (one row on an edition's or a track's board, one
# per edition or track on an all-time board).
TOTALS = {
    "total_points": Sum("points"),
    "total_tasks": Sum("tasks_completed"),
    "latest_day": Max("last_completed_on"),
    "total_reward": Sum("reward"),
}
RANK_ORDER = [
    F("total_points").desc(),
    F("total_tasks").desc(),
    F("latest_day").asc(nulls_last=True),
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


# The columns of ranked(), in order; Standing's fields are built from them.
RANKING_COLUMNS = [
    "participant",
    "login",
    "name",
    "rank",
    "total_points",
    "total_tasks",
    "total_reward",
    "latest_day",
]


def totals(scores, *group):
    """The scores summed per person (and ``group``)."""
    return scores.order_by().values(*group, "participant", "login", "name").annotate(**TOTALS)


def ranked(scores, total=False):
    """A board's ranking: one tuple per person, with the columns of RANKING_COLUMNS, in board
    order (the rank's order is a prefix of it, so one sort serves both). With ``total``, each
    tuple ends with the number of people on the board (a window count)."""
    people = totals(scores).annotate(rank=Window(Rank(), order_by=RANK_ORDER))
    columns = RANKING_COLUMNS
    if total:
        people = people.annotate(total=Window(Count("participant")))
        columns = [*RANKING_COLUMNS, "total"]
    return people.order_by(*RANK_ORDER, Lower("login")).values_list(*columns)


def _decimal(value, exponent):
    if value is None:
        return None
    if not isinstance(value, Decimal):  # SQLite sums to a float
        value = Decimal(str(value))
    return value.quantize(exponent)


def standing(row):
    """A Standing from a tuple of ranked() (its first len(RANKING_COLUMNS) values)."""
    participant_id, login, name, rank, points, tasks, reward, latest = row[: len(RANKING_COLUMNS)]
    return Standing(
        rank=rank,
        participant_id=participant_id,
        login=login,
        name=name,
        points=_decimal(points, TENTH),
        tasks_completed=tasks,
        reward=_decimal(reward, CENT),
        last_completed_on=latest,
    )


def ranked_person(scores, participant_id):
    """The Standing of one person on the board of the given Score rows, or None.

    The rank is 1 + the number of people who rank strictly before the person, counted over the
    grouped totals (no window, no sort by login): cheaper than ranking everybody.
    """
    mine = totals(scores.filter(participant=participant_id)).order_by("participant").first()
    if mine is None:
        return None
    points, tasks, latest = mine["total_points"], mine["total_tasks"], mine["latest_day"]
    before = Q(total_points__gt=points) | Q(total_points=points, total_tasks__gt=tasks)
    if latest is None:  # missing dates come after dates
        before |= Q(total_points=points, total_tasks=tasks, latest_day__isnull=False)
    else:
        before |= Q(total_points=points, total_tasks=tasks, latest_day__lt=latest)
    ahead = totals(scores).filter(before).count()
    return standing([mine[c] if c != "rank" else ahead + 1 for c in RANKING_COLUMNS])


def leaderboard(scores, offset=0, limit=None):
    """(count, [Standing]) for one page of the board of the given Score rows: one query."""
    end = None if limit is None else offset + limit
    rows = list(ranked(scores, total=True)[offset:end])
    count = rows[0][-1] if rows else scores.values("participant").distinct().count()
    return count, [standing(row) for row in rows]


class Board:
    """A leaderboard over a scope, cached under the versions of the scope's editions.

    It behaves as a sequence of Standings (``len()`` and slices), so a Paginator can page it.
    A slice is one ranking query with LIMIT/OFFSET that also counts everybody (a window count);
    each slice, the count and each person's standing are cached on their own, so a warm request
    reads one small entry and no request ever builds the whole ranking in Python. The Score rows
    are checked (and rebuilt if need be) only when something is not cached. Call
    ``prefetch(start, stop)`` before a Paginator asks for ``len()``, so that one query answers both.
    """

    def __init__(self, name, editions, scope, *key_parts):
        self.name = name
        self.editions = list(editions)
        self.scope = scope  # the arguments of scores_in()
        self.key_parts = key_parts
        self._scores = None

    @property
    def scores(self):
        if self._scores is None:
            self._scores = scores_in(**self.scope)
        return self._scores

    def _key(self, *parts):
        return results_key(self.name, self.editions, *self.key_parts, *parts)

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
        rows = list(ranked(self.scores, total=True)[start:stop]) if stop > start else []
        if count is None:
            count = rows[0][-1] if rows else self._count()
            cache.set(self._key("count"), count, settings.CACHE_TIMEOUT)
        standings = [standing(row) for row in rows]
        cache.set_many(
            {key: standings, self._key("page", start, min(stop, count)): standings},
            settings.CACHE_TIMEOUT,
        )
        return standings

    def _count(self):
        return self.scores.values("participant").distinct().count()

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
        return cached(
            self._key("person", participant_id),
            lambda: ranked_person(self.scores, participant_id),
        )


def edition_board(edition, track=None):
    """The board of an edition, or of one of its tracks (a track of that edition)."""
    scope = {"edition": edition} if track is None else {"track": track}
    return Board("board", [edition], scope, track.pk if track else "")


def all_time_board(editions, kind=None):
    """The board summed over the given (public) editions, optionally over tracks of one kind."""
    editions = list(editions)
    return Board("all-time", editions, {"editions": editions, "kind": kind}, kind or "")


def edition_ranks(participant, editions):
    """{edition id: (rank, points, tasks completed)} of the person on each edition's board."""
    editions = list(editions)
    if not editions:
        return {}

    def compute():
        rows = (
            totals(edition_scores(editions), "edition")
            .annotate(
                rank=Window(Rank(), partition_by=[F("edition")], order_by=RANK_ORDER),
                # The person must be picked after ranking: a filter on a window expression is
                # applied to the outer query (Django's QUALIFY emulation), a filter on a column
                # is not.
                person=Window(Min("participant"), partition_by=[F("participant")]),
            )
            .filter(person=participant.pk)
            .values_list("edition", "rank", "total_points", "total_tasks")
        )
        return {
            edition_id: (rank, _decimal(points, TENTH), tasks)
            for edition_id, rank, points, tasks in rows
        }

    return cached(results_key("ranks", editions, participant.pk), compute)
