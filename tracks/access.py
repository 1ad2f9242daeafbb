from django.http import Http404

from tracks.choices import TrackKind


def kind_or_404(value):
    """The kind of track an all-time board's ``?track=`` names (individual, camp, …), None for an
    empty value, a 404 for any other (compared in Python: nothing reaches the database)."""
    if not value:
        return None
    if value not in TrackKind.values:
        raise Http404("No such kind of track.")
    return value
