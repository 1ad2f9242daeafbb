import datetime
import io
import json

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from hackathon.models import Edition, ResultsState
from results.models import ResultsVersion, VersionState
from results.versions import PublishRefused, publish
from tasks.models import Work
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

NOW = datetime.datetime(2025, 1, 26, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def edition(db):
    edition = EditionFactory(number=8, slug="8th", name="第八期", name_en="8th edition")
    track = TrackFactory(edition=edition)
    WorkFactory(task=TaskFactory(track=track, code="NO.1", stars=2), contributors=["alice"])
    WorkFactory(task=TaskFactory(track=track, code="NO.2", stars=1), contributors=["bob"])
    TaskFactory(track=track, code="NO.3")
    return edition


def get(client, url):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def provisional(edition, **options):
    """Publish provisional results, objections open for four days."""
    deadline = timezone.now() + datetime.timedelta(days=4)
    return publish(edition, objections_close_at=deadline, **options)


@time_machine.travel(NOW, tick=False)
def test_the_first_publication_makes_the_results_provisional_and_stores_them(edition):
    version = provisional(edition, note="First results")

    edition.refresh_from_db()
    assert (version.number, version.state, version.published_at) == (1, "provisional", NOW)
    assert edition.objections_close_at == NOW + datetime.timedelta(days=4)
    assert (edition.results_published_at, edition.results_state()) == (
        NOW,
        ResultsState.PROVISIONAL,
    )
    data = version.snapshot
    assert data["edition"]["stats"] == {
        "tasks_published": 3,
        "tasks_submitted": 2,
        "tasks_completed": 2,
        "completion_rate": 2 / 3,
        "submission_rate": 2 / 3,
        "participants": 2,
        "developers_completed": 2,
    }
    assert data["leaderboard"] == [
        {"rank": 1, "login": "alice", "name": "", "points": 2.0, "tasks_completed": 1,
         "reward": 4000.0},
        {"rank": 2, "login": "bob", "name": "", "points": 1.0, "tasks_completed": 1,
         "reward": 2000.0},
    ]  # fmt: skip
    assert [(row["code"], row["contributors"]) for row in data["honour_roll"]] == [
        ("NO.1", "alice"),
        ("NO.2", "bob"),
    ]


def test_later_edits_never_change_a_published_version(client, edition):
    provisional(edition)
    before = [body(get(client, f"/editions/8th/versions/1{s}")) for s in ("/", ".csv", ".json")]

    Work.objects.get(task__code="NO.1").delete()
    WorkFactory(
        task=TaskFactory(track=edition.tracks.get(), code="NO.9", stars=5), contributors=["zed"]
    )

    after = [body(get(client, f"/editions/8th/versions/1{s}")) for s in ("/", ".csv", ".json")]
    assert after == before
    assert "zed" in get(client, "/editions/8th/leaderboard/").content.decode()
    assert "zed" not in after[0].decode()


def test_final_results_close_the_objection_window_now(edition):
    with time_machine.travel(NOW, tick=False):
        provisional(edition)
    later = NOW + datetime.timedelta(days=3)

    with time_machine.travel(later, tick=False):
        version = publish(edition, final=True)
        edition.refresh_from_db()
        assert (version.number, version.state) == (2, VersionState.FINAL)
        assert (edition.objections_close_at, edition.results_state()) == (later, ResultsState.FINAL)


def test_after_the_final_version_a_correction_needs_a_note(edition):
    publish(edition, final=True)

    with pytest.raises(PublishRefused, match="needs a note saying why"):
        publish(edition)
    correction = publish(edition, note="No.2 was completed by bob and carol (objection #3)")

    assert (correction.number, correction.state) == (2, VersionState.FINAL)


def test_the_command_publishes_and_refuses_what_publish_refuses(edition):
    out = io.StringIO()

    with pytest.raises(CommandError, match="Provisional results need the end of their objection"):
        call_command("publish_results", edition="8th", stdout=out)
    call_command("publish_results", edition="8th", objections_close_at="2099-01-30", stdout=out)
    call_command("publish_results", "--final", edition="8th", note="Final", stdout=out)

    assert out.getvalue().splitlines() == [
        "Published version 1 of 第八期 (Provisional): /editions/8th/versions/1/",
        "Published version 2 of 第八期 (Final): /editions/8th/versions/2/",
    ]
    with pytest.raises(CommandError, match="needs a note"):
        call_command("publish_results", edition="8th")
    with pytest.raises(CommandError, match="no edition with the slug “9th”"):
        call_command("publish_results", edition="9th")


def test_a_deadline_given_as_a_date_is_the_end_of_that_day_in_beijing(edition):
    call_command(
        "publish_results", edition="8th", objections_close_at="2099-01-30", stdout=io.StringIO()
    )

    edition.refresh_from_db()
    assert edition.objections_close_at == datetime.datetime(2099, 1, 30, 16, 0, tzinfo=datetime.UTC)
    with pytest.raises(CommandError, match="“30/01/2099” is not a date"):
        call_command("publish_results", edition="8th", objections_close_at="30/01/2099")


def test_the_versions_page_lists_each_publication_at_once(client, edition):
    provisional(edition, note="Provisional results")
    assert "Version 2" not in get(client, "/editions/8th/versions/").content.decode()
    publish(edition, final=True, note="Final results")

    page = get(client, "/editions/8th/versions/").content.decode()

    assert page.index("Version 2") < page.index("Version 1")
    assert "Final results" in page and "Provisional results" in page
    assert 'href="/editions/8th/versions/1.csv"' in page


def test_a_version_page_shows_its_figures_leaderboard_and_honour_roll(client, edition):
    provisional(edition)

    page = get(client, "/editions/8th/versions/1/").content.decode()

    assert "Results, version 1" in page
    assert "8th edition" in page  # the English name
    assert "67%" in page  # 2 of 3 tasks completed
    assert page.index("alice") < page.index("bob")
    assert "NO.1 Task NO.1" in page


def test_a_version_exports_its_honour_roll_as_csv_and_everything_as_json(client, edition):
    provisional(edition, note="v1")

    csv = get(client, "/editions/8th/versions/1.csv")
    data = json.loads(body(get(client, "/editions/8th/versions/1.json")))

    assert csv["Content-Disposition"] == 'attachment; filename="results-8th-v1.csv"'
    lines = body(csv).decode("utf-8-sig").splitlines()
    assert lines[0] == "track,batch,code,title,team,contributors,grade,stars,reward,completed_on"
    assert lines[1] == "Individual contribution challenge,,NO.1,Task NO.1,,alice,,2,4000.00,"
    assert (data["version"], data["state"], data["note"]) == (1, "provisional", "v1")
    assert sorted(data) == [
        "edition", "honour_roll", "leaderboard", "note", "published_at", "state", "tracks",
        "version",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "path",
    ["versions/2/", "versions/99999999999999999999/", "versions/1.xlsx", "versions/1.pdf"],
)
def test_unknown_versions_and_formats_are_not_found(client, edition, path):
    provisional(edition)

    assert get(client, f"/editions/8th/{path}").status_code == 404


def test_a_draft_editions_versions_are_not_found_for_the_public(client, edition):
    provisional(edition)
    Edition.objects.filter(pk=edition.pk).update(is_public=False)

    for path in ("versions/", "versions/1/", "versions/1.csv", "versions/1.json"):
        assert get(client, f"/editions/8th/{path}").status_code == 404


@pytest.mark.parametrize("people", [1, 3])
def test_a_version_page_reads_a_fixed_number_of_rows(client, people, django_assert_num_queries):
    edition = EditionFactory(number=8, slug="8th")
    track = TrackFactory(edition=edition)
    for n in range(people):
        WorkFactory(task=TaskFactory(track=track), contributors=[f"dev-{n}"])
    provisional(edition)

    # The results clock (hackathon/caching.py), the edition, the version with its snapshot.
    with django_assert_num_queries(3):
        assert get(client, "/editions/8th/versions/1/").status_code == 200


def test_organizers_publish_from_the_editions_list(organizer_client, edition):
    response = organizer_client.post(
        "/admin/hackathon/edition/",
        {"action": "publish_final_results", "_selected_action": [edition.pk]},
        follow=True,
    )

    assert response.status_code == 200
    version = ResultsVersion.objects.get()
    assert (version.state, version.published_by.username) == ("final", "organizer")
    assert timezone.now() - version.published_at < datetime.timedelta(minutes=1)


def test_the_seventh_editions_published_version_says_what_the_seed_post_says(seventh):
    version = publish(seventh, final=True, note="Results as posted on 2025-01-26")

    tracks = {track["kind"]: track["stats"] for track in version.snapshot["tracks"]}
    assert (
        tracks["individual"]["tasks_published"],
        tracks["individual"]["tasks_submitted"],
        tracks["individual"]["tasks_completed"],
        tracks["individual"]["developers_completed"],
    ) == (58, 34, 27, 19)
    assert (tracks["camp"]["participants"], tracks["camp"]["developers_completed"]) == (20, 19)
    assert (tracks["fundable"]["tasks_published"], tracks["fundable"]["tasks_completed"]) == (11, 8)
    assert version.snapshot["edition"]["stats"]["developers_completed"] == 37


def test_the_changes_page_says_what_moved_between_versions(client, edition):
    provisional(edition, note="Provisional results")
    bob = Work.objects.get(task__code="NO.2")
    bob.status = "rejected"
    bob.save()
    WorkFactory(
        task=TaskFactory(track=edition.tracks.get(), code="NO.4", stars=3), contributors=["Carol"]
    )
    publish(edition, final=True, note="After objection #3: No.2 was not finished")

    page = get(client, "/editions/8th/changes/").content.decode()

    changes = [line.split(">", 1)[1] for line in page.split("<li class=")[1:]]
    changes = [line.split("</li>")[0] for line in changes]
    assert changes == [
        "The edition, tasks published: 3 → 4",
        "The edition, tasks submitted: 2 → 3",  # a rejected piece of work was submitted
        "The edition, participants: 2 → 3",
        "Individual contribution challenge, tasks published: 3 → 4",
        "Individual contribution challenge, tasks submitted: 2 → 3",
        "Individual contribution challenge, participants: 2 → 3",
        "Now counted: Individual contribution challenge NO.4 Task NO.4 (Carol)",
        "No longer counted: Individual contribution challenge NO.2 Task NO.2 (bob)",
        "alice: 2 → 2 points, rank 1 → 2",
        "bob: 1 → 0 points, rank 2 → –",
        "Carol: 0 → 3 points, rank – → 1",
    ]
    assert "After objection #3: No.2 was not finished" in page


def test_the_changes_page_before_and_after_a_single_publication(client, edition):
    assert "have not been published yet" in get(client, "/editions/8th/changes/").content.decode()
    provisional(edition)

    assert "nothing has changed since" in get(client, "/editions/8th/changes/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_edition_page_and_api_say_which_version_is_current(client, edition):
    assert get(client, "/api/editions/8th/").json()["version"] is None
    provisional(edition)
    publish(edition, final=True)

    page = get(client, "/editions/8th/").content.decode()
    api = get(client, "/api/editions/8th/").json()
    listed = get(client, "/api/editions/").json()

    assert 'Current results: <a href="/editions/8th/versions/2/">version 2</a>, final.' in page
    assert api["version"] == {
        "number": 2,
        "state": "final",
        "url": settings.SITE_URL + "/editions/8th/versions/2/",
    }
    assert listed[0]["version"]["number"] == 2
