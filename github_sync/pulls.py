"""What a pull request does to the results (docs/github.md).

A PR belongs to the track whose ``pr_title_prefix`` its title carries (the longest one when
several match); the numbers after the prefix name the track's tasks (``No.24、26-28、30``). Its
author (not whoever sent the event) is credited with a piece of work on each task:

- a PR in one of the track's RFC repositories is an RFC: open → RFC submitted, merged → design
  document done;
- any other PR: open → PR submitted, merged → completed, or partially completed when the title
  marks it ``-part`` (not the last PR of the task).

Statuses only move forward; an organizer moves them back (or rejects work) in the admin. A task
already completed by someone else is not completed again by a later merge (the first accepted
wins): the later work stays at "PR submitted" and the outcome says so.

One code path for both sources: the webhook (``handle_pull_request``, a delivery's payload) and
the reconciliation (github_sync/sync.py, the PR objects GitHub's REST API lists) both call
``apply_pull`` with a PR object, which has the same fields either way (``title``,
``user.login``, ``state``, ``merged_at``, ``html_url``, ``base.repo.full_name``…).
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from participants.models import Participant, validate_login
from tasks.choices import WorkStatus
from tasks.models import Contribution, Task, Work, work_identity
from tracks.models import Track, repository_names

# The order in which a piece of work moves forward.
FORWARD = [
    WorkStatus.CLAIMED,
    WorkStatus.RFC_SUBMITTED,
    WorkStatus.DESIGN_DONE,
    WorkStatus.PR_SUBMITTED,
    WorkStatus.PARTIALLY_COMPLETED,
    WorkStatus.COMPLETED,
]
NUMBERS = re.compile(r"\s*([0-9][0-9、,，\s\-–~]*)")
PART = re.compile(r"\s*-\s*part", re.IGNORECASE)
HANDLED_ACTIONS = {"opened", "edited", "reopened", "closed"}


@dataclass(frozen=True)
class Step:
    """What an event did to one task, in words; whether it changed anything; whether an
    organizer should look at it (an unknown task number, a malformed title or comment, work
    not completed again because someone else was first)."""

    text: str
    changed: bool = False
    problem: bool = False


@dataclass
class Outcome:
    """What a PR or a comment did: one step per task it names, or one that says why nothing."""

    steps: list[Step] = field(default_factory=list)

    @classmethod
    def only(cls, text, *, problem=False):
        return cls([Step(text, problem=problem)])

    @property
    def text(self):
        return "; ".join(step.text for step in self.steps)

    @property
    def changes(self):
        return sum(step.changed for step in self.steps)


def as_dict(value):
    """A JSON object of a payload, or an empty one when GitHub (or a forger) sent another type."""
    return value if isinstance(value, dict) else {}


def track_for(title):
    """The track whose PR title prefix the title carries (the longest match), with the text that
    follows the prefix."""
    lower = title.lower()
    matches = [
        (len(track.pr_title_prefix), track)
        for track in Track.objects.exclude(pr_title_prefix="").select_related("edition")
        if track.pr_title_prefix.lower() in lower
    ]
    if not matches:
        return None, ""
    _, track = max(matches, key=lambda match: match[0])
    start = lower.index(track.pr_title_prefix.lower()) + len(track.pr_title_prefix)
    return track, title[start:]


def task_numbers(text):
    """The task numbers at the start of ``text`` (24、26-28、30 → 24, 26, 27, 28, 30) and whether
    the PR is marked as a part (-part)."""
    match = NUMBERS.match(text)
    if not match:
        return [], False
    numbers = []
    for part in re.split(r"[、,，\s]+", match.group(1).strip()):
        bounds = [int(bound) for bound in re.split(r"[\-–~]", part) if bound.isdigit()]
        if len(bounds) == 1:
            numbers.append(bounds[0])
        elif len(bounds) == 2 and bounds[0] <= bounds[1] <= bounds[0] + 50:
            numbers.extend(range(bounds[0], bounds[1] + 1))
    rest = text[match.end(1) :]
    if match.group(1).rstrip().endswith("-"):  # 33-part: the dash was read with the numbers
        rest = "-" + rest
    is_part = bool(PART.match(rest))
    return list(dict.fromkeys(numbers)), is_part


def login_of(user):
    """The GitHub login of an event's ``user`` object, and why it is refused (or None)."""
    login = str(as_dict(user).get("login") or "")
    try:
        validate_login(login)
    except ValidationError:
        return login, f"ignored: “{login[:40]}” is not a GitHub login"
    return login, None


def person_for(login):
    """The person with this login (case ignored), created with this spelling when new."""
    return Participant.objects.get_or_create(login__iexact=login, defaults={"login": login})[0]


def numbered_task(track, number):
    """The track's published task with this number, and why there is none (or None)."""
    tasks = list(Task.objects.filter(track=track, position=number, withdrawn=False))
    if len(tasks) == 1:
        return tasks[0], None
    return None, f"No.{number}: {'no such task' if not tasks else 'several tasks have this number'}"


def forward(current, wanted):
    """The status a piece of work may move to: never back, never out of a rejection."""
    if current == WorkStatus.REJECTED or current not in FORWARD:
        return current
    return wanted if FORWARD.index(wanted) > FORWARD.index(current) else current


def handle_pull_request(payload):
    """Apply a webhook's pull_request event; returns its outcome in words."""
    repository = str(as_dict(payload.get("repository")).get("full_name") or "")
    action = str(payload.get("action") or "")
    return apply_pull(as_dict(payload.get("pull_request")), action=action, repository=repository)


def repository_of(pull):
    """The repository a PR object was opened in (``base.repo.full_name``)."""
    return str(as_dict(as_dict(as_dict(pull.get("base")).get("repo"))).get("full_name") or "")


def apply_pull(pull, *, action=None, repository="", tracks=None) -> Outcome:
    """Apply what a PR object says. ``action`` is the webhook's; without one (a PR listed by the
    REST API) it is what the PR's state says: closed, or open ("opened"). ``repository`` is the
    webhook's ``repository.full_name``, else the PR's own base repository. ``tracks``, when
    given, are the only tracks a PR may count for (the reconciliation of one edition)."""
    if action is None:
        action = "closed" if pull.get("state") == "closed" else "opened"
    if action not in HANDLED_ACTIONS:
        return Outcome.only(f"ignored: action {action}")
    title = str(pull.get("title") or "")
    track, rest = track_for(title)
    if track is None:
        return Outcome.only("ignored: no track's PR title prefix in the title")
    if tracks is not None and track not in tracks:
        return Outcome.only(f"ignored: a PR of another track ({track})")
    numbers, is_part = task_numbers(rest)
    if not numbers:
        return Outcome.only(
            f"ignored: no task number after “{track.pr_title_prefix}”", problem=True
        )
    login, refused = login_of(pull.get("user"))
    if refused:
        return Outcome.only(refused, problem=True)
    url = str(pull.get("html_url") or "")
    repository = repository or repository_of(pull)
    # A webhook's PR says "merged"; one listed by the REST API only its merged_at.
    merged = action == "closed" and bool(pull.get("merged") or pull.get("merged_at"))
    if action == "closed" and not merged:
        return Outcome.only(f"recorded: {url} closed without merge")
    rfc = repository.lower() in {name.lower() for name in repository_names(track.rfc_repositories)}
    if rfc:
        wanted = WorkStatus.DESIGN_DONE if merged else WorkStatus.RFC_SUBMITTED
    elif merged:
        wanted = WorkStatus.PARTIALLY_COMPLETED if is_part else WorkStatus.COMPLETED
    else:
        wanted = WorkStatus.PR_SUBMITTED
    day = parse_datetime(str(pull.get("merged_at") or pull.get("created_at") or ""))
    with transaction.atomic():
        person = person_for(login)
        return Outcome(
            [credit(track, number, person, wanted, url, day, merged) for number in numbers]
        )


def credit(track, number, person, wanted, url, day, merged) -> Step:
    task, missing = numbered_task(track, number)
    if missing:
        return Step(missing, problem=True)
    identity = work_identity("", [person.login])
    work = Work.objects.filter(task=task, identity=identity).first()
    if (
        wanted == WorkStatus.COMPLETED
        and Work.objects.filter(task=task, status=WorkStatus.COMPLETED)
        .exclude(identity=identity)
        .exists()
    ):
        wanted = WorkStatus.PR_SUBMITTED
        note = " (already completed by someone else: not completed again)"
    else:
        note = ""
    if work is None:
        work = Work(task=task, status=WorkStatus.CLAIMED, identity=identity)
    status = forward(work.status, wanted)
    changed = status != work.status or work._state.adding
    work.status = status
    if url and url not in work.pr_url_list:
        work.pr_urls = "\n".join([*work.pr_url_list, url])
        changed = True
    done = status in (WorkStatus.COMPLETED, WorkStatus.PARTIALLY_COMPLETED)
    if day and done and merged and work.completed_on is None:
        work.completed_on = day.date()
        changed = True
    if day and work.submitted_on is None and status != WorkStatus.CLAIMED:
        work.submitted_on = min(day.date(), work.completed_on or day.date())
        changed = True
    if changed:
        work.save()
        Contribution.objects.get_or_create(work=work, participant=person)
    return Step(f"No.{number}: {person.login} {status}{note}", changed, problem=bool(note))
