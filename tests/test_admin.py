"""The organizer admin, through HTTP: who may reach it, what organizers enter, what lists cost."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import translation

from hackathon.models import Edition
from participants.certificates import issue_certificates
from participants.models import Certificate, Participant
from tasks.choices import WorkStatus
from tasks.models import Contribution, Direction, Task, Work
from tasks.stats import Figures, edition_figures
from tests.factories import (
    DirectionFactory,
    EditionFactory,
    MilestoneFactory,
    ParticipantFactory,
    TaskFactory,
    TrackFactory,
    UserFactory,
    WorkFactory,
)
from tracks.choices import TrackKind
from tracks.models import Track

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the admin's English messages (the site's default language is Chinese)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


ORGANIZERS_PERMISSIONS = {
    "view_edition",
    "add_edition",
    "change_edition",
    "view_track",
    "add_track",
    "change_track",
    "view_milestone",
    "add_milestone",
    "change_milestone",
    "delete_milestone",
    "view_direction",
    "add_direction",
    "change_direction",
    "view_task",
    "add_task",
    "change_task",
    "view_work",
    "add_work",
    "change_work",
    "delete_work",
    "view_contribution",
    "add_contribution",
    "change_contribution",
    "delete_contribution",
    "view_participant",
    "add_participant",
    "change_participant",
}
# Added by participants/migrations/0005: organizers issue and revoke certificates (never delete).
CERTIFICATE_PERMISSIONS = {"view_certificate", "add_certificate", "change_certificate"}
# Objections are answered, never deleted; versions are made by publishing (results 0003).
RESULTS_PERMISSIONS = {"view_objection", "change_objection", "view_resultsversion"}
# The webhook deliveries are read, never written by hand (github_sync 0002).
GITHUB_PERMISSIONS = {"view_delivery"}
# What the results post will say, entered on the edition's page (tracks 0006).
ANNOUNCED_PERMISSIONS = {
    "add_announcedfigure",
    "change_announcedfigure",
    "delete_announcedfigure",
    "view_announcedfigure",
}

CHANGELISTS = [
    "hackathon_edition",
    "tracks_track",
    "tracks_milestone",
    "tasks_direction",
    "tasks_task",
    "tasks_work",
    "participants_participant",
    "participants_certificate",
]


def changelist(model):
    return reverse(f"admin:{model}_changelist")


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def rows(prefix, forms):
    """Inline rows as posted: {"works-0-status": ..., ...} from a list of dicts."""
    return {
        f"{prefix}-{index}-{name}": value
        for index, form in enumerate(forms)
        for name, value in form.items()
    }


def work_row(**fields):
    row = {
        "status": WorkStatus.COMPLETED,
        "team": "",
        "contributors": "",
        "grade": "",
        "reward": "",
        "submitted_on": "",
        "completed_on": "",
        "pr_urls": "",
        "notes": "",
    }
    row.update(fields)
    return row


def existing_work_row(work, **fields):
    logins = "; ".join(c.participant.login for c in work.contributions.order_by("id"))
    row = work_row(
        id=str(work.pk), status=work.status, team=work.team, contributors=logins, grade=work.grade
    )
    row.update(fields)
    return row


def task_form(task=None, **fields):
    """What the task page posts: the task's fields, without any work rows yet."""
    data = {
        "track": str(task.track_id) if task else "",
        "batch": task.batch if task else "",
        "code": task.code if task else "",
        "title": task.title if task else "",
        "direction": str(task.direction_id or "") if task else "",
        "stars": str(task.stars or "") if task else "",
        "issue_url": "",
        "description": "",
        "_save": "Save",
    }
    data.update(fields)
    return data


def post_task_works(client, task, works, initial):
    data = {**task_form(task), **management("works", len(works), initial), **rows("works", works)}
    return client.post(reverse("admin:tasks_task_change", args=[task.pk]), data)


def inline_errors(response):
    """The errors of each work row the task page shows again."""
    formset = response.context["inline_admin_formsets"][0].formset
    return [form.errors for form in formset.forms]


def logins_of(work):
    return sorted(c.participant.login for c in work.contributions.all())


# The Organizers group -------------------------------------------------------------------------


def test_organizers_group_has_exactly_the_data_entry_permissions():
    group = Group.objects.get(name="Organizers")

    assert set(group.permissions.values_list("codename", flat=True)) == (
        ORGANIZERS_PERMISSIONS
        | CERTIFICATE_PERMISSIONS
        | RESULTS_PERMISSIONS
        | GITHUB_PERMISSIONS
        | ANNOUNCED_PERMISSIONS
    )
    assert group.permissions.count() == 38


def test_reversing_the_group_migration_removes_the_group_and_reapplying_restores_it():
    migration = importlib.import_module("participants.migrations.0002_organizers_group")

    # The functions only read the schema editor's connection.
    schema_editor = SimpleNamespace(connection=connection)

    migration.remove_organizers_group(global_apps, schema_editor)
    assert not Group.objects.filter(name="Organizers").exists()
    migration.create_organizers_group(global_apps, schema_editor)

    group = Group.objects.get(name="Organizers")
    assert set(group.permissions.values_list("codename", flat=True)) == ORGANIZERS_PERMISSIONS


# Who reaches the admin ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", "/admin/tasks/task/"])
def test_signed_in_non_staff_user_is_sent_to_the_admin_login(client, participant_user, url):
    client.force_login(participant_user)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


@pytest.mark.parametrize("url", ["/admin/", "/admin/hackathon/edition/"])
def test_anonymous_visitor_is_sent_to_the_admin_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


@pytest.mark.parametrize("model", CHANGELISTS)
def test_staff_outside_the_organizers_group_may_not_see_the_changelists(client, model):
    client.force_login(UserFactory(username="intern", is_staff=True))

    assert client.get(changelist(model)).status_code == 403


def test_staff_outside_the_organizers_group_sees_no_model_on_the_admin_index(client):
    client.force_login(UserFactory(username="intern", is_staff=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert response.context["app_list"] == []


def test_organizer_sees_every_app_on_the_admin_index(organizer_client):
    response = organizer_client.get("/admin/")

    models = {
        (app["app_label"], model["object_name"])
        for app in response.context["app_list"]
        for model in app["models"]
    }
    assert models == {
        ("hackathon", "Edition"),
        ("tracks", "Track"),
        ("tracks", "Milestone"),
        ("tasks", "Direction"),
        ("tasks", "Task"),
        ("tasks", "Work"),
        ("tasks", "ImportJob"),
        ("participants", "Participant"),
        ("participants", "Certificate"),
        ("results", "Objection"),
        ("results", "ResultsVersion"),
        ("github_sync", "Delivery"),
    }


def test_organizer_may_not_delete_an_edition_or_a_task(organizer_client):
    task = TaskFactory()
    edition = task.track.edition

    edition_delete = reverse("admin:hackathon_edition_delete", args=[edition.pk])
    task_delete = reverse("admin:tasks_task_delete", args=[task.pk])

    assert organizer_client.get(edition_delete).status_code == 403
    assert organizer_client.post(edition_delete, {"post": "yes"}).status_code == 403
    assert organizer_client.post(task_delete, {"post": "yes"}).status_code == 403
    assert (Edition.objects.count(), Task.objects.count()) == (1, 1)


def test_organizer_may_delete_a_piece_of_work(organizer_client):
    work = WorkFactory(contributors=["alice"])

    response = organizer_client.post(
        reverse("admin:tasks_work_delete", args=[work.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert (Work.objects.count(), Contribution.objects.count()) == (0, 0)
    assert Participant.objects.filter(login="alice").exists()


# Entering an edition --------------------------------------------------------------------------


def test_organizer_enters_a_whole_edition_through_the_admin(organizer_client):
    response = organizer_client.post(
        reverse("admin:hackathon_edition_add"),
        {
            "number": "8",
            "name": "飞桨黑客马拉松第八期",
            "slug": "8th",
            "description": "",
            "starts_on": "2025-03-01",
            "ends_on": "2025-06-30",
            "results_published_at_0": "",
            "results_published_at_1": "",
            "objections_close_at_0": "",
            "objections_close_at_1": "",
            "objections_reviewed_by": "",
            "objections_contact": "",
            "yuan_per_star": "2000",
            "reward_cap": "30000",
            "honour_name": "飞桨开源之星",
            "honour_name_en": "",
            "honour_count": "3",
            **management("tracks", 2),
            **management("announced_figures", 0),
            **rows(
                "tracks",
                [
                    {"kind": "individual", "name": "开源贡献个人挑战赛", "slug": "", "order": "0"},
                    {"kind": "other", "name": "Article writing", "slug": "", "order": "3"},
                ],
            ),
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    edition = Edition.objects.get(slug="8th")
    assert (edition.number, edition.is_public, edition.yuan_per_star) == (8, False, 2000)
    assert (edition.reward_cap, edition.honour_name, edition.honour_count) == (
        30000,
        "飞桨开源之星",
        3,
    )
    assert list(edition.tracks.values_list("kind", "slug")) == [
        ("individual", "individual"),
        ("other", "article-writing"),
    ]

    response = organizer_client.post(
        reverse("admin:tracks_track_add"),
        {
            "edition": str(edition.pk),
            "kind": "camp",
            "name": "护航计划集训营",
            "slug": "",
            "order": "1",
            "tracking_issue_url": "",
            "description": "",
            **management("milestones", 1),
            **rows("milestones", [{"kind": "weekly_report", "title": "", "held_on": "2025-04-04"}]),
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    camp = edition.tracks.get(kind=TrackKind.CAMP)
    assert (camp.slug, camp.milestones.count()) == ("camp", 1)

    Participant.objects.create(login="Alice")
    direction = DirectionFactory(name="框架开发")
    response = organizer_client.post(
        reverse("admin:tasks_task_add"),
        {
            **task_form(
                track=str(edition.tracks.get(kind=TrackKind.INDIVIDUAL).pk),
                code="NO.1",
                title="Add a kernel",
                direction=str(direction.pk),
                stars="2",
            ),
            **management("works", 2),
            **rows(
                "works",
                [
                    work_row(contributors="alice; @Bob", completed_on="2025-05-01"),
                    work_row(status=WorkStatus.CLAIMED, contributors="carol"),
                ],
            ),
        },
    )

    assert response.status_code == 302
    task = Task.objects.get(code="NO.1")
    first, second = task.works.order_by("id")
    assert (first.status, first.identity, logins_of(first)) == (
        WorkStatus.COMPLETED,
        "people:alice;bob",
        ["Alice", "Bob"],
    )
    assert (second.identity, logins_of(second)) == ("people:carol", ["carol"])
    assert sorted(Participant.objects.values_list("login", flat=True)) == ["Alice", "Bob", "carol"]
    assert edition_figures(edition) == Figures(
        tasks_published=1,
        tasks_submitted=1,
        tasks_completed=1,
        participants=3,
        developers_completed=2,
    )


def test_edition_add_page_prepopulates_the_slug_from_the_number(organizer_client):
    response = organizer_client.get(reverse("admin:hackathon_edition_add"))

    assert response.status_code == 200
    assert [
        (field["field"].name, [dep.name for dep in field["dependencies"]])
        for field in response.context["prepopulated_fields"]
    ] == [("slug", ["number"])]


def test_edition_change_page_shows_the_editions_figures(organizer_client):
    task = TaskFactory()
    WorkFactory(task=task, contributors=["alice", "bob"])
    TaskFactory(track=task.track)

    response = organizer_client.get(
        reverse("admin:hackathon_edition_change", args=[task.track.edition_id])
    )

    assert (
        "2 tasks published, 1 submitted (50%), 1 completed (50%); 2 participants, "
        "2 developers completed."
    ) in response.content.decode()


def test_track_of_another_kind_needs_a_slug_when_its_name_gives_none(organizer_client):
    edition = EditionFactory()

    response = organizer_client.post(
        reverse("admin:tracks_track_add"),
        {
            "edition": str(edition.pk),
            "kind": "other",
            "name": "!!!",
            "slug": "",
            "order": "0",
            **management("milestones", 0),
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "slug": ["Enter a slug: it cannot be made from this name."]
    }
    assert Track.objects.count() == 0


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


def work_form(work, **fields):
    data = {
        "task": str(work.task_id),
        "status": work.status,
        "team": work.team,
        "grade": work.grade,
        "reward": "",
        "submitted_on": "",
        "completed_on": "",
        "pr_urls": "",
        "notes": "",
        "_save": "Save",
    }
    data.update(fields)
    return data


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


def test_publish_action_makes_editions_public_and_draft_action_hides_them(organizer_client):
    draft = EditionFactory(number=8, is_public=False)
    public = EditionFactory(number=7, is_public=True)
    url = changelist("hackathon_edition")

    response = organizer_client.post(
        url, {"action": "make_public", "_selected_action": [str(draft.pk)]}
    )

    assert response.status_code == 302
    assert list(Edition.objects.order_by("number").values_list("is_public", flat=True)) == [
        True,
        True,
    ]

    organizer_client.post(
        url, {"action": "make_draft", "_selected_action": [str(draft.pk), str(public.pk)]}
    )

    assert list(Edition.objects.values_list("is_public", flat=True)) == [False, False]


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


def test_edition_list_shows_each_editions_figures(organizer_client, seventh):
    other = EditionFactory(number=8)
    WorkFactory(task__track__edition=other, contributors=["alice"])

    response = organizer_client.get(changelist("hackathon_edition"))

    result = {edition.slug: edition.figures for edition in response.context["cl"].result_list}
    assert result == {"8th": edition_figures(other), "7th": edition_figures(seventh)}
    assert (result["7th"].tasks_published, result["7th"].developers_completed) == (88, 37)


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


def test_people_list_counts_completed_work_and_filters_pfcc_members(organizer_client):
    alice = ParticipantFactory(login="alice", pfcc_member_since=datetime.date(2024, 5, 1))
    ParticipantFactory(login="bob")
    WorkFactory(contributors=[alice])
    WorkFactory(contributors=[alice])
    WorkFactory(status=WorkStatus.REJECTED, contributors=[alice, "bob"])
    WorkFactory(task__withdrawn=True, contributors=[alice])

    every = organizer_client.get(changelist("participants_participant"))
    members = organizer_client.get(changelist("participants_participant"), {"pfcc": "yes"})
    others = organizer_client.get(changelist("participants_participant"), {"pfcc": "no"})

    assert [(p.login, p.completed_count) for p in every.context["cl"].result_list] == [
        ("alice", 2),
        ("bob", 0),
    ]
    assert [p.login for p in members.context["cl"].result_list] == ["alice"]
    assert [p.login for p in others.context["cl"].result_list] == ["bob"]


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


def test_people_autocomplete_finds_mentors_by_login(organizer_client):
    ParticipantFactory(login="Alice")
    ParticipantFactory(login="bob")

    response = organizer_client.get(
        "/admin/autocomplete/",
        {"app_label": "tasks", "model_name": "task", "field_name": "mentors", "term": "ali"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Alice"]


# No query per row -----------------------------------------------------------------------------


def make_editions(count):
    for _ in range(count):
        WorkFactory(task__track__edition=EditionFactory(), contributors=["alice"])


def make_tracks(count):
    for _ in range(count):
        TaskFactory(track=TrackFactory(edition=EditionFactory()))


def make_milestones(count):
    for _ in range(count):
        MilestoneFactory(track=TrackFactory(edition=EditionFactory(), kind=TrackKind.CAMP))


def make_directions(count):
    # The standard directions a migration creates, unused, are not this test's rows.
    Direction.objects.filter(tasks=None).delete()
    for _ in range(count):
        TaskFactory(direction=DirectionFactory(name=f"direction {Direction.objects.count()}"))


def make_tasks(count):
    for _ in range(count):
        task = TaskFactory(
            track=TrackFactory(edition=EditionFactory()), direction=DirectionFactory()
        )
        task.mentors.add(ParticipantFactory())
        WorkFactory(task=task, contributors=[ParticipantFactory(), ParticipantFactory()])


def make_works(count):
    for _ in range(count):
        WorkFactory(
            task__track__edition=EditionFactory(),
            contributors=[ParticipantFactory(), ParticipantFactory()],
        )


def make_people(count):
    for _ in range(count):
        WorkFactory(contributors=[ParticipantFactory()])


def make_certificates(count):
    for _ in range(count):
        work = WorkFactory(
            task__track__edition=EditionFactory(), contributors=[ParticipantFactory()]
        )
        issue_certificates(work.task.track.edition)


@pytest.mark.parametrize(
    ("model", "make", "queries"),
    [
        ("hackathon_edition", make_editions, 9),  # figures: task tallies, then boards
        ("tracks_track", make_tracks, 8),
        ("tracks_milestone", make_milestones, 8),
        ("tasks_direction", make_directions, 7),
        ("tasks_task", make_tasks, 10),
        ("tasks_work", make_works, 9),
        ("participants_participant", make_people, 7),
        ("participants_certificate", make_certificates, 10),
    ],
)
def test_changelist_queries_do_not_grow_with_its_rows(
    organizer_client, django_assert_num_queries, model, make, queries
):
    url = changelist(model)
    make(1)
    organizer_client.get(url)  # Warms the process-wide caches (content types).
    with django_assert_num_queries(queries):
        one = organizer_client.get(url)
    make(2)
    with django_assert_num_queries(queries):
        three = organizer_client.get(url)

    assert (one.context["cl"].result_count, three.context["cl"].result_count) == (1, 3)


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


def test_save_and_import_takes_a_new_edition_to_its_import_page(organizer_client):
    response = organizer_client.post(
        reverse("admin:hackathon_edition_add"),
        {
            "number": "9",
            "name": "飞桨黑客马拉松第九期",
            "slug": "9th",
            "description": "",
            "starts_on": "2025-09-01",
            "ends_on": "",
            "results_published_at_0": "",
            "results_published_at_1": "",
            "objections_close_at_0": "",
            "objections_close_at_1": "",
            "objections_reviewed_by": "",
            "objections_contact": "",
            "yuan_per_star": "2000",
            "reward_cap": "",
            "honour_name": "",
            "honour_name_en": "",
            "honour_count": "0",
            **management("tracks", 0),
            **management("announced_figures", 0),
            "_import": "Save and import tasks and results",
        },
    )

    edition = Edition.objects.get(slug="9th")
    assert response["Location"] == reverse("admin:hackathon_edition_import", args=[edition.pk])


def test_certificates_are_issued_from_the_editions_page_after_a_warning(organizer_client):
    work = WorkFactory(
        task__track__edition=EditionFactory(number=7, is_public=False), contributors=["alice"]
    )
    edition = work.task.track.edition
    url = reverse("admin:hackathon_edition_issue", args=[edition.pk])

    page = organizer_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    issued = organizer_client.post(url)

    assert [str(w) for w in page.context["warnings"]] == [
        "This edition is a draft: its certificates stay hidden until it is public.",
        "Its results are not published yet: certificates issued now certify the work completed "
        "so far, and are dated today.",
    ]
    assert Certificate.objects.filter(track__edition=edition).count() == 1
    assert issued["Location"] == reverse("admin:hackathon_edition_change", args=[edition.pk])
    change = organizer_client.get(reverse("admin:hackathon_edition_change", args=[edition.pk]))
    assert url in change.content.decode()
