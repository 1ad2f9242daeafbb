"""Scores: every leaderboard's lines (each person's points, distinct tasks completed, latest
completion and reward), summed from the results ahead of time.

Each track's board and each edition's hold one row per person, summed from the edition's
contributions; the all-time boards sum the public editions' rows per person when they are read
(some 40,000 small rows instead of 100,000 contributions joined through work, task and track).
participants/leaderboard.py ranks them.

An edition's rows are rebuilt, in two INSERT … SELECT statements, whenever its stamp (its
results_version and updated_at, hackathon/caching.py) differs from the one recorded in its
ScoreSheet: right after a change to the results is committed (the results_changed signal, once
per transaction), and, should that have been missed, at the first read. Rebuilds of one edition
are serialised by a lock on its ScoreSheet row.
"""

from functools import partial

from django.db import connections, router, transaction
from django.db.models import (
    CharField,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.dispatch import receiver

from hackathon.caching import edition_stamp
from hackathon.models import Edition
from hackathon.signals import results_changed
from participants.models import Score, ScoreSheet
from tasks.choices import WorkStatus
from tasks.models import Contribution
from tasks.stats import points_expression, reward_expression


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


# Score's columns, in the order an INSERT ... SELECT fills them.
SCORE_COLUMNS = [
    "board",
    "edition_id",
    "track_id",
    "participant_id",
    "login",
    "name",
    "points",
    "tasks_completed",
    "last_completed_on",
    "reward",
]


def track_board(track_id):
    return f"track:{track_id}"


def edition_board_name(edition_id):
    return f"edition:{edition_id}"


def edition_sheet(edition_id):
    """The ScoreSheet of an edition's rows bears the name of its board."""
    return edition_board_name(edition_id)


def track_rows(edition):
    """The rows of the edition's track boards, summed from its counted contributions."""
    return (
        counted_contributions(edition=edition)
        .order_by()
        .values(
            v_board=Concat(Value("track:"), Cast("work__task__track", CharField())),
            v_track_id=F("work__task__track"),
            v_participant_id=F("participant"),
            v_login=F("participant__login"),
            v_name=F("participant__name"),
        )
        .annotate(
            v_points=Sum(points_expression("work__")),
            v_tasks_completed=Count("work__task", distinct=True),
            v_last_completed_on=Max("work__completed_on"),
            v_reward=Sum(share_expression()),
        )
    )


def totals(scores, **group):
    """Score rows summed per person (and ``group``): the rows of a wider board. A task belongs
    to one track, so distinct tasks per track add up to distinct tasks overall."""
    return (
        scores.order_by()
        .values(
            **group,
            v_participant_id=F("participant"),
            v_login=F("login"),
            v_name=F("name"),
        )
        .annotate(
            v_points=Sum("points"),
            v_tasks_completed=Sum("tasks_completed"),
            v_last_completed_on=Max("last_completed_on"),
            v_reward=Sum("reward"),
        )
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
    columns = ", ".join(quote(column) for column in SCORE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Score._meta.db_table)} ({columns}) "
            f"SELECT {', '.join(select)} FROM ({sql}) results",
            [*select_params, *params],
        )


def _locked_sheet(using, name):
    sheet, _ = (
        ScoreSheet.objects.using(using)
        .select_for_update()
        .get_or_create(name=name, defaults={"stamp": ""})
    )
    return sheet


def build_scores(edition_id):
    """Rebuild the edition's boards (each track's and the edition's) unless they are already
    from its current results. Returns True when it rebuilt them.

    Concurrent calls for one edition wait for each other (a lock on its ScoreSheet row), and the
    later one finds the rows current.
    """
    using = router.db_for_write(Score)
    with transaction.atomic(using=using):
        sheet = _locked_sheet(using, edition_sheet(edition_id))
        # The stamp is read before the results: rows built from newer results than their stamp
        # says are merely rebuilt once more, never the other way round.
        edition = Edition.objects.using(using).filter(pk=edition_id).first()
        if edition is None:
            return False
        stamp = edition_stamp(edition)
        if sheet.stamp == stamp:
            return False
        Score.objects.using(using).filter(edition_id=edition_id).delete()
        _insert(using, track_rows(edition), edition_id=edition_id)
        _insert(
            using,
            totals(Score.objects.filter(edition_id=edition_id, track__isnull=False)),
            board=edition_board_name(edition_id),
            edition_id=edition_id,
            track_id=None,
        )
        sheet.stamp = stamp
        sheet.save(update_fields=["stamp", "built_at"])
    return True


def _make_current(editions):
    """Rebuild the boards of the editions whose rows are not from the results they (as loaded)
    carry. One query when every one is current."""
    wanted = {edition_sheet(edition.pk): edition_stamp(edition) for edition in editions}
    built = dict(ScoreSheet.objects.filter(name__in=wanted).values_list("name", "stamp"))
    for edition in editions:
        if built.get(edition_sheet(edition.pk)) != wanted[edition_sheet(edition.pk)]:
            build_scores(edition.pk)


def scores_in(edition=None, track=None, editions=None, kind=None):
    """The current Score rows of a board: an edition's, one of its tracks' (``track``), or of
    several ``editions`` (all-time: their edition rows, or with ``kind`` their rows of the
    tracks of that kind), to be summed per person."""
    if track is not None:
        _make_current([track.edition])
        return Score.objects.on_board(track_board(track.pk))
    if edition is not None:
        _make_current([edition])
        return Score.objects.on_board(edition_board_name(edition.pk))
    editions = list(editions)
    _make_current(editions)
    if kind is None:
        return Score.objects.filter(board__in=[edition_board_name(e.pk) for e in editions])
    return Score.objects.filter(edition__in=[e.pk for e in editions], track__kind=kind)


def edition_scores(editions):
    """The current Score rows of the editions' own boards (one row per person and edition)."""
    return scores_in(editions=editions)


def _rebuild(edition_ids):
    for edition_id in edition_ids:
        build_scores(edition_id)


def _pending_rebuilds(connection):
    """Editions whose rebuild is already waiting for the current transaction to commit (the
    callbacks of a rolled-back savepoint are gone from that list)."""
    return {
        edition_id
        for _, callback, _ in getattr(connection, "run_on_commit", [])
        if getattr(callback, "func", None) is _rebuild
        for edition_id in callback.args[0]
    }


@receiver(results_changed, dispatch_uid="participants.scores.rebuild_after_commit")
def rebuild_after_commit(sender, edition_ids, using, **kwargs):
    """Rebuild the scores once the change is committed, so that readers find them current; once
    per edition however many changes the transaction makes. A failure is logged (robust): the
    first reader then rebuilds them."""
    waiting = _pending_rebuilds(connections[using])
    edition_ids = [edition_id for edition_id in edition_ids if edition_id not in waiting]
    if edition_ids:
        transaction.on_commit(partial(_rebuild, edition_ids), using=using, robust=True)
