import re

import pytest

from hackathon.charts import board_chart
from tasks.stats import Figures
from tests.factories import EditionFactory, TaskFactory, WorkFactory

pytestmark = pytest.mark.django_db


def text(response):
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_home_lists_public_editions_newest_first_with_their_figures(client, seventh):
    sixth = EditionFactory(number=6, slug="6th", name="第六期")
    WorkFactory(task__track__edition=sixth, contributors=["alice"])
    EditionFactory(number=9, slug="9th", name="第九期（草稿）", is_public=False)

    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "飞桨黑客马拉松第七期 2024-09-14 88 53 60% 37" in page
    assert "第六期 2024-09-14 1 1 100% 1" in page
    table = page[page.index("Edition Launched") :]  # the chart above draws them oldest first
    assert table.index("第七期") < table.index("第六期")
    assert "草稿" not in page


def test_edition_page_shows_the_edition_and_each_tracks_figures(client, seventh):
    page = text(client.get("/editions/7th/", HTTP_ACCEPT_LANGUAGE="en"))

    assert (
        "开源贡献个人挑战赛 Tasks published 58 Tasks submitted 34 Tasks completed 27 "
        "Completion rate 47% Participants 33 Developers who completed 19"
    ) in page
    assert "Developers who completed 37" in page
    assert "Framework development 12 " in page


def test_draft_edition_page_is_not_found_for_the_public(client, participant_user):
    EditionFactory(number=9, slug="9th", is_public=False)

    assert client.get("/editions/9th/").status_code == 404
    client.force_login(participant_user)
    assert client.get("/editions/9th/").status_code == 404


def test_organizers_preview_a_draft_edition(organizer_client):
    EditionFactory(number=9, slug="9th", name="第九期", is_public=False)

    response = organizer_client.get("/editions/9th/")

    assert response.status_code == 200
    assert "第九期" in text(response)


def test_home_query_count_does_not_grow_with_editions(client, django_assert_num_queries):
    TaskFactory(track__edition=EditionFactory(number=1, slug="1st"))
    # The results clock (then cached), the editions, their task tallies, their boards' sizes.
    with django_assert_num_queries(4):
        client.get("/")
    for number in (2, 3):
        TaskFactory(track__edition=EditionFactory(number=number, slug=f"e{number}"))
    with django_assert_num_queries(4):
        response = client.get("/")
    assert len(response.context["rows"]) == 3


def test_edition_page_query_count_does_not_grow_with_tracks_or_tasks(
    client, seventh, django_assert_num_queries
):
    # The results clock (then cached), the edition, its tracks, their task tallies (the figures
    # and the board by direction are sums of them), the sizes of the boards, the tasks completed
    # per day (the progress chart).
    edition = EditionFactory(number=1, slug="1st")
    TaskFactory(track__edition=edition)
    with django_assert_num_queries(6):
        client.get("/editions/1st/")
    with django_assert_num_queries(5):
        response = client.get("/editions/7th/")
    assert len(response.context["track_rows"]) == 3
    # Warm: the whole page comes from the cache.
    with django_assert_num_queries(0):
        client.get("/editions/7th/")


def test_board_names_directions_as_published_in_chinese(client, seventh):
    page = text(client.get("/editions/7th/", HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "框架开发 12 " in page


def test_the_board_by_direction_is_drawn_as_bars_scaled_to_the_largest():
    rows = [
        ("框架开发", Figures(tasks_published=40, tasks_submitted=30, tasks_completed=20)),
        ("科学计算", Figures(tasks_published=10, tasks_submitted=5, tasks_completed=5)),
        ("空", Figures()),  # nothing published: no bar
    ]

    chart = board_chart(rows)

    assert [
        (bar.label, bar.y, bar.published_width, bar.completed_width, bar.percent)
        for bar in chart.bars
    ] == [("框架开发", 0, 360.0, 180.0, 50), ("科学计算", 40, 90.0, 45.0, 50)]
    assert (chart.width, chart.height) == (360, 80)
    assert board_chart([("空", Figures())]) is None


def test_the_edition_page_draws_its_board_with_a_text_alternative(client, seventh):
    html = client.get("/editions/7th/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<figure class="chart board-chart">' in html
    assert "Tasks published and completed per direction" in html
    assert "<title>Framework development: 12 published</title>" in html
    assert re.findall(r'class="label figures"[^>]*>([^<]*)<', html)[:2] == [
        "6 / 12 · 50%",
        "6 / 12 · 50%",
    ]
    assert '<th scope="col">Direction</th>' in html  # the table stays, for screen readers


def test_a_profile_draws_points_per_edition_when_there_are_several(client):
    for number, stars in [(6, 4), (7, 2)]:
        edition = EditionFactory(number=number, slug=f"{number}th")
        WorkFactory(task=TaskFactory(track__edition=edition, stars=stars), contributors=["amy"])
    WorkFactory(task=TaskFactory(track__edition=EditionFactory(number=8), stars=1),
                contributors=["solo"])  # fmt: skip

    html = client.get("/people/amy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    single = client.get("/people/solo/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    bars = re.findall(r'<rect class="bar completed" x="0" y="(\d+)" width="([\d.]+)"', html)
    assert bars == [("18", "360.0"), ("58", "180.0")]  # the 6th (4 points), then the 7th (2)
    assert re.findall(r'class="label figures"[^>]*>([^<]*)<', html) == [
        "4 points · rank 1",
        "2 points · rank 1",
    ]
    assert "Points per edition" not in single  # one edition: the figures say it all
