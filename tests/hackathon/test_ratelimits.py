"""Costly public reads are limited per client address: exports and the API's lists.

The counts live in the cache, which every test starts empty (tests/conftest.py). What the
whole-response cache answers, and 304s, are not counted; HEAD is counted like GET.
"""

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from hackathon.settings import envrate
from tests.factories import EditionFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db

EXPORTS = [
    "/editions/1st/tasks.csv",
    "/editions/1st/tasks.json?sort=-stars",
    "/editions/1st/leaderboard.csv",
    "/editions/1st/honour-roll.json",
    "/leaderboard.csv",
]
API_LISTS = [
    "/api/editions/",
    "/api/editions/1st/tasks/",
    "/api/editions/1st/leaderboard/",
    "/api/leaderboard/?limit=1000",
]


@pytest.fixture
def edition(db):
    edition = EditionFactory(number=1, slug="1st")
    track = TrackFactory(edition=edition)
    WorkFactory(task__track=track, task__code="NO.1", contributors=["alice"])
    return edition


@pytest.fixture
def rates(settings):
    settings.EXPORTS_PER_ADDRESS = "3/m"
    settings.API_LISTS_PER_ADDRESS = "2/m"
    return settings


def limited(response):
    return response.status_code == 429


@pytest.mark.parametrize("url", EXPORTS)
def test_the_export_beyond_the_rate_is_a_429_with_retry_after(client, edition, rates, url):
    # Inside a minute, 20 s before the client's window ends (django-ratelimit staggers windows
    # per address, from the address's CRC).
    with time_machine.travel(1_800_000_000, tick=False):
        statuses = [client.get(url).status_code for _ in range(3)]
        fourth = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert statuses == [200, 200, 200]
    assert fourth.status_code == 429
    seconds = int(fourth["Retry-After"])
    assert 1 <= seconds <= 60
    assert fourth.json() == {
        "detail": "Too many requests from your address: at most 3 every 60 seconds. "
        f"Try again in {seconds} seconds."
    }


def test_retry_after_is_the_time_left_in_the_window(client, edition, rates):
    with time_machine.travel(1_800_000_000, tick=False) as clock:
        for _ in range(3):
            client.get("/leaderboard.csv")
        first = client.get("/leaderboard.csv")
        clock.shift(int(first["Retry-After"]) - 1)
        last = client.get("/leaderboard.csv")
        clock.shift(1)
        again = client.get("/leaderboard.csv")

    assert (first.status_code, last.status_code, last["Retry-After"]) == (429, 429, "1")
    assert again.status_code == 200


@pytest.mark.parametrize("url", API_LISTS)
def test_the_api_list_beyond_the_rate_is_a_429(client, edition, rates, url):
    with time_machine.travel(1_800_000_000, tick=False):
        # Two different pages: neither is served from the cache.
        statuses = [client.get(url, {"offset": n}).status_code for n in range(2)]
        third = client.get(url, {"offset": 2})

    assert statuses == [200, 200]
    assert third.status_code == 429
    assert f" {third['Retry-After']} " in third.json()["detail"]  # in the site's language


def test_responses_from_the_cache_and_304s_are_not_counted(client, edition, rates):
    with time_machine.travel(1_800_000_000, tick=False):
        first = client.get("/api/leaderboard/")  # counted: made
        served = [client.get("/api/leaderboard/").status_code for _ in range(5)]
        etag = first["ETag"]
        revalidated = [
            client.get("/api/leaderboard/", HTTP_IF_NONE_MATCH=etag).status_code for _ in range(5)
        ]
        second = client.get("/api/leaderboard/?offset=1")  # counted: another page
        third = client.get("/api/leaderboard/?offset=2")

    assert (served, revalidated) == ([200] * 5, [304] * 5)
    assert (second.status_code, third.status_code) == (200, 429)


def test_head_counts_like_get(client, edition, rates):
    with time_machine.travel(1_800_000_000, tick=False):
        heads = [client.head("/leaderboard.csv").status_code for _ in range(3)]
        get = client.get("/leaderboard.csv")

    assert heads == [200, 200, 200]
    assert get.status_code == 429


def test_each_address_and_each_group_has_its_own_count(edition, rates):
    first, second = Client(REMOTE_ADDR="203.0.113.1"), Client(REMOTE_ADDR="203.0.113.2")
    with time_machine.travel(1_800_000_000, tick=False):
        for _ in range(3):
            first.get("/leaderboard.csv")

        assert first.get("/leaderboard.csv").status_code == 429
        assert second.get("/leaderboard.csv").status_code == 200
        assert first.get("/api/leaderboard/").status_code == 200  # the API's lists count apart
        assert first.get("/editions/1st/leaderboard/").status_code == 200  # pages are not limited


def test_organizers_are_not_limited(organizer, edition, rates):
    with time_machine.travel(1_800_000_000, tick=False):
        signed_in = Client()
        signed_in.force_login(organizer)
        statuses = [signed_in.get("/leaderboard.csv").status_code for _ in range(5)]

    assert statuses == [200] * 5


def test_the_default_rates_are_stated_in_the_settings(settings):
    assert (settings.EXPORTS_PER_ADDRESS, settings.API_LISTS_PER_ADDRESS) == ("20/m", "60/m")


@pytest.mark.parametrize("value", ["20", "20/minute", "x/m", "20/m; 1/s", "-1/m"])
def test_a_rate_the_settings_cannot_read_refuses_to_start(monkeypatch, value):
    monkeypatch.setenv("EXPORTS_PER_ADDRESS", value)

    with pytest.raises(ImproperlyConfigured, match="EXPORTS_PER_ADDRESS must be a rate"):
        envrate("EXPORTS_PER_ADDRESS", "20/m")


def test_a_rate_from_the_environment_is_read(monkeypatch):
    monkeypatch.setenv("EXPORTS_PER_ADDRESS", " 5/10m ")

    assert envrate("EXPORTS_PER_ADDRESS", "20/m") == "5/10m"
