"""What a comment on a track's tracking issue does (docs/github.md): sign-ups and withdrawals.

``【报名】: 2、3`` (also ``2-5``, commas, a full-width colon) signs its author up for those tasks:
a piece of work of theirs, claimed. ``【取消报名】: 3`` withdraws the sign-up: the claimed work is
removed, unless it already went further (then an organizer decides). An edited comment signs up
for what it names now; a deleted comment changes nothing (withdrawals are explicit).

One code path for both sources: a webhook's comment (``handle_issue_comment``) and a comment the
reconciliation lists through the REST API (github_sync/sync.py) are read by ``read_comment`` and
applied by ``sign_up`` and ``withdrawal``.
"""

import re
from typing import NamedTuple

from django.db import transaction

from github_sync.pulls import (
    Outcome,
    Step,
    as_dict,
    login_of,
    numbered_task,
    person_for,
    task_numbers,
)
from participants.models import Participant
from tasks.choices import WorkStatus
from tasks.models import Contribution, Work, work_identity
from tracks.models import Track

SIGN_UP = re.compile(r"【\s*(取消)?\s*报名\s*】\s*[:：]?\s*(.*)", re.DOTALL)


class SignUp(NamedTuple):
    """What a sign-up comment says: who signs up for (or withdraws from) which tasks."""

    track: Track
    login: str
    numbers: list
    withdraw: bool


def track_of_issue(url):
    url = url.rstrip("/")
    if not url:
        return None
    for track in Track.objects.exclude(tracking_issue_url="").select_related("edition"):
        if track.tracking_issue_url.rstrip("/") == url:
            return track
    return None


def handle_issue_comment(payload) -> Outcome:
    """Apply a webhook's issue_comment event."""
    action = str(payload.get("action") or "")
    if action not in ("created", "edited"):
        return Outcome.only(f"recorded: comment {action}, nothing changes")
    read = read_comment(
        str(as_dict(payload.get("issue")).get("html_url") or ""), as_dict(payload.get("comment"))
    )
    if isinstance(read, Outcome):
        return read
    with transaction.atomic():
        person = person_for(read.login)
        apply = withdrawal if read.withdraw else sign_up
        return Outcome([apply(read.track, number, person) for number in read.numbers])


def read_comment(issue_url, comment, *, track=None) -> SignUp | Outcome:
    """What a comment on ``issue_url`` says, or the outcome that says why it changes nothing.
    ``track``, when given, is the issue's track (the reconciliation knows it)."""
    track = track or track_of_issue(issue_url)
    if track is None:
        return Outcome.only("ignored: not a track's tracking issue")
    match = SIGN_UP.search(str(comment.get("body") or ""))
    if not match:
        return Outcome.only("ignored: no 【报名】 or 【取消报名】 in the comment")
    login, refused = login_of(comment.get("user"))
    if refused:
        return Outcome.only(refused, problem=True)
    numbers, _ = task_numbers(match.group(2))
    if not numbers:
        return Outcome.only("ignored: no task number after 【报名】", problem=True)
    return SignUp(track, login, numbers, bool(match.group(1)))


def sign_up(track, number, person: Participant) -> Step:
    task, missing = numbered_task(track, number)
    if missing:
        return Step(missing, problem=True)
    identity = work_identity("", [person.login])
    work, created = Work.objects.get_or_create(
        task=task, identity=identity, defaults={"status": WorkStatus.CLAIMED}
    )
    _, credited = Contribution.objects.get_or_create(work=work, participant=person)
    words = "signed up" if created else "already on it"
    return Step(f"No.{number}: {person.login} {words}", created or credited)


def withdrawal(track, number, person: Participant) -> Step:
    task, missing = numbered_task(track, number)
    if missing:
        return Step(missing, problem=True)
    work = Work.objects.filter(task=task, identity=work_identity("", [person.login])).first()
    if work is None:
        return Step(f"No.{number}: {person.login} was not signed up")
    if work.status != WorkStatus.CLAIMED:
        return Step(
            f"No.{number}: {person.login} not withdrawn: the work is {work.status}", problem=True
        )
    work.contributions.all().delete()
    work.delete()
    return Step(f"No.{number}: {person.login} withdrawn", True)
