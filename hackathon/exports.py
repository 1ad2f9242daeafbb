"""Streamed exports: CSV (UTF-8 with a BOM), XLSX and JSON arrays, written from row generators.

An export is a header (column names) and an iterable of rows (tuples in the header's order). The
rows come from generators over querysets read with ``.iterator()``, and the writers here yield
bytes as they go, so neither side ever holds the whole table: memory stays flat however long the
list. Spreadsheet cells that start with = + - @ (or a tab or carriage return) are neutralised with a
leading single quote, so that Excel or LibreOffice never read a name or a title as a formula.
"""

import csv
import datetime
import itertools
import json
import os
import sys
import tempfile
import unicodedata
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from hackathon.commands import edition_or_error

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000  # rows per fetch of the querysets' iterators
XLSX_READ_SIZE = 64 * 1024
XLSX_MEASURED = 200  # rows whose cells set the columns' widths

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_TYPE = "application/json"

# The formats the site's downloads take (anybody's), and the organizers' exports (the admin's and
# the commands'): spreadsheets for people who pay rewards and print certificates.
PUBLIC_FORMATS = ("csv", "json")
ORGANIZER_FORMATS = ("csv", "xlsx")


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
    """The XLSX file in chunks of bytes: a sheet to work in as it opens, its header frozen and
    filterable, its columns as wide as their header or first rows' cells.

    openpyxl's write-only workbook writes each row to a temporary file as it is appended, and the
    finished file is read back from disk in chunks: neither holds the rows in memory. Column
    widths must be set before the first row is written, so they are measured on the first
    XLSX_MEASURED_ROWS rows, held back until then.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    rows = iter(rows)
    first = [[xlsx_cell(value) for value in row] for row in itertools.islice(rows, XLSX_MEASURED)]
    for index, width in enumerate(column_widths(header, first), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(list(header))
    count = 0
    for row in itertools.chain(first, ([xlsx_cell(value) for value in row] for row in rows)):
        sheet.append(row)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{count + 1}"
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(XLSX_READ_SIZE):
            yield chunk


def column_widths(header, rows):
    """Widths in characters for each column: its longest text among the header (plus room for
    the filter button) and ``rows``, a CJK character counted twice, within 8 to 60."""
    widths = [display_width(name) + 3 for name in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], display_width(value))
    return [min(max(width + 1, 8), 60) for width in widths]


def display_width(value):
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


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


def format_or_404(format, formats=PUBLIC_FORMATS):
    """The format a download's address ends with (its URL takes any), or a 404."""
    if format not in formats:
        names = " or ".join(name.upper() for name in formats)
        raise Http404(f"Exports are {names}.")
    return format


def export_response(format, header, rows, filename):
    """A download of the export, streamed as it is written."""
    _, content_type = WRITERS[format]
    response = StreamingHttpResponse(stream(format, header, rows), content_type=content_type)
    # Names may hold any character (a track's slug is what its organizers typed, e.g. 优秀稿件):
    # Django's helper writes RFC 6266's filename*=utf-8''… for those, which browsers read.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=format != "json", filename=f"{filename}.{format}"
    )
    return response


class ExportCommand(BaseCommand):
    """A command that writes one of an edition's exports as CSV (UTF-8 with a BOM) or XLSX, to
    standard output or a file: ``--edition SLUG --format csv|xlsx [--output FILE]``. Subclasses
    give ``header`` and ``rows(edition)``."""

    header: list[str] = []

    def rows(self, edition):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--edition", required=True, help="the edition's slug")
        parser.add_argument("--format", default="csv", help="csv (the default) or xlsx")
        parser.add_argument("--output", help="the file to write; standard output when omitted")

    def handle(self, *args, edition, format, output, **options):
        if format not in ORGANIZER_FORMATS:
            raise CommandError(f"Unknown format “{format}”: choose csv or xlsx.")
        edition = edition_or_error(edition)
        chunks = stream(format, self.header, self.rows(edition))
        if output:
            with open(output, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
            return
        # Bytes, not text: an XLSX file is binary, and the CSV's BOM must come through as is.
        target = getattr(self.stdout._out, "buffer", None) or sys.stdout.buffer
        try:
            for chunk in chunks:
                target.write(chunk)
            target.flush()
        except BrokenPipeError:
            # The reader stopped early (`| head`): stop too, quietly, as command-line tools do.
            chunks.close()
            os.dup2(os.open(os.devnull, os.O_WRONLY), target.fileno())
