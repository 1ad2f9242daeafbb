"""The import of tasks and results from the organizers' spreadsheet (docs/importing.md).

The file is read row by row, twice, so that memory does not grow with its length (a million rows
import in a few hundred megabytes: ``manage.py bench_import``), and a file with any bad row
changes nothing:

1. read (``Table``): records from a CSV file in UTF-8 (with or without BOM) or GB18030, or from the
   first sheet of an .xlsx workbook;
2. check (``Check``): each record becomes a ``Row``; every problem of every row is collected, and
   any problem rejects the whole file. Rows of one task must agree and rows of one piece of work
   must be the same; the check keeps a small fingerprint per task and per piece of work, and reads
   again only the rows whose fingerprints suggest a conflict, to compare them exactly;
3. write (``Writer``): in one transaction, the people, directions and tracks the file names, then
   the file again in batches of rows: each batch's tasks, mentors, pieces of work and contributors
   are loaded with a few queries, compared, and only what is new or changed is written, with
   ``bulk_create`` and ``bulk_update``.

An empty cell says nothing: it never clears or overwrites what is recorded. Nothing is deleted.
"""

import codecs
import contextlib
import csv
import datetime
import functools
import io
import itertools
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO, NamedTuple, TextIO
from xml.etree import ElementTree

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl.worksheet._reader import CELL_TAG, DATA_TAG, ROW_TAG, WorkSheetParser

from hackathon.history import bulk_history
from participants.models import Participant, parse_logins, validate_login
from tasks import tally
from tasks.choices import Grade, WorkStatus
from tasks.models import (
    Contribution,
    Direction,
    Task,
    Work,
    code_position,
    field_text,
    format_stars,
    normalize_code,
    work_identity,
)
from tracks.choices import PUBLISHED_TRACK_NAMES, TrackKind
from tracks.models import Track

REQUIRED_COLUMNS = ["track", "code", "title", "status"]
OPTIONAL_COLUMNS = [
    "direction",
    "stars",
    "awarded_stars",
    "payer",
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
    "awarded_stars",
    "payer",
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
    WorkStatus.DISQUALIFIED: ["disqualified", "取消资格"],
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

# Values per IN clause: below SQLite's limit of 999 parameters.
IN_CHUNK_SIZE = 900
# Rows written at a time: each batch's queries name at most this many tasks, works or people.
BATCH_SIZE = IN_CHUNK_SIZE
# Errors and warnings shown at most; the rest are counted.
MAX_LISTED = 1000
# How often (in rows) the first pass tells its progress.
PROGRESS_EVERY = 1000
# New names listed in a report, per kind (tracks, directions, batches, people).
MAX_NEW_NAMES = 200
# Bits of the hash of a task column's value that the check keeps to compare the task's rows.
FINGERPRINT_BITS = 40
# Above this many people touched, an import rebuilds the edition's scores instead of refreshing
# each person's (participants/scores.py).
REFRESH_PEOPLE_LIMIT = 5000

# Limits of what an import reads (docs/importing.md, "Limits"), each checked before the work it
# bounds, and read when a file is read (never when this module is imported) so that tests and
# deployments can change them. A file beyond one is refused whole with a message that names it.
# Bytes of a file: four times the benchmark's file of a million rows (240 MB).
MAX_FILE_SIZE = 1_000_000_000
# Data rows: a row at line MAX_ROWS + 2 (the header is line 1) refuses the file. A workbook's rows
# that hold no value are not rows here: they are skipped unread.
MAX_ROWS = 1_000_000
# Columns: a cell that holds text beyond this column, in the header or a data row, refuses the
# file; empty cells beyond it are dropped unread (a sheet whose formatting reaches column XFD).
MAX_COLUMNS = 200
# Characters in a workbook's cell; a CSV file's cells have the csv module's own limit, the same
# number (csv.field_size_limit()).
MAX_CELL_LENGTH = 131_072
# Bytes of an .xlsx workbook once unzipped, all its parts together (an .xlsx file is a zip).
MAX_XLSX_SIZE = 200_000_000
# How many times its packed size a part of a workbook may unzip to (when it unzips to more than
# XLSX_RATIO_FLOOR bytes): real sheets pack 5 to 20 times, a sheet of empty rows hundreds of times.
MAX_XLSX_RATIO = 100
XLSX_RATIO_FLOOR = 1_000_000
# Parts of a workbook (a real one has a few dozen), read from the zip's directory before it is
# opened: each part costs memory before anything is read.
MAX_XLSX_PARTS = 1000
URL_SEPARATORS = re.compile(r"[;；\s]+")
NUMBER = r"(\d+(?:\.\d+)?)"
STAR = "[⭐★🌟]"
TIMES = "[×xX*]"
STAR_PATTERNS = [
    re.compile(NUMBER),
    re.compile(NUMBER + STAR),
    re.compile(NUMBER + TIMES + STAR),
    re.compile(STAR + TIMES + NUMBER),
]
# "Up to" before a number of stars: the task pays what its review awards, not more.
UP_TO = re.compile(r"(?:最高|最多|至多|上限|upto|≤|<=)", re.IGNORECASE)
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

    def __init__(self, errors: Iterable[RowError], count: int | None = None):
        self.errors = sorted(errors, key=lambda error: error.line)
        # The errors found; only the first MAX_LISTED are kept in ``errors``.
        self.count = count = len(self.errors) if count is None else count
        self.unlisted = count - len(self.errors)
        super().__init__(
            ngettext(
                "The file was rejected (%(count)d error); nothing was changed.",
                "The file was rejected (%(count)d errors); nothing was changed.",
                count,
            )
            % {"count": count}
        )

    def lines(self) -> list[str]:
        """The errors as a command prints them, the count of those not listed last."""
        lines = [str(error) for error in self.errors]
        if self.unlisted:
            lines.append(
                ngettext(
                    "… and %(count)d more error.",
                    "… and %(count)d more errors.",
                    self.unlisted,
                )
                % {"count": self.unlisted}
            )
        return lines


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
    unlisted_warnings: int = 0
    # The names the file brings that the edition did not have, so that a typo (个人赛 for
    # 开源贡献个人挑战赛) is seen before it becomes a new track: the first MAX_NEW_NAMES of each.
    new_tracks: list[str] = field(default_factory=list)
    new_directions: list[str] = field(default_factory=list)
    new_batches: list[str] = field(default_factory=list)  # "track name: batch"
    new_people: list[str] = field(default_factory=list)
    # What the import changes in records that exist, row by row ("NO.3 · alice: status: claimed →
    # completed"): the first MAX_LISTED, and how many more.
    changes: list[RowWarning] = field(default_factory=list)
    unlisted_changes: int = 0

    def counts(self) -> dict[str, Counts]:
        return {kind: getattr(self, kind) for kind in KIND_LABELS}

    def as_json(self) -> dict:
        """The report as JSON data (a background import keeps it for its page)."""
        data = asdict(self)
        data["warnings"] = [[warning.line, warning.message] for warning in self.warnings]
        data["changes"] = [[change.line, change.message] for change in self.changes]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "ImportReport":
        values = dict(data)
        for kind in KIND_LABELS:
            values[kind] = Counts(**values[kind])
        values["warnings"] = [RowWarning(line, message) for line, message in values["warnings"]]
        values["changes"] = [RowWarning(line, message) for line, message in values["changes"]]
        return cls(**values)

    @property
    def changed(self):
        return any(counts.created or counts.updated for counts in self.counts().values())

    def summary_lines(self, new_names=True) -> list[str]:
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
        for label, names in [
            (_("New tracks"), self.new_tracks),
            (_("New directions"), self.new_directions),
            (_("New batches"), self.new_batches),
            (_("New people"), self.new_people),
        ]:
            if names and new_names:
                lines.append(
                    _("%(label)s: %(names)s.") % {"label": label, "names": ", ".join(names)}
                )
        lines.extend(_("Warning: %(warning)s") % {"warning": warning} for warning in self.warnings)
        if self.unlisted_warnings:
            lines.append(
                ngettext(
                    "… and %(count)d more warning.",
                    "… and %(count)d more warnings.",
                    self.unlisted_warnings,
                )
                % {"count": self.unlisted_warnings}
            )
        return lines


def import_tasks(
    source: bytes | BinaryIO,
    filename: str,
    edition,
    *,
    dry_run=False,
    progress=None,
    user=None,
    reason="",
    verify=None,
) -> ImportReport:
    """Import a CSV or .xlsx file of tasks and results into ``edition``; all or nothing.

    ``source`` is the file's bytes or a seekable binary file: it is read twice, row by row, so
    that memory does not grow with the file (a first pass checks every row, a second writes).
    Raises ``ImportRejected`` with the problems of the file when any row is bad. A dry run does
    the whole import in a transaction that is rolled back, so that its counts are exact.
    ``progress(phase, done, total)``, when given, is told how far each pass is: ("checking",
    rows read, None), then ("writing", rows written, rows in all). Every record the import
    creates or changes has a history row naming ``user`` (who imported, when known) and
    ``reason`` ("import of results.csv" by default). ``verify()``, when given, runs once the file is
    written (before a dry run's rollback) and returns warnings for the report (a tracking issue
    checks its own board against the figures its tables give).
    """
    progress = progress or (lambda phase, done, total: None)
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    table = Table(source, filename)
    check = Check.run(table, progress)
    if check.errors.count:
        raise ImportRejected(check.errors.listed, count=check.errors.count)
    report = ImportReport(
        dry_run=dry_run,
        rows=check.rows,
        warnings=sorted(table.warnings + check.warnings.listed, key=lambda warning: warning.line),
        unlisted_warnings=check.warnings.count - len(check.warnings.listed),
    )
    try:
        with transaction.atomic():
            writer = Writer(edition, check, report)
            writer.history = {
                "user": user,
                "reason": reason or _("import of %(file)s") % {"file": filename},
            }
            writer.run(table, progress)
            if verify is not None:
                for warning in verify():
                    writer.warn(warning)
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


class Table:
    """The rows of an import file, read from its start each time ``records()`` is called."""

    def __init__(self, file: BinaryIO, filename: str):
        self.file = file
        self.is_xlsx = filename.lower().endswith(".xlsx")
        check_file_size(file, MAX_XLSX_SIZE if self.is_xlsx else MAX_FILE_SIZE)
        if self.is_xlsx:
            check_xlsx_size(file)
        self.encoding = None if self.is_xlsx else detect_encoding(file)
        # The warnings about the file's columns, known once its records have been read.
        self.warnings: list[RowWarning] = []

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of the file's rows: every record of a CSV file, a workbook's rows that
        hold a value. A row beyond the limits of rows or columns refuses the file."""
        self.file.seek(0)
        max_rows, max_columns = MAX_ROWS, MAX_COLUMNS
        if self.is_xlsx:
            rows = xlsx_table(self.file)
        else:
            text = io.TextIOWrapper(self.file, encoding=self.encoding, newline="")
            rows = enumerate(csv_table(text), start=1)
        try:
            for line, cells in rows:
                if line > max_rows + 1:
                    raise ImportRejected([RowError(line, too_many_rows(line))])
                if len(cells) > max_columns:
                    if any(itertools.islice(cells, max_columns, None)):
                        raise ImportRejected([RowError(line, too_many_columns(line))])
                    del cells[max_columns:]
                yield line, cells
        finally:
            if not self.is_xlsx:
                with contextlib.suppress(ValueError):  # the caller closed the file already
                    text.detach()  # else the caller's file stays open

    def records(self) -> Iterator[Record]:
        """The non-empty data rows of the file, one at a time."""
        lines = self.rows()
        line, header = next(lines, (1, []))
        if line != 1:  # a workbook whose first row is empty: no header
            header = []
        columns, errors, warnings = read_header(header)
        if errors:
            raise ImportRejected(errors)
        stray_line = None
        for line, cells in lines:
            if not any(cells):
                continue
            named = list(zip(columns, cells, strict=False))
            yield Record(line, {name: text for name, text in named if name})
            outside = cells[len(columns) :] + [text for name, text in named if name == ""]
            if stray_line is None and any(outside):
                stray_line = line
        if stray_line is not None:
            message = _("Cells under no column name are ignored (the first on line %(line)d).")
            warnings.append(RowWarning(stray_line, message % {"line": stray_line}))
        self.warnings = warnings


def check_file_size(file: BinaryIO, limit: int):
    """Refuse a file of more than ``limit`` bytes, before anything else is read."""
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    if size > limit:
        message = _("The file is larger than %(limit)s bytes (it has %(size)s).") % {
            "limit": f"{limit:,}",
            "size": f"{size:,}",
        }
        raise ImportRejected([RowError(0, message)])


def too_many_rows(line: int) -> str:
    return _("The file has more than %(limit)s rows (line %(line)s): split it.") % {
        "limit": f"{MAX_ROWS:,}",
        "line": f"{line:,}",
    }


def too_many_columns(line: int) -> str:
    return _(
        "Line %(line)s has text beyond column %(limit)s: an import file has at most "
        "%(limit)s columns."
    ) % {"line": f"{line:,}", "limit": f"{MAX_COLUMNS:,}"}


# Encodings -----------------------------------------------------------------------------------

# The first bytes of a CSV file that its encoding is guessed from, when it is not UTF-8, and the
# characters outside ASCII of them that are counted.
ENCODING_SAMPLE_SIZE = 1 << 20
ENCODING_SAMPLE_CHARACTERS = 20_000
# Fewer characters outside ASCII than this say nothing: the file is taken as GB18030.
ENCODING_EVIDENCE = 20
NON_ASCII = re.compile(r"[^\x00-\x7f]")


def code_in(encoding: str, ranges: tuple[tuple[int, int], ...]):
    """A test of a character: is its code in ``encoding`` (two bytes) within one of ``ranges``?"""

    def test(character: str) -> bool:
        try:
            code = int.from_bytes(character.encode(encoding), "big")
        except UnicodeEncodeError:
            return False
        return any(low <= code <= high for low, high in ranges)

    return test


def common_japanese(character: str) -> bool:
    return "\u3040" <= character <= "\u30ff" or common_jis(character)


def common_korean(character: str) -> bool:
    return "\uac00" <= character <= "\ud7a3" or korean_symbol(character)


# GB2312's punctuation and its 6,763 hanzi: nearly every character of Simplified Chinese text.
common_gb = code_in("gb2312", ((0xA1A1, 0xA3FE), (0xB0A1, 0xF7FE)))
# Big5's punctuation and its 5,401 frequent hanzi (level 1).
common_big5 = code_in("big5", ((0xA140, 0xA3FE), (0xA440, 0xC67E)))
# Shift-JIS's punctuation and kana, and the 2,965 kanji of JIS level 1.
common_jis = code_in("cp932", ((0x8140, 0x84BE), (0x889F, 0x9872)))
korean_symbol = code_in("euc_kr", ((0xA1A1, 0xACFE),))

# The encodings a file that is not UTF-8 is compared with: codec, name, test of a character that
# text in that encoding commonly holds.
OTHER_ENCODINGS = [
    ("big5", gettext_lazy("Big5 (Traditional Chinese)"), common_big5),
    ("cp932", gettext_lazy("Shift-JIS (Japanese)"), common_japanese),
    ("euc_kr", gettext_lazy("EUC-KR (Korean)"), common_korean),
]


def detect_encoding(file: BinaryIO) -> str:
    """The encoding of a CSV file: UTF-8 (with or without BOM) or else GB18030, read in chunks.

    Text in Big5, Shift-JIS or EUC-KR decodes as GB18030 too, into characters that nobody writes
    (方向 in Big5 reads 源砃): such a file is refused, naming its likely encoding
    (``likely_encoding``)."""
    file.seek(0)
    sample = file.read(ENCODING_SAMPLE_SIZE)
    for encoding in ("utf-8-sig", "gb18030"):
        file.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            nul = False
            while chunk := file.read(1 << 20):
                nul = nul or "\x00" in decoder.decode(chunk)
            nul = nul or "\x00" in decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        # UTF-16 and UTF-32 decode as either with NUL characters between the letters.
        if nul:
            break
        if encoding == "gb18030" and (likely := likely_encoding(sample)):
            message = _("This looks like %(encoding)s text: save it as CSV UTF-8.")
            raise ImportRejected([RowError(0, message % {"encoding": likely})])
        return encoding
    else:
        if likely := likely_encoding(sample):
            message = _("This looks like %(encoding)s text: save it as CSV UTF-8.")
            raise ImportRejected([RowError(0, message % {"encoding": likely})])
    message = _("The file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8.")
    raise ImportRejected([RowError(0, message)])


def likely_encoding(sample: bytes) -> str | None:
    """The name of the encoding that ``sample`` (a file's first bytes, not UTF-8) is most
    likely in when that is Big5, Shift-JIS or EUC-KR rather than GB18030; else None.

    Each encoding decodes the sample, and scores the share of its characters outside ASCII that
    text in it commonly holds: Simplified Chinese is nearly all in GB2312, so a file of rare
    characters as GB18030 that reads as frequent Big5 hanzi or as kana is not GB18030. Hangul
    decodes into GB2312's hanzi: a sample that reads as hangul is taken as Korean however it
    reads as GB18030 (Chinese text is never valid EUC-KR hangul for long)."""
    scores = {}
    for codec, name, common in [("gb18030", "GB18030", common_gb), *OTHER_ENCODINGS]:
        try:
            text = codecs.getincrementaldecoder(codec)().decode(sample)  # may end mid-character
        except UnicodeDecodeError:
            continue
        characters = [
            match.group()
            for match in itertools.islice(NON_ASCII.finditer(text), ENCODING_SAMPLE_CHARACTERS)
        ]
        if len(characters) < ENCODING_EVIDENCE:
            return None
        scores[codec] = (sum(map(common, characters)) / len(characters), name)
    chinese = scores.get("gb18030", (0, None))[0]
    likely = [
        (score, str(name))
        for codec, (score, name) in scores.items()
        if codec != "gb18030" and score >= 0.8 and (score > chinese or codec == "euc_kr")
    ]
    return max(likely)[1] if likely else None


def csv_table(text: TextIO) -> Iterator[list[str]]:
    """The records of a comma-separated text, cells trimmed; a quoted cell may span lines."""
    reader = csv.reader(text)
    try:
        for cells in reader:
            yield [cell.strip() for cell in cells]
    except csv.Error as error:
        message = _("The file cannot be read as CSV here: %(error)s.") % {"error": error}
        raise ImportRejected([RowError(reader.line_num, message)]) from error


def check_xlsx_size(file: BinaryIO):
    """Refuse a workbook that unzips to more than the limits, from its zip directory, before
    anything is unzipped: the sizes it states are the most that reading can get (zipfile stops
    there, and a part that is longer fails its checksum)."""
    max_parts, max_size, max_ratio = MAX_XLSX_PARTS, MAX_XLSX_SIZE, MAX_XLSX_RATIO
    file.seek(0)
    try:
        end = zipfile._EndRecData(file)  # the directory's size, before zipfile reads it
        if end and (
            end[zipfile._ECD_ENTRIES_TOTAL] > max_parts or end[zipfile._ECD_SIZE] > max_parts * 1024
        ):
            message = _("The workbook has more than %(limit)s parts: it is not a spreadsheet.")
            raise ImportRejected([RowError(0, message % {"limit": f"{max_parts:,}"})])
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        message = _("The file is not a readable .xlsx workbook.")
        raise ImportRejected([RowError(0, message)]) from error
    finally:
        file.seek(0)
    if len(parts) > max_parts:
        message = _("The workbook has more than %(limit)s parts: it is not a spreadsheet.")
        raise ImportRejected([RowError(0, message % {"limit": f"{max_parts:,}"})])
    size = sum(part.file_size for part in parts)
    if size > max_size:
        message = _(
            "The workbook unzips to %(size)s bytes, more than the %(limit)s an import reads: "
            "save it as CSV UTF-8."
        ) % {"size": f"{size:,}", "limit": f"{max_size:,}"}
        raise ImportRejected([RowError(0, message)])
    for part in parts:
        if part.file_size > max(XLSX_RATIO_FLOOR, max_ratio * part.compress_size):
            message = _(
                "The workbook's part %(part)s unzips to %(ratio)s times its packed size, more "
                "than %(limit)s times: the sheet holds mostly empty rows or cells. Delete them, "
                "or save the sheet as CSV UTF-8."
            ) % {
                "part": part.filename,
                "ratio": f"{part.file_size // max(part.compress_size, 1):,}",
                "limit": f"{max_ratio:,}",
            }
            raise ImportRejected([RowError(0, message)])


def xlsx_table(file: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """(line, cells as text) of the rows of the first sheet of an .xlsx workbook that hold a
    value, each row numbered as the sheet numbers it.

    The sheet's XML is read an element at a time, and only the cells it holds are made: rows
    missing between two rows (a cell at row 1,048,576) or a dimension that claims the whole sheet
    (A1:XFD1048576) make nothing, as openpyxl's own reader would (it fills the gaps with empty
    rows and pads each row to the dimension's width). A cell beyond the limits refuses the file
    as soon as it is read."""
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file.
        message = _("The file is not a readable .xlsx workbook.")
        raise ImportRejected([RowError(0, message)]) from error
    try:
        yield from sheet_rows(sheet)
    finally:
        workbook.close()


def sheet_rows(sheet) -> Iterator[tuple[int, list[str]]]:
    """The rows of a read-only worksheet that hold a value (see ``xlsx_table``).

    openpyxl's WorkSheetParser reads each cell (shared strings, numbers, dates by their format);
    the loop here walks the XML, keeps one row at a time, and drops each element once read."""
    max_columns, max_length = MAX_COLUMNS, MAX_CELL_LENGTH
    workbook = sheet.parent
    line = number = 0  # the last row read, the row being read (0: none)
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        data = row = None
        cells: dict[int, str] = {}
        try:
            for event, element in ElementTree.iterparse(source, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == ROW_TAG and data is not None:
                        number = row_number(element.get("r"), line)
                        row, cells = element, {}
                        parser.row_counter, parser.col_counter = number, 0
                    elif tag == DATA_TAG:
                        data = element
                elif tag == CELL_TAG and row is not None:
                    if len(element):  # a value, a formula, an inline string
                        cell = parser.parse_cell(element)
                        text = cell_text(cell["value"])
                        if text:
                            if cell["column"] > max_columns:
                                raise ImportRejected([RowError(number, too_many_columns(number))])
                            if len(text) > max_length:
                                raise ImportRejected([RowError(number, cell_too_long(number))])
                            cells[cell["column"]] = text
                    elif coordinate := element.get("r"):
                        parser.col_counter = column_index(coordinate)
                    else:
                        parser.col_counter += 1
                    row.remove(element)  # the row's only child: the cells before it are gone
                elif tag == ROW_TAG and row is element:
                    data.remove(element)
                    line, row = number, None
                    if cells:
                        yield number, [cells.get(column, "") for column in range(1, max(cells) + 1)]
                elif tag == DATA_TAG:
                    return
        except ImportRejected:
            raise
        except Exception as error:  # a damaged sheet inside a readable workbook
            message = _("The first sheet cannot be read after line %(line)d.") % {"line": line}
            raise ImportRejected([RowError(line + 1, message)]) from error


def row_number(attribute: str | None, previous: int) -> int:
    """A row's number from its ``r`` attribute (the next one without it); rows must go down."""
    if attribute is None:
        return previous + 1
    number = int(attribute) if attribute.isdigit() else int(float(attribute))
    if float(attribute) != number or number <= previous:
        raise ValueError(f"row {attribute} after row {previous}")
    return number


def column_index(coordinate: str) -> int:
    """The column of a cell's reference: A1 → 1, XFD7 → 16384."""
    letters = coordinate.rstrip("0123456789$").lstrip("$")
    index = 0
    for letter in letters.upper():
        if not "A" <= letter <= "Z":
            raise ValueError(f"cell reference {coordinate}")
        index = index * 26 + ord(letter) - 64
    return index


def cell_too_long(line: int) -> str:
    return _("Line %(line)s has a cell longer than %(limit)s characters.") % {
        "line": f"{line:,}",
        "limit": f"{MAX_CELL_LENGTH:,}",
    }


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
    counts = Counter(name for name in names if name)  # one pass: a header may be long
    for name in (name for name, count in counts.items() if count > 1):
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


def find_track(edition, spec: TrackSpec):
    """The edition's track for ``spec`` as the import finds it (by kind for the standard ones,
    by name ignoring case and spaces for the others), or None."""
    tracks = edition.tracks.all()
    if spec.kind != TrackKind.OTHER:
        return tracks.filter(kind=spec.kind).first()
    return next((track for track in tracks if fold(track.name) == fold(spec.name)), None)


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


class Stars(NamedTuple):
    """A task's stars as its cell gives them: how many, and whether that is an upper bound."""

    stars: Decimal
    up_to: bool = False


def parse_stars(text: str) -> Stars:
    """A task's stars: 2, 0.5, 0.025, ⭐⭐, ⭐️⭐️, 🌟🌟, ⭐⭐½, 0.25⭐, 12×⭐️, ⭐×12; "up to" written
    最高0.2⭐ or up to 0.2."""
    compact = re.sub(r"[\s\ufe0e\ufe0f]+", "", text)
    bound = UP_TO.match(compact)
    stars = star_count(compact[bound.end() :] if bound else compact)
    if stars is None or stars == 0:
        raise CellError(
            _(
                "“%(value)s” is not a number of stars: a positive number up to 100 with at most "
                "three decimals, such as 2, 0.5, 0.025, ⭐⭐, 12×⭐ or 最高0.2⭐ (up to)."
            )
            % {"value": text}
        )
    return Stars(stars, up_to=bool(bound))


def parse_awarded_stars(text: str) -> Decimal:
    """The stars a piece of work earned: 0 to 100, written like a task's (never "up to")."""
    stars = star_count(re.sub(r"[\s\ufe0e\ufe0f]+", "", text))
    if stars is None:
        raise CellError(
            _(
                "“%(value)s” is not a number of stars: a number from 0 to 100 with at most "
                "three decimals, such as 0.15, 2 or ⭐⭐."
            )
            % {"value": text}
        )
    return stars


def star_count(compact: str) -> Decimal | None:
    """The stars a compact cell writes, from 0 to 100 with at most three decimals, or None."""
    stars = None
    for pattern in STAR_PATTERNS:
        match = pattern.fullmatch(compact)
        if match:
            stars = Decimal(match.group(1))
            break
    else:
        if compact and re.fullmatch(STAR + "*½?", compact):
            stars = len(re.findall(STAR, compact)) + (Decimal("0.5") if "½" in compact else 0)
    if stars is None or not 0 <= stars <= 100 or (stars * 1000) % 1:
        return None
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
        "payer": Work._meta.get_field("payer").max_length,
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
    awarded_stars: Decimal | None
    payer: str
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

    @property
    def task_key(self) -> str:
        """What identifies the row's task in the file: track, batch and code as codes compare."""
        kind, name = self.track.key
        return f"{kind}\x1f{name}\x1f{self.batch}\x1f{normalize_code(self.code)}"


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
        stars = task_values.get("stars", (None,))[0]
        if stars and stars.up_to and work and (work.awarded_stars or 0) > stars.stars:
            self.error(above_bound(work.awarded_stars, stars.stars))
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
            awarded_stars=self.cell("awarded_stars", parse_awarded_stars),
            payer=" ".join((self.cell("payer") or "").split()),
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


def above_bound(awarded, bound):
    return _(
        "awarded_stars: %(awarded)s is above the task's upper bound of %(bound)s stars "
        "(an exception needs a reason: enter it in the admin)."
    ) % {"awarded": format_stars(awarded), "bound": format_stars(bound)}


def field_label(obj, name):
    return str(obj._meta.get_field(name).verbose_name)


def still_disqualified(status):
    return _(
        "This piece of work was disqualified (its history says why): it stays disqualified, "
        "the file's status “%(status)s” is not applied."
    ) % {"status": WorkStatus(status).label}


def dates_out_of_order(submitted_on, completed_on):
    return _("completed_on (%(completed)s) is before submitted_on (%(submitted)s).") % {
        "completed": completed_on.isoformat(),
        "submitted": submitted_on.isoformat(),
    }


# Checking -------------------------------------------------------------------------------------


class Problems:
    """Errors or warnings: the first MAX_LISTED are kept to be shown, the rest only counted."""

    def __init__(self):
        self.listed: list = []
        self.count = 0

    def add(self, problem):
        self.count += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(problem)

    def extend(self, problems):
        for problem in problems:
            self.add(problem)


def comparable(column, value):
    if column == "mentors":
        return frozenset(login.lower() for login in value)
    return value


class TaskMarks:
    """What the check keeps of a task, packed in one int so that a million tasks fit in memory.

    From the lowest bit: whether a row withdrew the task; then per task column one bit saying
    whether a row gave it and a fingerprint (FINGERPRINT_BITS of a hash) of its value; then the
    line of the task's first row. Two rows of a task whose fingerprints differ disagree; the
    few tasks found so are checked again value by value (``Check.confirm``).
    """

    COLUMNS = tuple(TASK_PARSERS)
    WIDTH = 1 + FINGERPRINT_BITS
    LINE_SHIFT = 1 + len(COLUMNS) * WIDTH
    MASK = (1 << FINGERPRINT_BITS) - 1

    @classmethod
    def new(cls, line: int) -> int:
        return line << cls.LINE_SHIFT

    @classmethod
    def line(cls, marks: int) -> int:
        return marks >> cls.LINE_SHIFT

    @classmethod
    def has(cls, marks: int, column: str) -> bool:
        return bool(marks >> (1 + cls.COLUMNS.index(column) * cls.WIDTH) & 1)

    @classmethod
    def merge(cls, marks: int, row: "Row") -> tuple[int, bool]:
        """The marks with ``row`` merged in, and whether the row disagrees with earlier ones."""
        if row.status == WITHDRAWN:
            marks |= 1
        disagrees = False
        for index, column in enumerate(cls.COLUMNS):
            if column not in row.task_values:
                continue
            shift = 1 + index * cls.WIDTH
            fingerprint = hash(comparable(column, row.task_values[column][0])) & cls.MASK
            if not marks >> shift & 1:
                marks |= (1 | fingerprint << 1) << shift
            elif (marks >> (shift + 1)) & cls.MASK != fingerprint:
                disagrees = True
        return marks, disagrees


class Check:
    """The first pass: every row parsed and checked; what the file names, kept small.

    It keeps the tracks, directions and people the file names, a ``TaskMarks`` int per task and
    a hash per piece of work. Rows that may repeat a piece of work (same hash) or disagree with
    an earlier row of their task are read again, only when there are any, and compared exactly.
    """

    def __init__(self):
        self.rows = 0
        self.errors = Problems()
        self.warnings = Problems()
        self.tracks: dict[tuple, TrackSpec] = {}  # in order of appearance
        self.directions: dict[str, None] = {}
        self.logins: dict[str, str] = {}  # lowercase login → its spelling where it first appears
        self.tasks: dict[str, int] = {}  # Row.task_key → TaskMarks
        self.work_hashes: set[int] = set()
        self.suspect_tasks: set[str] = set()
        self.suspect_works: set[int] = set()
        # Rows that repeat an earlier row's piece of work exactly: the writer skips them.
        self.repeated_lines: set[int] = set()

    @classmethod
    def run(cls, table: Table, progress=None) -> "Check":
        check = cls()
        for row in check.parsed(table):
            check.add(row)
            if progress and check.rows % PROGRESS_EVERY == 0:
                progress("checking", check.rows, None)
        if check.suspect_tasks or check.suspect_works:
            check.confirm(table)
        for marks in check.tasks.values():
            if not TaskMarks.has(marks, "title"):
                check.errors.add(RowError(TaskMarks.line(marks), _("title: empty, but required.")))
        return check

    def parsed(self, table: Table) -> Iterator["Row"]:
        """The valid rows of the file; the problems of the others are noted."""
        lengths = max_lengths()
        self.rows = 0
        for record in table.records():
            self.rows += 1
            parser = RowParser(record, lengths)
            row = parser.row()
            self.errors.extend(parser.errors)
            self.warnings.extend(parser.warnings)
            if row:
                yield row

    def add(self, row: "Row"):
        self.tracks.setdefault(row.track.key, row.track)
        if "direction" in row.task_values:
            self.directions.setdefault(row.task_values["direction"][0], None)
        for login in [*row.mentors, *(row.work.contributors if row.work else ())]:
            self.logins.setdefault(login.lower(), login)
        key = row.task_key
        marks, disagrees = TaskMarks.merge(self.tasks.get(key, TaskMarks.new(row.line)), row)
        self.tasks[key] = marks
        if disagrees:
            self.suspect_tasks.add(key)
        if row.work:
            work_hash = hash((key, row.work.identity))
            if work_hash in self.work_hashes:
                self.suspect_works.add(work_hash)
            self.work_hashes.add(work_hash)

    def confirm(self, table: Table):
        """Compare the suspect rows exactly: the first value of each task column and the first row
        of each piece of work against the later ones."""
        first_values: dict[str, dict[str, tuple[object, str, int]]] = {}
        first_works: dict[tuple[str, str], tuple[WorkValues, int]] = {}
        for row in Check().parsed(table):
            key = row.task_key
            if key in self.suspect_tasks:
                values = first_values.setdefault(key, {})
                for column, (value, text) in row.task_values.items():
                    if column not in values:
                        values[column] = (value, text, row.line)
                        continue
                    first, first_text, first_line = values[column]
                    if comparable(column, value) != comparable(column, first):
                        self.errors.add(
                            RowError(
                                row.line,
                                _(
                                    "%(column)s: “%(value)s” disagrees with line %(line)d "
                                    "(“%(first)s”) for the same task."
                                )
                                % {
                                    "column": column,
                                    "value": text,
                                    "line": first_line,
                                    "first": first_text,
                                },
                            )
                        )
            if row.work and hash((key, row.work.identity)) in self.suspect_works:
                work_key = (key, row.work.identity)
                if work_key not in first_works:
                    first_works[work_key] = (row.work, row.line)
                    continue
                first, first_line = first_works[work_key]
                differences = first.differences(row.work)
                if not differences:
                    self.repeated_lines.add(row.line)
                    continue
                message = _(
                    "The same piece of work as line %(line)d (same team or contributors), "
                    "but a different %(columns)s."
                )
                self.errors.add(
                    RowError(
                        row.line,
                        message % {"line": first_line, "columns": ", ".join(differences)},
                    )
                )


# Writing --------------------------------------------------------------------------------------

Mentor = Task.mentors.through


def chunks(values: list, size: int = IN_CHUNK_SIZE) -> Iterator[list]:
    """Slices of ``values`` small enough for an IN clause."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# Flags kept with a task's id in the writer's map.
TASK_SEEN, TASK_CREATED, TASK_MENTORED = 1, 2, 4


def listed(names: list[str], name: str):
    if len(names) < MAX_NEW_NAMES:
        names.append(name)


def task_key(track_id: int, batch: str, code: str) -> str:
    """What identifies a task in the writer's map: its track, batch and code as they compare."""
    return f"{track_id}\x1f{' '.join(batch.split())}\x1f{normalize_code(code)}"


def batched(values: Iterable, size: int) -> Iterator[tuple]:
    """Tuples of ``size`` values (the last one shorter); itertools.batched from Python 3.12."""
    iterator = iter(values)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


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
    """The second pass: the file read again in batches of rows, each batch compared with the
    edition's records and written, so that memory holds one batch and a few maps of ids.

    People, directions and tracks are written first (the check named them all). Then, per batch,
    its tasks and their mentors, then its pieces of work and their contributors: a query or two per
    kind to load what exists, ``bulk_create`` and ``bulk_update`` for what is new or changed. A task
    named again in a later batch is compared again: the check made sure its rows agree.
    """

    WORK_FIELDS = [field for field in WorkValues.__dataclass_fields__ if field != "contributors"]

    def __init__(self, edition, check: Check, report: ImportReport):
        self.edition = edition
        self.check = check
        self.report = report
        self.errors = Problems()
        self.people: dict[str, int] = {}  # lowercase login → id
        self.directions: dict[str, Direction] = {}
        self.tracks: dict[tuple, Track] = {}
        # The edition's tasks: "track id, batch, code as compared" → id << 3 | TASK_* flags.
        self.tasks: dict[str, int] = {}
        self.tasks_updated: set[int] = set()  # existing tasks the file changed
        self.bounds: dict[int, Decimal] = {}  # the batch's "up to" tasks: id → their bound
        self.batches: set[tuple[int, str]] = set()  # (track id, batch) of the edition's tasks
        self.touched: set[int] = set()  # people whose scores the import changes
        self.everyone = False
        # Who imports and why, for the history rows of what the import writes.
        self.history = {"user": None, "reason": ""}

    def run(self, table: Table, progress=lambda phase, done, total: None):
        # Imports of one edition run one at a time: a second one waits here until the first
        # commits, then reads what the first wrote (every read below comes after the lock).
        list(
            type(self.edition)
            .objects.select_for_update()
            .filter(pk=self.edition.pk)
            .values_list("pk", flat=True)
        )
        # The check's fingerprints are not needed any more: make room for the ids.
        self.check.tasks.clear()
        self.check.work_hashes.clear()
        self.write_people()
        self.write_directions()
        self.write_tracks()
        self.load_tasks()
        written = 0
        for rows in batched(Check().parsed(table), BATCH_SIZE):
            self.write_tasks(rows)
            self.write_works(rows)
            written += len(rows)
            progress("writing", written, self.check.rows)
        if self.errors.count:
            raise ImportRejected(self.errors.listed, count=self.errors.count)
        counts = self.report.tasks
        counts.created = sum(1 for value in self.tasks.values() if value & TASK_CREATED)
        counts.updated = len(self.tasks_updated)
        seen = sum(1 for value in self.tasks.values() if value & TASK_SEEN)
        counts.unchanged = seen - counts.created - counts.updated
        if self.report.changed:
            self.results_changed()

    def results_changed(self):
        """Bulk writes send no post_save: the results change here, once, naming the people whose
        scores the file touched (everybody in the edition when that is most of it)."""
        for chunk in chunks(self.tasks_updated):
            self.touch(
                Contribution.objects.filter(work__task__in=chunk).values_list(
                    "participant", flat=True
                )
            )
        if not self.everyone:  # everyone: the background rebuild recounts them
            tally.recount_edition(self.edition.pk)
        type(self.edition).objects.filter(pk=self.edition.pk).results_changed(
            people=() if self.everyone else self.touched, everyone=self.everyone
        )

    def touch(self, people: Iterable[int]):
        if not self.everyone:
            self.touched.update(people)
            if len(self.touched) > REFRESH_PEOPLE_LIMIT:
                self.everyone = True
                self.touched.clear()

    # What the check named ---------------------------------------------------------------------

    def write_people(self):
        """The people the file names, by lowercase login; new ones with their first spelling.

        The check's map of logins becomes the map of ids, in place."""
        self.people = logins = self.check.logins
        unchanged = 0
        for chunk in chunks(logins):
            for pk, login in Participant.objects.by_logins(chunk).values_list("id", "login"):
                logins[login.lower()] = pk
                unchanged += 1
        self.report.people.unchanged = unchanged
        new = (Participant(login=login) for login in logins.values() if isinstance(login, str))
        for batch in batched(new, BATCH_SIZE):
            # Another writer (an import into another edition, the webhook) may be creating the
            # same person right now: ON CONFLICT DO NOTHING waits for it, then the ids are read.
            Participant.objects.bulk_create(batch, ignore_conflicts=True)
            spelled = [person.login for person in batch]
            found = dict(Participant.objects.by_logins(spelled).values_list(Lower("login"), "id"))
            for login in spelled:  # in the file's order
                logins[login.lower()] = found[login.lower()]
                self.report.people.created += 1
                listed(self.report.new_people, login)
            for person in batch:
                person.pk = found[person.login.lower()]
            bulk_history(Participant, batch, **self.history)

    def write_directions(self):
        """The directions the file names, by name; created when new."""
        names = list(self.check.directions)
        for chunk in chunks(names):
            self.directions.update((d.name, d) for d in Direction.objects.filter(name__in=chunk))
        self.report.directions.unchanged = len(self.directions)
        new = [Direction(name=name) for name in names if name not in self.directions]
        # As with people: another import may be creating the same direction right now.
        Direction.objects.bulk_create(new, ignore_conflicts=True)
        for chunk in chunks([direction.name for direction in new]):
            found = {d.name: d for d in Direction.objects.filter(name__in=chunk)}
            for name in chunk:  # in the file's order
                self.directions[name] = found[name]
                listed(self.report.new_directions, name)
        self.report.directions.created = len(new)

    def write_tracks(self):
        """The edition's tracks the file names, by TrackSpec key; created when missing."""
        existing = list(Track.objects.filter(edition=self.edition))
        by_kind = {track.kind: track for track in existing if track.kind != TrackKind.OTHER}
        by_name = {fold(track.name): track for track in existing}
        slugs = {track.slug for track in existing}
        # Other tracks come after the standard ones, in the order the file names them.
        order = max([track.order for track in existing] + [max(STANDARD_TRACK_ORDER.values())])
        new = []
        for key, spec in self.check.tracks.items():
            if spec.kind == TrackKind.OTHER:
                track = by_name.get(fold(spec.name))
            else:
                track = by_kind.get(spec.kind)
            if track:
                self.report.tracks.unchanged += 1
            else:
                order += spec.kind == TrackKind.OTHER
                track = self.new_track(spec, by_name, slugs, order)
                by_name[fold(track.name)] = track
                slugs.add(track.slug)
                new.append(track)
            self.tracks[key] = track
        Track.objects.bulk_create(new)
        self.report.tracks.created = len(new)
        for track in new:
            listed(self.report.new_tracks, track.name)

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
            with translation.override("en"):
                english = str(spec.kind.label)
            name_en = english if english != name else ""
            return Track(
                edition=self.edition,
                kind=spec.kind,
                name=name,
                name_en=name_en,
                slug=slug,
                order=order,
            )
        return Track(edition=self.edition, kind=spec.kind, name=name, slug=slug, order=order)

    def load_tasks(self):
        """The ids of the edition's tasks by track, batch and code as codes compare."""
        rows = Task.objects.filter(track__edition=self.edition).values_list(
            "id", "track_id", "batch", "code"
        )
        for pk, track_id, batch, code in rows.iterator(chunk_size=BATCH_SIZE * 5):
            self.tasks[task_key(track_id, batch, code)] = pk << 3
            self.batches.add((track_id, " ".join(batch.split())))

    # Batches ---------------------------------------------------------------------------------

    def task_key(self, row: "Row") -> str:
        return task_key(self.tracks[row.track.key].pk, row.batch, row.code)

    def task_id(self, key: str) -> int | None:
        value = self.tasks.get(key)
        return None if value is None else value >> 3

    def write_tasks(self, rows: tuple["Row", ...]):
        """The tasks of a batch of rows: the columns the rows give replace the recorded ones;
        a withdrawn task stays withdrawn. Then the mentors the rows name (none is removed)."""
        wanted: dict[str, dict] = {}
        firsts: dict[str, Row] = {}
        mentors: dict[str, list[str]] = {}
        for row in rows:
            key = self.task_key(row)
            firsts.setdefault(key, row)
            values = wanted.setdefault(key, {})
            for column in ("title", "issue_url"):
                if column in row.task_values:
                    values.setdefault(column, row.task_values[column][0])
            if "stars" in row.task_values:
                stars = row.task_values["stars"][0]
                values.setdefault("stars", stars.stars)
                values.setdefault("stars_up_to", stars.up_to)
            if "direction" in row.task_values:
                values.setdefault("direction", self.directions[row.task_values["direction"][0]])
            if row.status == WITHDRAWN:
                values["withdrawn"] = True
            if row.mentors:
                mentors.setdefault(key, row.mentors)
        known = [self.task_id(key) for key in wanted if key in self.tasks]
        # Whole rows: their history rows copy every field.
        existing = {
            task.pk: task for task in Task.objects.filter(pk__in=known).select_related("direction")
        }
        changed_tasks: dict[tuple, list[Task]] = {}  # the changed fields → the tasks
        new = []
        for key, values in wanted.items():
            task = existing.get(self.task_id(key))
            if task is None:
                row = firsts[key]
                new.append(
                    Task(
                        track=self.tracks[row.track.key],
                        batch=row.batch,
                        code=row.code,
                        position=code_position(row.code),
                        **values,
                    )
                )
                continue
            before = {name: field_text(task, name) for name in values}
            changed = apply(task, values)
            if changed:
                self.record_change(
                    firsts[key].line, f"{task.code} {task.title}", task, before, changed
                )
                changed_tasks.setdefault(tuple(sorted(changed)), []).append(task)
                if not self.tasks[key] & TASK_CREATED:
                    self.tasks_updated.add(task.pk)
        created = Task.objects.bulk_create(new)
        bulk_history(Task, created, **self.history)
        for task in created:
            if task.batch and (task.track_id, task.batch) not in self.batches:
                self.batches.add((task.track_id, task.batch))
                listed(self.report.new_batches, f"{task.track.name}: {task.batch}")
            key = task_key(task.track_id, task.batch, task.code)
            self.tasks[key] = task.pk << 3 | TASK_CREATED
        # Only the fields that changed, so that nothing else is written back as it was read.
        for fields_changed, tasks in changed_tasks.items():
            Task.objects.bulk_update(tasks, fields_changed)
            bulk_history(Task, tasks, update=True, **self.history)
        for key in wanted:
            self.tasks[key] |= TASK_SEEN
        self.bounds = {
            task.pk: task.stars
            for task in [*existing.values(), *new]
            if task.stars_up_to and task.stars is not None
        }
        self.write_mentors(mentors)

    def write_mentors(self, mentors: dict[str, list[str]]):
        keys = [key for key in mentors if not self.tasks[key] & TASK_MENTORED]
        wanted = {
            (self.task_id(key), self.people[login.lower()])
            for key in keys
            for login in mentors[key]
        }
        tasks = {task for task, person in wanted}
        existing = set(
            Mentor.objects.filter(task__in=tasks).values_list("task_id", "participant_id")
        )
        new = sorted(wanted - existing)
        insert_pairs(Mentor, "task_id", "participant_id", new)
        self.report.mentors.created += len(new)
        self.report.mentors.unchanged += len(wanted & existing)
        for key in keys:
            self.tasks[key] |= TASK_MENTORED

    def write_works(self, rows: tuple["Row", ...]):
        """The pieces of work of a batch of rows, then their contributors (none is removed)."""
        works = {
            (self.task_id(self.task_key(row)), row.work.identity): row
            for row in rows
            if row.work and row.line not in self.check.repeated_lines
        }
        if not works:
            return
        # All the works of the batch's tasks (a few each), so that one IN clause names them.
        existing = {
            (work.task_id, work.identity): work
            # Whole rows: their history rows copy every field.
            for work in Work.objects.filter(task__in={task for task, identity in works})
            if (work.task_id, work.identity) in works
        }
        changed_works: dict[tuple, list[Work]] = {}  # the changed fields → the works
        new = []
        for key, row in works.items():
            values = {
                name: getattr(row.work, name)
                for name in self.WORK_FIELDS
                if getattr(row.work, name) not in ("", None)
            }
            work = existing.get(key)
            if work is not None and work.status == WorkStatus.DISQUALIFIED:
                # A disqualification is an organizer's recorded act: a file does not undo it.
                if values.get("status", WorkStatus.DISQUALIFIED) != WorkStatus.DISQUALIFIED:
                    self.warn(RowWarning(row.line, still_disqualified(values["status"])))
                values.pop("status", None)
            if work is None:
                work = Work(task_id=key[0], identity=key[1], **values)
                changed = None
            else:
                before = {name: field_text(work, name) for name in values}
                changed = apply(work, values)
                if changed:
                    who = work.team or ", ".join(row.work.contributors)
                    label = f"{row.code} · {who}"
                    self.record_change(row.line, label, work, before, changed)
            submitted, completed = work.submitted_on, work.completed_on
            bound = self.bounds.get(key[0])
            if submitted and completed and completed < submitted:
                # Not written: the import fails at the end of this pass with all such rows.
                self.errors.add(RowError(row.line, dates_out_of_order(submitted, completed)))
            elif (
                bound is not None and (work.awarded_stars or 0) > bound and not work.awarded_reason
            ):
                self.errors.add(RowError(row.line, above_bound(work.awarded_stars, bound)))
            elif changed is None:
                new.append(work)
                self.report.works.created += 1
            elif changed:
                # bulk_update does not run auto_now.
                work.updated_at = timezone.now()
                changed_works.setdefault(tuple(sorted([*changed, "updated_at"])), []).append(work)
                self.report.works.updated += 1
            else:
                self.report.works.unchanged += 1
        bulk_history(Work, Work.objects.bulk_create(new), **self.history)
        for fields_changed, changed in changed_works.items():
            Work.objects.bulk_update(changed, fields_changed)
            bulk_history(Work, changed, update=True, **self.history)
        if changed_works:
            self.touch(
                Contribution.objects.filter(
                    work__in=[work for works in changed_works.values() for work in works]
                ).values_list("participant", flat=True)
            )
        ids = {key: work.pk for key, work in existing.items()}
        ids.update(((work.task_id, work.identity), work.pk) for work in new)
        self.write_contributions(
            {
                (ids[key], self.people[login.lower()])
                for key, row in works.items()
                for login in row.work.contributors
            },
            known_works=[work.pk for work in existing.values()],
        )

    def record_change(self, line, label, obj, before, changed):
        """One line of the report's changes: what moved in an existing record, and how."""
        if len(self.report.changes) >= MAX_LISTED:
            self.report.unlisted_changes += 1
            return
        moves = [
            f"{field_label(obj, name)}: {before[name] or '–'} → {field_text(obj, name) or '–'}"
            for name in changed
        ]
        self.report.changes.append(RowWarning(line, f"{label}: " + "; ".join(moves)))

    def warn(self, warning: "RowWarning"):
        """A warning found while writing, listed with the file's (up to MAX_LISTED)."""
        if len(self.report.warnings) < MAX_LISTED:
            self.report.warnings.append(warning)
        else:
            self.report.unlisted_warnings += 1

    def write_contributions(self, wanted: set[tuple[int, int]], known_works: list[int]):
        existing = set(
            Contribution.objects.filter(work__in=known_works).values_list(
                "work_id", "participant_id"
            )
        )
        new = sorted(wanted - existing)
        insert_pairs(Contribution, "work_id", "participant_id", new)
        if new:  # their history: the rows just inserted, read back by their works
            pairs = set(new)
            inserted = [
                contribution
                for chunk in chunks(sorted({work for work, person in new}))
                for contribution in Contribution.objects.filter(work__in=chunk)
                if (contribution.work_id, contribution.participant_id) in pairs
            ]
            bulk_history(Contribution, inserted, **self.history)
        self.report.contributions.created += len(new)
        self.report.contributions.unchanged += len(wanted & existing)
        self.touch(person for work, person in new)


def insert_pairs(model, first: str, second: str, pairs: list[tuple[int, int]]):
    """Rows of a link table (mentors, contributions) from pairs of ids, in plain INSERTs.

    A million model instances cost more than the rows themselves (bulk_create builds and
    prepares each one), and these tables hold two foreign keys and nothing that a model computes.
    The receivers of post_save do not run, as with bulk_create: the import changes the results
    once, at its end.
    """
    if not pairs:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({quote(first)}, {quote(second)}) VALUES "
    # Two parameters a row: under SQLite's limit of 999 parameters a statement.
    for chunk in batched(pairs, IN_CHUNK_SIZE // 2):
        with connection.cursor() as cursor:
            cursor.execute(
                sql + ", ".join(["(%s, %s)"] * len(chunk)), [id for pair in chunk for id in pair]
            )


def unique(slug: str, taken: set[str], fallback: str) -> str:
    """``slug`` when it is free, else the first free ``fallback-N``."""
    if slug and slug not in taken:
        return slug
    number = 1
    while f"{fallback}-{number}" in taken:
        number += 1
    return f"{fallback}-{number}"
