"""Benchmark of a large import through the admin, as an organizer does it, under gunicorn.

    python manage.py bench_admin_import [--rows 63000] [--people 10000] [--seed 6] [--keep]

A generated file (bench_import's generator) is uploaded to an edition's import page of a
gunicorn server configured as in production (DEBUG off, gunicorn's default 30 s timeout, the
background tasks in the database) with a task worker (``manage.py db_worker``) beside it. The
organizer's steps are timed through HTTP: the upload, the preview shown on the job's page, the
confirmation and the import's outcome. Every request must answer well inside the timeout; the
command fails otherwise. The edition, its people and the queued work are deleted afterwards
unless --keep is given.
"""

import csv
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bench.management.commands.bench_import import Command as ImportBenchmark
from bench.management.commands.bench_import import RowGenerator
from tasks.importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from tasks.models import Direction, ImportJob

TIMEOUT = 30  # gunicorn's default worker timeout, in seconds
USER = "bench-organizer"


class Browser:
    """An organizer's browser: cookies, CSRF tokens, and how long each request took."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )
        self.slowest, self.slowest_path = 0.0, ""

    def request(self, path, data=None, content_type=None):
        headers = {"Referer": self.base + path, "Accept-Language": "en"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=TIMEOUT + 5) as response:
                status, location, body = (
                    response.status,
                    response.headers["Location"],
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            status, location, body = error.code, error.headers["Location"], error.read()
        seconds = time.perf_counter() - start
        if seconds > self.slowest:
            self.slowest, self.slowest_path = seconds, path
        if status >= 400:
            raise CommandError(f"{path}: HTTP {status}\n{body[:2000].decode(errors='replace')}")
        return status, location, body.decode(), seconds

    def csrf(self):
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def post_form(self, path, fields):
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        return self.request(path, data, "application/x-www-form-urlencoded")

    def post_file(self, path, name, content):
        boundary = secrets.token_hex(16)
        body = (
            (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                f"{self.csrf()}\r\n--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(path, body, f"multipart/form-data; boundary={boundary}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Command(BaseCommand):
    help = "Time a large import through the admin under gunicorn, with a task worker."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=63_000)
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=6)
        parser.add_argument("--keep", action="store_true", help="keep the imported edition")

    def handle(self, *args, rows, people, seed, keep, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "Run it on PostgreSQL (DATABASE_URL): the worker is a second process."
            )
        generator = RowGenerator(people, seed)
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "results.csv"
            with path.open("w", encoding="utf-8-sig", newline="") as file:
                writer = csv.DictWriter(file, fieldnames=REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
                writer.writeheader()
                writer.writerows(generator.rows(rows))
            content = path.read_bytes()
        self.stdout.write(
            f"{rows} rows, {generator.tasks} tasks, {len(content) / 1e6:.1f} MB; "
            f"gunicorn (timeout {TIMEOUT} s) + db_worker on {connection.vendor}"
        )
        benchmark = ImportBenchmark()
        directions = set(Direction.objects.values_list("name", flat=True))
        queued = set(DBTaskResult.objects.values_list("id", flat=True))
        edition = benchmark.fresh_edition()
        password = secrets.token_urlsafe(16)
        user = get_user_model().objects.create_superuser(USER, password=password)
        port = free_port()
        environment = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "HTTPS": "false",
            "TASKS_BACKEND": "database",
            "DEV_TOOLS": "false",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run(
            [*manage, "collectstatic", "--no-input", "--verbosity", "0"],
            env=environment,
            cwd=settings.BASE_DIR,
            check=True,
        )
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "hackathon.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--timeout", str(TIMEOUT)],
                env=environment, cwd=settings.BASE_DIR, stderr=subprocess.DEVNULL,
            ),
            subprocess.Popen(
                [*manage, "db_worker", "--interval", "0.2"],
                env=environment, cwd=settings.BASE_DIR, stderr=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            ),
        ]  # fmt: skip
        try:
            self.organize(Browser(f"http://127.0.0.1:{port}"), edition, password, content)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
            ImportJob.objects.filter(edition=edition).delete()
            user.delete()
            if not keep:
                benchmark.clean_up(edition, directions, queued)

    def organize(self, browser, edition, password, content):
        for _ in range(100):
            try:
                browser.request(reverse("admin:login"))
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        browser.post_form(reverse("admin:login"), {"username": USER, "password": password})
        page = reverse("admin:hackathon_edition_import", args=[edition.pk])
        browser.request(page)
        start = time.perf_counter()
        status, job_page, _, seconds = browser.post_file(page, "results.csv", content)
        if status != 302:
            raise CommandError(f"The upload answered {status}, not a redirect to the job's page.")
        self.stdout.write(f"upload: answered in {seconds:.2f} s")
        body = self.wait(browser, job_page, lambda body: 'name="job"' in body)
        self.stdout.write(f"preview shown: {time.perf_counter() - start:.1f} s after the upload")
        rows = re.search(r'<th scope="row">Tasks</th><td>(\d+)</td>', body)
        job = re.search(r'name="job" value="(\d+)"', body).group(1)
        start = time.perf_counter()
        _, import_page, _, seconds = browser.post_form(page, {"job": job})
        self.stdout.write(f"confirmation: answered in {seconds:.2f} s")
        self.wait(browser, import_page, None)
        self.stdout.write(
            f"import done: {time.perf_counter() - start:.1f} s after the confirmation"
        )
        self.stdout.write(
            f"tasks in the preview: {rows.group(1) if rows else '?'}; slowest request "
            f"{browser.slowest:.2f} s ({browser.slowest_path}; gunicorn's timeout: {TIMEOUT} s)"
        )
        if browser.slowest >= TIMEOUT / 2:
            raise CommandError("A request took more than half of gunicorn's timeout.")

    def wait(self, browser, path, done, limit=1800):
        """Reload a job's page as the browser does until ``done(body)``, or, with no test, until
        it redirects (an import's page goes back to the edition when the import is done)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            status, _location, body, _ = browser.request(path)
            if done is None and status == 302:
                return body
            if done is not None and done(body):
                return body
            if "errornote" in body:
                raise CommandError(f"The job failed: {re.sub(r'<[^>]+>', ' ', body)[:3000]}")
            time.sleep(1)
        raise CommandError(f"{path} was not done after {limit} s.")
