"""Streamed exports: CSV (UTF-8 with a BOM), XLSX and JSON arrays, written from row generators.

An export is a header (column names) and an iterable of rows (tuples in the header's order). The
rows come from generators over querysets read with ``.iterator()``, and the writers here yield
bytes as they go, so neither side ever holds the whole table: memory stays flat however long the
list. Spreadsheet cells that start with = + - @ (or a tab or carriage return) are neutralised with a
leading single quote, so that Excel or LibreOffice never read a name or a title as a formula.
"""

import csv
import datetime
import json
import tempfile
from decimal import Decimal

from django.http import StreamingHttpResponse
from openpyxl import Workbook

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000  # rows per fetch of the querysets' iterators
XLSX_READ_SIZE = 64 * 1024

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_TYPE = "application/json"


def neutralise(value):
    """A text a spreadsheet would read as a formula, with a quote in front ("=1+1" → "'=1+1")."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return neutralise(str(value))


class _Line:
    """A file-like object whose write() returns what it is given: csv.writer then makes lines."""

    def write(self, text):
        return text


def csv_stream(header, rows):
    """The CSV file, line by line as UTF-8 bytes, the BOM first (Excel on Windows then reads
    Chinese correctly)."""
    writer = csv.writer(_Line())
    yield (BOM + writer.writerow(header)).encode()
    for row in rows:
        yield writer.writerow([csv_text(value) for value in row]).encode()


def xlsx_cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones
    return neutralise(value)


def xlsx_stream(header, rows, title="Export"):
    """The XLSX file in chunks of bytes.

    openpyxl's write-only workbook writes each row to a temporary file as it is appended, and the
    finished file is read back from disk in chunks: neither holds the rows in memory.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(XLSX_READ_SIZE):
            yield chunk


def json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def json_stream(header, rows):
    """A JSON array of objects keyed by the header, written one object at a time."""
    yield b"["
    separator = b""
    for row in rows:
        item = {name: json_value(value) for name, value in zip(header, row, strict=True)}
        yield separator + json.dumps(item, ensure_ascii=False).encode()
        separator = b","
    yield b"]"


WRITERS = {
    "csv": (csv_stream, CSV_TYPE),
    "xlsx": (xlsx_stream, XLSX_TYPE),
    "json": (json_stream, JSON_TYPE),
}


def stream(format, header, rows):
    """The bytes of the export in the given format (csv, xlsx or json)."""
    writer, _ = WRITERS[format]
    return writer(header, rows)


def export_response(format, header, rows, filename):
    """A download of the export, streamed as it is written."""
    _, content_type = WRITERS[format]
    response = StreamingHttpResponse(stream(format, header, rows), content_type=content_type)
    disposition = "inline" if format == "json" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.{format}"'
    return response
