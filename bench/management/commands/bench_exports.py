"""Benchmark the exports on a large edition (not a test: it prints figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_exports python manage.py bench_exports

Generates an edition of its own ("exports-bench": 20,000 people who each completed a task, so
20,000 certificates, leaderboard lines, honour-roll lines and tasks) into the database, empty or
not (the page benchmark's editions are left alone), or reuses it if an earlier run made it. Then
streams each export to /dev/null and prints its rows, seconds, queries and the peak of Python memory
traced while writing it (a second run under tracemalloc, which slows things down: the seconds are
those of the first run).
"""

import resource
import time
import tracemalloc
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from hackathon.exports import stream
from hackathon.models import Edition
from participants.certificates import issue_certificates
from participants.exports import (
    HONOUR_ROLL_HEADER,
    LEADERBOARD_HEADER,
    certificate_header,
    certificate_rows,
    honour_roll_rows,
    leaderboard_rows,
)
from participants.leaderboard import edition_board
from participants.models import Participant
from tasks.choices import WorkStatus
from tasks.exports import TASK_HEADER, task_rows
from tasks.filters import TaskFilter
from tasks.models import Contribution, Task, Work, code_position, work_identity
from tracks.choices import TrackKind
from tracks.models import Track

SLUG = "exports-bench"  # not "bench-…": bench_pages counts those editions as its own
LOGIN_PREFIX = "bx-"


class Counted:
    """Rows passed through, counted."""

    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


class Command(BaseCommand):
    help = "Generate an edition of 20,000 certificates and time its exports."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20_000)

    def handle(self, *args, people, **options):
        edition = Edition.objects.filter(slug=SLUG).first()
        if edition is None:
            started = time.perf_counter()
            edition = self.generate(people)
            self.stdout.write(f"generated in {time.perf_counter() - started:.1f} s")
        certificates = edition.tracks.first().certificates.count()
        self.stdout.write(f"{edition.name}: {certificates} certificates, {connection.vendor}")

        exports = {
            "certificates.csv": lambda: (
                "csv",
                certificate_header(True),
                certificate_rows(edition, True),
            ),
            "certificates.xlsx": lambda: (
                "xlsx",
                certificate_header(True),
                certificate_rows(edition, True),
            ),
            "leaderboard.csv": lambda: (
                "csv",
                LEADERBOARD_HEADER,
                leaderboard_rows(edition_board(edition)),
            ),
            "leaderboard.json": lambda: (
                "json",
                LEADERBOARD_HEADER,
                leaderboard_rows(edition_board(edition)),
            ),
            "honour-roll.csv": lambda: ("csv", HONOUR_ROLL_HEADER, honour_roll_rows(edition)),
            "tasks.csv": lambda: (
                "csv",
                TASK_HEADER,
                task_rows(TaskFilter({}, edition=edition).qs),
            ),
            "tasks.json": lambda: (
                "json",
                TASK_HEADER,
                task_rows(TaskFilter({}, edition=edition).qs),
            ),
        }
        self.stdout.write(f"{'export':<20}{'rows':>8}{'seconds':>10}{'queries':>9}{'peak MiB':>10}")
        for name, make in exports.items():
            rows, seconds, queries = self.write(make)
            tracemalloc.start()
            self.write(make)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            self.stdout.write(
                f"{name:<20}{rows:>8}{seconds:>10.2f}{queries:>9}{peak / 2**20:>10.1f}"
            )
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"process peak RSS: {max_rss:.0f} MiB")

    def write(self, make):
        """Stream one export to /dev/null: (rows, seconds, queries)."""
        with CaptureQueriesContext(connection) as queries, open("/dev/null", "wb") as sink:
            started = time.perf_counter()
            format, header, rows = make()
            rows = Counted(rows)
            for chunk in stream(format, header, rows):
                sink.write(chunk)
            seconds = time.perf_counter() - started
        return rows.count, seconds, len(queries)

    @transaction.atomic
    def generate(self, people):
        number = (Edition.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        edition = Edition.objects.create(
            slug=SLUG,
            number=number,
            name=f"Export benchmark ({people} people)",
            starts_on=date(2025, 1, 1),
            is_public=True,
            yuan_per_star=2000,
        )
        track = Track.objects.create(
            edition=edition, kind=TrackKind.INDIVIDUAL, name="开源贡献个人挑战赛", slug="individual"
        )
        persons = Participant.objects.bulk_create(
            Participant(login=f"{LOGIN_PREFIX}{n:05d}", name=f"开发者 {n}") for n in range(people)
        )
        tasks = Task.objects.bulk_create(
            Task(
                track=track,
                code=f"NO.{n + 1}",
                position=code_position(f"NO.{n + 1}"),
                title=f"为飞桨补充 API 第 {n + 1} 号",
                stars=[1, 2, "0.5", 3][n % 4],
            )
            for n in range(people)
        )
        works = Work.objects.bulk_create(
            Work(
                task=task,
                status=WorkStatus.COMPLETED,
                identity=work_identity("", [person.login]),
                completed_on=date(2025, 1, 1) + timedelta(days=n % 90),
            )
            for n, (task, person) in enumerate(zip(tasks, persons, strict=True))
        )
        Contribution.objects.bulk_create(
            Contribution(work=work, participant=person)
            for work, person in zip(works, persons, strict=True)
        )
        # Bulk writes send no signal: the one call that bulk writers make.
        Edition.objects.filter(pk=edition.pk).results_changed(everyone=True)
        issue_certificates(edition, issued_on=date(2025, 4, 1))
        return edition
