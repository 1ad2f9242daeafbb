from tasks.forms import WorkInlineForm
from tasks.models import Work
from tests.factories import ParticipantFactory, TaskFactory


def test_a_work_form_saved_without_commit_saves_its_contributors_with_save_m2m(db):
    task = TaskFactory()
    ParticipantFactory(login="Alice")
    form = WorkInlineForm(
        {"status": "completed", "team": "", "contributors": "alice; @bob"},
        instance=Work(task=task),
    )
    assert form.is_valid(), form.errors

    work = form.save(commit=False)

    assert (work.pk, work.identity) == (None, "people:alice;bob")
    work.save()
    form.save_m2m()
    work.refresh_from_db()
    assert work.identity == "people:alice;bob"
    assert [c.participant.login for c in work.contributions.order_by("participant__login")] == [
        "Alice",
        "bob",
    ]
