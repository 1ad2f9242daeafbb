"""People in the admin, through HTTP (participants/admin.py; certificates in
test_certificate_admin.py)."""

import datetime

import pytest

from tasks.choices import WorkStatus
from tests.admin_posts import (
    changelist,
)
from tests.factories import (
    ParticipantFactory,
    WorkFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


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


def test_people_autocomplete_finds_mentors_by_login(organizer_client):
    ParticipantFactory(login="Alice")
    ParticipantFactory(login="bob")

    response = organizer_client.get(
        "/admin/autocomplete/",
        {"app_label": "tasks", "model_name": "task", "field_name": "mentors", "term": "ali"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Alice"]
