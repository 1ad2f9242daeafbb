"""The organizers' import page in the admin: a preview (a dry run), then the confirmed import."""

import csv
import datetime
import io
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hackathon.admin_import import MAX_SIZE, SESSION_KEY
from participants.models import Participant
from tasks.models import Contribution, Direction, Task, Work
from tasks.stats import Figures, edition_figures
from tests.factories import EditionFactory, UserFactory, organizers_group
from tracks.models import Track

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site", "media")]

TESTS = Path(__file__).parents[1]
PADDLE6 = TESTS / "tasks" / "data" / "paddle6.csv"
COLUMNS = ["track", "code", "title", "direction", "stars", "status", "contributors", "team"]
Mentor = Task.mentors.through


@pytest.fixture
def edition(db):
    return EditionFactory(number=7, slug="7th", name="第七期", yuan_per_star=2000)


def csv_file(*rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


GOOD = csv_file(
    {"track": "individual", "code": "NO.1", "title": "lu_solve", "direction": "框架开发",
     "stars": "2", "status": "completed", "contributors": "alice"},
    {"track": "individual", "code": "NO.2", "title": "cholesky", "direction": "框架开发",
     "stars": "1", "status": "pr_submitted", "contributors": "bob"},
    {"track": "camp", "code": "项目一", "title": "CINN", "status": "completed",
     "contributors": "carol"},
    {"track": "camp", "code": "项目二", "title": "PIR", "status": "open"},
)  # fmt: skip
GOOD_FIGURES = Figures(
    tasks_published=4,
    # Past claimed: both completed pieces of work and the submitted PR.
    tasks_submitted=3,
    tasks_completed=2,
    participants=3,
    developers_completed=2,
)
BAD = csv_file(
    {"track": "individual", "code": "NO.1", "title": "lu_solve", "status": "completed",
     "contributors": "alice"},
    {"track": "individual", "code": "NO.2", "title": "cholesky", "status": "finished",
     "contributors": "bob"},
    {"track": "individual", "code": "NO.3", "title": "qr", "status": "completed"},
)  # fmt: skip
STATUS_WORDS = (
    "open, 未认领, 待认领, claimed, 报名, 锁定, 已认领, 认领, rfc_submitted, 提交RFC, design_done, "
    "完成设计文档, pr_submitted, 提交PR, partially_completed, 部分完成, completed, 完成任务, 完成, "
    "已完成, 通过, 结营, rejected, 未通过, disqualified, 取消资格, withdrawn, 取消, 已取消, 撤回"
)


def import_url(edition):
    return reverse("admin:hackathon_edition_import", args=[edition.pk])


def upload(client, edition, data=GOOD, name="tasks.csv"):
    return client.post(import_url(edition), {"file": SimpleUploadedFile(name, data)})


def confirm(client, edition, token):
    return client.post(import_url(edition), {"token": token})


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Track, Direction, Task, Participant, Work, Contribution, Mentor)
    }


def counts_table(response):
    """The preview's table: (kind, created, updated, unchanged) per row."""
    return [
        (str(label), counts.created, counts.updated, counts.unchanged)
        for label, counts in response.context["counts"]
    ]


def staged_files(media):
    folder = Path(media) / "imports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def success_messages(response):
    return [str(message) for message in response.context["messages"]]


# The form ---------------------------------------------------------------------------------------


def test_form_lists_the_columns_and_encodings(organizer_client, edition):
    response = organizer_client.get(import_url(edition))

    assert response.status_code == 200
    help_text = response.context["form"].fields["file"].help_text
    assert "UTF-8 (with or without BOM) or GB18030" in help_text
    assert "Required columns: track, code, title, status." in help_text
    assert (
        "Optional columns: direction, stars, awarded_stars, payer, reward, batch, issue_url"
        in help_text
    )
    assert help_text in response.content.decode()


def test_the_change_page_links_organizers_to_the_import(organizer_client, edition):
    response = organizer_client.get(reverse("admin:hackathon_edition_change", args=[edition.pk]))

    assert f'href="{import_url(edition)}"' in response.content.decode()
    assert "Import tasks and results" in response.content.decode()


def test_the_change_page_has_no_import_button_for_who_may_not_import(client, edition):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="change_edition"))
    client.force_login(viewer)

    response = client.get(reverse("admin:hackathon_edition_change", args=[edition.pk]))

    assert response.status_code == 200
    assert import_url(edition) not in response.content.decode()


# Preview ----------------------------------------------------------------------------------------


def test_preview_shows_the_counts_and_changes_nothing(organizer_client, edition, media):
    before = table_counts()

    response = upload(organizer_client, edition)

    assert response.status_code == 200
    assert counts_table(response) == [
        ("tracks", 2, 0, 0),
        ("directions", 0, 0, 1),
        ("tasks", 4, 0, 0),
        ("people", 3, 0, 0),
        ("pieces of work", 3, 0, 0),
        ("contributions", 3, 0, 0),
        ("mentors", 0, 0, 0),
    ]
    assert response.context["report"].rows == 4
    assert table_counts() == before
    content = response.content.decode()
    assert '<th scope="row">Tasks</th><td>4</td><td>0</td><td>0</td>' in content
    assert "Confirm import" in content
    token = response.context["token"]
    assert f'name="token" value="{token}"' in content
    assert staged_files(media) == [f"{token}.csv"]


def test_preview_of_the_6th_edition_gives_the_exact_counts(organizer_client, edition):
    before = table_counts()

    response = upload(organizer_client, edition, PADDLE6.read_bytes(), "paddle6.csv")

    assert counts_table(response) == [
        ("tracks", 3, 0, 0),
        ("directions", 2, 0, 2),
        ("tasks", 89, 0, 0),
        ("people", 41, 0, 0),
        ("pieces of work", 70, 0, 0),
        ("contributions", 71, 0, 0),
        ("mentors", 0, 0, 0),
    ]
    assert response.context["report"].rows == 92
    assert table_counts() == before


def test_preview_lists_the_warnings(organizer_client, edition):
    data = GOOD.replace(b"team\n", b"team,colour\n", 1)

    response = upload(organizer_client, edition, data)

    warnings = [(w.line, w.message) for w in response.context["report"].warnings]
    assert warnings == [(1, "Unknown column ignored: colour.")]
    assert "<td>line 1</td><td>Unknown column ignored: colour.</td>" in response.content.decode()


def test_preview_names_the_tracks_and_people_the_file_would_create(organizer_client, edition):
    data = csv_file(
        {"track": "个人赛", "code": "NO.1", "title": "lu_solve", "status": "completed",
         "contributors": "alice"},
    )  # fmt: skip

    response = upload(organizer_client, edition, data)

    page = response.content.decode()
    assert "New names: check them for typos" in page
    assert "<dt>Tracks</dt><dd>个人赛</dd>" in page
    assert "<dt>People</dt><dd>alice</dd>" in page


# Confirm ----------------------------------------------------------------------------------------


def test_confirm_imports_the_file_and_reports_the_summary(organizer_client, edition, media):
    token = upload(organizer_client, edition).context["token"]

    response = confirm(organizer_client, edition, token)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:hackathon_edition_change", args=[edition.pk])
    assert edition_figures(edition) == GOOD_FIGURES
    assert success_messages(organizer_client.get(response["Location"])) == [
        "“tasks.csv” imported into 第七期. 4 rows read. "
        "tracks: 2 created, 0 updated, 0 unchanged. "
        "directions: 0 created, 0 updated, 1 unchanged. "
        "tasks: 4 created, 0 updated, 0 unchanged. "
        "people: 3 created, 0 updated, 0 unchanged. "
        "pieces of work: 3 created, 0 updated, 0 unchanged. "
        "contributions: 3 created, 0 updated, 0 unchanged. "
        "mentors: 0 created, 0 updated, 0 unchanged."
    ]
    assert staged_files(media) == []
    assert organizer_client.session[SESSION_KEY] == {}


def test_a_token_is_good_for_one_confirmation(organizer_client, edition):
    token = upload(organizer_client, edition).context["token"]
    confirm(organizer_client, edition, token)
    before = table_counts()

    response = confirm(organizer_client, edition, token)

    assert response.status_code == 200
    assert response.context["refusal"] == (
        "This upload is unknown or has expired: upload the file again."
    )
    assert table_counts() == before


def test_importing_the_same_file_again_changes_nothing(organizer_client, edition):
    confirm(organizer_client, edition, upload(organizer_client, edition).context["token"])
    before = table_counts()

    preview = upload(organizer_client, edition)
    response = confirm(organizer_client, edition, preview.context["token"])

    assert counts_table(preview) == [
        ("tracks", 0, 0, 2),
        ("directions", 0, 0, 1),
        ("tasks", 0, 0, 4),
        ("people", 0, 0, 3),
        ("pieces of work", 0, 0, 3),
        ("contributions", 0, 0, 3),
        ("mentors", 0, 0, 0),
    ]
    assert response.status_code == 302
    message = success_messages(organizer_client.get(response["Location"]))[0]
    assert "tasks: 0 created, 0 updated, 4 unchanged." in message
    assert "pieces of work: 0 created, 0 updated, 3 unchanged." in message
    assert table_counts() == before
    assert edition_figures(edition) == GOOD_FIGURES


def test_confirm_shows_the_errors_when_the_file_became_invalid(organizer_client, edition, media):
    token = upload(organizer_client, edition).context["token"]
    (Path(media) / "imports" / f"{token}.csv").write_bytes(BAD)
    before = table_counts()

    response = confirm(organizer_client, edition, token)

    assert response.status_code == 200
    assert [str(error) for error in response.context["errors"]] == [
        "line 3: status: “finished” is not a status; accepted: " + STATUS_WORDS + ".",
        "line 4: Status “completed” needs contributors.",
    ]
    assert table_counts() == before
    assert staged_files(media) == []


def test_an_expired_upload_is_refused_and_deleted(organizer_client, edition, media):
    token = upload(organizer_client, edition).context["token"]
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)):
        response = confirm(organizer_client, edition, token)

    assert response.context["refusal"] == (
        "This upload is unknown or has expired: upload the file again."
    )
    assert Task.objects.count() == 0
    assert staged_files(media) == []


def test_staged_files_older_than_a_day_are_deleted_on_the_next_upload(
    organizer_client, edition, media
):
    old = upload(organizer_client, edition).context["token"]
    path = Path(media) / "imports" / f"{old}.csv"
    two_days_ago = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(path, (two_days_ago, two_days_ago))

    new = upload(organizer_client, edition).context["token"]

    assert staged_files(media) == [f"{new}.csv"]


# Bad files --------------------------------------------------------------------------------------


def test_a_bad_file_shows_every_error_by_line_and_changes_nothing(organizer_client, edition, media):
    before = table_counts()

    response = upload(organizer_client, edition, BAD)

    assert response.status_code == 200
    assert [str(error) for error in response.context["errors"]] == [
        "line 3: status: “finished” is not a status; accepted: " + STATUS_WORDS + ".",
        "line 4: Status “completed” needs contributors.",
    ]
    content = response.content.decode()
    assert "The file was rejected (2 errors); nothing was changed." in content
    for error in response.context["errors"]:
        assert f"<td>line {error.line}</td><td>{error.message}</td>" in content
    assert "Confirm import" not in content
    assert 'type="file"' in content
    assert table_counts() == before
    assert staged_files(media) == []


@pytest.mark.parametrize("name", ["tasks.txt", "tasks.xls", "tasks"])
def test_other_extensions_are_a_form_error(organizer_client, edition, media, name):
    response = upload(organizer_client, edition, GOOD, name)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [f"Upload a .csv, .xlsx or .md file (this one is “{name}”)."]
    }
    assert response.context["report"] is None
    assert staged_files(media) == []


def test_a_file_over_50_mb_is_a_form_error(organizer_client, edition, media):
    data = GOOD + b"#" * (MAX_SIZE + 1 - len(GOOD))

    response = upload(organizer_client, edition, data)

    assert response.context["form"].errors == {"file": ["The file is larger than 50 MB."]}
    assert staged_files(media) == []


def test_an_upload_without_a_file_is_a_form_error(organizer_client, edition):
    response = organizer_client.post(import_url(edition), {})

    assert response.context["form"].errors == {
        "file": ["Choose a file, or paste a tracking issue below."]
    }


# Tokens -----------------------------------------------------------------------------------------


def test_a_token_of_another_edition_is_refused(organizer_client, edition, media):
    other = EditionFactory(number=8, slug="8th")
    token = upload(organizer_client, other).context["token"]

    response = confirm(organizer_client, edition, token)

    assert response.context["refusal"] == (
        "This upload is unknown or has expired: upload the file again."
    )
    assert Task.objects.count() == 0
    assert staged_files(media) == [f"{token}.csv"]
    assert confirm(organizer_client, other, token).status_code == 302


def test_a_token_of_another_user_is_refused(organizer_client, edition, media):
    token = upload(organizer_client, edition).context["token"]
    colleague = UserFactory(username="colleague", is_staff=True)
    colleague.groups.add(organizers_group())
    other_client = Client()
    other_client.force_login(colleague)

    response = confirm(other_client, edition, token)

    assert response.context["refusal"] == (
        "This upload is unknown or has expired: upload the file again."
    )
    assert Task.objects.count() == 0
    assert staged_files(media) == [f"{token}.csv"]


# Who may import ---------------------------------------------------------------------------------


def test_staff_outside_the_organizers_group_may_not_import(client, edition):
    client.force_login(UserFactory(username="intern", is_staff=True))

    assert client.get(import_url(edition)).status_code == 403
    assert upload(client, edition).status_code == 403
    assert Task.objects.count() == 0


def test_anonymous_visitor_is_sent_to_the_admin_login(client, edition):
    url = import_url(edition)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"
    assert upload(client, edition).status_code == 302
    assert Task.objects.count() == 0


def test_an_unknown_edition_is_not_found(organizer_client):
    assert organizer_client.get("/admin/hackathon/edition/999/import/").status_code == 404


def test_the_page_names_the_edition_in_its_breadcrumbs(organizer_client, edition):
    content = organizer_client.get(import_url(edition)).content.decode()

    breadcrumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', content, re.S).group(1)
    assert reverse("admin:hackathon_edition_change", args=[edition.pk]) in breadcrumbs
    assert "Import tasks and results" in breadcrumbs


def test_the_page_is_in_chinese_by_default(organizer_client, edition, settings):
    settings.LANGUAGE_CODE = "zh-hans"

    content = organizer_client.get(import_url(edition)).content.decode()

    assert "<title>向第七期导入任务与结果" in content
    assert 'value="检查文件"' in content
    assert "必填列：track, code, title, status。" in content


# A tracking issue's Markdown ----------------------------------------------------------------------

ISSUE = (TESTS / "github_sync" / "data" / "tracking_issue_7th.md").read_bytes()


def test_a_tracking_issue_is_previewed_and_imported_like_a_csv_file(organizer_client, edition):
    preview = organizer_client.post(
        import_url(edition),
        {"file": SimpleUploadedFile("issue.md", ISSUE), "track": "individual", "batch": ""},
    )

    assert preview.status_code == 200
    assert preview.context["report"].tasks.created == 6
    assert Work.objects.count() == 0
    confirm(organizer_client, edition, preview.context["token"])
    assert Work.objects.filter(task__track__edition=edition).count() == 5


def test_a_tracking_issue_needs_its_track(organizer_client, edition):
    response = organizer_client.post(
        import_url(edition), {"file": SimpleUploadedFile("issue.md", ISSUE)}
    )

    assert response.context["form"].errors["track"] == ["Which track is this tracking issue's?"]


def test_a_pasted_tracking_issue_is_previewed_and_imported_like_its_file(organizer_client, edition):
    preview = organizer_client.post(
        import_url(edition),
        {"markdown": ISSUE.decode(), "track": "individual", "batch": ""},
    )

    assert preview.status_code == 200
    assert preview.context["filename"] == "tracking-issue.md"
    assert preview.context["report"].tasks.created == 6
    confirm(organizer_client, edition, preview.context["token"])
    assert Work.objects.filter(task__track__edition=edition).count() == 5


def test_pasted_markdown_needs_its_track_and_not_a_file_too(organizer_client, edition):
    without_track = organizer_client.post(import_url(edition), {"markdown": ISSUE.decode()})
    both = organizer_client.post(
        import_url(edition),
        {
            "file": SimpleUploadedFile("tasks.csv", GOOD),
            "markdown": ISSUE.decode(),
            "track": "individual",
        },
    )

    assert without_track.context["form"].errors == {
        "track": ["Which track is this tracking issue's?"]
    }
    assert both.context["form"].errors == {
        "markdown": ["Give a file or paste a tracking issue, not both."]
    }
    assert Work.objects.count() == 0


def test_preview_lists_what_changes_in_existing_records_row_by_row(organizer_client, edition):
    confirm(organizer_client, edition, upload(organizer_client, edition).context["token"])
    changed = csv_file(
        {"track": "individual", "code": "NO.1", "title": "lu_solve", "direction": "科学计算",
         "stars": "3", "status": "completed", "contributors": "alice"},
        {"track": "individual", "code": "NO.2", "title": "cholesky", "direction": "框架开发",
         "stars": "1", "status": "completed", "contributors": "bob"},
    )  # fmt: skip

    response = upload(organizer_client, edition, changed)

    assert [str(change) for change in response.context["report"].changes] == [
        "line 2: NO.1 lu_solve: stars: 2 → 3; direction: 框架开发 → 科学计算",
        "line 3: NO.2 · bob: status: PR submitted → Completed",
    ]
    assert '<table id="import-changes">' in response.content.decode()
