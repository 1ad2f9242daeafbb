import pytest

from tasks.stats import (
    Figures,
    edition_figures,
    edition_summary,
    editions_figures,
    milestone_counts,
    track_figures,
    whole_percent,
)
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db


def figures_by_kind(edition):
    by_id = track_figures(edition)
    return {track.kind: by_id[track.pk] for track in edition.tracks.all()}


def test_individual_track_has_the_seed_posts_figures(seventh):
    individual = figures_by_kind(seventh)[TrackKind.INDIVIDUAL]

    assert individual == Figures(
        tasks_published=58,
        tasks_submitted=34,
        tasks_completed=27,
        participants=19 + 1 + 13,
        developers_completed=19,
    )
    assert individual.completion_percent == 47
    assert individual.completion_rate == 27 / 58
    assert individual.submission_rate == 34 / 58


def test_camp_track_has_the_seed_posts_figures(seventh):
    camp = figures_by_kind(seventh)[TrackKind.CAMP]
    track = seventh.tracks.get(kind=TrackKind.CAMP)

    assert (camp.tasks_published, camp.participants, camp.developers_completed) == (19, 20, 19)
    assert milestone_counts(track) == {"weekly_report": 7, "tech_sharing": 2, "defence": 2}


def test_fundable_track_has_the_seed_posts_figures(seventh):
    fundable = figures_by_kind(seventh)[TrackKind.FUNDABLE]

    assert (fundable.tasks_published, fundable.tasks_completed) == (11, 8)


def test_edition_counts_a_person_in_two_tracks_once(seventh):
    figures = edition_figures(seventh)

    assert figures.tasks_published == 88
    # The camp's last project had one camper, who did not graduate.
    assert figures.tasks_completed == 27 + 18 + 8
    assert figures.developers_completed == 37


def test_edition_figures_take_two_small_reads(seventh, django_assert_num_queries):
    # The task tallies of its tracks, the size of its board.
    with django_assert_num_queries(2):
        edition_figures(seventh)


def test_track_figures_take_three_queries_whatever_the_number_of_tracks(
    seventh, django_assert_num_queries
):
    TrackFactory(edition=seventh, kind=TrackKind.OTHER, name="优秀稿件征集与传播", slug="articles")
    # The tracks, their task tallies, the sizes of their boards.
    with django_assert_num_queries(3):
        figures = track_figures(seventh)
    assert len(figures) == 4
    assert figures[seventh.tracks.get(slug="articles").pk] == Figures()


def test_withdrawn_task_leaves_every_figure(db):
    track = TrackFactory()
    WorkFactory(task__track=track, contributors=["alice"])
    WorkFactory(task__track=track, task__withdrawn=True, contributors=["bob"])

    assert edition_figures(track.edition) == Figures(
        tasks_published=1,
        tasks_submitted=1,
        tasks_completed=1,
        participants=1,
        developers_completed=1,
    )


def test_claimed_work_is_a_participant_but_not_a_submission(db):
    track = TrackFactory()
    WorkFactory(task__track=track, status="claimed", contributors=["alice"])

    figures = edition_figures(track.edition)

    assert (figures.tasks_submitted, figures.participants, figures.developers_completed) == (
        0,
        1,
        0,
    )


def test_empty_edition_has_zero_rates(db):
    edition = EditionFactory()

    figures = edition_figures(edition)

    assert (figures.completion_rate, figures.completion_percent, figures.submission_rate) == (
        0,
        0,
        0,
    )


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [(27, 58, 47), (1, 8, 13), (1, 200, 1), (1, 3, 33), (2, 3, 67), (0, 5, 0), (5, 0, 0)],
)
def test_completion_rate_rounds_half_up(part, whole, percent):
    assert whole_percent(part, whole) == percent


def test_direction_board_groups_the_figures_by_direction(seventh):
    board = edition_summary(seventh).board

    # Individual tasks cycle through the five directions; camp and Fundable have none.
    assert [(line.name, line.figures.tasks_published) for line in board] == [
        ("框架开发", 12),
        ("科学计算", 12),
        ("套件建设", 12),
        ("论文复现", 11),
        ("基础设施建设", 11),
        ("", 30),
    ]
    assert [line.figures.tasks_completed for line in board] == [6, 6, 5, 5, 5, 18 + 8]
    assert sum(line.figures.tasks_submitted for line in board) == 34 + 19 + 9


def test_editions_figures_cover_several_editions_in_one_query(seventh, django_assert_num_queries):
    empty = EditionFactory(number=8, slug="8th")
    TaskFactory(track__edition=empty)

    # The task tallies of their tracks, the sizes of their boards.
    with django_assert_num_queries(2):
        figures = editions_figures([seventh, empty])

    assert figures[seventh.pk].tasks_published == 88
    assert figures[empty.pk] == Figures(tasks_published=1)
