"""Disqualification: a recorded act with a reason. The work leaves every figure, board and
certificate, the people below move up, and a new version says so on the changes page."""

import datetime
import re

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from participants.certificates import issue_certificates
from participants.leaderboard import edition_board
from participants.models import Certificate
from results.disqualify import disqualify
from results.models import ResultsVersion
from results.versions import publish
from tasks.choices import WorkStatus
from tasks.importing import import_tasks
from tasks.models import Work
from tasks.stats import Figures, edition_figures
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tests.tasks.test_import import csv_file, row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]
NOW = datetime.datetime(2025, 2, 8, 12, 0, tzinfo=datetime.UTC)
REASON = "copied from PR #68000"


@pytest.fixture
def edition(db):
    """alice 2 points, bob 1, carol 1 (bob finished first); certificates issued; final results."""
    edition = EditionFactory(number=7, slug="7th", name="第七期")
    track = TrackFactory(edition=edition)
    for code, stars, login, day in [
        ("NO.1", 2, "alice", 10),
        ("NO.2", 1, "bob", 11),
        ("NO.3", 1, "carol", 12),
    ]:
        WorkFactory(
            task=TaskFactory(track=track, code=code, stars=stars),
            contributors=[login],
            completed_on=datetime.date(2025, 1, day),
        )
    issue_certificates(edition, issued_on=datetime.date(2025, 2, 1))
    with time_machine.travel(NOW, tick=False):
        publish(edition, final=True)
    return edition


def board(edition):
    return [(s.rank, s.login, s.points) for s in edition_board(edition)]


def disqualify_in_the_admin(client, work, reason=REASON):
    return client.post(
        reverse("admin:tasks_work_changelist"),
        {"action": "disqualify_works", ACTION_CHECKBOX_NAME: [work.pk], "apply": "1",
         "reason": reason},
        follow=True,
    )  # fmt: skip


@time_machine.travel(NOW + datetime.timedelta(days=1), tick=False)
def test_a_disqualified_work_leaves_figures_boards_and_certificates(
    organizer_client, organizer, edition
):
    work = Work.objects.get(task__code="NO.1")
    assert board(edition) == [(1, "alice", 2), (2, "bob", 1), (3, "carol", 1)]

    response = disqualify_in_the_admin(organizer_client, work)

    assert [str(m) for m in response.context["messages"]] == [
        "1 disqualified, 1 certificates revoked, 1 versions published."
    ]
    assert Work.objects.get(pk=work.pk).status == WorkStatus.DISQUALIFIED
    assert edition_figures(edition) == Figures(3, 2, 2, 2, 2)
    assert board(edition) == [(1, "bob", 1), (2, "carol", 1)]  # the people below move up
    certificate = Certificate.objects.get(participant__login="alice")
    assert (certificate.is_valid, certificate.revocation_reason) == (
        False,
        f"disqualified: {REASON}",
    )
    record = work.history.order_by("history_id").last()
    assert (record.status, record.history_user, record.history_change_reason) == (
        WorkStatus.DISQUALIFIED,
        organizer,
        f"disqualified: {REASON}",
    )


@time_machine.travel(NOW + datetime.timedelta(days=1), tick=False)
def test_the_change_is_a_correction_on_the_changes_page_and_the_first_version_stays(
    organizer_client, client, edition
):
    disqualify_in_the_admin(organizer_client, Work.objects.get(task__code="NO.1"))

    versions = list(
        ResultsVersion.objects.order_by("number").values_list("number", "state", "note")
    )
    assert list(versions) == [(1, "final", ""), (2, "final", f"disqualified: {REASON}")]
    html = client.get("/editions/7th/changes/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    changes = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    for line in [
        f"Version 2 Final 2025-02-09 20:00 · compared with version 1 disqualified: {REASON}",
        "The edition, tasks completed: 3 → 2",
        "The edition, developers who completed: 3 → 2",
        "No longer counted: Individual contribution challenge NO.1 Task NO.1 (alice)",
        "alice: 2 → 0 points, rank 1 → –",
        "bob: 1 → 1 points, rank 2 → 1",
        "carol: 1 → 1 points, rank 3 → 2",
    ]:
        assert line in changes
    first = client.get("/editions/7th/versions/1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "alice" in first  # the earlier version still says what it said


def test_the_admin_asks_for_the_reason_first_and_changes_nothing_without_it(
    organizer_client, edition
):
    work = Work.objects.get(task__code="NO.2")

    page = disqualify_in_the_admin(organizer_client, work, reason="")

    assert "Reason for the disqualification" in page.content.decode()
    assert Work.objects.get(pk=work.pk).status == WorkStatus.COMPLETED
    assert ResultsVersion.objects.count() == 1


def test_a_person_with_other_completed_work_in_the_track_keeps_the_certificate(edition):
    track = edition.tracks.get()
    extra = WorkFactory(task=TaskFactory(track=track, code="NO.4", stars=1), contributors=["bob"])

    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        done = disqualify(Work.objects.filter(pk=extra.pk), REASON)

    assert (done.works, done.certificates_revoked) == (1, 0)
    assert Certificate.objects.get(participant__login="bob").is_valid
    assert disqualify(Work.objects.filter(pk=extra.pk), REASON).works == 0  # once only


def test_a_reason_is_required(edition):
    with pytest.raises(ValueError, match="needs a reason"):
        disqualify(Work.objects.all(), "  ")
    assert not Work.objects.filter(status=WorkStatus.DISQUALIFIED).exists()


def test_an_import_does_not_undo_a_disqualification_and_says_so(edition):
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        disqualify(Work.objects.filter(task__code="NO.1"), REASON)
    again = csv_file(row(code="NO.1", title="Task NO.1", stars="2", contributors="alice"))

    report = import_tasks(again, "results.csv", edition)

    assert Work.objects.get(task__code="NO.1").status == WorkStatus.DISQUALIFIED
    assert [str(warning) for warning in report.warnings] == [
        "line 2: This piece of work was disqualified (its history says why): it stays "
        "disqualified, the file's status “Completed” is not applied."
    ]
    assert board(edition) == [(1, "bob", 1), (2, "carol", 1)]
