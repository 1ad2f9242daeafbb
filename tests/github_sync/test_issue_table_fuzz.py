"""A tracking issue's Markdown import on hostile input: any bytes give an import report or a
rejection that lists its errors and changes nothing; a Markdown too long to parse quickly is
refused before it is parsed."""

import time

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from github_sync import issue_table
from github_sync.issue_table import import_issue_table
from hackathon.admin_import import run_import
from participants.models import Participant
from tasks.importing import ImportRejected
from tasks.models import Direction, Task, Work
from tests.factories import EditionFactory
from tracks.models import Track

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

FUZZ = hypothesis_settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.fixture
def edition(db):
    return EditionFactory(number=7, slug="7th")


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Task, Work, Participant, Direction, Track)
    }


def import_or_rejection(edition, data: bytes, track="individual"):
    """Import ``data`` as the admin does an uploaded .md file; a rejection must list its errors
    and change nothing."""
    before = table_counts()
    try:
        report = run_import(data, "issue.md", edition, {"track": track, "batch": ""})
    except ImportRejected as rejection:
        assert rejection.errors
        assert all(isinstance(error.line, int) and error.message for error in rejection.errors)
        assert table_counts() == before
        event("rejected")
        return rejection
    event("imported")
    assert report.rows >= 1
    return report


def test_markdown_longer_than_the_limit_is_refused_before_it_is_parsed(edition):
    text = "![" * 150_001  # markdown-it takes seconds over such a text

    started = time.perf_counter()
    with pytest.raises(ImportRejected) as caught:
        import_issue_table(text, edition, track="individual")

    assert [(error.line, error.message) for error in caught.value.errors] == [
        (
            0,
            "The Markdown has more than 200,000 characters (it has 300,002): a GitHub issue "
            "holds at most 65,536.",
        )
    ]
    assert time.perf_counter() - started < 0.5
    assert issue_table.MAX_MARKDOWN_LENGTH == 200_000


def test_the_markdown_limit_is_read_when_a_file_is_imported(edition, monkeypatch):
    monkeypatch.setattr(issue_table, "MAX_MARKDOWN_LENGTH", 10)

    with pytest.raises(ImportRejected) as caught:
        import_issue_table("| 序号 | 任务标题 |\n", edition, track="individual")

    assert caught.value.errors[0].message == (
        "The Markdown has more than 10 characters (it has 14): a GitHub issue holds at most 65,536."
    )


HEADERS = ["序号", "难度", "任务标题", "队伍名称/状态/PR", "完成队伍", "结营成绩", "导师", "x"]
CELLS = st.one_of(
    st.sampled_from(
        [
            "1",
            "NO.2",
            "~~3~~",
            "⭐️⭐️",
            "@alice",
            "@bob<br>@carol",
            '@dave <img src="https://img.shields.io/badge/状态-完成任务-2ECC71" />',
            '<img src="https://img.shields.io/badge/状态-x-2ECC71" />',
            "[为 Paddle 新增 API](https://github.com/a/b/issues/1)",
            "[#1](https://github.com/a/b/pull/1)",
            "锁定",
            "优秀",
            "通过",
            "",
        ]
    ),
    st.text(max_size=20).map(lambda text: text.replace("|", "\\|").replace("\n", " ")),
)


@st.composite
def tables(draw):
    """A Markdown text with a task table: a heading, a header row of known and unknown columns,
    its delimiter row, and rows of cells drawn from what tracking issues hold and anything."""
    if draw(st.booleans()):  # the organizers' layout, with cells close to theirs
        columns = HEADERS[:5]
        row = st.tuples(
            st.sampled_from(["1", "2", "NO.3", "~~4~~", "五"]) | CELLS,
            st.sampled_from(["⭐️⭐️", "0.5", "最高0.2⭐", ""]) | CELLS,
            st.sampled_from(["[为 Paddle 新增 API](https://github.com/a/b/issues/1)", "标题"])
            | CELLS,
            CELLS,
            CELLS,
        ).map(list)
        rows = draw(st.lists(row, max_size=5))
    else:
        columns = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6))
        if draw(st.booleans()):
            columns = ["序号", "任务标题", *columns]
        rows = draw(st.lists(st.lists(CELLS, max_size=len(columns) + 1), max_size=5))
    heading = draw(st.sampled_from(["", "### 框架开发\n\n", "### 任务\n\n", "# x\n"]))
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return heading + "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n~~x~~\n"]))


@hypothesis_settings(FUZZ, max_examples=60)
@given(data=st.binary(max_size=300))
def test_fuzz_markdown_bytes_give_a_report_or_errors(edition, data):
    import_or_rejection(edition, data)


@hypothesis_settings(FUZZ, max_examples=60)
@given(text=st.text(max_size=300))
def test_fuzz_markdown_text_gives_a_report_or_errors(edition, text):
    import_or_rejection(edition, text.encode("utf-8", errors="surrogatepass"))


@hypothesis_settings(FUZZ, max_examples=60)
@given(text=tables(), track=st.sampled_from(["individual", "camp", "fundable", "其他"]))
def test_fuzz_markdown_tables_give_a_report_or_errors(edition, text, track):
    import_or_rejection(edition, text.encode(), track)
