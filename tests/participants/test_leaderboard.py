import datetime
from decimal import Decimal

import pytest

from hackathon.models import Edition
from participants.leaderboard import edition_board, leaderboard, ranked_person
from participants.scores import scores_in
from tasks.choices import Grade, WorkStatus
from tasks.models import Contribution
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db


def board(**scope):
    count, rows = leaderboard(scores_in(**scope))
    return count, [(r.rank, r.login, r.points, r.tasks_completed, r.reward) for r in rows]


def test_shared_ranks_skip_and_ties_are_listed_by_login_case_insensitively():
    edition = EditionFactory(yuan_per_star=None)
    track = TrackFactory(edition=edition)
    day = datetime.date(2024, 12, 1)
    WorkFactory(task__track=track, task__stars=3, completed_on=day, contributors=["zed"])
    WorkFactory(task__track=track, task__stars=2, completed_on=day, contributors=["bob"])
    WorkFactory(task__track=track, task__stars=2, completed_on=day, contributors=["Alice"])
    WorkFactory(task__track=track, task__stars=1, completed_on=day, contributors=["carol"])

    assert board(edition=edition) == (
        4,
        [
            (1, "zed", Decimal("3.0"), 1, None),
            (2, "Alice", Decimal("2.0"), 1, None),
            (2, "bob", Decimal("2.0"), 1, None),
            (4, "carol", Decimal("1.0"), 1, None),
        ],
    )


def test_points_are_the_grades_stars_else_the_tasks_else_one():
    track = TrackFactory(kind="camp")
    WorkFactory(task__track=track, task__stars=2, grade=Grade.OUTSTANDING, contributors=["a"])
    WorkFactory(task__track=track, task__stars=2, contributors=["b"])
    WorkFactory(task__track=track, task__stars=None, contributors=["c"])

    _, rows = board(edition=track.edition)

    assert [(login, points) for _, login, points, _, _ in rows] == [
        ("a", Decimal("6.0")),
        ("b", Decimal("2.0")),
        ("c", Decimal("1.0")),
    ]


def test_more_tasks_rank_first_on_equal_points_then_the_earlier_date():
    track = TrackFactory()
    early, late = datetime.date(2024, 11, 1), datetime.date(2024, 12, 1)
    WorkFactory(task__track=track, task__stars=2, completed_on=early, contributors=["one-task"])
    for _ in range(2):
        WorkFactory(task__track=track, task__stars=1, completed_on=late, contributors=["two-late"])
    WorkFactory(task__track=track, task__stars=1, completed_on=early, contributors=["two-early"])
    WorkFactory(task__track=track, task__stars=1, completed_on=None, contributors=["two-early"])
    WorkFactory(task__track=track, task__stars=1, completed_on=None, contributors=["two-undated"])
    WorkFactory(task__track=track, task__stars=1, completed_on=None, contributors=["two-undated"])
    WorkFactory(task__track=track, task__stars=1, completed_on=None, contributors=["Two-Nodate"])
    WorkFactory(task__track=track, task__stars=1, completed_on=None, contributors=["Two-Nodate"])

    _, rows = board(edition=track.edition)

    assert [(rank, login) for rank, login, *_ in rows] == [
        (1, "two-early"),
        (2, "two-late"),
        (3, "Two-Nodate"),
        (3, "two-undated"),
        (5, "one-task"),
    ]


def test_reward_is_split_equally_unless_shares_are_set():
    edition = EditionFactory(yuan_per_star=2000)
    track = TrackFactory(edition=edition, kind="fundable")
    WorkFactory(task__track=track, task__stars=3, team="t1", contributors=["a", "b", "c"])
    shared = WorkFactory(task__track=track, task__stars=1, reward=1000, contributors=["d", "e"])
    Contribution.objects.filter(work=shared, participant__login="d").update(reward_share=800)
    Contribution.objects.filter(work=shared, participant__login="e").update(reward_share=200)

    _, rows = board(edition=edition)

    assert {login: (points, reward) for _, login, points, _, reward in rows} == {
        "a": (Decimal("3.0"), Decimal("2000.00")),
        "b": (Decimal("3.0"), Decimal("2000.00")),
        "c": (Decimal("3.0"), Decimal("2000.00")),
        "d": (Decimal("1.0"), Decimal("800.00")),
        "e": (Decimal("1.0"), Decimal("200.00")),
    }


def test_a_graded_campers_reward_follows_the_grade():
    track = TrackFactory(kind="camp", edition__yuan_per_star=2000)
    WorkFactory(task__track=track, task__stars=None, grade=Grade.GOOD, contributors=["camper"])

    assert board(edition=track.edition)[1] == [(1, "camper", Decimal("4.0"), 1, Decimal("8000.00"))]


def test_only_completed_work_of_published_tasks_counts():
    track = TrackFactory()
    WorkFactory(task__track=track, status=WorkStatus.PR_SUBMITTED, contributors=["trying"])
    WorkFactory(task__track=track, status=WorkStatus.REJECTED, contributors=["rejected"])
    WorkFactory(task__track=track, task__withdrawn=True, contributors=["withdrawn"])
    task = TaskFactory(track=track, stars=2)
    WorkFactory(task=task, team="x", contributors=["twice"])
    WorkFactory(task=task, team="y", contributors=["twice"])

    assert board(edition=track.edition) == (
        1,
        [(1, "twice", Decimal("4.0"), 1, Decimal("8000.00"))],
    )


def test_the_all_time_board_sums_over_public_editions_only():
    for number, public in [(6, True), (7, True), (8, False)]:
        edition = EditionFactory(number=number, slug=f"{number}th", is_public=public)
        WorkFactory(task__track__edition=edition, task__stars=1, contributors=["Alice"])

    assert board(editions=Edition.objects.public()) == (
        1,
        [(1, "Alice", Decimal("2.0"), 2, Decimal("4000.00"))],
    )


def test_a_page_of_the_leaderboard_is_one_query_whatever_its_length(
    seventh, django_assert_num_queries
):
    scores = scores_in(edition=seventh)
    with django_assert_num_queries(1):
        count, rows = leaderboard(scores, offset=10, limit=5)
    assert (count, [row.rank for row in rows]) == (37, [11, 11, 11, 11, 11])


def test_a_cached_board_pages_like_the_uncached_leaderboard(seventh, django_assert_num_queries):
    board = edition_board(seventh)
    _, expected = leaderboard(scores_in(edition=seventh))

    assert len(board) == 37
    assert board[0:10] + board[10:37] == expected
    assert board.standing_of(expected[20].participant_id) == expected[20]
    with django_assert_num_queries(0):
        assert (len(board), board[10:37]) == (37, expected[10:])


def test_a_board_is_read_a_page_at_a_time(seventh):
    with pytest.raises(TypeError):
        edition_board(seventh)[3]


def test_a_standing_read_alone_ranks_the_person_among_everybody(seventh):
    _, expected = leaderboard(scores_in(edition=seventh))
    tied = [s for s in expected if s.rank == 11]

    alone = edition_board(seventh).standing_of(tied[2].participant_id)  # nothing cached yet

    assert alone == tied[2]
    assert edition_board(seventh).standing_of(0) is None


def test_ranking_one_person_alone_agrees_with_the_whole_board_for_everybody(seventh):
    track = seventh.tracks.get(kind="individual")
    day = datetime.date(2024, 12, 30)
    # Ties on points and tasks with and without dates, to exercise every tie-break.
    WorkFactory(task__track=track, task__stars=7, completed_on=day, contributors=["dated"])
    WorkFactory(task__track=track, task__stars=7, completed_on=None, contributors=["undated"])
    WorkFactory(task__track=track, task__stars=7, completed_on=day, contributors=["Dated-Too"])
    scores = scores_in(edition=seventh)
    _, board_rows = leaderboard(scores)

    alone = [ranked_person(scores, row.participant_id) for row in board_rows]

    assert alone == board_rows
