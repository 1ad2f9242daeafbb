"""Tasks, directions and pieces of work in the admin, through HTTP (tasks/admin.py, tasks/forms.py):
identities kept unique, the actions, what the lists show and cost."""

import pytest
from django.urls import reverse

from participants.models import Participant
from tasks.choices import WorkStatus
from tasks.models import Contribution, Direction, Task, Work
from tasks.stats import Figures, edition_figures
from tests.admin_posts import (
    changelist,
    existing_work_row,
    inline_errors,
    logins_of,
    management,
    post_task_works,
    rows,
    work_form,
    work_row,
)
from tests.factories import (
    DirectionFactory,
    ParticipantFactory,
    TaskFactory,
    TrackFactory,
    WorkFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


# Pieces of work on their task -----------------------------------------------------------------


def test_changing_contributors_updates_contributions_and_identity(organizer_client):
    work = WorkFactory(contributors=["alice", "bob"])
    Contribution.objects.filter(participant__login="alice").update(reward_share=1500)

    response = post_task_works(
        organizer_client,
        work.task,
        [existing_work_row(work, contributors="@alice;DAVE")],
        initial=1,
    )

    assert response.status_code == 302
    work.refresh_from_db()
    assert (work.identity, logins_of(work)) == ("people:alice;dave", ["DAVE", "alice"])
    assert work.contributions.get(participant__login="alice").reward_share == 1500
    assert Participant.objects.filter(login="bob").exists()


def test_giving_a_team_makes_the_team_the_identity(organizer_client):
    work = WorkFactory(contributors=["alice", "bob"])

    response = post_task_works(
        organizer_client, work.task, [existing_work_row(work, team="  Red   Pandas ")], initial=1
    )

    assert response.status_code == 302
    work.refresh_from_db()
    assert (work.identity, logins_of(work)) == ("team:red pandas", ["alice", "bob"])


def test_unchanged_contributors_written_differently_do_not_touch_the_work(organizer_client):
    work = WorkFactory(contributors=["alice", "bob"])
    updated_at = work.updated_at

    response = post_task_works(
        organizer_client,
        work.task,
        [existing_work_row(work, contributors="@Bob, alice")],
        initial=1,
    )

    assert response.status_code == 302
    work.refresh_from_db()
    assert (work.updated_at, logins_of(work)) == (updated_at, ["alice", "bob"])


def test_same_contributors_twice_on_a_task_is_a_form_error(organizer_client):
    work = WorkFactory(contributors=["alice", "bob"])

    response = post_task_works(
        organizer_client,
        work.task,
        [existing_work_row(work), work_row(contributors="BOB; @Alice")],
        initial=1,
    )

    assert response.status_code == 200
    assert inline_errors(response) == [
        {},
        {
            "contributors": [
                "Another piece of work on this task already has exactly these contributors."
            ]
        },
    ]
    assert Work.objects.count() == 1


def test_same_team_twice_in_one_save_is_a_form_error(organizer_client):
    task = TaskFactory()

    response = post_task_works(
        organizer_client,
        task,
        [work_row(team="Red", contributors="alice"), work_row(team=" red ", contributors="bob")],
        initial=0,
    )

    assert response.status_code == 200
    assert inline_errors(response) == [
        {},
        {"team": ["Another piece of work on this task already has this team."]},
    ]
    assert (Work.objects.count(), Participant.objects.count()) == (0, 0)


def test_taking_over_an_identity_another_work_gives_up_in_the_same_save_is_a_form_error(
    organizer_client,
):
    first = WorkFactory(contributors=["alice"])
    second = WorkFactory(task=first.task, contributors=["bob"])

    response = post_task_works(
        organizer_client,
        first.task,
        [
            existing_work_row(first, contributors="bob"),
            existing_work_row(second, contributors="alice"),
        ],
        initial=2,
    )

    assert response.status_code == 200
    message = (
        "A piece of work listed below this one still uses this team or these contributors: "
        "save its change first, then this one."
    )
    assert inline_errors(response) == [{"contributors": [message]}, {}]
    assert [logins_of(first), logins_of(second)] == [["alice"], ["bob"]]


def test_work_may_take_the_identity_an_earlier_work_gives_up_in_the_same_save(organizer_client):
    first = WorkFactory(contributors=["alice"])
    second = WorkFactory(task=first.task, contributors=["bob"])

    response = post_task_works(
        organizer_client,
        first.task,
        [
            existing_work_row(first, contributors="carol"),
            existing_work_row(second, contributors="alice"),
            work_row(contributors="bob"),
        ],
        initial=2,
    )

    assert response.status_code == 302
    assert [(w.identity, logins_of(w)) for w in first.task.works.order_by("id")] == [
        ("people:carol", ["carol"]),
        ("people:alice", ["alice"]),
        ("people:bob", ["bob"]),
    ]


def test_work_past_claimed_needs_a_contributor_and_a_claim_needs_a_team_or_one(organizer_client):
    task = TaskFactory()

    response = post_task_works(
        organizer_client,
        task,
        [
            work_row(status=WorkStatus.PR_SUBMITTED, team="Red"),
            work_row(status=WorkStatus.CLAIMED),
            work_row(status=WorkStatus.CLAIMED, team="Blue"),
        ],
        initial=0,
    )

    assert response.status_code == 200
    assert inline_errors(response) == [
        {
            "contributors": [
                "Name at least one contributor: only a claimed piece of work may have none."
            ]
        },
        {"contributors": ["Name the team or at least one contributor."]},
        {},
    ]
    assert Work.objects.count() == 0


def test_contributors_must_be_github_logins(organizer_client):
    task = TaskFactory()

    response = post_task_works(
        organizer_client,
        task,
        [work_row(contributors="alice; bad.login; -dash")],
        initial=0,
    )

    assert response.status_code == 200
    assert inline_errors(response) == [{"contributors": ["Not GitHub logins: bad.login, -dash."]}]
    assert Participant.objects.count() == 0


def test_deleting_a_work_on_its_task_page_frees_its_identity(organizer_client):
    work = WorkFactory(contributors=["alice"])

    response = post_task_works(
        organizer_client,
        work.task,
        [existing_work_row(work, DELETE="on")],
        initial=1,
    )

    assert response.status_code == 302
    assert Work.objects.count() == 0


def test_deleting_a_work_and_adding_one_with_its_contributors_in_one_save(organizer_client):
    work = WorkFactory(status=WorkStatus.CLAIMED, contributors=["alice"])

    response = post_task_works(
        organizer_client,
        work.task,
        [existing_work_row(work, DELETE="on"), work_row(contributors="Alice")],
        initial=1,
    )

    assert response.status_code == 302
    (new,) = work.task.works.all()
    assert (new.pk != work.pk, new.status, new.identity) == (
        True,
        WorkStatus.COMPLETED,
        "people:alice",
    )


# The piece of work's own page -----------------------------------------------------------------


def test_adding_a_contribution_on_the_works_page_updates_its_identity(organizer_client):
    work = WorkFactory(contributors=["alice"])
    bob = ParticipantFactory(login="bob")
    alice_contribution = work.contributions.get()

    response = organizer_client.post(
        reverse("admin:tasks_work_change", args=[work.pk]),
        {
            **work_form(work),
            **management("contributions", 2, initial=1),
            **rows(
                "contributions",
                [
                    {
                        "id": str(alice_contribution.pk),
                        "participant": str(alice_contribution.participant_id),
                        "reward_share": "3000",
                    },
                    {"participant": str(bob.pk), "reward_share": "1000"},
                ],
            ),
        },
    )

    assert response.status_code == 302
    work.refresh_from_db()
    assert work.identity == "people:alice;bob"
    assert sorted(work.contributions.values_list("participant__login", "reward_share")) == [
        ("alice", 3000),
        ("bob", 1000),
    ]


def test_contributions_duplicating_another_works_identity_are_a_form_error(organizer_client):
    work = WorkFactory(contributors=["alice"])
    WorkFactory(task=work.task, contributors=["bob"])
    bob = Participant.objects.get(login="bob")
    alice_contribution = work.contributions.get()

    response = organizer_client.post(
        reverse("admin:tasks_work_change", args=[work.pk]),
        {
            **work_form(work),
            **management("contributions", 2, initial=1),
            **rows(
                "contributions",
                [
                    {
                        "id": str(alice_contribution.pk),
                        "participant": str(alice_contribution.participant_id),
                        "DELETE": "on",
                    },
                    {"participant": str(bob.pk)},
                ],
            ),
        },
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == [
        "Another piece of work on this task already has exactly these contributors."
    ]
    work.refresh_from_db()
    assert (work.identity, logins_of(work)) == ("people:alice", ["alice"])


# Actions --------------------------------------------------------------------------------------


def test_withdraw_action_takes_tasks_out_of_the_figures_and_restore_brings_them_back(
    organizer_client,
):
    track = TrackFactory()
    done = WorkFactory(task__track=track, contributors=["alice"]).task
    WorkFactory(task__track=track, contributors=["bob"])
    TaskFactory(track=track)
    url = changelist("tasks_task")
    assert edition_figures(track.edition).tasks_published == 3

    response = organizer_client.post(
        url, {"action": "withdraw", "_selected_action": [str(done.pk)]}
    )

    assert response.status_code == 302
    assert list(Task.objects.filter(withdrawn=True)) == [done]
    assert edition_figures(track.edition) == Figures(
        tasks_published=2,
        tasks_submitted=1,
        tasks_completed=1,
        participants=1,
        developers_completed=1,
    )

    organizer_client.post(url, {"action": "restore", "_selected_action": [str(done.pk)]})

    assert Task.objects.filter(withdrawn=True).count() == 0
    assert edition_figures(track.edition).tasks_completed == 2


# What the lists show --------------------------------------------------------------------------


def test_task_list_counts_works_and_shows_progress(organizer_client):
    track = TrackFactory()
    done = TaskFactory(track=track, code="NO.1")
    WorkFactory(task=done, contributors=["alice"])
    WorkFactory(task=done, status=WorkStatus.REJECTED, contributors=["bob"])
    TaskFactory(track=track, code="NO.2")

    response = organizer_client.get(changelist("tasks_task"))

    assert [
        (task.code, task.work_count, task.progress) for task in response.context["cl"].result_list
    ] == [("NO.1", 2, 3), ("NO.2", 0, 0)]


def test_task_search_by_contributor_lists_each_task_once_with_all_its_works(organizer_client):
    task = TaskFactory(code="NO.1")
    WorkFactory(task=task, contributors=["alice", "bob"])
    WorkFactory(task=task, status=WorkStatus.REJECTED, contributors=["alice-2"])
    TaskFactory(code="NO.2")
    task.mentors.add(ParticipantFactory(login="mentor-m"))

    by_contributor = organizer_client.get(changelist("tasks_task"), {"q": "alice"})
    by_mentor = organizer_client.get(changelist("tasks_task"), {"q": "mentor-m"})

    for response in (by_contributor, by_mentor):
        assert [(t.code, t.work_count) for t in response.context["cl"].result_list] == [("NO.1", 2)]


def test_task_list_filters_by_progress(organizer_client):
    track = TrackFactory()
    WorkFactory(task__track=track, task__code="NO.1", contributors=["alice"])
    WorkFactory(
        task__track=track, task__code="NO.2", status=WorkStatus.PR_SUBMITTED, contributors=["b"]
    )
    TaskFactory(track=track, code="NO.3")

    response = organizer_client.get(changelist("tasks_task"), {"progress": "2"})

    assert [task.code for task in response.context["cl"].result_list] == ["NO.2"]


def test_task_lists_link_to_their_works(organizer_client):
    task = WorkFactory(task__code="NO.1", contributors=["alice"]).task
    WorkFactory(task__code="NO.2", contributors=["bob"])

    tasks = organizer_client.get(changelist("tasks_task"), {"q": "NO.1"})
    link = f"/admin/tasks/work/?task__id__exact={task.pk}"
    works = organizer_client.get(link)

    assert f'<a href="{link}">1</a>' in tasks.content.decode()
    assert [work.task.code for work in works.context["cl"].result_list] == ["NO.1"]


def test_work_list_shows_contributors_and_searches_logins(organizer_client):
    WorkFactory(task__code="NO.1", team="Red", contributors=["alice", "bob"])
    WorkFactory(task__code="NO.2", contributors=["carol"])

    response = organizer_client.get(changelist("tasks_work"), {"q": "bob"})

    model_admin = response.context["cl"].model_admin
    assert [
        (work.task.code, model_admin.contributor_logins(work))
        for work in response.context["cl"].result_list
    ] == [("NO.1", "alice; bob")]


def test_track_and_direction_lists_count_published_tasks(organizer_client):
    direction = DirectionFactory(name="科学计算")
    track = TrackFactory()
    TaskFactory(track=track, direction=direction)
    TaskFactory(track=track, direction=direction, withdrawn=True)
    TaskFactory(track=track, direction=DirectionFactory(name="框架开发"))

    tracks = organizer_client.get(changelist("tracks_track"))
    directions = organizer_client.get(changelist("tasks_direction"), {"q": "科学计算"})

    assert [t.published_count for t in tracks.context["cl"].result_list] == [2]
    assert [(d.name, d.published_count) for d in directions.context["cl"].result_list] == [
        ("科学计算", 1)
    ]


def test_direction_order_is_editable_in_the_list(organizer_client):
    Direction.objects.all().delete()  # The standard ones a migration creates.
    first = DirectionFactory(name="框架开发", order=1)
    second = DirectionFactory(name="科学计算", order=2)

    response = organizer_client.post(
        changelist("tasks_direction"),
        {
            **management("form", 2, initial=2),
            **rows(
                "form", [{"id": str(second.pk), "order": "0"}, {"id": str(first.pk), "order": "1"}]
            ),
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert list(Direction.objects.values_list("name", flat=True)) == ["科学计算", "框架开发"]


# No query per work ----------------------------------------------------------------------------


def test_task_page_queries_do_not_grow_with_its_works(organizer_client, django_assert_num_queries):
    task = TaskFactory(direction=DirectionFactory())
    task.mentors.add(ParticipantFactory(), ParticipantFactory())
    url = reverse("admin:tasks_task_change", args=[task.pk])
    WorkFactory(task=task, contributors=["alice", "bob"])
    organizer_client.get(url)  # Warms the process-wide caches (content types).
    with django_assert_num_queries(11):
        one = organizer_client.get(url)
    WorkFactory(task=task, team="Red", contributors=["carol", "dave"])
    WorkFactory(task=task, status=WorkStatus.CLAIMED, contributors=["erin"])
    with django_assert_num_queries(11):
        three = organizer_client.get(url)

    initial = [
        [
            form["contributors"].value()
            for form in response.context["inline_admin_formsets"][0].formset.initial_forms
        ]
        for response in (one, three)
    ]
    assert initial == [["alice; bob"], ["alice; bob", "carol; dave", "erin"]]
