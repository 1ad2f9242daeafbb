import csv
import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.models import Participant
from tasks.importing import (
    Counts,
    ImportRejected,
    RowError,
    RowWarning,
    import_tasks,
)
from tasks.models import Contribution, Direction, Task, Work
from tasks.stats import Figures, edition_figures, track_figures
from tests.factories import EditionFactory, ParticipantFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind
from tracks.models import Track

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

PADDLE6 = Path(__file__).parent / "data" / "paddle6.csv"
COLUMNS = [
    "track",
    "code",
    "title",
    "direction",
    "stars",
    "awarded_stars",
    "payer",
    "reward",
    "batch",
    "issue_url",
    "mentors",
    "status",
    "team",
    "contributors",
    "pr_urls",
    "grade",
    "submitted_on",
    "completed_on",
    "notes",
]
Mentor = Task.mentors.through


@pytest.fixture
def edition(db):
    return EditionFactory(number=6, slug="6th", yuan_per_star=2000)


def row(**cells):
    """A completed individual task done by alice, with ``cells`` changed."""
    return {
        "track": "individual",
        "code": "NO.1",
        "title": "为 Paddle 新增 lu_solve API",
        "status": "completed",
        "contributors": "alice",
        **cells,
    }


def csv_file(*rows, columns=COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Track, Direction, Task, Participant, Work, Contribution, Mentor)
    }


def rejected(data, edition, filename="tasks.csv"):
    """The errors of a rejected file, as (line, message); asserts that nothing changed."""
    before = table_counts()
    with pytest.raises(ImportRejected) as caught:
        import_tasks(data, filename, edition)
    assert table_counts() == before
    return [(error.line, error.message) for error in caught.value.errors]


def snapshot(edition):
    """The edition's tasks, works and contributions as plain values, to compare two imports."""
    tasks = Task.objects.for_edition(edition).order_by("track__kind", "batch", "position", "code")
    works = Work.objects.filter(task__track__edition=edition).order_by(
        "task__track__kind", "task__batch", "task__code", "identity"
    )
    contributions = Contribution.objects.filter(work__task__track__edition=edition)
    return (
        list(
            tasks.values_list(
                "track__kind",
                "track__name",
                "batch",
                "code",
                "position",
                "title",
                "direction__name",
                "stars",
                "issue_url",
                "withdrawn",
            )
        ),
        list(
            works.values_list(
                "task__code",
                "identity",
                "status",
                "team",
                "pr_urls",
                "grade",
                "reward",
                "submitted_on",
                "completed_on",
                "notes",
            )
        ),
        sorted(contributions.values_list("work__task__code", "participant__login")),
    )


def counts(created=0, updated=0, unchanged=0):
    return Counts(created, updated, unchanged)


# The real 6th edition ------------------------------------------------------------------------


def test_paddle6_gives_the_figures_of_its_rows(edition):
    import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition)

    by_kind = {track.kind: figures for track, figures in kind_figures(edition)}
    assert by_kind == {
        TrackKind.INDIVIDUAL: Figures(
            tasks_published=56,
            tasks_submitted=38,
            tasks_completed=38,
            participants=15,
            developers_completed=15,
        ),
        TrackKind.CAMP: Figures(
            tasks_published=27,
            tasks_submitted=24,
            tasks_completed=24,
            participants=27,
            developers_completed=27,
        ),
        TrackKind.FUNDABLE: Figures(
            tasks_published=6,
            tasks_submitted=5,
            tasks_completed=5,
            participants=5,
            developers_completed=5,
        ),
    }
    assert edition_figures(edition).developers_completed == 41


def kind_figures(edition):
    figures = track_figures(edition)
    return [(track, figures[track.pk]) for track in edition.tracks.all()]


def test_paddle6_creates_the_standard_tracks_and_counts_what_it_created(edition):
    report = import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition)

    assert list(edition.tracks.values_list("kind", "slug", "name", "order")) == [
        ("individual", "individual", "开源贡献个人挑战赛", 0),
        ("camp", "camp", "护航计划集训营", 1),
        ("fundable", "fundable", "Fundable Projects", 2),
    ]
    assert report.rows == 92
    assert report.counts() == {
        "tracks": counts(created=3),
        # 框架开发 and 科学计算 are among the standard directions; the other two are new.
        "directions": counts(created=2, unchanged=2),
        "tasks": counts(created=89),
        "people": counts(created=41),
        "works": counts(created=70),
        "contributions": counts(created=71),
        "mentors": counts(),
    }
    assert report.warnings == []


def test_paddle6_stores_codes_positions_half_stars_and_rewards(edition):
    import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition)

    camp_project = Task.objects.get(track__kind="camp", code="项目十四")
    task = Task.objects.get(track__kind="individual", code="No.6")
    work = task.works.get()
    assert (camp_project.position, camp_project.stars) == (14, None)
    assert (task.position, task.stars, task.direction.name) == (6, Decimal("0.5"), "框架开发")
    assert (work.status, work.reward, work.identity) == ("completed", Decimal(1000), "people:nknan")
    assert list(work.contributors.values_list("login", flat=True)) == ["NKNaN"]
    assert Work.objects.get(task__code="No.8", task__track__kind="individual").pr_url_list == [
        "https://github.com/PaddlePaddle/Paddle/pull/64881",
        "https://github.com/PaddlePaddle/community/pull/913",
        "https://github.com/PaddlePaddle/docs/pull/6679",
    ]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(edition):
    data = PADDLE6.read_bytes()
    import_tasks(data, "paddle6.csv", edition)
    before = snapshot(edition)
    updated_at = dict(Work.objects.values_list("pk", "updated_at"))

    report = import_tasks(data, "paddle6.csv", edition)

    assert report.counts() == {
        "tracks": counts(unchanged=3),
        "directions": counts(unchanged=4),
        "tasks": counts(unchanged=89),
        "people": counts(unchanged=41),
        "works": counts(unchanged=70),
        "contributions": counts(unchanged=71),
        "mentors": counts(),
    }
    assert report.changed is False
    assert snapshot(edition) == before
    assert dict(Work.objects.values_list("pk", "updated_at")) == updated_at


def test_dry_run_writes_nothing_and_counts_like_the_real_import(edition):
    data = PADDLE6.read_bytes()

    before = table_counts()

    dry = import_tasks(data, "paddle6.csv", edition, dry_run=True)

    assert table_counts() == before
    real = import_tasks(data, "paddle6.csv", edition)
    assert (dry.dry_run, real.dry_run) == (True, False)
    assert dry.counts() == real.counts()
    assert dry.summary_lines() == ["Dry run: nothing was saved.", *real.summary_lines()]


def test_summary_lines_give_the_counts_of_each_kind(edition):
    report = import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition)

    assert report.summary_lines(new_names=False) == [
        "92 rows read.",
        "tracks: 3 created, 0 updated, 0 unchanged.",
        "directions: 2 created, 0 updated, 2 unchanged.",
        "tasks: 89 created, 0 updated, 0 unchanged.",
        "people: 41 created, 0 updated, 0 unchanged.",
        "pieces of work: 70 created, 0 updated, 0 unchanged.",
        "contributions: 71 created, 0 updated, 0 unchanged.",
        "mentors: 0 created, 0 updated, 0 unchanged.",
    ]
    assert report.summary_lines()[8:10] == [
        "New tracks: 开源贡献个人挑战赛, 护航计划集训营, Fundable Projects.",
        "New directions: 合作伙伴 (OpenVINO), Paddle2ONNX.",
    ]
    assert report.summary_lines()[10].startswith("New people: Chen-Lun-Hao, megemini, cmcamdy, ")


# Encodings and formats ------------------------------------------------------------------------


def test_gb18030_and_utf8_with_bom_files_import_the_same(edition):
    text = PADDLE6.read_text(encoding="utf-8")
    other = EditionFactory(number=60, slug="6th-copy")

    import_tasks(text.encode("gb18030"), "paddle6.csv", edition)
    import_tasks(text.encode("utf-8-sig"), "paddle6.csv", other)

    assert snapshot(edition) == snapshot(other)
    assert len(snapshot(edition)[0]) == 89


def test_crlf_file_with_a_quoted_newline_counts_records_and_skips_empty_rows(edition):
    data = (
        b"track,code,title,status,contributors\r\n"
        b'individual,NO.1,"first line\r\nsecond line",completed,alice\r\n'
        b",,,,\r\n"
        b"\r\n"
        b"individual,NO.2,title,finished,bob\r\n"
    )

    assert rejected(data, edition) == [(5, status_error("finished"))]


def test_crlf_file_imports_a_title_on_two_lines(edition):
    data = (
        b"track,code,title,status,contributors\r\n"
        b'individual,NO.1,"first line\r\nsecond line",completed,alice\r\n'
    )

    report = import_tasks(data, "tasks.csv", edition)

    assert report.rows == 1
    assert Task.objects.get().title == "first line\r\nsecond line"


def test_xlsx_sheet_imports_like_the_csv_file(edition):
    other = EditionFactory(number=60, slug="6th-copy")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with PADDLE6.open(encoding="utf-8", newline="") as file:
        for cells in csv.reader(file):
            # Numbers as spreadsheets hold them: stars 0.5 and 1.0, rewards 2000.
            sheet.append([number_or_text(cell) for cell in cells])
    sheet["O2"] = datetime.datetime(2024, 4, 1)  # submitted_on of the first row
    sheet["P2"] = datetime.date(2024, 5, 6)  # completed_on
    data = io.BytesIO()
    workbook.save(data)

    import_tasks(data.getvalue(), "paddle6.xlsx", edition)
    import_tasks(PADDLE6.read_bytes(), "paddle6.csv", other)

    first = Work.objects.get(
        task__track__edition=edition, task__code="No.1", task__track__kind="individual"
    )
    assert (first.submitted_on, first.completed_on) == (
        datetime.date(2024, 4, 1),
        datetime.date(2024, 5, 6),
    )
    first.submitted_on = first.completed_on = None
    first.save()
    assert snapshot(edition) == snapshot(other)


def number_or_text(cell):
    try:
        return float(cell)
    except ValueError:
        return cell


def test_xlsx_rows_are_numbered_as_the_sheet_shows_them(edition):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Track", " Code ", "TITLE", "status", "contributors"])
    sheet.append(["individual", "NO.1", "title", "completed", "alice"])
    sheet.append([])
    sheet.append(["individual", "NO.2", "title", "completed", None])
    data = io.BytesIO()
    workbook.save(data)

    assert rejected(data.getvalue(), edition, "tasks.xlsx") == [
        (4, "Status “completed” needs contributors.")
    ]


def test_file_that_is_not_a_workbook_is_rejected(edition):
    assert rejected(b"track,code\n", edition, "tasks.xlsx") == [
        (0, "The file is not a readable .xlsx workbook.")
    ]


def test_a_workbook_whose_sheet_is_damaged_is_rejected_with_a_message(edition):
    workbook = openpyxl.Workbook()
    workbook.active.append(["track", "code", "title", "status"])
    workbook.active.append(["individual", "NO.1", "title", "open"])
    data = io.BytesIO()
    workbook.save(data)
    # The sheet's XML cut in the middle of its second row.
    damaged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data.getvalue())) as source,
        zipfile.ZipFile(damaged, "w") as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: content.index(b'<row r="2"') + 12]
            target.writestr(item, content)

    assert rejected(damaged.getvalue(), edition, "tasks.xlsx") == [
        (2, "The first sheet cannot be read after line 1.")
    ]


def test_a_cell_beyond_the_csv_readers_limit_is_rejected_with_its_line(edition):
    data = csv_file(row(), row(code="NO.2", title="x" * 200_000))

    assert rejected(data, edition) == [
        (
            3,
            "The file cannot be read as CSV here: field larger than field limit (131072).",
        )
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_file_is_rejected(edition, encoding):
    data = PADDLE6.read_text(encoding="utf-8").encode(encoding)

    assert rejected(data, edition) == [
        (0, "The file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8.")
    ]


# Columns --------------------------------------------------------------------------------------


def test_missing_required_columns_are_named_in_one_error(edition):
    data = b"track,title,contributors\nindividual,title,alice\n"

    assert rejected(data, edition) == [(1, "Missing required columns: code, status.")]


def test_empty_file_misses_every_required_column(edition):
    assert rejected(b"", edition) == [(1, "Missing required columns: track, code, title, status.")]


def test_header_names_compare_trimmed_and_case_insensitive_and_unknown_ones_warn(edition):
    data = " Track ,CODE,Title,Status,Contributors,Remarks,\nindividual,NO.1,t,完成,alice,x,\n"

    report = import_tasks(data.encode(), "tasks.csv", edition)

    assert report.tasks == counts(created=1)
    assert report.warnings == [RowWarning(1, "Unknown column ignored: remarks.")]
    assert report.summary_lines()[-1] == "Warning: line 1: Unknown column ignored: remarks."


def test_a_column_given_twice_is_rejected(edition):
    data = b"track,code,title,status,title\nindividual,NO.1,a,open,b\n"

    assert rejected(data, edition) == [(1, "Column “title” appears more than once.")]


# Tracks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("individual", "individual"),
        (" 开源贡献个人挑战赛 ", "individual"),
        ("CAMP", "camp"),
        ("飞桨护航计划集训营", "camp"),
        ("fundable projects", "fundable"),
        ("Fundable Projects 硬核赛道", "fundable"),
    ],
)
def test_published_track_names_stand_for_their_kind(edition, name, kind):
    import_tasks(csv_file(row(track=name)), "tasks.csv", edition)

    assert list(edition.tracks.values_list("kind", "slug")) == [(kind, kind)]


def test_existing_track_of_the_kind_is_used(edition):
    track = TrackFactory(edition=edition, kind=TrackKind.CAMP, name="护航计划", slug="hu-hang")

    report = import_tasks(csv_file(row(track="护航计划集训营")), "tasks.csv", edition)

    assert report.tracks == counts(unchanged=1)
    assert Task.objects.get().track == track


def test_any_other_track_name_is_a_track_of_kind_other(edition):
    rows = [
        row(track="individual"),
        row(track="优秀稿件征集与传播", code="1"),
        row(track=" 优秀稿件征集与传播 ", code="2"),
        row(track="!!!", code="1"),
    ]

    report = import_tasks(csv_file(*rows), "tasks.csv", edition)

    assert report.tracks == counts(created=3)
    assert list(edition.tracks.values_list("kind", "slug", "name", "order")) == [
        ("individual", "individual", "开源贡献个人挑战赛", 0),
        ("other", "优秀稿件征集与传播", "优秀稿件征集与传播", 3),
        ("other", "other-1", "!!!", 4),
    ]


# Cells ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("claimed", "claimed"),
        ("报名", "claimed"),
        ("锁定", "claimed"),
        ("已认领", "claimed"),
        ("🙋 认领", "claimed"),
        ("提交RFC", "rfc_submitted"),
        ("rfc_submitted", "rfc_submitted"),
        ("完成设计文档", "design_done"),
        ("design_done", "design_done"),
        ("提交 PR", "pr_submitted"),
        ("PR_submitted", "pr_submitted"),
        ("部分完成", "partially_completed"),
        ("partially_completed", "partially_completed"),
        ("🟢完成任务", "completed"),
        ("完成", "completed"),
        ("已完成", "completed"),
        ("✅ 通过", "completed"),
        ("结营", "completed"),
        ("Completed", "completed"),
        ("未通过", "rejected"),
        ("rejected", "rejected"),
    ],
)
def test_published_status_words_give_the_work_status(edition, word, status):
    import_tasks(csv_file(row(status=word)), "tasks.csv", edition)

    assert Work.objects.get().status == status


@pytest.mark.parametrize("word", ["open", "未认领", "待认领", " Open "])
def test_open_row_creates_the_task_and_no_work(edition, word):
    report = import_tasks(csv_file(row(status=word, contributors="")), "tasks.csv", edition)

    assert (report.tasks, report.works) == (counts(created=1), counts())
    assert Task.objects.get().withdrawn is False


@pytest.mark.parametrize("word", ["withdrawn", "取消", "已取消", "撤回"])
def test_withdrawn_row_withdraws_its_task_and_creates_no_work(edition, word):
    import_tasks(csv_file(row(status=word, contributors="")), "tasks.csv", edition)

    assert Task.objects.get().withdrawn is True
    assert Work.objects.count() == 0
    assert edition_figures(edition) == Figures()


def test_withdrawn_row_withdraws_an_existing_task_with_its_work(edition):
    import_tasks(csv_file(row()), "tasks.csv", edition)

    report = import_tasks(csv_file(row(status="取消", contributors="")), "tasks.csv", edition)

    assert report.tasks == counts(updated=1)
    assert Task.objects.get().withdrawn is True
    assert Work.objects.count() == 1
    assert edition_figures(edition) == Figures()


@pytest.mark.parametrize(
    ("text", "stars"),
    [
        ("2", "2"),
        ("0.5", "0.5"),
        ("⭐⭐", "2"),
        ("⭐️⭐️", "2"),
        ("★★★", "3"),
        ("⭐⭐½", "2.5"),
        ("½", "0.5"),
        ("12×⭐️", "12"),
        ("12x⭐", "12"),
        ("12 * ⭐", "12"),
        ("⭐×12", "12"),
        ("100", "100"),
        ("0.025", "0.025"),
        ("0.15", "0.15"),
        ("0.25⭐", "0.25"),
        ("0.75 ⭐️", "0.75"),
        ("🌟", "1"),
        ("🌟🌟", "2"),
        ("0.3", "0.3"),
    ],
)
def test_star_spellings(edition, text, stars):
    import_tasks(csv_file(row(stars=text)), "tasks.csv", edition)

    task = Task.objects.get()
    assert (task.stars, task.stars_up_to) == (Decimal(stars), False)


@pytest.mark.parametrize(
    ("text", "stars"),
    [("最高0.2⭐", "0.2"), ("最高 0.2 ⭐️", "0.2"), ("up to 0.5", "0.5"), ("最多⭐⭐", "2")],
)
def test_up_to_stars_are_an_upper_bound(edition, text, stars):
    import_tasks(csv_file(row(stars=text)), "tasks.csv", edition)

    task = Task.objects.get()
    assert (task.stars, task.stars_up_to) == (Decimal(stars), True)


@pytest.mark.parametrize("text", ["0", "0.0005", "100.5", "-1", "many", "⭐x", "2⭐½x", "最高"])
def test_bad_stars_are_rejected(edition, text):
    assert rejected(csv_file(row(stars=text)), edition) == [
        (
            2,
            f"stars: “{text}” is not a number of stars: a positive number up to 100 with at most "
            "three decimals, such as 2, 0.5, 0.025, ⭐⭐, 12×⭐ or 最高0.2⭐ (up to).",
        )
    ]


def test_up_to_and_plain_stars_of_one_task_disagree(edition):
    data = csv_file(row(stars="最高0.2⭐"), row(stars="0.2", contributors="bob"))

    assert rejected(data, edition) == [
        (3, "stars: “0.2” disagrees with line 2 (“最高0.2⭐”) for the same task.")
    ]


def test_awarded_stars_and_payer_are_stored_with_the_work(edition):
    data = csv_file(
        row(stars="最高0.2⭐", awarded_stars="0.15", payer="Paddle2ONNX  PMC"),
        row(track="camp", code="项目一", stars="", grade="优秀", awarded_stars="1"),
    )

    import_tasks(data, "tasks.csv", edition)

    assert sorted(Work.objects.values_list("awarded_stars", "payer")) == [
        (Decimal("0.150"), "Paddle2ONNX PMC"),
        (Decimal("1.000"), ""),
    ]


def test_awarded_stars_above_an_up_to_bound_are_rejected(edition):
    data = csv_file(row(stars="最高0.2⭐", awarded_stars="0.25"))

    assert rejected(data, edition) == [
        (
            2,
            "awarded_stars: 0.25 is above the task's upper bound of 0.2 stars (an exception "
            "needs a reason: enter it in the admin).",
        )
    ]


def test_awarded_stars_are_checked_against_the_recorded_bound(edition):
    import_tasks(csv_file(row(stars="最高0.2⭐", status="提交PR")), "tasks.csv", edition)

    data = csv_file(row(stars="", awarded_stars="0.3"))

    assert rejected(data, edition) == [
        (
            2,
            "awarded_stars: 0.3 is above the task's upper bound of 0.2 stars (an exception "
            "needs a reason: enter it in the admin).",
        )
    ]


def test_an_exception_recorded_in_the_admin_lets_awarded_stars_exceed_the_bound(edition):
    import_tasks(csv_file(row(stars="最高0.2⭐", status="提交PR")), "tasks.csv", edition)
    Work.objects.update(awarded_stars="0.3", awarded_reason="Did twice the work asked")

    report = import_tasks(csv_file(row(stars="", awarded_stars="0.3")), "tasks.csv", edition)

    assert (report.works, Work.objects.get().awarded_stars) == (
        counts(updated=1),
        Decimal("0.3"),
    )


@pytest.mark.parametrize("text", ["-0.5", "100.5", "0.0001", "lots", "最高0.2⭐"])
def test_bad_awarded_stars_are_rejected(edition, text):
    assert rejected(csv_file(row(awarded_stars=text)), edition) == [
        (
            2,
            f"awarded_stars: “{text}” is not a number of stars: a number from 0 to 100 with at "
            "most three decimals, such as 0.15, 2 or ⭐⭐.",
        )
    ]


@pytest.mark.parametrize(
    ("text", "reward"),
    [("2000", 2000), ("¥2,000", 2000), ("2000元", 2000), ("￥ 1,234.50", "1234.50"), ("0", 0)],
)
def test_reward_spellings(edition, text, reward):
    import_tasks(csv_file(row(reward=text)), "tasks.csv", edition)

    assert Work.objects.get().reward == Decimal(reward)


def test_empty_reward_is_left_to_the_stars_and_the_editions_value(edition):
    import_tasks(csv_file(row(stars="2")), "tasks.csv", edition)

    # The effective reward (stars × yuan_per_star) is derived where it is read, not stored.
    assert Work.objects.get().reward is None


@pytest.mark.parametrize("text", ["-5", "lots", "1.234", "NaN", "100000000"])
def test_bad_reward_is_rejected(edition, text):
    assert rejected(csv_file(row(reward=text)), edition) == [
        (2, f"reward: “{text}” is not an amount in CNY: a number ≥ 0 such as 2000 or ¥2,000.")
    ]


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("及格", "pass"),
        ("良好", "good"),
        ("优秀", "excellent"),
        ("特别优秀", "outstanding"),
        ("Outstanding", "outstanding"),
    ],
)
def test_grade_words(edition, text, grade):
    import_tasks(csv_file(row(track="camp", grade=text)), "tasks.csv", edition)

    assert Work.objects.get().grade == grade


def test_bad_grade_is_rejected(edition):
    assert rejected(csv_file(row(grade="A+")), edition) == [
        (
            2,
            "grade: “A+” is not a grade; accepted: 及格, 良好, 优秀, 特别优秀, "
            "pass, good, excellent, outstanding.",
        )
    ]


def test_logins_take_any_separator_and_count_once(edition):
    data = csv_file(row(contributors="@Alice；bob, carol;alice", mentors="@mentor"))

    report = import_tasks(data, "tasks.csv", edition)

    work = Work.objects.get()
    assert sorted(work.contributors.values_list("login", flat=True)) == ["Alice", "bob", "carol"]
    assert work.identity == "people:alice;bob;carol"
    assert list(Task.objects.get().mentors.values_list("login", flat=True)) == ["mentor"]
    assert (report.people, report.contributions, report.mentors) == (
        counts(created=4),
        counts(created=3),
        counts(created=1),
    )


def test_people_are_matched_case_insensitively_and_keep_their_spelling(edition):
    ParticipantFactory(login="NKNaN")

    report = import_tasks(
        csv_file(row(contributors="nknan"), row(code="NO.2", contributors="Zbt78;ZBT78")),
        "tasks.csv",
        edition,
    )

    assert report.people == counts(created=1, unchanged=1)
    assert list(Participant.objects.values_list("login", flat=True)) == ["NKNaN", "Zbt78"]


def test_bad_logins_are_rejected(edition):
    assert rejected(csv_file(row(contributors="alice;bad_login!;-x", mentors="ok")), edition) == [
        (2, "contributors: “bad_login!”, “-x” are not GitHub logins.")
    ]


def test_pr_urls_take_semicolons_and_spaces_and_are_stored_one_per_line(edition):
    urls = "https://github.com/a/b/pull/1; https://github.com/a/b/pull/2  http://x.org/3"

    import_tasks(csv_file(row(pr_urls=urls)), "tasks.csv", edition)

    assert Work.objects.get().pr_urls == (
        "https://github.com/a/b/pull/1\nhttps://github.com/a/b/pull/2\nhttp://x.org/3"
    )


def test_bad_urls_are_rejected(edition):
    data = csv_file(
        row(issue_url="ftp://github.com/issues/1", pr_urls="https://ok.org/1;github.com/pull/2")
    )

    assert rejected(data, edition) == [
        (2, "issue_url: “ftp://github.com/issues/1” is not an http(s) URL."),
        (2, "pr_urls: “github.com/pull/2” is not an http(s) URL."),
    ]


def test_dates_and_notes_are_stored(edition):
    data = csv_file(row(submitted_on="2024-04-01", completed_on="2024-05-06", notes="late"))

    import_tasks(data, "tasks.csv", edition)

    work = Work.objects.get()
    assert (work.submitted_on, work.completed_on, work.notes) == (
        datetime.date(2024, 4, 1),
        datetime.date(2024, 5, 6),
        "late",
    )


def test_bad_dates_are_rejected(edition):
    data = csv_file(
        row(submitted_on="2024/04/01"),
        row(code="NO.2", submitted_on="2024-05-07", completed_on="2024-05-06"),
    )

    assert rejected(data, edition) == [
        (2, "submitted_on: “2024/04/01” is not an ISO date (YYYY-MM-DD)."),
        (3, "completed_on (2024-05-06) is before submitted_on (2024-05-07)."),
    ]


def test_completed_date_before_a_recorded_submission_date_is_rejected(edition):
    import_tasks(csv_file(row(submitted_on="2024-05-07")), "tasks.csv", edition)

    assert rejected(csv_file(row(completed_on="2024-05-06")), edition) == [
        (2, "completed_on (2024-05-06) is before submitted_on (2024-05-07).")
    ]


def test_too_long_cells_are_rejected(edition):
    assert rejected(csv_file(row(code="N" * 51)), edition) == [
        (2, "code: longer than 50 characters.")
    ]


# Rows of one task, rows of one piece of work -----------------------------------------------


def test_rows_of_one_task_are_its_pieces_of_work(edition):
    rows = [
        row(track="camp", code="项目八", batch="正式批", contributors="zeroRains", grade="优秀"),
        row(track="camp", code=" 项目八", batch="正式批", title="", contributors="Eddie"),
        row(track="camp", code="项目八", batch="提前批", contributors="other"),
        row(code="NO.12"),
        row(code="no. 12", contributors="bob"),
    ]

    report = import_tasks(csv_file(*rows), "tasks.csv", edition)

    assert (report.tasks, report.works) == (counts(created=3), counts(created=5))
    assert sorted(Task.objects.values_list("batch", "code", "works__identity")) == [
        ("", "NO.12", "people:alice"),
        ("", "NO.12", "people:bob"),
        ("提前批", "项目八", "people:other"),
        ("正式批", "项目八", "people:eddie"),
        ("正式批", "项目八", "people:zerorains"),
    ]


def test_task_columns_that_disagree_across_rows_are_rejected(edition):
    rows = [
        row(direction="框架开发", stars="1", mentors="m1"),
        row(title="", direction="", stars="⭐", contributors="bob", mentors="M1"),
        row(title="另一个标题", direction="科学计算", contributors="carol"),
        row(stars="2", issue_url="https://x.org/1", mentors="m2", contributors="dave"),
    ]

    assert rejected(csv_file(*rows), edition) == [
        (
            4,
            "title: “另一个标题” disagrees with line 2 (“为 Paddle 新增 lu_solve API”) "
            "for the same task.",
        ),
        (4, "direction: “科学计算” disagrees with line 2 (“框架开发”) for the same task."),
        (5, "stars: “2” disagrees with line 2 (“1”) for the same task."),
        (5, "mentors: “m2” disagrees with line 2 (“m1”) for the same task."),
    ]


def test_task_without_any_title_is_rejected(edition):
    assert rejected(csv_file(row(title=""), row(title="", contributors="bob")), edition) == [
        (2, "title: empty, but required.")
    ]


def test_the_same_piece_of_work_twice_counts_once_when_identical(edition):
    rows = [
        row(team="九天揽月", contributors="alice;bob"),
        row(team="九天揽月 ", contributors="Bob;alice"),
    ]

    report = import_tasks(csv_file(*rows), "tasks.csv", edition)

    assert report.works == counts(created=1)
    assert Work.objects.get().identity == "team:九天揽月"


def test_the_same_piece_of_work_twice_with_different_values_is_rejected(edition):
    rows = [
        row(contributors="alice;bob"),
        row(contributors="bob;alice", status="提交PR", reward="100"),
        row(team="九天", contributors="carol"),
        row(team="九天", contributors="carol;dave"),
    ]

    assert rejected(csv_file(*rows), edition) == [
        (
            3,
            "The same piece of work as line 2 (same team or contributors), "
            "but a different status, reward.",
        ),
        (
            5,
            "The same piece of work as line 4 (same team or contributors), "
            "but a different contributors.",
        ),
    ]


def test_team_work_gains_new_contributors_and_nothing_is_deleted(edition):
    import_tasks(
        csv_file(row(team="九天", contributors="alice;bob"), row(contributors="carol")),
        "tasks.csv",
        edition,
    )

    report = import_tasks(
        csv_file(row(team="九天", contributors="alice;bob;dave")), "tasks.csv", edition
    )

    assert (report.works, report.contributions) == (
        counts(unchanged=1),
        counts(created=1, unchanged=2),
    )
    assert sorted(Contribution.objects.values_list("work__identity", "participant__login")) == [
        ("people:carol", "carol"),
        ("team:九天", "alice"),
        ("team:九天", "bob"),
        ("team:九天", "dave"),
    ]


def test_changed_work_is_updated_and_empty_cells_keep_what_is_recorded(edition):
    import_tasks(csv_file(row(status="提交PR", reward="500", notes="n")), "tasks.csv", edition)
    work = Work.objects.get()

    report = import_tasks(
        csv_file(row(status="完成", completed_on="2024-06-01")), "tasks.csv", edition
    )

    assert report.works == counts(updated=1)
    updated = Work.objects.get()
    assert (updated.status, updated.reward, updated.notes, updated.completed_on) == (
        "completed",
        Decimal(500),
        "n",
        datetime.date(2024, 6, 1),
    )
    assert updated.updated_at > work.updated_at


def test_changed_task_columns_are_updated(edition):
    import_tasks(csv_file(row(stars="1", direction="框架开发")), "tasks.csv", edition)

    report = import_tasks(
        csv_file(row(title="新标题", stars="⭐⭐", direction="Paddle2ONNX")), "tasks.csv", edition
    )

    assert (report.tasks, report.directions) == (counts(updated=1), counts(created=1))
    task = Task.objects.get()
    assert (task.title, task.stars, task.direction.name) == ("新标题", Decimal(2), "Paddle2ONNX")


def test_existing_work_entered_in_the_admin_is_matched_by_its_contributors(edition):
    track = TrackFactory(edition=edition, kind=TrackKind.INDIVIDUAL)
    work = WorkFactory(task__track=track, task__code="NO.1", contributors=["Alice", "bob"])

    report = import_tasks(
        csv_file(row(title="Task NO.1", contributors="bob;alice")), "tasks.csv", edition
    )

    assert (report.tasks, report.works) == (counts(unchanged=1), counts(unchanged=1))
    assert Work.objects.get() == work


# Rows that need or forbid contributors ------------------------------------------------------


def test_work_status_without_contributors_is_rejected(edition):
    assert rejected(csv_file(row(contributors="")), edition) == [
        (2, "Status “completed” needs contributors.")
    ]


def test_open_or_withdrawn_row_naming_contributors_is_rejected(edition):
    rows = [row(status="open", contributors="alice"), row(status="撤回", code="NO.2")]

    assert rejected(csv_file(*rows), edition) == [
        (2, "A row with status “open” must not name contributors (it names alice)."),
        (3, "A row with status “撤回” must not name contributors (it names alice)."),
    ]


def test_work_columns_on_an_open_row_are_ignored_with_a_warning(edition):
    data = csv_file(row(status="open", contributors="", team="t", reward="100"))

    report = import_tasks(data, "tasks.csv", edition)

    assert report.warnings == [RowWarning(2, "team, reward ignored on a row with status “open”.")]
    assert Work.objects.count() == 0


def test_unknown_status_is_rejected_with_the_accepted_words(edition):
    assert rejected(csv_file(row(status="done")), edition) == [(2, status_error("done"))]


def status_error(word):
    return (
        f"status: “{word}” is not a status; accepted: open, 未认领, 待认领, claimed, 报名, 锁定, "
        "已认领, 认领, rfc_submitted, 提交RFC, design_done, 完成设计文档, pr_submitted, 提交PR, "
        "partially_completed, 部分完成, completed, 完成任务, 完成, 已完成, 通过, 结营, rejected, "
        "未通过, disqualified, 取消资格, withdrawn, 取消, 已取消, 撤回."
    )


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(edition):
    import_tasks(csv_file(row()), "tasks.csv", edition)
    rows = [
        row(code="NO.2", contributors="new-person"),
        row(code="", status="done"),
        row(code="NO.3"),
        row(code="NO.4", stars="7.2505", contributors=""),
        row(track="", code="NO.5", issue_url="issue 5"),
    ]

    assert rejected(csv_file(*rows), edition) == [
        (3, "code: empty, but required."),
        (3, status_error("done")),
        (
            5,
            "stars: “7.2505” is not a number of stars: a positive number up to 100 with at most "
            "three decimals, such as 2, 0.5, 0.025, ⭐⭐, 12×⭐ or 最高0.2⭐ (up to).",
        ),
        (5, "Status “completed” needs contributors."),
        (6, "track: empty, but required."),
        (6, "issue_url: “issue 5” is not an http(s) URL."),
    ]
    assert not Participant.objects.filter(login="new-person").exists()


def test_rejection_lists_its_errors_as_lines(edition):
    with pytest.raises(ImportRejected) as caught:
        import_tasks(csv_file(row(status="done"), row(contributors="")), "tasks.csv", edition)

    assert str(caught.value) == "The file was rejected (2 errors); nothing was changed."
    assert [str(error) for error in caught.value.errors] == [
        f"line 2: {status_error('done')}",
        "line 3: Status “completed” needs contributors.",
    ]
    assert caught.value.errors[1] == RowError(3, "Status “completed” needs contributors.")


# Queries --------------------------------------------------------------------------------------


# Refreshing the scores of up to 500 people: a savepoint, lock the people, count their rows per
# board and rank key, delete them, insert track, edition and the two kinds of all-time rows,
# count again, move the levels (created, locked, moved, emptied ones deleted) and the boards'
# counts (created, locked, moved), release the savepoint.
SCORE_REFRESH_QUERIES = 17
# Recounting an edition's task tallies: the tasks' progress, their tracks, the old tallies
# deleted, the new ones counted, then inserted.
TALLY_QUERIES = 5


def many_rows(count):
    """Rows of every kind: new tracks, directions, people, mentors, teams and contributors."""
    tracks = ["individual", "camp", "fundable", "优秀稿件征集与传播"]
    return [
        row(
            track=tracks[n % 4],
            code=f"NO.{n}",
            direction=["Paddle2ONNX", "合作伙伴 (OpenVINO)"][n % 2],
            stars="⭐⭐",
            mentors=f"mentor-{n % 3}",
            team=f"team-{n}" if n % 2 else "",
            contributors=f"dev-{n};dev-{n + 1}",
            pr_urls=f"https://github.com/a/b/pull/{n}",
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [5, 50])
def test_import_takes_the_same_number_of_queries_whatever_the_number_of_rows(
    edition, count, django_assert_num_queries
):
    data = csv_file(*many_rows(count))

    # A savepoint; the edition locked; people and directions loaded, inserted and read back (6),
    # tracks loaded and inserted (2), the history of the people, tasks, works and contributions
    # (the contributions read back first: 5), the edition's task ids
    # loaded; for the one batch of rows: mentors and works loaded, tasks, mentors, works and
    # contributions inserted (6; nothing to load for new tasks and works); the edition's results
    # version (which editions, then their version), the results clock, the savepoint's release;
    # the task tallies recounted (TALLY_QUERIES); and the scores of the people named
    # (SCORE_REFRESH_QUERIES, the same for up to 500 people).
    with django_assert_num_queries(26 + TALLY_QUERIES + SCORE_REFRESH_QUERIES):
        import_tasks(data, "tasks.csv", edition)
    # A savepoint, the edition locked, four loads (people, directions, tracks, task ids), four for
    # the batch (tasks, mentors, works, contributions), the savepoint's release.
    with django_assert_num_queries(11):
        report = import_tasks(data, "tasks.csv", edition)
    assert report.changed is False


def test_update_takes_one_query_per_kind_of_change(edition):
    import_tasks(csv_file(*many_rows(20)), "tasks.csv", edition)
    rows = [{**cells, "title": "new", "status": "提交PR"} for cells in many_rows(20)]

    with CaptureQueriesContext(connection) as queries:
        report = import_tasks(csv_file(*rows), "tasks.csv", edition)

    assert (report.tasks, report.works) == (counts(updated=20), counts(updated=20))
    # The eleven loads, lock and savepoints of a second import, two updates (tasks, works) and
    # their two history inserts, the results version (which editions, then their version), the
    # results clock, the people on the changed works and tasks, the task tallies, and their
    # scores.
    assert len(queries) == 11 + 2 + 2 + 2 + 1 + 2 + TALLY_QUERIES + SCORE_REFRESH_QUERIES


def results_version(edition):
    return type(edition).objects.values_list("results_version", flat=True).get(pk=edition.pk)


def test_an_import_that_changes_something_marks_the_results_changed_once(edition):
    before = results_version(edition)

    import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition)
    changed = results_version(edition)
    import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition)
    import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition, dry_run=True)

    assert (changed, results_version(edition)) == (before + 1, before + 1)


# The command ----------------------------------------------------------------------------------


def test_command_prints_the_summary(edition, tmp_path):
    path = tmp_path / "paddle6.csv"
    path.write_bytes(PADDLE6.read_bytes())
    out = io.StringIO()

    call_command("import_tasks", str(path), edition="6th", stdout=out)

    assert out.getvalue().splitlines()[:8] == [
        "92 rows read.",
        "tracks: 3 created, 0 updated, 0 unchanged.",
        "directions: 2 created, 0 updated, 2 unchanged.",
        "tasks: 89 created, 0 updated, 0 unchanged.",
        "people: 41 created, 0 updated, 0 unchanged.",
        "pieces of work: 70 created, 0 updated, 0 unchanged.",
        "contributions: 71 created, 0 updated, 0 unchanged.",
        "mentors: 0 created, 0 updated, 0 unchanged.",
    ]
    assert [line.split(":")[0] for line in out.getvalue().splitlines()[8:]] == [
        "New tracks",
        "New directions",
        "New people",
    ]
    assert Task.objects.count() == 89


def test_command_dry_run_saves_nothing(edition, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_bytes(csv_file(row()))
    out = io.StringIO()
    before = table_counts()

    call_command("import_tasks", str(path), "--dry-run", edition="6th", stdout=out)

    assert out.getvalue().splitlines()[:3] == [
        "Dry run: nothing was saved.",
        "1 row read.",
        "tracks: 1 created, 0 updated, 0 unchanged.",
    ]
    assert table_counts() == before


def test_command_prints_every_error_and_exits_non_zero(edition, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_bytes(csv_file(row(status="done"), row(), row(contributors="")))
    out, err = io.StringIO(), io.StringIO()
    before = table_counts()

    with pytest.raises(CommandError) as caught:
        call_command("import_tasks", str(path), edition="6th", stdout=out, stderr=err)

    assert caught.value.returncode == 1
    assert str(caught.value) == "The file was rejected (2 errors); nothing was changed."
    assert err.getvalue().splitlines() == [
        f"line 2: {status_error('done')}",
        "line 4: Status “completed” needs contributors.",
    ]
    assert out.getvalue() == ""
    assert table_counts() == before


def test_command_rejects_an_unknown_edition(db, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_bytes(csv_file(row()))

    with pytest.raises(CommandError) as caught:
        call_command("import_tasks", str(path), edition="99th")

    assert caught.value.returncode == 1
    assert str(caught.value) == "There is no edition with the slug “99th”."
    assert Task.objects.count() == 0


def test_command_rejects_a_missing_file(edition, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("import_tasks", str(tmp_path / "nope.csv"), edition="6th")

    assert str(caught.value) == f"Cannot read {tmp_path / 'nope.csv'}: No such file or directory"


def test_cells_under_no_column_name_are_ignored_with_a_warning(edition):
    data = "track,code,title,status,contributors,\nindividual,NO.1,t,完成,alice,x,y\n"

    report = import_tasks(data.encode(), "tasks.csv", edition)

    assert report.works == counts(created=1)
    assert report.warnings == [
        RowWarning(2, "Cells under no column name are ignored (the first on line 2).")
    ]


@pytest.mark.parametrize(
    ("label", "status"),
    [
        ("RFC submitted", "rfc_submitted"),
        ("PR submitted", "pr_submitted"),
        ("Partially completed", "partially_completed"),
    ],
)
def test_status_values_are_accepted_with_spaces_for_underscores(edition, label, status):
    import_tasks(csv_file(row(status=label)), "tasks.csv", edition)

    assert Work.objects.get().status == status


# Files read in several batches -------------------------------------------------------------------


def batches_file():
    """Rows whose tasks and works recur far apart: a task's title only on a later row, a
    direction and mentors given late, a piece of work repeated word for word, a withdrawal."""
    rows = [row(code=f"NO.{n}", contributors=f"dev-{n}") for n in range(2, 8)]
    return csv_file(
        row(code="NO.1", title="", direction="", stars="", contributors="dev-1"),
        *rows,
        row(code="no. 1", contributors="dev-1"),
        row(code="NO.2", direction="框架开发", mentors="mentor-a", contributors="dev-2"),
        row(code="NO.3", contributors="dev-3"),  # the same work as an earlier row
        row(code="NO.9", title="Late", status="open", contributors=""),
        row(code="NO.9", title="", status="withdrawn", contributors=""),
        row(code="NO.4", team="Team", contributors="dev-4;DEV-5"),
    )


def test_a_file_read_in_small_batches_imports_exactly_as_in_one(edition, monkeypatch):
    other = EditionFactory(number=7, slug="7th", yuan_per_star=2000)
    whole = import_tasks(batches_file(), "tasks.csv", edition)

    monkeypatch.setattr("tasks.importing.BATCH_SIZE", 2)
    batched = import_tasks(batches_file(), "tasks.csv", other)

    # The same, but the people: the first import created them.
    assert (batched.people, whole.people) == (counts(unchanged=8), counts(created=8))
    assert {**batched.counts(), "people": None} == {**whole.counts(), "people": None}
    assert (batched.rows, batched.warnings) == (whole.rows, whole.warnings)
    assert (batched.tasks, batched.works, batched.contributions, batched.mentors) == (
        counts(created=8),
        counts(created=8),
        counts(created=9),
        counts(created=1),
    )
    assert snapshot(other) == snapshot(edition)
    again = import_tasks(batches_file(), "tasks.csv", other)
    assert (again.changed, again.tasks, again.works) == (
        False,
        counts(unchanged=8),
        counts(unchanged=8),
    )


def test_errors_beyond_the_listed_ones_are_counted(edition, monkeypatch):
    monkeypatch.setattr("tasks.importing.MAX_LISTED", 3)
    data = csv_file(*[row(code=f"NO.{n}", status="done") for n in range(5)])

    with pytest.raises(ImportRejected) as caught:
        import_tasks(data, "tasks.csv", edition)

    assert (caught.value.count, caught.value.unlisted) == (5, 2)
    assert [error.line for error in caught.value.errors] == [2, 3, 4]
    assert str(caught.value) == "The file was rejected (5 errors); nothing was changed."


def test_a_file_is_read_from_disk_row_by_row(edition, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_bytes(batches_file())

    with path.open("rb") as file:
        report = import_tasks(file, "tasks.csv", edition)

    assert (report.rows, report.tasks.created) == (13, 8)


def test_the_report_names_what_the_file_would_create_so_typos_are_seen(edition):
    import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition)
    data = csv_file(
        row(track="个人赛", code="NO.1", direction="框架开发", contributors="MEGEMINI"),
        row(track="camp", code="项目一", batch="正试批", direction="新方向", contributors="newbie"),
    )

    report = import_tasks(data, "tasks.csv", edition, dry_run=True)

    assert (report.new_tracks, report.new_directions, report.new_batches, report.new_people) == (
        ["个人赛"],
        ["新方向"],
        ["护航计划集训营: 正试批"],
        ["newbie"],
    )
    assert "New tracks: 个人赛." in report.summary_lines()
    again = import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition, dry_run=True)
    assert (again.new_tracks, again.new_batches, again.new_people) == ([], [], [])


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_command_shows_a_progress_bar_on_a_terminal_only(edition, tmp_path):
    path = tmp_path / "paddle6.csv"
    path.write_bytes(PADDLE6.read_bytes())
    terminal, pipe = Terminal(), io.StringIO()

    call_command("import_tasks", str(path), edition="6th", dry_run=True, stdout=io.StringIO(),
                 stderr=terminal)  # fmt: skip
    call_command("import_tasks", str(path), edition="6th", dry_run=True, stdout=io.StringIO(),
                 stderr=pipe)  # fmt: skip

    bar = terminal.getvalue()
    assert "Writing: 100%" in bar
    assert "92/92" in bar
    assert pipe.getvalue() == ""


def test_an_import_tells_its_progress_in_each_pass(edition, monkeypatch):
    monkeypatch.setattr("tasks.importing.PROGRESS_EVERY", 30)
    monkeypatch.setattr("tasks.importing.BATCH_SIZE", 50)
    told = []

    import_tasks(PADDLE6.read_bytes(), "paddle6.csv", edition,
                 progress=lambda *args: told.append(args))  # fmt: skip

    assert told == [
        ("checking", 30, None),
        ("checking", 60, None),
        ("checking", 90, None),
        ("writing", 50, 92),
        ("writing", 92, 92),
    ]
