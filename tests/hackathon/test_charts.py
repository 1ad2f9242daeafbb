"""The charts of editions over time (home) and of an edition's progress over its weeks (edition
and track pages): what they draw, their text alternatives, and what they read."""

import datetime
import re

import pytest
import time_machine

from hackathon.charts import editions_chart
from tasks.choices import WorkStatus
from tasks.progress import completion_days
from tasks.stats import Figures
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date


def panels(html):
    """{panel: (its text alternative, [(x, y) of its dots], [its written values], [numbers])}."""
    found = {}
    for key, svg in re.findall(r'<div class="chart-panel panel-(\w+)">(.*?)</svg>', html, re.S):
        found[key] = (
            re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1),
            re.findall(r'<circle class="dot" cx="([\d.]+)" cy="([\d.]+)"', svg),
            re.findall(r'<text class="value"[^>]*>([^<]*)<', svg),
            re.findall(r'<text class="tick" x="[\d.]+" y="122"[^>]*>([^<]*)<', svg),
        )
    return found


def test_home_with_one_edition_draws_one_dot_in_the_middle_of_each_panel(client, seventh):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert panels(html) == {
        "published": ("飞桨黑客马拉松第七期: 88", [("180.0", "24.0")], ["88"], ["Edition 7"]),
        "rate": ("飞桨黑客马拉松第七期: 60%", [("180.0", "56.0")], ["60%"], ["Edition 7"]),
        "developers": ("飞桨黑客马拉松第七期: 37", [("180.0", "24.0")], ["37"], ["Edition 7"]),
    }
    assert "<polyline" not in html  # one dot: nothing to join
    assert 'role="img" aria-labelledby="editions-rate-title"' in html


def test_home_with_three_editions_draws_them_in_order_of_number_and_never_a_draft(
    client, organizer_client, seventh
):
    sixth = EditionFactory(number=6, slug="6th", name="第六期", name_en="6th")
    WorkFactory(task__track__edition=sixth, contributors=["alice"])
    eighth = EditionFactory(number=8, slug="8th", name="第八期")
    TaskFactory.create_batch(2, track=TrackFactory(edition=eighth))
    draft = EditionFactory(number=9, slug="9th", name="第九期（草稿）", is_public=False)
    WorkFactory(task__track__edition=draft, contributors=["bob"])

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    preview = organizer_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    xs = ["74.7", "180.0", "285.3"]
    assert panels(html) == {
        "published": (
            "6th: 1; 飞桨黑客马拉松第七期: 88; 第八期: 2",
            list(zip(xs, ["103.1", "24.0", "102.2"], strict=True)),
            ["1", "88", "2"],
            ["Edition 6", "Edition 7", "Edition 8"],
        ),
        "rate": (
            "6th: 100%; 飞桨黑客马拉松第七期: 60%; 第八期: 0%",
            list(zip(xs, ["24.0", "56.0", "104.0"], strict=True)),
            ["100%", "60%", "0%"],
            ["Edition 6", "Edition 7", "Edition 8"],
        ),
        "developers": (
            "6th: 1; 飞桨黑客马拉松第七期: 37; 第八期: 0",
            list(zip(xs, ["101.8", "24.0", "104.0"], strict=True)),
            ["1", "37", "0"],
            ["Edition 6", "Edition 7", "Edition 8"],
        ),
    }
    assert '<polyline class="trend" points="74.7,103.1 180.0,24.0 285.3,102.2"/>' in html
    # An organizer sees the draft listed in the table, never drawn.
    assert "第九期（草稿）" in preview
    assert panels(preview) == panels(html)


def test_with_twenty_editions_values_are_written_where_they_fit_and_numbers_every_other():
    rows = [(f"E{n}", n, Figures(tasks_published=10 + n % 3)) for n in range(1, 21)]
    rows[6] = ("E7", 7, Figures(tasks_published=88))

    published = editions_chart(rows)[0]

    assert [p.number for p in published.points if p.labelled] == [1, 7, 20]  # first, top, last
    assert [p.number for p in published.points if p.numbered] == list(range(2, 21, 2))
    assert not published.worded
    assert editions_chart([]) is None


def test_a_task_counts_once_on_the_day_it_was_first_completed(django_assert_num_queries):
    edition = EditionFactory(number=3)
    track = TrackFactory(edition=edition)
    twice = TaskFactory(track=track)  # completed on 10-03, then again on 10-01 and undated
    for login, day in [("a", DAY(2024, 10, 3)), ("b", DAY(2024, 10, 1)), ("c", None)]:
        WorkFactory(task=twice, completed_on=day, contributors=[login])
    undated = TaskFactory(track=track)
    for login in ("a", "b"):
        WorkFactory(task=undated, completed_on=None, contributors=[login])
    call = TaskFactory(track=track, open_call=True)  # each accepted entry counts, on its day
    for login, day in [("a", DAY(2024, 10, 1)), ("b", DAY(2024, 10, 8)), ("c", None)]:
        WorkFactory(task=call, completed_on=day, contributors=[login])
    WorkFactory(task__track=track, status=WorkStatus.PR_SUBMITTED, completed_on=DAY(2024, 10, 1))
    WorkFactory(task__track=track, task__withdrawn=True, completed_on=DAY(2024, 10, 1))

    with django_assert_num_queries(1):
        days = completion_days(track__edition=edition)

    assert days == [(DAY(2024, 10, 1), 2), (DAY(2024, 10, 8), 1), (None, 2)]
    assert sum(count for _, count in days) == 5  # tasks_completed: 2 tasks, 3 entries


def test_the_edition_page_draws_its_progress_week_by_week(client, seventh):
    response = client.get("/editions/7th/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    weeks = response.context["progress"].weeks
    assert len(weeks) == 18  # 2024-09-14 to 2025-01-14
    assert [(w.number, w.starts, w.completed, w.total) for w in weeks if w.completed] == [
        (12, DAY(2024, 11, 30), 5, 5),
        (13, DAY(2024, 12, 7), 7, 12),
        (14, DAY(2024, 12, 14), 7, 19),
        (15, DAY(2024, 12, 21), 7, 26),
        (16, DAY(2024, 12, 28), 1, 27),
    ]
    line = re.search(r'<polyline class="progress-line" points="([^"]*)"', html).group(1)
    assert line.split()[0] == "4,150" and line.split()[11:] == [
        "224.4,150.0",
        "244.4,142.7",
        "264.4,132.5",
        "284.5,122.4",
        "304.5,112.2",
        "324.5,110.7",
        "344.6,110.7",
        "356.0,110.7",
    ]
    assert '<line class="reference" x1="4" y1="22.0" x2="356" y2="22.0"/>' in html
    assert "88 tasks published</text>" in html
    summary = re.search(r'<figcaption id="progress-summary">(.*?)</figcaption>', html, re.S)
    assert " ".join(summary.group(1).split()) == (
        "Completed by 2025-01-14, over 18 weeks: 27 of the 88 tasks published. "
        "26 more completed tasks have no completion date and are not drawn."
    )
    assert "<title>Week 13 (from 2024-12-07): 7 completed, 12 so far</title>" in html
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td>([\d-]+)</td>\s*<td[^>]*>(\d+)</td>", html)
    assert rows[11:13] == [("12", "2024-11-30", "5"), ("13", "2024-12-07", "7")]


def test_a_track_without_completion_dates_says_so_instead_of_drawing(client, seventh):
    camp = client.get("/editions/7th/tracks/camp/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    individual = client.get("/editions/7th/tracks/individual/", HTTP_ACCEPT_LANGUAGE="en")

    assert "progress-chart" not in camp
    assert (
        "<p>18 completed tasks have no completion date, so the progress over the weeks cannot "
        "be drawn.</p>" in camp
    )
    assert individual.context["progress"].total == 27
    assert individual.context["progress"].undated == 0
    assert "have no completion date" not in individual.content.decode()


@time_machine.travel(datetime.datetime(2026, 3, 20, 4, 0, tzinfo=datetime.UTC), tick=False)
def test_an_edition_in_progress_is_drawn_up_to_today(client):
    edition = EditionFactory(number=11, slug="11th", starts_on=DAY(2026, 3, 2), ends_on=None)
    track = TrackFactory(edition=edition)
    for login, day in [("a", DAY(2026, 3, 2)), ("b", DAY(2026, 3, 10)), ("c", DAY(2026, 3, 10))]:
        WorkFactory(task__track=track, completed_on=day, contributors=[login])
    TaskFactory(track=track)

    response = client.get("/editions/11th/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert [(w.ends, w.completed, w.total) for w in response.context["progress"].weeks] == [
        (DAY(2026, 3, 8), 1, 1),
        (DAY(2026, 3, 15), 2, 3),
        (DAY(2026, 3, 20), 0, 3),  # today, Beijing time
    ]
    assert 'points="4,150 133.7,118.0 263.4,54.0 356.0,54.0"' in html
    assert "Completed so far (2026-03-20, week 3): 3 of the 4 tasks published." in html
    assert '<text class="tick" x="180.0" y="168" text-anchor="middle">3 weeks</text>' in html


@pytest.mark.parametrize("works", [1, 3])
def test_the_progress_costs_one_query_whatever_the_rows_and_is_cached(
    client, django_assert_num_queries, works
):
    edition = EditionFactory(number=5, slug="5th", ends_on=DAY(2024, 10, 14))
    track = TrackFactory(edition=edition)
    for n in range(works):
        WorkFactory(task__track=track, completed_on=DAY(2024, 9, 20 + n), contributors=[f"p{n}"])

    for path in ("/editions/5th/", "/editions/5th/tracks/individual/"):
        with django_assert_num_queries(7 if "tracks" in path else 6) as captured:
            html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        # every task completed: the total is written under the dashed line, not over it
        assert f'class="label total" x="356.0" y="38.0" text-anchor="end">{works}<' in html
        assert all(query["sql"].startswith("SELECT") for query in captured.captured_queries)
        with django_assert_num_queries(0):  # the whole page, from the cache
            assert client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode() == html
