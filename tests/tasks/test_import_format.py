"""The import page documents the file it takes: every column, the accepted words, and the example
to download as CSV and as a workbook, which import as docs/importing.md says."""

import csv
import html
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tasks.import_format import EXAMPLE
from tasks.importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, STATUS_WORDS
from tests.factories import EditionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def edition(db):
    return EditionFactory(number=1, slug="example", name="Example", yuan_per_star=2000)


def example_url(format):
    return reverse("admin:hackathon_edition_import_example", args=[format])


def text(page):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).strip()


def test_the_import_page_lists_every_column_and_the_accepted_words(organizer_client, edition):
    response = organizer_client.get(reverse("admin:hackathon_edition_import", args=[edition.pk]))
    page = response.content.decode()
    words = text(page)

    rows = re.findall(r'<tr><th scope="row"><code>([a-z_]+)</code></th><td>(yes|no)</td>', page)
    assert rows == [(name, "yes") for name in REQUIRED_COLUMNS] + [
        (name, "no") for name in OPTIONAL_COLUMNS
    ]
    assert (
        "stars no The task's difficulty in stars, up to 3 decimals: 2, 0.5, ⭐⭐, ⭐️⭐️, 12×⭐️, "
        "🌟🌟; 最高0.2⭐ (up to) is an upper bound decided at review." in words
    )
    assert "Completed completed, 完成任务, 完成, 已完成, 通过, 结营" in words
    assert "withdrawn: the task was cancelled withdrawn, 取消, 已取消, 撤回" in words
    assert "Excellent = 5 ⭐ 优秀, excellent" in words
    assert "Mentorship camp camp, 护航计划集训营, 飞桨护航计划集训营, 飞桨护航集训营" in words
    for status_words in STATUS_WORDS.values():
        assert ", ".join(status_words) in words
    assert f'href="{example_url("csv")}"' in page
    assert f'href="{example_url("xlsx")}"' in page


def test_the_page_reads_in_chinese_too(organizer_client, edition, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        response = organizer_client.get(
            reverse("admin:hackathon_edition_import", args=[edition.pk]),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    words = text(response.content.decode())

    assert "文件的内容" in words
    assert "已完成 completed, 完成任务, 完成, 已完成, 通过, 结营" in words
    assert "优秀 = 5 ⭐ 优秀, excellent" in words


def test_the_example_csv_is_the_documented_file(organizer_client):
    response = organizer_client.get(example_url("csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="example-import.csv"'
    assert response.content == EXAMPLE.read_bytes()


def test_the_example_workbook_holds_the_same_rows_under_a_frozen_filtered_header(organizer_client):
    response = organizer_client.get(example_url("xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as file:
        expected = list(csv.reader(file))

    assert response["Content-Disposition"] == 'attachment; filename="example-import.xlsx"'
    assert [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)] == expected
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{len(expected)}"
    # As wide as its longest cell, the fundable project's title (a CJK character counts twice).
    assert sheet.column_dimensions["C"].width == 33


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_example_imports_as_the_docs_say(organizer_client, edition, format):
    example = organizer_client.get(example_url(format)).content
    upload = SimpleUploadedFile(f"example-import.{format}", example)

    response = organizer_client.post(
        reverse("admin:hackathon_edition_import", args=[edition.pk]), {"file": upload}
    )

    report = response.context["report"]
    assert (report.dry_run, report.rows, report.warnings) == (True, 6, [])
    assert {kind: (c.created, c.updated, c.unchanged) for kind, c in report.counts().items()} == {
        "tracks": (3, 0, 0),
        "directions": (0, 0, 1),
        "tasks": (5, 0, 0),
        "people": (6, 0, 0),
        "works": (4, 0, 0),
        "contributions": (5, 0, 0),
        "mentors": (1, 0, 0),
    }


@pytest.mark.parametrize("format", ["pdf", "CSV", "csv%00"])
def test_other_formats_are_not_found(organizer_client, format):
    assert (
        organizer_client.get(f"/admin/hackathon/edition/import-example.{format}").status_code == 404
    )


def test_the_example_is_for_those_who_may_import(client):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_edition"))
    client.force_login(viewer)

    assert client.get(example_url("csv")).status_code == 403
    client.logout()
    assert client.get(example_url("csv")).status_code == 302
