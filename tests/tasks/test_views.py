import datetime

import pytest

from tasks.choices import Grade, WorkStatus
from tests.factories import (
    DirectionFactory,
    EditionFactory,
    ParticipantFactory,
    TaskFactory,
    TrackFactory,
    WorkFactory,
)
from tests.hackathon.test_views import text
from tracks.choices import TrackKind

pytestmark = pytest.mark.django_db

CHINESE = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
CAMP_EARLY = [f"项目{number}" for number in CHINESE[:7]]
CAMP_REGULAR = [f"项目{number}" for number in CHINESE]


def browse(client, **params):
    return client.get("/editions/7th/tasks/", params, HTTP_ACCEPT_LANGUAGE="en")


def codes(response):
    return [task.code for task, _status in response.context["rows"]]


def tracks_and_codes(response):
    return [(task.track.slug, task.code) for task, _status in response.context["rows"]]


def count(response):
    return response.context["page_obj"].paginator.count


def test_task_browser_lists_published_tasks_by_track_batch_and_code(client, seventh):
    first = browse(client)
    second = browse(client, page=2)

    assert count(first) == 88
    assert codes(first) == [f"NO.{n}" for n in range(1, 51)]
    assert tracks_and_codes(second) == [
        *[("individual", f"NO.{n}") for n in range(51, 59)],
        *[("camp", code) for code in CAMP_EARLY + CAMP_REGULAR],
        *[("fundable", f"NO.{n}") for n in range(1, 12)],
    ]
    assert "88 tasks match." in text(first)
    assert "NO.59" not in text(first) + text(second)


def test_track_and_status_filters_combine(client, seventh):
    response = browse(client, track="individual", status="completed")

    assert count(response) == 27
    assert codes(response) == [f"NO.{n}" for n in range(1, 28)]
    assert "27 tasks match." in text(response)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", [*[("individual", f"NO.{n}") for n in range(41, 59)], *[("fundable", "NO.10"),
                  ("fundable", "NO.11")]]),
        ("claimed", [("individual", f"NO.{n}") for n in range(35, 41)]),
        ("submitted", [*[("individual", f"NO.{n}") for n in range(28, 35)],
                       ("camp", "项目十二"), ("fundable", "NO.9")]),
    ],
)  # fmt: skip
def test_status_filter_uses_the_furthest_piece_of_work(client, seventh, status, expected):
    assert tracks_and_codes(browse(client, status=status)) == expected


def test_status_completed_counts_the_seed_posts_completed_tasks(client, seventh):
    assert count(browse(client, status="completed")) == 27 + 18 + 8


def test_direction_filter_takes_the_directions_name(client, seventh):
    response = browse(client, direction="科学计算")

    assert codes(response) == [f"NO.{n}" for n in range(2, 58, 5)]
    assert count(response) == 12


def test_batch_filter_lists_the_early_camp_projects_in_order(client, seventh):
    response = browse(client, batch="提前批")

    assert tracks_and_codes(response) == [("camp", code) for code in CAMP_EARLY]


def test_search_finds_a_persons_tasks_by_login_case_insensitively(client, seventh):
    expected = [
        ("individual", "NO.3"),
        ("individual", "NO.22"),
        ("fundable", "NO.1"),
        ("fundable", "NO.2"),
    ]

    assert tracks_and_codes(browse(client, q="ind-03")) == expected
    assert tracks_and_codes(browse(client, q="IND-03")) == expected


def test_search_matches_code_title_and_team(client, seventh):
    assert tracks_and_codes(browse(client, q="team-4")) == [("fundable", "NO.4")]
    assert tracks_and_codes(browse(client, q="项目十一")) == [("camp", "项目十一")]
    assert tracks_and_codes(browse(client, q="task no.5", track="individual")) == [
        ("individual", f"NO.{n}") for n in [5, *range(50, 59)]
    ]


def test_search_lists_a_task_once_when_several_pieces_of_work_match(client, seventh):
    # Individual NO.1 has two pieces of work matching "ind": ind-01's and ind-late's.
    response = browse(client, q="ind", track="individual")

    assert codes(response) == [f"NO.{n}" for n in range(1, 28)]


def test_stars_filters_exact_minimum_and_maximum(client, seventh):
    assert tracks_and_codes(browse(client, stars_min=10)) == [
        ("fundable", f"NO.{n}") for n in (5, 6, 7, 8)
    ]
    assert codes(browse(client, stars_max="0.5")) == [f"NO.{n}" for n in range(2, 59, 4)]
    assert codes(browse(client, stars=3)) == [f"NO.{n}" for n in range(3, 59, 4)]
    assert codes(browse(client, stars_min=2, stars_max=3, track="individual")) == [
        f"NO.{n}" for n in range(1, 59, 2)
    ]


def test_sort_by_stars_descending_puts_tasks_without_stars_last(client, seventh):
    first = browse(client, sort="-stars")
    second = browse(client, sort="-stars", page=2)

    assert tracks_and_codes(first)[:9] == [
        ("fundable", code) for code in ["NO.8", "NO.7", "NO.6", "NO.5", "NO.4", "NO.3", "NO.2",
                                        "NO.11", "NO.1"]
    ]  # fmt: skip
    assert tracks_and_codes(second)[-19:] == [("camp", code) for code in CAMP_EARLY + CAMP_REGULAR]


def test_sort_by_stars_ascending_still_puts_tasks_without_stars_last(client, seventh):
    response = browse(client, sort="stars", track="camp")

    assert codes(browse(client, sort="stars"))[:3] == ["NO.2", "NO.6", "NO.10"]
    assert codes(response) == CAMP_EARLY + CAMP_REGULAR


def test_sort_by_status_and_title(client, seventh):
    by_status = browse(client, sort="-status", track="fundable")
    by_title = browse(client, sort="-title", track="fundable")

    assert codes(by_status) == [*[f"NO.{n}" for n in range(1, 9)], "NO.9", "NO.10", "NO.11"]
    assert codes(by_title) == ["NO.9", "NO.8", "NO.7", "NO.6", "NO.5", "NO.4", "NO.3", "NO.2",
                               "NO.11", "NO.10", "NO.1"]  # fmt: skip


def test_empty_sort_values_keep_the_default_order(client, seventh):
    assert codes(browse(client, sort=",", track="individual"))[:3] == ["NO.1", "NO.2", "NO.3"]


def test_column_headers_toggle_the_sort_and_keep_the_filters(client, seventh):
    response = browse(client, track="individual", sort="-stars", page=2)
    html = response.content.decode()

    assert (
        '<th scope="col" aria-sort="descending" class="num">'
        '<a class="sort sort-descending" href="?track=individual&amp;sort=stars">Stars</a></th>'
    ) in html
    assert '<a class="sort sort-none" href="?track=individual&amp;sort=code">Code</a>' in html


def test_pagination_keeps_the_filter_state_in_its_links(client, seventh):
    response = browse(client, track="individual", page=2)
    html = response.content.decode()

    assert codes(response) == [f"NO.{n}" for n in range(51, 59)]
    assert '<a href="?track=individual&amp;page=1" rel="prev">Previous</a>' in html
    assert "Page 2 of 2" in text(response)
    assert 'rel="next"' not in html


def test_next_page_link_keeps_the_sort(client, seventh):
    html = browse(client, sort="-stars").content.decode()

    assert '<a href="?sort=-stars&amp;page=2" rel="next">Next</a>' in html


def test_out_of_range_page_shows_the_last_page(client, seventh):
    assert codes(browse(client, track="individual", page=99)) == [f"NO.{n}" for n in range(51, 59)]
    # Not a page number at all is a 400 that says what a page is (tests/hackathon/test_hostile.py).
    assert browse(client, track="individual", page="x").status_code == 400


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"track": "nope"}, "Select a valid choice. nope is not one of the available choices."),
        ({"status": "done"}, "Select a valid choice. done is not one of the available choices."),
        (
            {"stars_min": "many"},
            "Enter a number of stars from 0 to 100 with at most three decimals, such as 0.25.",
        ),
        ({"sort": "reward"}, "Select a valid choice. reward is not one of the available choices."),
        ({"direction": "烹饪"}, "Select a valid choice. 烹饪 is not one of the available choices."),
    ],
)
def test_invalid_filter_value_is_a_form_error_on_the_page(client, seventh, params, message):
    response = browse(client, **params)
    page = text(response)

    assert response.status_code == 400
    assert "Some filters are not valid: correct them to see the tasks." in page
    assert message in page
    assert response.context["results"] is None
    assert "tasks match" not in page


def test_filter_form_has_a_label_for_every_field(client, seventh):
    html = browse(client).content.decode()

    for name in ["track", "batch", "direction", "status", "stars", "stars_min", "stars_max", "q",
                 "sort"]:  # fmt: skip
        assert f'<label for="id_{name}">' in html
        assert f'id="id_{name}"' in html


def test_filter_choices_are_the_editions_own(client, seventh):
    other = EditionFactory(number=6, slug="6th")
    TaskFactory(track__edition=other, batch="偷跑版", direction=DirectionFactory(name="文档"))
    form = browse(client).context["filter"].form

    assert [value for value, _ in form.fields["track"].choices] == [
        "",
        "individual",
        "camp",
        "fundable",
    ]
    assert [value for value, _ in form.fields["batch"].choices] == ["", "提前批", "正式批"]
    assert [value for value, _ in form.fields["direction"].choices] == [
        "",
        "框架开发",
        "科学计算",
        "套件建设",
        "论文复现",
        "基础设施建设",
    ]


def test_rows_show_track_batch_direction_stars_status_and_people(client, seventh):
    page = text(browse(client, q="项目一", batch="正式批"))
    regular = text(browse(client, track="fundable", stars=7))

    assert "项目一 Task 项目一 护航计划集训营 正式批 Completed camp-08 camp-09" in page
    assert (
        "NO.2 Task NO.2 Fundable Projects 7 Completed ind-03 ind-04 "
        "NO.11 Task NO.11 Fundable Projects 7 Open"
    ) in regular


def test_task_list_of_a_draft_edition_is_not_found(client, participant_user):
    TaskFactory(track__edition=EditionFactory(number=9, slug="9th", is_public=False))

    assert client.get("/editions/9th/tasks/").status_code == 404
    client.force_login(participant_user)
    assert client.get("/editions/9th/tasks/").status_code == 404


def test_organizers_preview_the_task_list_of_a_draft(organizer_client):
    TaskFactory(track__edition=EditionFactory(number=9, slug="9th", is_public=False), code="NO.1")

    response = organizer_client.get("/editions/9th/tasks/")

    assert codes(response) == ["NO.1"]


def test_task_list_query_count_does_not_grow_with_tasks(client, django_assert_num_queries):
    # The results clock; the edition; the choices of track, batch and direction; the count; the
    # page of tasks (with track, direction and progress); their works; the works' people.
    edition = EditionFactory(number=1, slug="1st")
    track = TrackFactory(edition=edition)
    WorkFactory(task__track=track, contributors=["alice", "bob"])
    with django_assert_num_queries(9):
        first = client.get("/editions/1st/tasks/")
    for login in ("carol", "dave"):
        WorkFactory(
            task__track=track,
            task__direction=DirectionFactory(name=login),
            task__batch=login,
            contributors=[login, "erin"],
        )
    with django_assert_num_queries(9):
        third = client.get("/editions/1st/tasks/")
    assert (count(first), count(third)) == (1, 3)
    # Warm: the whole page comes from the cache.
    with django_assert_num_queries(0):
        warm = client.get("/editions/1st/tasks/")
    assert warm.content == third.content


def test_task_list_shows_a_change_at_once(client):
    work = WorkFactory(task__track__edition__slug="1st", status="claimed", contributors=["alice"])
    assert count(client.get("/editions/1st/tasks/?status=completed")) == 0

    work.status = "completed"
    work.save()

    assert count(client.get("/editions/1st/tasks/?status=completed")) == 1


# The task page


@pytest.fixture
def camp_project(db):
    """A camp project of a small edition with a mentor and three pieces of work."""
    edition = EditionFactory(number=5, slug="5th", name="第五期", yuan_per_star=2000)
    track = TrackFactory(edition=edition, kind=TrackKind.CAMP, name="护航计划集训营")
    task = TaskFactory(
        track=track,
        code="项目三",
        title="Sparse kernels",
        batch="正式批",
        direction=DirectionFactory(name="框架开发"),
        stars=None,
        issue_url="https://github.com/PaddlePaddle/Paddle/issues/1",
    )
    task.mentors.add(ParticipantFactory(login="Mentor-A"))
    WorkFactory(
        task=task,
        contributors=["camper-1"],
        grade=Grade.EXCELLENT,
        pr_urls="https://github.com/PaddlePaddle/Paddle/pull/10\n"
        "https://github.com/PaddlePaddle/Paddle/pull/11",
        submitted_on=datetime.date(2024, 11, 1),
        completed_on=datetime.date(2024, 12, 20),
    )
    WorkFactory(task=task, team="Duo", contributors=["camper-2", "camper-3"], reward=1234.5)
    WorkFactory(task=task, status=WorkStatus.REJECTED, contributors=["camper-4"])
    return task


def test_task_page_shows_the_task_and_every_piece_of_work(client, camp_project):
    response = client.get(f"/editions/5th/tasks/{camp_project.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    page = text(response)
    html = response.content.decode()

    assert (
        "项目三 Sparse kernels Track 护航计划集训营 Batch 正式批 Direction Framework development "
        "Status Completed GitHub issue https://github.com/PaddlePaddle/Paddle/issues/1 "
        "Mentors Mentor-A"
    ) in page
    assert (
        "Team People Status Grade Reward (CNY) Pull requests Submitted on Completed on "
        "camper-1 Completed Excellent 10,000 https://github.com/PaddlePaddle/Paddle/pull/10 "
        "https://github.com/PaddlePaddle/Paddle/pull/11 2024-11-01 2024-12-20 "
        "Duo camper-2 camper-3 Completed 1,234.50 "
        "camper-4 Rejected"
    ) in page
    assert '<a href="/people/Mentor-A/">Mentor-A</a>' in html
    assert '<a href="/people/camper-2/">camper-2</a>' in html
    assert 'href="https://github.com/PaddlePaddle/Paddle/issues/1"' in html
    assert "Stars" not in page.split("Work on this task")[0]


def test_task_page_shows_stars_and_reward_of_an_individual_task(client, seventh):
    task = seventh.tracks.get(kind=TrackKind.INDIVIDUAL).tasks.get(code="NO.3")

    page = text(client.get(f"/editions/7th/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en"))

    assert (
        "NO.3 Task NO.3 Track 开源贡献个人挑战赛 Direction Toolkits Stars 3 Reward (CNY) 6,000 "
        "Status Completed"
    ) in page
    assert "ind-03 Completed 6,000" in page


def test_task_page_without_work_says_so(client, seventh):
    task = seventh.tracks.get(kind=TrackKind.FUNDABLE).tasks.get(code="NO.11")

    page = text(client.get(f"/editions/7th/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Status Open" in page
    assert "Nobody is working on this task yet." in page


def test_task_page_never_shows_emails_or_private_notes(client, camp_project):
    person = camp_project.works.get(team="Duo").contributors.get(login="camper-2")
    person.email = "camper2@example.com"
    person.notes = "owes us a report"
    person.save()
    mentor = camp_project.mentors.get()
    mentor.email = "mentor@example.com"
    mentor.notes = "mentor remark"
    mentor.save()
    camp_project.works.filter(team="Duo").update(notes="private: late defence")

    html = client.get(f"/editions/5th/tasks/{camp_project.pk}/").content.decode()

    assert "camper-2" in html
    for secret in ["camper2@example.com", "owes us a report", "mentor@example.com",
                   "mentor remark", "late defence"]:  # fmt: skip
        assert secret not in html


def test_task_page_of_a_draft_edition_is_not_found(client, participant_user):
    task = TaskFactory(track__edition=EditionFactory(number=9, slug="9th", is_public=False))

    assert client.get(f"/editions/9th/tasks/{task.pk}/").status_code == 404
    client.force_login(participant_user)
    assert client.get(f"/editions/9th/tasks/{task.pk}/").status_code == 404


def test_organizers_preview_a_task_of_a_draft(organizer_client):
    task = TaskFactory(
        track__edition=EditionFactory(number=9, slug="9th", is_public=False), title="Secret"
    )

    response = organizer_client.get(f"/editions/9th/tasks/{task.pk}/")

    assert "Secret" in text(response)


def test_withdrawn_task_page_is_not_found(client, seventh):
    task = seventh.tracks.get(kind=TrackKind.INDIVIDUAL).tasks.get(code="NO.59")

    assert client.get(f"/editions/7th/tasks/{task.pk}/").status_code == 404


def test_task_of_another_edition_is_not_found_under_this_slug(client, seventh):
    task = TaskFactory(track__edition=EditionFactory(number=6, slug="6th"))

    assert client.get(f"/editions/7th/tasks/{task.pk}/").status_code == 404
    assert client.get(f"/editions/6th/tasks/{task.pk}/").status_code == 200
    assert client.get("/editions/7th/tasks/999999/").status_code == 404


def test_task_page_query_count_does_not_grow_with_work(
    client, camp_project, django_assert_num_queries
):
    # The results clock (then cached); the edition; the task (with track, direction, progress
    # and reward); its works (with their rewards); the works' people; the mentors.
    task = TaskFactory(track=camp_project.track, code="NO.1")
    WorkFactory(task=task, contributors=["solo"])
    with django_assert_num_queries(6):
        client.get(f"/editions/5th/tasks/{task.pk}/")
    with django_assert_num_queries(5):
        response = client.get(f"/editions/5th/tasks/{camp_project.pk}/")
    assert len(response.context["task"].works.all()) == 3
