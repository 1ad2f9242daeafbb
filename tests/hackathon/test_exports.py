import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from hackathon.exports import csv_stream, export_response, json_stream, neutralise, xlsx_stream
from tests.factories import TrackFactory, WorkFactory


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 10 1234", "'+86 10 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("飞桨", "飞桨"),
        (-2, -2),
        (None, None),
    ],
)
def test_cells_a_spreadsheet_would_read_as_formulas_get_a_quote(value, expected):
    assert neutralise(value) == expected


def test_csv_is_utf8_with_a_bom_one_line_per_chunk():
    chunks = list(
        csv_stream(["a", "b"], [["飞桨", Decimal("2.5")], [None, datetime.date(2025, 1, 26)]])
    )

    assert chunks == [
        "\ufeffa,b\r\n".encode(),
        "飞桨,2.5\r\n".encode(),
        b",2025-01-26\r\n",
    ]
    assert list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig")))) == [
        ["a", "b"],
        ["飞桨", "2.5"],
        ["", "2025-01-26"],
    ]


def test_xlsx_cells_are_values_never_formulas():
    data = b"".join(xlsx_stream(["title", "stars"], [["=1+1", Decimal("0.5")]]))

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["title", "stars"],
        ["'=1+1", 0.5],
    ]
    assert sheet["A2"].data_type == "s"


def test_json_is_an_array_written_an_object_at_a_time():
    chunks = list(json_stream(["title", "stars"], [["=1+1", Decimal("0.5")], ["飞桨", None]]))

    assert chunks[0] == b"[" and chunks[-1] == b"]"
    assert len(chunks) == 4
    assert json.loads(b"".join(chunks)) == [
        {"title": "=1+1", "stars": 0.5},
        {"title": "飞桨", "stars": None},
    ]
    assert json.loads(b"".join(json_stream(["a"], []))) == []


@pytest.mark.django_db
def test_a_download_named_in_chinese_gets_an_rfc_6266_filename(client):
    """A track of another kind has the slug its organizers typed, e.g. 优秀稿件: the file's name
    is percent-encoded UTF-8 (filename*), which every browser reads, not a MIME word."""
    track = TrackFactory(
        edition__slug="6th", edition__is_public=True, kind="other", name="优秀稿件征集与传播",
        slug="优秀稿件",
    )  # fmt: skip
    WorkFactory(task__track=track, contributors=["alice"])

    response = client.get("/editions/6th/leaderboard.csv", {"track": "优秀稿件"})

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''leaderboard-6th-%E4%BC%98%E7%A7%80%E7%A8%BF%E4%BB%B6.csv"
    )


@pytest.mark.parametrize(
    ("format", "disposition"),
    [
        ("csv", 'attachment; filename="tasks-7th.csv"'),
        ("json", 'inline; filename="tasks-7th.json"'),
    ],
)
def test_csv_downloads_are_attachments_and_json_is_shown(format, disposition):
    response = export_response(format, ["a"], [], "tasks-7th")

    assert response["Content-Disposition"] == disposition
