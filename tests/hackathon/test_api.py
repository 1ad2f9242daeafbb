import datetime
import zoneinfo

import pytest
import time_machine

from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
DURING_OBJECTIONS = datetime.datetime(2025, 1, 28, 12, 0, tzinfo=BEIJING)


@time_machine.travel(DURING_OBJECTIONS, tick=False)
def test_edition_detail_gives_the_seed_posts_figures(client, seventh):
    response = client.get("/api/editions/7th/")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "7th",
        "number": 7,
        "name": "飞桨黑客马拉松第七期",
        "name_en": "",
        "starts_on": "2024-09-14",
        "ends_on": "2025-01-14",
        "results_state": "provisional",
        "version": None,  # published outside the app: no version stored yet
        "stats": {
            "tasks_published": 88,
            "tasks_submitted": 34 + 19 + 9,
            "tasks_completed": 27 + 18 + 8,
            "completion_rate": 53 / 88,
            "submission_rate": 62 / 88,
            "participants": 33 + 19 + 1,
            "developers_completed": 37,
        },
        "tracks": [
            {
                "slug": "individual",
                "kind": "individual",
                "name": "开源贡献个人挑战赛",
                "name_en": "",
                "stats": {
                    "tasks_published": 58,
                    "tasks_submitted": 34,
                    "tasks_completed": 27,
                    "completion_rate": 27 / 58,
                    "submission_rate": 34 / 58,
                    "participants": 33,
                    "developers_completed": 19,
                },
            },
            {
                "slug": "camp",
                "kind": "camp",
                "name": "护航计划集训营",
                "name_en": "",
                "stats": {
                    "tasks_published": 19,
                    "tasks_submitted": 19,
                    "tasks_completed": 18,
                    "completion_rate": 18 / 19,
                    "submission_rate": 1.0,
                    "participants": 20,
                    "developers_completed": 19,
                },
            },
            {
                "slug": "fundable",
                "kind": "fundable",
                "name": "Fundable Projects",
                "name_en": "",
                "stats": {
                    "tasks_published": 11,
                    "tasks_submitted": 9,
                    "tasks_completed": 8,
                    "completion_rate": 8 / 11,
                    "submission_rate": 9 / 11,
                    "participants": 10,
                    "developers_completed": 9,
                },
            },
        ],
    }


@pytest.mark.parametrize(
    ("moment", "state"),
    [
        (datetime.datetime(2025, 1, 26, 9, 59, tzinfo=BEIJING), "in_progress"),
        (datetime.datetime(2025, 1, 26, 10, 0, tzinfo=BEIJING), "provisional"),
        (datetime.datetime(2025, 1, 30, 23, 59, tzinfo=BEIJING), "provisional"),
        (datetime.datetime(2025, 1, 31, 0, 0, tzinfo=BEIJING), "final"),
    ],
)
def test_results_state_follows_the_objection_window(client, seventh, moment, state):
    with time_machine.travel(moment, tick=False):
        response = client.get("/api/editions/")

    assert [edition["results_state"] for edition in response.json()] == [state]


def test_edition_list_shows_public_editions_newest_first(client):
    EditionFactory(number=5, slug="5th")
    EditionFactory(number=6, slug="6th")
    EditionFactory(number=8, slug="8th", is_public=False)

    response = client.get("/api/editions/")

    assert [edition["slug"] for edition in response.json()] == ["6th", "5th"]


def test_edition_list_carries_each_editions_figures(client):
    sixth = EditionFactory(number=6, slug="6th")
    WorkFactory(task__track__edition=sixth, contributors=["alice"])
    TaskFactory(track__edition=EditionFactory(number=5, slug="5th"))

    stats = {edition["slug"]: edition["stats"] for edition in client.get("/api/editions/").json()}

    assert stats["6th"]["tasks_completed"] == 1
    assert stats["6th"]["developers_completed"] == 1
    assert stats["5th"] == {
        "tasks_published": 1,
        "tasks_submitted": 0,
        "tasks_completed": 0,
        "completion_rate": 0,
        "submission_rate": 0,
        "participants": 0,
        "developers_completed": 0,
    }


def test_draft_edition_is_not_found(client, organizer_client):
    draft = EditionFactory(number=8, slug="8th", is_public=False)
    TrackFactory(edition=draft, kind=TrackKind.CAMP)

    assert client.get("/api/editions/8th/").status_code == 404
    # Not even an organizer reads drafts through the public API.
    assert organizer_client.get("/api/editions/8th/").status_code == 404


def test_unknown_edition_is_not_found(client):
    response = client.get("/api/editions/nope/")

    assert response.status_code == 404


def test_edition_list_query_count_does_not_grow_with_editions(client, django_assert_num_queries):
    EditionFactory(number=1, slug="1st")
    # The results clock (then cached), the editions, their task tallies, their boards' sizes.
    with django_assert_num_queries(4):
        first = client.get("/api/editions/")
    for number in (2, 3):
        TaskFactory(track__edition=EditionFactory(number=number, slug=f"e{number}"))
    with django_assert_num_queries(4):
        third = client.get("/api/editions/")
    assert (len(first.json()), len(third.json())) == (1, 3)


def test_edition_detail_query_count_does_not_grow_with_tracks(client, django_assert_num_queries):
    edition = EditionFactory(number=1, slug="1st")
    TrackFactory(edition=edition)
    # The results clock, the edition, then its summary: tracks, task tallies, boards' sizes.
    with django_assert_num_queries(5):
        client.get("/api/editions/1st/")
    TrackFactory(edition=edition, kind=TrackKind.CAMP)
    TrackFactory(edition=edition, kind=TrackKind.OTHER, name="文章", slug="articles")
    with django_assert_num_queries(5):
        response = client.get("/api/editions/1st/")
    assert [track["slug"] for track in response.json()["tracks"]] == [
        "individual",
        "camp",
        "articles",
    ]
    # Warm: the whole response comes from the cache.
    with django_assert_num_queries(0):
        assert client.get("/api/editions/1st/").json() == response.json()


def test_edition_figures_change_at_once_when_results_change(client):
    work = WorkFactory(task__track__edition__slug="1st", status="claimed", contributors=["alice"])
    assert client.get("/api/editions/1st/").json()["stats"]["tasks_completed"] == 0

    work.status = "completed"
    work.save()

    assert client.get("/api/editions/1st/").json()["stats"]["tasks_completed"] == 1
    assert client.get("/api/editions/").json()[0]["stats"]["tasks_completed"] == 1


def test_openapi_schema_describes_the_edition_endpoints(client):
    schema = client.get("/api/openapi.json").json()

    assert {"/api/editions/", "/api/editions/{slug}/"} <= set(schema["paths"])
    edition = schema["components"]["schemas"]["EditionDetail"]
    assert set(edition["required"]) >= {"slug", "number", "results_state", "stats", "tracks"}


def test_edition_list_pages_when_asked(client):
    for number in (5, 6, 7):
        EditionFactory(number=number, slug=f"{number}th")

    response = client.get("/api/editions/?limit=1&offset=1")

    body = response.json()
    assert (body["count"], [edition["slug"] for edition in body["results"]]) == (3, ["6th"])
    assert body["next"] == "http://testserver/api/editions/?limit=1&offset=2"
    assert body["previous"] == "http://testserver/api/editions/?limit=1"
