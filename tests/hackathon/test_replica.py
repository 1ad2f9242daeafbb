"""Public reads go to the replica when there is one; organizers' reads to the primary."""

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.hackathon.test_routing import build, read, statements


@pytest.fixture(scope="module", autouse=True)
def replica_alias():
    """A ``replica`` database alias that mirrors the test database, as in production a
    streaming replica mirrors the primary (module-scoped: it must exist before the test's
    database access is set up)."""
    alias = {
        **connections.settings["default"],
        "TEST": {**connections.settings["default"]["TEST"], "MIRROR": "default"},
    }
    settings.DATABASES["replica"] = connections.settings["replica"] = alias
    yield
    connections["replica"].close()
    del connections["replica"]
    connections.settings.pop("replica", None)
    settings.DATABASES.pop("replica", None)


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])
def test_public_reads_go_to_the_replica_and_organizers_to_the_primary(client):
    urls = build()
    organizer_client = Client()
    organizer_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    replica = connections["replica"]

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(replica) as mirrored,
    ):
        for url in urls:
            read(client, url)
    assert statements(primary) == []
    assert len(statements(mirrored)) >= len(urls)

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(replica) as mirrored,
    ):
        read(organizer_client, "/editions/1st/leaderboard/")
    assert statements(mirrored) == []
    assert statements(primary) != []
