import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from github_sync.issue_table import import_issue_table
from github_sync.tracking_issue import markdown
from tasks.choices import WorkStatus
from tasks.importing import ImportRejected, import_tasks
from tasks.models import Work
from tasks.stats import Figures, track_figures
from tests.factories import EditionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]
SEVENTH = Path(__file__).parent / "data" / "tracking_issue_7th.md"


def figures(edition):
    return list(track_figures(edition).values())


def test_a_tracking_issue_in_the_organizers_layout_imports_its_tasks_and_work(db):
    edition = EditionFactory(number=7, slug="7th")

    report = import_issue_table(SEVENTH.read_text(), edition, track="individual")

    assert (report.tasks.created, report.works.created, report.people.created) == (6, 5, 5)
    works = sorted(
        (w.task.code, w.identity, w.status, w.pr_urls, w.task.direction.name)
        for w in Work.objects.select_related("task__direction")
    )
    assert works == [
        ("NO.1", "people:chen-lun-hao", WorkStatus.COMPLETED,
         "https://github.com/PaddlePaddle/Paddle/pull/68294", "框架开发"),
        ("NO.2", "people:megemini", WorkStatus.PR_SUBMITTED,
         "https://github.com/PaddlePaddle/Paddle/pull/68301", "框架开发"),
        ("NO.2", "people:nknan", WorkStatus.CLAIMED, "", "框架开发"),
        ("NO.3", "people:zbt78", WorkStatus.CLAIMED, "", "框架开发"),
        ("NO.6", "people:andpuqing", WorkStatus.COMPLETED,
         "https://github.com/PaddlePaddle/PaddleScience/pull/1001", "科学计算"),
    ]  # fmt: skip
    # The board below the table says 5 tasks, 3 submitted, 2 completed: so do the figures.
    assert figures(edition) == [
        Figures(tasks_published=5, tasks_submitted=3, tasks_completed=2, participants=5,
                developers_completed=2)
    ]  # fmt: skip
    task = edition.tracks.get().tasks.get(code="NO.1")
    assert (task.stars, task.issue_url) == (
        2,
        "https://github.com/PaddlePaddle/Paddle/issues/68242",
    )
    assert edition.tracks.get().tasks.get(code="NO.4").withdrawn is True


def test_importing_the_same_issue_twice_changes_nothing(db):
    edition = EditionFactory(number=7, slug="7th")
    import_issue_table(SEVENTH.read_text(), edition, track="individual")

    again = import_issue_table(SEVENTH.read_text(), edition, track="individual")

    assert again.changed is False


def test_the_written_tracking_issue_imports_back_with_the_same_figures(db):
    source = EditionFactory(number=7, slug="7th")
    csv = (Path(__file__).parents[1] / "tasks" / "data" / "paddle6.csv").read_bytes()
    import_tasks(csv, "paddle6.csv", source)
    copy = EditionFactory(number=8, slug="8th")

    for track in source.tracks.all():
        report = import_issue_table(markdown(track), copy, track=track.name)
        # The written board and stats line agree with the written tables.
        assert report.warnings == [], track.name

    assert figures(copy) == figures(source)


def test_bad_rows_are_named_by_their_markdown_line_and_nothing_is_written(db):
    edition = EditionFactory(number=7, slug="7th")
    text = SEVENTH.read_text().replace("| 5 | ⭐️⭐️ |", "| 5 | 7.0005 |")

    with pytest.raises(ImportRejected) as caught:
        import_issue_table(text, edition, track="individual")

    assert [error.line for error in caught.value.errors] == [13]
    assert Work.objects.count() == 0


def test_the_command_reads_a_file_and_refuses_text_without_a_task_table(db, tmp_path):
    EditionFactory(number=7, slug="7th")
    out = io.StringIO()
    call_command("import_issue_table", str(SEVENTH), edition="7th", track="individual",
                 dry_run=True, stdout=out)  # fmt: skip
    assert out.getvalue().splitlines()[:2] == ["Dry run: nothing was saved.", "7 rows read."]

    empty = tmp_path / "empty.md"
    empty.write_text("# Nothing here\n\n| a | b |\n| - | - |\n| 1 | 2 |\n")
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_issue_table", str(empty), edition="7th", track="individual",
                     stderr=io.StringIO())  # fmt: skip


def test_the_issues_own_board_and_stats_line_agree_with_its_tables(db):
    report = import_issue_table(
        SEVENTH.read_text(), EditionFactory(number=7, slug="7th"), track="individual"
    )

    assert report.warnings == []


def test_a_board_or_stats_line_that_disagrees_is_a_warning_on_its_line(db):
    text = SEVENTH.read_text()
    text = text.replace(
        "| 框架开发 | 4 | 2 | 50% | 1 | 25% |", "| 框架开发 | 4 | 3 | 75% | 1 | 25% |"
    )
    text = text.replace(
        "> 排名不分先后 @Chen-Lun-Hao (1)", "> 排名不分先后 @Chen-Lun-Hao (1) @zbt78 (1)"
    )
    edition = EditionFactory(number=7, slug="7th")

    with translation.override("en"):
        report = import_issue_table(text, edition, track="individual", dry_run=True)

    assert [str(warning) for warning in report.warnings] == [
        "line 25: The issue's board says 5 / 4 / 2 (tasks, with a submission, completed); its "
        "tables give 5 / 3 / 2.",
        "line 30: The issue's stats line names 3 people; its tables give 2 who completed work.",
    ]
    assert Work.objects.count() == 0  # a dry run still
