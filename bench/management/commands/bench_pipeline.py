"""The results pipeline's benchmark: the same measurements on generated histories of several
sizes, side by side, so that what grows with the size shows.

    make bench        (= DEV_TOOLS=true manage.py bench_pipeline --load)

For each size (pieces of work: 5,000, 50,000, 250,000 and 1,000,000 by default; half as many
people) it uses a PostgreSQL database of its own (``bench_w<size>``, created, migrated and
generated once by bench/generate.py, then reused), and measures, in a child process on that
database:

- one change: an organizer's save of a piece of work (completed ↔ rejected), committed, with
  every score it touches refreshed, median of ``--runs`` random pieces of work;
- cold pages (empty cache: the results clock, then the view's queries) and warm pages (the
  whole response from the cache): the edition leaderboard's page 1 and page 500, the API
  leaderboard with 1,000 rows, home, a profile, the all-time board, the task browser;
- with ``--load``: requests per second served by gunicorn (2 workers, DEBUG off, the cache in
  Redis when it answers at 127.0.0.1:6379) under wrk on loopback, for a bare Django page on the
  same server (the ceiling), the warm leaderboard and the warm API at 1,000 rows.

It prints one table, times in ms (medians). Nothing here is a test: it prints figures.
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings

from bench.generate import PREFIX, generate
from hackathon.models import Edition
from participants.models import Score
from tasks.choices import WorkStatus
from tasks.models import Contribution, Work

SIZES = [5_000, 50_000, 250_000, 1_000_000]
PAGE_COLUMNS = [
    ("change", "one change"),
    ("board_p1_cold", "board p1 cold"),
    ("board_p500_cold", "board p500 cold"),
    ("board_warm", "board warm"),
    ("api_cold", "API 1k cold"),
    ("api_warm", "API 1k warm"),
    ("home_cold", "home cold"),
    ("profile_cold", "profile cold"),
    ("all_time_cold", "all-time cold"),
    ("tasks_cold", "tasks cold"),
]
LOAD_COLUMNS = [
    ("rps_bare", "bare req/s"),
    ("rps_board", "board req/s"),
    ("rps_api", "API 1k req/s"),
]


class Command(BaseCommand):
    help = "Time the results pipeline (changes, cold and warm pages) at several sizes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default=",".join(str(size) for size in SIZES),
            help="pieces of work per generated history, separated by commas",
        )
        parser.add_argument("--runs", type=int, default=15, help="measurements per figure")
        parser.add_argument("--load", action="store_true", help="also serve with gunicorn + wrk")
        parser.add_argument(
            "--measure",
            type=int,
            help="(internal) measure one size in this process, on DATABASE_URL",
        )

    def handle(self, *args, sizes, runs, load, measure, **options):
        if measure:
            self.stdout.write(json.dumps(measure_here(measure, runs, self.stderr.write)))
            return
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL.")
        if load and not shutil.which("wrk"):
            raise CommandError("--load needs wrk (apt-get install wrk)")
        results = {}
        for size in [int(size) for size in sizes.split(",")]:
            self.stderr.write(f"== {size:,} pieces of work")
            url = database_for(size)
            figures = self.child(url, size, runs)
            if load:
                figures.update(serve_and_load(url, figures["edition"]))
            results[size] = figures
            self.print_table(results, load)

    def child(self, url, size, runs):
        env = {**os.environ, "DATABASE_URL": url, "DEV_TOOLS": "true"}
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True)
        result = subprocess.run(
            [*manage, "bench_pipeline", "--measure", str(size), "--runs", str(runs)],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    def print_table(self, results, load):
        columns = PAGE_COLUMNS + (LOAD_COLUMNS if load else [])
        header = ["works", "people", "rebuild s", *[label for _, label in columns]]
        self.stdout.write("| " + " | ".join(header) + " |")
        self.stdout.write("|" + "---|" * len(header))
        for size, figures in results.items():
            cells = [f"{size:,}", f"{figures['people']:,}", f"{figures['rebuild']:.1f}"]
            for key, _ in columns:
                value = figures.get(key)
                if value is None:
                    cells.append("–")
                elif key.startswith("rps_"):
                    cells.append(f"{value:,.0f}")
                else:
                    cells.append(f"{value * 1000:.1f}")
            self.stdout.write("| " + " | ".join(cells) + " |")
        self.stdout.write(
            "times in ms (medians); cold = an empty cache; one change = a committed save of a "
            "piece of work with its scores refreshed"
        )


def database_for(size):
    """The URL of the size's own database, created if missing."""
    default = settings.DATABASES["default"]
    name = f"bench_w{size}"
    server = {
        "host": default["HOST"] or None,
        "port": default["PORT"] or None,
        "user": default["USER"] or None,
        "password": default["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in server.items() if v is not None}) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    config = {**default, "NAME": name}
    user = config["USER"] or "postgres"
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
        f"/{name}"
    )


def timed(function, runs, before=None):
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure_here(size, runs, log):
    """Every figure of one size, on this process's database."""
    rebuild = None
    if not Edition.objects.filter(slug__startswith=PREFIX).exists():
        if Edition.objects.exists():
            raise CommandError("The database is not empty: the benchmark needs its own.")
        log(f"  generating {size:,} pieces of work")
        rebuild = generate(size, log=log)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after such a load
    editions = list(Edition.objects.filter(slug__startswith=PREFIX).order_by("number"))
    edition = editions[len(editions) // 2]
    figures = {
        "edition": edition.slug,
        "rebuild": rebuild if rebuild is not None else float("nan"),
        "people": Score.objects.filter(board="all").count(),
        "works": Work.objects.count(),
        "contributions": Contribution.objects.count(),
    }
    figures["change"] = time_changes(edition, runs)
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["*"]):
        figures.update(time_pages(edition, runs))
    return figures


def time_changes(edition, runs):
    """The median cost of an organizer's save of one piece of work, committed, with the scores
    of its people refreshed: completed → rejected and back, on random pieces of work."""
    works = list(
        Work.objects.filter(task__track__edition=edition, status=WorkStatus.COMPLETED)
        .order_by("?")
        .values_list("pk", flat=True)[:runs]
    )
    times = []
    for pk in works:
        work = Work.objects.get(pk=pk)
        for status in (WorkStatus.REJECTED, WorkStatus.COMPLETED):
            work.status = status
            started = time.perf_counter()
            with transaction.atomic():
                work.save()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_pages(edition, runs):
    client = Client()
    board = f"/editions/{edition.slug}/leaderboard/"
    api = f"/api/editions/{edition.slug}/leaderboard/?limit=1000"
    # A typical person: the middle of the edition's board (the top of a Zipf-shaped board has
    # thousands of pieces of work at 1M, and a profile lists them all).
    people = Score.objects.filter(board=f"edition:{edition.pk}").in_board_order()
    person = people[people.count() // 2]
    pages = {
        "board_p1": board,
        "board_p500": board + "?page=500",
        "api": api,
        "home": "/",
        "profile": f"/people/{person.login}/",
        "all_time": "/leaderboard/",
        "tasks": f"/editions/{edition.slug}/tasks/?status=completed&sort=-stars",
    }

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")

    figures = {}
    for name, url in pages.items():
        figures[f"{name}_cold"] = timed(lambda url=url: get(url), runs, before=cache.clear)
    get(board)
    figures["board_warm"] = timed(lambda: get(board), runs)
    get(api)
    figures["api_warm"] = timed(lambda: get(api), runs)
    return figures


def redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def serve_and_load(database_url, edition, port=8911, seconds=8):
    """Requests per second of gunicorn (2 workers) under wrk, warm."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "DEV_TOOLS": "true",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        # wrk speaks plain HTTP to gunicorn: no redirect to HTTPS.
        "HTTPS": "false",
        "CONN_MAX_AGE": "600",
    }
    if redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/14"
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hackathon.wsgi", "-w", "2", "-b",
         f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        env=env,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    paths = {
        "rps_bare": "/bench/bare/",
        "rps_board": f"/editions/{edition}/leaderboard/",
        "rps_api": f"/api/editions/{edition}/leaderboard/?limit=1000",
    }
    figures = {}
    try:
        for name, path in paths.items():
            url = f"http://127.0.0.1:{port}{path}"
            for _ in range(100):  # wait for the server
                try:
                    urllib.request.urlopen(url, timeout=30).read()
                    break
                except OSError:
                    time.sleep(0.2)
            for _ in range(8):  # both workers warm
                urllib.request.urlopen(url, timeout=30).read()
            result = subprocess.run(
                ["wrk", "-t2", "-c8", f"-d{seconds}s", url],
                capture_output=True,
                text=True,
                check=True,
            )
            figures[name] = float(
                next(
                    line.split()[-1]
                    for line in result.stdout.splitlines()
                    if "Requests/sec" in line
                )
            )
    finally:
        server.terminate()
        server.wait()
    return figures
