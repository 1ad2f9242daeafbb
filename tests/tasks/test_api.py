import datetime

import pytest

from tasks.choices import Grade, WorkStatus
from tests.factories import (
    DirectionFactory,
    EditionFactory,
    ParticipantFactory,
    TaskFactory,
    TrackFactory,
    WorkFactory,
)
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db


def api(client, slug="7th", **params):
    return client.get(f"/api/editions/{slug}/tasks/", params, HTTP_ACCEPT_LANGUAGE="en")


def codes(response):
    return [(task["track"], task["code"]) for task in response.json()["results"]]


def test_task_list_gives_each_task_with_its_work_people_and_reward(client):
    edition = EditionFactory(number=5, slug="5th", yuan_per_star=2000)
    camp = TrackFactory(edition=edition, kind=TrackKind.CAMP, slug="camp")
    project = TaskFactory(
        track=camp,
        code="项目三",
        title="Sparse kernels",
        batch="正式批",
        direction=DirectionFactory(name="框架开发"),
        stars=None,
        issue_url="https://github.com/PaddlePaddle/Paddle/issues/1",
    )
    WorkFactory(
        task=project,
        contributors=["camper-1"],
        grade=Grade.EXCELLENT,
        pr_urls="https://github.com/PaddlePaddle/Paddle/pull/10\n"
        "https://github.com/PaddlePaddle/Paddle/pull/11",
        completed_on=datetime.date(2024, 12, 20),
    )
    WorkFactory(task=project, team="Duo", contributors=["camper-2", "Camper-3"], reward=1234.5)
    WorkFactory(task=project, status=WorkStatus.REJECTED, contributors=["camper-4"])
    individual = TrackFactory(edition=edition, kind=TrackKind.INDIVIDUAL, order=1)
    half = TaskFactory(track=individual, code="NO.7", title="Docs", stars=0.5)

    response = api(client, "5th")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": project.pk,
                "code": "项目三",
                "title": "Sparse kernels",
                "track": "camp",
                "batch": "正式批",
                "direction": "框架开发",
                "stars": None,
                "stars_up_to": False,
                "status": "completed",
                "issue_url": "https://github.com/PaddlePaddle/Paddle/issues/1",
                "works": [
                    {
                        "team": None,
                        "status": "completed",
                        "grade": "excellent",
                        "awarded_stars": None,
                        "contributors": ["camper-1"],
                        "pr_urls": [
                            "https://github.com/PaddlePaddle/Paddle/pull/10",
                            "https://github.com/PaddlePaddle/Paddle/pull/11",
                        ],
                        "reward": 10000,
                        "completed_on": "2024-12-20",
                    },
                    {
                        "team": "Duo",
                        "status": "completed",
                        "grade": None,
                        "awarded_stars": None,
                        "contributors": ["camper-2", "Camper-3"],
                        "pr_urls": [],
                        "reward": 1234.5,
                        "completed_on": None,
                    },
                    {
                        "team": None,
                        "status": "rejected",
                        "grade": None,
                        "awarded_stars": None,
                        "contributors": ["camper-4"],
                        "pr_urls": [],
                        "reward": None,
                        "completed_on": None,
                    },
                ],
            },
            {
                "id": half.pk,
                "code": "NO.7",
                "title": "Docs",
                "track": "individual",
                "batch": None,
                "direction": None,
                "stars": 0.5,
                "stars_up_to": False,
                "status": "open",
                "issue_url": None,
                "works": [],
            },
        ],
    }


def test_withdrawn_tasks_are_not_listed(client, seventh):
    response = api(client, track="individual", limit=100)

    assert response.json()["count"] == 58
    assert ("individual", "NO.59") not in codes(response)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"page": 2},
        {"track": "individual", "status": "completed"},
        {"direction": "科学计算"},
        {"batch": "提前批"},
        {"q": "ind-03"},
        {"stars_min": "2", "stars_max": "3", "sort": "-stars"},
        {"stars": "0.5", "sort": "title"},
        {"status": "open", "sort": "-code"},
        {"sort": "-status"},
    ],
)
def test_api_lists_the_same_tasks_as_the_page_for_the_same_query(client, seventh, query):
    page = client.get("/editions/7th/tasks/", query)
    page_number = query.get("page", 1)
    offset = {key: value for key, value in query.items() if key != "page"}
    offset["offset"] = (page_number - 1) * 50

    response = api(client, **offset)

    assert [task["id"] for task in response.json()["results"]] == [
        task.pk for task, _status in page.context["rows"]
    ]
    assert response.json()["count"] == page.context["page_obj"].paginator.count


def test_filters_combine_in_the_api(client, seventh):
    response = api(client, track="individual", status="completed", stars_min=3)

    assert codes(response) == [("individual", f"NO.{n}") for n in (3, 7, 11, 15, 19, 23, 27)]


def test_sort_by_stars_descending(client, seventh):
    response = api(client, sort="-stars", limit=4)

    assert codes(response) == [("fundable", f"NO.{n}") for n in (8, 7, 6, 5)]
    assert [task["stars"] for task in response.json()["results"]] == [13, 12, 11, 10]


def test_limit_and_offset_paginate(client, seventh):
    response = api(client, limit=10, offset=80)
    body = response.json()

    assert body["count"] == 88
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/editions/7th/tasks/?limit=10&offset=70"
    assert codes(response) == [("fundable", f"NO.{n}") for n in range(4, 12)]


def test_default_page_is_fifty_tasks_with_a_link_to_the_next(client, seventh):
    body = api(client, track="individual").json()

    assert len(body["results"]) == 50
    assert body["next"] == (
        "http://testserver/api/editions/7th/tasks/?limit=50&offset=50&track=individual"
    )


def test_invalid_filters_are_a_400_with_the_form_errors(client, seventh):
    response = api(client, track="nope", stars_min="many", sort="reward", status="done")

    assert response.status_code == 400
    assert response.json() == {
        "track": ["Select a valid choice. nope is not one of the available choices."],
        "status": ["Select a valid choice. done is not one of the available choices."],
        "stars_min": [
            "Enter a number of stars from 0 to 100 with at most three decimals, such as 0.25."
        ],
        "sort": ["Select a valid choice. reward is not one of the available choices."],
    }


def test_task_list_of_a_draft_edition_is_not_found(client, organizer_client):
    TaskFactory(track__edition=EditionFactory(number=9, slug="9th", is_public=False))

    assert api(client, "9th").status_code == 404
    # Not even an organizer reads drafts through the public API.
    assert api(organizer_client, "9th").status_code == 404
    assert api(client, "nope").status_code == 404


def test_api_never_gives_emails_or_private_notes(client):
    edition = EditionFactory(number=5, slug="5th")
    person = ParticipantFactory(login="alice", email="alice@example.com", notes="owes a report")
    work = WorkFactory(task__track__edition=edition, contributors=[person])
    work.notes = "private: late defence"
    work.save()
    work.task.mentors.add(ParticipantFactory(login="mentor", email="mentor@example.com"))

    body = api(client, "5th").content.decode()

    assert "alice" in body
    for secret in ["alice@example.com", "owes a report", "late defence", "mentor@example.com"]:
        assert secret not in body


def test_task_list_query_count_does_not_grow_with_tasks(client, django_assert_num_queries):
    # The results clock (then cached); the edition; the count; the page of tasks (with track,
    # direction and progress); their works (with rewards); the works' people. Choices are read
    # only to validate a value.
    edition = EditionFactory(number=1, slug="1st")
    track = TrackFactory(edition=edition)
    WorkFactory(task__track=track, contributors=["alice", "bob"])
    with django_assert_num_queries(6):
        first = api(client, "1st")
    for login in ("carol", "dave"):
        WorkFactory(
            task__track=track, task__direction=DirectionFactory(name=login), contributors=[login]
        )
    with django_assert_num_queries(6):
        third = api(client, "1st")
    # A track value is validated against the edition's tracks: one more query.
    with django_assert_num_queries(6):
        tracked = api(client, "1st", track="individual")
    assert (first.json()["count"], third.json()["count"], tracked.json()["count"]) == (1, 3, 3)


def test_openapi_schema_documents_the_task_list_and_its_filters(client):
    schema = client.get("/api/openapi.json").json()

    operation = schema["paths"]["/api/editions/{slug}/tasks/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert list(parameters) == [
        "batch",
        "direction",
        "limit",
        "offset",
        "q",
        "slug",
        "sort",
        "stars",
        "stars_max",
        "stars_min",
        "status",
        "track",
    ]
    assert parameters["status"]["schema"]["enum"] == ["claimed", "completed", "open", "submitted"]
    assert "-stars" in parameters["sort"]["schema"]["enum"]
    assert parameters["stars_min"]["schema"]["type"] == "number"
    assert set(operation["responses"]) == {"200", "400", "404", "429"}
    task = schema["components"]["schemas"]["Task"]
    assert set(task["required"]) >= {"id", "code", "track", "status", "works"}
