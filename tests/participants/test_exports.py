import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from participants.certificates import issue_certificates
from participants.models import Certificate, Participant
from tasks.choices import Grade
from tests.factories import EditionFactory, TaskFactory, TrackFactory, UserFactory, WorkFactory
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db

SITE = "https://hackathon.example"
HEADER = [
    "serial",
    "login",
    "name",
    "track",
    "tasks",
    "stars",
    "reward",
    "issued_on",
    "verification_url",
    "status",
]


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def third(db):
    """A small edition: alice and bob share NO.1 (2 stars), alice does NO.2 alone (0.5 star),
    carol graduates from the camp with "excellent" (5 stars); bob's certificate is revoked.
    A team, a title and a name start with what a spreadsheet would read as a formula."""
    edition = EditionFactory(number=3, slug="3rd", name="第三期", yuan_per_star=2000)
    individual = TrackFactory(edition=edition, kind=TrackKind.INDIVIDUAL, name="开源贡献个人挑战赛")
    camp = TrackFactory(edition=edition, kind=TrackKind.CAMP, name="护航计划集训营", order=1)
    alice = Participant.objects.create(
        login="alice", name="Alice Zhang", email="alice@example.com", notes="owes us a report"
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.1", title="快速傅里叶变换", stars=2),
        team="=cmd|' /C calc'!A0",
        contributors=[alice, Participant.objects.create(login="bob", name="@bob")],
        notes="private remark",
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.2", title="+docs", stars="0.5"),
        contributors=[alice],
    )
    WorkFactory(
        task=TaskFactory(track=camp, batch="提前批", code="项目一", title="@mention", stars=None),
        grade=Grade.EXCELLENT,
        contributors=["carol"],
    )
    WorkFactory(task=TaskFactory(track=individual, code="NO.3"), status="pr_submitted",
                contributors=["dave"])  # fmt: skip
    issue_certificates(edition, issued_on=datetime.date(2025, 2, 8))
    Certificate.objects.filter(serial="PH3-IND-0002").update(
        revoked_at=timezone.now(), revocation_reason="plagiarism"
    )
    return edition


ROWS = [
    [
        "PH3-IND-0001",
        "alice",
        "Alice Zhang",
        "开源贡献个人挑战赛",
        "NO.1 快速傅里叶变换; NO.2 +docs",
        "2.5",
        "3000.00",
        "2025-02-08",
        f"{SITE}/certificates/PH3-IND-0001/",
        "valid",
    ],
    [
        "PH3-IND-0002",
        "bob",
        "'@bob",
        "开源贡献个人挑战赛",
        "NO.1 快速傅里叶变换",
        "2",
        "2000.00",
        "2025-02-08",
        f"{SITE}/certificates/PH3-IND-0002/",
        "revoked",
    ],
    [
        "PH3-CAMP-0001",
        "carol",
        "",
        "护航计划集训营",
        "项目一 @mention",
        "5",
        "10000.00",
        "2025-02-08",
        f"{SITE}/certificates/PH3-CAMP-0001/",
        "valid",
    ],
]
EMAILS = ["alice@example.com", "", ""]


def read_csv(data):
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def body(response):
    return b"".join(response.streaming_content)


def test_the_command_writes_the_organizers_csv_to_a_file(third, tmp_path):
    output = tmp_path / "certificates.csv"

    call_command("export_certificates", "--edition", "3rd", "--format", "csv", "--output", output)

    assert read_csv(output.read_bytes()) == [
        [*HEADER, "email"],
        *[[*row, email] for row, email in zip(ROWS, EMAILS, strict=True)],
    ]


def test_the_command_writes_to_standard_output_by_default(third, capsysbinary):
    call_command("export_certificates", "--edition", "3rd")

    rows = read_csv(capsysbinary.readouterr().out)
    assert rows[0] == [*HEADER, "email"]
    assert [row[:2] for row in rows[1:]] == [["PH3-IND-0001", "alice"],
                                             ["PH3-IND-0002", "bob"],
                                             ["PH3-CAMP-0001", "carol"]]  # fmt: skip


def test_the_xlsx_export_holds_the_same_rows(third, capsysbinary):
    call_command("export_certificates", "--edition", "3rd", "--format", "xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(capsysbinary.readouterr().out))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    expected = [
        [*row[:5], float(row[5]), float(row[6]), datetime.datetime(2025, 2, 8), *row[8:], email]
        for row, email in zip(ROWS, EMAILS, strict=True)
    ]
    assert rows == [[*HEADER, "email"], *[[cell or None for cell in row] for row in expected]]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--edition", "none"], "There is no edition with the slug “none”."),
        (["--edition", "3rd", "--format", "pdf"], "Unknown format “pdf”: choose csv or xlsx."),
    ],
)
def test_the_command_refuses_unknown_editions_and_formats(third, arguments, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("export_certificates", *arguments)


def test_the_certificate_export_reads_a_fixed_number_of_queries(
    django_assert_num_queries, tmp_path
):
    edition = EditionFactory(number=4, slug="4th")
    track = TrackFactory(edition=edition)
    output = tmp_path / "out.csv"
    lines = []
    for people in (2, 5):
        for n in range(len(lines) and 2, people):
            WorkFactory(task__track=track, contributors=[f"p{n:02d}"])
        issue_certificates(edition)
        # The edition, the certificates, their contributions.
        with django_assert_num_queries(3):
            call_command("export_certificates", "--edition", "4th", "--output", output)
        lines.append(len(read_csv(output.read_bytes())) - 1)
    assert lines == [2, 5]


def give_certificate_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="view_certificate"))


def test_the_admin_button_downloads_the_organizers_csv(third, organizer, organizer_client):
    give_certificate_permission(organizer)
    page = organizer_client.get(f"/admin/hackathon/edition/{third.pk}/change/")
    url = f"/admin/hackathon/edition/{third.pk}/certificates.csv"
    assert f'href="{url}"' in page.content.decode()

    response = organizer_client.get(url)

    assert response["Content-Disposition"] == 'attachment; filename="certificates-3rd.csv"'
    rows = read_csv(body(response))
    assert rows[0][-1] == "email"
    assert [row[-1] for row in rows[1:]] == EMAILS


def test_the_admin_action_exports_one_edition_as_xlsx(third, organizer, organizer_client):
    give_certificate_permission(organizer)

    response = organizer_client.post(
        "/admin/hackathon/edition/",
        {"action": "export_certificates_xlsx", "_selected_action": [third.pk]},
    )

    assert response["Content-Disposition"] == 'attachment; filename="certificates-3rd.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "serial",
        "PH3-IND-0001",
        "PH3-IND-0002",
        "PH3-CAMP-0001",
    ]


def test_staff_without_the_certificate_permission_cannot_export(third, client):
    user = UserFactory(username="clerk", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_edition"))
    client.force_login(user)

    response = client.get(f"/admin/hackathon/edition/{third.pk}/certificates.csv")
    page = client.get(f"/admin/hackathon/edition/{third.pk}/change/")

    assert response.status_code == 403
    assert "certificates.csv" not in page.content.decode()


def test_the_edition_leaderboard_csv(third, client):
    response = client.get("/editions/3rd/leaderboard.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert read_csv(body(response)) == [
        ["rank", "login", "name", "points", "tasks_completed", "reward"],
        ["1", "carol", "", "5", "1", "10000.00"],
        ["2", "alice", "Alice Zhang", "2.5", "2", "3000.00"],
        ["3", "bob", "'@bob", "2", "1", "2000.00"],
    ]


def test_the_leaderboard_json_is_the_api_s_ranking(third, client):
    exported = json.loads(body(client.get("/editions/3rd/leaderboard.json")))
    api = client.get("/api/editions/3rd/leaderboard/").json()["results"]

    assert exported == api
    camp = json.loads(body(client.get("/editions/3rd/leaderboard.json?track=camp")))
    assert [row["login"] for row in camp] == ["carol"]
    assert client.get("/editions/3rd/leaderboard.json?track=nope").status_code == 404


def test_the_all_time_leaderboard_exports_leave_drafts_out(third, client):
    draft = TrackFactory(edition=EditionFactory(number=5, slug="5th", is_public=False))
    WorkFactory(task__track=draft, task__stars=9, contributors=["drafty"])

    exported = json.loads(body(client.get("/leaderboard.json")))

    assert [(row["rank"], row["login"], row["points"]) for row in exported] == [
        (1, "carol", 5.0),
        (2, "alice", 2.5),
        (3, "bob", 2.0),
    ]
    assert read_csv(body(client.get("/leaderboard.csv?track=camp")))[1][:2] == ["1", "carol"]


def test_the_honour_roll_exports(third, client):
    rows = read_csv(body(client.get("/editions/3rd/honour-roll.csv")))
    data = json.loads(body(client.get("/editions/3rd/honour-roll.json")))

    assert rows == [
        ["track", "batch", "code", "title", "team", "contributors", "grade", "stars", "reward",
         "completed_on"],
        ["开源贡献个人挑战赛", "", "NO.1", "快速傅里叶变换", "'=cmd|' /C calc'!A0", "alice; bob",
         "", "2", "4000.00", ""],
        ["开源贡献个人挑战赛", "", "NO.2", "'+docs", "", "alice", "", "0.5", "1000.00", ""],
        ["护航计划集训营", "提前批", "项目一", "'@mention", "", "carol", "excellent", "5",
         "10000.00", ""],
    ]  # fmt: skip
    # JSON is data, not a spreadsheet: the text is exact.
    assert data[0] == {
        "track": "开源贡献个人挑战赛",
        "batch": "",
        "code": "NO.1",
        "title": "快速傅里叶变换",
        "team": "=cmd|' /C calc'!A0",
        "contributors": "alice; bob",
        "grade": "",
        "stars": 2.0,
        "reward": 4000.0,
        "completed_on": None,
    }


@pytest.mark.parametrize(
    "url",
    [
        "/editions/3rd/leaderboard.csv",
        "/editions/3rd/leaderboard.json",
        "/editions/3rd/honour-roll.csv",
        "/editions/3rd/honour-roll.json",
        "/editions/3rd/tasks.csv",
        "/editions/3rd/tasks.json",
        "/leaderboard.csv",
        "/leaderboard.json",
    ],
)
def test_public_exports_hold_no_private_field(third, client, url):
    text = body(client.get(url)).decode()

    assert "alice" in text
    for private in ("@example.com", "owes us a report", "private remark", "email", "notes"):
        assert private not in text


@pytest.mark.parametrize(
    "url",
    [
        "/editions/9th/leaderboard.csv",
        "/editions/9th/honour-roll.json",
        "/editions/9th/tasks.csv",
        "/editions/3rd/leaderboard.xlsx",
        "/editions/3rd/honour-roll.txt",
        "/leaderboard.pdf",
        "/leaderboard.csv?track=nope",
    ],
)
def test_drafts_and_unknown_formats_are_not_found(third, client, url):
    EditionFactory(number=9, slug="9th", is_public=False)

    assert client.get(url).status_code == 404


def test_organizers_may_download_a_draft_s_exports(organizer_client):
    draft = TrackFactory(edition=EditionFactory(number=9, slug="9th", is_public=False))
    WorkFactory(task__track=draft, contributors=["early"])

    rows = read_csv(body(organizer_client.get("/editions/9th/leaderboard.csv")))

    assert [row[1] for row in rows] == ["login", "early"]


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The results clock, the edition, the board's rows in order.
        ("/editions/4th/leaderboard.csv", 3),
        # The results clock, the all-time board's rows in order.
        ("/leaderboard.json", 2),
        # The results clock, the edition, the completed work with its people.
        ("/editions/4th/honour-roll.csv", 3),
    ],
)
def test_public_exports_read_a_fixed_number_of_queries(
    client, django_assert_num_queries, url, queries
):
    track = TrackFactory(edition=EditionFactory(number=4, slug="4th"))
    sizes = []
    for people in (2, 5):
        for n in range(len(sizes) and 2, people):
            WorkFactory(task__track=track, task__stars=n, contributors=[f"p{n:02d}", f"q{n:02d}"])
        with django_assert_num_queries(queries):
            response = client.get(url)
            data = body(response)
        rows = json.loads(data) if url.endswith(".json") else read_csv(data)[1:]
        sizes.append(len(rows))
    per_work = 1 if "honour-roll" in url else 2
    assert sizes == [2 * per_work, 5 * per_work]


def test_the_pages_link_to_their_exports(third, client):
    leaderboard = client.get("/editions/3rd/leaderboard/?track=camp").content.decode()
    all_time = client.get("/leaderboard/").content.decode()
    honour_roll = client.get("/editions/3rd/honour-roll/").content.decode()
    tasks = client.get("/editions/3rd/tasks/?status=completed&sort=-stars").content.decode()

    assert 'href="/editions/3rd/leaderboard.csv?track=camp"' in leaderboard
    assert 'href="/editions/3rd/leaderboard.json?track=camp"' in leaderboard
    assert 'href="/leaderboard.csv"' in all_time
    assert 'href="/editions/3rd/honour-roll.json"' in honour_roll
    assert 'href="/editions/3rd/tasks.csv?status=completed&amp;sort=-stars"' in tasks


def test_the_admin_action_exports_one_edition_at_a_time(third, organizer, organizer_client):
    give_certificate_permission(organizer)
    other = EditionFactory(number=4, slug="4th")

    response = organizer_client.post(
        "/admin/hackathon/edition/",
        {"action": "export_certificates_csv", "_selected_action": [third.pk, other.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Select one edition to export its certificates."
    ]


def test_the_export_command_says_it_includes_e_mails(capsys):
    with pytest.raises(SystemExit):
        call_command("export_certificates", "--help")

    assert "e-mail" in capsys.readouterr().out
