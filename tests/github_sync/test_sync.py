"""The reconciliation with GitHub (sync_github, the edition's "Sync with GitHub"), on responses
recorded in GitHub's shape (tests/github_sync/data/*.json: status, headers, body), served through
githubkit's HTTP client by respx: the network is never reached."""

import datetime
import io
import json
from pathlib import Path

import httpx
import pytest
import respx
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from github_sync import sync
from github_sync.models import SyncRun
from tasks.choices import WorkStatus
from tasks.models import Work
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
API = "https://api.github.com"
ISSUE = "https://github.com/PaddlePaddle/Paddle/issues/68242"
PADDLE_PULLS = "/repos/PaddlePaddle/Paddle/pulls"
COMMUNITY_PULLS = "/repos/PaddlePaddle/community/pulls"
COMMENTS = "/repos/PaddlePaddle/Paddle/issues/68242/comments"
# What the recorded responses hold, as the run reports it (problems included, every run).
PROBLEMS = [
    "https://github.com/PaddlePaddle/Paddle/issues/68242#issuecomment-2360000101: "
    "ignored: no task number after 【报名】",
    "https://github.com/PaddlePaddle/Paddle/issues/68242#issuecomment-2360000201: "
    "No.99: no such task",
]
CHANGES = [
    "https://github.com/PaddlePaddle/Paddle/issues/68242#issuecomment-2360000123: "
    "No.33: Asthestarsfalll signed up",
    "https://github.com/PaddlePaddle/community/pull/905: No.30: bob-the-dev design_done",
    "https://github.com/PaddlePaddle/Paddle/pull/68250: No.28: Tsaiyue partially_completed",
    "https://github.com/PaddlePaddle/Paddle/pull/68310: No.24: cangtianhuang pr_submitted",
    "https://github.com/PaddlePaddle/Paddle/pull/68310: No.26: cangtianhuang pr_submitted",
    "https://github.com/PaddlePaddle/Paddle/pull/68310: No.27: cangtianhuang pr_submitted",
    "https://github.com/PaddlePaddle/Paddle/pull/68294: No.33: zeroRains completed",
]


def record(name):
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def like_github(name):
    """Answers as GitHub does: the recorded response, or 304 Not Modified (no body) to a
    request that sends the recorded ETag back."""
    recorded = record(name)

    def respond(request):
        etag = recorded["headers"].get("ETag")
        if etag and request.headers.get("If-None-Match") == etag:
            headers = {k: v for k, v in recorded["headers"].items() if k != "Content-Type"}
            return httpx.Response(304, headers=headers)
        return httpx.Response(
            recorded["status"], headers=recorded["headers"], json=recorded["body"]
        )

    return respond


@pytest.fixture
def github(settings):
    """GitHub's API as recorded: the Paddle repository's PRs (two pages, the second reaching
    PRs last updated before the edition: page 3 is never asked for), the community
    repository's, the tracking issue's comments (two pages)."""
    settings.GITHUB_TOKEN = "github_pat_11AAAAAAA0recorded"
    with respx.mock(base_url=API, assert_all_called=False) as mock:
        for path, page, name in [
            (PADDLE_PULLS, "1", "pulls_paddle_page1"),
            (PADDLE_PULLS, "2", "pulls_paddle_page2"),
            (COMMUNITY_PULLS, "1", "pulls_community"),
            (COMMENTS, "1", "comments_page1"),
            (COMMENTS, "2", "comments_page2"),
        ]:
            mock.get(path, params={"page": page}, name=f"{path}:{page}").mock(
                side_effect=like_github(name)
            )
        yield mock


@pytest.fixture
def track(db):
    track = TrackFactory(
        edition=EditionFactory(number=7, slug="7th", starts_on=datetime.date(2024, 9, 14)),
        pr_title_prefix="Hackathon 7th No.",
        tracking_issue_url=ISSUE,
        rfc_repositories="PaddlePaddle/community",
        repositories="PaddlePaddle/Paddle",
    )
    for number in (24, 26, 27, 28, 30, 33):
        TaskFactory(track=track, code=f"NO.{number}", stars=2)
    return track


def works():
    return sorted(
        (work.task.code, work.identity, work.status, work.pr_urls, work.completed_on)
        for work in Work.objects.select_related("task")
    )


def sync_github(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("sync_github", "--edition", "7th", *args, stdout=out)
    return out.getvalue().splitlines()


PAGES = [
    f"{COMMENTS}:1",
    f"{COMMENTS}:2",
    f"{PADDLE_PULLS}:1",
    f"{PADDLE_PULLS}:2",
    f"{COMMUNITY_PULLS}:1",
]
AFTER_THE_SYNC = [
    ("NO.24", "people:cangtianhuang", WorkStatus.PR_SUBMITTED,
     "https://github.com/PaddlePaddle/Paddle/pull/68310", None),
    ("NO.26", "people:cangtianhuang", WorkStatus.PR_SUBMITTED,
     "https://github.com/PaddlePaddle/Paddle/pull/68310", None),
    ("NO.27", "people:cangtianhuang", WorkStatus.PR_SUBMITTED,
     "https://github.com/PaddlePaddle/Paddle/pull/68310", None),
    ("NO.28", "people:tsaiyue", WorkStatus.PARTIALLY_COMPLETED,
     "https://github.com/PaddlePaddle/Paddle/pull/68250", datetime.date(2024, 10, 9)),
    ("NO.30", "people:bob-the-dev", WorkStatus.DESIGN_DONE,
     "https://github.com/PaddlePaddle/community/pull/905", None),
    ("NO.33", "people:asthestarsfalll", WorkStatus.CLAIMED, "", None),
    ("NO.33", "people:zerorains", WorkStatus.COMPLETED,
     "https://github.com/PaddlePaddle/Paddle/pull/68294", datetime.date(2024, 10, 20)),
]  # fmt: skip


def test_a_sync_applies_what_the_webhooks_missed_with_their_rules(github, track):
    # The webhook saw zeroRains's PR opened, and missed everything after.
    WorkFactory(task=track.tasks.get(code="NO.33"), contributors=["zeroRains"],
                status=WorkStatus.PR_SUBMITTED,
                pr_urls="https://github.com/PaddlePaddle/Paddle/pull/68294")  # fmt: skip

    output = sync_github()

    run = SyncRun.objects.get()
    assert works() == AFTER_THE_SYNC
    assert output == [
        *PROBLEMS[:1],
        CHANGES[0],
        *PROBLEMS[1:],
        *CHANGES[1:],
        "https://github.com/PaddlePaddle/Paddle/pull/68320: No.99: no such task",
        f"Run {run.pk}: 8 PRs and 6 comments read, 7 changes made (5 requests to GitHub, 0 of "
        "them answered “not modified”).",
    ]
    assert [
        f"{call.request.url.path}:{call.request.url.params['page']}" for call in github.calls
    ] == PAGES
    assert (run.state, run.changes, run.rate_limit_remaining) == ("done", 7, 4986)
    reasons = {
        h.history_change_reason for h in Work.history.filter(history_date__gte=run.created_at)
    }
    assert reasons == {f"GitHub sync, run {run.pk}"}


def test_a_second_run_asks_conditionally_and_changes_nothing(github, track):
    sync_github()
    github.reset()
    before = (works(), Work.history.count())

    output = sync_github()

    second = SyncRun.objects.order_by("pk").last()
    sent = [call.request.headers.get("If-None-Match") for call in github.calls]
    assert sent == [
        record(name)["headers"]["ETag"]
        for name in [
            "comments_page1",
            "comments_page2",
            "pulls_paddle_page1",
            "pulls_paddle_page2",
            "pulls_community",
        ]
    ]
    assert [call.response.status_code for call in github.calls] == [304] * 5
    assert (works(), Work.history.count()) == before
    assert output[-1] == (
        f"Run {second.pk}: 8 PRs and 6 comments read, 0 changes made (5 requests to GitHub, 5 "
        "of them answered “not modified”)."
    )
    assert output[:-1] == [*PROBLEMS, PROBLEMS[1].replace(
        "issues/68242#issuecomment-2360000201", "pull/68320"
    )]  # fmt: skip


def test_a_dry_run_counts_the_changes_and_saves_none(github, track):
    track.pr_title_prefix = ""  # its tracking issue only: no PR is read
    track.save()

    output = sync_github("--dry-run")

    assert output[-1].endswith(
        "0 PRs and 6 comments read, 2 changes made (2 requests to GitHub, 0 of them answered "
        "“not modified”). A dry run: nothing was saved."
    )
    assert output[1] == CHANGES[0]  # what it would do
    assert (Work.objects.count(), Work.history.count()) == (0, 0)


@time_machine.travel(datetime.datetime(2024, 10, 21, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_used_up_rate_limit_stops_the_run_before_it_changes_anything(github, track):
    github.routes[f"{COMMENTS}:2"].mock(side_effect=like_github("rate_limited"))

    with pytest.raises(CommandError) as refused:
        sync_github()

    # X-RateLimit-Reset 1729512000 is 12:00 UTC, 20:00 in Beijing: two hours, not waited for.
    message = (
        "GitHub's rate limit is used up until 2024-10-21 20:00:00: nothing was changed. Run the "
        "sync again after that."
    )
    assert str(refused.value) == message
    assert (SyncRun.objects.get().state, SyncRun.objects.get().error) == ("failed", message)
    assert Work.objects.count() == 0


def test_a_short_rate_limit_is_waited_for(github, track, monkeypatch):
    track.pr_title_prefix = ""  # its tracking issue only: no PR is read
    track.save()
    waits = []
    monkeypatch.setattr(sync, "sleep", waits.append)
    answers = iter([like_github("secondary_rate_limited"), like_github("comments_page1")])
    github.routes[f"{COMMENTS}:1"].mock(side_effect=lambda request: next(answers)(request))

    output = sync_github()

    assert waits == [3.0]  # its Retry-After
    assert output[:2] == [
        "waited 3 s for GitHub's rate limit (/repos/PaddlePaddle/Paddle/issues/68242/comments)",
        PROBLEMS[0],
    ]
    assert SyncRun.objects.get().requests == 2  # the retried one counts once
    assert [(code, identity, status) for code, identity, status, *_ in works()] == [
        ("NO.33", "people:asthestarsfalll", WorkStatus.CLAIMED),
        ("NO.33", "people:zerorains", WorkStatus.CLAIMED),
    ]


@pytest.mark.parametrize(
    ("args", "token", "message"),
    [
        ([], "", "GITHUB_TOKEN is not set: the sync reads GitHub's API with a token (a "
         "fine-grained token with read-only access to public repositories is enough; "
         "docs/github.md)."),
        (["--edition", "8th"], "t", "There is no edition with the slug “8th”."),
        (["--track", "camp"], "t", "The edition 7th has no track “camp”."),
    ],
    ids=["no-token", "unknown-edition", "unknown-track"],
)  # fmt: skip
def test_what_cannot_run_is_refused_clearly_and_asks_nothing(
    github, track, settings, args, token, message
):
    settings.GITHUB_TOKEN = token

    with pytest.raises(CommandError) as refused, translation.override("en"):
        call_command("sync_github", "--edition", "7th", *args, stdout=io.StringIO())

    assert str(refused.value) == message
    assert (SyncRun.objects.count(), len(github.calls)) == (0, 0)


# The admin ---------------------------------------------------------------------------------


def test_the_edition_page_starts_a_sync_whose_page_shows_its_outcome(
    github, track, organizer_client
):
    track.pr_title_prefix = ""  # its tracking issue only: no PR is read
    track.save()
    edition_page = organizer_client.get(
        reverse("admin:hackathon_edition_change", args=[track.edition.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    sync_url = reverse("admin:hackathon_edition_github_sync", args=[track.edition.pk])

    started = organizer_client.post(sync_url, {"track": "individual"}, HTTP_ACCEPT_LANGUAGE="en")

    run = SyncRun.objects.get()
    assert f'<a href="{sync_url}">Sync with GitHub</a>' in edition_page.content.decode()
    assert started["Location"] == reverse(
        "admin:hackathon_edition_github_sync_run", args=[track.edition.pk, run.pk]
    )
    assert (run.track, run.created_by.username, run.state) == (track, "organizer", "done")
    page = organizer_client.get(started["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    lines = page[page.index('<ul id="github-sync-lines">') :].split("</ul>")[0]
    comment = "https://github.com/PaddlePaddle/Paddle/issues/68242#issuecomment-"
    assert lines == '<ul id="github-sync-lines">' + "".join(
        f'<li><a href="{comment}{number}" rel="noreferrer">{comment}{number}</a>: {text}</li>'
        for number, text in [
            (2360000101, "ignored: no task number after 【报名】"),
            (2360000123, "No.33: Asthestarsfalll signed up"),
            (2360000188, "No.33: zeroRains signed up"),
            (2360000201, "No.99: no such task"),
        ]
    )
    assert f"Run {run.pk}: 0 PRs and 6 comments read, 2 changes made" in page
    assert 'http-equiv="refresh"' not in page  # done: the page stops reloading
    assert Work.objects.count() == 2


def test_a_queued_run_reloads_its_page_and_the_list_costs_the_same_queries(
    github, track, organizer_client, settings, django_assert_num_queries
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sync_url = reverse("admin:hackathon_edition_github_sync", args=[track.edition.pk])
    started = organizer_client.post(sync_url, {"dry_run": "on"})
    waiting = organizer_client.get(started["Location"], HTTP_ACCEPT_LANGUAGE="en")
    counts = []
    for _ in range(2):
        with django_assert_num_queries(
            7
        ) as queries:  # session, user, 2 perms, edition, tracks, runs
            organizer_client.get(sync_url)
        counts.append(len(queries))
        SyncRun.objects.create(edition=track.edition, track=track, created_by=None)

    assert '<meta http-equiv="refresh" content="2">' in waiting.content.decode()
    assert "The sync starts as soon as a worker is free" in waiting.content.decode()
    assert (SyncRun.objects.first().state, len(github.calls)) == ("queued", 0)
    assert counts == [7, 7]


def test_only_organizers_may_sync(github, track, participant_user, organizer_client):
    sync_url = reverse("admin:hackathon_edition_github_sync", args=[track.edition.pk])
    outsider = Client()
    outsider.force_login(participant_user)

    assert outsider.post(sync_url, {}).status_code == 302  # to the admin's login
    assert Client().get(sync_url).status_code == 302
    participant_user.is_staff = True
    participant_user.save()
    assert outsider.post(sync_url, {}).status_code == 403  # staff without the permissions
    assert (SyncRun.objects.count(), len(github.calls)) == (0, 0)


def test_the_admin_refuses_without_a_token_and_starts_nothing(
    github, track, organizer_client, settings
):
    settings.GITHUB_TOKEN = ""
    sync_url = reverse("admin:hackathon_edition_github_sync", args=[track.edition.pk])

    page = organizer_client.post(sync_url, {}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "GITHUB_TOKEN is not set: the sync reads GitHub" in page
    assert SyncRun.objects.count() == 0


def test_a_repository_github_does_not_know_is_a_line_not_a_stop(github, track):
    track.tracking_issue_url, track.repositories = "", "PaddlePaddle/Padle"
    track.save()
    github.get("/repos/PaddlePaddle/Padle/pulls").mock(side_effect=like_github("not_found"))

    output = sync_github()

    assert output[:2] == [
        "/repos/PaddlePaddle/Padle/pulls: not found on GitHub (404); nothing was read there",
        CHANGES[1],
    ]
    assert SyncRun.objects.get().state == "done"


def test_a_track_names_its_repositories_as_owner_and_name(track):
    track.repositories = "PaddlePaddle/Paddle, https://github.com/PaddlePaddle/community"

    with pytest.raises(ValidationError) as refused, translation.override("en"):
        track.full_clean()

    assert refused.value.message_dict == {
        "repositories": [
            "Write each repository as owner/name (e.g. PaddlePaddle/Paddle), not "
            "“https://github.com/PaddlePaddle/community”."
        ]
    }
