"""Open calls: one published call with many accepted entries (the 9th edition's ERNIE case
collection). Each accepted entry is credited and certified, and counts in the figures as a task
published and completed, as the results post counted them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from participants.certificates import issue_certificates
from participants.leaderboard import edition_board
from participants.models import Certificate
from tasks.choices import WorkStatus
from tasks.stats import Figures, edition_figures, track_figures
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


@pytest.fixture
def edition(db):
    """The 9th: an individual track with two tasks (one completed), and the case collection: a
    call with three accepted cases, a rejected one and one still in review."""
    edition = EditionFactory(number=9, slug="9th", yuan_per_star=2000)
    individual = TrackFactory(edition=edition)
    WorkFactory(task=TaskFactory(track=individual, code="NO.1"), contributors=["ann"])
    TaskFactory(track=individual, code="NO.2")
    cases = TrackFactory(edition=edition, kind=TrackKind.OTHER, name="ERNIE 案例征集", slug="cases")
    call = TaskFactory(
        track=cases, code="NO.1", title="ERNIE 应用案例征集", stars=Decimal("0.5"), open_call=True
    )
    for login in ["alice", "bob", "carol"]:
        WorkFactory(task=call, contributors=[login])
    WorkFactory(task=call, status=WorkStatus.REJECTED, contributors=["dave"])
    WorkFactory(task=call, status=WorkStatus.PR_SUBMITTED, contributors=["erin"])
    return edition


def call_task(edition):
    return edition.tracks.get(slug="cases").tasks.get()


def test_each_accepted_entry_counts_as_a_task_published_and_completed(edition):
    cases = edition.tracks.get(slug="cases")

    assert track_figures(edition)[cases.pk] == Figures(
        tasks_published=3,
        tasks_submitted=3,
        tasks_completed=3,
        participants=5,
        developers_completed=3,
    )
    assert edition_figures(edition) == Figures(
        tasks_published=5,
        tasks_submitted=4,
        tasks_completed=4,
        participants=6,
        developers_completed=4,
    )


def test_a_call_without_accepted_entries_counts_once(edition):
    call = call_task(edition)
    for work in call.works.filter(status=WorkStatus.COMPLETED):
        work.status = WorkStatus.PR_SUBMITTED
        work.save()

    figures = track_figures(edition)[call.track_id]

    assert (figures.tasks_published, figures.tasks_submitted, figures.tasks_completed) == (1, 1, 0)


def test_a_task_made_an_open_call_or_not_is_recounted(edition):
    call = call_task(edition)
    call.open_call = False
    call.save()

    figures = track_figures(edition)[call.track_id]
    assert (figures.tasks_published, figures.tasks_completed) == (1, 1)
    call.open_call = True
    call.save()
    figures = track_figures(edition)[call.track_id]
    assert (figures.tasks_published, figures.tasks_completed) == (3, 3)


def test_every_winner_earns_the_calls_stars_and_a_certificate(edition):
    board = edition_board(edition, edition.tracks.get(slug="cases"))
    issue_certificates(edition)

    assert [(s.login, s.points, s.tasks_completed) for s in board] == [
        ("alice", Decimal("0.5"), 1),
        ("bob", Decimal("0.5"), 1),
        ("carol", Decimal("0.5"), 1),
    ]
    assert sorted(
        Certificate.objects.filter(track__slug="cases").values_list("participant__login", flat=True)
    ) == ["alice", "bob", "carol"]


def test_the_task_pages_say_it_is_an_open_call_and_how_many_entries_were_accepted(edition, client):
    call = call_task(edition)

    page = client.get(
        reverse("task_detail", args=[edition.slug, call.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    listing = client.get(
        reverse("task_list", args=[edition.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    badge = '<span class="badge open-call">Open call · 3 accepted entries</span>'
    assert badge in page
    assert "each accepted entry counts as a task published and completed" in page
    assert badge in listing
    assert listing.count("open-call") == 1
