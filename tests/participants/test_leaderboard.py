import datetime
from decimal import Decimal

import pytest

from hackathon.models import Edition
from participants.leaderboard import Board, edition_board
from participants.models import Score, board_name, rank_key
from tasks.choices import Grade, WorkStatus
from tasks.models import Contribution
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db


def whole(board):
    """Every line of a board, read through the export's stream."""
    return len(board), list(board)


def board(edition=None, track=None, editions=None, kind=None):
    count, rows = whole(Board(board_name(edition=edition, track=track, kind=kind)))
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
    for login, share in (("d", 800), ("e", 200)):
        contribution = Contribution.objects.get(work=shared, participant__login=login)
        contribution.reward_share = share
        contribution.save()

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


def test_a_page_past_the_first_is_three_indexed_reads_whatever_its_length(
    seventh, django_assert_num_queries
):
    board = edition_board(seventh)
    # Where the page starts (from the index alone), its rows, how many people rank before its
    # first row.
    with django_assert_num_queries(3):
        rows = board[10:15]
    with django_assert_num_queries(1):
        first = board[0:3]
    assert [row.rank for row in rows] == [11, 11, 11, 11, 11]
    assert [row.rank for row in first] == [1, 2, 3]


def test_pages_agree_with_the_whole_board_across_ties(seventh, django_assert_num_queries):
    board = edition_board(seventh)
    _, expected = whole(board)

    with django_assert_num_queries(1):
        assert len(edition_board(seventh)) == 37
    pages = [board[start : start + 4] for start in range(0, 40, 4)]
    assert [standing for page in pages for standing in page] == expected
    assert board[36:100] == expected[36:]
    assert board[37:50] == []
    assert board.standing_of(expected[20].participant_id) == expected[20]


def test_a_board_is_read_a_page_at_a_time(seventh):
    with pytest.raises(TypeError):
        edition_board(seventh)[3]


def test_a_standing_read_alone_ranks_the_person_among_everybody(seventh, django_assert_num_queries):
    _, expected = whole(edition_board(seventh))
    tied = [s for s in expected if s.rank == 11]

    with django_assert_num_queries(1):
        alone = edition_board(seventh).standing_of(tied[2].participant_id)

    assert alone == tied[2]
    assert edition_board(seventh).standing_of(0) is None


def test_ranking_one_person_alone_agrees_with_the_whole_board_for_everybody(seventh):
    track = seventh.tracks.get(kind="individual")
    day = datetime.date(2024, 12, 30)
    # Ties on points and tasks with and without dates, to exercise every tie-break.
    WorkFactory(task__track=track, task__stars=7, completed_on=day, contributors=["dated"])
    WorkFactory(task__track=track, task__stars=7, completed_on=None, contributors=["undated"])
    WorkFactory(task__track=track, task__stars=7, completed_on=day, contributors=["Dated-Too"])
    board = edition_board(seventh)
    _, rows = whole(board)

    alone = [board.standing_of(row.participant_id) for row in rows]

    assert alone == rows
    sevens = [
        (row.rank, row.login) for row in rows if row.login.lower().startswith(("dated", "und"))
    ]
    assert sevens[0][0] == sevens[1][0] < sevens[2][0]
    assert [login for _, login in sevens] == ["dated", "Dated-Too", "undated"]


def test_the_stored_rank_key_is_the_rule_computed_in_python(seventh):
    rows = Score.objects.values_list("points", "tasks_completed", "last_completed_on", "rank_key")

    assert len(rows) > 37
    for points, tasks, day, key in rows:
        assert key == rank_key(Decimal(str(points)), tasks, day)
