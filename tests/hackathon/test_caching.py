"""The one cache of the public site: whole responses under the results clock, validated by ETag,
and invalidated by every change to what the pages show."""

import datetime
import os
import socket
import subprocess
import sys

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hackathon.clock import CLOCK_KEY, current_clock
from hackathon.models import Edition, ResultsClock
from hackathon.settings import BASE_DIR
from participants.certificates import issue_certificates
from participants.models import Certificate, Participant
from tasks.models import Contribution, Direction, Task, Work
from tests.factories import (
    DirectionFactory,
    EditionFactory,
    MilestoneFactory,
    TaskFactory,
    TrackFactory,
    WorkFactory,
)
from tracks.models import Milestone, Track

REDIS_URL = "redis://127.0.0.1:6379/15"

pytestmark = pytest.mark.django_db


def redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def edition():
    edition = EditionFactory(number=1, slug="1st", yuan_per_star=2000)
    WorkFactory(
        task__track=TrackFactory(edition=edition, kind="individual"),
        task__code="NO.1",
        task__title="Old title",
        task__stars=1,
        task__direction=DirectionFactory(name="框架开发", name_en="Framework"),
        completed_on=datetime.date(2024, 12, 1),
        contributors=["alice"],
    )
    return edition


def test_redis_is_the_cache_when_redis_url_is_set():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    )
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "hackathon.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )

    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", REDIS_URL]


def test_a_public_response_carries_an_etag_and_a_max_age(client, edition, settings):
    settings.PUBLIC_MAX_AGE = 90
    response = client.get("/editions/1st/leaderboard/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=90"
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 42
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_a_matching_if_none_match_is_a_304_before_any_query(
    client, edition, django_assert_num_queries
):
    etag = client.get("/api/editions/1st/leaderboard/")["ETag"]

    with django_assert_num_queries(0):
        response = client.get("/api/editions/1st/leaderboard/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_change_of_results_changes_the_etag(client, edition):
    etag = client.get("/editions/1st/")["ETag"]
    WorkFactory(task__track=edition.tracks.get(), contributors=["bob"])

    response = client.get("/editions/1st/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_each_language_has_its_own_entry_and_etag(client, edition):
    english = client.get("/editions/1st/leaderboard/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/editions/1st/leaderboard/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english["ETag"] != chinese["ETag"]
    assert "Leaderboard" in english.content.decode()
    assert "排行榜" in chinese.content.decode()
    again = client.get("/editions/1st/leaderboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert again.content == english.content


def test_unknown_parameters_share_the_canonical_entry(client, edition, django_assert_num_queries):
    canonical = client.get("/editions/1st/leaderboard/?track=individual")

    with django_assert_num_queries(0):
        noisy = client.get("/editions/1st/leaderboard/?utm_source=x&track=individual&z=%00")

    assert noisy.content == canonical.content
    assert noisy["ETag"] == canonical["ETag"]


def test_far_pages_and_hostile_values_are_answered_but_never_stored(client, edition):
    for url in (
        "/editions/1st/leaderboard/?page=999999999999",
        "/api/editions/1st/leaderboard/?offset=999999999",
        "/editions/1st/tasks/?q=" + "x" * 300,
    ):
        cache.clear()
        response = client.get(url)
        assert response.status_code in (200, 400)
        assert [key for key in cache._cache if ":response:" in key] == []


def test_signed_in_organizers_are_never_served_from_the_cache(
    organizer_client, client, edition, django_assert_num_queries
):
    client.get("/editions/1st/")
    response = organizer_client.get("/editions/1st/")

    assert response.status_code == 200
    assert "ETag" not in response
    assert response.context is not None  # rendered for them, not read from the cache


def test_the_clock_is_read_once_then_from_the_cache(edition, django_assert_num_queries):
    cache.delete(CLOCK_KEY)
    with django_assert_num_queries(1):  # the clock and the editions' deadlines, in one query
        value = current_clock()
    with django_assert_num_queries(0):
        assert current_clock() == value
    assert value == f"{ResultsClock.objects.get().value}.0"


def test_a_deadline_passing_makes_every_page_again(client, edition):
    """The objection window closing changes the edition page (provisional → final) with no
    write: the cached page and its ETag do not outlive the deadline."""
    published = datetime.datetime(2025, 1, 26, 12, 0, tzinfo=datetime.UTC)
    Edition.objects.filter(pk=edition.pk).update(
        results_published_at=published,
        objections_close_at=published + datetime.timedelta(days=4),
    )
    cache.clear()
    with time_machine.travel(published + datetime.timedelta(days=3), tick=False):
        before = client.get("/editions/1st/", HTTP_ACCEPT_LANGUAGE="en")
        again = client.get("/editions/1st/", HTTP_ACCEPT_LANGUAGE="en")
    with time_machine.travel(published + datetime.timedelta(days=4, seconds=1), tick=False):
        after = client.get(
            "/editions/1st/", HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=before["ETag"]
        )

    assert before["ETag"] == again["ETag"]
    assert "Objections are open until" in before.content.decode()
    assert after.status_code == 200  # not a 304: the page changed
    assert after["ETag"] != before["ETag"]
    assert "Objections are open until" not in after.content.decode()


def test_leaderboards_are_shared_through_redis(client, settings, edition):
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("CI needs Redis at 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    caches["default"].clear()
    try:
        first = client.get("/api/editions/1st/leaderboard/").json()
        # Another app server would read the same entries: the response is in Redis now.
        keys = caches["default"]._cache.get_client().keys(":1:response:*")
        assert len(keys) == 1
        assert client.get("/api/editions/1st/leaderboard/").json() == first
    finally:
        caches["default"].clear()


# Every model that a page shows, created, changed and deleted. Each change returns the page that
# must show it, the text, and whether the text is now there (True) or gone (False). A change that
# needs something to exist first creates it, then visits every page (so that they are cached),
# then makes the change.
PAGES = [
    "/",
    "/editions/1st/",
    "/editions/1st/tasks/",
    "/editions/1st/leaderboard/",
    "/editions/1st/honour-roll/",
    "/editions/1st/tracks/individual/",
    "/people/alice/",
    "/leaderboard/",
    "/api/editions/1st/",
    "/api/editions/1st/tasks/",
    "/api/editions/1st/leaderboard/",
    "/api/people/alice/",
]


def task_page():
    return f"/editions/1st/tasks/{Task.objects.get(code='NO.1').pk}/"


def change_edition_renamed(edition, visit):
    edition.name = "A new name"
    edition.save()
    return "/editions/1st/", "A new name", True


def change_track_renamed(edition, visit):
    track = edition.tracks.get()
    track.name = "A renamed track"
    track.save()
    return "/editions/1st/", "A renamed track", True


def change_track_added(edition, visit):
    TrackFactory(edition=edition, kind="camp", name="A new camp", slug="camp")
    return "/editions/1st/", "A new camp", True


def change_track_deleted(edition, visit):
    track = TrackFactory(edition=edition, kind="fundable", name="Short-lived track", slug="f")
    visit()
    Track.objects.filter(pk=track.pk).delete()
    return "/editions/1st/", "Short-lived track", False


def change_direction_renamed(edition, visit):
    direction = Direction.objects.get(name="框架开发")
    direction.name, direction.name_en = "改名的方向", "Renamed direction"
    direction.save()
    return "/editions/1st/", "Renamed direction", True


def change_direction_added(edition, visit):
    task = Task.objects.get()
    task.direction = DirectionFactory(name="全新方向")
    task.save()
    return "/editions/1st/tasks/", "全新方向", True


def change_direction_deleted(edition, visit):
    task = Task.objects.get()
    task.direction = DirectionFactory(name="短命方向")
    task.save()
    visit()
    task.direction = None
    task.save()
    Direction.objects.filter(name="短命方向").delete()
    return "/editions/1st/tasks/", "短命方向", False


def change_task_retitled(edition, visit):
    task = Task.objects.get(code="NO.1")
    task.title = "A new title"
    task.save()
    return "/editions/1st/tasks/", "A new title", True


def change_task_added(edition, visit):
    TaskFactory(track=edition.tracks.get(), code="NO.2", title="Brand new task")
    return "/editions/1st/tasks/", "Brand new task", True


def change_task_deleted(edition, visit):
    task = TaskFactory(track=edition.tracks.get(), code="NO.3", title="Short-lived task")
    visit()
    task.delete()
    return "/editions/1st/tasks/", "Short-lived task", False


def change_work_changed(edition, visit):
    work = Work.objects.get()
    work.status = "rejected"
    work.save()
    return "/editions/1st/honour-roll/", "Old title", False


def change_work_added(edition, visit):
    WorkFactory(task=Task.objects.get(), team="New team", contributors=["alice", "newcomer"])
    return "/editions/1st/leaderboard/", "newcomer", True


def change_work_deleted(edition, visit):
    work = WorkFactory(task=Task.objects.get(), team="Brief team", contributors=["alice"])
    visit()
    work.delete()
    return "/editions/1st/honour-roll/", "Brief team", False


def change_contribution_added(edition, visit):
    Contribution.objects.create(
        work=Work.objects.get(), participant=Participant.objects.create(login="helper")
    )
    return "/editions/1st/leaderboard/", "helper", True


def change_contribution_changed(edition, visit):
    contribution = Contribution.objects.get()
    contribution.reward_share = 1234
    contribution.save()
    return "/editions/1st/leaderboard/", "1,234", True


def change_contribution_deleted(edition, visit):
    extra = Contribution.objects.create(
        work=Work.objects.get(), participant=Participant.objects.create(login="helper")
    )
    visit()
    extra.delete()
    return "/editions/1st/leaderboard/", "helper", False


def change_person_renamed(edition, visit):
    person = Participant.objects.get(login="alice")
    person.name = "爱丽丝"
    person.save()
    return "/editions/1st/leaderboard/", "爱丽丝", True


def change_person_deleted(edition, visit):
    person = Participant.objects.create(login="mentor-x")
    Task.objects.get().mentors.add(person)
    visit()
    person.delete()
    return task_page(), "mentor-x", False


def change_mentor_added(edition, visit):
    Task.objects.get().mentors.add(Participant.objects.create(login="the-mentor"))
    return task_page(), "the-mentor", True


def change_mentor_removed(edition, visit):
    mentor = Participant.objects.create(login="the-mentor")
    Task.objects.get().mentors.add(mentor)
    visit()
    mentor.mentored_tasks.clear()
    return task_page(), "the-mentor", False


def change_milestone_added(edition, visit):
    MilestoneFactory(track=edition.tracks.get(), title="Weekly report one")
    return "/editions/1st/tracks/individual/", "Weekly report one", True


def change_milestone_changed(edition, visit):
    milestone = MilestoneFactory(track=edition.tracks.get(), title="Weekly report one")
    visit()
    milestone.title = "Renamed report"
    milestone.save()
    return "/editions/1st/tracks/individual/", "Renamed report", True


def change_milestone_deleted(edition, visit):
    milestone = MilestoneFactory(track=edition.tracks.get(), title="Weekly report one")
    visit()
    Milestone.objects.filter(pk=milestone.pk).delete()
    return "/editions/1st/tracks/individual/", "Weekly report one", False


def change_certificate_issued(edition, visit):
    issue_certificates(edition)
    return "/people/alice/", Certificate.objects.get().serial, True


def change_certificate_revoked(edition, visit):
    issue_certificates(edition)
    visit()
    certificate = Certificate.objects.get()
    certificate.revoked_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    certificate.revocation_reason = "Issued twice by mistake"
    certificate.save()
    return f"/certificates/{certificate.serial}/", "Issued twice by mistake", True


def change_certificate_deleted(edition, visit):
    issue_certificates(edition)
    serial = Certificate.objects.get().serial
    visit()
    Certificate.objects.all().delete()
    return "/people/alice/", serial, False


CHANGES = {
    name.removeprefix("change_"): change
    for name, change in list(globals().items())
    if name.startswith("change_")
}


# The pages each change is checked on (besides the page that shows it): the clock is global, so
# what holds for these holds for every page; test_one_change_renews_every_public_page checks all.
FEW_PAGES = ["/", "/editions/1st/", "/api/editions/1st/leaderboard/"]


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_shows_on_the_public_pages_at_once(client, edition, change):
    every_page = [*PAGES, task_page()]

    def visit(pages=every_page):
        # Every page is in the cache before the change, so that a stale one would be served.
        responses = {url: client.get(url, HTTP_ACCEPT_LANGUAGE="en") for url in pages}
        assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(pages, 200)
        return responses

    before = visit()

    url, text, shown = CHANGES[change](edition, visit)

    # Nothing is served from before the change: every page has a new ETag...
    after = visit(FEW_PAGES)
    assert {url for url in FEW_PAGES if after[url]["ETag"] == before[url]["ETag"]} == set()
    # ... and the page that shows the change shows it.
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (text in response.content.decode()) is shown


def test_one_change_renews_every_public_page(client, edition):
    pages = [*PAGES, task_page()]
    before = {url: client.get(url)["ETag"] for url in pages}
    unchanged = {url: client.get(url)["ETag"] for url in pages}
    assert unchanged == before

    change_work_changed(edition, None)

    after = {url: client.get(url)["ETag"] for url in pages}
    assert {url for url in pages if after[url] == before[url]} == set()


def test_a_visitor_served_a_cached_page_can_switch_its_language(edition):
    """The cached page holds no CSRF token of another visitor: the switcher works for all."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/editions/1st/leaderboard/?utm_source=x&track=individual")

    page = second.get("/editions/1st/leaderboard/?track=individual").content.decode()
    response = second.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/editions/1st/leaderboard/?track=individual"},
    )

    assert "csrfmiddlewaretoken" not in page
    assert 'name="next" type="hidden" value="/editions/1st/leaderboard/?track=individual"' in page
    assert (response.status_code, response["Location"]) == (
        302,
        "/editions/1st/leaderboard/?track=individual",
    )
    assert second.cookies["django_language"].value == "en"
    assert "Leaderboard" in second.get("/editions/1st/leaderboard/").content.decode()


@given(
    query=st.dictionaries(
        st.sampled_from(["page", "track", "offset", "limit", "utm", "q", "sort", "stars"]),
        st.one_of(
            st.text(max_size=30),
            st.integers(min_value=-(10**30), max_value=10**30).map(str),
            st.sampled_from(["²", "١٢", "1E-999999", "\x00", "9" * 40, "", "-1"]),
        ),
        max_size=4,
    ),
    url=st.sampled_from(
        [
            "/editions/1st/leaderboard/",
            "/leaderboard/",
            "/api/editions/1st/leaderboard/",
            "/api/leaderboard/",
            "/editions/1st/",
        ]
    ),
)
@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_hostile_query_strings_never_break_a_cached_page(client, edition, url, query):
    response = client.get(url, query)

    assert response.status_code in (200, 400, 404)
    if response.status_code == 200:
        assert response["ETag"] and response["Cache-Control"].startswith("public, max-age=")


@pytest.mark.parametrize("value", ["²", "١٢", "1E-999999", "\x00", "9" * 40, "-1", "0"])
@pytest.mark.parametrize("name", ["page", "offset", "limit", "track"])
@pytest.mark.parametrize(
    "url", ["/editions/1st/leaderboard/", "/leaderboard/", "/api/editions/1st/leaderboard/"]
)
def test_odd_numbers_in_parameters_are_never_a_server_error(client, edition, url, name, value):
    assert client.get(url, {name: value}).status_code in (200, 400, 404)
