import pytest

from hackathon.models import Edition
from tasks.models import Contribution
from tests.factories import EditionFactory, MilestoneFactory, ParticipantFactory, WorkFactory

pytestmark = pytest.mark.django_db


def version(edition):
    return Edition.objects.values_list("results_version", flat=True).get(pk=edition.pk)


def test_a_change_to_a_work_marks_only_its_editions_results_changed():
    work = WorkFactory(contributors=["alice"])
    edition, other = work.task.track.edition, EditionFactory(number=99, slug="other")
    before, other_before = version(edition), version(other)

    work.status = "rejected"
    work.save()

    assert (version(edition), version(other)) == (before + 1, other_before)


def test_removing_a_contributor_marks_the_results_changed():
    work = WorkFactory(contributors=["alice", "bob"])
    before = version(work.task.track.edition)

    Contribution.objects.filter(work=work, participant__login="bob").get().delete()

    assert version(work.task.track.edition) == before + 1


def test_renaming_a_person_marks_the_results_of_their_editions_changed():
    work = WorkFactory(contributors=["alice"])
    before = version(work.task.track.edition)
    alice = work.contributors.get()

    alice.name = "Alice Liddell"
    alice.save()

    assert version(work.task.track.edition) == before + 1


def test_a_new_mentor_marks_the_results_changed():
    work = WorkFactory()
    before = version(work.task.track.edition)

    work.task.mentors.add(ParticipantFactory())

    assert version(work.task.track.edition) == before + 1


def test_a_milestone_marks_its_tracks_edition_changed():
    milestone = MilestoneFactory()
    before = version(milestone.track.edition)

    milestone.delete()

    assert version(milestone.track.edition) == before + 1
