"""Writers that run at the same time lose nothing: imports of one edition one at a time, new
people and directions created once whoever gets there first, only changed fields written.

The races need two PostgreSQL connections (threads, each with its own connection); SQLite
serialises whole write transactions, so there the tests that need row locks are skipped.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from hackathon.models import Edition
from participants.models import Participant
from tasks.importing import import_tasks
from tasks.models import Direction, Task
from tests.factories import EditionFactory
from tests.tasks.test_import import csv_file, row

pytestmark = pytest.mark.usefixtures("english_site")

needs_row_locks = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="row locks need PostgreSQL; SQLite serialises whole transactions",
)


class Side(threading.Thread):
    """Runs ``work`` on a connection of its own; keeps its result or its error."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.result, self.error = work, None, None

    def run(self):
        try:
            with translation.override("en"):
                self.result = self.work()
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            connections.close_all()


def holding(lock_work):
    """A Side that runs ``lock_work`` in a transaction and keeps it open until released."""
    entered, release = threading.Event(), threading.Event()

    def work():
        with transaction.atomic():
            lock_work()
            entered.set()
            release.wait(timeout=10)

    side = Side(work)
    side.start()
    assert entered.wait(timeout=10)
    return side, release


def still_waiting(side, seconds=0.3):
    side.join(timeout=seconds)
    return side.is_alive()


@needs_row_locks
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_waits_for_the_one_running_on_the_same_edition_then_reads_its_work():
    edition = EditionFactory(slug="6th", number=6)
    import_tasks(csv_file(row(stars="1")), "tasks.csv", edition)
    first = csv_file(row(direction="框架开发", stars="2"))
    second = csv_file(row(stars="1"))  # what the task said before the first import

    # The first import runs in a transaction that is still open (the lock is the edition's row).
    def first_import():
        return import_tasks(first, "first.csv", Edition.objects.get(pk=edition.pk))

    holder, release = holding(first_import)
    second_import = Side(lambda: import_tasks(second, "second.csv", edition))
    second_import.start()

    assert still_waiting(second_import)  # blocked on the edition's lock
    release.set()
    holder.join(timeout=10)
    second_import.join(timeout=10)

    assert (holder.error, second_import.error) == (None, None)
    task = Task.objects.select_related("direction").get()
    # The second import compared its file with what the first wrote, not with what the task
    # said before: its stars are written back, the first's direction stays.
    assert (task.direction.name, task.stars) == ("框架开发", 1)
    assert second_import.result.tasks.updated == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_into_two_editions_naming_the_same_new_person_both_succeed():
    sixth = EditionFactory(slug="6th", number=6)
    seventh = EditionFactory(slug="7th", number=7)

    holder, release = holding(
        lambda: import_tasks(csv_file(row(contributors="newcomer")), "6.csv", sixth)
    )
    other = Side(
        lambda: import_tasks(
            csv_file(row(contributors="NewComer", direction="新方向")), "7.csv", seventh
        )
    )
    other.start()
    assert still_waiting(other)  # waits on the uncommitted person, not on a lock of its edition
    release.set()
    holder.join(timeout=10)
    other.join(timeout=10)

    assert (holder.error, other.error) == (None, None)
    assert list(Participant.objects.values_list("login", flat=True)) == ["newcomer"]
    person = Participant.objects.get()
    assert sorted(
        person.contributions.values_list("work__task__track__edition__slug", flat=True)
    ) == [
        "6th",
        "7th",
    ]


@needs_row_locks
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_creating_the_same_new_direction_both_succeed():
    sixth = EditionFactory(slug="6th", number=6)
    seventh = EditionFactory(slug="7th", number=7)

    holder, release = holding(
        lambda: import_tasks(csv_file(row(direction="量子计算")), "6.csv", sixth)
    )
    other = Side(lambda: import_tasks(csv_file(row(direction="量子计算")), "7.csv", seventh))
    other.start()
    assert still_waiting(other)
    release.set()
    holder.join(timeout=10)
    other.join(timeout=10)

    assert (holder.error, other.error) == (None, None)
    # A new direction (not one of the standard ones a migration creates), made once.
    assert Direction.objects.filter(name="量子计算").count() == 1
    assert Task.objects.filter(direction__name="量子计算").count() == 2


@pytest.mark.django_db
def test_an_import_writes_only_the_fields_that_changed_on_each_task():
    edition = EditionFactory(slug="6th", number=6)
    import_tasks(
        csv_file(row(code="NO.1", stars="1"), row(code="NO.2", stars="1")), "a.csv", edition
    )

    changed = csv_file(
        row(code="NO.1", stars="1", direction="框架开发"), row(code="NO.2", stars="3")
    )
    with CaptureQueriesContext(connection) as queries:
        report = import_tasks(changed, "b.csv", edition)

    assert report.tasks.updated == 2
    updates = [  # bulk_update's statements (the tallies' recount updates "progress")
        query["sql"]
        for query in queries
        if query["sql"].startswith('UPDATE "tasks_task"') and '"progress"' not in query["sql"]
    ]
    # One statement per set of changed fields: NO.1's stars and NO.2's direction are not
    # written back as they were read.
    assert len(updates) == 2
    assert sorted(("direction_id" in sql, '"stars" =' in sql) for sql in updates) == [
        (False, True),
        (True, False),
    ]
    assert dict(Task.objects.values_list("code", "stars")) == {"NO.1": 1, "NO.2": 3}
