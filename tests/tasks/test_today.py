"""The organizers' page of what changed today in a track: the webhook's work and everybody
else's, from the history, with who and why; yesterday's changes are not on it."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hackathon.history import change_reason
from tasks.choices import WorkStatus
from tasks.models import Work
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tests.github_sync.test_webhook import SECRET, deliver, pull

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
YESTERDAY = datetime.datetime(2024, 10, 1, 22, 0, tzinfo=BEIJING)
TODAY = datetime.datetime(2024, 10, 2, 9, 30, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.GITHUB_WEBHOOK_SECRET = SECRET


@pytest.fixture
def track(db):
    track = TrackFactory(
        edition=EditionFactory(number=7, slug="7th"), pr_title_prefix="Hackathon 7th No."
    )
    with time_machine.travel(YESTERDAY, tick=False):
        TaskFactory(track=track, code="NO.33", title="新增 API")
        WorkFactory(
            task=TaskFactory(track=track, code="NO.34", title="修复文档"),
            status=WorkStatus.CLAIMED,
            contributors=["bob"],
        )
    return track


def test_the_page_lists_todays_changes_with_who_and_why(client, organizer_client, track):
    with time_machine.travel(TODAY, tick=False):
        deliver(client, pull("opened", "【Hackathon 7th No.33】新增 API"), delivery="d-1")
    with time_machine.travel(TODAY + datetime.timedelta(hours=1), tick=False):
        work = Work.objects.get(task__code="NO.34")
        with change_reason("his PR was merged by hand"):
            work.status = WorkStatus.COMPLETED
            work.save()
        page = organizer_client.get(reverse("admin:tracks_track_today", args=[track.pk]))

    rows = [
        (change.at.astimezone(BEIJING).strftime("%H:%M"), change.subject, change.text)
        for change in page.context["changes"]
    ]
    reasons = [change.reason for change in page.context["changes"]]
    pr = "https://github.com/PaddlePaddle/Paddle/pull/68294"
    assert rows == [
        ("10:30", "NO.34 修复文档 · bob", "status: Claimed → Completed"),
        (
            "09:30",
            "NO.33 新增 API · zeroRains",
            f"status: – → PR submitted; pull requests: – → {pr}",
        ),
        ("09:30", "NO.33 新增 API", "zeroRains credited"),
    ]
    webhook = "GitHub pull_request webhook, delivery d-1"
    assert reasons == ["his PR was merged by hand", webhook, webhook]


def test_nothing_from_yesterday_is_listed(organizer_client, track):
    with time_machine.travel(TODAY, tick=False):
        page = organizer_client.get(reverse("admin:tracks_track_today", args=[track.pk]))

    assert page.context["changes"] == []
    assert "Nothing has changed today." in page.content.decode()


def test_the_track_page_links_to_it_and_the_public_cannot_see_it(client, organizer_client, track):
    url = reverse("admin:tracks_track_today", args=[track.pk])

    change = organizer_client.get(reverse("admin:tracks_track_change", args=[track.pk]))

    assert url in change.content.decode()
    assert client.get(url).status_code == 302  # to the admin's login


@pytest.mark.parametrize("changed", [1, 3])
def test_the_page_reads_the_same_number_of_queries_whatever_the_changes(
    organizer_client, track, changed
):
    url = reverse("admin:tracks_track_today", args=[track.pk])
    with time_machine.travel(TODAY, tick=False):
        for n in range(changed):
            WorkFactory(task=TaskFactory(track=track, code=f"NO.{50 + n}"), contributors=["amy"])
        organizer_client.get(url)  # warms the session and content types
        with CaptureQueriesContext(connection) as queries:
            page = organizer_client.get(url)

    assert len(page.context["changes"]) == 3 * changed  # each task, its work and its credit
    # The session, the user, the track with its edition, the user's and their group's permissions
    # (2), the track's tasks, the day's work, task and credit records (3), the earlier work and
    # task records (2), the current credits: the same with 1 and 3 changes.
    assert len(queries) == 12
