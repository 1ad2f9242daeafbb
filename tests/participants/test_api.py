import pytest

from tests.factories import EditionFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db


def test_edition_leaderboard_pages_with_limit_and_offset(client, seventh):
    response = client.get("/api/editions/7th/leaderboard/?limit=3&offset=1")

    assert response.json() == {
        "count": 37,
        "results": [
            {
                "rank": 2,
                "login": "ind-09",
                "name": "",
                "points": 27.0,
                "tasks_completed": 3,
                "reward": 29000.0,
            },
            {
                "rank": 3,
                "login": "ind-07",
                "name": "",
                "points": 24.5,
                "tasks_completed": 4,
                "reward": 28000.0,
            },
            {
                "rank": 4,
                "login": "ind-06",
                "name": "",
                "points": 21.5,
                "tasks_completed": 4,
                "reward": 24000.0,
            },
        ],
    }


def test_edition_leaderboard_equals_the_page(client, seventh):
    api = client.get("/api/editions/7th/leaderboard/?track=camp&limit=1000").json()
    page = client.get("/editions/7th/leaderboard/?track=camp").context["page_obj"]

    assert [(row["rank"], row["login"]) for row in api["results"]] == [
        (standing.rank, standing.login) for standing in page
    ]
    assert api["count"] == 19


def test_reward_is_null_when_the_edition_has_no_value_per_star(client):
    track = TrackFactory(edition__yuan_per_star=None, edition__slug="x", edition__number=3)
    WorkFactory(task__track=track, task__stars=2, contributors=["alice"])

    results = client.get("/api/editions/x/leaderboard/").json()["results"]

    assert results == [
        {
            "rank": 1,
            "login": "alice",
            "name": "",
            "points": 2.0,
            "tasks_completed": 1,
            "reward": None,
        }
    ]


def test_all_time_leaderboard_leaves_drafts_out(client):
    for number, public in [(6, True), (7, False)]:
        track = TrackFactory(edition__number=number, edition__slug=f"{number}th")
        track.edition.is_public = public
        track.edition.save()
        WorkFactory(task__track=track, task__stars=3, contributors=["alice", f"only-{number}"])

    response = client.get("/api/leaderboard/")

    assert [(row["login"], row["points"]) for row in response.json()["results"]] == [
        ("alice", 3.0),
        ("only-6", 3.0),
    ]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("limit=x", {"limit": ["A whole number from 0 to 1000 is required."]}),
        ("limit=5000", {"limit": ["A whole number from 0 to 1000 is required."]}),
        ("offset=-1", {"offset": ["A whole number from 0 to 1000000000 is required."]}),
        (
            "offset=9223372036854775808",
            {"offset": ["A whole number from 0 to 1000000000 is required."]},
        ),
        ("track=nope", {"track": ["Choose one of individual, camp, fundable, other."]}),
    ],
)
def test_bad_parameters_are_a_400_that_names_them(client, query, errors):
    response = client.get(f"/api/leaderboard/?{query}", HTTP_ACCEPT_LANGUAGE="en")

    assert (response.status_code, response.json()) == (400, errors)


def test_draft_and_unknown_editions_are_not_found(client):
    EditionFactory(number=9, slug="9th", is_public=False)

    assert client.get("/api/editions/9th/leaderboard/").status_code == 404
    assert client.get("/api/editions/none/leaderboard/").status_code == 404
    assert client.get("/api/editions/9th/leaderboard/?track=camp").status_code == 404


def test_leaderboard_query_count_does_not_grow(client, django_assert_num_queries):
    track = TrackFactory(edition__number=1, edition__slug="1st")
    WorkFactory(task__track=track, contributors=["a"])
    # The results clock, the edition, the board's size, its first page (an index range).
    with django_assert_num_queries(4):
        client.get("/api/editions/1st/leaderboard/")
    for login in ("b", "c"):
        WorkFactory(task__track=track, contributors=[login])
    with django_assert_num_queries(4):
        response = client.get("/api/editions/1st/leaderboard/")
    assert response.json()["count"] == 3
    # A later page (the clock is cached now) finds where it starts in the index, then reads its
    # rows and counts the people ahead of its first row.
    with django_assert_num_queries(5):
        later = client.get("/api/editions/1st/leaderboard/?offset=1&limit=1")
    assert [row["login"] for row in later.json()["results"]] == ["b"]
    with django_assert_num_queries(0):
        assert client.get("/api/editions/1st/leaderboard/").json() == response.json()


def test_schema_describes_the_leaderboards(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    parameters = {
        p["name"] for p in paths["/api/editions/{slug}/leaderboard/"]["get"]["parameters"]
    }
    assert parameters == {"slug", "track", "limit", "offset"}
    assert "/api/leaderboard/" in paths
