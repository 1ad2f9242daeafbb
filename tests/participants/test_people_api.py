import datetime
import json

import pytest
from django.core.cache import cache

from participants.certificates import issue_certificates
from participants.models import Participant
from tasks.choices import Grade
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db

PRIVATE = ["alice@example.com", "owes us a report", "private remark", "avatars/", "drafty", "4th"]


@pytest.fixture
def alice(db):
    """alice shares NO.1 (2 stars) with bob, has a PR open on NO.2, mentors a camp project, and
    also completed work in a draft edition (which stays invisible)."""
    edition = EditionFactory(number=3, slug="3rd", name="第三期", yuan_per_star=2000)
    individual = TrackFactory(edition=edition, kind=TrackKind.INDIVIDUAL)
    camp = TrackFactory(edition=edition, kind=TrackKind.CAMP, order=1)
    person = Participant.objects.create(
        login="alice",
        name="Alice Zhang",
        affiliation="Baidu",
        email="alice@example.com",
        notes="owes us a report",
        avatar="avatars/alice.png",
        pfcc_member_since=datetime.date(2024, 5, 1),
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.1", title="FFT", stars=2),
        contributors=[person, "bob"],
        notes="private remark",
        completed_on=datetime.date(2024, 12, 1),
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.2", title="Docs", stars=1),
        status="pr_submitted",
        contributors=[person],
    )
    project = TaskFactory(track=camp, batch="提前批", code="项目一", title="Compiler", stars=None)
    project.mentors.add(person)
    WorkFactory(task=project, grade=Grade.GOOD, contributors=["carol"])
    issue_certificates(edition, issued_on=datetime.date(2025, 2, 8))

    draft = TrackFactory(edition=EditionFactory(number=4, slug="4th", is_public=False))
    WorkFactory(task__track=draft, task__stars=9, contributors=[person, "drafty"])
    issue_certificates(draft.edition)
    return person


def test_a_person_s_public_profile(client, alice):
    response = client.get("/api/people/ALICE/")

    assert response.json() == {
        "login": "alice",
        "name": "Alice Zhang",
        "affiliation": "Baidu",
        "pfcc_member_since": "2024-05-01",
        "github_url": "https://github.com/alice",
        "all_time": {"rank": 2, "points": 2.0, "tasks_completed": 1, "reward": 2000.0},
        "editions": [
            {
                "slug": "3rd",
                "name": "第三期",
                "rank": 2,
                "points": 2.0,
                "tasks_completed": 1,
                "works": [
                    {
                        "track": "individual",
                        "code": "NO.1",
                        "title": "FFT",
                        "status": "completed",
                        "grade": None,
                        "points": 2.0,
                        "reward": 2000.0,
                    },
                    {
                        "track": "individual",
                        "code": "NO.2",
                        "title": "Docs",
                        "status": "pr_submitted",
                        "grade": None,
                        "points": None,
                        "reward": None,
                    },
                ],
            }
        ],
        "mentored": [{"edition": "3rd", "track": "camp", "code": "项目一", "title": "Compiler"}],
        "certificates": [
            {"serial": "PH3-IND-0001", "track": "individual", "edition": "3rd", "valid": True}
        ],
    }


def test_a_camper_s_work_carries_the_grade(client, alice):
    data = client.get("/api/people/carol/").json()

    assert data["editions"][0]["works"] == [
        {
            "track": "camp",
            "code": "项目一",
            "title": "Compiler",
            "status": "completed",
            "grade": "good",
            "points": 4.0,
            "reward": 8000.0,
        }
    ]
    assert data["all_time"] == {"rank": 1, "points": 4.0, "tasks_completed": 1, "reward": 8000.0}


def test_unknown_people_and_people_known_only_from_drafts_are_not_found(client, alice):
    nobody, drafty = client.get("/api/people/nobody/"), client.get("/api/people/drafty/")

    assert (nobody.status_code, drafty.status_code) == (404, 404)
    assert drafty.json() == {"detail": "Nobody with this login has public results."}


def test_somebody_without_completed_work_has_no_ranks(client, alice):
    WorkFactory(task__track=alice.contributions.first().work.task.track, status="claimed",
                contributors=["eve"])  # fmt: skip

    data = client.get("/api/people/eve/").json()

    assert (data["all_time"], data["editions"][0]["rank"], data["certificates"]) == (None, None, [])


EXPECTED_PATHS = {
    "/api/editions/",
    "/api/editions/{slug}/",
    "/api/editions/{slug}/tasks/",
    "/api/editions/{slug}/leaderboard/",
    "/api/leaderboard/",
    "/api/certificates/{serial}/",
    "/api/people/{login}/",
}


def test_the_schema_describes_exactly_the_api(client):
    schema = client.get("/api/openapi.json").json()

    assert set(schema["paths"]) == EXPECTED_PATHS
    for path, operations in schema["paths"].items():
        assert list(operations) == ["get"], path
        assert "application/json" in operations["get"]["responses"]["200"]["content"], path
    person = schema["components"]["schemas"]["Person"]["properties"]
    assert set(person) == {
        "login",
        "name",
        "affiliation",
        "pfcc_member_since",
        "github_url",
        "all_time",
        "editions",
        "mentored",
        "certificates",
    }


def test_no_endpoint_shows_a_private_field_or_a_draft(client, alice):
    schema = client.get("/api/openapi.json").json()
    values = {"slug": "3rd", "serial": "PH3-IND-0001", "login": "alice"}

    for path in schema["paths"]:
        response = client.get(path.format(**values))
        assert response.status_code == 200, path
        text = json.dumps(response.json(), ensure_ascii=False)
        for private in PRIVATE:
            assert private not in text, (path, private)
        assert "email" not in text and "notes" not in text, path
    assert client.get("/api/certificates/PH4-IND-0001/").status_code == 404


def test_the_profile_reads_a_fixed_number_of_queries_then_comes_from_the_cache(
    client, django_assert_num_queries
):
    track = TrackFactory(edition=EditionFactory(number=3, slug="3rd"))
    completed = []
    for works in (1, 3):
        for _ in range(len(completed) and 1, works):
            WorkFactory(task__track=track, contributors=["alice", "bob"])
        cache.clear()
        # The results clock, the person, the public editions, their work, mentorships,
        # certificates, the person's line and rank on each edition's board, their all-time line
        # and rank.
        with django_assert_num_queries(8):
            data = client.get("/api/people/alice/").json()
        completed.append(data["editions"][0]["tasks_completed"])
    assert completed == [1, 3]
    # Warm: the whole response is cached.
    with django_assert_num_queries(0):
        assert client.get("/api/people/alice/").json() == data
