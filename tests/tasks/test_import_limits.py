"""Imports that protect the server: files built to take its time or memory are refused quickly,
with a message that names the limit; any bytes give a report or a list of errors.

The limits are module constants of tasks/importing.py, read when a file is read: tests that need a
small limit set it with monkeypatch.
"""

import csv
import datetime
import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from participants.models import Participant
from tasks import importing
from tasks.importing import ImportRejected, detect_encoding, import_tasks, read_header
from tasks.models import Direction, Task, Work
from tests.factories import EditionFactory
from tracks.models import Track

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

HEADER = ["track", "code", "title", "direction", "status", "contributors"]
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def edition(db):
    return EditionFactory(number=6, slug="6th", yuan_per_star=2000)


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Task, Work, Participant, Direction, Track)
    }


def rejected(data, edition, filename="tasks.csv"):
    """The errors of a rejected file, as (line, message); asserts that nothing changed."""
    before = table_counts()
    with pytest.raises(ImportRejected) as caught:
        import_tasks(data, filename, edition)
    assert table_counts() == before
    return [(error.line, error.message) for error in caught.value.errors]


def csv_bytes(*rows, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def workbook_bytes(cells: dict[tuple[int, int], object]) -> bytes:
    """A workbook whose first sheet holds ``cells`` by (row, column)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for (row, column), value in cells.items():
        sheet.cell(row=row, column=column, value=value)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def with_sheet(workbook: bytes, change) -> bytes:
    """``workbook`` with its first sheet's XML replaced by ``change(xml)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == SHEET:
                content = change(content)
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def header_cells(row=1):
    return {(row, column): name for column, name in enumerate(HEADER, start=1)}


def data_cells(row, contributors="alice", code=None):
    values = ["individual", code or f"NO.{row}", "标题", "框架开发", "completed", contributors]
    return {(row, column): value for column, value in enumerate(values, start=1)}


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


# Workbooks: gaps and dimensions ----------------------------------------------------------------


def test_xlsx_cell_at_the_last_row_is_refused_at_its_line_without_reading_the_gap(edition):
    data = workbook_bytes({**header_cells(), **data_cells(2), (1_048_576, 1): "x"})

    with Timer() as timer:
        errors = rejected(data, edition, "tasks.xlsx")

    assert errors == [
        (1_048_576, "The file has more than 1,000,000 rows (line 1,048,576): split it.")
    ]
    assert timer.seconds < 2  # openpyxl's own reader made a million empty rows: 30 minutes


def test_xlsx_row_after_a_gap_keeps_its_spreadsheet_line(edition):
    data = workbook_bytes(
        {**header_cells(), **data_cells(2), **data_cells(500_000, contributors=None)}
    )

    with Timer() as timer:
        errors = rejected(data, edition, "tasks.xlsx")

    assert errors == [(500_000, "Status “completed” needs contributors.")]
    assert timer.seconds < 2


def test_xlsx_rows_after_gaps_import_with_their_lines(edition):
    data = workbook_bytes({**header_cells(), **data_cells(3), **data_cells(900_000)})

    assert list(importing.xlsx_table(io.BytesIO(data))) == [
        (1, HEADER),
        (3, ["individual", "NO.3", "标题", "框架开发", "completed", "alice"]),
        (900_000, ["individual", "NO.900000", "标题", "框架开发", "completed", "alice"]),
    ]
    report = import_tasks(data, "tasks.xlsx", edition)
    assert (report.rows, report.tasks.created) == (2, 2)


def test_xlsx_whose_dimension_claims_the_whole_sheet_pads_nothing(edition):
    data = with_sheet(
        workbook_bytes({**header_cells(), **data_cells(2)}),
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    assert b"A1:XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)

    with Timer() as timer:
        rows = list(importing.xlsx_table(io.BytesIO(data)))
        report = import_tasks(data, "tasks.xlsx", edition)

    assert rows == [
        (1, HEADER),
        (2, ["individual", "NO.2", "标题", "框架开发", "completed", "alice"]),
    ]
    assert report.rows == 1
    assert timer.seconds < 2


def test_xlsx_empty_cells_far_right_are_dropped_unread(edition):
    data = with_sheet(
        workbook_bytes({**header_cells(), **data_cells(2)}),
        lambda xml: xml.replace(b"</row>", b'<c r="XFD1" s="0"/></row>', 1),
    )

    report = import_tasks(data, "tasks.xlsx", edition)

    assert report.rows == 1


def test_xlsx_text_beyond_the_column_limit_is_refused_with_its_line(edition):
    data = workbook_bytes({**header_cells(), **data_cells(2), **data_cells(3), (3, 201): "x"})

    assert rejected(data, edition, "tasks.xlsx") == [
        (3, "Line 3 has text beyond column 200: an import file has at most 200 columns.")
    ]


def test_xlsx_cell_longer_than_the_limit_is_refused_with_its_line(edition):
    long = "长" * 131_073
    data = with_sheet(
        workbook_bytes({**header_cells(), **data_cells(2)}),
        lambda xml: xml.replace(
            b"</sheetData>",
            f'<row r="4"><c r="C4" t="inlineStr"><is><t>{long}</t></is></c></row>'.encode()
            + b"</sheetData>",
        ),
    )

    assert rejected(data, edition, "tasks.xlsx") == [
        (4, "Line 4 has a cell longer than 131,072 characters.")
    ]


def test_xlsx_rows_out_of_order_are_a_damaged_sheet(edition):
    data = with_sheet(
        workbook_bytes({**header_cells(), **data_cells(2), **data_cells(3)}),
        lambda xml: xml.replace(b'<row r="3"', b'<row r="2"'),
    )

    assert rejected(data, edition, "tasks.xlsx") == [
        (3, "The first sheet cannot be read after line 2.")
    ]


# Workbooks: zip bombs --------------------------------------------------------------------------


def empty_rows_bomb(rows=2_700_000) -> bytes:
    """A workbook whose sheet is a header and ``rows`` empty rows: small packed, large unpacked."""
    base = workbook_bytes(header_cells())
    empty = b'<row spans="1:6"/>' * rows
    return with_sheet(
        base,  # without a dimension, openpyxl reads every row
        lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml).replace(
            b"</sheetData>", empty + b"</sheetData>"
        ),
    )


def test_xlsx_of_empty_rows_is_refused_by_its_ratio_before_it_is_read(edition):
    data = empty_rows_bomb()
    part = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    ratio = part.file_size // part.compress_size
    assert len(data) < 200_000 < 48_000_000 < part.file_size
    assert ratio > 100

    with Timer() as timer:
        errors = rejected(data, edition, "tasks.xlsx")

    assert errors == [
        (
            0,
            f"The workbook's part {SHEET} unzips to {ratio:,} times its packed size, more than "
            "100 times: the sheet holds mostly empty rows or cells. Delete them, or save the "
            "sheet as CSV UTF-8.",
        )
    ]
    assert timer.seconds < 1  # 74 s before: the rows were read


def test_xlsx_larger_than_the_limit_once_unzipped_is_refused(edition, monkeypatch):
    data = workbook_bytes({**header_cells(), **data_cells(2)})
    size = sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr(importing, "MAX_XLSX_SIZE", size - 1)

    assert rejected(data, edition, "tasks.xlsx") == [
        (
            0,
            f"The workbook unzips to {size:,} bytes, more than the {size - 1:,} an import reads: "
            "save it as CSV UTF-8.",
        )
    ]


def test_xlsx_of_too_many_parts_is_refused_before_its_directory_is_read(edition, monkeypatch):
    monkeypatch.setattr(importing, "MAX_XLSX_PARTS", 5)
    data = workbook_bytes({**header_cells(), **data_cells(2)})

    assert rejected(data, edition, "tasks.xlsx") == [
        (0, "The workbook has more than 5 parts: it is not a spreadsheet.")
    ]


def test_workbook_without_a_worksheet_is_not_readable(edition):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")

    assert rejected(out.getvalue(), edition, "tasks.xlsx") == [
        (0, "The file is not a readable .xlsx workbook.")
    ]


# Rows, columns and size -----------------------------------------------------------------------


def test_the_row_limit_is_named_with_the_line_that_passes_it(edition, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    rows = [["individual", f"NO.{n}", "标题", "", "completed", "alice"] for n in range(1, 5)]

    assert rejected(csv_bytes(HEADER, *rows), edition) == [
        (5, "The file has more than 3 rows (line 5): split it.")
    ]
    assert import_tasks(csv_bytes(HEADER, *rows[:3]), "tasks.csv", edition).rows == 3


def test_the_default_row_limit_lets_a_million_rows_in():
    assert importing.MAX_ROWS == 1_000_000  # bench_import --rows 1000000
    assert importing.too_many_rows(1_000_002) == (
        "The file has more than 1,000,000 rows (line 1,000,002): split it."
    )


def test_header_of_sixty_thousand_columns_is_refused_at_once(edition):
    header = [*HEADER, *(f"extra{n}" for n in range(60_000))]

    with Timer() as timer:
        errors = rejected(csv_bytes(header), edition)

    assert errors == [
        (1, "Line 1 has text beyond column 200: an import file has at most 200 columns.")
    ]
    assert timer.seconds < 1  # 71 s before


def test_duplicate_columns_are_found_in_one_pass_over_a_long_header():
    names = [*HEADER, *(f"extra{n}" for n in range(60_000)), "title", "extra7"]

    with Timer() as timer:
        _, errors, _ = read_header(names)

    assert [error.message for error in errors] == [
        "Column “title” appears more than once.",
        "Column “extra7” appears more than once.",
    ]
    assert timer.seconds < 1


def test_csv_text_beyond_column_200_is_refused_but_empty_cells_there_are_ignored(edition):
    row = ["individual", "NO.1", "标题", "", "completed", "alice"]
    padded = row + [""] * 10_000

    assert import_tasks(csv_bytes(HEADER, padded), "tasks.csv", edition).rows == 1
    assert rejected(csv_bytes(HEADER, row, [*padded[:200], "x"]), edition) == [
        (3, "Line 3 has text beyond column 200: an import file has at most 200 columns.")
    ]


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(edition, monkeypatch):
    monkeypatch.setattr(importing, "MAX_FILE_SIZE", 100)
    data = csv_bytes(HEADER, *[["individual", "NO.1", "标题", "", "open", ""]] * 5)

    assert rejected(data, edition) == [
        (0, f"The file is larger than 100 bytes (it has {len(data):,}).")
    ]


# Encodings ------------------------------------------------------------------------------------

TRADITIONAL = [
    ["individual", "NO.1", "為飛槳新增複數運算元支援", "框架開發", "completed", "alice"],
    ["individual", "NO.2", "論文復現：圖神經網路", "科學計算", "open", ""],
    ["individual", "NO.3", "基礎設施建設與測試驗證", "套件建設", "completed", "bob"],
]
JAPANESE = [
    ["individual", "NO.1", "機械学習の高速化", "フレームワーク開発", "completed", "x"],
    ["individual", "NO.2", "論文の再現とテスト", "科学計算", "open", ""],
    ["individual", "NO.3", "ドキュメントの翻訳を改善する", "基盤整備", "completed", "b"],
]
KOREAN = [
    ["individual", "NO.1", "딥러닝 프레임워크 성능 개선", "프레임워크 개발", "completed", "alice"],
    ["individual", "NO.2", "논문 재현 및 테스트 검증", "과학 계산", "open", ""],
    ["individual", "NO.3", "문서 번역과 인프라 구축", "인프라 구축", "completed", "bob"],
]
# Simplified Chinese as organizers write it, with rare but real characters: names in GBK only
# (堃, 喆, 珺, 昇, 赟, 犇, 淼, 焱, 垚), one in GB18030's four-byte range (𠮷) and 䶮 (CJK Ext. A).
SIMPLIFIED = [
    ["individual", "NO.1", "为飞桨新增复数算子支持", "框架开发", "completed", "zhang-kun"],
    ["individual", "NO.2", "论文复现：图神经网络（堃、喆）", "科学计算", "open", ""],
    ["individual", "NO.3", "基础设施建设与测试验证", "套件建设", "completed", "wang-zhe"],
    ["individual", "NO.4", "珺昇赟犇淼焱垚𠮷䶮的名字也能导入", "基础设施建设", "completed", "li"],
    ["individual", "NO.5", "⭐⭐ 稀疏计算：鑫、龘、镕、槊", "框架开发", "open", ""],
]


@pytest.mark.parametrize(
    ("rows", "encoding", "name"),
    [
        (TRADITIONAL, "big5", "Big5 (Traditional Chinese)"),
        (JAPANESE, "shift_jis", "Shift-JIS (Japanese)"),
        (JAPANESE, "cp932", "Shift-JIS (Japanese)"),
        (KOREAN, "euc_kr", "EUC-KR (Korean)"),
    ],
)
def test_other_east_asian_encodings_are_refused_naming_them(edition, rows, encoding, name):
    data = csv_bytes(HEADER, *rows, encoding=encoding)

    assert rejected(data, edition) == [(0, f"This looks like {name} text: save it as CSV UTF-8.")]


def test_big5_directions_no_longer_import_garbled(edition):
    data = csv_bytes(HEADER, *TRADITIONAL, encoding="big5")
    garbled = data.decode("gb18030").splitlines()[1].split(",")[3]
    assert garbled == "\ue1af琜秨祇"  # what was imported as the direction of 框架開發

    rejected(data, edition)

    assert not Direction.objects.filter(name=garbled).exists()


def test_gb18030_with_rare_characters_imports_its_directions_and_titles(edition):
    data = csv_bytes(HEADER, *SIMPLIFIED, encoding="gb18030")

    report = import_tasks(data, "tasks.csv", edition)

    assert report.rows == 5
    assert sorted(Task.objects.values_list("title", flat=True)) == sorted(
        row[2] for row in SIMPLIFIED
    )
    assert report.new_directions == []  # all five exist from the start
    assert set(Task.objects.values_list("direction__name", flat=True)) == {
        "框架开发",
        "科学计算",
        "套件建设",
        "基础设施建设",
    }


def test_encoding_is_detected_in_chunks_with_flat_memory(tmp_path):
    path = tmp_path / "large.csv"
    row = ",".join(SIMPLIFIED[0]) + "\n"
    with path.open("w", encoding="gb18030") as file:
        file.write(",".join(HEADER) + "\n")
        file.writelines([row * 1000] * 400)  # 24 MB
    assert path.stat().st_size > 20_000_000

    tracemalloc.start()
    try:
        with path.open("rb") as file:
            encoding = detect_encoding(file)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert encoding == "gb18030"
    assert peak < 12_000_000  # about 1 MB read, 4 MB decoded, 1 MB sampled


# Fuzzing: any bytes give a report or a list of errors, and a rejection changes nothing ----------

FUZZ = hypothesis_settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def import_or_rejection(data: bytes, filename: str, edition):
    """Import ``data``; a rejection must list its errors and change nothing."""
    before = table_counts()
    try:
        report = import_tasks(data, filename, edition)
    except ImportRejected as rejection:
        assert rejection.errors
        assert all(isinstance(error.line, int) and error.message for error in rejection.errors)
        assert table_counts() == before
        event("rejected")
        return rejection
    event("imported")
    assert report.rows >= 0
    return report


cell_text = st.one_of(
    st.sampled_from(["individual", "camp", "open", "completed", "NO.1", "⭐⭐", "alice", "框架"]),
    st.text(max_size=12),
)
csv_rows = st.lists(st.lists(cell_text, min_size=0, max_size=8), min_size=0, max_size=6).map(
    lambda rows: [HEADER, *rows]
)


@hypothesis_settings(FUZZ, max_examples=100)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.tuples(csv_rows, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5"])).map(
            lambda pair: csv_bytes(*pair[0], encoding=pair[1] if pair[1] != "big5" else "utf-8")
        ),
        csv_rows.map(lambda rows: csv_bytes(*rows, encoding="utf-8")).flatmap(
            lambda data: st.integers(0, len(data)).map(lambda cut: data[:cut] + b"\xa4\x40")
        ),
    )
)
def test_fuzz_csv_bytes_give_a_report_or_errors(edition, data):
    import_or_rejection(data, "tasks.csv", edition)


@hypothesis_settings(FUZZ, max_examples=40)
@given(data=st.binary(max_size=400))
def test_fuzz_xlsx_arbitrary_bytes_give_errors(edition, data):
    import_or_rejection(data, "tasks.xlsx", edition)


cell_values = st.one_of(
    cell_text.filter(lambda text: not text.startswith("=")),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.booleans(),
)


@hypothesis_settings(FUZZ, max_examples=30)
@given(
    cells=st.dictionaries(
        st.tuples(
            st.one_of(st.integers(1, 8), st.integers(1, 1_048_576)),
            st.one_of(st.integers(1, 8), st.integers(1, 16_384)),
        ),
        cell_values,
        max_size=12,
    ),
    header=st.booleans(),
)
def test_fuzz_valid_workbooks_with_any_cells_give_a_report_or_errors(edition, cells, header):
    try:
        data = workbook_bytes({**(header_cells() if header else {}), **cells})
    except (ValueError, openpyxl.utils.exceptions.IllegalCharacterError):
        return  # openpyxl cannot write it (control characters): not a workbook anybody has
    import_or_rejection(data, "tasks.xlsx", edition)


VALID_WORKBOOK = workbook_bytes({**header_cells(), **data_cells(2), **data_cells(3)})
# The same workbook unpacked (ZIP_STORED): changed bytes fall in its XML rather than its deflate.
STORED_WORKBOOK = io.BytesIO()
with (
    zipfile.ZipFile(io.BytesIO(VALID_WORKBOOK)) as source,
    zipfile.ZipFile(STORED_WORKBOOK, "w", zipfile.ZIP_STORED) as target,
):
    for item in source.infolist():
        target.writestr(item.filename, source.read(item))
STORED_WORKBOOK = STORED_WORKBOOK.getvalue()


@hypothesis_settings(FUZZ, max_examples=60)
@given(
    base=st.sampled_from([VALID_WORKBOOK, STORED_WORKBOOK]),
    changes=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_fuzz_mutated_workbook_bytes_give_a_report_or_errors(edition, base, changes, cut):
    data = bytearray(base)
    for position, value in changes:
        data[int(position * len(data))] = value
    cut = None if cut is None else int(cut * len(data))
    import_or_rejection(bytes(data[:cut]), "tasks.xlsx", edition)
