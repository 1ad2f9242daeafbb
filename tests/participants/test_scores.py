"""The score rows: summed right, kept up to date by each change for just the people it touches,
and equal, after any sequence of changes, to a rebuild from scratch."""

import datetime
import threading
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Count, Q
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from participants.leaderboard import Board
from participants.models import Participant, Score, ScoreBoard, ScoreLevel, board_name
from participants.scores import (
    rebuild_all,
    refresh_people,
    share_expression,
)
from tasks.choices import Grade, WorkStatus
from tasks.models import Contribution, Task, TaskTally, Work
from tasks.stats import points_expression
from tasks.tally import recount_all
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
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
        Contribution.objects.counted()
        .filter(work__task__track__edition=edition)
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


def everything():
    """Every score row and every board size, as comparable values."""
    rows = sorted(
        (
            s.board,
            s.participant_id,
            s.login,
            s.name,
            s.points,
            s.tasks_completed,
            s.last_completed_on,
            None if s.reward is None else s.reward.quantize(Decimal("0.000001")),
            s.rank_key,
        )
        for s in Score.objects.all()
    )
    sizes = {
        board.name: (board.size, board.people)
        for board in ScoreBoard.objects.exclude(size=0, people=0)
    }
    levels = sorted(ScoreLevel.objects.values_list("board", "rank_key", "people"))
    return rows, sizes, levels


def tallies():
    """Every task's progress and accepted entries, and the task tallies that count something."""
    return (
        sorted(Task.objects.values_list("pk", "progress", "accepted")),
        sorted(
            TaskTally.objects.exclude(published=0, submitted=0, completed=0).values_list(
                "track_id", "direction_id", "published", "submitted", "completed"
            ),
            key=str,
        ),
    )


def assert_same_as_a_rebuild():
    kept, kept_tallies = everything(), tallies()
    counted = {
        board: (size, people)
        for board, size, people in Score.objects.order_by()
        .values("board")
        .annotate(size=Count("pk", filter=Q(rank_key__lt=0)), people=Count("*"))
        .values_list("board", "size", "people")
    }
    # Every board's counts are its rows with completed work, and all its rows; its levels count
    # the rows of each rank key.
    assert {name: counts for name, counts in kept[1].items() if counts != (0, 0)} == counted
    assert kept[2] == sorted(
        Score.objects.ranked()
        .order_by()
        .values("board", "rank_key")
        .annotate(n=Count("*"))
        .values_list("board", "rank_key", "n")
    )
    recount_all()
    rebuild_all()
    assert (everything(), tallies()) == (kept, kept_tallies)


def lines(board):
    return [(s.rank, s.login, s.points, s.tasks_completed) for s in Board(board)]


def test_the_scores_of_the_seventh_sum_each_persons_completed_work_per_track(seventh):
    edition_rows = Score.objects.on_board(board_name(edition=seventh)).ranked()
    track_rows = Score.objects.filter(edition=seventh, track__isnull=False).ranked()

    assert score_table(track_rows) == summed_in_python(seventh)
    assert edition_rows.count() == 37  # the post's 37 developers, once each
    by_person = defaultdict(lambda: [0, 0])
    for row in track_rows:
        by_person[row.login][0] += row.points
        by_person[row.login][1] += row.tasks_completed
    assert {row.login: [row.points, row.tasks_completed] for row in edition_rows} == by_person
    assert_same_as_a_rebuild()


def test_a_change_is_refreshed_with_the_same_queries_in_a_small_edition_or_the_seventh(
    seventh, django_assert_num_queries
):
    small = WorkFactory(task__track__edition__number=99, contributors=["alone"])
    big = Work.objects.filter(task__track__edition=seventh, status=WorkStatus.COMPLETED).first()

    for work in (small, big):
        work.grade = Grade.EXCELLENT
        # The row before the save, the save and its history row (its status is unchanged: so is
        # its task's progress), the contributors, the edition (which, then its version), the results
        # clock, and the refresh of their scores: a savepoint, lock the people, their rows per
        # board and rank key, delete them, four inserts, their rows per board and rank key
        # again, the levels they left and joined (created, locked, moved, emptied ones
        # deleted), release. The boards' counts do not move.
        with django_assert_num_queries(21):
            work.save()
    assert_same_as_a_rebuild()


def test_a_change_of_results_is_in_the_scores_at_once():
    edition = EditionFactory(yuan_per_star=2000)
    track = TrackFactory(edition=edition)
    WorkFactory(task__track=track, task__stars=1, contributors=["alice"])

    def track_rows():
        return Score.objects.on_board(board_name(track=track)).ranked()

    assert score_table(track_rows()) == {
        (track.pk, "alice"): (Decimal("1.0"), 1, None, Decimal("2000.00"))
    }

    work = WorkFactory(
        task__track=track,
        task__stars=2,
        completed_on=datetime.date(2024, 12, 1),
        contributors=["alice", "bob"],
    )
    assert score_table(track_rows()) == {
        (track.pk, "alice"): (Decimal("3.0"), 2, datetime.date(2024, 12, 1), Decimal("4000.00")),
        (track.pk, "bob"): (Decimal("2.0"), 1, datetime.date(2024, 12, 1), Decimal("2000.00")),
    }

    work.status = WorkStatus.REJECTED
    work.save()
    assert score_table(track_rows()) == {
        (track.pk, "alice"): (Decimal("1.0"), 1, None, Decimal("2000.00"))
    }
    assert ScoreBoard.objects.get(name=board_name(track=track)).size == 1
    assert_same_as_a_rebuild()


def test_a_new_value_of_a_star_changes_the_rewards():
    edition = EditionFactory(yuan_per_star=2000)
    WorkFactory(task__track__edition=edition, task__stars=2, contributors=["alice"])
    rows = Score.objects.on_board(board_name(edition=edition))
    assert rows.get().reward == Decimal("4000")

    edition.yuan_per_star = 1000
    edition.save()

    assert rows.all().get().reward == Decimal("2000")
    assert Score.objects.on_board("all").get().reward == Decimal("2000")


def test_a_reward_split_three_ways_adds_up_across_tracks_to_the_cent():
    edition = EditionFactory(yuan_per_star=None)
    for kind in ("individual", "fundable"):
        WorkFactory(
            task__track=TrackFactory(edition=edition, kind=kind),
            reward=Decimal("1000"),
            contributors=["alice", "bob", "carol"],
        )

    rows = list(Board(board_name(edition=edition)))

    # 1000 / 3 twice is 666.666…, which rounds to 666.67 (not 333.33 + 333.33).
    assert [(row.login, row.reward) for row in rows] == [
        ("alice", Decimal("666.67")),
        ("bob", Decimal("666.67")),
        ("carol", Decimal("666.67")),
    ]


def test_deleting_every_completed_work_empties_the_boards():
    edition = EditionFactory()
    work = WorkFactory(task__track__edition=edition, contributors=["alice"])
    assert len(Board(board_name(edition=edition))) == 1

    work.delete()

    assert Score.objects.count() == 0
    assert len(Board(board_name(edition=edition))) == 0
    assert Board(board_name(edition=edition))[0:50] == []
    assert set(ScoreBoard.objects.values_list("size", flat=True)) == {0}


def test_renaming_a_person_renames_their_lines():
    WorkFactory(task__track__edition__number=1, contributors=["alice"])
    person = Participant.objects.get(login="alice")

    person.login, person.name = "Alice-2", "爱丽丝"
    person.save()

    assert set(Score.objects.values_list("login", "name")) == {("Alice-2", "爱丽丝")}


def test_moving_a_task_to_another_editions_track_moves_its_scores():
    old = WorkFactory(task__track__edition__number=1, task__stars=2, contributors=["alice"])
    other = TrackFactory(edition=EditionFactory(number=2, slug="2nd"))
    task = old.task

    task.track = other
    task.save()

    assert sorted(Score.objects.values_list("board", "points")) == [
        ("all", Decimal("2.0")),
        (f"all:{other.kind}", Decimal("2.0")),
        (f"edition:{other.edition_id}", Decimal("2.0")),
        (f"track:{other.pk}", Decimal("2.0")),
    ]
    assert_same_as_a_rebuild()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_leaves_the_scores_as_they_were():
    track = TrackFactory(edition=EditionFactory())

    with transaction.atomic():
        try:
            with transaction.atomic():
                WorkFactory(task__track=track, contributors=["alice"])
                raise RuntimeError("the organizer's save failed")
        except RuntimeError:
            pass
        WorkFactory(task__track=track, contributors=["bob"])

    assert list(
        Score.objects.on_board(board_name(track=track)).values_list("login", flat=True)
    ) == ["bob"]
    assert ScoreBoard.objects.get(name=board_name(track=track)).size == 1


def test_draft_editions_have_scores_for_their_preview_but_never_count_all_time():
    public = EditionFactory(number=6, slug="6th", is_public=True)
    draft = EditionFactory(number=8, slug="8th", is_public=False)
    for edition in (public, draft):
        WorkFactory(task__track__edition=edition, task__stars=1, contributors=["alice"])

    assert len(Board(board_name(edition=draft))) == 1
    assert lines("all") == [(1, "alice", Decimal("1.0"), 1)]


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

    def board(kind=None):
        rows = Board(board_name(kind=kind))
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
    assert_same_as_a_rebuild()


def test_publishing_an_edition_adds_it_to_the_all_time_boards():
    shown = EditionFactory(number=6, slug="6th", is_public=True)
    hidden = EditionFactory(number=8, slug="8th", is_public=False)
    for edition in (shown, hidden):
        WorkFactory(task__track__edition=edition, task__stars=1, contributors=["alice"])
    assert lines("all") == [(1, "alice", Decimal("1.0"), 1)]

    hidden.is_public = True
    hidden.save()

    assert lines("all") == [(1, "alice", Decimal("2.0"), 2)]
    assert_same_as_a_rebuild()


def test_rebuild_scores_repairs_rows_written_outside_the_app(seventh):
    kept = everything()
    Score.objects.filter(board=board_name(edition=seventh)).update(points=0)
    ScoreBoard.objects.all().delete()

    call_command("rebuild_scores", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert everything() == kept


LOGINS = ["ann", "Bob", "cy", "dee"]
STARS = [None, Decimal("0.5"), Decimal("2"), Decimal("3"), Decimal("0.025")]
AWARDED = [None, Decimal(0), Decimal("0.15"), Decimal("6")]
DAYS = [None, datetime.date(2024, 11, 1), datetime.date(2024, 12, 1)]
change = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 5), st.sets(st.sampled_from(LOGINS), min_size=1)),
    st.tuples(st.just("status"), st.integers(0, 20), st.sampled_from(list(WorkStatus))),
    st.tuples(st.just("grade"), st.integers(0, 20), st.sampled_from(["", *Grade.values])),
    st.tuples(st.just("day"), st.integers(0, 20), st.sampled_from(DAYS)),
    st.tuples(st.just("awarded"), st.integers(0, 20), st.sampled_from(AWARDED)),
    st.tuples(st.just("stars"), st.integers(0, 5), st.sampled_from(STARS)),
    st.tuples(st.just("withdraw"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("open_call"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("move"), st.integers(0, 5), st.integers(0, 2)),
    st.tuples(st.just("leave"), st.integers(0, 20), st.sampled_from(LOGINS)),
    st.tuples(st.just("rename"), st.sampled_from(LOGINS), st.text("xyz", min_size=1, max_size=3)),
    st.tuples(st.just("publish"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("star_value"), st.integers(0, 1), st.sampled_from([None, 1000, 2000])),
)


def apply(step, tracks):
    """One organizer's change, made through the models as the admin makes it."""
    kind, target, value = step
    tasks = list(Task.objects.order_by("pk"))
    works = list(Work.objects.order_by("pk"))
    if kind == "add":
        team = f"team-{len(works)}"  # a new piece of work, even by the same people
        WorkFactory(task=tasks[target % len(tasks)], team=team, contributors=sorted(value))
    elif kind in ("status", "grade", "day", "awarded") and works:
        work = works[target % len(works)]
        field = {"status": "status", "grade": "grade", "day": "completed_on"}.get(
            kind, "awarded_stars"
        )
        setattr(work, field, value)
        if kind == "day":
            work.submitted_on = None
        work.save()
    elif kind in ("stars", "withdraw", "open_call", "move"):
        task = tasks[target % len(tasks)]
        if kind == "stars":
            task.stars = value
        elif kind == "withdraw":
            task.withdrawn = value
        elif kind == "open_call":
            task.open_call = value
        else:
            task.track = tracks[value]
        task.save()
    elif kind == "leave" and works:
        Contribution.objects.filter(
            work=works[target % len(works)], participant__login=value
        ).delete()  # the queryset's delete sends each row's post_delete
    elif kind == "rename":
        person = Participant.objects.filter(login__iexact=value).first()
        if person is not None:
            person.name = value
            person.save()
    elif kind in ("publish", "star_value"):
        edition = tracks[target].edition
        if kind == "publish":
            edition.is_public = value
        else:
            edition.yuan_per_star = value
        edition.save()


@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(change, min_size=1, max_size=10))
def test_any_sequence_of_changes_keeps_the_scores_a_rebuild_would_write(steps):
    with transaction.atomic():
        first = EditionFactory(number=1, slug="1st", yuan_per_star=2000)
        second = EditionFactory(number=2, slug="2nd", is_public=False)
        tracks = [
            TrackFactory(edition=first, kind="individual"),
            TrackFactory(edition=first, kind="camp"),
            TrackFactory(edition=second, kind="individual"),
        ]
        for n in range(6):
            TaskFactory(track=tracks[n % 3], code=f"NO.{n}", stars=STARS[n % 4])
        for step in steps:
            apply(step, tracks)
        assert_same_as_a_rebuild()
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_changes_to_one_person_both_land():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes whole transactions")
    edition = build_seventh_edition()
    person = Participant.objects.get(login=Score.objects.filter(edition=edition).first().login)
    barrier = threading.Barrier(2)
    errors = []

    def refresh():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                refresh_people([edition.pk], [person.pk])
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    track_rows = Score.objects.filter(edition=edition, track__isnull=False).ranked()
    assert score_table(track_rows) == summed_in_python(edition)
    assert_same_as_a_rebuild()


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # the worker closes and reopens its connection
def test_an_edition_wide_change_is_rebuilt_by_the_worker_in_the_background(settings, capsys):
    """With the database backend (production), a new CNY per star enqueues the rebuild with
    the change; the worker runs it and the rewards follow."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    edition = EditionFactory(yuan_per_star=2000)
    WorkFactory(task__track__edition=edition, task__stars=2, contributors=["alice"])
    assert Score.objects.on_board(board_name(edition=edition)).get().reward == Decimal("4000")

    edition.yuan_per_star = 1000
    edition.save()

    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.status) == (
        "participants.background.rebuild_results",
        "READY",
    )
    assert Score.objects.on_board(board_name(edition=edition)).get().reward == Decimal("4000")

    call_command("db_worker", "--batch", "--no-startup-delay")

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert Score.objects.on_board(board_name(edition=edition)).get().reward == Decimal("2000")
    assert_same_as_a_rebuild()


def test_rebuild_scores_queues_the_rebuild_for_the_worker(settings, seventh, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    call_command("rebuild_scores", "--edition", "7th")

    queued = DBTaskResult.objects.get()
    assert capsys.readouterr().out == (
        f"Queued as task {queued.id}: the worker (manage.py db_worker) runs it.\n"
    )
    assert queued.args_kwargs == {"args": [[seventh.pk]], "kwargs": {}}
