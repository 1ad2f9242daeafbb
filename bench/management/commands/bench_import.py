"""Benchmark of the import: a generated file of many rows, imported three times.

    python manage.py bench_import [--rows 50000] [--people 10000] [--seed 6] [--keep]

The file mixes what organizers' files hold: the four kinds of track under their kind or published
names, camp projects in batches with mentors and grades, open and withdrawn tasks, every status
word, teams, several contributors on one row, logins in varying case, star spellings, rewards,
pull requests and dates. It is written to disk as it is generated, then imported into a fresh
edition as a dry run, for real, and once more, which must change nothing. Each import runs as
``manage.py import_tasks`` in a process of its own, configured as in production (DEBUG off, the
background tasks queued, not run), and prints its wall time and peak memory (maximum resident
set size), beside the memory of a process that only starts Django. The edition, the people and
directions it created and the queued rebuild are deleted afterwards unless --keep is given.
"""

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hackathon.models import Edition
from participants.models import Participant, Score
from participants.scores import rebuild_all
from tasks.importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from tasks.models import Contribution, Direction, Task, TaskTally, Work
from tracks.models import Track

LOGIN_PREFIX = "bench-dev-"
# Runs manage.py with the given arguments, then writes the process's peak resident memory (kB).
PEAK_WRAPPER = """
import os, sys
from django.core.management import execute_from_command_line
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hackathon.settings")
peak_file, arguments = sys.argv[1], sys.argv[2:]
try:
    execute_from_command_line(["manage.py", *arguments])
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(peak_file, "w") as out:
        out.write(peak)
"""
CHINESE_DIGITS = "零一二三四五六七八九"
DIRECTIONS = ["框架开发", "科学计算", "套件建设", "论文复现", "基础设施建设", "合作伙伴 (OpenVINO)"]
TRACK_NAMES = {
    "individual": ["individual", "开源贡献个人挑战赛"],
    "camp": ["camp", "护航计划集训营"],
    "fundable": ["fundable", "Fundable Projects"],
    "other": ["优秀稿件征集与传播"],
}
TRACK_WEIGHTS = {"individual": 60, "camp": 20, "fundable": 8, "other": 12}
STARS = {
    "individual": ["0.5", "1", "2", "3", "4", "⭐⭐", "⭐️⭐️⭐️", "★", "⭐½", "2×⭐"],
    "camp": [""],
    "fundable": ["5", "7", "12×⭐️", "⭐×13", "10"],
    "other": ["1", ""],
}
WORK_STATUSES = {
    "完成任务": 28,
    "completed": 8,
    "🟢 完成": 5,
    "通过": 3,
    "提交PR": 12,
    "报名": 12,
    "锁定": 3,
    "claimed": 3,
    "提交RFC": 6,
    "完成设计文档": 4,
    "部分完成": 5,
    "未通过": 6,
}
PR_STATUSES = {"完成任务", "completed", "🟢 完成", "通过", "提交PR", "部分完成", "未通过"}
COMPLETED = {"完成任务", "completed", "🟢 完成", "通过"}
GRADES = ["及格", "良好", "优秀", "特别优秀"]
TEAM_WORDS = ["九天揽月", "飞桨", "星辰", "破晓", "代码搬运工", "Paddle Pals", "深度求索"]


def chinese_number(n):
    """1 → 一, 14 → 十四, 27 → 二十七 (below 100)."""
    tens, units = divmod(n, 10)
    text = (CHINESE_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "")
    return text + (CHINESE_DIGITS[units] if units else "")


class RowGenerator:
    """Rows of a realistic import file; every person of the pool appears when there is room."""

    def __init__(self, people, seed):
        self.random = random.Random(seed)
        self.logins = [f"{LOGIN_PREFIX}{n:05d}" for n in range(people)]
        self.mentors = self.logins[: max(1, people // 30)]
        self.queue = []
        self.numbers = dict.fromkeys(TRACK_WEIGHTS, 0)
        self.tasks = 0

    def next_login(self):
        if not self.queue:
            self.queue = self.random.sample(self.logins, len(self.logins))
        login = self.queue.pop()
        return login.upper() if self.random.random() < 0.03 else login

    def choice(self, weights):
        return self.random.choices(list(weights), weights=list(weights.values()))[0]

    def rows(self, count):
        """``count`` rows, generated one task at a time."""
        while count > 0:
            for row in self.task_rows()[:count]:
                count -= 1
                yield row

    def task_rows(self):
        kind = self.choice(TRACK_WEIGHTS)
        self.numbers[kind] += 1
        self.tasks += 1
        number = self.numbers[kind]
        task = {
            "track": self.random.choice(TRACK_NAMES[kind]),
            "title": f"为 Paddle 新增第 {number} 个 {kind} 任务",
            "stars": self.random.choice(STARS[kind]),
            "issue_url": f"https://github.com/PaddlePaddle/Paddle/issues/{62900 + len(kind)}",
        }
        if kind == "camp":
            batch, project = divmod(number - 1, 30)
            task["batch"] = ["提前批", "正式批"][batch] if batch < 2 else f"第{batch + 1}批"
            task["code"] = f"项目{chinese_number(project + 1)}"
            task["mentors"] = ";".join(self.random.sample(self.mentors, self.random.randint(1, 2)))
        else:
            task["code"] = f"NO.{number}" if kind != "other" else str(number)
            if kind == "individual":
                task["direction"] = self.random.choice(DIRECTIONS)
        chance = self.random.random()
        if chance < 0.15:
            return [{**task, "status": self.random.choice(["open", "未认领", "待认领"])}]
        if chance < 0.17:
            return [{**task, "status": self.random.choice(["取消", "withdrawn"])}]
        works = self.random.choices([1, 2, 3, 4], weights=[60, 25, 10, 5])[0]
        if kind == "camp":
            works = self.random.choice([1, 1, 2])
        rows, identities = [], set()
        for index in range(works):
            row = self.work_row(kind, index)
            identity = row.get("team") or ";".join(sorted(row["contributors"].lower().split(";")))
            if identity not in identities:
                identities.add(identity)
                # Later rows of a task often leave the task columns empty, as merged cells do.
                rows.append({**task, **row} if index == 0 or chance < 0.6 else {**row, **key(task)})
        return rows

    def work_row(self, kind, index):
        status = self.choice(WORK_STATUSES)
        team = ""
        size = 1 if self.random.random() < 0.85 else 2
        if kind != "camp" and self.random.random() < 0.2:
            team = f"{self.random.choice(TEAM_WORDS)}{self.tasks}-{index}"
            size = self.random.randint(2, 3)
        logins = []
        while len(logins) < size:
            login = self.next_login()
            if login.lower() not in {other.lower() for other in logins}:
                logins.append(login)
        row = {"status": status, "team": team, "contributors": ";".join(logins)}
        if status in PR_STATUSES:
            row["pr_urls"] = " ".join(
                f"https://github.com/PaddlePaddle/Paddle/pull/{self.random.randint(60000, 70000)}"
                for _ in range(self.random.randint(1, 3))
            )
        if status in COMPLETED:
            if kind == "camp":
                row["grade"] = self.random.choice(GRADES)
            if self.random.random() < 0.3:
                row["reward"] = self.random.choice(["¥2,000", "4000元", "1000", "6,000"])
            if self.random.random() < 0.4:
                day = self.random.randint(1, 20)
                row["submitted_on"] = f"2024-05-{day:02d}"
                row["completed_on"] = f"2024-06-{day + self.random.randint(0, 8):02d}"
            if self.random.random() < 0.03:
                row["notes"] = "需要复核"
        return row


def key(task):
    """The cells that identify a task: the rest may be left empty on its later rows."""
    return {name: task[name] for name in ("track", "code", "batch") if name in task}


class Command(BaseCommand):
    help = "Benchmark the import with a generated file: dry run, first import, second import."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50_000)
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=6)
        parser.add_argument(
            "--keep", action="store_true", help="keep the edition and the people it created"
        )

    def handle(self, *args, rows, people, seed, keep, **options):
        if rows < 1 or people < 1:
            raise CommandError("--rows and --people must be positive.")
        generator = RowGenerator(people, seed)
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "bench.csv"
            named = set()
            with path.open("w", encoding="utf-8-sig", newline="") as file:
                writer = csv.DictWriter(file, fieldnames=REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
                writer.writeheader()
                for row in generator.rows(rows):
                    writer.writerow(row)
                    for column in ("contributors", "mentors"):
                        named.update(login.lower() for login in row.get(column, "").split(";"))
            named.discard("")
            self.stdout.write(
                f"{rows} rows, {len(named)} people, {generator.tasks} tasks, "
                f"{path.stat().st_size / 1e6:.1f} MB; database: {connection.vendor}"
            )
            directions = set(Direction.objects.values_list("name", flat=True))
            edition = self.fresh_edition()
            queued = set(DBTaskResult.objects.values_list("id", flat=True))
            try:
                _, memory = self.command("check")
                self.stdout.write(f"Django alone (manage.py check): peak memory {memory:.0f} MB")
                self.run("dry run", path, edition, "--dry-run")
                self.run("first import", path, edition)
                version = self.results_version(edition)
                self.run("second import", path, edition)
                if self.results_version(edition) != version:
                    raise CommandError("The second import changed something.")
            finally:
                if not keep:
                    self.clean_up(edition, directions, queued)

    def command(self, *arguments) -> tuple[str, float]:
        """Run manage.py in a process of its own, as in production; its output and peak memory
        (MB): the process's VmHWM, read by the process itself, as a fork's resource usage would
        also count this process's memory."""
        environment = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "bench-import",
            "TASKS_BACKEND": "database",
            "DEV_TOOLS": "false",
        }
        with tempfile.NamedTemporaryFile("w+") as peak, tempfile.TemporaryFile("w+") as output:
            process = subprocess.run(
                [sys.executable, "-c", PEAK_WRAPPER, peak.name, *arguments],
                stdout=output,
                stderr=subprocess.STDOUT,
                env=environment,
                cwd=settings.BASE_DIR,
                check=False,
            )
            output.seek(0)
            text = output.read()
            kilobytes = peak.read().strip()
        if process.returncode:
            raise CommandError(f"manage.py {' '.join(arguments)} failed:\n{text}")
        return text, int(kilobytes) / 1024

    def run(self, label, path, edition, *options):
        start = time.perf_counter()
        output, memory = self.command(
            "import_tasks", str(path), "--edition", edition.slug, *options
        )
        seconds = time.perf_counter() - start
        self.stdout.write(f"{label}: {seconds:.1f} s, peak memory {memory:.0f} MB")
        for line in output.splitlines():
            self.stdout.write(f"    {line}")
        return output

    @staticmethod
    def results_version(edition):
        return Edition.objects.values_list("results_version", flat=True).get(pk=edition.pk)

    def fresh_edition(self):
        number = (Edition.objects.aggregate(Max("number"))["number__max"] or 0) + 1
        return Edition.objects.create(
            number=number,
            slug=f"bench-{number}",
            name=f"Import benchmark {number}",
            starts_on=timezone.localdate(),
            yuan_per_star=2000,
        )

    def clean_up(self, edition, directions, queued):
        """Delete the edition's records, the people and directions it brought and the rebuild it
        queued, then recount what is left.

        Raw deletes, because the receivers of post_delete would otherwise run once per row.
        """
        using = connection.alias
        with transaction.atomic():
            Score.objects.filter(edition=edition)._raw_delete(using)
            Score.objects.filter(participant__login__istartswith=LOGIN_PREFIX)._raw_delete(using)
            TaskTally.objects.filter(track__edition=edition)._raw_delete(using)
            Contribution.objects.filter(work__task__track__edition=edition)._raw_delete(using)
            Task.mentors.through.objects.filter(task__track__edition=edition)._raw_delete(using)
            Work.objects.filter(task__track__edition=edition)._raw_delete(using)
            Task.objects.filter(track__edition=edition)._raw_delete(using)
            Track.objects.filter(edition=edition)._raw_delete(using)
            Edition.objects.filter(pk=edition.pk)._raw_delete(using)
            Participant.objects.filter(
                login__istartswith=LOGIN_PREFIX,
                contributions__isnull=True,
                mentored_tasks__isnull=True,
            )._raw_delete(using)
            Direction.objects.exclude(name__in=directions).filter(tasks__isnull=True).delete()
            DBTaskResult.objects.exclude(id__in=queued).delete()
            # The boards' counts and levels: as a rebuild leaves them.
            rebuild_all(using)
