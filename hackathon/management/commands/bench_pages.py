"""Benchmark the public pages on a generated edition history (not a test: it prints figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python manage.py bench_pages

Generates editions, tasks, people and pieces of work into an empty database (or reuses what an
earlier run generated), then prints for each page the query count and the cold and warm median and
p95 server times, and for the leaderboards the time of their bare aggregate SQL (the floor).

Cold means an empty cache with the scores current (they are rebuilt when a change to the results
is committed, participants/scores.py); the rows "after a change" are cold requests that also find
their edition's scores out of date and rebuild them, as a reader does when the rebuild after the
commit was missed. The time to rebuild every edition's scores is printed too.
"""

import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, F, Max, Sum, Window
from django.db.models.functions import Lower, Rank
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from hackathon.models import Edition
from participants.leaderboard import RANK_ORDER, ranked
from participants.models import Participant
from participants.scores import build_scores, counted_contributions, scores_in
from tasks.choices import Grade, WorkStatus
from tasks.models import Contribution, Direction, Task, Work, code_position, work_identity
from tasks.stats import points_expression
from tracks.choices import TrackKind
from tracks.models import Track

BENCH_PREFIX = "bench-"
STATUSES = [
    (WorkStatus.COMPLETED, 45),
    (WorkStatus.PR_SUBMITTED, 15),
    (WorkStatus.CLAIMED, 20),
    (WorkStatus.RFC_SUBMITTED, 5),
    (WorkStatus.REJECTED, 10),
    (WorkStatus.PARTIALLY_COMPLETED, 5),
]


class Command(BaseCommand):
    help = "Generate a large edition history and time the public pages on it."

    def add_arguments(self, parser):
        parser.add_argument("--editions", type=int, default=20)
        parser.add_argument("--tasks", type=int, default=10_000)
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--works", type=int, default=60_000)
        parser.add_argument("--runs", type=int, default=20, help="requests per measurement")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--load",
            action="store_true",
            help="also serve the app with gunicorn (2 workers) and load the warm leaderboards "
            "with wrk on loopback, printing requests per second",
        )

    def handle(self, *args, **options):
        existing = Edition.objects.filter(slug__startswith=BENCH_PREFIX).count()
        if existing and existing != options["editions"]:
            raise CommandError(
                f"This database holds {existing} generated editions, not {options['editions']}: "
                "use an empty database."
            )
        if not existing:
            if Edition.objects.exists():
                raise CommandError("The database is not empty: run the benchmark on its own one.")
            started = time.perf_counter()
            self.generate(**options)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # as autovacuum would after such a load
            self.stdout.write(f"generated in {time.perf_counter() - started:.1f} s")
        counts = {
            "editions": Edition.objects.count(),
            "tasks": Task.objects.count(),
            "people": Participant.objects.count(),
            "pieces of work": Work.objects.count(),
            "contributions": Contribution.objects.count(),
        }
        self.stdout.write(
            f"database: {connection.vendor}; " + ", ".join(f"{v} {k}" for k, v in counts.items())
        )
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["*"]):
            self.measure(options["runs"])
        if options["load"]:
            self.load()

    # Generation -------------------------------------------------------------------------------

    @transaction.atomic
    def generate(self, editions, tasks, people, works, seed, **options):
        rng = random.Random(seed)
        directions = list(Direction.objects.all()) or [
            Direction.objects.create(name=name) for name in ("框架开发", "科学计算", "套件建设")
        ]
        edition_rows = Edition.objects.bulk_create(
            Edition(
                slug=f"{BENCH_PREFIX}{n}",
                number=n,
                name=f"Benchmark edition {n}",
                starts_on=date(2010, 1, 1) + timedelta(days=180 * n),
                is_public=True,
                yuan_per_star=2000,
            )
            for n in range(1, editions + 1)
        )
        kinds = [TrackKind.INDIVIDUAL, TrackKind.CAMP, TrackKind.FUNDABLE]
        tracks = Track.objects.bulk_create(
            Track(edition=edition, kind=kind, name=kind.label, slug=kind, order=order)
            for edition in edition_rows
            for order, kind in enumerate(kinds)
        )
        task_rows = []
        for n in range(tasks):
            track = tracks[n % len(tracks)]
            code = f"NO.{n // len(tracks) + 1}"
            task_rows.append(
                Task(
                    track=track,
                    code=code,
                    position=code_position(code),
                    title=f"Task {n}",
                    direction=rng.choice(directions),
                    stars=Decimal(rng.choice([1, 2, 3, 4, 0.5, 5])),
                    withdrawn=rng.random() < 0.01,
                )
            )
        task_rows = Task.objects.bulk_create(task_rows, batch_size=2000)
        person_rows = Participant.objects.bulk_create(
            (Participant(login=f"dev-{n:05d}") for n in range(people)), batch_size=2000
        )
        statuses, weights = zip(*STATUSES, strict=True)
        work_rows, members = [], []
        for n in range(works):
            task = task_rows[n % len(task_rows)]
            team = rng.sample(person_rows, rng.choice([1, 1, 1, 2, 3]))
            status = rng.choices(statuses, weights)[0]
            completed = status == WorkStatus.COMPLETED
            work_rows.append(
                Work(
                    task=task,
                    status=status,
                    team=f"team-{n}",
                    identity=work_identity(f"team-{n}", []),
                    grade=rng.choice(list(Grade)) if completed and n % 7 == 0 else "",
                    completed_on=date(2024, 1, 1) + timedelta(days=n % 365) if completed else None,
                )
            )
            members.append(team)
        work_rows = Work.objects.bulk_create(work_rows, batch_size=2000)
        Contribution.objects.bulk_create(
            (
                Contribution(work=work, participant=person)
                for work, team in zip(work_rows, members, strict=True)
                for person in team
            ),
            batch_size=5000,
        )

    # Measurement ------------------------------------------------------------------------------

    def measure(self, runs):
        generated = list(Edition.objects.filter(slug__startswith=BENCH_PREFIX).order_by("number"))
        edition = generated[len(generated) // 2]
        self.rebuild_scores(generated)
        top = (
            Contribution.objects.filter(work__task__track__edition=edition)
            .values_list("participant__login", flat=True)
            .first()
        )
        pages = [
            ("home", "/"),
            ("edition page", f"/editions/{edition.slug}/"),
            ("task browser", f"/editions/{edition.slug}/tasks/"),
            ("task browser, filtered", f"/editions/{edition.slug}/tasks/?status=completed&q=dev-0"),
            ("leaderboard", f"/editions/{edition.slug}/leaderboard/"),
            ("all-time leaderboard", "/leaderboard/"),
            ("profile", f"/people/{top}/"),
            ("API leaderboard", f"/api/editions/{edition.slug}/leaderboard/"),
        ]
        client = Client()
        columns = ["queries", "cold med", "cold p95", "warm med", "warm p95"]
        self.stdout.write(f"{'page':<32} " + " ".join(f"{c:>9}" for c in columns))
        cold_medians = {}
        for name, url in pages:
            cold, cold_queries = self.timed(client, url, runs, clear=True)
            warm, warm_queries = self.timed(client, url, runs, clear=False)
            cold_medians[name] = median(cold)
            self.stdout.write(
                f"{name:<32} {cold_queries:>4}/{warm_queries:<4} {ms(median(cold)):>9} "
                f"{ms(p95(cold)):>9} {ms(median(warm)):>9} {ms(p95(warm)):>9}"
            )
        for name, url in pages[4:7]:
            stale, queries = self.timed(client, url, runs, clear=True, stale=edition)
            cold_medians[f"{name}, after a change"] = median(stale)
            self.stdout.write(
                f"{name + ', after a change':<32} {queries:>4}/{'':<4} {ms(median(stale)):>9} "
                f"{ms(p95(stale)):>9}"
            )
        self.stdout.write(
            "bare leaderboard SQL: the ranking aggregated from the contributions (the floor), "
            "and the page's ranking over the scores:"
        )
        editions = list(Edition.objects.public())
        floors = [
            ("leaderboard", counted_contributions(edition=edition), scores_in(edition=edition)),
            (
                "all-time leaderboard",
                counted_contributions(editions=[e.pk for e in editions]),
                scores_in(editions=editions),
            ),
        ]
        for name, contributions, scores in floors:
            floor = self.time_sql(floor_ranking(contributions), runs)
            over_scores = self.time_sql(ranked(scores, total=True)[:50], runs)
            page = cold_medians[name]
            stale = cold_medians[f"{name}, after a change"]
            self.stdout.write(
                f"{name:<24} floor {ms(floor):>7} ms; over the scores {ms(over_scores):>6} ms; "
                f"cold page {page / floor:.2f}× the floor, {stale / floor:.2f}× after a change"
            )
        self.stdout.write("times in ms; queries as cold/warm")

    def rebuild_scores(self, editions):
        """Rebuild every edition's scores (out of date first) and print how long that takes."""
        times = []
        for edition in editions:
            Edition.objects.filter(pk=edition.pk).update(results_version=F("results_version") + 1)
            started = time.perf_counter()
            build_scores(edition.pk)
            times.append(time.perf_counter() - started)
        self.stdout.write(
            f"scores rebuilt for {len(editions)} editions in {sum(times):.2f} s: "
            f"{ms(median(times))} ms median, {ms(max(times))} ms the slowest edition"
        )

    def time_sql(self, queryset, runs):
        sql, params = queryset.query.sql_with_params()
        times = []
        for _ in range(runs):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                times.append(time.perf_counter() - started)
        return median(times)

    def load(self, port=8901, seconds=10):
        """Requests per second of warm leaderboards served by gunicorn with 2 workers."""
        if not shutil.which("wrk"):
            raise CommandError("--load needs wrk (apt-get install wrk)")
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "CONN_MAX_AGE": "600",
        }
        # Served as in production: DEBUG off, static files from their manifest.
        subprocess.run(
            [sys.executable, settings.BASE_DIR / "manage.py", "collectstatic", "--no-input", "-v0"],
            env=env,
            check=True,
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "hackathon.wsgi", "-w", "2", "-b",
             f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
            env=env,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            edition = Edition.objects.filter(slug__startswith=BENCH_PREFIX).order_by("number")
            middle = edition[edition.count() // 2]
            for path in [f"/editions/{middle.slug}/leaderboard/", "/leaderboard/"]:
                url = f"http://127.0.0.1:{port}{path}"
                for _ in range(50):  # wait for the server, then warm both workers' caches
                    try:
                        urllib.request.urlopen(url, timeout=5).read()
                    except OSError:
                        time.sleep(0.2)
                for _ in range(6):
                    urllib.request.urlopen(url, timeout=5).read()
                result = subprocess.run(
                    ["wrk", "-t1", "-c4", f"-d{seconds}s", url],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                rate = next(
                    line.split()[-1]
                    for line in result.stdout.splitlines()
                    if "Requests/sec" in line
                )
                self.stdout.write(f"gunicorn, 2 workers, warm {path}: {rate} requests/s")
        finally:
            server.terminate()
            server.wait()

    def timed(self, client, url, runs, clear, stale=None):
        """Times of ``runs`` requests: warm (after one that fills the cache) or cold (an empty
        cache); with ``stale``, that edition's scores are also out of date at each request."""
        times, queries = [], 0
        if not clear:
            client.get(url)  # fill the cache
        for _ in range(runs):
            if clear:
                cache.clear()
            if stale is not None:
                # A change committed without its rebuild (update() sends no signal).
                Edition.objects.filter(pk=stale.pk).update(results_version=F("results_version") + 1)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            queries = len(captured)
        return times, queries


def floor_ranking(contributions):
    """The leaderboard rule's ranking aggregated straight from the contributions (no scores, no
    names or rewards): the least SQL a leaderboard computed from the results can run."""
    return (
        contributions.order_by()
        .values("participant", "participant__login")
        .annotate(
            total_points=Sum(points_expression("work__")),
            total_tasks=Count("work__task", distinct=True),
            latest_day=Max("work__completed_on"),
        )
        .annotate(rank=Window(Rank(), order_by=RANK_ORDER))
        .order_by(*RANK_ORDER, Lower("participant__login"))
    )


def median(values):
    return statistics.median(values)


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds):
    return f"{seconds * 1000:.1f}"
