"""The certificates list, the leaderboards and the honour roll as exports: a header and a generator
of rows each (hackathon/exports.py writes them as CSV, XLSX or JSON).

Each export reads its rows in a fixed number of queries, whatever the number of rows, through
``.iterator()`` so that no whole table is held in memory. Only the organizers' certificates list
carries a private field (the e-mail); the public exports never do.
"""

from decimal import Decimal
from itertools import groupby

from django.db.models import Exists, OuterRef, Subquery

from hackathon.exports import CHUNK_SIZE
from participants.models import Certificate
from participants.rendering import verification_url
from participants.scores import share_expression
from tasks.models import Contribution, exact_stars, task_order
from tasks.stats import points_expression, reward_expression

CENT = Decimal("0.01")

CERTIFICATE_HEADER = [
    "serial",
    "login",
    "name",
    "track",
    "tasks",
    "stars",
    "reward",
    "issued_on",
    "verification_url",
    "status",
]
LEADERBOARD_HEADER = ["rank", "login", "name", "points", "tasks_completed", "reward"]
HONOUR_ROLL_HEADER = [
    "track",
    "batch",
    "code",
    "title",
    "team",
    "contributors",
    "grade",
    "stars",
    "reward",
    "completed_on",
]


def _quantize(value, step):
    return None if value is None else Decimal(value).quantize(step)


def certificate_header(with_email=False):
    return [*CERTIFICATE_HEADER, "email"] if with_email else list(CERTIFICATE_HEADER)


def certificate_rows(edition, with_email=False):
    """One row per certificate of the edition, in the tracks' order and then by serial.

    The tasks, stars and reward of each certificate come from the person's completed work in the
    certificate's track. Two queries in all: the certificates, and the contributions of the people
    who have one, both in the same order, read side by side (a merge, never a query per row).
    """
    certificates = (
        Certificate.objects.filter(track__edition=edition)
        .order_by("track__order", "track_id", "serial")
        .values_list(
            "track_id",
            "serial",
            "participant__login",
            "participant__name",
            "participant__email",
            "track__name",
            "issued_on",
            "revoked_at",
        )
    )
    certificate = Certificate.objects.filter(
        participant=OuterRef("participant"), track=OuterRef("work__task__track")
    )
    contributions = (
        Contribution.objects.counted()
        .filter(work__task__track__edition=edition)
        .filter(Exists(certificate))
        .annotate(
            serial=Subquery(certificate.values("serial")[:1]),
            points=points_expression("work__"),
            share=share_expression(),
        )
        # By certificate (a track's serials), then its tasks in the usual order.
        .order_by(
            "work__task__track__order",
            "work__task__track_id",
            "serial",
            *task_order("work__task__")[2:],
            "work_id",
        )
        .values_list(
            "work__task__track_id",
            "serial",
            "work__task__code",
            "work__task__title",
            "points",
            "share",
        )
    )
    # Every contribution belongs to a certificate and both lists are in the database's order, so
    # a certificate's contributions are the ones at the head of the list with its key.
    works = contributions.iterator(chunk_size=CHUNK_SIZE)
    pending = next(works, None)
    for track_id, serial, login, name, email, track, issued_on, revoked_at in certificates.iterator(
        chunk_size=CHUNK_SIZE
    ):
        tasks, stars, rewards = [], Decimal(0), []
        while pending is not None and (pending[0], pending[1]) == (track_id, serial):
            _, _, code, title, points, share = pending
            tasks.append(f"{code} {title}")
            stars += Decimal(points)
            if share is not None:
                rewards.append(Decimal(share))
            pending = next(works, None)
        row = [
            serial,
            login,
            name,
            track,
            "; ".join(tasks),
            exact_stars(stars),
            sum(rewards).quantize(CENT) if rewards else None,
            issued_on,
            verification_url(Certificate(serial=serial)),
            "valid" if revoked_at is None else "revoked",
        ]
        if with_email:
            row.append(email)
        yield row


def leaderboard_rows(board):
    """The whole of a leaderboard (participants/leaderboard.py states the rule), names and
    rewards included, streamed in board order in one query."""
    for entry in board:
        yield [
            entry.rank,
            entry.login,
            entry.name,
            exact_stars(entry.points),
            entry.tasks_completed,
            entry.reward,
        ]


def honour_roll_rows(edition):
    """Every completed piece of work of the edition, in the honour roll's order, with its people
    (logins separated by "; "), in one query."""
    contributions = (
        Contribution.objects.counted()
        .filter(work__task__track__edition=edition)
        .annotate(points=points_expression("work__"), effective_reward=reward_expression("work__"))
        .order_by(*task_order("work__task__"), "work__team", "work_id", "id")
        .values_list(
            "work_id",
            "work__task__track__name",
            "work__task__batch",
            "work__task__code",
            "work__task__title",
            "work__team",
            "work__grade",
            "points",
            "effective_reward",
            "work__completed_on",
            "participant__login",
        )
    )
    for _, rows in groupby(contributions.iterator(chunk_size=CHUNK_SIZE), key=lambda r: r[0]):
        rows = list(rows)
        first = rows[0]
        yield [
            first[1],  # track
            first[2],  # batch
            first[3],  # code
            first[4],  # title
            first[5],  # team
            "; ".join(row[10] for row in rows),
            first[6],  # grade
            exact_stars(first[7]),
            _quantize(first[8], CENT),
            first[9],  # completed_on
        ]
