"""Large admin uploads run as background tasks: the request returns at once, the job's page
shows its progress, then its preview, its errors or its outcome."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hackathon import admin_import
from tasks.models import ImportJob
from tasks.stats import edition_figures
from tests.factories import EditionFactory, UserFactory
from tests.hackathon.test_admin_import import (
    BAD,
    GOOD,
    GOOD_FIGURES,
    PADDLE6,
    STATUS_WORDS,
    counts_table,
    import_url,
    staged_files,
    success_messages,
    table_counts,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site", "media")]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _every_upload_in_the_background(settings):
    settings.IMPORT_INLINE_MAX_BYTES = 100


@pytest.fixture
def edition(db):
    return EditionFactory(number=7, slug="7th", name="第七期", yuan_per_star=2000)


def upload(client, edition, data=GOOD, name="tasks.csv", **options):
    return client.post(import_url(edition), {"file": SimpleUploadedFile(name, data), **options})


def job_url(edition, job):
    return reverse("admin:hackathon_edition_import_job", args=[edition.pk, job.pk])


def test_a_large_upload_is_previewed_by_a_job_whose_page_shows_the_preview(
    organizer_client, organizer, edition, media
):
    before = table_counts()

    response = upload(organizer_client, edition)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url(edition, job)
    # The tests' tasks backend runs the job at once.
    assert (job.state, job.dry_run, job.created_by, job.language) == ("done", True, organizer, "en")
    page = organizer_client.get(response["Location"])
    assert counts_table(page) == [
        ("tracks", 2, 0, 0),
        ("directions", 0, 0, 1),
        ("tasks", 4, 0, 0),
        ("people", 3, 0, 0),
        ("pieces of work", 3, 0, 0),
        ("contributions", 3, 0, 0),
        ("mentors", 0, 0, 0),
    ]
    assert f'name="job" value="{job.pk}"' in page.content.decode()
    assert table_counts() == before
    assert len(staged_files(media)) == 1  # kept for the confirmation


def test_confirming_a_background_preview_imports_the_file_once(organizer_client, edition, media):
    preview = ImportJob.objects.get(pk=upload(organizer_client, edition)["Location"].split("/")[-2])

    response = organizer_client.post(import_url(edition), {"job": preview.pk})
    again = organizer_client.post(import_url(edition), {"job": preview.pk})

    job = ImportJob.objects.exclude(pk=preview.pk).get()
    assert response["Location"] == again["Location"] == job_url(edition, job)
    assert (job.state, job.dry_run) == ("done", False)
    done = organizer_client.get(job_url(edition, job))
    assert done["Location"] == reverse("admin:hackathon_edition_change", args=[edition.pk])
    assert success_messages(organizer_client.get(done["Location"]))[0].startswith(
        "“tasks.csv” imported into 第七期. 4 rows read."
    )
    assert edition_figures(edition) == GOOD_FIGURES
    assert staged_files(media) == []


def test_a_background_preview_of_a_bad_file_lists_its_errors_and_keeps_nothing(
    organizer_client, edition, media
):
    before = table_counts()

    page = organizer_client.get(upload(organizer_client, edition, BAD)["Location"])

    assert ImportJob.objects.get().state == "rejected"
    assert [str(error) for error in page.context["errors"]] == [
        "line 3: status: “finished” is not a status; accepted: " + STATUS_WORDS + ".",
        "line 4: Status “completed” needs contributors.",
    ]
    assert "The file was rejected (2 errors); nothing was changed." in page.content.decode()
    assert table_counts() == before
    assert staged_files(media) == []


def test_the_upload_request_only_queues_the_job_when_a_worker_runs_it(
    organizer_client, edition, settings, django_assert_max_num_queries
):
    settings.TASKS = DATABASE_TASKS
    data = PADDLE6.read_bytes()
    with django_assert_max_num_queries(12):  # the user, the job and its task row; no import
        response = upload(organizer_client, edition, data, "paddle6.csv")
    job = ImportJob.objects.get()
    waiting = organizer_client.get(response["Location"])

    assert job.state == "queued"
    content = waiting.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in content
    assert "The import starts as soon as a worker is free" in content

    admin_import.run_import_job.call(job.pk)  # what the worker does

    assert counts_table(organizer_client.get(response["Location"]))[2] == ("tasks", 89, 0, 0)


def test_a_running_job_shows_how_far_it_is(organizer_client, organizer, edition):
    job = ImportJob.objects.create(
        edition=edition,
        created_by=organizer,
        filename="big.csv",
        staged="imports/x.csv",
        language="en",
        state=ImportJob.State.RUNNING,
    )
    admin_import.ProgressReporter(job.pk)("writing", 24000, 63000)

    page = organizer_client.get(job_url(edition, job)).content.decode()

    assert "Writing: 24,000 of 63,000 rows (38%)" in page
    assert '<progress id="import-progress" max="63000" value="24000">' in page


def test_a_job_is_only_its_organizers_and_its_editions(organizer_client, edition):
    job = ImportJob.objects.get(pk=upload(organizer_client, edition)["Location"].split("/")[-2])
    other = UserFactory(is_staff=True, is_superuser=True)
    stranger = Client()
    stranger.force_login(other)

    assert stranger.get(job_url(edition, job)).status_code == 404
    assert stranger.post(import_url(edition), {"job": job.pk}).status_code == 404
    other_edition = EditionFactory(number=8)
    assert (
        organizer_client.get(
            reverse("admin:hackathon_edition_import_job", args=[other_edition.pk, job.pk])
        ).status_code
        == 404
    )
    assert organizer_client.post(import_url(edition), {"job": "１２"}).status_code == 404
    assert ImportJob.objects.count() == 1


def test_an_organizer_finds_their_jobs_again_in_the_admin(organizer_client, edition):
    upload(organizer_client, edition)
    job = ImportJob.objects.get()
    other = UserFactory(is_staff=True, is_superuser=True)
    ImportJob.objects.create(
        edition=edition, created_by=other, filename="theirs.csv", staged="x", language="en"
    )

    page = organizer_client.get(reverse("admin:tasks_importjob_changelist"))

    assert [row.filename for row in page.context["cl"].result_list] == ["tasks.csv"]
    assert f'<a href="{job_url(edition, job)}">Open</a>' in page.content.decode()
    assert organizer_client.get(reverse("admin:tasks_importjob_add")).status_code == 403
