import datetime
import threading
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from hackathon.models import Edition
from participants.leaderboard import edition_board, leaderboard
from participants.models import Score, ScoreSheet
from participants.scores import build_scores, counted_contributions, scores_in, share_expression
from tasks.choices import WorkStatus
from tasks.stats import points_expression
from tests.factories import EditionFactory, TrackFactory, WorkFactory
from tests.seventh import build_seventh_edition

pytestmark = pytest.mark.django_db


def score_table(scores):
    return {
        (s.track_id, s.login): (
            s.points,
            s.tasks_completed,
            s.last_completed_on,
            None if s.reward is None else s.reward.quantize(Decimal("0.01")),
        )
        for s in scores
    }


def summed_in_python(edition):
    """The scores, summed contribution by contribution in Python (what the one query must give)."""
    table = defaultdict(lambda: [Decimal(0), set(), None, None])
    contributions = (
        counted_contributions(edition=edition)
        .select_related("work__task", "participant")
        .annotate(points=points_expression("work__"), share=share_expression())
    )
    for c in contributions:
        entry = table[(c.work.task.track_id, c.participant.login)]
        entry[0] += Decimal(str(c.points))
        entry[1].add(c.work.task_id)
        if c.work.completed_on and (entry[2] is None or c.work.completed_on > entry[2]):
            entry[2] = c.work.completed_on
        if c.share is not None:
            entry[3] = (entry[3] or 0) + Decimal(str(c.share))
    return {
        key: (
            points.quantize(Decimal("0.1")),
            len(tasks),
            latest,
            None if reward is None else reward.quantize(Decimal("0.01")),
        )
        for key, (points, tasks, latest, reward) in table.items()
    }


def test_the_scores_of_the_seventh_sum_each_persons_completed_work_per_track(seventh):
    edition_rows = scores_in(edition=seventh)
    track_rows = Score.objects.filter(edition=seventh, track__isnull=False)

    assert score_table(track_rows) == summed_in_python(seventh)
    assert edition_rows.count() == 37  # the post's 37 developers, once each
    by_person = defaultdict(lambda: [0, 0])
    for row in track_rows:
        by_person[row.login][0] += row.points
        by_person[row.login][1] += row.tasks_completed
    assert {row.login: [row.points, row.tasks_completed] for row in edition_rows} == by_person


def test_scores_are_built_once_then_read_with_one_query(seventh, django_assert_num_queries):
    scores_in(edition=seventh)
    seventh.refresh_from_db()

    with django_assert_num_queries(1):  # is the sheet current?
        scores_in(edition=seventh)
    assert build_scores(seventh.pk) is False


def test_building_takes_the_same_queries_for_one_row_or_a_whole_edition(
    seventh, django_assert_num_queries
):
    small = EditionFactory(number=99, slug="99th")
    WorkFactory(task__track__edition=small, contributors=["alone"])

    for edition in (small, seventh):
        edition.refresh_from_db()
        # The sheet checked, then in a transaction: the sheet locked (created the first time),
        # the stamp read, the old rows deleted, the track and edition rows inserted, the stamp
        # written.
        with django_assert_num_queries(12):
            scores_in(edition=edition)
        assert Score.objects.filter(edition=edition).exists()


def test_a_change_of_results_is_in_the_scores_at_the_next_read():
    edition = EditionFactory(yuan_per_star=2000)
    track = TrackFactory(edition=edition)
    WorkFactory(task__track=track, task__stars=1, contributors=["alice"])
    assert score_table(scores_in(track=track)) == {
        (track.pk, "alice"): (Decimal("1.0"), 1, None, Decimal("2000.00"))
    }

    work = WorkFactory(
        task__track=track,
        task__stars=2,
        completed_on=datetime.date(2024, 12, 1),
        contributors=["alice", "bob"],
    )
    edition.refresh_from_db()
    assert score_table(scores_in(track=track)) == {
        (track.pk, "alice"): (Decimal("3.0"), 2, datetime.date(2024, 12, 1), Decimal("4000.00")),
        (track.pk, "bob"): (Decimal("2.0"), 1, datetime.date(2024, 12, 1), Decimal("2000.00")),
    }

    work.status = WorkStatus.REJECTED
    work.save()
    edition.refresh_from_db()
    assert score_table(scores_in(track=track)) == {
        (track.pk, "alice"): (Decimal("1.0"), 1, None, Decimal("2000.00"))
    }


def test_a_new_value_of_a_star_changes_the_rewards():
    edition = EditionFactory(yuan_per_star=2000)
    WorkFactory(task__track__edition=edition, task__stars=2, contributors=["alice"])
    assert scores_in(edition=edition).get().reward == Decimal("4000")

    edition.yuan_per_star = 1000
    edition.save()

    assert scores_in(edition=edition).get().reward == Decimal("2000")


def test_a_reward_split_three_ways_adds_up_across_tracks_to_the_cent():
    edition = EditionFactory(yuan_per_star=None)
    for kind in ("individual", "fundable"):
        WorkFactory(
            task__track=TrackFactory(edition=edition, kind=kind),
            reward=Decimal("1000"),
            contributors=["alice", "bob", "carol"],
        )

    _, rows = leaderboard(scores_in(edition=edition))

    # 1000 / 3 twice is 666.666…, which rounds to 666.67 (not 333.33 + 333.33).
    assert [(row.login, row.reward) for row in rows] == [
        ("alice", Decimal("666.67")),
        ("bob", Decimal("666.67")),
        ("carol", Decimal("666.67")),
    ]


def test_deleting_every_completed_work_empties_the_scores():
    edition = EditionFactory()
    work = WorkFactory(task__track__edition=edition, contributors=["alice"])
    assert scores_in(edition=edition).count() == 1

    work.delete()
    edition.refresh_from_db()

    assert scores_in(edition=edition).count() == 0
    assert edition_board(edition)[0:50] == []


def test_scores_are_rebuilt_once_after_a_transaction_that_changes_results(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        edition = EditionFactory()
        track = TrackFactory(edition=edition)
        for login in ("alice", "bob", "carol"):
            WorkFactory(task__track=track, contributors=[login])

    assert len(callbacks) == 1  # one rebuild for the many changes of the transaction
    edition.refresh_from_db()
    sheet = ScoreSheet.objects.get(name=f"edition:{edition.pk}")
    assert sheet.stamp.startswith(f"{edition.pk}.{edition.results_version}.")
    assert sorted(
        Score.objects.on_board(f"edition:{edition.pk}").values_list("login", flat=True)
    ) == [
        "alice",
        "bob",
        "carol",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_change_after_a_rolled_back_one_still_rebuilds_the_scores_on_commit():
    edition = EditionFactory()
    track = TrackFactory(edition=edition)

    with transaction.atomic():
        try:
            with transaction.atomic():
                WorkFactory(task__track=track, contributors=["alice"])
                raise RuntimeError("the organizer's save failed")
        except RuntimeError:
            pass
        # The rolled-back savepoint took its rebuild with it: this change schedules its own.
        WorkFactory(task__track=track, contributors=["bob"])

    edition.refresh_from_db()
    assert ScoreSheet.objects.get(name=f"edition:{edition.pk}").stamp.startswith(
        f"{edition.pk}.{edition.results_version}."
    )
    assert list(
        Score.objects.on_board(f"edition:{edition.pk}").values_list("login", flat=True)
    ) == ["bob"]


def test_draft_editions_have_scores_for_their_preview_but_never_count_all_time():
    public = EditionFactory(number=6, slug="6th", is_public=True)
    draft = EditionFactory(number=8, slug="8th", is_public=False)
    for edition in (public, draft):
        WorkFactory(task__track__edition=edition, task__stars=1, contributors=["alice"])

    assert scores_in(edition=draft).count() == 1
    assert leaderboard(scores_in(editions=Edition.objects.public()))[1][0].points == Decimal("1.0")


@pytest.mark.django_db(transaction=True)
def test_concurrent_builders_of_one_edition_build_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes whole transactions")
    edition = build_seventh_edition()  # in autocommit, each change rebuilt the scores at once
    ScoreSheet.objects.all().delete()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def build():
        try:
            barrier.wait(timeout=10)
            results.append(build_scores(edition.pk))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [False, True]
    track_rows = Score.objects.filter(edition=edition, track__isnull=False)
    assert score_table(track_rows) == summed_in_python(edition)


def test_the_all_time_boards_sum_the_public_editions_overall_and_per_kind():
    for number, public in [(6, True), (7, True), (8, False)]:
        edition = EditionFactory(number=number, slug=f"{number}th", is_public=public)
        WorkFactory(
            task__track=TrackFactory(edition=edition, kind="individual"),
            task__stars=2,
            completed_on=datetime.date(2020 + number, 1, 1),
            contributors=["alice"],
        )
        WorkFactory(
            task__track=TrackFactory(edition=edition, kind="camp"),
            task__stars=1,
            contributors=["alice", "bob"],
        )
    public = list(Edition.objects.public())

    def board(kind=None):
        _, rows = leaderboard(scores_in(editions=public, kind=kind))
        return [(r.rank, r.login, r.points, r.tasks_completed, r.last_completed_on) for r in rows]

    assert board() == [
        (1, "alice", Decimal("6.0"), 4, datetime.date(2027, 1, 1)),
        (2, "bob", Decimal("2.0"), 2, None),
    ]
    assert board("individual") == [(1, "alice", Decimal("4.0"), 2, datetime.date(2027, 1, 1))]
    assert board("camp") == [
        (1, "alice", Decimal("2.0"), 2, None),
        (1, "bob", Decimal("2.0"), 2, None),
    ]
    assert board("fundable") == []


def test_publishing_an_edition_rebuilds_the_all_time_boards():
    shown = EditionFactory(number=6, slug="6th", is_public=True)
    hidden = EditionFactory(number=8, slug="8th", is_public=False)
    for edition in (shown, hidden):
        WorkFactory(task__track__edition=edition, task__stars=1, contributors=["alice"])
    assert leaderboard(scores_in(editions=[shown]))[1][0].points == Decimal("1.0")

    hidden.is_public = True
    hidden.save()

    public = list(Edition.objects.public())
    assert leaderboard(scores_in(editions=public))[1][0].points == Decimal("2.0")
