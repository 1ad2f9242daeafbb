import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from hackathon.models import Edition
from tasks.models import (
    Contribution,
    Task,
    Work,
    code_position,
    format_stars,
    normalize_code,
    work_identity,
)
from tests.factories import ParticipantFactory, TaskFactory, TrackFactory, WorkFactory
from tracks.choices import TrackKind
from tracks.models import Track

pytestmark = pytest.mark.django_db


def unique_violation(name, table, *columns):
    """PostgreSQL names the violated constraint; SQLite names the table's columns."""
    sqlite = ", ".join(f"{table}.{column}" for column in columns)
    return f"{re.escape(name)}|{re.escape(sqlite)}"


@pytest.mark.parametrize(
    ("code", "position"),
    [("NO.12", 12), ("No.3", 3), ("项目四", 4), ("项目十四", 14), ("二十一", 21), ("项目十", 10),
     ("一百零二", 102), ("甲", 0)],
)  # fmt: skip
def test_code_position_reads_arabic_and_chinese_numbers(code, position):
    assert code_position(code) == position


def test_codes_compare_ignoring_case_and_spaces():
    assert normalize_code("NO. 12") == normalize_code("no.12") == "no.12"


def test_work_identity_is_the_team_or_the_set_of_contributors():
    assert work_identity("  Team  Rocket ", ["x"]) == "team:team rocket"
    assert work_identity("", ["Bob", "alice", "bob"]) == "people:alice;bob"


def test_task_code_is_unique_per_track_and_batch_ignoring_case():
    track = TrackFactory()
    TaskFactory(track=track, code="NO.12")

    with pytest.raises(IntegrityError, match="task_unique_code_per_track_batch"):
        TaskFactory(track=track, code="No.12")


def test_task_code_ignores_spaces_in_the_database_too():
    track = TrackFactory()
    TaskFactory(track=track, code="NO.12")

    with pytest.raises(IntegrityError, match="task_unique_code_per_track_batch"):
        TaskFactory(track=track, code="NO. 12")


def test_camp_numbering_restarts_in_each_batch():
    track = TrackFactory(kind=TrackKind.CAMP)
    TaskFactory(track=track, batch="提前批", code="项目一")
    TaskFactory(track=track, batch="正式批", code="项目一")

    assert list(Task.objects.values_list("batch", "position")) == [("提前批", 1), ("正式批", 1)]


def test_task_stars_cannot_be_negative():
    with pytest.raises(IntegrityError, match="task_stars_in_range"):
        TaskFactory(stars=-1)


def test_edition_has_one_track_of_each_standard_kind():
    track = TrackFactory(kind=TrackKind.CAMP)

    with pytest.raises(
        IntegrityError,
        match=unique_violation("track_one_per_standard_kind", "tracks_track", "edition_id", "kind"),
    ):
        Track.objects.create(edition=track.edition, kind=TrackKind.CAMP, name="Camp 2", slug="c2")


def test_edition_may_have_several_other_tracks():
    track = TrackFactory(kind=TrackKind.OTHER, name="优秀稿件征集与传播", slug="articles")
    Track.objects.create(edition=track.edition, kind=TrackKind.OTHER, name="实习", slug="intern")

    assert track.edition.tracks.count() == 2


def test_work_reward_cannot_be_negative():
    with pytest.raises(IntegrityError, match="work_reward_not_negative"):
        WorkFactory(reward=-1, contributors=["alice"])


def test_work_cannot_be_completed_before_it_was_submitted():
    with pytest.raises(IntegrityError, match="work_completed_after_submitted"):
        WorkFactory(submitted_on="2024-10-02", completed_on="2024-10-01")


def test_work_status_must_be_a_known_state():
    with pytest.raises(IntegrityError, match="work_status_valid"):
        WorkFactory(status="done")


def test_two_works_of_one_team_on_one_task_are_refused():
    work = WorkFactory(team="Rocket")

    with pytest.raises(IntegrityError):
        WorkFactory(task=work.task, team="rocket")


def test_identity_follows_the_contributors():
    work = WorkFactory(contributors=["Bob", "alice"])

    assert work.identity == "people:alice;bob"


def test_a_person_contributes_once_to_a_work():
    work = WorkFactory(contributors=["alice"])

    with pytest.raises(
        IntegrityError,
        match=unique_violation(
            "contribution_unique_person", "tasks_contribution", "work_id", "participant_id"
        ),
    ):
        Contribution.objects.create(work=work, participant=work.contributors.get())


def test_reward_share_cannot_be_negative():
    work = WorkFactory()

    with pytest.raises(IntegrityError, match="contribution_share_not_negative"):
        Contribution.objects.create(work=work, participant=ParticipantFactory(), reward_share=-5)


def test_deleting_a_task_with_work_is_refused():
    work = WorkFactory(contributors=["alice"])

    with pytest.raises(ProtectedError):
        work.task.delete()


def test_deleting_a_person_with_contributions_is_refused():
    work = WorkFactory(contributors=["alice"])

    with pytest.raises(ProtectedError):
        work.contributors.get().delete()


def test_awarded_stars_above_an_up_to_bound_need_a_reason():
    task = TaskFactory(stars=Decimal("0.2"), stars_up_to=True)
    work = WorkFactory.build(task=task, awarded_stars=Decimal("0.25"), identity="people:x")

    with pytest.raises(ValidationError) as caught, translation.override("en"):
        work.full_clean()
    assert caught.value.message_dict["awarded_reason"] == [
        "0.25 stars are above the task's upper bound of 0.2 stars: give the reason for the "
        "exception."
    ]
    work.awarded_reason = "Did twice what was asked"
    work.full_clean()


def test_awarded_stars_within_the_bound_or_on_a_plain_task_need_no_reason():
    bounded = TaskFactory(stars=Decimal("0.2"), stars_up_to=True)
    plain = TaskFactory(stars=Decimal("0.2"))

    WorkFactory.build(task=bounded, awarded_stars=Decimal("0.2"), identity="people:x").full_clean()
    WorkFactory.build(task=plain, awarded_stars=Decimal("3"), identity="people:x").full_clean()


def test_the_database_refuses_negative_awarded_stars_and_caps():
    work = WorkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Work.objects.filter(pk=work.pk).update(awarded_stars=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.filter(pk=work.task.track.edition_id).update(reward_cap=Decimal("-1"))


@pytest.mark.parametrize(
    ("stars", "text"),
    [("2", "2"), ("2.000", "2"), ("0.025", "0.025"), ("0.250", "0.25"), ("100", "100")],
)
def test_stars_are_written_without_trailing_zeros(stars, text):
    assert format_stars(Decimal(stars)) == text
