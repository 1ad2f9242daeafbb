"""Public reads never write, and they read from the replica when there is one."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from participants.certificates import issue_certificates
from participants.models import Score
from results.versions import publish
from tests.factories import EditionFactory, TrackFactory, WorkFactory

PUBLIC_URLS = [
    "/",
    "/editions/1st/",
    "/editions/1st/tracks/individual/",
    "/editions/1st/tasks/?q=NO",
    "/editions/1st/tasks.csv",
    "/editions/1st/leaderboard/",
    "/editions/1st/leaderboard.csv",
    "/editions/1st/honour-roll/",
    "/editions/1st/honour-roll.json",
    "/editions/1st/versions/",
    "/editions/1st/changes/",
    "/editions/1st/objections/",
    "/editions/1st/versions/1/",
    "/editions/1st/versions/1.csv",
    "/editions/1st/versions/1.json",
    "/leaderboard/",
    "/leaderboard.json",
    "/people/alice/",
    "/api/editions/",
    "/api/editions/1st/",
    "/api/editions/1st/tasks/",
    "/api/editions/1st/leaderboard/?offset=1",
    "/api/leaderboard/",
    "/api/people/alice/",
    "/api/openapi.json",
]
WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "REPLACE")


def build():
    edition = EditionFactory(number=1, slug="1st", yuan_per_star=2000)
    track = TrackFactory(edition=edition, kind="individual")
    WorkFactory(task__track=track, task__code="NO.1", task__stars=2, contributors=["alice"])
    WorkFactory(task__track=track, task__code="NO.2", contributors=["alice", "bob"])
    issue_certificates(edition)
    publish(edition, final=True)
    serial = edition.tracks.get().certificates.first().serial
    return [
        *PUBLIC_URLS,
        f"/certificates/{serial}/",
        f"/certificates/{serial}/certificate.png",
        f"/api/certificates/{serial}/",
    ]


def read(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    b"".join(response.streaming_content) if response.streaming else response.content
    return response


def statements(queries):
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db
def test_no_public_read_writes_even_when_the_scores_were_missed(client):
    urls = build()
    Score.objects.all().delete()  # as if a change had been written behind the app's back

    with CaptureQueriesContext(connections["default"]) as queries:
        for url in urls:
            read(client, url)
            read(client, url, HTTP_ACCEPT_LANGUAGE="en")

    writes = [sql for sql in statements(queries) if sql.lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert Score.objects.count() == 0  # nothing was rebuilt by a reader
