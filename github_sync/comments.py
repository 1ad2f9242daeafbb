"""What a comment on a track's tracking issue does (docs/github.md): sign-ups and withdrawals.

``【报名】: 2、3`` (also ``2-5``, commas, a full-width colon) signs its author up for those tasks:
a piece of work of theirs, claimed. ``【取消报名】: 3`` withdraws the sign-up: the claimed work is
removed, unless it already went further (then an organizer decides). An edited comment signs up
for what it names now; a deleted comment changes nothing (withdrawals are explicit).
"""

import re

from django.db import transaction

from github_sync.pulls import login_of, numbered_task, person_for, task_numbers
from tasks.choices import WorkStatus
from tasks.models import Contribution, Work, work_identity
from tracks.models import Track

SIGN_UP = re.compile(r"【\s*(取消)?\s*报名\s*】\s*[:：]?\s*(.*)", re.DOTALL)


def track_of_issue(url):
    url = url.rstrip("/")
    if not url:
        return None
    for track in Track.objects.exclude(tracking_issue_url="").select_related("edition"):
        if track.tracking_issue_url.rstrip("/") == url:
            return track
    return None


def handle_issue_comment(payload):
    action = str(payload.get("action") or "")
    issue = payload.get("issue") if isinstance(payload.get("issue"), dict) else {}
    comment = payload.get("comment") if isinstance(payload.get("comment"), dict) else {}
    if action not in ("created", "edited"):
        return f"recorded: comment {action}, nothing changes"
    track = track_of_issue(str(issue.get("html_url") or ""))
    if track is None:
        return "ignored: not a track's tracking issue"
    match = SIGN_UP.search(str(comment.get("body") or ""))
    if not match:
        return "ignored: no 【报名】 or 【取消报名】 in the comment"
    login, refused = login_of(comment.get("user"))
    if refused:
        return refused
    numbers, _ = task_numbers(match.group(2))
    if not numbers:
        return "ignored: no task number after 【报名】"
    withdraw = bool(match.group(1))
    with transaction.atomic():
        person = person_for(login)
        outcomes = [
            (withdrawal if withdraw else sign_up)(track, number, person) for number in numbers
        ]
    return "; ".join(outcomes)


def sign_up(track, number, person):
    task, missing = numbered_task(track, number)
    if missing:
        return missing
    identity = work_identity("", [person.login])
    work, created = Work.objects.get_or_create(
        task=task, identity=identity, defaults={"status": WorkStatus.CLAIMED}
    )
    Contribution.objects.get_or_create(work=work, participant=person)
    return f"No.{number}: {person.login} {'signed up' if created else 'already on it'}"


def withdrawal(track, number, person):
    task, missing = numbered_task(track, number)
    if missing:
        return missing
    work = Work.objects.filter(task=task, identity=work_identity("", [person.login])).first()
    if work is None:
        return f"No.{number}: {person.login} was not signed up"
    if work.status != WorkStatus.CLAIMED:
        return f"No.{number}: {person.login} not withdrawn: the work is {work.status}"
    work.contributions.all().delete()
    work.delete()
    return f"No.{number}: {person.login} withdrawn"
