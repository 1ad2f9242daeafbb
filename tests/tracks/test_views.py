import pytest

from tests.factories import EditionFactory, TaskFactory, WorkFactory
from tests.hackathon.test_views import text
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db


def test_camp_page_shows_batches_projects_campers_and_milestones(client, seventh):
    response = client.get("/editions/7th/tracks/camp/", HTTP_ACCEPT_LANGUAGE="en")
    page = text(response)

    assert "Tasks published 19" in page
    assert "Participants 20 Developers who completed 19" in page
    assert "7 weekly reports 2 tech-sharing sessions 2 defences" in page
    assert [(batch, len(projects)) for batch, projects in response.context["batches"]] == [
        ("提前批", 7),
        ("正式批", 12),
    ]
    assert (
        "正式批 Project Mentors Campers 项目一 Task 项目一 – "
        "camp-08 Completed Pass camp-09 Completed Good"
    ) in page


def test_individual_page_shows_figures_and_board_without_listing_tasks(client, seventh):
    response = client.get("/editions/7th/tracks/individual/", HTTP_ACCEPT_LANGUAGE="en")
    page = text(response)

    assert "Tasks completed 27 Completion rate 47%" in page
    assert "Framework development 12 " in page
    assert "batches" not in response.context


def test_other_tracks_are_reached_by_their_slug(client):
    edition = EditionFactory(number=6, slug="6th")
    TaskFactory(
        track__edition=edition,
        track__kind=TrackKind.OTHER,
        track__name="优秀稿件征集与传播",
        track__slug="优秀稿件征集与传播",
    )

    response = client.get("/editions/6th/tracks/优秀稿件征集与传播/")

    assert response.status_code == 200
    assert "优秀稿件征集与传播" in text(response)


def test_unknown_track_is_not_found(client, seventh):
    assert client.get("/editions/7th/tracks/articles/").status_code == 404


def test_track_page_query_count_does_not_grow_with_projects(client, django_assert_num_queries):
    edition = EditionFactory(number=1, slug="1st")
    WorkFactory(task__track__edition=edition, task__track__kind="camp", contributors=["a"])
    track = edition.tracks.get()
    # the results clock, edition, track, figures, board, tasks completed per day (the progress
    # chart), milestones, milestone counts, projects, mentors, works, contributions
    with django_assert_num_queries(12):
        client.get("/editions/1st/tracks/camp/")
    for login in ("b", "c"):
        WorkFactory(task__track=track, contributors=[login])
    with django_assert_num_queries(12):
        response = client.get("/editions/1st/tracks/camp/")
    assert len(response.context["batches"][0][1]) == 3
