"""Signals of the hackathon app."""

from django.dispatch import Signal

# Sent by EditionQuerySet.results_changed() with ``edition_ids`` (the editions whose
# results_version went up) and ``using`` (the database alias), inside the writer's transaction.
results_changed = Signal()
