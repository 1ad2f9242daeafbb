import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from participants.leaderboard import edition_board
from participants.payouts import PayerTotal, Payout, payer_totals, payouts_for
from tasks.choices import Grade
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def ninth(db):
    """An edition run by the later rules: fractional and "up to" stars, awarded stars, a bonus,
    a project paid in proportion, a partner track, a task paid by a partner, a cap of ¥30,000."""
    edition = EditionFactory(number=9, slug="9th", reward_cap=Decimal(30000))
    individual = TrackFactory(edition=edition)
    fundable = TrackFactory(edition=edition, kind=TrackKind.FUNDABLE)
    camp = TrackFactory(edition=edition, kind=TrackKind.CAMP)
    partner = TrackFactory(
        edition=edition,
        kind=TrackKind.OTHER,
        name="OpenVINO 赛道",
        slug="openvino",
        payer="OpenVINO",
    )
    WorkFactory(task=TaskFactory(track=individual, stars="0.025"), contributors=["alice"])
    up_to = TaskFactory(track=individual, stars="0.2", stars_up_to=True)
    WorkFactory(task=up_to, awarded_stars="0.15", contributors=["bob"])
    WorkFactory(task=TaskFactory(track=fundable, stars=13), team="T", contributors=["alice", "bob"])
    # Paid only from 80% done, in proportion: 8 of 10 stars.
    WorkFactory(task=TaskFactory(track=fundable, stars=10), awarded_stars=8, contributors=["carol"])
    WorkFactory(
        task=TaskFactory(track=individual, stars=4), payer="Paddle2ONNX PMC", contributors=["alice"]
    )
    WorkFactory(task=TaskFactory(track=partner, stars=2), contributors=["carol"])
    # An excellent camper (5 stars) with a renewal bonus of one star.
    WorkFactory(
        task=TaskFactory(track=camp, stars=None),
        grade=Grade.EXCELLENT,
        awarded_stars=6,
        contributors=["dave"],
    )
    WorkFactory(task=TaskFactory(track=individual, stars=10), contributors=["alice"])
    return edition


def test_payouts_are_per_person_and_payer_with_the_cap_on_the_organizers_part(ninth):
    assert payouts_for(ninth) == [
        Payout("alice", "", "", Decimal("23.025"), Decimal("33050.00"), Decimal("30000")),
        Payout("alice", "", "Paddle2ONNX PMC", Decimal(4), Decimal("8000.00"), Decimal("8000.00")),
        Payout("bob", "", "", Decimal("13.15"), Decimal("13300.00"), Decimal("13300.00")),
        Payout("carol", "", "", Decimal(8), Decimal("16000.00"), Decimal("16000.00")),
        Payout("carol", "", "OpenVINO", Decimal(2), Decimal("4000.00"), Decimal("4000.00")),
        Payout("dave", "", "", Decimal(6), Decimal("12000.00"), Decimal("12000.00")),
    ]


def test_payer_totals_put_the_organizers_first_and_the_edition_last(ninth):
    assert payer_totals(payouts_for(ninth)) == [
        PayerTotal("", 4, Decimal("74350.00"), Decimal("71300.00")),
        PayerTotal("OpenVINO", 1, Decimal("4000.00"), Decimal("4000.00")),
        PayerTotal("Paddle2ONNX PMC", 1, Decimal("8000.00"), Decimal("8000.00")),
        PayerTotal(None, 4, Decimal("86350.00"), Decimal("83300.00")),
    ]


def test_the_leaderboard_counts_awarded_stars_and_is_not_capped(ninth):
    board = edition_board(ninth)

    assert [(s.login, s.points, s.reward) for s in board[:4]] == [
        ("alice", Decimal("27.025"), Decimal("41050")),  # 33,050 + 8,000 from a partner
        ("bob", Decimal("13.15"), Decimal("13300")),
        ("carol", Decimal("10"), Decimal("20000")),
        ("dave", Decimal("6"), Decimal("12000")),
    ]


def test_without_a_cap_everything_earned_is_paid(ninth):
    ninth.reward_cap = None
    ninth.save()

    assert payouts_for(ninth)[0].reward == Decimal("33050.00")


@pytest.mark.parametrize("people", [1, 3])
def test_payouts_take_one_query_whatever_the_number_of_people(people, django_assert_num_queries):
    track = TrackFactory(edition=EditionFactory(number=9, slug="9th"))
    for n in range(people):
        WorkFactory(task__track=track, contributors=[f"dev-{n}", f"pal-{n}"])

    with django_assert_num_queries(1):
        assert len(payouts_for(track.edition)) == people * 2


def test_the_command_writes_a_csv_with_a_bom(ninth, tmp_path):
    path = tmp_path / "payouts.csv"

    call_command("export_payouts", edition="9th", output=str(path))

    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufefflogin,name,payer,stars,reward_uncapped,reward\r\n")
    assert text.splitlines()[1:3] == [
        "alice,,,23.025,33050.00,30000.00",
        "alice,,Paddle2ONNX PMC,4,8000.00,8000.00",
    ]


def test_the_command_writes_a_sheet_finance_can_use_as_is(ninth, tmp_path):
    path = tmp_path / "payouts.xlsx"

    call_command("export_payouts", edition="9th", format="xlsx", output=str(path))

    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[1]] == [
        "login",
        "name",
        "payer",
        "stars",
        "reward_uncapped",
        "reward",
    ]
    assert [cell.value for cell in sheet[2]] == ["alice", None, None, 23.025, 33050, 30000]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F7"
    # The payer column is as wide as "Paddle2ONNX PMC" and a bit.
    assert sheet.column_dimensions["C"].width == 16


def test_the_command_refuses_unknown_editions_and_formats(ninth):
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="no edition with the slug “10th”"),
    ):
        call_command("export_payouts", edition="10th")
    with pytest.raises(CommandError, match="Unknown format “pdf”"):
        call_command("export_payouts", edition="9th", format="pdf", stdout=io.StringIO())


def test_the_admin_page_shows_each_payers_total_and_downloads(organizer_client, ninth):
    response = organizer_client.get(
        f"/admin/hackathon/edition/{ninth.pk}/payouts/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert response.context["totals"][-1] == PayerTotal(
        None, 4, Decimal("86350.00"), Decimal("83300.00")
    )
    page = response.content.decode()
    assert "83,300.00" in page and "Paddle2ONNX PMC" in page
    download = organizer_client.get(f"/admin/hackathon/edition/{ninth.pk}/payouts.csv")
    assert download["Content-Disposition"] == 'attachment; filename="payouts-9th.csv"'
    assert organizer_client.get(f"/admin/hackathon/edition/{ninth.pk}/payouts.pdf").status_code == (
        404
    )


def test_payouts_are_for_organizers_only(client, participant_user, ninth):
    client.force_login(participant_user)

    response = client.get(f"/admin/hackathon/edition/{ninth.pk}/payouts/")

    assert response.status_code == 302  # to the admin's sign-in page
