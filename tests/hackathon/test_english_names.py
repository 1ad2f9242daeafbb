"""Editions, tracks and directions have a name as published and an English name: the English UI,
the English certificate and the API show the English name where it is set."""

import pytest
from django.utils import translation

from participants.certificates import issue_certificates
from participants.models import Certificate
from participants.rendering import wording
from tasks.importing import import_tasks
from tests.factories import (
    DirectionFactory,
    EditionFactory,
    TaskFactory,
    TrackFactory,
    WorkFactory,
)
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(db):
    edition = EditionFactory(
        number=7, slug="7th", name="飞桨黑客马拉松第七期", name_en="PaddlePaddle Hackathon 7th"
    )
    track = TrackFactory(
        edition=edition, name="开源贡献个人挑战赛", name_en="Open-source contribution challenge"
    )
    direction = DirectionFactory(name="科学计算", name_en="Scientific computing")
    WorkFactory(task=TaskFactory(track=track, direction=direction), contributors=["alice"])
    TrackFactory(edition=edition, kind=TrackKind.OTHER, name="优秀稿件征集与传播", slug="articles")
    return edition


def page(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/", "/editions/7th/", "/editions/7th/tasks/", "/editions/7th/leaderboard/", "/people/alice/"],
)
def test_english_pages_show_the_english_names(client, edition, url):
    english = page(client, url, "en")
    chinese = page(client, url, "zh-hans")

    assert "PaddlePaddle Hackathon 7th" in english
    assert "飞桨黑客马拉松第七期" not in english
    assert "飞桨黑客马拉松第七期" in chinese
    assert "PaddlePaddle Hackathon 7th" not in chinese


def test_the_task_browser_shows_tracks_and_directions_in_english(client, edition):
    english = page(client, "/editions/7th/tasks/", "en")

    assert "Open-source contribution challenge" in english
    assert "Scientific computing" in english
    assert ">科学计算<" not in english  # (the filter's value stays the name, as in its URLs)
    # A track without an English name keeps its published name.
    assert "优秀稿件征集与传播" in english


def test_the_english_certificate_names_the_track_in_english(edition):
    issue_certificates(edition)
    certificate = Certificate.objects.get()

    with translation.override("en"):
        assert wording(certificate)[2] == (
            "completed the tasks below in Open-source contribution challenge:"
        )
    with translation.override("zh-hans"):
        assert "开源贡献个人挑战赛" in wording(certificate)[2]


def test_the_api_gives_both_names(client, edition):
    data = client.get("/api/editions/7th/").json()

    assert (data["name"], data["name_en"]) == ("飞桨黑客马拉松第七期", "PaddlePaddle Hackathon 7th")
    assert [(t["name"], t["name_en"]) for t in data["tracks"]] == [
        ("开源贡献个人挑战赛", "Open-source contribution challenge"),
        ("优秀稿件征集与传播", ""),
    ]


def test_the_import_names_new_standard_tracks_in_english_too(db):
    edition = EditionFactory(number=8, slug="8th")
    data = (
        "track,code,title,status\n"
        "开源贡献个人挑战赛,NO.1,A,open\n"
        "护航计划集训营,项目一,B,open\n"
        "Fundable Projects,NO.1,C,open\n"
        "优秀稿件征集与传播,1,D,open\n"
    ).encode()

    import_tasks(data, "tasks.csv", edition)

    assert list(edition.tracks.values_list("name", "name_en")) == [
        ("开源贡献个人挑战赛", "Individual contribution challenge"),
        ("护航计划集训营", "Mentorship camp"),
        ("Fundable Projects", ""),
        ("优秀稿件征集与传播", ""),
    ]
