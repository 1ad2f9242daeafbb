import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from participants.quality import report
from tasks.choices import Grade, WorkStatus
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind
from tracks.models import AnnouncedFigure, Figure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]
PR = "https://github.com/PaddlePaddle/Paddle/pull/1"


@pytest.fixture
def edition(db):
    """An edition with one planted problem of each kind, and clean work beside them."""
    edition = EditionFactory(
        number=9, slug="9th", ends_on=datetime.date(2025, 1, 14), reward_cap=Decimal(30000)
    )
    issue = "https://github.com/PaddlePaddle/Paddle/issues/1"
    individual = TrackFactory(edition=edition, tracking_issue_url=issue)
    camp = TrackFactory(edition=edition, kind=TrackKind.CAMP, tracking_issue_url=issue)
    TrackFactory(edition=edition, kind=TrackKind.FUNDABLE)
    done = {"pr_urls": PR, "completed_on": datetime.date(2025, 1, 10)}
    WorkFactory(task=TaskFactory(track=individual, code="NO.1"), contributors=["clean"], **done)
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.2"),
        contributors=["no-pr"],
        completed_on=datetime.date(2025, 1, 10),
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.3"),
        contributors=["late"],
        pr_urls=PR,
        completed_on=datetime.date(2025, 1, 20),
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.4", withdrawn=True),
        contributors=["withdrawn"],
        **done,
    )
    WorkFactory(task=TaskFactory(track=camp, code="项目一", stars=None), contributors=["camper"])
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.5", stars="0.2", stars_up_to=True),
        contributors=["unreviewed"],
        **done,
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.6", stars="0.2", stars_up_to=True),
        awarded_stars="0.3",
        awarded_reason="Twice the work",
        contributors=["over-bound"],
        **done,
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.7", stars=16), contributors=["rich"], **done
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.8", stars=None), contributors=["unk"], **done
    )
    WorkFactory(
        task=TaskFactory(track=camp, code="项目二", stars=None),
        grade=Grade.GOOD,
        contributors=["graded"],
    )
    WorkFactory(
        task=TaskFactory(track=individual, code="NO.9"),
        status=WorkStatus.CLAIMED,
        contributors=["busy"],
    )
    # What the post will say: right for the tasks published, wrong for two figures.
    AnnouncedFigure.objects.create(
        edition=edition, track=individual, figure=Figure.TASKS_PUBLISHED, value=8
    )
    AnnouncedFigure.objects.create(
        edition=edition, track=individual, figure=Figure.TASKS_COMPLETED, value=8
    )
    AnnouncedFigure.objects.create(edition=edition, figure=Figure.DEVELOPERS_COMPLETED, value=10)
    return edition  # fmt: skip


def found(edition):
    return {
        finding.code: [item.label.rsplit(" · ", 1)[-1] for item in finding.items]
        for finding in report(edition)
    }


def test_the_report_finds_every_planted_problem_and_nothing_else(edition):
    assert found(edition) == {
        "completed_without_pr": ["no-pr"],
        "completed_after_end": ["late"],
        "withdrawn_with_completed_work": ["withdrawn"],
        "camp_graduate_without_grade": ["camper"],
        "up_to_without_awarded_stars": ["unreviewed"],
        "awarded_above_bound": ["over-bound"],
        "above_cap": ["rich: ¥32,000.00 → ¥30,000.00"],
        "shared_tracking_issue": [
            "Individual contribution challenge: https://github.com/PaddlePaddle/Paddle/issues/1",
            "Mentorship camp: https://github.com/PaddlePaddle/Paddle/issues/1",
        ],
        "completed_without_stars_or_reward": ["Individual contribution challenge NO.8 Task NO.8"],
        "announced_figures": [
            "PaddlePaddle Hackathon 9th, developers who completed tasks: the post will say 10, "
            "the data gives 9",
            "Individual contribution challenge, tasks completed: the post will say 8, the data "
            "gives 7",
        ],
    }


def test_each_finding_links_to_the_admin_page_that_fixes_it(edition):
    findings = {finding.code: finding for finding in report(edition)}

    late = findings["completed_after_end"].items[0]
    assert late.admin_url.startswith("/admin/tasks/work/") and late.admin_url.endswith("/change/")
    assert findings["above_cap"].items[0].admin_url == (
        f"/admin/hackathon/edition/{edition.pk}/payouts/"
    )
    assert (
        findings["completed_without_stars_or_reward"]
        .items[0]
        .admin_url.startswith("/admin/tasks/task/")
    )
    developers, completed = (item.admin_url for item in findings["announced_figures"].items)
    track = edition.tracks.get(kind=TrackKind.INDIVIDUAL)
    assert developers == (
        f"/admin/tasks/work/?task__track__edition__id__exact={edition.pk}"
        "&task__withdrawn__exact=0&status__exact=completed"
    )
    assert completed == (
        f"/admin/tasks/task/?track__id__exact={track.pk}&withdrawn__exact=0&progress=3"
    )


def test_the_rows_behind_an_announced_figure_are_listed_in_the_admin(organizer_client, edition):
    findings = {finding.code: finding for finding in report(edition)}
    developers, completed = (item.admin_url for item in findings["announced_figures"].items)

    tasks = organizer_client.get(completed).context["cl"].result_list
    works = organizer_client.get(developers).context["cl"].result_list

    assert sorted(task.code for task in tasks) == [
        "NO.1", "NO.2", "NO.3", "NO.5", "NO.6", "NO.7", "NO.8"
    ]  # fmt: skip
    assert len({c.participant_id for work in works for c in work.contributions.all()}) == 9


def test_a_clean_edition_has_nothing_to_look_at(db):
    edition = EditionFactory(number=10, slug="10th")
    WorkFactory(task__track__edition=edition, pr_urls=PR, contributors=["clean"])

    assert [finding.count for finding in report(edition)] == [0] * 10
    out = io.StringIO()
    call_command("check_results", edition="10th", stdout=out)
    assert out.getvalue().strip().endswith("Nothing to look at in PaddlePaddle Hackathon 10th.")


def test_the_command_lists_the_findings_and_exits_non_zero(edition):
    out = io.StringIO()

    with pytest.raises(CommandError, match="12 things to look at in PaddlePaddle Hackathon 9th"):
        call_command("check_results", edition="9th", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Completed work without a pull request link (1):"
    assert "Completed after the edition's end (1):" in lines


def test_the_admin_page_shows_the_report_with_links(organizer_client, edition):
    response = organizer_client.get(
        f"/admin/hackathon/edition/{edition.pk}/quality/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "⚠ Completed after the edition&#x27;s end (1)" in page
    assert 'href="/admin/tasks/work/' in page


def test_organizers_enter_announced_figures_on_the_editions_page(organizer_client, edition):
    other = EditionFactory(number=10, slug="10th")
    TrackFactory(edition=other)

    page = organizer_client.get(f"/admin/hackathon/edition/{edition.pk}/change/")

    (announced,) = [
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.opts.model is AnnouncedFigure
    ]
    assert [form.instance.value for form in announced.formset.forms] == [10, 8, 8]
    choices = announced.formset.forms[0].fields["track"].queryset
    assert sorted(track.kind for track in choices) == ["camp", "fundable", "individual"]
    assert set(choices.values_list("edition", flat=True)) == {edition.pk}
