"""An edition run by the later editions' rules, imported from the organizers' own words
(tests/tasks/data/tenth_rules.csv): fractional, "up to" and emoji stars, awarded stars and a camp
renewal bonus, a Fundable project paid in proportion, payers, a cap, an honour, a sprint whose
numbering restarts per batch, camp numbering with gaps, a partner track and an internship track.
Every figure, point, reward, payout, honour and certificate below was worked out by hand."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from participants.certificates import honour_of, issue_certificates
from participants.leaderboard import edition_board
from participants.models import Certificate
from participants.payouts import payouts_for
from participants.quality import report
from tasks.importing import import_tasks
from tasks.stats import Figures, edition_figures, track_figures
from tests.factories import EditionFactory
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db

TENTH = Path(__file__).parent / "data" / "tenth_rules.csv"


@pytest.fixture
def tenth(db):
    edition = EditionFactory(
        number=10,
        slug="10th",
        name="飞桨黑客马拉松第十期",
        ends_on=datetime.date(2025, 12, 31),
        yuan_per_star=2000,
        reward_cap=Decimal(30000),
        honour_name="飞桨开源之星",
        honour_name_en="Paddle Open-Source Star",
        honour_count=3,
    )
    with translation.override("en"):
        report = import_tasks(TENTH.read_bytes(), "tenth.csv", edition)
    assert (report.rows, report.tasks.created, report.works.created) == (18, 18, 16)
    return edition


def test_the_tracks_are_made_from_their_published_names(tenth):
    tracks = list(tenth.tracks.order_by("order").values_list("name", "kind"))

    assert tracks == [
        ("开源贡献个人挑战赛", TrackKind.INDIVIDUAL),
        ("护航计划集训营", TrackKind.CAMP),
        ("Fundable Projects", TrackKind.FUNDABLE),
        ("快乐开源 Sprint", TrackKind.OTHER),
        ("OpenVINO 赛道", TrackKind.OTHER),
        ("飞桨实习赛道", TrackKind.OTHER),
    ]


def test_the_figures_follow_the_rules(tenth):
    by_name = {track.name: track.pk for track in tenth.tracks.all()}
    figures = track_figures(tenth)

    assert {name: figures[pk] for name, pk in by_name.items()} == {
        # NO.5 was withdrawn; NO.3 has a PR, NO.4 nobody.
        "开源贡献个人挑战赛": Figures(6, 5, 4, 3, 2),
        "Fundable Projects": Figures(2, 2, 2, 2, 2),
        # Two 项目一, one per batch; 项目三 only claimed; no 项目四.
        "护航计划集训营": Figures(5, 4, 4, 5, 4),
        # NO.1 twice: the numbering restarts in each batch.
        "快乐开源 Sprint": Figures(2, 2, 2, 2, 2),
        "OpenVINO 赛道": Figures(1, 1, 1, 1, 1),
        "飞桨实习赛道": Figures(1, 1, 1, 1, 1),
    }
    assert edition_figures(tenth) == Figures(17, 15, 14, 10, 9)


def test_points_follow_awarded_stars_grades_and_bonuses_and_the_top_three_are_honoured(tenth):
    board = [(s.rank, s.login, s.points, s.tasks_completed) for s in edition_board(tenth)]

    assert board == [
        # 0.25 + 3 + 2 + 13 (13×⭐️, alone) + 0.1 (a sprint task)
        (1, "alice", Decimal("18.35"), 5),
        # 8 of the project's 10 stars (paid in proportion) + 2 on the partner track
        (2, "carol", Decimal("10"), 2),
        (3, "frank", Decimal("6"), 1),  # 特别优秀
        (4, "dave", Decimal("5"), 1),  # 优秀
        (5, "erin", Decimal("4"), 1),  # 及格 (3) with a renewal bonus of 1
        (6, "hank", Decimal("3"), 1),  # 及格
        (7, "jack", Decimal("0.5"), 1),  # a month of the internship
        (8, "bob", Decimal("0.15"), 1),  # awarded 0.15 of "up to 0.2"
        (9, "ivan", Decimal("0.1"), 1),
    ]
    assert [tenth.is_honoured(rank) for rank, *_ in board[:4]] == [True, True, True, False]


def test_payouts_are_per_payer_with_the_cap_on_the_organizers_part(tenth):
    payouts = [(p.login, p.payer, p.stars, p.reward_uncapped, p.reward) for p in payouts_for(tenth)]

    assert payouts == [
        # 0.25 + 3 + 13 + 0.1 stars: ¥32,700 capped at ¥30,000; NO.109 is Paddle2ONNX's.
        ("alice", "", Decimal("16.35"), Decimal("32700"), Decimal("30000")),
        ("alice", "Paddle2ONNX PMC", Decimal("2"), Decimal("4000"), Decimal("4000")),
        ("bob", "", Decimal("0.15"), Decimal("300"), Decimal("300")),
        ("carol", "", Decimal("8"), Decimal("16000"), Decimal("16000")),
        ("carol", "OpenVINO", Decimal("2"), Decimal("4000"), Decimal("4000")),
        ("dave", "", Decimal("5"), Decimal("10000"), Decimal("10000")),
        ("erin", "", Decimal("4"), Decimal("8000"), Decimal("8000")),
        ("frank", "", Decimal("6"), Decimal("12000"), Decimal("12000")),
        ("hank", "", Decimal("3"), Decimal("6000"), Decimal("6000")),
        ("ivan", "", Decimal("0.1"), Decimal("200"), Decimal("200")),
        ("jack", "", Decimal("0.5"), Decimal("1000"), Decimal("1000")),
    ]


def test_certificates_one_per_person_and_track_with_the_honour_for_the_top_three(tenth):
    issue_certificates(tenth)
    certificates = Certificate.objects.select_related("participant", "track__edition")

    with translation.override("zh-hans"):
        issued = sorted((c.participant.login, c.track.name, honour_of(c)) for c in certificates)
    assert issued == [
        ("alice", "Fundable Projects", "飞桨开源之星"),
        ("alice", "开源贡献个人挑战赛", "飞桨开源之星"),
        ("alice", "快乐开源 Sprint", "飞桨开源之星"),
        ("bob", "开源贡献个人挑战赛", ""),
        ("carol", "Fundable Projects", "飞桨开源之星"),
        ("carol", "OpenVINO 赛道", "飞桨开源之星"),
        ("dave", "护航计划集训营", ""),
        ("erin", "护航计划集训营", ""),
        ("frank", "护航计划集训营", "飞桨开源之星"),
        ("hank", "护航计划集训营", ""),
        ("ivan", "快乐开源 Sprint", ""),
        ("jack", "飞桨实习赛道", ""),
    ]


def test_the_data_quality_report_finds_the_internship_without_a_pr_and_alice_above_the_cap(
    tenth,
):
    with translation.override("en"):
        findings = {finding.code: finding for finding in report(tenth) if finding.count}

    assert list(findings) == ["completed_without_pr", "above_cap"]
    assert [item.label for item in findings["completed_without_pr"].items] == [
        "飞桨实习赛道 2025-10 十月月度考核 · jack"
    ]
    assert [item.label for item in findings["above_cap"].items] == [
        "alice: ¥32,700.00 → ¥30,000.00"
    ]
