"""The import of tasks and results from the organizers' spreadsheet (docs/importing.md).

An import runs in three steps, so that a file with any bad row changes nothing:

1. read: the bytes become records, from a CSV file in UTF-8 (with or without BOM) or GB18030, or
   from the first sheet of an .xlsx workbook;
2. check: each record becomes a ``Row``; the rows of one task merge into a ``TaskPlan`` and the rows
   of one piece of work into one entry of it; every problem of every row is collected, and any
   problem rejects the whole file;
3. write: in one transaction, the edition's tracks, tasks, works, contributions and mentors and the
   named people are loaded with a constant number of queries, compared with the plans, and only
   what is new or changed is written, with ``bulk_create`` and ``bulk_update`` in batches.

An empty cell says nothing: it never clears or overwrites what is recorded. Nothing is deleted.
"""

import csv
import datetime
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from participants.models import Participant, parse_logins, validate_login
from tasks import tally
from tasks.choices import Grade, WorkStatus
from tasks.models import (
    Contribution,
    Direction,
    Task,
    Work,
    code_position,
    normalize_code,
    work_identity,
)
from tracks.choices import PUBLISHED_TRACK_NAMES, TrackKind
from tracks.models import Track

REQUIRED_COLUMNS = ["track", "code", "title", "status"]
OPTIONAL_COLUMNS = [
    "direction",
    "stars",
    "reward",
    "batch",
    "issue_url",
    "mentors",
    "team",
    "contributors",
    "pr_urls",
    "grade",
    "submitted_on",
    "completed_on",
    "notes",
]
# The columns that describe the task, which must agree across its rows. The batch is one too, but
# as part of what identifies a task it cannot disagree.
TASK_COLUMNS = ["title", "direction", "stars", "issue_url", "mentors"]
# The columns that describe a piece of work: ignored on the rows of a task with nobody on it.
WORK_COLUMNS = [
    "team",
    "pr_urls",
    "grade",
    "reward",
    "submitted_on",
    "completed_on",
    "notes",
]

# The statuses of a row beyond a piece of work's: a task with nobody on it, a cancelled task.
OPEN = "open"
WITHDRAWN = "withdrawn"

# The words organizers publish for each status (badges of the tracking issues, results posts).
STATUS_WORDS = {
    OPEN: ["open", "未认领", "待认领"],
    WorkStatus.CLAIMED: ["claimed", "报名", "锁定", "已认领", "认领"],
    WorkStatus.RFC_SUBMITTED: ["rfc_submitted", "提交RFC"],
    WorkStatus.DESIGN_DONE: ["design_done", "完成设计文档"],
    WorkStatus.PR_SUBMITTED: ["pr_submitted", "提交PR"],
    WorkStatus.PARTIALLY_COMPLETED: ["partially_completed", "部分完成"],
    WorkStatus.COMPLETED: ["completed", "完成任务", "完成", "已完成", "通过", "结营"],
    WorkStatus.REJECTED: ["rejected", "未通过"],
    WITHDRAWN: ["withdrawn", "取消", "已取消", "撤回"],
}

GRADE_WORDS = {
    Grade.PASS: ["及格", "pass"],
    Grade.GOOD: ["良好", "good"],
    Grade.EXCELLENT: ["优秀", "excellent"],
    Grade.OUTSTANDING: ["特别优秀", "outstanding"],
}

STANDARD_TRACK_ORDER = {TrackKind.INDIVIDUAL: 0, TrackKind.CAMP: 1, TrackKind.FUNDABLE: 2}

KIND_LABELS = {
    "tracks": gettext_lazy("tracks"),
    "directions": gettext_lazy("directions"),
    "tasks": gettext_lazy("tasks"),
    "people": gettext_lazy("people"),
    "works": gettext_lazy("pieces of work"),
    "contributions": gettext_lazy("contributions"),
    "mentors": gettext_lazy("mentors"),
}

BATCH_SIZE = 1000
# Values per IN clause: below SQLite's limit of 999 parameters.
IN_CHUNK_SIZE = 900
# Above this many people touched, an import rebuilds the edition's scores instead of refreshing
# each person's (participants/scores.py).
REFRESH_PEOPLE_LIMIT = 5000
URL_SEPARATORS = re.compile(r"[;；\s]+")
NUMBER = r"(\d+(?:\.\d+)?)"
STAR = "[⭐★]"
TIMES = "[×xX*]"
STAR_PATTERNS = [
    re.compile(NUMBER),
    re.compile(NUMBER + TIMES + STAR),
    re.compile(STAR + TIMES + NUMBER),
]
validate_url = URLValidator(schemes=["http", "https"])


# Results ------------------------------------------------------------------------------------------


class RowError(NamedTuple):
    """A problem at a line as a spreadsheet numbers it: 1 is the header, 0 the file as a whole."""

    line: int
    message: str

    def __str__(self):
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class RowWarning(RowError):
    """Something the import ignored: it does not stop the import."""

    __slots__ = ()


class ImportRejected(Exception):
    """The file has bad rows (or cannot be read): nothing was changed. ``errors`` are by line."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors, key=lambda error: error.line)
        count = len(self.errors)
        super().__init__(
            ngettext(
                "The file was rejected (%(count)d error); nothing was changed.",
                "The file was rejected (%(count)d errors); nothing was changed.",
                count,
            )
            % {"count": count}
        )


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), per kind of record."""

    dry_run: bool = False
    rows: int = 0
    tracks: Counts = field(default_factory=Counts)
    directions: Counts = field(default_factory=Counts)
    tasks: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)
    works: Counts = field(default_factory=Counts)
    contributions: Counts = field(default_factory=Counts)
    mentors: Counts = field(default_factory=Counts)
    warnings: list[RowWarning] = field(default_factory=list)

    def counts(self) -> dict[str, Counts]:
        return {kind: getattr(self, kind) for kind in KIND_LABELS}

    @property
    def changed(self):
        return any(counts.created or counts.updated for counts in self.counts().values())

    def summary_lines(self) -> list[str]:
        lines = [_("Dry run: nothing was saved.")] if self.dry_run else []
        lines.append(
            ngettext("%(count)d row read.", "%(count)d rows read.", self.rows)
            % {"count": self.rows}
        )
        for kind, counts in self.counts().items():
            lines.append(
                _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {"kind": KIND_LABELS[kind], **vars(counts)}
            )
        lines.extend(_("Warning: %(warning)s") % {"warning": warning} for warning in self.warnings)
        return lines


def import_tasks(data: bytes, filename: str, edition, *, dry_run=False) -> ImportReport:
    """Import a CSV or .xlsx file of tasks and results into ``edition``; all or nothing.

    Raises ``ImportRejected`` with every problem of the file when any row is bad. A dry run does
    the whole import in a transaction that is rolled back, so that its counts are exact.
    """
    records, warnings = read_records(data, filename)
    rows, errors, row_warnings = parse_rows(records)
    plan = FilePlan.from_rows(rows)
    errors += plan.errors
    if errors:
        raise ImportRejected(errors)
    report = ImportReport(
        dry_run=dry_run,
        rows=len(records),
        warnings=sorted(warnings + row_warnings, key=lambda warning: warning.line),
    )
    try:
        with transaction.atomic():
            Writer(edition, plan, report).run()
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        message = _("The database refused the import: %(error)s") % {"error": error}
        raise ImportRejected([RowError(0, message)]) from error
    return report


# Reading --------------------------------------------------------------------------------------


class Record(NamedTuple):
    """A data row of the file: its line and its cells' trimmed text by column name."""

    line: int
    cells: dict[str, str]


def read_records(data: bytes, filename: str) -> tuple[list[Record], list[RowWarning]]:
    """The non-empty data rows of a file, with the warnings about its columns."""
    is_xlsx = filename.lower().endswith(".xlsx")
    table = xlsx_table(data) if is_xlsx else csv_table(decode(data))
    lines = enumerate(table, start=1)
    header = next(lines, (1, []))[1]
    columns, errors, warnings = read_header(header)
    if errors:
        raise ImportRejected(errors)
    records = []
    stray_line = None
    for line, cells in lines:
        if not any(cells):
            continue
        named = list(zip(columns, cells, strict=False))
        records.append(Record(line, {name: text for name, text in named if name}))
        outside = cells[len(columns) :] + [text for name, text in named if name == ""]
        if stray_line is None and any(outside):
            stray_line = line
    if stray_line is not None:
        message = _("Cells under no column name are ignored (the first on line %(line)d).")
        warnings.append(RowWarning(stray_line, message % {"line": stray_line}))
    return records, warnings


def decode(data: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM) or GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # UTF-16 and UTF-32 decode as either with NUL characters between the letters.
        if "\x00" not in text:
            return text
        break
    message = _("The file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8.")
    raise ImportRejected([RowError(0, message)])


def csv_table(text: str) -> Iterator[list[str]]:
    """The records of a comma-separated text, cells trimmed; a quoted cell may span lines."""
    for cells in csv.reader(io.StringIO(text, newline="")):
        yield [cell.strip() for cell in cells]


def xlsx_table(data: bytes) -> Iterator[list[str]]:
    """The rows of the first sheet of an .xlsx workbook, cells as text."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file.
        message = _("The file is not a readable .xlsx workbook.")
        raise ImportRejected([RowError(0, message)]) from error
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield [cell_text(value) for value in values]
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV file would hold: dates in ISO form, 2.0 as 2."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_header(header: list[str]) -> tuple[list[str | None], list[RowError], list[RowWarning]]:
    """The known column at each position of the header."""
    names = [cell.strip().lower() for cell in header]
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    errors = []
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        message = ngettext(
            "Missing required column: %(columns)s.",
            "Missing required columns: %(columns)s.",
            len(missing),
        ) % {"columns": ", ".join(missing)}
        errors.append(RowError(1, message))
    for name in dict.fromkeys(name for name in names if name and names.count(name) > 1):
        errors.append(
            RowError(1, _("Column “%(column)s” appears more than once.") % {"column": name})
        )
    unknown = [name for name in names if name and name not in known]
    warnings = []
    if unknown:
        message = ngettext(
            "Unknown column ignored: %(columns)s.",
            "Unknown columns ignored: %(columns)s.",
            len(unknown),
        ) % {"columns": ", ".join(unknown)}
        warnings.append(RowWarning(1, message))
    # Unknown columns are None, columns without a name "": their cells are ignored.
    return [name if name in known or not name else None for name in names], errors, warnings


# Cells ----------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's text is not what its column takes; the message says why."""


class TrackSpec(NamedTuple):
    """A track as a row names it: a standard kind, or a track of kind ``other`` by its name."""

    kind: str
    name: str = ""

    @property
    def key(self):
        return (self.kind, fold(self.name))


def fold(text: str) -> str:
    """Text as names compare: whitespace trimmed and collapsed, case ignored."""
    return " ".join(text.split()).casefold()


def word_key(text: str) -> str:
    """A status or grade word as it compares: no spaces, underscores, case or emoji around it."""
    text = re.sub(r"[\s_-]+", "", text).lower()
    start, end = 0, len(text)
    while start < end and not is_word_character(text[start]):
        start += 1
    while end > start and not is_word_character(text[end - 1]):
        end -= 1
    return text[start:end]


def is_word_character(character: str) -> bool:
    return unicodedata.category(character)[0] in "LN"


STANDARD_TRACK_WORDS = {
    fold(word): kind
    for kind, names in PUBLISHED_TRACK_NAMES.items()
    for word in [kind.value, *names]
}
STATUSES = {word_key(word): status for status, words in STATUS_WORDS.items() for word in words}
GRADES = {word_key(word): grade for grade, words in GRADE_WORDS.items() for word in words}


def parse_track(text: str) -> TrackSpec:
    kind = STANDARD_TRACK_WORDS.get(fold(text))
    if kind:
        return TrackSpec(kind)
    return TrackSpec(TrackKind.OTHER, " ".join(text.split()))


def parse_status(text: str) -> str:
    """The status a published word stands for: a WorkStatus value, OPEN or WITHDRAWN."""
    try:
        return STATUSES[word_key(text)]
    except KeyError:
        words = ", ".join(word for words in STATUS_WORDS.values() for word in words)
        raise CellError(
            _("“%(value)s” is not a status; accepted: %(words)s.") % {"value": text, "words": words}
        ) from None


def parse_grade(text: str) -> str:
    try:
        return GRADES[word_key(text)]
    except KeyError:
        words = ", ".join(
            word for words in zip(*GRADE_WORDS.values(), strict=True) for word in words
        )
        raise CellError(
            _("“%(value)s” is not a grade; accepted: %(words)s.") % {"value": text, "words": words}
        ) from None


def parse_stars(text: str) -> Decimal:
    """Stars as organizers write them: 2, 0.5, ⭐⭐, ⭐️⭐️, ★★, ⭐⭐½, 12×⭐️, ⭐×12."""
    compact = re.sub(r"[\s\ufe0e\ufe0f]+", "", text)
    stars = None
    for pattern in STAR_PATTERNS:
        match = pattern.fullmatch(compact)
        if match:
            stars = Decimal(match.group(1))
            break
    else:
        if compact and re.fullmatch(STAR + "*½?", compact):
            stars = len(re.findall(STAR, compact)) + (Decimal("0.5") if "½" in compact else 0)
    if stars is None or not 0 < stars <= 100 or (stars * 2) % 1:
        raise CellError(
            _(
                "“%(value)s” is not a number of stars: a positive multiple of 0.5 up to 100, "
                "such as 2, 0.5, ⭐⭐ or 12×⭐."
            )
            % {"value": text}
        )
    return Decimal(stars)


def parse_reward(text: str) -> Decimal:
    """An amount in CNY: 2000, 2,000, ¥2,000, 2000元."""
    cleaned = re.sub(r"[\s,，¥￥]|元|cny|rmb", "", text, flags=re.IGNORECASE)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or not 0 <= amount < 10**8
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise CellError(
            _("“%(value)s” is not an amount in CNY: a number ≥ 0 such as 2000 or ¥2,000.")
            % {"value": text}
        )
    return amount


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        raise CellError(
            _("“%(value)s” is not an ISO date (YYYY-MM-DD).") % {"value": text}
        ) from None


def parse_url(text: str) -> str:
    if not is_url(text):
        raise CellError(_("“%(value)s” is not an http(s) URL.") % {"value": text})
    return text


def parse_urls(text: str) -> list[str]:
    """URLs separated by semicolons or whitespace, each once, in order."""
    urls = [url for url in URL_SEPARATORS.split(text) if url]
    bad = [url for url in urls if not is_url(url)]
    if bad:
        raise CellError(
            ngettext(
                "%(values)s is not an http(s) URL.", "%(values)s are not http(s) URLs.", len(bad)
            )
            % {"values": quoted(bad)}
        )
    return list(dict.fromkeys(urls))


@functools.lru_cache(maxsize=10_000)
def is_url(text: str) -> bool:
    """Whether ``text`` is an http(s) URL; cached, as a file repeats its issues' URLs."""
    try:
        validate_url(text)
    except ValidationError:
        return False
    return True


def valid_logins(text: str) -> list[str]:
    """The GitHub logins of a cell (participants.models.parse_logins), each one validated."""
    logins = parse_logins(text)
    bad = []
    for login in logins:
        try:
            validate_login(login)
        except ValidationError:
            bad.append(login)
    if bad:
        raise CellError(
            ngettext(
                "%(values)s is not a GitHub login.", "%(values)s are not GitHub logins.", len(bad)
            )
            % {"values": quoted(bad)}
        )
    return logins


def quoted(values: Iterable[str]) -> str:
    return ", ".join(f"“{value}”" for value in values)


def max_lengths() -> dict[str, int]:
    """The longest text each column can hold, from the models."""
    lengths = {
        "track": Track._meta.get_field("name").max_length,
        "direction": Direction._meta.get_field("name").max_length,
        "team": Work._meta.get_field("team").max_length,
    }
    for name in ("code", "title", "batch", "issue_url"):
        lengths[name] = Task._meta.get_field(name).max_length
    return lengths


# Rows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkValues:
    """What one row says about its piece of work; empty cells are "" or None."""

    status: str
    team: str
    contributors: tuple[str, ...]
    pr_urls: str
    grade: str
    reward: Decimal | None
    submitted_on: datetime.date | None
    completed_on: datetime.date | None
    notes: str

    @property
    def identity(self):
        return work_identity(self.team, self.contributors)

    def differences(self, other: "WorkValues") -> list[str]:
        """The columns in which two rows about the same piece of work disagree."""
        columns = []
        for name in self.__dataclass_fields__:
            mine, theirs = getattr(self, name), getattr(other, name)
            if name == "contributors":
                mine = {login.lower() for login in mine}
                theirs = {login.lower() for login in theirs}
            if mine != theirs:
                columns.append(name)
        return columns


@dataclass
class Row:
    """A valid data row."""

    line: int
    track: TrackSpec
    batch: str
    code: str
    status: str
    # The task columns given on this row: column → (value, cell text).
    task_values: dict[str, tuple[object, str]]
    mentors: list[str]
    work: WorkValues | None  # None on the rows of a task with nobody on it, or withdrawn


TASK_PARSERS = {
    "title": None,
    "direction": None,
    "stars": parse_stars,
    "issue_url": parse_url,
    "mentors": valid_logins,
}


class RowParser:
    """Turns one record into a Row, collecting every problem of its cells."""

    def __init__(self, record: Record, lengths: dict[str, int]):
        self.line = record.line
        self.cells = record.cells
        self.lengths = lengths
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []

    def text(self, column):
        return self.cells.get(column, "")

    def error(self, message):
        self.errors.append(RowError(self.line, message))

    def cell(self, column, parse=None, *, required=False):
        """The value of a cell; None when it is empty or bad (a bad one is noted as an error)."""
        text = self.text(column)
        if not text:
            if required:
                self.error(_("%(column)s: empty, but required.") % {"column": column})
            return None
        limit = self.lengths.get(column)
        if limit and len(text) > limit:
            self.error(
                _("%(column)s: longer than %(limit)d characters.")
                % {"column": column, "limit": limit}
            )
            return None
        if parse is None:
            return text
        try:
            return parse(text)
        except CellError as problem:
            self.error(_("%(column)s: %(problem)s") % {"column": column, "problem": problem})
            return None

    def row(self) -> Row | None:
        """The row, or None when it has errors."""
        track = self.cell("track", parse_track, required=True)
        code = self.cell("code", required=True)
        status = self.cell("status", parse_status, required=True)
        batch = " ".join((self.cell("batch") or "").split())
        task_values = {}
        for column, parse in TASK_PARSERS.items():
            value = self.cell(column, parse)
            if value is not None:
                task_values[column] = (value, self.text(column))
        work = self.work(status) if status else None
        if self.errors:
            return None
        mentors = task_values.get("mentors", ([], ""))[0]
        return Row(self.line, track, batch, code, status, task_values, mentors, work)

    def work(self, status) -> WorkValues | None:
        """The piece of work of a row: none for a task with nobody on it or withdrawn."""
        contributors = self.cell("contributors", valid_logins)
        if status in (OPEN, WITHDRAWN):
            if self.text("contributors"):
                self.error(
                    _(
                        "A row with status “%(status)s” must not name contributors "
                        "(it names %(logins)s)."
                    )
                    % {"status": self.text("status"), "logins": self.text("contributors")}
                )
            ignored = [column for column in WORK_COLUMNS if self.text(column)]
            if ignored:
                message = _("%(columns)s ignored on a row with status “%(status)s”.")
                self.warnings.append(
                    RowWarning(
                        self.line,
                        message % {"columns": ", ".join(ignored), "status": self.text("status")},
                    )
                )
            return None
        if not self.text("contributors"):
            self.error(
                _("Status “%(status)s” needs contributors.") % {"status": self.text("status")}
            )
        work = WorkValues(
            status=status,
            team=" ".join((self.cell("team") or "").split()),
            contributors=tuple(contributors or ()),
            pr_urls="\n".join(self.cell("pr_urls", parse_urls) or []),
            grade=self.cell("grade", parse_grade) or "",
            reward=self.cell("reward", parse_reward),
            submitted_on=self.cell("submitted_on", parse_date),
            completed_on=self.cell("completed_on", parse_date),
            notes=self.cell("notes") or "",
        )
        if work.submitted_on and work.completed_on and work.completed_on < work.submitted_on:
            self.error(dates_out_of_order(work.submitted_on, work.completed_on))
        if len(work.identity) > Work._meta.get_field("identity").max_length:
            self.error(
                _("Too many contributors for a piece of work without a team: give it a team name.")
            )
        return work


def dates_out_of_order(submitted_on, completed_on):
    return _("completed_on (%(completed)s) is before submitted_on (%(submitted)s).") % {
        "completed": completed_on.isoformat(),
        "submitted": submitted_on.isoformat(),
    }


def parse_rows(records: list[Record]) -> tuple[list[Row], list[RowError], list[RowWarning]]:
    rows, errors, warnings = [], [], []
    lengths = max_lengths()
    for record in records:
        parser = RowParser(record, lengths)
        row = parser.row()
        if row:
            rows.append(row)
        errors += parser.errors
        warnings += parser.warnings
    return rows, errors, warnings


# Plans ------------------------------------------------------------------------------------------


@dataclass
class TaskPlan:
    """Everything the file says about one task, merged from its rows."""

    line: int
    track: TrackSpec
    batch: str
    code: str
    # The first non-empty value of each task column: column → (value, cell text, line).
    values: dict[str, tuple[object, str, int]] = field(default_factory=dict)
    withdrawn: bool = False
    # Its pieces of work: identity → (values, line of the first row naming it).
    works: dict[str, tuple[WorkValues, int]] = field(default_factory=dict)

    def value(self, column):
        return self.values[column][0] if column in self.values else None

    def add(self, row: Row) -> list[RowError]:
        """Merge a row of this task; the problems are the row's disagreements with earlier rows."""
        errors = self.add_task_values(row)
        self.withdrawn = self.withdrawn or row.status == WITHDRAWN
        if row.work:
            errors += self.add_work(row.line, row.work)
        return errors

    def add_task_values(self, row: Row) -> list[RowError]:
        errors = []
        for column, (value, text) in row.task_values.items():
            if column not in self.values:
                self.values[column] = (value, text, row.line)
                continue
            first, first_text, first_line = self.values[column]
            if comparable(column, value) != comparable(column, first):
                message = _(
                    "%(column)s: “%(value)s” disagrees with line %(line)d (“%(first)s”) "
                    "for the same task."
                )
                errors.append(
                    RowError(
                        row.line,
                        message
                        % {
                            "column": column,
                            "value": text,
                            "line": first_line,
                            "first": first_text,
                        },
                    )
                )
        return errors

    def add_work(self, line: int, work: WorkValues) -> list[RowError]:
        if work.identity not in self.works:
            self.works[work.identity] = (work, line)
            return []
        first, first_line = self.works[work.identity]
        differences = first.differences(work)
        if not differences:
            return []
        message = _(
            "The same piece of work as line %(line)d (same team or contributors), "
            "but a different %(columns)s."
        )
        return [RowError(line, message % {"line": first_line, "columns": ", ".join(differences)})]


def comparable(column, value):
    if column == "mentors":
        return {login.lower() for login in value}
    return value


@dataclass
class FilePlan:
    """The tasks of a file and the people and directions it names, in order of appearance."""

    tasks: dict[tuple, TaskPlan]
    logins: dict[str, str]  # lowercase login → its spelling where it first appears
    directions: list[str]
    errors: list[RowError]

    @classmethod
    def from_rows(cls, rows: list[Row]) -> "FilePlan":
        tasks, logins, directions, errors = {}, {}, {}, []
        for row in rows:
            key = (row.track.key, row.batch, normalize_code(row.code))
            if key not in tasks:
                tasks[key] = TaskPlan(row.line, row.track, row.batch, row.code)
            errors += tasks[key].add(row)
            for login in [*row.mentors, *(row.work.contributors if row.work else ())]:
                logins.setdefault(login.lower(), login)
            if "direction" in row.task_values:
                directions.setdefault(row.task_values["direction"][0], None)
        for plan in tasks.values():
            if "title" not in plan.values:
                errors.append(RowError(plan.line, _("title: empty, but required.")))
        return cls(tasks, logins, list(directions), errors)


# Writing --------------------------------------------------------------------------------------

Mentor = Task.mentors.through


def chunks(values: list, size: int = IN_CHUNK_SIZE) -> Iterator[list]:
    """Slices of ``values`` small enough for an IN clause."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def apply(obj: models.Model, wanted: dict) -> list[str]:
    """Set the fields of ``obj`` that differ from ``wanted``; the names of those fields."""
    changed = []
    for name, value in wanted.items():
        if isinstance(value, models.Model):
            differs = value.pk is None or getattr(obj, f"{name}_id") != value.pk
        else:
            differs = getattr(obj, name) != value
        if differs:
            setattr(obj, name, value)
            changed.append(name)
    return changed


class Writer:
    """Compares a file's plan with the edition's records, then writes what is new or changed.

    Loading takes a constant number of queries (a few more for many people, in chunks); writing one
    bulk query per kind and batch. Objects created here reference each other before they have
    primary keys: ``bulk_create`` fills in the foreign keys once the referenced rows are saved.
    """

    def __init__(self, edition, plan: FilePlan, report: ImportReport):
        self.edition = edition
        self.plan = plan
        self.report = report
        self.errors: list[RowError] = []
        # In the order of writing: what each created object references is created before it.
        self.created = {
            model: [] for model in (Direction, Track, Participant, Task, Work, Contribution, Mentor)
        }
        self.updated = {Task: ([], set()), Work: ([], set())}

    def run(self):
        people = self.people()
        directions = self.directions()
        tracks = self.tracks()
        tasks = self.tasks(tracks, directions)
        self.mentors(tasks, people)
        works = self.works(tasks)
        self.contributions(works, people)
        if self.errors:
            raise ImportRejected(self.errors)
        self.save()

    def create(self, obj, kind):
        self.created[type(obj)].append(obj)
        getattr(self.report, kind).created += 1
        return obj

    def update(self, obj, fields, kind):
        if fields:
            objs, all_fields = self.updated[type(obj)]
            objs.append(obj)
            all_fields.update(fields)
            getattr(self.report, kind).updated += 1
        else:
            getattr(self.report, kind).unchanged += 1

    def save(self):
        for model, objs in self.created.items():
            if objs:
                model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        for model, (objs, fields) in self.updated.items():
            if objs:
                model.objects.bulk_update(objs, sorted(fields), batch_size=BATCH_SIZE)
        if self.report.changed:
            # Bulk writes send no post_save: the results change here, once, naming the people
            # whose scores the file touched (everybody in the edition when that is most of it).
            people = self.touched_people()
            everyone = len(people) > REFRESH_PEOPLE_LIMIT
            if not everyone:  # everyone: the background rebuild recounts them
                tally.recount_edition(self.edition.pk)
            type(self.edition).objects.filter(pk=self.edition.pk).results_changed(
                people=() if everyone else people, everyone=everyone
            )

    def touched_people(self) -> set[int]:
        """The people on a piece of work the file created or changed, or on a task whose stars
        or withdrawal it changed."""
        people = {contribution.participant_id for contribution in self.created[Contribution]}
        works = [work.pk for work in self.updated[Work][0]]
        tasks = [task.pk for task in self.updated[Task][0]]
        for chunk in chunks(works):
            people.update(
                Contribution.objects.filter(work__in=chunk).values_list("participant", flat=True)
            )
        for chunk in chunks(tasks):
            people.update(
                Contribution.objects.filter(work__task__in=chunk).values_list(
                    "participant", flat=True
                )
            )
        return people

    def people(self) -> dict[str, Participant]:
        """The people the file names, by lowercase login; new ones with their first spelling."""
        people = {}
        for chunk in chunks(list(self.plan.logins)):
            for person in Participant.objects.by_logins(chunk).only("id", "login"):
                people[person.login.lower()] = person
        self.report.people.unchanged = len(people)
        for lower, login in self.plan.logins.items():
            if lower not in people:
                people[lower] = self.create(Participant(login=login), "people")
        return people

    def directions(self) -> dict[str, Direction]:
        """The directions the file names, by name; created when new."""
        directions = {}
        for chunk in chunks(self.plan.directions):
            directions.update((d.name, d) for d in Direction.objects.filter(name__in=chunk))
        self.report.directions.unchanged = len(directions)
        for name in self.plan.directions:
            if name not in directions:
                directions[name] = self.create(Direction(name=name), "directions")
        return directions

    def tracks(self) -> dict[tuple, Track]:
        """The edition's tracks the file names, by TrackSpec key; created when missing."""
        existing = list(Track.objects.filter(edition=self.edition))
        by_kind = {track.kind: track for track in existing if track.kind != TrackKind.OTHER}
        by_name = {fold(track.name): track for track in existing}
        slugs = {track.slug for track in existing}
        # Other tracks come after the standard ones, in the order the file names them.
        order = max([track.order for track in existing] + [max(STANDARD_TRACK_ORDER.values())])
        specs = {}
        for plan in self.plan.tasks.values():
            specs.setdefault(plan.track.key, plan.track)
        tracks = {}
        for key, spec in specs.items():
            if spec.kind == TrackKind.OTHER:
                track = by_name.get(fold(spec.name))
            else:
                track = by_kind.get(spec.kind)
            if track:
                self.report.tracks.unchanged += 1
            else:
                order += spec.kind == TrackKind.OTHER
                track = self.create(self.new_track(spec, by_name, slugs, order), "tracks")
                by_name[fold(track.name)] = track
                slugs.add(track.slug)
            tracks[key] = track
        return tracks

    def new_track(self, spec: TrackSpec, names, slugs, order) -> Track:
        """A track of the edition for ``spec``, with a name and a slug that are free."""
        if spec.kind == TrackKind.OTHER:
            name = spec.name
            slug = unique(slugify(name, allow_unicode=True)[:100], slugs, "other")
        else:
            # A standard track is named as published and has its kind as slug.
            free = [name for name in PUBLISHED_TRACK_NAMES[spec.kind] if fold(name) not in names]
            name = free[0] if free else str(spec.kind.label)
            slug = unique(spec.kind.value, slugs, spec.kind.value)
            order = STANDARD_TRACK_ORDER[spec.kind]
        return Track(edition=self.edition, kind=spec.kind, name=name, slug=slug, order=order)

    def tasks(self, tracks, directions) -> list[tuple[TaskPlan, Task]]:
        """Each task of the file with its record, matched by track, batch and code.

        The columns the file gives replace the recorded ones; a withdrawn task stays withdrawn.
        """
        fields = ["track", "batch", "code", "title", "direction", "stars", "issue_url", "withdrawn"]
        existing = {
            (task.track_id, " ".join(task.batch.split()), normalize_code(task.code)): task
            for task in Task.objects.filter(track__edition=self.edition).only(*fields)
        }
        tasks = []
        for plan in self.plan.tasks.values():
            track = tracks[plan.track.key]
            wanted = {
                column: plan.value(column)
                for column in ("title", "stars", "issue_url")
                if column in plan.values
            }
            if "direction" in plan.values:
                wanted["direction"] = directions[plan.value("direction")]
            if plan.withdrawn:
                wanted["withdrawn"] = True
            task = existing.get((track.pk, plan.batch, normalize_code(plan.code)))
            if task is None:
                task = Task(
                    track=track,
                    batch=plan.batch,
                    code=plan.code,
                    position=code_position(plan.code),
                    **wanted,
                )
                self.create(task, "tasks")
            else:
                self.update(task, apply(task, wanted), "tasks")
            tasks.append((plan, task))
        return tasks

    def mentors(self, tasks, people):
        """Mentors the file names are added to their tasks; none is removed."""
        existing = set(
            Mentor.objects.filter(task__track__edition=self.edition).values_list(
                "task_id", "participant_id"
            )
        )
        for plan, task in tasks:
            for login in plan.value("mentors") or []:
                person = people[login.lower()]
                if (task.pk, person.pk) in existing:
                    self.report.mentors.unchanged += 1
                else:
                    self.create(Mentor(task=task, participant=person), "mentors")

    def works(self, tasks) -> list[tuple[Work, tuple[str, ...]]]:
        """The pieces of work of the file with their contributors' logins."""
        fields = [field for field in WorkValues.__dataclass_fields__ if field != "contributors"]
        existing = {
            (work.task_id, work.identity): work
            for work in Work.objects.filter(task__track__edition=self.edition).only(
                "task", "identity", *fields
            )
        }
        works = []
        for plan, task in tasks:
            for identity, (values, line) in plan.works.items():
                wanted = {
                    name: getattr(values, name)
                    for name in fields
                    if getattr(values, name) not in ("", None)
                }
                work = existing.get((task.pk, identity))
                if work is None:
                    work = Work(task=task, identity=identity, **wanted)
                    self.create(work, "works")
                else:
                    changed = apply(work, wanted)
                    submitted, completed = work.submitted_on, work.completed_on
                    if submitted and completed and completed < submitted:
                        self.errors.append(RowError(line, dates_out_of_order(submitted, completed)))
                    if changed:
                        # bulk_update does not run auto_now.
                        work.updated_at = timezone.now()
                        changed.append("updated_at")
                    self.update(work, changed, "works")
                works.append((work, values.contributors))
        return works

    def contributions(self, works, people):
        """Contributors the file names are added to their work; none is removed."""
        existing = set(
            Contribution.objects.filter(work__task__track__edition=self.edition).values_list(
                "work_id", "participant_id"
            )
        )
        for work, logins in works:
            for login in logins:
                person = people[login.lower()]
                if (work.pk, person.pk) in existing:
                    self.report.contributions.unchanged += 1
                else:
                    self.create(Contribution(work=work, participant=person), "contributions")


def unique(slug: str, taken: set[str], fallback: str) -> str:
    """``slug`` when it is free, else the first free ``fallback-N``."""
    if slug and slug not in taken:
        return slug
    number = 1
    while f"{fallback}-{number}" in taken:
        number += 1
    return f"{fallback}-{number}"
