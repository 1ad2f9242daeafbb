"""What an import file must hold, for the organizers who write one: every column with what it
means and the words it accepts, read from the rules of the import itself (tasks/importing.py), and
the example file as CSV and as an .xlsx workbook (docs/importing.md, "A complete example").

The admin's import page shows this beside its form, so that an organizer can write a file without
reading anything else.
"""

import csv
from pathlib import Path

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hackathon.exports import xlsx_stream
from tasks.choices import GRADE_STARS, Grade, WorkStatus
from tasks.importing import (
    GRADE_WORDS,
    OPEN,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    STATUS_WORDS,
    WITHDRAWN,
)
from tracks.choices import PUBLISHED_TRACK_NAMES, TrackKind

EXAMPLE = Path(__file__).resolve().parent / "data" / "example-import.csv"
EXAMPLE_NAME = "example-import"


def _words(words):
    return ", ".join(words)


# What each column means, in the order of the file's header in the example.
MEANINGS = {
    "track": _(
        "The track: its kind or its published name. Any other name is a track of kind "
        "“other” with that name. The edition's track is created if missing."
    ),
    "code": _(
        "The task's published number (NO.12, No.12, 项目四, 一). A task is identified by track, "
        "batch and code; codes compare ignoring case and spaces."
    ),
    "title": _("The task's title."),
    "status": _("The piece of work's state: one of the words below."),
    "direction": _("The task's direction, e.g. 框架开发; created if new."),
    "stars": _(
        "The task's difficulty in stars, up to 3 decimals: 2, 0.5, ⭐⭐, ⭐️⭐️, 12×⭐️, 🌟🌟; "
        "最高0.2⭐ (up to) is an upper bound decided at review."
    ),
    "awarded_stars": _(
        "The stars this piece of work earned when they differ from the task's or the grade's "
        "(an “up to” task, a bonus, a project paid in proportion)."
    ),
    "payer": _("Who pays this work's reward when it is not the organizers, e.g. Paddle2ONNX PMC."),
    "reward": _(
        "The reward in CNY for this piece of work (¥26,000, 26000). When empty: the stars × "
        "the edition's CNY per star."
    ),
    "batch": _("The task's batch, e.g. 提前批, 正式批 (camp numbering restarts in each batch)."),
    "issue_url": _("The task's GitHub issue: an http(s) address."),
    "mentors": _("The task's mentors: GitHub logins separated by ;"),
    "team": _("The team's name as published."),
    "contributors": _(
        "Who did the work: GitHub logins separated by ; (a leading @ is ignored). Required "
        "unless the status is open or withdrawn, which name nobody."
    ),
    "pr_urls": _("The work's pull requests: addresses separated by ; or spaces."),
    "grade": _("A camper's grade, which sets the stars earned: one of the words below."),
    "submitted_on": _("The day the work was submitted: YYYY-MM-DD."),
    "completed_on": _("The day the work was completed: YYYY-MM-DD (the leaderboard's tie-break)."),
    "notes": _("Private notes for the organizers; never shown on the public pages."),
}


def columns():
    """Every column the import reads, required ones first: (name, required, meaning)."""
    return [(name, True, MEANINGS[name]) for name in REQUIRED_COLUMNS] + [
        (name, False, MEANINGS[name]) for name in OPTIONAL_COLUMNS
    ]


def accepted_words():
    """The words the import accepts in the track, status and grade columns, with what each
    means: [(column, [(meaning, words)])]."""
    statuses = {
        OPEN: _("open: a task with nobody on it"),
        WITHDRAWN: _("withdrawn: the task was cancelled"),
    }
    return [
        (
            "track",
            [
                (TrackKind(kind).label, _words([kind.value, *names]))
                for kind, names in PUBLISHED_TRACK_NAMES.items()
            ],
        ),
        (
            "status",
            [
                (statuses.get(status) or WorkStatus(status).label, _words(words))
                for status, words in STATUS_WORDS.items()
            ],
        ),
        (
            "grade",
            [
                (format_lazy("{} = {} ⭐", Grade(grade).label, GRADE_STARS[grade]), _words(words))
                for grade, words in GRADE_WORDS.items()
            ],
        ),
    ]


def example_rows():
    """The example file's rows, header first."""
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def example_csv():
    """The example as organizers' spreadsheets save it: CSV in UTF-8 with a BOM."""
    return EXAMPLE.read_bytes()


def example_xlsx():
    """The same rows as an .xlsx workbook, as the exports write one: the header frozen and
    filterable, each column as wide as its longest cell."""
    header, *rows = example_rows()
    return b"".join(xlsx_stream(header, rows, title="import"))
