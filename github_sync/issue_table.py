"""Reading a tracking issue's Markdown (docs/github.md, "Importing a tracking issue").

The tables are read with markdown-it-py (CommonMark with GitHub's tables and strikethrough), their
columns found by header text. Each row becomes one or more rows of the import file (one per piece
of work), which then go through exactly the CSV import (tasks/importing.py): the same checks, the
same all-or-nothing rule, the same idempotence. Errors name the Markdown's own line numbers.
"""

import csv
import io
import re
from typing import NamedTuple

from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from tasks.importing import (
    ImportRejected,
    RowError,
    RowWarning,
    find_track,
    import_tasks,
    parse_track,
)
from tasks.models import Direction
from tasks.stats import track_figures

# Header text → the import column it fills (or what the cell holds).
HEADERS = {
    "序号": "code",
    "编号": "code",
    "项目编号": "code",
    "任务编号": "code",
    "难度": "stars",
    "任务标题": "title",
    "任务名称": "title",
    "项目标题": "title",
    "项目标题&介绍": "title",
    "队伍名称/状态/pr": "entries",
    "锁定营员": "entries",
    "汇报人": "entries",
    "完成队伍": "finishers",
    "结营成绩": "grade",
    "答辩成绩": "grade",
    "导师": "mentors",
}
COLUMNS = ["track", "batch", "code", "title", "direction", "stars", "issue_url", "mentors",
           "status", "contributors", "pr_urls", "grade"]  # fmt: skip
BADGE = re.compile(r"状态-([^-\"'/]+)-")
LOGIN = re.compile(r"@([A-Za-z0-9][A-Za-z0-9_-]{0,38})")
GRADES_THAT_PASS = {"通过", "及格", "良好", "优秀", "特别优秀"}
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# Characters of Markdown read at most (read when a file is imported): three times what a GitHub
# issue holds (65,536). markdown-it reads about 2 MB a second, and some texts (a run of "![")
# ten times slower, so that this bounds an import's Markdown to a few seconds.
MAX_MARKDOWN_LENGTH = 200_000


class Cell:
    """A table cell: its text, links, badges' status words and whether it is struck through,
    with its entries (parts separated by <br>)."""

    def __init__(self, inline):
        self.entries = [[]]
        self.struck = False
        for child in inline.children or []:
            if child.type == "html_inline" and child.content.lower().startswith("<br"):
                self.entries.append([])
            else:
                self.entries[-1].append(child)
            self.struck = self.struck or child.type == "s_open"

    @staticmethod
    def text_of(children):
        return "".join(child.content for child in children if child.type in ("text", "code_inline"))

    @property
    def text(self):
        return " ".join(self.text_of(entry).strip() for entry in self.entries).strip()

    @staticmethod
    def links_of(children):
        return [child.attrs["href"] for child in children if child.type == "link_open"]

    @property
    def links(self):
        return [link for entry in self.entries for link in self.links_of(entry)]


def entry_of(children):
    """(logins, status word, PR links, locked) of one entry of a status cell."""
    text = Cell.text_of(children)
    html = " ".join(child.content for child in children if child.type == "html_inline")
    badge = BADGE.search(html)
    return (
        LOGIN.findall(text),
        badge.group(1) if badge else "",
        [link for link in Cell.links_of(children) if "/pull/" in link],
        "锁定" in text,
    )


def records(text, track, batch=""):
    """(Markdown line, import row) for each piece of work of the tables, in order."""
    tokens = PARSER.parse(text)
    directions = set(Direction.objects.values_list("name", flat=True))
    heading, rows = "", []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            heading = tokens[index + 1].content.strip()
        if token.type != "table_open":
            index += 1
            continue
        index, header, body = table(tokens, index)
        roles = [HEADERS.get(cell.text.lower().replace(" ", "")) for cell in header]
        if "code" not in roles or "title" not in roles:
            continue  # a board or stats table: not tasks
        for line, cells in body:
            named = {role: cell for role, cell in zip(roles, cells, strict=False) if role}
            rows += task_rows(line, named, track, batch, heading if heading in directions else "")
    return rows


class Announced(NamedTuple):
    """What a tracking issue says of its own figures: its board's 合计 row and its stats line."""

    board_line: int | None = None
    board: tuple[int, int, int] | None = None  # tasks, with a submission, completed
    stats_line: int | None = None
    developers: int | None = None  # people named on the stats line


def announced(text) -> Announced:
    """The figures a tracking issue states: the 合计 row of its board (任务方向 | 任务数量 |
    提交作品 / 任务认领 | 提交率 | 完成 | 完成率) and the people on its 排名不分先后 line."""
    tokens = PARSER.parse(text)
    board_line, board = None, None
    index = 0
    while index < len(tokens):
        if tokens[index].type != "table_open":
            index += 1
            continue
        index, header, body = table(tokens, index)
        names = [cell.text.replace(" ", "") for cell in header]
        if not names or names[0] != "任务方向" or len(names) < 5:
            continue
        # The 合计 row when there is one (the app writes it), else the sum of the directions' rows.
        rows = []
        for line, cells in body:
            numbers = [cell.text.rstrip("%") for cell in cells]
            if len(numbers) >= 5 and all(
                numbers[i].isascii() and numbers[i].isdigit() for i in (1, 2, 4)
            ):
                rows.append(
                    (
                        line,
                        cells[0].text == "合计",
                        (int(numbers[1]), int(numbers[2]), int(numbers[4])),
                    )
                )
        totals = [row for row in rows if row[1]]
        if totals:
            board_line, _total, board = totals[-1]
        elif rows:
            board_line = rows[0][0]
            board = tuple(sum(row[2][i] for row in rows) for i in range(3))
    stats_line, developers = None, None
    for number, line in enumerate(text.splitlines(), start=1):
        if "排名不分先后" in line:
            stats_line, developers = number, len(set(LOGIN.findall(line)))
    return Announced(board_line, board, stats_line, developers)


def compared(figures, said: Announced) -> list[RowWarning]:
    """Warnings where the issue's own board or stats line says other than the import gives."""
    warnings = []
    computed = (figures.tasks_published, figures.tasks_submitted, figures.tasks_completed)
    if said.board is not None and said.board != computed:
        message = _(
            "The issue's board says %(said)s (tasks, with a submission, completed); its tables "
            "give %(computed)s."
        ) % {"said": " / ".join(map(str, said.board)), "computed": " / ".join(map(str, computed))}
        warnings.append(RowWarning(said.board_line, message))
    if said.developers is not None and said.developers != figures.developers_completed:
        message = _(
            "The issue's stats line names %(said)d people; its tables give %(computed)d who "
            "completed work."
        ) % {"said": said.developers, "computed": figures.developers_completed}
        warnings.append(RowWarning(said.stats_line, message))
    return warnings


def table(tokens, index):
    """(index after the table, header cells, [(line, body cells)])."""
    header, body, row, line = [], [], None, 0
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            row, line = [], token.map[0] + 1
        elif token.type == "inline" and row is not None:
            row.append(Cell(token))
        elif token.type == "tr_close":
            if not header:
                header = row
            else:
                body.append((line, row))
            row = None
        index += 1
    return index + 1, header, body


def task_rows(line, named, track, batch, direction):
    def text(role):
        return named[role].text if role in named else ""

    code = text("code")
    if code.isdigit():
        code = f"NO.{code}"
    title_cell = named.get("title")
    base = {
        "track": track,
        "batch": batch,
        "code": code,
        "title": text("title"),
        "direction": direction,
        "stars": text("stars"),
        "issue_url": next(iter(title_cell.links), "") if title_cell else "",
        "mentors": ";".join(LOGIN.findall(text("mentors"))),
        "grade": "",
    }
    withdrawn = any(cell.struck for role, cell in named.items() if role in ("code", "title"))
    if withdrawn:
        return [(line, {**base, "status": "withdrawn"})]
    finishers = {login.lower() for login in LOGIN.findall(text("finishers"))}
    locked = "锁定" in text("finishers")
    grade = text("grade")
    entries = (
        [entry_of(children) for children in named["entries"].entries] if "entries" in named else []
    )
    rows = []
    for (
        logins,
        word,
        links,
        _locked,
    ) in entries:  # a locked entry is claimed, as any without a badge
        if not logins:
            continue
        status = word or "claimed"
        if {login.lower() for login in logins} & finishers and not locked:
            status = "completed"
        row = {**base, "status": status, "contributors": ";".join(logins),
               "pr_urls": " ".join(links)}  # fmt: skip
        if grade in GRADES_THAT_PASS:
            row["status"] = "completed"
            row["grade"] = grade if grade != "通过" else ""
        rows.append((line, row))
    if not rows and finishers:
        status = "claimed" if locked else "completed"
        rows.append((line, {**base, "status": status, "contributors": ";".join(sorted(finishers))}))
    if not rows:
        rows.append((line, {**base, "status": "open"}))
    return rows


def import_issue_table(text, edition, *, track, batch="", dry_run=False, user=None, reason=""):
    """Import a tracking issue's Markdown into ``edition``, as the CSV import does (``user`` and
    ``reason`` go to the history of what it writes)."""
    if len(text) > MAX_MARKDOWN_LENGTH:
        message = _(
            "The Markdown has more than %(limit)s characters (it has %(length)s): a GitHub issue "
            "holds at most 65,536."
        ) % {"limit": f"{MAX_MARKDOWN_LENGTH:,}", "length": f"{len(text):,}"}
        raise ImportRejected([RowError(0, message)])
    rows = records(text, track, batch)
    if not rows:
        message = _("No table of tasks found: a table needs a 序号 and a 任务标题 column.")
        raise ImportRejected([RowError(0, message)])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    lines = {1: 1}
    for number, (line, row) in enumerate(rows, start=2):
        writer.writerow({**dict.fromkeys(COLUMNS, ""), **row})
        lines[number] = line
    try:
        said = announced(text)

        def verify():
            found = find_track(edition, parse_track(track))
            return compared(track_figures(edition)[found.pk], said) if found else []

        return import_tasks(
            out.getvalue().encode(),
            "issue.csv",
            edition,
            dry_run=dry_run,
            verify=verify,
            user=user,
            reason=reason or _("import of the tracking issue of %(track)s") % {"track": track},
        )
    except ImportRejected as rejection:
        errors = [RowError(lines.get(error.line, 0), error.message) for error in rejection.errors]
        raise ImportRejected(errors, count=rejection.count) from None
