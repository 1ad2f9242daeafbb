"""Tell the results what a change touches, from what the changed row itself holds.

Every model that a public page, the API or an export reads calls
``Edition.objects…results_changed()`` (or, when no edition is left to name, ``clock_moved()``)
on create, change and delete, and on changes of the mentors: the public pages' clock moves, and
the people whose scores the change touches are named, so that their rows are refreshed in the
same transaction (participants/scores.py). Bulk writers (the import) make the same call
themselves, once.

A save that moves a row (a task to another track, a piece of work to another task) or changes
what scores are made of is recognised by comparing the row with what it was before the save
(``pre_save`` reads it once).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from hackathon.clock import clock_moved
from hackathon.models import Edition
from participants.models import Certificate, Participant
from tasks import tally
from tasks.choices import TaskProgress
from tasks.models import Contribution, Direction, Task, Work
from tracks.models import Milestone, Track

# What each model's row was before a save: the fields whose change touches scores (or moves the
# row to another edition).
REMEMBERED = {
    Edition: ["yuan_per_star", "is_public"],
    Track: ["edition_id", "kind"],
    Task: [
        "track__edition_id",
        "track_id",
        "direction_id",
        "stars",
        "withdrawn",
        "open_call",
        "progress",
        "accepted",
    ],
    Work: [
        "task__track__edition_id",
        "task_id",
        "status",
        "grade",
        "awarded_stars",
        "reward",
        "completed_on",
    ],
    Participant: ["login", "name"],
}


@receiver(pre_save)
def remember_row(sender, instance, raw=False, **kwargs):
    fields = REMEMBERED.get(sender)
    if fields is None:
        return
    instance._row_before = (
        sender._base_manager.using(kwargs.get("using") or "default")
        .filter(pk=instance.pk)
        .values(*fields)
        .first()
        if instance.pk is not None
        else None
    )


def _before(instance):
    return getattr(instance, "_row_before", None) or {}


def _changed(editions, **kwargs):
    """results_changed() for these editions; the clock moves even when none is left."""
    if not editions.results_changed(**kwargs):
        clock_moved(editions.db)


def _editions(*ids):
    return Edition.objects.filter(pk__in={pk for pk in ids if pk is not None})


def _differs(instance, before, fields):
    return bool(before) and any(
        before[field] != getattr(instance, field) for field in fields if field in before
    )


@receiver(post_save, sender=Edition)
def edition_saved(sender, instance, created, **kwargs):
    # The CNY per star changes everybody's reward, publication the all-time boards.
    everyone = _differs(instance, _before(instance), ["yuan_per_star", "is_public"])
    _changed(_editions(instance.pk), everyone=everyone)


@receiver(post_delete, sender=Edition)
def edition_deleted(sender, instance, **kwargs):
    clock_moved()


@receiver(post_save, sender=Track)
def track_saved(sender, instance, created, **kwargs):
    before = _before(instance)
    moved = _differs(instance, before, ["edition_id", "kind"])
    _changed(_editions(instance.edition_id, before.get("edition_id")), everyone=moved)


@receiver(post_delete, sender=Track)
def track_deleted(sender, instance, **kwargs):
    _changed(_editions(instance.edition_id))


@receiver([post_save, post_delete], sender=Milestone)
def milestone_changed(sender, instance, **kwargs):
    _changed(Edition.objects.filter(tracks=instance.track_id))


def _contributors(**filters):
    return set(Contribution.objects.filter(**filters).values_list("participant_id", flat=True))


@receiver(post_save, sender=Task)
def task_saved(sender, instance, created, **kwargs):
    before = _before(instance)
    # A save never changes progress and accepted entries (tasks/tally.py keeps them).
    progress = before.get("progress", TaskProgress.OPEN)
    accepted = before.get("accepted", 0)
    tally.task_moved(
        (
            before["track_id"],
            before["direction_id"],
            before["withdrawn"],
            progress,
            accepted if before["open_call"] else None,
        )
        if before
        else None,
        tally.state(instance, progress, accepted),
        kwargs.get("using", "default"),
    )
    people = ()
    if _differs(instance, before, ["track_id", "stars", "withdrawn"]):
        people = _contributors(work__task=instance.pk)
    editions = Edition.objects.filter(tracks=instance.track_id)
    if before.get("track_id") != instance.track_id and before:
        editions = _editions(before["track__edition_id"], *editions.values_list("pk", flat=True))
    _changed(editions, people=people)


@receiver(post_delete, sender=Task)
def task_deleted(sender, instance, **kwargs):
    # A task with work cannot be deleted: it was open.
    tally.task_moved(
        tally.state(instance, TaskProgress.OPEN, 0), None, kwargs.get("using", "default")
    )
    _changed(Edition.objects.filter(tracks=instance.track_id))


@receiver(post_save, sender=Work)
def work_saved(sender, instance, created, **kwargs):
    before = _before(instance)
    using = kwargs.get("using", "default")
    if _differs(instance, before, ["status", "task_id"]) or not before:
        tally.refresh_progress(instance.task_id, using)
    if before and before["task_id"] != instance.task_id:
        tally.refresh_progress(before["task_id"], using)
    people = ()
    scored = ["task_id", "status", "grade", "awarded_stars", "reward", "completed_on"]
    if _differs(instance, before, scored):
        people = _contributors(work=instance.pk)
    editions = Edition.objects.filter(tracks__tasks=instance.task_id)
    if before and before["task_id"] != instance.task_id:
        editions = _editions(
            before["task__track__edition_id"], *editions.values_list("pk", flat=True)
        )
    _changed(editions, people=people)


@receiver(post_delete, sender=Work)
def work_deleted(sender, instance, **kwargs):
    # Its contributions went first, each refreshing its person.
    tally.refresh_progress(instance.task_id, kwargs.get("using", "default"))
    _changed(Edition.objects.filter(tracks__tasks=instance.task_id))


@receiver([post_save, post_delete], sender=Contribution)
def contribution_changed(sender, instance, **kwargs):
    # The others on the same work share its reward with this person.
    people = _contributors(work=instance.work_id) | {instance.participant_id}
    _changed(Edition.objects.filter(tracks__tasks__works=instance.work_id), people=people)


@receiver(m2m_changed, sender=Task.mentors.through)
def mentors_changed(sender, instance, action, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Task):
        _changed(Edition.objects.filter(tracks__tasks=instance.pk))
    else:
        _changed(Edition.objects.filter(tracks__tasks__in=pk_set or ()))


@receiver(post_save, sender=Participant)
def participant_saved(sender, instance, created, **kwargs):
    if created:
        return  # nobody is shown before they are on a piece of work or a task
    renamed = _differs(instance, _before(instance), ["login", "name"])
    editions = Edition.objects.filter(pk__in=_person_editions(instance.pk))
    _changed(editions, renamed=[instance.pk] if renamed else ())


def _person_editions(person_id):
    worked = Edition.objects.filter(tracks__tasks__works__contributors=person_id)
    mentored = Edition.objects.filter(tracks__tasks__mentors=person_id)
    return set(worked.values_list("pk", flat=True)) | set(mentored.values_list("pk", flat=True))


@receiver(post_delete, sender=Participant)
def participant_deleted(sender, instance, **kwargs):
    # Mentorships go with the person without an m2m_changed signal.
    clock_moved()


@receiver([post_save, post_delete], sender=Certificate)
def certificate_changed(sender, instance, **kwargs):
    # Profiles and certificate pages show it with its state.
    _changed(Edition.objects.filter(tracks=instance.track_id))


@receiver([post_save, post_delete], sender=Direction)
def direction_changed(sender, instance, **kwargs):
    # Directions are shared by editions: their names are on every edition's board and filter.
    _changed(Edition.objects.filter(tracks__tasks__direction=instance.pk).distinct())
