import pytest

from participants.models import Participant
from tasks.choices import Grade
from tests.factories import (
    EditionFactory,
    ParticipantFactory,
    TaskFactory,
    TrackFactory,
    WorkFactory,
)
from tests.hackathon.test_views import text

pytestmark = pytest.mark.django_db


def test_edition_leaderboard_ranks_the_seventh_with_the_rule_stated(client, seventh):
    page = text(client.get("/editions/7th/leaderboard/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "How the leaderboard is ranked" in page
    assert "Rank Developer Points Tasks completed Reward (CNY) 1 ind-08 27 4 31,000 " in page
    assert " 2 ind-09 27 3 29,000 3 ind-07 24.5 4 28,000 " in page


def test_edition_leaderboard_filters_by_track(client, seventh):
    response = client.get("/editions/7th/leaderboard/?track=fundable", HTTP_ACCEPT_LANGUAGE="en")

    logins = [standing.login for standing in response.context["page_obj"]]
    # Fundable projects NO.1–NO.8 have 6–13 stars, each done by ind-(n+1) and ind-(n+2).
    assert logins == [f"ind-{n:02d}" for n in (9, 8, 7, 6, 5, 4, 3, 10, 2)]


def test_unknown_track_filter_is_not_found(client, seventh):
    assert client.get("/editions/7th/leaderboard/?track=nope").status_code == 404


def test_all_time_leaderboard_sums_public_editions(client):
    for number, public in [(5, True), (6, True), (7, False)]:
        edition = EditionFactory(number=number, slug=f"{number}th", is_public=public)
        WorkFactory(task__track__edition=edition, task__stars=2, contributors=["Alice"])
    WorkFactory(task__track__edition__number=8, task__stars=1, contributors=["bob"])

    page = text(client.get("/leaderboard/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Summed over 3 public editions." in page
    assert "1 Alice 4 2 8,000 2 bob 1 1 2,000" in page


def test_leaderboard_query_count_does_not_grow_with_people(client, django_assert_num_queries):
    track = TrackFactory(edition__number=1, edition__slug="1st")
    WorkFactory(task__track=track, contributors=["p0"])
    # The results clock, the edition, its tracks, the board's size, its first page.
    with django_assert_num_queries(5):
        client.get("/editions/1st/leaderboard/")
    for n in (1, 2):
        WorkFactory(task__track=track, contributors=[f"p{n}"])
    with django_assert_num_queries(5):
        response = client.get("/editions/1st/leaderboard/")
    assert len(response.context["page_obj"]) == 3
    # Warm: the whole page comes from the cache.
    with django_assert_num_queries(0):
        client.get("/editions/1st/leaderboard/")


def test_a_change_of_results_shows_at_once_on_the_leaderboard(client):
    edition = EditionFactory(number=1, slug="1st")
    work = WorkFactory(task__track__edition=edition, task__stars=1, contributors=["alice"])
    client.get("/editions/1st/leaderboard/")

    work.grade = Grade.OUTSTANDING
    work.save()

    response = client.get("/editions/1st/leaderboard/")
    assert [(s.login, s.points) for s in response.context["page_obj"]] == [("alice", 6)]


def test_profile_lists_work_ranks_and_mentorships_case_insensitively(client, seventh):
    ind = Participant.objects.get(login="ind-03")
    ind.name, ind.affiliation, ind.email = "Third", "Example University", "third@example.com"
    ind.notes = "private remark"
    ind.save()
    TaskFactory(
        track=seventh.tracks.get(kind="camp"), code="项目十九", title="Mentored"
    ).mentors.add(ind)

    response = client.get("/people/IND-03/", HTTP_ACCEPT_LANGUAGE="en")
    page = text(response)

    assert response.status_code == 200
    assert "Third @ind-03 · Example University" in page
    assert "Rank 7 · 16.5 points · 4 tasks completed" in page
    assert "NO.3 Task NO.3 Completed 3 6,000" in page
    assert "Mentored 飞桨黑客马拉松第七期 · 护航计划集训营 · 项目十九 Mentored" in page
    assert "third@example.com" not in response.content.decode()
    assert "private remark" not in response.content.decode()


def test_profile_shows_pfcc_membership(client):
    person = ParticipantFactory(login="member", pfcc_member_since="2023-05-01")
    WorkFactory(task__track__edition__number=1, contributors=[person])

    page = text(client.get("/people/member/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "PFCC member since 2023-05" in page


def test_profile_of_somebody_known_only_from_drafts_is_not_found(client, organizer_client):
    WorkFactory(task__track__edition__is_public=False, contributors=["secret"])

    assert client.get("/people/secret/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404
    assert organizer_client.get("/people/secret/").status_code == 200


def test_profile_hides_draft_editions(client):
    WorkFactory(task__track__edition__name="Public one", contributors=["alice"])
    WorkFactory(
        task__track__edition__name="Draft one",
        task__track__edition__is_public=False,
        contributors=["alice"],
    )

    page = text(client.get("/people/alice/"))

    assert ("Public one" in page, "Draft one" in page) == (True, False)


def test_profile_query_count_does_not_grow_with_work(client, django_assert_num_queries):
    track = TrackFactory(edition__number=1, edition__slug="1st")
    WorkFactory(task__track=track, contributors=["alice"])
    # the results clock, person, editions, contributions, mentored tasks, certificates, the
    # person's line and rank on each edition's board, their all-time line and rank
    with django_assert_num_queries(8):
        client.get("/people/alice/")
    for _ in range(2):
        WorkFactory(task__track=track, contributors=["alice"])
    with django_assert_num_queries(8):
        response = client.get("/people/alice/")
    assert len(response.context["profile"].editions[0].tracks[0][1]) == 3
    # Warm: the whole page comes from the cache.
    with django_assert_num_queries(0):
        client.get("/people/alice/")


def test_honour_roll_lists_completed_work_per_track(client, seventh):
    response = client.get("/editions/7th/honour-roll/", HTTP_ACCEPT_LANGUAGE="en")
    tracks = response.context["tracks"]
    page = text(response)

    assert [(track.kind, len(works)) for track, works in tracks] == [
        ("individual", 27),
        ("camp", 19),
        ("fundable", 8),
    ]
    assert "NO.1 Task NO.1 ind-01 2 4,000" in page
    assert "提前批 项目一 Task 项目一 ind-01 Good 4 8,000" in page
    assert "NO.1 Task NO.1 team-1: ind-02 , ind-03 6 12,000" in page
    assert "ind-late" not in page


def test_honour_roll_query_count_does_not_grow(client, django_assert_num_queries):
    track = TrackFactory(edition__number=1, edition__slug="1st")
    WorkFactory(task__track=track, contributors=["a"])
    # the results clock, the edition, the works, their contributions with people
    with django_assert_num_queries(4):
        client.get("/editions/1st/honour-roll/")
    for login in ("b", "c"):
        WorkFactory(task__track=track, contributors=[login])
    with django_assert_num_queries(4):
        client.get("/editions/1st/honour-roll/")


@pytest.mark.parametrize(
    "url",
    [
        "/editions/9th/",
        "/editions/9th/leaderboard/",
        "/editions/9th/honour-roll/",
        "/editions/9th/tracks/individual/",
    ],
)
def test_draft_edition_pages_are_not_found(client, url):
    WorkFactory(
        task__track__edition=EditionFactory(number=9, slug="9th", is_public=False),
        contributors=["x"],
    )

    assert client.get(url).status_code == 404


def test_leaderboard_pages_keep_the_track_filter(client, seventh, monkeypatch):
    monkeypatch.setattr("participants.views.PAGE_SIZE", 4)

    response = client.get("/editions/7th/leaderboard/?track=fundable&page=2")

    assert [s.login for s in response.context["page_obj"]] == [
        "ind-05",
        "ind-04",
        "ind-03",
        "ind-10",
    ]
    html = response.content.decode()
    assert 'href="?track=fundable&amp;page=1" rel="prev"' in html
    assert 'href="?track=fundable&amp;page=3" rel="next"' in html


def test_a_warm_leaderboard_is_served_whole_from_the_cache(client, django_assert_num_queries):
    track = TrackFactory(edition__number=1, edition__slug="1st")
    work = WorkFactory(task__track=track, task__stars=1, contributors=["alice"])
    client.get("/editions/1st/leaderboard/", HTTP_ACCEPT_LANGUAGE="en")

    with django_assert_num_queries(0):
        page = text(client.get("/editions/1st/leaderboard/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "1 alice 1 1 2,000" in page
    assert "排名" in text(client.get("/editions/1st/leaderboard/", HTTP_ACCEPT_LANGUAGE="zh-hans"))

    work.grade = Grade.OUTSTANDING
    work.save()

    page = text(client.get("/editions/1st/leaderboard/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "1 alice 6 1 12,000" in page
