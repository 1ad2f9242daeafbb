"""The leaderboard rule, read from a board's Score rows in its index order.

Points are stars. A completed piece of work earns its grade's stars if it has a grade, else its
task's stars, else 1; every contributor of it earns those points, and its reward is split equally
unless an organizer set shares. People with at least one completed piece of work are listed; "tasks
completed" counts distinct tasks. Rank by points, then tasks completed, then the earlier date of
reaching that score (the latest completed_on among the counted work; missing dates tie with each
other and come after dates); people equal on all three share a rank (1, 2, 2, 4) and are listed by
login, case-insensitively.

participants/scores.py keeps one Score row per person and board, with a ``rank_key`` that packs the
first three criteria into one integer. A page of a board is a range of the ``score_ranking``
index; a rank is 1 + the people on the board's levels (ScoreLevel: people per rank key) below
one's key; a board's size is stored with its rows. Nothing here ranks everybody.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import number_format

from participants.models import Score, ScoreBoard, ScoreLevel, board_name, edition_board_name

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


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
    # The person's uploaded avatar (its stored name), read with a page of a board for the faces
    # beside the names; "" elsewhere (exports, a person's standing).
    avatar: str = ""

    @property
    def points_label(self):
        """Points as a board shows them: 13.5, 6 (no trailing .0)."""
        return f"{self.points.normalize():f}"

    @property
    def reward_label(self):
        """The reward in whole yuan, its thousands grouped as the language groups them (24,000),
        or a dash."""
        if self.reward is None:
            return "–"
        return number_format(self.reward, decimal_pos=0, force_grouping=True)


# The columns a Standing is made of, as read from a Score row (rank aside).
COLUMNS = [
    "participant",
    "login",
    "name",
    "points",
    "tasks_completed",
    "reward",
    "last_completed_on",
    "rank_key",
]
# A page of a board also reads each person's uploaded avatar, in the same query.
PAGE_COLUMNS = [*COLUMNS[:-1], "participant__avatar", "rank_key"]


def _decimal(value, exponent):
    if value is None:
        return None
    if not isinstance(value, Decimal):  # SQLite sums to a float
        value = Decimal(str(value))
    return value.quantize(exponent)


def _standing(rank, row):
    """A Standing from a row of COLUMNS, or of PAGE_COLUMNS (with the avatar)."""
    participant_id, login, name, points, tasks, reward, latest, *avatar, _ = row
    return Standing(
        rank=rank,
        participant_id=participant_id,
        login=login,
        name=name,
        points=_decimal(points, MILLI),
        tasks_completed=tasks,
        reward=_decimal(reward, CENT),
        last_completed_on=latest,
        avatar=avatar[0] if avatar else "",
    )


def ahead(board, key):
    """How many people of the board rank strictly before a line with this rank key: a sum over
    the board's levels below it."""
    total = ScoreLevel.objects.filter(board=board, rank_key__lt=key).aggregate(n=Sum("people"))
    return total["n"] or 0


def ranked_rows(rows, first=1, rank=None, key=None):
    """Standings from Score rows (tuples of COLUMNS or PAGE_COLUMNS) in board order, the first
    at position ``first``:
    a row equal to the one before it on the three criteria (``key``, of rank ``rank``) shares its
    rank, any other row is ranked by its position."""
    for position, row in enumerate(rows, start=first):
        if row[-1] != key:
            rank, key = position, row[-1]
        yield _standing(rank, row)


class Board:
    """One leaderboard (a Score.board name), read a page at a time.

    It behaves as a sequence of Standings (``len()`` and slices), so that a Paginator can page it:
    ``len()`` reads the stored size; a slice reads its rows through the index, and, past the first
    page, counts the people ahead of its first row (one more indexed read).
    """

    def __init__(self, name):
        self.name = name
        self._size = None

    def __len__(self):
        if self._size is None:
            self._size = (
                ScoreBoard.objects.filter(name=self.name).values_list("size", flat=True).first()
                or 0
            )
        return self._size

    def rows(self, columns=COLUMNS):
        return Score.objects.on_board(self.name).ranked().in_board_order().values_list(*columns)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("A board is read a page (a slice) at a time.")
        start, stop = index.start or 0, index.stop
        if stop is None or start < 0 or stop < 0:
            raise TypeError("A board is read between two positions: board[start:stop].")
        if stop <= start:
            return []
        if start == 0:
            rows = list(self.rows(PAGE_COLUMNS)[:stop])
        else:
            # Where the page starts, read from the index alone; then the page from there.
            first = (
                Score.objects.on_board(self.name)
                .ranked()
                .in_board_order()
                .values_list("rank_key", "login_ci")[start : start + 1]
            )
            first = next(iter(first), None)
            if first is None:
                return []
            key, login_ci = first
            rows = list(
                self.rows(PAGE_COLUMNS)
                .filter(rank_key__gte=key)
                .exclude(rank_key=key, login_ci__lt=login_ci)[: stop - start]
            )
        if not rows:
            return []
        # The first row's rank is 1 + the people ahead of it, whatever its position.
        first_rank = 1 if start == 0 else ahead(self.name, rows[0][-1]) + 1
        return list(ranked_rows(rows, start + 1, first_rank, rows[0][-1]))

    def __iter__(self):
        """Every Standing, in order, streamed (exports)."""
        return ranked_rows(self.rows().iterator(chunk_size=2000))

    def standing_of(self, participant_id):
        """The person's Standing on this board, or None: one query."""
        rows = (
            Score.objects.filter(board=self.name, participant=participant_id)
            .ranked()
            .annotate(ahead=_ahead_count())
            .values_list(*COLUMNS, "ahead")
        )
        row = next(iter(rows), None)
        return None if row is None else _standing(row[-1] + 1, row[:-1])


def _ahead_count():
    """Per Score row: how many rows of its board rank strictly before it (an indexed count)."""
    return Coalesce(
        Subquery(
            ScoreLevel.objects.filter(board=OuterRef("board"), rank_key__lt=OuterRef("rank_key"))
            .order_by()
            .values("board")
            .annotate(n=Sum("people"))
            .values("n")
        ),
        Value(0),
    )


def edition_board(edition, track=None):
    """The board of an edition, or of one of its tracks (a track of that edition)."""
    return Board(board_name(edition=edition, track=track))


def all_time_board(kind=None):
    """The board over every public edition, or over their tracks of one kind."""
    return Board(board_name(kind=kind))


def edition_ranks(participant, editions):
    """{edition id: (rank, points, tasks completed)} of the person on each edition's board, in
    one query."""
    boards = [edition_board_name(edition.pk) for edition in editions]
    if not boards:
        return {}
    rows = (
        Score.objects.filter(board__in=boards, participant=participant.pk)
        .ranked()
        .annotate(ahead=_ahead_count())
        .values_list("edition_id", "ahead", "points", "tasks_completed")
    )
    return {
        edition_id: (ahead + 1, _decimal(points, MILLI), tasks)
        for edition_id, ahead, points, tasks in rows
    }
