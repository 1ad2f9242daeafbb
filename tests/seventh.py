"""An edition shaped like the seed post's 7th, with exactly the figures the post gives.

- individual: 58 published (plus one withdrawn), 34 submitted, 27 completed (47%), by 19 developers;
- camp: 19 projects in two batches (提前批 7, 正式批 12, numbering restarting), 20 campers recruited
  (one project has two), 19 graduated; 7 weekly reports, 2 tech-sharing sessions, 2 defences;
- fundable: 11 published, 8 completed, by developers who also completed individual tasks;
- 88 tasks in all; 37 distinct developers completed work (ind-01 also graduated from the camp).
"""

import datetime
import zoneinfo

from tasks.choices import Grade, WorkStatus
from tests.factories import (
    DirectionFactory,
    EditionFactory,
    MilestoneFactory,
    TaskFactory,
    TrackFactory,
    WorkFactory,
)
from tracks.choices import MilestoneKind, TrackKind

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
CHINESE_NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
DIRECTIONS = ["框架开发", "科学计算", "套件建设", "论文复现", "基础设施建设"]


def build_seventh_edition():
    edition = EditionFactory(
        number=7,
        slug="7th",
        name="飞桨黑客马拉松第七期",
        starts_on=datetime.date(2024, 9, 14),
        ends_on=datetime.date(2025, 1, 14),
        results_published_at=datetime.datetime(2025, 1, 26, 10, 0, tzinfo=BEIJING),
        objections_close_at=datetime.datetime(2025, 1, 31, 0, 0, tzinfo=BEIJING),
        objections_reviewed_by=datetime.date(2025, 2, 7),
        objections_contact="paddle-hack@baidu.com",
        yuan_per_star=2000,
    )
    directions = [DirectionFactory(name=name, order=i) for i, name in enumerate(DIRECTIONS)]
    build_individual(edition, directions)
    build_camp(edition)
    build_fundable(edition)
    return edition


def build_individual(edition, directions):
    track = TrackFactory(edition=edition, kind=TrackKind.INDIVIDUAL, name="开源贡献个人挑战赛")
    tasks = [
        TaskFactory(
            track=track,
            code=f"NO.{n}",
            direction=directions[(n - 1) % len(directions)],
            stars=[1, 2, 0.5, 3][n % 4],
        )
        for n in range(1, 59)
    ]
    # 27 completed: developers 1–19 complete tasks 1–19; developers 1–8 complete tasks 20–27.
    for n in range(1, 28):
        developer = n if n <= 19 else n - 19
        WorkFactory(
            task=tasks[n - 1],
            contributors=[f"ind-{developer:02d}"],
            completed_on=datetime.date(2024, 12, 1) + datetime.timedelta(days=n),
        )
    # Task 1 also had a second, rejected attempt: it counts once.
    WorkFactory(task=tasks[0], status=WorkStatus.REJECTED, contributors=["ind-late"])
    # 7 more submitted, not completed: tasks 28–34.
    submitted = [WorkStatus.PR_SUBMITTED] * 3 + [
        WorkStatus.RFC_SUBMITTED,
        WorkStatus.DESIGN_DONE,
        WorkStatus.PARTIALLY_COMPLETED,
        WorkStatus.REJECTED,
    ]
    for n, status in zip(range(28, 35), submitted, strict=True):
        WorkFactory(task=tasks[n - 1], status=status, contributors=[f"try-{n:02d}"])
    # Claimed only (not a submission): tasks 35–40; tasks 41–58 stay open.
    for n in range(35, 41):
        WorkFactory(task=tasks[n - 1], status=WorkStatus.CLAIMED, contributors=[f"try-{n:02d}"])
    # A withdrawn task with a claim on it leaves every figure.
    cancelled = TaskFactory(track=track, code="NO.59", withdrawn=True)
    WorkFactory(task=cancelled, status=WorkStatus.COMPLETED, contributors=["ghost"])
    return track


def build_camp(edition):
    track = TrackFactory(edition=edition, kind=TrackKind.CAMP, name="护航计划集训营", order=1)
    grades = [Grade.PASS, Grade.GOOD, Grade.EXCELLENT, Grade.OUTSTANDING]
    camper = 0
    for batch, count in [("提前批", 7), ("正式批", 12)]:
        for n in range(count):
            task = TaskFactory(
                track=track, batch=batch, code=f"项目{CHINESE_NUMBERS[n]}", stars=None
            )
            campers = 2 if (batch, n) == ("正式批", 0) else 1
            for _ in range(campers):
                camper += 1
                # The first camper is ind-01, who also completed individual tasks.
                login = "ind-01" if camper == 1 else f"camp-{camper:02d}"
                failed = camper == 20
                WorkFactory(
                    task=task,
                    status=WorkStatus.REJECTED if failed else WorkStatus.COMPLETED,
                    grade="" if failed else grades[camper % 4],
                    contributors=[login],
                )
    for week in range(7):
        MilestoneFactory(
            track=track,
            kind=MilestoneKind.WEEKLY_REPORT,
            held_on=datetime.date(2024, 10, 11) + datetime.timedelta(weeks=week),
        )
    for day in (datetime.date(2024, 11, 8), datetime.date(2024, 12, 13)):
        MilestoneFactory(track=track, kind=MilestoneKind.TECH_SHARING, held_on=day)
    for day in (datetime.date(2024, 12, 20), datetime.date(2025, 1, 10)):
        MilestoneFactory(track=track, kind=MilestoneKind.DEFENCE, held_on=day)
    return track


def build_fundable(edition):
    track = TrackFactory(
        edition=edition, kind=TrackKind.FUNDABLE, name="Fundable Projects", order=2
    )
    for n in range(1, 12):
        task = TaskFactory(track=track, code=f"NO.{n}", stars=5 + n % 9)
        if n <= 8:
            # Teams of developers who also completed individual tasks.
            WorkFactory(
                task=task,
                team=f"team-{n}",
                contributors=[f"ind-{n + 1:02d}", f"ind-{n + 2:02d}"],
            )
        elif n == 9:
            WorkFactory(task=task, status=WorkStatus.PR_SUBMITTED, contributors=["fund-09"])
    return track
