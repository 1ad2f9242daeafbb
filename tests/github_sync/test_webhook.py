"""The webhook, with deliveries shaped as GitHub sends them (recorded fields, no network)."""

import datetime
import hashlib
import hmac
import json
import uuid

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from github_sync.deliveries import process_delivery
from github_sync.models import Delivery
from tasks.choices import WorkStatus
from tasks.models import Work
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db
SECRET = "It's a Secret to Everybody"
URL = "/github/webhook/"


@pytest.fixture(autouse=True)
def secret(settings):
    settings.GITHUB_WEBHOOK_SECRET = SECRET


@pytest.fixture
def track(db):
    edition = EditionFactory(number=7, slug="7th")
    track = TrackFactory(
        edition=edition,
        pr_title_prefix="Hackathon 7th No.",
        rfc_repositories="PaddlePaddle/community",
    )
    for number in (24, 26, 27, 28, 30, 33):
        TaskFactory(track=track, code=f"NO.{number}", stars=2)
    return track


def pull(
    action,
    title,
    *,
    number=68294,
    login="zeroRains",
    merged=False,
    repo="PaddlePaddle/Paddle",
    sender="maintainer",
    created="2024-10-01T08:00:00Z",
    merged_at=None,
):
    return {
        "action": action,
        "number": number,
        "pull_request": {
            "html_url": f"https://github.com/{repo}/pull/{number}",
            "title": title,
            "user": {"login": login},
            "state": "closed" if action == "closed" else "open",
            "merged": merged,
            "created_at": created,
            "merged_at": merged_at,
        },
        "repository": {"full_name": repo},
        "sender": {"login": sender},
    }  # fmt: skip


def deliver(client, payload, *, event="pull_request", delivery=None, secret=SECRET, sign=True):
    body = json.dumps(payload).encode()
    headers = {
        "HTTP_X_GITHUB_EVENT": event,
        "HTTP_X_GITHUB_DELIVERY": delivery or str(uuid.uuid4()),
    }
    if sign:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers["HTTP_X_HUB_SIGNATURE_256"] = f"sha256={digest}"
    return client.post(URL, body, content_type="application/json", **headers)


def works():
    return sorted(
        (work.task.code, work.identity, work.status, work.pr_urls, work.completed_on)
        for work in Work.objects.select_related("task")
    )


@pytest.mark.parametrize(
    "options", [{"sign": False}, {"secret": "wrong"}], ids=["missing", "wrong"]
)
def test_a_bad_or_missing_signature_is_refused_and_stores_nothing(client, track, options):
    response = deliver(client, pull("opened", "【Hackathon 7th No.33】Add x"), **options)

    assert response.status_code == 403
    assert (Delivery.objects.count(), Work.objects.count()) == (0, 0)


def test_without_a_secret_every_delivery_is_refused(client, track, settings):
    settings.GITHUB_WEBHOOK_SECRET = ""

    assert deliver(client, pull("opened", "【Hackathon 7th No.33】Add x")).status_code == 403


def test_an_opened_pr_credits_its_author_not_the_sender(client, track):
    response = deliver(client, pull("opened", "【Hackathon 7th No.33】Add x", sender="bot"))

    assert response.status_code == 202
    assert response.json()["outcome"] == "No.33: zeroRains pr_submitted"
    assert works() == [
        ("NO.33", "people:zerorains", WorkStatus.PR_SUBMITTED,
         "https://github.com/PaddlePaddle/Paddle/pull/68294", None),
    ]  # fmt: skip


def test_a_merge_completes_the_task_and_a_replay_changes_nothing(client, track):
    merged = pull(
        "closed", "【Hackathon 7th No.33】Add x", merged=True, merged_at="2024-10-20T09:00:00Z"
    )
    first = deliver(client, merged, delivery="d-1")
    replay = deliver(client, merged, delivery="d-1")

    assert (first.json()["replay"], replay.json()["replay"]) == (False, True)
    assert works() == [
        ("NO.33", "people:zerorains", WorkStatus.COMPLETED,
         "https://github.com/PaddlePaddle/Paddle/pull/68294", datetime.date(2024, 10, 20)),
    ]  # fmt: skip
    assert Delivery.objects.get().outcome == "No.33: zeroRains completed"


def test_out_of_order_deliveries_never_move_a_status_back(client, track):
    title = "【Hackathon 7th No.33】Add x"
    deliver(client, pull("closed", title, merged=True, merged_at="2024-10-20T09:00:00Z"))
    deliver(client, pull("opened", title))

    assert Work.objects.get().status == WorkStatus.COMPLETED


def test_a_pr_naming_several_tasks_credits_each(client, track):
    deliver(client, pull("opened", "【Hackathon 7th No.24、26-28、30】Many APIs"))

    assert [code for code, *_ in works()] == ["NO.24", "NO.26", "NO.27", "NO.28", "NO.30"]


def test_a_part_pr_merged_is_partial_and_an_rfc_is_a_design(client, track):
    deliver(client, pull("closed", "【Hackathon 7th No.33-part】first half", merged=True,
                         merged_at="2024-10-20T09:00:00Z"))  # fmt: skip
    rfc = pull("closed", "【Hackathon 7th No.24】RFC", merged=True, number=900,
               repo="PaddlePaddle/community", merged_at="2024-10-02T09:00:00Z")  # fmt: skip
    deliver(client, rfc)

    assert [(code, status) for code, _, status, *_ in works()] == [
        ("NO.24", WorkStatus.DESIGN_DONE),
        ("NO.33", WorkStatus.PARTIALLY_COMPLETED),
    ]


def test_a_title_edited_to_carry_the_prefix_counts_from_then(client, track):
    first = deliver(client, pull("opened", "Add x"))
    edited = deliver(client, pull("edited", "【Hackathon 7th No.33】Add x"))

    assert first.json()["outcome"] == "ignored: no track's PR title prefix in the title"
    assert edited.json()["outcome"] == "No.33: zeroRains pr_submitted"


def test_the_longest_prefix_wins_between_two_tracks(client, track):
    fundable = TrackFactory(
        edition=track.edition,
        kind=TrackKind.FUNDABLE,
        pr_title_prefix="Hackathon 7th Fundable Projects No.",
    )
    TaskFactory(track=fundable, code="NO.3", stars=10)

    deliver(client, pull("opened", "【Hackathon 7th Fundable Projects No.3】Big"))

    assert Work.objects.get().task.track == fundable


def test_unknown_numbers_and_closed_prs_are_outcomes_not_changes(client, track):
    unknown = deliver(client, pull("opened", "【Hackathon 7th No.99】Add x"))
    closed = deliver(client, pull("closed", "【Hackathon 7th No.33】Add x", merged=False))

    assert unknown.json()["outcome"] == "No.99: no such task"
    assert closed.json()["outcome"].startswith("recorded: ")
    assert Work.objects.count() == 0


def test_the_first_accepted_wins(client, track):
    task = track.tasks.get(code="NO.33")
    WorkFactory(task=task, contributors=["first"], status=WorkStatus.COMPLETED)

    response = deliver(client, pull("closed", "【Hackathon 7th No.33】Also", merged=True,
                                    merged_at="2024-10-25T09:00:00Z"))  # fmt: skip

    assert response.json()["outcome"] == (
        "No.33: zeroRains pr_submitted (already completed by someone else: not completed again)"
    )
    assert task.works.filter(status=WorkStatus.COMPLETED).count() == 1


def test_a_rejected_work_stays_rejected(client, track):
    WorkFactory(task=track.tasks.get(code="NO.33"), contributors=["zeroRains"],
                status=WorkStatus.REJECTED)  # fmt: skip

    deliver(client, pull("opened", "【Hackathon 7th No.33】Again"))

    assert Work.objects.get().status == WorkStatus.REJECTED


@pytest.mark.parametrize(("body", "status"), [(b"not json", 400), (b"[1, 2]", 400), (b"{}", 202)])
def test_malformed_bodies_are_clear_answers_not_server_errors(client, track, body, status):
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()

    response = client.post(
        URL,
        body,
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="pull_request",
        HTTP_X_GITHUB_DELIVERY=str(uuid.uuid4()),
        HTTP_X_HUB_SIGNATURE_256=f"sha256={digest}",
    )

    assert response.status_code == status


def test_the_public_pages_follow_the_merge_at_once(client, track):
    track.edition.is_public = True
    track.edition.save()
    before = client.get("/editions/7th/leaderboard/").content.decode()

    deliver(client, pull("closed", "【Hackathon 7th No.33】Add x", merged=True,
                         merged_at="2024-10-20T09:00:00Z"))  # fmt: skip

    assert "zeroRains" not in before
    assert "zeroRains" in client.get("/editions/7th/leaderboard/").content.decode()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    payload=st.fixed_dictionaries(
        {},
        optional={
            "action": st.sampled_from(["opened", "closed", "edited", "x"]) | json_values,
            "pull_request": st.fixed_dictionaries(
                {},
                optional={
                    "title": st.text(max_size=80).map(lambda t: "【Hackathon 7th No." + t)
                    | json_values,
                    "user": st.fixed_dictionaries({"login": json_values}) | json_values,
                    "merged": json_values,
                    "merged_at": json_values,
                    "created_at": json_values,
                    "html_url": json_values,
                },
            )
            | json_values,
            "repository": json_values,
        },
    )
)
def test_no_signed_payload_is_a_server_error(client, track, payload):
    response = deliver(client, payload)

    assert response.status_code in (202, 400)


# Sign-ups on the tracking issue ----------------------------------------------------------------

ISSUE = "https://github.com/PaddlePaddle/Paddle/issues/68242"


def comment(body, *, action="created", login="zeroRains", issue=ISSUE):
    return {
        "action": action,
        "issue": {"html_url": issue, "number": 68242},
        "comment": {"id": 1, "body": body, "user": {"login": login}},
        "repository": {"full_name": "PaddlePaddle/Paddle"},
        "sender": {"login": login},
    }


@pytest.fixture
def tracked(track):
    track.tracking_issue_url = ISSUE
    track.save()
    return track


def test_a_sign_up_comment_claims_the_tasks_it_names(client, tracked):
    response = deliver(client, comment("【报名】：24、26-27\n我来做"), event="issue_comment")

    assert response.json()["outcome"] == (
        "No.24: zeroRains signed up; No.26: zeroRains signed up; No.27: zeroRains signed up"
    )
    assert [(code, status) for code, _, status, *_ in works()] == [
        ("NO.24", WorkStatus.CLAIMED),
        ("NO.26", WorkStatus.CLAIMED),
        ("NO.27", WorkStatus.CLAIMED),
    ]


def test_a_withdrawal_removes_a_claim_but_not_submitted_work(client, tracked):
    deliver(client, comment("【报名】: 24, 33"), event="issue_comment")
    deliver(client, pull("opened", "【Hackathon 7th No.33】Add x"))

    response = deliver(client, comment("【取消报名】: 24、33"), event="issue_comment")

    assert response.json()["outcome"] == (
        "No.24: zeroRains withdrawn; No.33: zeroRains not withdrawn: the work is pr_submitted"
    )
    assert [(code, status) for code, _, status, *_ in works()] == [
        ("NO.33", WorkStatus.PR_SUBMITTED)
    ]


@pytest.mark.parametrize(
    ("payload", "outcome"),
    [
        (comment("【报名】: 24", issue="https://github.com/x/y/issues/1"),
         "ignored: not a track's tracking issue"),
        (comment("I'd like to try No.24"), "ignored: no 【报名】 or 【取消报名】 in the comment"),
        (comment("【报名】: soon"), "ignored: no task number after 【报名】"),
        (comment("【报名】: 24", action="deleted"), "recorded: comment deleted, nothing changes"),
    ],
)  # fmt: skip
def test_comments_that_change_nothing_say_why(client, tracked, payload, outcome):
    response = deliver(client, payload, event="issue_comment")

    assert response.json()["outcome"] == outcome
    assert Work.objects.count() == 0


# Answered at once, applied by a background task -----------------------------------------------

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_delivery_is_answered_before_it_is_applied_and_applied_once(client, track, settings):
    settings.TASKS = DATABASE_TASKS  # a worker applies it, not the request
    merged = pull(
        "closed", "【Hackathon 7th No.33】Add x", merged=True, merged_at="2024-10-20T09:00:00Z"
    )

    response = deliver(client, merged, delivery="d-9")
    queued = Delivery.objects.get()
    replay = deliver(client, merged, delivery="d-9")

    assert (response.status_code, response.json()) == (
        202,
        {"delivery": "d-9", "state": "queued", "outcome": "", "replay": False},
    )
    assert replay.json() == {"delivery": "d-9", "state": "queued", "outcome": "", "replay": True}
    assert (json.loads(queued.payload)["pull_request"]["title"], Work.objects.count()) == (
        "【Hackathon 7th No.33】Add x",
        0,
    )

    assert process_delivery.call(queued.pk) == "done"  # what the worker does
    assert process_delivery.call(queued.pk) is None  # a task run twice applies it once
    done = Delivery.objects.get()
    assert (done.state, done.outcome, done.payload) == ("done", "No.33: zeroRains completed", "")
    assert [status for _, _, status, *_ in works()] == [WorkStatus.COMPLETED]
    assert deliver(client, merged, delivery="d-9").json() == {
        "delivery": "d-9",
        "state": "done",
        "outcome": "No.33: zeroRains completed",
        "replay": True,
    }


def test_a_failed_delivery_changes_nothing_and_is_applied_when_redelivered(
    client, track, monkeypatch
):
    def broken(payload):
        Work.objects.create(task=track.tasks.get(code="NO.33"), status="claimed", identity="x")
        raise RuntimeError("the database went away")

    opened = pull("opened", "【Hackathon 7th No.33】Add x")
    monkeypatch.setattr("github_sync.deliveries.handle_pull_request", broken)
    failed = deliver(client, opened, delivery="d-10")
    monkeypatch.undo()
    redelivered = deliver(client, opened, delivery="d-10")

    assert failed.json()["state"] == "failed"
    assert failed.json()["outcome"] == (
        "failed: nothing was changed (redeliver it from GitHub to retry)"
    )
    assert redelivered.json() == {
        "delivery": "d-10",
        "state": "done",
        "outcome": "No.33: zeroRains pr_submitted",
        "replay": True,
    }
    assert [identity for _, identity, *_ in works()] == ["people:zerorains"]


def test_a_payload_with_a_nul_is_stored_and_applied(client, tracked):
    # PostgreSQL's jsonb refuses "\u0000": the payload waits as JSON text.
    response = deliver(client, comment("【报名】: 24\u0000"), event="issue_comment")

    assert response.json()["outcome"] == "No.24: zeroRains signed up"
