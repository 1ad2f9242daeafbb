"""The public objections list is cached whole under the results clock: any change of an
objection (filed, answered, deleted in the admin) moves it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hackathon.clock import clock_moved
from results.models import Objection


@receiver([post_save, post_delete], sender=Objection)
def objection_changed(sender, instance, using, **kwargs):
    clock_moved(using)
