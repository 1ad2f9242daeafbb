"""Signals of the hackathon app."""

from django.dispatch import Signal

# Sent by EditionQuerySet.results_changed(), inside the writer's transaction, with
# ``edition_ids`` (the editions whose results changed), ``using`` (the database alias),
# ``people`` (ids of the people whose scores the change touches), ``renamed`` (ids of people whose
# login or name changed) and ``everyone`` (the change touches everybody in these editions).
results_changed = Signal()
