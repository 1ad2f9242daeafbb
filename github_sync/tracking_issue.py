"""A track's tracking issue written from the data, in the organizers' layout (docs/github.md):
the task table, the board per direction (看板信息) and the stats line (统计信息), so that
organizers paste it instead of keeping it by hand.
"""

from django.db.models import Prefetch

from participants.leaderboard import edition_board
from tasks.choices import WorkStatus
from tasks.models import Contribution, Task, Work
from tasks.stats import track_summary, whole_percent

# The tracking issues' status words and badge colours, in the order work moves.
BADGES = {
    WorkStatus.CLAIMED: ("报名", "2ECC71"),
    WorkStatus.RFC_SUBMITTED: ("提交RFC", "F1C40F"),
    WorkStatus.DESIGN_DONE: ("完成设计文档", "3498DB"),
    WorkStatus.PR_SUBMITTED: ("提交PR", "F39C12"),
    WorkStatus.PARTIALLY_COMPLETED: ("部分完成", "FFC0CB"),
    WorkStatus.COMPLETED: ("完成任务", "9B59B6"),
    WorkStatus.REJECTED: ("未通过", "E74C3C"),
    WorkStatus.DISQUALIFIED: ("取消资格", "7F8C8D"),
}


def cell(text):
    """Text safe inside a Markdown table cell: no pipe, no line break."""
    return " ".join(str(text).replace("|", "\\|").split())


def stars(task):
    if task.stars is None:
        return ""
    whole = int(task.stars)
    if task.stars == whole and 0 < whole <= 6:
        text = "⭐️" * whole
    else:
        text = f"{task.stars.normalize():f}⭐️"
    return f"最高{text}" if task.stars_up_to else text


def badge(status):
    word, colour = BADGES[status]
    return f'<img src="https://img.shields.io/badge/状态-{word}-{colour}" />'


def work_entry(work):
    people = " ".join(f"@{c.participant.login}" for c in work.contributions.all())
    who = f"{cell(work.team)} {people}" if work.team else people
    links = " ".join(f"[#{url.rstrip('/').rsplit('/', 1)[-1]}]({url})" for url in work.pr_url_list)
    return " ".join(part for part in (who, badge(work.status), links) if part)


def markdown(track):
    """The tracking issue's Markdown for ``track``."""
    people = Prefetch(
        "contributions",
        queryset=Contribution.objects.select_related("participant").order_by("id"),
    )
    tasks = Task.objects.filter(track=track).prefetch_related(
        Prefetch("works", queryset=Work.objects.order_by("id").prefetch_related(people))
    )
    lines = [
        "| 序号 | 难度 | 任务标题 | 队伍名称/状态/PR | 完成队伍 |",
        "| :---: | :---: | --- | --- | --- |",
    ]
    for task in tasks:
        number = cell(f"{task.batch} {task.code}".strip())
        title = cell(task.title)
        if task.issue_url:
            title = f"[{title}]({task.issue_url})"
        works = list(task.works.all())
        entries = "<br>".join(work_entry(work) for work in works)
        finishers = " ".join(
            f"@{c.participant.login}"
            for work in works
            if work.status == WorkStatus.COMPLETED
            for c in work.contributions.all()
        )
        if task.withdrawn:
            number, title = f"~~{number}~~", f"~~{title}~~"
        lines.append(f"| {number} | {stars(task)} | {title} | {entries} | {finishers} |")
    summary = track_summary(track)
    lines += [
        "",
        "### 看板信息",
        "",
        "| 任务方向 | 任务数量 | 提交作品 / 任务认领 | 提交率 | 完成 | 完成率 |",
        "| --- | :---: | :---: | :---: | :---: | :---: |",
    ]
    for row in [*summary.board, None]:
        name, figures = (
            ("合计", summary.figures) if row is None else (row.name or "其他", row.figures)
        )
        lines.append(
            f"| {cell(name)} | {figures.tasks_published} | {figures.tasks_submitted} | "
            f"{whole_percent(figures.tasks_submitted, figures.tasks_published)}% | "
            f"{figures.tasks_completed} | "
            f"{whole_percent(figures.tasks_completed, figures.tasks_published)}% |"
        )
    standings = sorted(
        edition_board(track.edition, track), key=lambda s: (-s.tasks_completed, s.login.lower())
    )
    lines += [
        "",
        "### 统计信息",
        "",
        "> 排名不分先后 "
        + " ".join(f"@{standing.login} ({standing.tasks_completed})" for standing in standings),
        "",
    ]
    return "\n".join(lines)
