"""Scores: each person's points, distinct tasks, latest completion and reward in each track.

The leaderboards rank Score rows (one per person and track) instead of joining every contribution
through its work, task and track: an all-time board then sums some 30,000 small rows instead of
aggregating 100,000 contributions.

An edition's rows are rebuilt from its results, in one INSERT … SELECT, whenever its stamp (its
results_version and updated_at, hackathon/caching.py) differs from the one they were built from
(ScoreSheet): right after a change to the results is committed (the results_changed signal), and,
should that have been missed, by the first reader (fresh_scores). Rebuilds of one edition are
serialised by a lock on its ScoreSheet row.
"""

from functools import partial

from django.db import connections, router, transaction
from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
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


# The columns of Score that score_rows() selects, in its order (after edition_id).
SCORE_COLUMNS = [
    "track_id",
    "participant_id",
    "points",
    "tasks_completed",
    "last_completed_on",
    "reward",
]


def score_rows(edition):
    """The edition's scores as one grouped query over its counted contributions, with the
    columns of SCORE_COLUMNS in that order."""
    return (
        counted_contributions(edition=edition)
        .order_by()
        .values("work__task__track", "participant")
        .annotate(
            points=Sum(points_expression("work__")),
            tasks_completed=Count("work__task", distinct=True),
            last_completed_on=Max("work__completed_on"),
            reward=Sum(share_expression()),
        )
    )


def build_scores(edition_id):
    """Rebuild the edition's Score rows unless they are already from its current results.

    Returns True when it rebuilt them. Concurrent calls for one edition wait for each other
    (a lock on the edition's ScoreSheet), and the later one finds the rows current.
    """
    using = router.db_for_write(Score)
    with transaction.atomic(using=using):
        sheet, _ = (
            ScoreSheet.objects.using(using)
            .select_for_update()
            .get_or_create(edition_id=edition_id, defaults={"stamp": ""})
        )
        # The stamp is read before the results: rows built from newer results than their stamp
        # says are merely rebuilt once more, never the other way round.
        edition = Edition.objects.using(using).filter(pk=edition_id).first()
        if edition is None:
            return False
        stamp = edition_stamp(edition)
        if sheet.stamp == stamp:
            return False
        Score.objects.using(using).filter(edition_id=edition_id).delete()
        sql, params = score_rows(edition).using(using).query.sql_with_params()
        connection = connections[using]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in ["edition_id", *SCORE_COLUMNS])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(Score._meta.db_table)} ({columns}) "
                f"SELECT %s, results.* FROM ({sql}) results",
                [edition_id, *params],
            )
        sheet.stamp = stamp
        sheet.save(update_fields=["stamp", "built_at"])
    return True


def fresh_scores(editions):
    """Score rows of the given editions, rebuilt first where they are not from the results the
    editions (as loaded) carry. One query when they are current."""
    editions = list(editions)
    built = dict(
        ScoreSheet.objects.filter(edition__in=[edition.pk for edition in editions]).values_list(
            "edition", "stamp"
        )
    )
    for edition in editions:
        if built.get(edition.pk) != edition_stamp(edition):
            build_scores(edition.pk)
    return Score.objects.filter(edition__in=[edition.pk for edition in editions])


def scores_in(editions=None, edition=None, track=None, kind=None):
    """Current Score rows of the given scope: an edition, one of its tracks, or several editions
    (optionally their tracks of one kind)."""
    if track is not None:
        edition = track.edition
    scores = fresh_scores([edition] if edition is not None else editions)
    if track is not None:
        scores = scores.filter(track=track)
    if kind is not None:
        scores = scores.filter(track__kind=kind)
    return scores


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
