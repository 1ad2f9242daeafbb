import os
import socket
import subprocess
import sys

import pytest
from django.core.cache import caches

from hackathon.caching import results_key
from hackathon.models import Edition
from hackathon.settings import BASE_DIR
from tests.factories import EditionFactory, TrackFactory, WorkFactory

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_redis_is_the_cache_when_redis_url_is_set():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    )
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "hackathon.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )

    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", REDIS_URL]


@pytest.mark.django_db
def test_a_results_key_changes_when_the_results_change():
    edition = EditionFactory()
    before = results_key("board", [edition], "x")

    WorkFactory(task__track=TrackFactory(edition=edition), contributors=["alice"])
    edition = Edition.objects.get(pk=edition.pk)

    assert results_key("board", [edition], "x") != before
    assert results_key("board", [edition], "x") == results_key("board", [edition], "x")
    assert results_key("board", [edition], "y") != results_key("board", [edition], "x")


@pytest.mark.django_db
def test_leaderboards_are_shared_through_redis(client, settings):
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("CI needs Redis at 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    caches["default"].clear()
    track = TrackFactory(edition__slug="1st", edition__number=1)
    WorkFactory(task__track=track, contributors=["alice"])
    try:
        first = client.get("/api/editions/1st/leaderboard/").json()
        # Another app server would read the same entries: the board is in Redis now.
        keys = caches["default"]._cache.get_client().keys(":1:results:*")
        assert keys != []
        assert client.get("/api/editions/1st/leaderboard/").json() == first
    finally:
        caches["default"].clear()
