import pytest
from django.utils import translation

from participants import rendering
from participants.certificates import honour_of, issue_certificates
from participants.models import Certificate
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db

ENGLISH = "Paddle Open-Source Star"


@pytest.fixture
def edition(db):
    """Points 10, 8, 5, 5, 1: ranks 1, 2, 3, 3, 5. The top 3 are honoured, and the two tied at
    rank 3 both are."""
    edition = EditionFactory(
        number=9, slug="9th", honour_name="飞桨开源之星", honour_name_en=ENGLISH, honour_count=3
    )
    track = TrackFactory(edition=edition)
    camp = TrackFactory(edition=edition, kind=TrackKind.CAMP)
    for login, stars in [("ann", 10), ("bo", 8), ("cy", 5), ("di", 5), ("ed", 1)]:
        WorkFactory(task=TaskFactory(track=track, stars=stars), contributors=[login])
    WorkFactory(task=TaskFactory(track=camp, stars=20), contributors=["ed"], status="claimed")
    return edition


def page(client, url, language="en"):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_leaderboard_marks_everybody_ranked_within_the_honour(client, edition):
    text = page(client, "/editions/9th/leaderboard/")

    assert text.count(f"★ {ENGLISH}") == 4
    assert (
        f"The top 3 on this leaderboard are named <strong>{ENGLISH}</strong>; people tied at the "
        "last of those ranks all are." in text
    )
    honoured = [row for row in text.split("<tr>") if ENGLISH in row and "/people/" in row]
    assert [row.split('href="/people/')[1].split("/")[0] for row in honoured] == [
        "ann",
        "bo",
        "cy",
        "di",
    ]


def test_the_honour_is_named_in_chinese_in_the_chinese_ui(client, edition):
    text = page(client, "/editions/9th/leaderboard/", "zh-hans")

    assert text.count("★ 飞桨开源之星") == 4


def test_a_tracks_leaderboard_carries_no_honour(client, edition):
    assert "★" not in page(client, "/editions/9th/leaderboard/?track=individual")


def test_an_edition_without_an_honour_marks_nobody(client, edition):
    edition.honour_count = 0
    edition.save()

    assert "★" not in page(client, "/editions/9th/leaderboard/")


def test_profiles_show_the_honour_of_those_who_received_it(client, edition):
    assert f"★ {ENGLISH}" in page(client, "/people/di/")
    assert f"★ {ENGLISH}" not in page(client, "/people/ed/")


def test_certificates_of_an_honoured_person_say_so(client, edition):
    issue_certificates(edition)
    honoured = Certificate.objects.get(participant__login="cy")
    other = Certificate.objects.get(participant__login="ed", track__kind=TrackKind.INDIVIDUAL)

    assert f"★ {ENGLISH}" in page(client, f"/certificates/{honoured.serial}/")
    assert "★" not in page(client, f"/certificates/{other.serial}/")


def test_the_certificate_picture_and_the_api_carry_the_honour(client, edition):
    issue_certificates(edition)
    honoured = Certificate.objects.select_related("track__edition", "participant").get(
        participant__login="cy"
    )
    other = Certificate.objects.select_related("track__edition", "participant").get(
        participant__login="ed", track__kind=TrackKind.INDIVIDUAL
    )

    with translation.override("zh-hans"):
        drawn = rendering.draw_certificate(honoured, [], honour_of(honoured))
        plain = rendering.draw_certificate(other, [], honour_of(other))
    assert ("honour", "★ 飞桨开源之星 ★") in drawn.texts
    assert [text for what, text in plain.texts if what == "honour"] == []
    api = client.get(f"/api/certificates/{honoured.serial}/").json()
    assert api["honour"] == {"name": "飞桨开源之星", "name_en": ENGLISH}
    assert client.get(f"/api/certificates/{other.serial}/").json()["honour"] is None
    png = client.get(f"/certificates/{honoured.serial}/certificate.png")
    assert png["Content-Type"] == "image/png"
