"""The public objections list is cached whole under the results clock: any change of an
objection (filed, answered, deleted in the admin) moves it. A change to final results in the
admin is published as a correction."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hackathon.clock import clock_moved
from hackathon.history import final_results_changed
from results.models import Objection
from results.versions import publish


@receiver([post_save, post_delete], sender=Objection)
def objection_changed(sender, instance, using, **kwargs):
    clock_moved(using)


@receiver(final_results_changed)
def publish_correction(sender, edition, reason, user, **kwargs):
    """An organizer changed final results: the change is published as a correction, the reason
    as its note, so the changes page says what moved and why."""
    publish(edition, final=True, note=reason, user=user)
