import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from hackathon.exports import csv_stream, json_stream, neutralise, xlsx_stream


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
