"""The organizer admin as a whole, through HTTP (who may reach it, what no list costs), and the
edition's pages (hackathon/admin.py)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from hackathon.models import Edition
from participants.certificates import issue_certificates
from participants.models import Certificate, Participant
from tasks.choices import WorkStatus
from tasks.models import Contribution, Direction, Task, Work
from tasks.stats import Figures, edition_figures
from tests.admin_posts import (
    changelist,
    logins_of,
    management,
    rows,
    task_form,
    work_row,
)
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

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


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


# Actions and lists ----------------------------------------------------------------------------


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


def test_edition_list_shows_each_editions_figures(organizer_client, seventh):
    other = EditionFactory(number=8)
    WorkFactory(task__track__edition=other, contributors=["alice"])

    response = organizer_client.get(changelist("hackathon_edition"))

    result = {edition.slug: edition.figures for edition in response.context["cl"].result_list}
    assert result == {"8th": edition_figures(other), "7th": edition_figures(seventh)}
    assert (result["7th"].tasks_published, result["7th"].developers_completed) == (88, 37)


# No query per row, in any list ----------------------------------------------------------------


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
