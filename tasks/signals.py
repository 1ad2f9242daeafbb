"""Mark an edition's results as changed when anything its figures or boards read changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from hackathon.models import Edition
from participants.models import Certificate, Participant
from tasks.models import Contribution, Task, Work
from tracks.models import Milestone, Track


def _changed(**filters):
    Edition.objects.filter(**filters).results_changed()


@receiver([post_save, post_delete], sender=Track)
@receiver([post_save, post_delete], sender=Milestone)
@receiver([post_save, post_delete], sender=Task)
def track_or_task_changed(sender, instance, **kwargs):
    track_id = instance.pk if sender is Track else instance.track_id
    _changed(tracks__id=track_id)


@receiver([post_save, post_delete], sender=Certificate)
def certificate_changed(sender, instance, **kwargs):
    # Profiles list certificates with their state.
    _changed(tracks__id=instance.track_id)


@receiver([post_save, post_delete], sender=Work)
def work_changed(sender, instance, **kwargs):
    _changed(tracks__tasks__id=instance.task_id)


@receiver([post_save, post_delete], sender=Contribution)
def contribution_changed(sender, instance, **kwargs):
    _changed(tracks__tasks__works__id=instance.work_id)


@receiver(m2m_changed, sender=Task.mentors.through)
def mentors_changed(sender, instance, action, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Task):
        _changed(tracks__tasks__id=instance.pk)
    else:
        _changed(tracks__tasks__mentors=instance)


@receiver(post_save, sender=Participant)
def participant_changed(sender, instance, created, **kwargs):
    if not created:
        _changed(tracks__tasks__works__contributors=instance)
        _changed(tracks__tasks__mentors=instance)
