import csv
import io
import json

import pytest

from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "track",
    "batch",
    "code",
    "title",
    "direction",
    "stars",
    "status",
    "issue_url",
    "teams",
    "contributors",
    "reward",
]


def body(response):
    return b"".join(response.streaming_content)


def read_csv(data):
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_task_csv_honours_the_browser_s_filters(client, seventh):
    response = client.get("/editions/7th/tasks.csv?track=fundable&status=completed&sort=-stars")

    assert response["Content-Disposition"] == 'attachment; filename="tasks-7th.csv"'
    rows = read_csv(body(response))
    assert rows[:3] == [
        HEADER,
        ["fundable", "", "NO.8", "Task NO.8", "", "13", "completed", "", "team-8",
         "ind-09; ind-10", "26000.00"],
        ["fundable", "", "NO.7", "Task NO.7", "", "12", "completed", "", "team-7",
         "ind-08; ind-09", "24000.00"],
    ]  # fmt: skip
    assert len(rows) == 1 + 8


def test_the_task_json_lists_every_task_with_its_people(client, seventh):
    data = json.loads(body(client.get("/editions/7th/tasks.json?q=NO.1&track=individual")))

    assert [task["code"] for task in data] == ["NO.1", *[f"NO.{n}" for n in range(10, 20)]]
    assert data[0] == {
        "track": "individual",
        "batch": "",
        "code": "NO.1",
        "title": "Task NO.1",
        "direction": "框架开发",
        "stars": 2.0,
        "status": "completed",
        "issue_url": "",
        "teams": "",
        "contributors": "ind-01; ind-late",
        "reward": 4000.0,
    }
    everything = json.loads(body(client.get("/editions/7th/tasks.json")))
    assert len(everything) == 88  # withdrawn tasks left out


def test_cells_that_look_like_formulas_are_neutralised(client):
    track = TrackFactory(edition__slug="3rd", edition__number=3)
    WorkFactory(
        task=TaskFactory(track=track, code="NO.1", title='=HYPERLINK("http://x")', stars=1),
        team="-team",
        contributors=["alice"],
        notes="private remark",
    )

    rows = read_csv(body(client.get("/editions/3rd/tasks.csv")))
    text = body(client.get("/editions/3rd/tasks.json")).decode()

    assert rows[1] == ["individual", "", "NO.1", "'=HYPERLINK(\"http://x\")", "", "1",
                       "completed", "", "'-team", "alice", "2000.00"]  # fmt: skip
    assert "private remark" not in text


def test_invalid_filters_are_a_400_that_names_them(client, seventh):
    response = client.get("/editions/7th/tasks.csv?status=nope")

    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_drafts_and_other_formats_are_not_found(client):
    EditionFactory(number=9, slug="9th", is_public=False)
    TrackFactory(edition__slug="3rd", edition__number=3)

    assert client.get("/editions/9th/tasks.csv").status_code == 404
    assert client.get("/editions/3rd/tasks.xlsx").status_code == 404


def test_the_task_export_reads_a_fixed_number_of_queries(client, django_assert_num_queries):
    track = TrackFactory(edition__slug="3rd", edition__number=3)
    sizes = []
    for tasks in (2, 20):
        for n in range(len(sizes) and 2, tasks):
            WorkFactory(task__track=track, contributors=[f"a{n}", f"b{n}"])
        # The results clock; the edition; the tasks joined to their pieces of work and people.
        with django_assert_num_queries(3):
            rows = read_csv(body(client.get("/editions/3rd/tasks.csv")))
        sizes.append(len(rows) - 1)
    assert sizes == [2, 20]
