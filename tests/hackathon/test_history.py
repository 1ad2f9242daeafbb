"""Every change on the record: who, when, before, after and why (django-simple-history), from the
admin, imports and GitHub's webhook; a reason is required once an edition's results are final."""

import datetime
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hackathon.history import change_reason
from participants.certificates import issue_certificates
from participants.models import Certificate, Participant
from results.models import ResultsVersion
from results.versions import publish
from tasks.choices import WorkStatus
from tasks.importing import import_tasks
from tasks.models import Contribution, Task, Work
from tests.admin_posts import management, rows, work_form
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tests.github_sync.test_webhook import SECRET, deliver, pull
from tests.tasks.test_import import csv_file, row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]
NOW = datetime.datetime(2025, 1, 26, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def edition(db):
    edition = EditionFactory(number=7, slug="7th")
    track = TrackFactory(edition=edition)
    WorkFactory(task=TaskFactory(track=track, code="NO.1", stars=2), contributors=["alice"])
    WorkFactory(task=TaskFactory(track=track, code="NO.2", stars=1), contributors=["bob"])
    return edition


def change_work(client, work, reason="", **fields):
    """The work's page posted with ``fields`` changed, its contributors as they are."""
    credits = list(work.contributions.all())
    return client.post(
        reverse("admin:tasks_work_change", args=[work.pk]),
        {
            **work_form(work, **fields),
            "change_reason": reason,
            **management("contributions", len(credits), initial=len(credits)),
            **rows(
                "contributions",
                [
                    {"id": str(c.pk), "participant": str(c.participant_id), "reward_share": ""}
                    for c in credits
                ],
            ),
        },
    )


def test_an_admin_change_records_who_what_and_why(organizer_client, organizer, edition):
    work = Work.objects.get(task__code="NO.2")

    response = change_work(organizer_client, work, "objection #1 accepted", status="rejected")

    assert response.status_code == 302
    last = work.history.latest()
    assert (last.history_type, last.history_user, last.history_change_reason) == (
        "~",
        organizer,
        "objection #1 accepted",
    )
    delta = last.diff_against(last.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("status", "completed", "rejected")]


@time_machine.travel(NOW, tick=False)
def test_after_the_final_results_a_change_needs_a_reason(organizer_client, edition):
    publish(edition, final=True)
    work = Work.objects.get(task__code="NO.2")

    refused = change_work(organizer_client, work, "", status="rejected")
    accepted = change_work(organizer_client, work, "copied from PR #68000", status="rejected")

    assert refused.context["adminform"].form.errors == {
        "change_reason": ["This field is required."]
    }
    assert accepted.status_code == 302
    # The newest record (the fixture's are dated now, after the frozen clock's).
    assert work.history.order_by("history_id").last().history_change_reason == (
        "copied from PR #68000"
    )
    assert Work.objects.get(pk=work.pk).status == WorkStatus.REJECTED


def test_before_the_final_results_the_reason_is_optional(organizer_client, edition):
    work = Work.objects.get(task__code="NO.2")

    assert change_work(organizer_client, work, "", status="rejected").status_code == 302
    assert work.history.latest().history_change_reason is None


def test_the_history_page_shows_the_change_and_its_reason(organizer_client, edition):
    work = Work.objects.get(task__code="NO.2")
    change_work(organizer_client, work, "objection #1 accepted", status="rejected")

    page = organizer_client.get(
        reverse("admin:tasks_work_history", args=[work.pk])
    ).content.decode()

    assert "objection #1 accepted" in page
    assert "completed" in page and "rejected" in page
    assert "organizer" in page


def test_an_import_records_every_row_it_writes_with_its_file(edition):
    import_tasks(
        csv_file(row(code="NO.2", title="Task NO.2", stars="3", contributors="bob"),
                 row(code="NO.9", title="新任务", contributors="carol")),
        "results.csv",
        edition,
    )  # fmt: skip

    changed = Task.history.filter(code="NO.2").latest()
    new = Task.history.get(code="NO.9")
    assert (changed.history_type, changed.stars, changed.history_change_reason) == (
        "~",
        3,
        "import of results.csv",
    )
    assert (new.history_type, new.history_change_reason) == ("+", "import of results.csv")
    carol = Participant.objects.get(login="carol")
    assert carol.history.get().history_change_reason == "import of results.csv"
    credit = Contribution.history.get(participant_id=carol.pk)
    assert (credit.history_type, credit.history_change_reason) == ("+", "import of results.csv")
    assert Work.history.filter(task__code="NO.9", history_type="+").count() == 1


def test_a_dry_run_records_nothing(edition):
    before = Task.history.count()

    import_tasks(csv_file(row(code="NO.9", contributors="carol")), "x.csv", edition, dry_run=True)

    assert Task.history.count() == before


def test_the_admin_import_records_the_organizer(
    organizer_client, organizer, edition, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    url = reverse("admin:hackathon_edition_import", args=[edition.pk])
    preview = organizer_client.post(
        url, {"file": SimpleUploadedFile("new.csv", csv_file(row(code="NO.9")))}
    )
    organizer_client.post(url, {"token": preview.context["token"]})

    record = Task.history.get(code="NO.9")
    assert (record.history_user, record.history_change_reason) == (
        organizer,
        "import of new.csv in the admin",
    )


def test_a_webhook_delivery_is_the_reason_of_its_changes(client, settings):
    settings.GITHUB_WEBHOOK_SECRET = SECRET
    track = TrackFactory(edition=EditionFactory(number=7), pr_title_prefix="Hackathon 7th No.")
    TaskFactory(track=track, code="NO.33")

    deliver(client, pull("opened", "【Hackathon 7th No.33】RFC"), delivery="d-1")

    record = Work.history.get()
    assert (record.history_type, record.status, record.history_change_reason) == (
        "+",
        WorkStatus.PR_SUBMITTED,
        "GitHub pull_request webhook, delivery d-1",
    )


def test_changes_saved_in_a_reasoned_block_carry_its_reason_and_user(edition, organizer):
    work = Work.objects.get(task__code="NO.1")

    with change_reason("disqualified: copied", user=organizer):
        work.status = WorkStatus.REJECTED
        work.save()
    work.completed_on = timezone.localdate()
    work.save()

    first, second = work.history.order_by("history_date")[1:]
    assert (first.history_change_reason, first.history_user) == ("disqualified: copied", organizer)
    assert (second.history_change_reason, second.history_user) == (None, None)


def test_public_pages_do_not_show_the_history(client, edition):
    work = Work.objects.get(task__code="NO.2")
    with change_reason("private: staff member"):
        work.status = WorkStatus.REJECTED
        work.save()

    for url in ["/editions/7th/", "/editions/7th/tasks/", "/people/bob/", "/api/editions/7th/"]:
        assert "private: staff member" not in client.get(url).content.decode()
    assert client.get(reverse("admin:tasks_work_history", args=[work.pk])).status_code == 302


def test_a_revocation_is_on_the_certificates_record(organizer_client, organizer, edition):
    issue_certificates(edition)
    certificate = Certificate.objects.get(participant__login="bob")

    organizer_client.post(
        reverse("admin:participants_certificate_changelist"),
        {
            "action": "revoke",
            "_selected_action": [certificate.pk],
            "apply": "1",
            "reason": "duplicate of PH7-IND-0001",
        },
    )

    record = certificate.history.order_by("history_id").last()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "~",
        organizer,
        "duplicate of PH7-IND-0001",
    )
    assert record.revocation_reason == "duplicate of PH7-IND-0001"


@time_machine.travel(NOW, tick=False)
def test_a_change_to_final_results_is_published_as_a_correction(organizer_client, client, edition):
    publish(edition, final=True)
    work = Work.objects.get(task__code="NO.2")

    change_work(organizer_client, work, "objection #3 accepted", status="rejected")

    versions = ResultsVersion.objects.order_by("number").values_list("number", "state", "note")
    assert list(versions) == [(1, "final", ""), (2, "final", "objection #3 accepted")]
    html = client.get("/editions/7th/changes/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    changes = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "objection #3 accepted" in changes
    assert "bob: 1 → 0 points" in changes
    first = client.get("/editions/7th/versions/1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "bob" in first  # the earlier version still says what it said
