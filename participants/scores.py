"""Scores: every leaderboard's lines (each person's points, distinct tasks completed, latest
completion, reward and rank key), kept up to date by whoever changes the results.

Boards (``Score.board``):

- ``track:<id>`` and ``edition:<id>``: one row per person on a published task there (their
  points and tasks count only completed work; those without any have a rank_key of 0 or more and
  are not listed), summed from the edition's contributions;
- ``all`` and ``all:<kind>``: the all-time boards, one row per person, summed from the public
  editions' edition rows (or their rows of the tracks of one kind).

A change to the results names the people it touches (tasks/signals.py, and the import once per
file, through ``Edition.objects…results_changed(people=…)``): ``refresh_people`` then deletes
and re-inserts just those people's rows, on every board they are on, in the writer's transaction.
Its cost follows the number of people and of their contributions, not the size of the edition.
Each board's counts (``ScoreBoard``) move by what the refresh added and removed, so a board is
counted without counting its rows.

Edition-wide changes (the CNY per star, publishing or hiding an edition, a bulk load) rebuild that
edition and the all-time boards (``rebuild_editions``) in a background task
(participants/background.py); ``manage.py rebuild_scores`` rebuilds everything, to repair rows
written outside the app (raw SQL). Reads never write: they read the rows as they are
(participants/leaderboard.py). docs/pipeline.md tells the whole story.
"""

from decimal import Decimal

from django.db import connections, router, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower
from django.dispatch import receiver

from hackathon.models import Edition
from hackathon.signals import results_changed
from participants.models import (
    ALL_TIME,
    RANK_NO_DAY,
    RANK_POINTS_FACTOR,
    RANK_TASKS_FACTOR,
    Participant,
    Score,
    ScoreBoard,
    ScoreLevel,
    edition_board_name,
)
from tasks.choices import WorkStatus
from tasks.models import Contribution, counted_work
from tasks.stats import points_expression, reward_expression

# People refreshed per statement: keeps IN lists under SQLite's parameter limit.
PEOPLE_CHUNK = 500


class RealDivisor(Func):
    """A count to divide by: as it is on PostgreSQL (numeric division is exact), a REAL on
    SQLite, whose integers divide as integers (1000 / 3 = 333)."""

    template = "%(expressions)s"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra_context
        )


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
        reward_expression("work__") / RealDivisor(contributors),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


# Score's columns that an INSERT ... SELECT fills from the selected v_<column> values or from
# constants; rank_key is computed from them (_rank_key_sql).
SCORE_COLUMNS = [
    "board",
    "edition_id",
    "track_id",
    "participant_id",
    "login",
    "login_ci",
    "name",
    "points",
    "tasks_completed",
    "last_completed_on",
    "reward",
]


def track_rows(edition_id, people=None):
    """The rows of the edition's track boards: one per person on a published task of the track,
    summed from their counted contributions (of the given people only, when given)."""
    contributions = Contribution.objects.filter(
        work__task__withdrawn=False, work__task__track__edition=edition_id
    ).exclude(work__status=WorkStatus.DISQUALIFIED)  # it leaves every board
    done = counted_work("work__")
    if people is not None:
        contributions = contributions.filter(participant__in=people)
    return (
        contributions.order_by()
        .values(
            v_board=Concat(Value("track:"), Cast("work__task__track", CharField())),
            v_track_id=F("work__task__track"),
            v_participant_id=F("participant"),
            v_login=F("participant__login"),
            v_login_ci=Lower("participant__login"),
            v_name=F("participant__name"),
        )
        .annotate(
            v_points=Coalesce(
                Sum(points_expression("work__"), filter=done),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=12, decimal_places=3),
            ),
            v_tasks_completed=Count("work__task", distinct=True, filter=done),
            v_last_completed_on=Max("work__completed_on", filter=done),
            v_reward=Sum(share_expression(), filter=done),
        )
    )


def summed_rows(scores, **group):
    """Score rows summed per person (and ``group``): the rows of a wider board. A task belongs
    to one track, so distinct tasks per track add up to distinct tasks overall."""
    return (
        scores.order_by()
        .values(
            **group,
            v_participant_id=F("participant"),
            v_login=F("login"),
            v_login_ci=F("login_ci"),
            v_name=F("name"),
        )
        .annotate(
            v_points=Sum("points"),
            v_tasks_completed=Sum("tasks_completed"),
            v_last_completed_on=Max("last_completed_on"),
            v_reward=Sum("reward"),
        )
    )


def _rank_key_sql(connection):
    """participants.models.rank_key() in SQL, over the selected v_ columns."""
    quote = connection.ops.quote_name
    points, tasks, day = (
        f"results.{quote('v_' + name)}"
        for name in ("points", "tasks_completed", "last_completed_on")
    )
    if connection.vendor == "postgresql":
        day_number = f"({day} - DATE '1970-01-01')"
        millis = f"CAST(ROUND({points} * 1000) AS BIGINT)"
    else:
        day_number = f"CAST(julianday({day}) - 2440587.5 AS INTEGER)"
        millis = f"CAST(ROUND({points} * 1000) AS INTEGER)"
    return (
        f"(0 - {millis} * {RANK_POINTS_FACTOR} - {tasks} * {RANK_TASKS_FACTOR}"
        f" + COALESCE({day_number}, {RANK_NO_DAY}))"
    )


def _insert(using, rows, **constants):
    """INSERT INTO Score ... SELECT the ``rows`` (a values() queryset selecting v_<column> for
    each Score column not given in ``constants``), in one statement."""
    connection = connections[using]
    quote = connection.ops.quote_name
    sql, params = rows.using(using).query.sql_with_params()
    select, select_params = [], []
    for column in SCORE_COLUMNS:
        if column in constants:
            select.append("%s")
            select_params.append(constants[column])
        else:
            select.append(f"results.{quote('v_' + column)}")
    select.append(_rank_key_sql(connection))
    columns = ", ".join(quote(column) for column in [*SCORE_COLUMNS, "rank_key"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Score._meta.db_table)} ({columns}) "
            f"SELECT {', '.join(select)} FROM ({sql}) results",
            [*select_params, *params],
        )


def _insert_edition(using, edition_id, people=None):
    """The edition's track rows and edition rows (of ``people`` only, when given)."""
    _insert(using, track_rows(edition_id, people), edition_id=edition_id)
    tracks = Score.objects.filter(edition_id=edition_id, track__isnull=False)
    if people is not None:
        tracks = tracks.filter(participant__in=people)
    _insert(
        using,
        summed_rows(tracks),
        board=edition_board_name(edition_id),
        edition_id=edition_id,
        track_id=None,
    )


def _insert_all_time(using, people=None):
    """The all-time rows (every kind, and each kind) summed from the public editions' rows."""
    public = Score.objects.filter(edition__is_public=True)
    if people is not None:
        public = public.filter(participant__in=people)
    _insert(
        using,
        summed_rows(public.filter(track__isnull=True)),
        board=ALL_TIME,
        edition_id=None,
        track_id=None,
    )
    _insert(
        using,
        summed_rows(
            public.filter(track__isnull=False),
            v_board=Concat(Value(f"{ALL_TIME}:"), F("track__kind")),
        ),
        edition_id=None,
        track_id=None,
    )


def _levels(scores):
    """{(board, rank key): rows} over the given rows (the keys of people without completed work
    are all counted under ``None``)."""
    rows = (
        scores.order_by()
        .values("board")
        .annotate(
            key=Case(When(rank_key__lt=0, then=F("rank_key")), default=Value(None)),
            n=Count("*"),
        )
        .values_list("board", "key", "n")
    )
    levels = {}
    for board, key, n in rows:
        levels[(board, key)] = levels.get((board, key), 0) + n
    return levels


def _sizes(levels):
    """{board: (people with completed work, people)} from _levels()."""
    sizes = {}
    for (board, key), n in levels.items():
        size, people = sizes.get(board, (0, 0))
        sizes[board] = (size + (n if key is not None else 0), people + n)
    return sizes


def _move_levels(using, before, after):
    """Move the levels by the rows the refreshed people left and joined."""
    deltas = {
        level: after.get(level, 0) - before.get(level, 0)
        for level in before.keys() | after.keys()
        if level[1] is not None
    }
    deltas = {level: delta for level, delta in sorted(deltas.items()) if delta}
    if not deltas:
        return
    levels = ScoreLevel.objects.using(using)
    touched = Q()
    for board, key in deltas:
        touched |= Q(board=board, rank_key=key)
    levels.bulk_create(
        [ScoreLevel(board=board, rank_key=key, people=0) for board, key in deltas],
        ignore_conflicts=True,
    )
    list(levels.filter(touched).order_by("board", "rank_key").select_for_update().values("pk"))
    levels.filter(touched).update(
        people=F("people")
        + Case(
            *(
                When(board=board, rank_key=key, then=Value(delta))
                for (board, key), delta in deltas.items()
            ),
            default=Value(0),
        )
    )
    levels.filter(touched, people=0).delete()


def _move_sizes(using, before, after):
    """Move each board's counts and levels by the rows it gained or lost (after locking the
    rows in order, so that two writers never wait for each other in a cycle)."""
    _move_levels(using, before, after)
    before, after = _sizes(before), _sizes(after)
    deltas = {}
    for board in sorted(before.keys() | after.keys()):
        old, new = before.get(board, (0, 0)), after.get(board, (0, 0))
        if old != new:
            deltas[board] = (new[0] - old[0], new[1] - old[1])
    if not deltas:
        return
    boards = ScoreBoard.objects.using(using)
    boards.bulk_create([ScoreBoard(name=name) for name in deltas], ignore_conflicts=True)
    list(boards.filter(name__in=deltas).order_by("name").select_for_update().values("name"))

    def moved(field, index):
        return F(field) + Case(
            *(When(name=name, then=Value(delta[index])) for name, delta in deltas.items()),
            default=Value(0),
        )

    boards.filter(name__in=deltas).update(size=moved("size", 0), people=moved("people", 1))


def refresh_people(edition_ids, people, using=None):
    """Bring the given people's rows up to date on the boards of the given editions and on the
    all-time boards: their rows there are deleted and summed again from the results. The cost
    follows the number of people and of their contributions, not the size of the edition.

    Concurrent refreshes of one person wait for each other (a lock on the person's row)."""
    using = using or router.db_for_write(Score)
    edition_ids = sorted(set(edition_ids))
    people = sorted(set(people))
    with transaction.atomic(using=using):
        for start in range(0, len(people), PEOPLE_CHUNK):
            chunk = people[start : start + PEOPLE_CHUNK]
            list(
                Participant.objects.using(using)
                .filter(pk__in=chunk)
                .order_by("pk")
                .select_for_update()
                .values_list("pk", flat=True)
            )
            rows = Score.objects.using(using).filter(
                Q(edition__in=edition_ids) | Q(edition__isnull=True), participant__in=chunk
            )
            before = _levels(rows)
            rows.delete()
            for edition_id in edition_ids:
                _insert_edition(using, edition_id, chunk)
            _insert_all_time(using, chunk)
            _move_sizes(using, before, _levels(rows))


def _recount(using, boards):
    """Set the sizes and levels of the boards matching ``boards`` (a Q over Score) by counting
    their rows."""
    levels = _levels(Score.objects.using(using).filter(boards))
    counts = _sizes(levels)
    ScoreBoard.objects.using(using).filter(
        Q(name__startswith=f"{ALL_TIME}") | Q(name__in=counts)
    ).delete()
    ScoreBoard.objects.using(using).bulk_create(
        [ScoreBoard(name=name, size=size, people=people) for name, (size, people) in counts.items()]
    )
    ScoreLevel.objects.using(using).filter(
        Q(board__startswith=f"{ALL_TIME}") | Q(board__in=counts)
    ).delete()
    ScoreLevel.objects.using(using).bulk_create(
        (
            ScoreLevel(board=board, rank_key=key, people=n)
            for (board, key), n in levels.items()
            if key is not None
        ),
        batch_size=5000,
    )


def _lock_scores(using):
    """Whole-board rebuilds exclude every other writer of scores until they commit."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(Score._meta.db_table)}"
                " IN SHARE ROW EXCLUSIVE MODE"
            )


def _rebuild_all_time(using):
    Score.objects.using(using).filter(edition__isnull=True).delete()
    _insert_all_time(using)


def rebuild_editions(edition_ids, using=None):
    """Rebuild these editions' boards and the all-time boards: for a change that touches
    everybody in an edition (its CNY per star, its publication, a bulk load)."""
    using = using or router.db_for_write(Score)
    edition_ids = sorted(set(edition_ids))
    with transaction.atomic(using=using):
        _lock_scores(using)
        rows = Score.objects.using(using).filter(edition_id__in=edition_ids)
        old_boards = set(rows.values_list("board", flat=True).distinct())
        rows.delete()
        for edition_id in (
            Edition.objects.using(using).filter(pk__in=edition_ids).values_list("pk", flat=True)
        ):
            _insert_edition(using, edition_id)
        _rebuild_all_time(using)
        ScoreBoard.objects.using(using).filter(name__in=old_boards).delete()
        ScoreLevel.objects.using(using).filter(board__in=old_boards).delete()
        _recount(using, Q(edition_id__in=edition_ids) | Q(edition__isnull=True))


def rebuild_all(using=None):
    """Rebuild every board from the results: the repair of ``manage.py rebuild_scores``."""
    using = using or router.db_for_write(Score)
    with transaction.atomic(using=using):
        _lock_scores(using)
        Score.objects.using(using).all().delete()
        ScoreBoard.objects.using(using).all().delete()
        ScoreLevel.objects.using(using).all().delete()
        for edition_id in Edition.objects.using(using).values_list("pk", flat=True):
            _insert_edition(using, edition_id)
        _insert_all_time(using)
        _recount(using, Q())


def rename_people(people, using=None):
    """Copy the people's current login and name into their rows."""
    using = using or router.db_for_write(Score)
    for person in Participant.objects.using(using).filter(pk__in=people).only("login", "name"):
        Score.objects.using(using).filter(participant=person).exclude(
            login=person.login, name=person.name
        ).update(login=person.login, login_ci=person.login.lower(), name=person.name)


@receiver(results_changed, dispatch_uid="participants.scores.keep_scores")
def keep_scores(sender, edition_ids, using, people=None, renamed=(), everyone=False, **kwargs):
    """Keep the scores of a change to the results, in the writer's transaction: the given
    people's rows; or (``everyone``) the editions' whole boards and task figures, rebuilt by a
    background task enqueued with the change (participants/background.py)."""
    if everyone:
        from participants.background import rebuild_results  # a task module above this one

        rebuild_results.enqueue(sorted(set(edition_ids)))
    elif people:
        refresh_people(edition_ids, people, using=using)
    if renamed:
        rename_people(renamed, using=using)
